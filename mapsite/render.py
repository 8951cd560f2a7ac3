"""Model -> HTML through the theme's Jinja environment.

Templates get plain, precomputed data (``view``) so they hold layout, not logic.
Autoescaping is on, undefined variables are errors, and templates run in a sandbox
(``sandbox.py``): a theme cannot reach past the data it is given.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import jinja2
import jinja2.compiler
from jinja2 import nodes
from jinja2.compiler import Frame
from jinja2.visitor import NodeTransformer
from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml as escape_html
from markupsafe import Markup

try:
    from markupsafe import _escape_inner  # markupsafe 3: C speedups or its Python twin
except ImportError:  # pragma: no cover - markupsafe 2

    def _escape_inner(s: str, /) -> str:
        return str(Markup.escape(s))


from . import cache, i18n, sandbox
from .bidi import bdi, direction
from .model import safe_url
from .sandbox import ThemeSandbox, plain_name
from .schedule import state_label
from .themes import BUILTIN_THEMES, Theme

DECISION_ROLES = ("champion", "economic buyer", "decision maker", "executive sponsor", "signer")


def markdown_renderer(allow_html: bool = False) -> MarkdownIt:
    """CommonMark plus tables; links limited to safe schemes and opened without a
    referrer; images shown as links (a page loads nothing from other hosts). Raw HTML
    only when the site allows it (markdown_html: true, for trusted authors only)."""
    md = MarkdownIt("commonmark", {"html": allow_html, "typographer": True}).enable(
        ["table", "strikethrough", "replacements", "smartquotes"]
    )
    md.validateLink = safe_url  # type: ignore[method-assign]

    def link_open(tokens: Any, idx: int, options: Any, env: Any) -> str:
        tokens[idx].attrSet("rel", "noopener noreferrer")
        return md.renderer.renderToken(tokens, idx, options, env)  # type: ignore[no-any-return]

    def image(tokens: Any, idx: int, options: Any, env: Any) -> str:
        token = tokens[idx]
        src = escape_html(token.attrGet("src") or "")
        alt = escape_html(md.renderer.renderInlineAsText(token.children or [], options, env))
        return f'<a href="{src}" rel="noopener noreferrer">{alt or src}</a>'

    md.renderer.rules["link_open"] = link_open
    md.renderer.rules["image"] = image
    return md


# --- dates the way people read them: in the language spoken (i18n.py) ------------------

format_date = i18n.format_date
relative = i18n.relative
duration = i18n.duration


def sentence(text: str) -> str:
    """The first letter capitalised and nothing else changed (Jinja's ``capitalize``
    lowercases the rest, and German nouns keep their capitals)."""
    return text[:1].upper() + text[1:]


def _output_escape(value: Any) -> str:
    """What ``{{ value }}`` writes: markupsafe's escape without wrapping every result in
    a new Markup object, which the output never needs (a sixth of a page's render time)."""
    kind = type(value)
    if kind is str:
        return _escape_inner(value)
    if kind is Markup:  # safe already, and the words of every page are
        return value
    if kind is int or kind is float:  # the timeline's positions: nothing to escape
        return str(value)
    if hasattr(value, "__html__"):
        return value.__html__()  # type: ignore[no-any-return]
    return _escape_inner(str(value))


class _Template(jinja2.Template):
    @classmethod
    def from_code(cls, environment, code, globals, uptodate=None):  # type: ignore[no-untyped-def]
        template = super().from_code(environment, code, globals, uptodate)
        # Jinja calls ``escape`` only around output (``{{ }}``), and looks it up in the
        # compiled template's module globals
        names = template.root_render_func.__globals__
        names["escape"] = _output_escape
        names[_READ] = environment.getattr  # see _ReadsAttributes
        return template


_READ = "read_attribute"
"""What ``x.name`` calls, in the template module's globals, where a plain read finds
nothing (mapsite's own templates) or for every read (a theme's, in the sandbox)."""


class _ReadsAttributes(jinja2.compiler.CodeGenerator):
    """``x.name`` as Python reads it, in mapsite's own templates: ``getattr(x, 'name',
    missing)``, and only where that finds nothing (a mapping's key, or nothing at all)
    Jinja's read, ``read_attribute``. Jinja calls its own for every read, a Python
    function call each: 1,500 a page, 2 % of a build. In a theme's own templates, which
    run in the sandbox, every read is ``read_attribute``: the sandbox's check. Mapsite's
    templates run in the sandbox too as soon as a site's theme brings any template;
    checking their reads cost a tenth of a build. Only names the sandbox allows on any
    object (``sandbox.plain_name``) are compiled either way; the rest stay with Jinja
    (and the sandbox) in every template. And what a theme can hand mapsite's templates
    is only what the sandbox let it reach."""

    def visit_Getattr(self, node: nodes.Getattr, frame: Frame) -> None:
        if self.environment.is_async or not plain_name(node.attr):
            super().visit_Getattr(node, frame)
            return
        name = repr(node.attr)
        if not _is_builtin(self.filename or ""):
            self.write(f"{_READ}(")
            self.visit(node.node, frame)
            self.write(f", {name})")
            return
        # x evaluated once; nothing else runs between each name's assignment and its use
        # (Jinja writes no comprehensions, where an assignment could not stand)
        self.write("(_value if (_value := getattr((_of := ")
        self.visit(node.node, frame)
        self.write(f"), {name}, missing)) is not missing else {_READ}(_of, {name}))")

    def visit_Include(self, node: nodes.Include, frame: Frame) -> None:
        """``{% include %}`` with the page's context, its output joined where it is
        rendered. Jinja hands each piece of an included template's output up one by one,
        through a loop of its own and then every block around it: a page's partials make
        about 1,500 pieces, four levels deep. Joined, the partial is one piece above."""
        if self.environment.is_async or node.ignore_missing or not node.with_context:
            super().visit_Include(node, frame)
            return
        one = isinstance(node.template, nodes.Const) and isinstance(node.template.value, str)
        get = "get_template" if one else "get_or_select_template"  # a list: the first found
        self.writeline(f"template = environment.{get}(", node)
        self.visit(node.template, frame)
        self.write(f", {self.name!r})")
        self.writeline(
            "gen = template.root_render_func(template.new_context(context.get_all(), True,"
            f" {self.dump_local_context(frame)}))"
        )
        self.writeline("try:")
        self.indent()
        self.simple_write("str_join(gen)", frame)
        self.outdent()
        self.writeline("finally: gen.close()")


@functools.lru_cache(maxsize=256)
def _is_builtin(filename: str) -> bool:
    """A template file of mapsite's own themes (not one under a site's themes/)."""
    try:
        return Path(filename).resolve().is_relative_to(BUILTIN_THEMES.resolve())
    except (OSError, ValueError):
        return False


def template_loader(theme: Theme) -> jinja2.BaseLoader:
    """The theme chain, most specific first; ``NAME:template.html`` is that theme's own
    template, so a theme can extend its parent's page and override one block:
    ``{% extends "default:plan.html" %}``."""
    named: dict[str, jinja2.BaseLoader] = {}
    for folder in reversed(theme.chain):  # a built-in name means the built-in theme
        if (folder / "templates").is_dir():
            named.setdefault(folder.name, jinja2.FileSystemLoader(folder / "templates"))
    return jinja2.ChoiceLoader(
        [jinja2.FileSystemLoader(theme.template_dirs), jinja2.PrefixLoader(named, delimiter=":")]
    )


class CompiledTemplates(jinja2.BytecodeCache):
    """Compiled templates kept in this machine's cache (``cache.py``): compiling a
    theme's templates takes about 0.15 s of every build, loading them 0.01 s.

    Jinja checks that a template's own source has not changed. Compiling reads more
    than that: filters with constant arguments run at compile time, so the theme's
    icons (and Markdown, as the site allows it) are folded into the code of the
    templates that use them. So the check also covers every template file of the
    theme chain, the site's Markdown setting, mapsite's filters, Jinja's version, and
    the language with its words (one environment per language: ``make_environment``).
    """

    def __init__(
        self, theme: Theme, markdown_html: bool, language: i18n.Language = i18n.ENGLISH
    ) -> None:
        digest = hashlib.sha256()
        kind = environment_class(theme)
        # this file holds the filters: another mapsite (installed or edited) compiles anew
        stamp = Path(__file__).stat()
        # sandboxed code differs (calls go through the sandbox's checks): never load
        # code compiled without it into the sandbox; and which names a sandboxed
        # template reads as they are (sandbox.plain_name) is decided as it compiles
        rules = Path(sandbox.__file__).stat()
        # a template's words with nothing to fill in are compiled into it (``label``):
        # its language, the site's own wording and the catalog's file are part of it
        po = i18n.catalog_path(language.code)
        words = [
            language.code,
            sorted(language.overrides.items()),
            po.stat().st_mtime_ns if po.is_file() else 0,
        ]
        parts = [__file__, stamp.st_mtime_ns, stamp.st_size, jinja2.__version__, markdown_html,
                 kind.__name__, words, rules.st_mtime_ns, rules.st_size]  # fmt: skip
        digest.update(repr(parts).encode())
        for folder in theme.chain:
            for path in sorted((folder / "templates").rglob("*.html")):
                digest.update(f"{path}\0".encode() + path.read_bytes() + b"\0")
        self.fingerprint = digest.hexdigest()

    def get_source_checksum(self, source: str) -> str:
        return hashlib.sha256(f"{self.fingerprint}\0{source}".encode()).hexdigest()

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        data = cache.read_bytes(f"templates/{bucket.key}.jinja")
        if data is not None:
            try:
                bucket.bytecode_from_string(data)
            except Exception:  # a damaged file: compile again
                bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        cache.write_bytes(f"templates/{bucket.key}.jinja", bucket.bytecode_to_string())


def make_environment(
    theme: Theme,
    today: date,
    static_url: Callable[[str], str],
    md: MarkdownIt,
    compiled: jinja2.BytecodeCache | None = None,
    language: i18n.Language = i18n.ENGLISH,
) -> jinja2.Environment:
    """The environment pages in ``language`` are written in: one per language, so that
    a template's words with nothing to fill in are compiled into its code (``label``)
    and a page in English costs what it did before there were translations."""
    env = environment_class(theme)(
        loader=template_loader(theme),
        bytecode_cache=compiled,
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # an environment lives for one build (the dev server makes a new one when a
        # theme changes): no need to stat every template on every page
        auto_reload=False,
        extensions=["jinja2.ext.i18n"],
    )
    env.newstyle_gettext = True  # type: ignore[attr-defined]
    env.globals.update(words(language))
    env.policies["ext.i18n.trimmed"] = True
    env.template_class = _Template
    env.filters["date"] = lambda d: language.format_date(d, today)
    env.filters["relative"] = lambda d: language.relative(d, today)
    env.filters["duration"] = language.duration
    env.language = language  # type: ignore[attr-defined]
    env.filters["fill"] = fill
    env.filters["plural"] = functools.partial(plural, language)
    env.filters["percent"] = language.percent
    env.filters["sentence"] = sentence
    env.filters["state_label"] = state_label
    env.filters["iso"] = lambda d: d.isoformat() if d else ""
    env.filters["markdown"] = lambda text: Markup(md.render(text or ""))
    env.filters["initials"] = initials
    env.filters["direction"] = direction
    env.filters["bdi"] = bdi
    env.filters["safe_url"] = lambda url: url if url and safe_url(url) else None
    env.filters["tel"] = lambda phone: "".join(c for c in phone if c.isdigit() or c == "+")
    env.filters["is_key_role"] = lambda role: bool(role) and role.casefold() in DECISION_ROLES
    env.globals["static"] = static_url
    env.globals["today"] = today
    # the theme's icons.html macros, as filters: Jinja calls a filter directly, while a
    # global goes through Context.call, which cost more than the cached macro itself
    env.filters["icon"] = memo_macro(env, "svg")
    for name in ("status", "owner_list", "due"):
        env.filters[name] = memo_macro(env, name)
    env.globals["critical"] = memo_macro(env, "critical")
    return env


# --- words in the page's language -------------------------------------------------------
# Jinja's own gettext callables take the template's context (which Jinja copies for
# a call inside a loop), call through it twice and format with Markup's %: some
# 10 µs a string, and a page says about 150. These need no context. A translation
# (or a site's own wording) is escaped like any text: the catalogs hold no markup,
# and a theme's strings: must not be a way to put some on the page; the values
# filled in are escaped unless they are safe already.


def _fill(text: str, variables: dict[str, Any]) -> Markup:
    text = _text(text)
    if not variables:
        return _safe(text.replace("%%", "%") if "%%" in text else text)
    return _safe(text % {k: _output_escape(v) for k, v in variables.items()})


def words(language: i18n.Language) -> dict[str, Callable[..., Markup]]:
    """``_``, ``gettext``, ``ngettext``, ``pgettext``, ``npgettext`` in ``language``,
    as Jinja's i18n extension calls them (newstyle: the fields as keywords)."""

    def gettext(message: str, /, **variables: Any) -> Markup:
        return _fill(language.gettext(message), variables)

    def ngettext(singular: str, plural: str, n: int, /, **variables: Any) -> Markup:
        variables.setdefault("num", n)
        return _fill(language.ngettext(singular, plural, n), variables)

    def pgettext(where: str, message: str, /, **variables: Any) -> Markup:
        return _fill(language.pgettext(where, message), variables)

    def npgettext(where: str, singular: str, plural: str, n: int, /, **variables: Any) -> Markup:
        variables.setdefault("num", n)
        return _fill(language.npgettext(where, singular, plural, n), variables)

    return {"_": gettext, "gettext": gettext, "ngettext": ngettext, "pgettext": pgettext,
            "npgettext": npgettext}  # fmt: skip


def plural(
    language: i18n.Language, n: int, singular: str, plural: str, /, **variables: Any
) -> Markup:
    """The ``plural`` filter: ``ngettext`` of a template, in ``language``."""
    variables.setdefault("num", n)
    return _fill(language.ngettext(singular, plural, n), variables)


def _text(text: str) -> str:
    """A translation, escaped for text and double-quoted attributes: an apostrophe stays
    one ("What's new" reads the same in the page's source as it did before)."""
    return _escape_inner(text).replace("&#39;", "'")


def fill(text: str, /, **variables: Any) -> Markup:
    """The ``fill`` filter: a translated string, escaped, with its fields filled in."""
    return _safe(text % {k: _output_escape(v) for k, v in variables.items()})


# Markup(text) for a text known to be str: without Markup's own __new__, which asks each
# text whether it has __html__ (a page fills some 70 words and makes 140 Markup objects)
_safe: Callable[[str], Markup] = functools.partial(str.__new__, Markup)


class _Words(NodeTransformer):
    """A template's words in the environment's language, looked up while compiling:
    ``_("Next up")`` becomes the text itself, ``_("Due %(date)s", date=...)`` the
    translated text passed to the ``fill`` filter, and ``ngettext`` the ``plural``
    filter (the form depends on the number). Jinja calls a filter directly, while a
    call of ``_()`` goes through the template's context: a page says about 150 words,
    and an English page costs what it did before it could be in any other language."""

    def __init__(self, language: i18n.Language) -> None:
        self.language = language

    def visit_Call(self, node: nodes.Call) -> nodes.Node:
        node = self.generic_visit(node)
        if not isinstance(node.node, nodes.Name) or node.dyn_args or node.dyn_kwargs:
            return node
        name, args = node.node.name, node.args
        texts = _texts(args)
        if name in ("_", "gettext") and len(texts) == 1:
            text = self.language.gettext(texts[0])
        elif name == "pgettext" and len(texts) == 2:
            text = self.language.pgettext(texts[0], texts[1])
        elif name == "ngettext" and len(args) == 3 and _texts(args[:2]):
            return nodes.Filter(args[2], "plural", args[:2], node.kwargs, None, None,
                                lineno=node.lineno)  # fmt: skip
        else:
            return node
        if not node.kwargs:
            return nodes.Const(_fill(text, {}), lineno=node.lineno)
        return nodes.Filter(nodes.Const(_text(text)), "fill", [], node.kwargs, None, None,
                            lineno=node.lineno)  # fmt: skip


def _texts(args: list[nodes.Expr]) -> list[str]:
    """The arguments' texts, when every one is a constant text (else none)."""
    texts = [a.value for a in args if isinstance(a, nodes.Const) and isinstance(a.value, str)]
    return texts if len(texts) == len(args) else []


class SaysWords(jinja2.Environment):
    """Compiles a template's words in the environment's ``language`` (``_Words``)."""

    language: i18n.Language = i18n.ENGLISH

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        return _Words(self.language).visit(super()._parse(source, name, filename))  # type: ignore[no-any-return]


class BuiltinEnvironment(SaysWords):
    """Where mapsite's own templates run when the site's theme brings none of its own:
    they are mapsite's code, so the sandbox's check of every attribute read (about 5%
    of a build) buys nothing."""

    code_generator_class = _ReadsAttributes


class SandboxEnvironment(SaysWords, ThemeSandbox):
    """The theme sandbox (sandbox.py), with labels as filters."""

    code_generator_class = _ReadsAttributes


def environment_class(theme: Theme) -> type[jinja2.Environment]:
    """The sandbox as soon as one template comes from the site's themes/ folder."""
    return SandboxEnvironment if theme.own_templates else BuiltinEnvironment


ICONS = "partials/icons.html"
_LOADING_ICONS = "_mapsite_loading_icons"


def memo_macro(env: jinja2.Environment, name: str) -> Callable[..., Markup]:
    """A macro of the theme's icons.html, rendered once per distinct arguments.

    Steps repeat the same status, date and owners over and over; calling a Jinja
    macro each time was most of the rendering time of a page.
    """
    cache: dict[tuple[Any, ...], Markup] = {}

    def render(*args: Any) -> Markup:
        # Jinja folds a filter with constant arguments ({{ "calendar" | icon }}) into the
        # compiled template by calling it at compile time. Inside icons.html itself that
        # would compile icons.html again, and again: there, refuse, and Jinja leaves the
        # call to run time.
        if env.globals.get(_LOADING_ICONS):
            raise RuntimeError("icons.html is still being compiled")
        env.globals[_LOADING_ICONS] = True
        try:
            module = env.get_template(ICONS).module
        finally:
            env.globals[_LOADING_ICONS] = False
        return Markup(getattr(module, name)(*args))

    def call(*args: Any) -> Markup:
        try:
            result = cache.get(args)
        except TypeError:  # a list among the arguments: cache it by its items
            key = tuple(tuple(a) if isinstance(a, list) else a for a in args)
            try:
                result = cache.get(key)
            except TypeError:  # still unhashable: no caching
                return render(*args)
            if result is None:
                result = cache[key] = render(*args)
            return result
        if result is None:
            result = cache[args] = render(*args)
        return result

    return call


def initials(name: str) -> str:
    parts = [p for p in name.replace("-", " ").split() if p[:1].isalpha()]
    if not parts:
        return name[:1].upper()
    return (parts[0][0] + (parts[-1][0] if len(parts) > 1 else "")).upper()
