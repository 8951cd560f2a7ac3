"""Theme templates run in Jinja's sandbox: a theme shapes the pages, but cannot run
commands, read the environment (where the plans' passwords are) or files, or exhaust
the machine's memory with one expression. Each attempt is a located error, no
traceback, and nothing written."""

from __future__ import annotations

import os
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

import jinja2
import pytest
from jinja2.sandbox import SecurityError
from markupsafe import Markup
from support import REPO, TODAY, page_of

from mapsite.config import SiteConfig
from mapsite.sandbox import (
    MAX_DIGITS,
    MAX_ITEMS,
    MAX_RANGE,
    UNSAFE_HINT,
    ThemeSandbox,
    TooMuch,
    _digits,
    _show,
    bounded_range,
    check_power,
    check_repeat,
    explain,
    plain_name,
)
from mapsite.themes import BUILTIN_THEMES

WHY = BUILTIN_THEMES / "default" / "templates" / "partials" / "why.html"
UNSAFE = "(a theme cannot reach Python's internals or run code: docs/theming.md lists the data templates receive)"  # noqa: E501


# --- the sandbox itself ---------------------------------------------------------------


def sandbox() -> ThemeSandbox:
    return ThemeSandbox(undefined=jinja2.StrictUndefined, autoescape=True)


def render(text: str, **data: object) -> str:
    return sandbox().from_string(text).render(**data)


def refused(text: str, **data: object) -> str:
    with pytest.raises(SecurityError) as caught:
        render(text, **data)
    message, hint = explain(caught.value)
    return f"{message} ({hint})"


@dataclass
class Card:
    title: str
    copy: str = "kept"


def test_a_template_reads_the_data_it_is_given() -> None:
    data = {"card": Card("Hello"), "site": SiteConfig(title="Plans")}
    template = (
        "{{ card.title }} {{ card.title }} {{ card['title'] }} {{ site.title }} {{ card.copy }}"
    )
    assert render(template, **data) == "Hello Hello Hello Plans kept"
    assert render("{{ {'a': 1}.a }} {{ {'a': 1}['a'] }} {{ [4, 5][1] }}") == "1 1 5"
    assert render("{{ '{0}-{1}'.format(1, 2) }} {{ '{0}'.format(1) }}") == "1-2 1"


def test_pydantic_methods_are_refused_but_only_on_models() -> None:
    assert refused("{{ site.model_dump() }}", site=SiteConfig()) == (
        f"access to attribute 'model_dump' of 'SiteConfig' object is unsafe ({UNSAFE_HINT})"
    )
    assert refused("{{ site.copy() }}", site=SiteConfig()).startswith(
        "access to attribute 'copy' of 'SiteConfig'"
    )
    assert render("{{ card.copy }}", card=Card("x")) == "kept"  # not a model: its own field


def test_the_verdict_is_kept_per_type_and_name() -> None:
    env = sandbox()
    template = env.from_string("{{ card.title }}{{ card.__class__ }}")
    for _ in range(2):  # the second time from what the first one learned
        with pytest.raises(SecurityError, match="'__class__' of 'Card'"):
            template.render(card=Card("a"))
    assert env.from_string("{{ card.title }}").render(card=Card("b")) == "b"
    # a format method found again still goes through the sandboxed formatter
    fmt = env.from_string("{{ text.format(card) }}")
    for _ in range(2):
        with pytest.raises(SecurityError, match="'__class__' of 'Card'"):
            fmt.render(text="{0.__class__}", card=Card("c"))
    assert env.from_string("{{ text.format(7) }}").render(text="<{0}>") == "&lt;7&gt;"


class Counting(ThemeSandbox):
    """The sandbox, counting how often it judges an attribute."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.judged: list[tuple[str, str]] = []

    def is_safe_attribute(self, obj: object, attr: str, value: object) -> bool:
        self.judged.append((type(obj).__name__, attr))
        return super().is_safe_attribute(obj, attr, value)


class Box:
    """Attributes of its own, so two boxes need not have the same ones."""


def test_each_type_and_name_is_judged_once() -> None:
    env = Counting(undefined=jinja2.StrictUndefined)
    template = env.from_string("{{ a.title }}{{ b.title }}{{ a.title }}{{ a.copy }}")
    assert template.render(a=Card("x"), b=Card("y")) == "xyxkept"
    assert template.render(a=Card("z"), b=Card("w")) == "zwzkept"
    assert env.judged == [("Card", "title"), ("Card", "copy")]


def test_an_attribute_one_object_of_a_type_lacks() -> None:
    env = sandbox()
    full, empty = Box(), Box()
    full.label = "shown"  # type: ignore[attr-defined]
    template = env.from_string("{{ box.label }}")
    assert template.render(box=full) == "shown"
    with pytest.raises(jinja2.UndefinedError, match="Box object' has no attribute 'label'"):
        template.render(box=empty)


def test_a_format_method_met_where_a_plain_value_was_is_still_sandboxed() -> None:
    env = sandbox()
    plain, method = Box(), Box()
    plain.f = "text"  # type: ignore[attr-defined]
    method.f = "{0.__class__}".format  # type: ignore[attr-defined]
    assert env.from_string("{{ box.f }}").render(box=plain) == "text"
    with pytest.raises(SecurityError, match="'__class__' of 'Card'"):
        env.from_string("{{ box.f(card) }}").render(box=method, card=Card("x"))


@pytest.mark.parametrize(
    ("name", "plain"),
    [
        ("milestones", True), ("items", True), ("get", True), ("name", True),
        ("_x", False), ("__class__", False), ("format", False), ("format_map", False),
        ("mro", False), ("append", False), ("update", False), ("setdefault", False),
        ("popleft", False), ("model_dump", False), ("parse_file", False), ("gi_frame", False),
        ("f_globals", False), ("tb_frame", False), ("co_code", False),
        # the rest of what frames, tracebacks, code and generators hold
        ("f_lineno", False), ("tb_lineno", False), ("co_name", False), ("gi_yieldfrom", False),
        ("cr_await", False), ("ag_await", False),
    ],
)  # fmt: skip
def test_names_read_as_they_are_in_mapsites_own_templates(name: str, plain: bool) -> None:
    assert plain_name(name) is plain


@pytest.fixture
def templates(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """(site theme folder, built-in theme folder, environment loading from both)."""
    from mapsite import render

    theirs, ours = tmp_path / "site-theme", tmp_path / "builtin"
    theirs.mkdir()
    ours.mkdir()
    monkeypatch.setattr(render, "BUILTIN_THEMES", ours)
    render._is_builtin.cache_clear()
    env = render.SandboxEnvironment(
        loader=jinja2.FileSystemLoader([theirs, ours]), undefined=jinja2.StrictUndefined
    )
    env.template_class = render._Template
    yield theirs, ours, env
    render._is_builtin.cache_clear()


def test_only_mapsites_own_templates_read_attributes_as_they_are(templates) -> None:
    theirs, ours, env = templates
    for folder in (theirs, ours):
        (folder / f"{folder.name}.html").write_text("{{ box.f(card) }}", encoding="utf-8")
    box = Box()
    box.f = "{0.__class__}".format  # type: ignore[attr-defined]

    # a theme's template: the sandbox's check, which hands out its own formatter
    with pytest.raises(SecurityError, match="'__class__' of 'Card'"):
        env.get_template("site-theme.html").render(box=box, card=Card("x"))
    # mapsite's own template reads the attribute as it is (no theme can make such a box)
    assert env.get_template("builtin.html").render(box=box, card=Card("x")) == str(Card)


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("{{ card.__class__ }}", "access to attribute '__class__' of 'Card' object is unsafe"),
        ("{{ cards.append(1) }}", "access to attribute 'append' of 'list' object is unsafe"),
        ("{{ site.model_dump() }}",
         "access to attribute 'model_dump' of 'SiteConfig' object is unsafe"),
        ("{{ '{0.__class__}'.format(card) }}",
         "access to attribute '__class__' of 'Card' object is unsafe"),
    ],
)  # fmt: skip
def test_mapsites_own_templates_leave_other_names_to_the_sandbox(
    templates, expression: str, message: str
) -> None:
    _, ours, env = templates
    (ours / "own.html").write_text(expression, encoding="utf-8")
    data = {"card": Card("x"), "cards": [], "site": SiteConfig(title="Plans")}

    with pytest.raises(SecurityError, match=re.escape(message)):
        env.get_template("own.html").render(**data)


@pytest.mark.parametrize("environment", ["BuiltinEnvironment", "SandboxEnvironment"])
def test_mapsites_own_templates_read_as_jinja_does(tmp_path, monkeypatch, environment) -> None:
    # x.name compiled to Python's own read, with Jinja's where that finds nothing
    from mapsite import render

    monkeypatch.setattr(render, "BUILTIN_THEMES", tmp_path)
    render._is_builtin.cache_clear()
    env = getattr(render, environment)(
        loader=jinja2.FileSystemLoader(tmp_path), undefined=jinja2.StrictUndefined
    )
    env.template_class = render._Template
    calls = []

    def made() -> Card:
        calls.append(1)
        return Card("made")

    cases = {
        "{{ card.title }}|{{ key.title }}|{{ outer.inner.title }}": "x|from the key|deep",
        "{{ made().title }}": "made",  # the object is made once
        "{% if card.nothing is defined %}yes{% else %}no{% endif %}": "no",
        "{% for c in cards if c.title != 'b' %}{{ c.title }}{% endfor %}": "ac",
    }
    data = {
        "card": Card("x"), "key": {"title": "from the key"}, "made": made,
        "outer": {"inner": Card("deep")}, "cards": [Card("a"), Card("b"), Card("c")],
    }  # fmt: skip
    try:
        for n, (text, shown) in enumerate(cases.items()):
            (tmp_path / f"{n}.html").write_text(text, encoding="utf-8")
            assert env.get_template(f"{n}.html").render(**data) == shown
        assert calls == [1]
        (tmp_path / "missing.html").write_text("{{ card.nothing }}", encoding="utf-8")
        with pytest.raises(jinja2.UndefinedError, match=r"Card object' has no attribute 'nothing'"):
            env.get_template("missing.html").render(card=Card("x"))
    finally:
        render._is_builtin.cache_clear()


def test_a_refused_value_stays_refused_along_the_way() -> None:
    env = sandbox()
    first = env.getattr(Card("a"), "__class__")
    assert isinstance(first, env.refusal)
    assert env.getattr(first, "__init__") is first
    assert env.getitem(first, "x") is first
    assert env.getitem({"a": 1}, "a") == 1
    assert env.getattr({"a": 1}, "a") == 1
    assert isinstance(env.getattr(Card("a"), "nothing"), jinja2.Undefined)
    assert not isinstance(env.getattr(Card("a"), "nothing"), env.refusal)


def test_range_is_bounded() -> None:
    assert bounded_range(3) == range(3)
    assert bounded_range(2, 10, 3) == range(2, 10, 3)
    assert len(bounded_range(100_000)) == MAX_RANGE == 100_000
    assert len(bounded_range(5, 100_005)) == 100_000
    with pytest.raises(TooMuch) as caught:
        bounded_range(100_001)
    assert str(caught.value) == "range(100001) is too long: a template may count up to 100,000"
    with pytest.raises(TooMuch, match=r"^range\(0, 10{30}, 1\) is too long"):
        bounded_range(0, 10**30, 1)
    assert render("{{ range(3)|list }}") == "[0, 1, 2]"


def test_repeating_is_bounded() -> None:
    check_repeat("ab", 500_000)  # 1,000,000 characters: the limit itself
    check_repeat(500_000, "ab")
    check_repeat([1], 1_000_000)
    check_repeat("a", 2.5)
    check_repeat(True, "x" * 2_000_000)
    check_repeat("ab", -(10**9))
    with pytest.raises(TooMuch) as caught:
        check_repeat("ab", 500_001)
    assert str(caught.value) == (
        "'ab' * 500001 would make 1,000,002 characters: a template may make up to 1,000,000"
    )
    with pytest.raises(TooMuch, match=r"^a list \* 1000001 would make 1,000,001 items"):
        check_repeat(1_000_001, [0])
    with pytest.raises(TooMuch, match=r"^a tuple \* 500001 would make 1,000,002 items"):
        check_repeat((1, 2), 500_001)
    check_repeat(10**499, 10**499)  # 1,000 digits
    check_repeat(-(10**499), 10**499)
    with pytest.raises(TooMuch) as caught:
        check_repeat(10**500, 10**499)
    assert str(caught.value) == (
        "a 501-digit number * a 500-digit number is too large a number: a template may "
        "compute up to 1,000 digits"
    )
    assert MAX_ITEMS == 1_000_000


def test_powers_are_bounded() -> None:
    check_power(2, 3321)  # 1,000 digits
    check_power(1, 10**12)
    check_power(-1, 10**12)
    check_power(0, 10**12)
    check_power(10, -(10**12))
    check_power(10, 0)
    check_power(2.0, 10**12)
    check_power(10**12, 0.5)
    with pytest.raises(TooMuch) as caught:
        check_power(2, 3322)
    assert str(caught.value) == (
        "2 ** 3322 is too large a number: a template may compute up to 1,000 digits"
    )
    with pytest.raises(TooMuch, match=r"^-10 \*\* 1001 is too large"):
        check_power(-10, 1001)
    check_power(-10, 1000)
    with pytest.raises(TooMuch, match=r"^a 1,002-digit number \*\* 1 is too large"):
        check_power(10**1001, 1)
    assert render("{{ 2 ** 10 }} {{ 3 * 4 }} {{ 2 * 'ab' }} {{ 2 - 1 }}") == "1024 12 abab 1"
    assert MAX_DIGITS == 1_000


def test_numbers_and_values_in_messages() -> None:
    assert [_digits(n) for n in (0, 7, 9, 10, -999, 1000, 10**100)] == [1, 1, 1, 2, 3, 4, 101]
    assert _show(10**19) == "10000000000000000000"
    assert _show(10**20) == "a 21-digit number"
    assert _show(-(10**20)) == "a 21-digit number"
    assert _show("a" * 20) == f"'{'a' * 20}'"
    assert _show("a" * 21) == f"'{'a' * 20}…'"
    assert _show(Markup("<b>")) == "'<b>'"
    assert _show([1]) == "a list"
    assert _show((1,)) == "a tuple"


def test_how_a_refusal_reads() -> None:
    assert explain(TooMuch("too big.")) == ("too big", "make the template do less")
    assert explain(SecurityError("no.")) == ("no", UNSAFE_HINT)
    assert refused("{{ x.__class__ }}", x=1) == (
        f"access to attribute '__class__' of 'int' object is unsafe ({UNSAFE_HINT})"
    )


def test_data_cannot_be_changed() -> None:
    assert refused("{{ x.append(1) }}", x=[]) == (
        f"access to attribute 'append' of 'list' object is unsafe ({UNSAFE_HINT})"
    )
    assert refused("{{ x.update({}) }}", x={}).startswith("access to attribute 'update'")


# --- the real command -------------------------------------------------------------------


def evil_theme(site: Path, expression: str) -> Path:
    """Site theme 'evil' whose why.html shows ``expression`` on line 3."""
    why = site / "themes" / "evil" / "templates" / "partials" / "why.html"
    why.parent.mkdir(parents=True)
    why.write_text(f"<section>\n  <p>\n  {expression}\n  </p>\n</section>\n", encoding="utf-8")
    config = site / "mapsite.yml"
    text = re.sub(r"^theme: .*\n", "", config.read_text(encoding="utf-8"), flags=re.M)
    config.write_text(f"{text}theme: evil\n", encoding="utf-8")
    return why


PWNED = "PWNED"
ESCAPES = [
    # the one from the issue: a Jinja global's function globals hold the os module
    (
        "{{ cycler.__init__.__globals__.os.popen('touch PWNED').read() }}",
        "access to attribute '__init__' of 'type' object is unsafe",
    ),
    (
        "{{ lipsum.__globals__['os'].popen('touch PWNED').read() }}",
        "access to attribute '__globals__' of 'function' object is unsafe",
    ),
    (
        "{{ joiner.__init__.__globals__.os.system('touch PWNED') }}",
        "access to attribute '__init__' of 'type' object is unsafe",
    ),
    # every class of the interpreter, from any string
    (
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "access to attribute '__class__' of 'str' object is unsafe",
    ),
    (
        "{% for c in ().__class__.__base__.__subclasses__() %}{{ c }}{% endfor %}",
        "access to attribute '__class__' of 'tuple' object is unsafe",
    ),
    # the template's own context, with everything the renderer passed
    (
        "{{ self._TemplateReference__context.environment }}",
        "access to attribute '_TemplateReference__context' of 'TemplateReference' object is unsafe",
    ),
    # the data a template receives, and mapsite's own callables
    (
        "{{ view.__class__.__init__.__globals__ }}",
        "access to attribute '__class__' of 'PlanView' object is unsafe",
    ),
    (
        "{{ static.__self__.site }}",
        "access to attribute '__self__' of 'method' object is unsafe",
    ),
    (
        "{{ static.__func__.__globals__['os'].environ }}",
        "access to attribute '__func__' of 'method' object is unsafe",
    ),
    (
        "{{ plan|attr('__class__') }}",
        "access to attribute '__class__' of 'Plan' object is unsafe",
    ),
    (
        "{{ '{0.__class__.__init__.__globals__}'.format(view) }}",
        "access to attribute '__class__' of 'PlanView' object is unsafe",
    ),
    (
        "{{ (plan|list)|map(attribute='__class__')|first }}",
        "access to attribute '__class__' of 'tuple' object is unsafe",
    ),
    # pydantic's own methods on the settings and the plan: one reads any file
    (
        "{{ site.parse_file('/etc/hostname') }}",
        "access to attribute 'parse_file' of 'SiteConfig' object is unsafe",
    ),
    (
        "{{ plan.model_validate_json('{}') }}",
        "access to attribute 'model_validate_json' of 'Plan' object is unsafe",
    ),
    # the data is read-only
    (
        "{{ view.milestones.append(1) }}",
        "access to attribute 'append' of 'list' object is unsafe",
    ),
    (
        "{{ site.lint.__dict__.update({}) }}",
        "access to attribute '__dict__' of 'LintSettings' object is unsafe",
    ),
]


@pytest.mark.parametrize(("expression", "message"), ESCAPES)
def test_a_theme_cannot_reach_python(
    example_site: Path, run, expression: str, message: str
) -> None:
    evil_theme(example_site, expression)

    result = run("build", "--today", TODAY)

    assert result.exit_code == 1
    assert result.stderr == (
        f"themes/evil/templates/partials/why.html:3:1: {message} {UNSAFE}\n1 error in 1 file\n"
    )
    assert not (example_site / PWNED).exists()
    assert not (example_site / "public").exists()


def test_the_sandbox_holds_when_the_templates_come_from_the_cache(example_site: Path, run) -> None:
    """Compiled code is cached between builds: the second build's code is sandboxed too."""
    expression = "{{ cycler.__init__.__globals__.os.popen('touch PWNED').read() }}"
    evil_theme(example_site, expression)
    first = run("build", "--today", TODAY)
    second = run("build", "--today", TODAY)

    assert first.stderr == second.stderr
    assert second.exit_code == 1
    assert "object is unsafe" in second.stderr
    assert not (example_site / PWNED).exists()


def test_a_theme_cannot_call_what_is_marked_unsafe(example_site: Path, run) -> None:
    """Python callables reached through the data are refused when they can change things:
    here the ``alters_data`` convention Jinja honours."""
    evil_theme(example_site, "{{ cycler(1, 2).reset() }}{{ namespace(a=1).a }}")

    result = run("build", "--today", TODAY)

    assert result.exit_code == 0, result.stderr  # harmless helpers still work


LIMITS = [
    (
        "{{ range(10**10)|length }}",
        "range(10000000000) is too long: a template may count up to 100,000",
    ),
    (
        "{% for i in range(200000) %}{% endfor %}",
        "range(200000) is too long: a template may count up to 100,000",
    ),
    (
        "{{ ('x' * 10**10)|length }}",
        "'x' * 10000000000 would make 10,000,000,000 characters: a template may make "
        "up to 1,000,000",
    ),
    (
        "{{ ([1, 2] * 10**9)|length }}",
        "a list * 1000000000 would make 2,000,000,000 items: a template may make up to 1,000,000",
    ),
    (
        "{{ 9 ** (10 ** 9) }}",
        "9 ** 1000000000 is too large a number: a template may compute up to 1,000 digits",
    ),
    (
        "{% set n = 10 ** 600 %}{{ n * n }}",
        "a 601-digit number * a 601-digit number is too large a number: a template may "
        "compute up to 1,000 digits",
    ),
]


MISTAKES = [
    ("{{ 1 / 0 }}", "ZeroDivisionError: division by zero"),
    ("{{ 10.0 ** 400 }}", "OverflowError: (34, 'Numerical result out of range')"),
    ("{{ 'a' + 1 }}", 'TypeError: can only concatenate str (not "int") to str'),
    (
        "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}",
        "RecursionError: maximum recursion depth exceeded",
    ),
]


@pytest.mark.parametrize(("expression", "message"), MISTAKES)
def test_a_failing_expression_is_a_located_error(
    example_site: Path, run, expression: str, message: str
) -> None:
    evil_theme(example_site, expression)

    result = run("build", "--today", TODAY)

    assert result.exit_code == 1
    assert result.stderr.startswith(f"themes/evil/templates/partials/why.html:3:1: {message}")
    assert result.stderr.endswith("\n1 error in 1 file\n")


@pytest.mark.parametrize(("expression", "message"), LIMITS)
def test_one_expression_cannot_exhaust_the_machine(
    example_site: Path, run, expression: str, message: str
) -> None:
    evil_theme(example_site, expression)

    result = run("build", "--today", TODAY)

    assert result.exit_code == 1
    assert result.stderr == (
        f"themes/evil/templates/partials/why.html:3:1: {message} "
        "(make the template do less)\n1 error in 1 file\n"
    )


def test_arithmetic_within_the_limits_works(example_site: Path, run) -> None:
    evil_theme(
        example_site,
        "{{ '-' * 3 }}|{{ 2 ** 10 }}|{{ 3 * 4 }}|{{ [0] * 2 }}|{{ range(100000)|length }}"
        "|{{ 1.5 ** 2 }}|{{ 7 * 'ab' }}",
    )

    result = run("build", "--today", TODAY)

    assert result.exit_code == 0, result.stderr
    html = page_of(example_site / "public", "northwind").read_text(encoding="utf-8")
    assert "---|1024|12|[0, 0]|100000|2.25|ababababababab" in html


def test_the_environment_stays_out_of_reach(
    example_site: Path, run, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The password a protected plan is built with is in the environment; nothing a
    template receives holds it."""
    monkeypatch.setenv("NORTHWIND_PASSWORD", "correct-horse-battery-staple")
    evil_theme(example_site, "{{ site }}{{ plan }}{{ view }}{{ brand }}{{ theme }}")

    result = run("build", "--today", TODAY)

    assert result.exit_code == 0, result.stderr
    for path in (example_site / "public").rglob("*.html"):
        assert "correct-horse" not in path.read_text(encoding="utf-8")


# --- the themes that exist still work --------------------------------------------------


@pytest.mark.parametrize("theme", sorted(p.name for p in (REPO / "themes").iterdir() if p.is_dir()))
def test_the_repository_themes_build_in_the_sandbox(example_site: Path, run, theme: str) -> None:
    config = example_site / "mapsite.yml"
    text = re.sub(r"^theme: .*\n", "", config.read_text(encoding="utf-8"), flags=re.M)
    config.write_text(f"{text}theme: {theme}\n", encoding="utf-8")

    result = run("build", "--today", TODAY)

    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""


def theming_examples() -> list[str]:
    """Every Jinja template in docs/theming.md."""
    text = (REPO / "docs" / "theming.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^( *)```jinja\n(.*?)^ *```", text, flags=re.S | re.M)
    return [textwrap.dedent(indent + block) for indent, block in blocks]


def test_the_theming_guide_has_examples() -> None:
    assert theming_examples()


@pytest.mark.parametrize("block", theming_examples())
def test_the_theming_guides_examples_render_in_the_sandbox(
    example_site: Path, run, block: str
) -> None:
    """Each example of docs/theming.md, as the guide tells to use it (a file in a theme's
    templates/, named by its first line's comment or the partial it overrides)."""
    target = re.search(r"\{#\s*(?:themes/[\w-]+/)?(?:templates/)?([\w/.-]+\.html)\s*#\}", block)
    template = target.group(1) if target else "partials/why.html"
    path = example_site / "themes" / "guide" / "templates" / template
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(block, encoding="utf-8")
    config = example_site / "mapsite.yml"
    text = re.sub(r"^theme: .*\n", "", config.read_text(encoding="utf-8"), flags=re.M)
    config.write_text(f"{text}theme: guide\n", encoding="utf-8")

    result = run("build", "--today", TODAY)

    assert result.exit_code == 0, result.stderr


def test_a_build_of_many_plans_refuses_in_its_workers_too(example_site: Path, run) -> None:
    """From 64 plans a build renders in worker processes: the same error, once."""
    northwind = example_site / "plans" / "northwind.md"
    text = northwind.read_text(encoding="utf-8")
    token = re.search(r"token: (\S+)", text)
    assert token
    for i in range(70):
        copy = text.replace(token.group(1), f"{token.group(1)[:-4]}{i:04d}")
        (example_site / "plans" / f"copy-{i}.md").write_text(copy, encoding="utf-8")
    evil_theme(example_site, "{{ cycler.__init__.__globals__.os.popen('touch PWNED').read() }}")

    result = run("build", "--today", TODAY)

    assert result.exit_code == 1
    assert "why.html:3:1: access to attribute '__init__' of 'type' object is unsafe" in (
        result.stderr
    )
    assert not (example_site / PWNED).exists()
    assert not os.path.exists(example_site / "public")


# --- which templates run in the sandbox ---------------------------------------------------


def site_theme(site: Path, files: dict[str, str]) -> None:
    """Site theme 'own' extending the default theme, with ``files`` (paths under its folder)."""
    folder = site / "themes" / "own"
    for name, text in {"theme.yml": "extends: default\n", **files}.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")


@pytest.mark.parametrize(
    ("files", "sandboxed"),
    [
        ({}, False),  # mapsite's own templates only
        ({"static/own.css": "body{}"}, False),  # a theme of stylesheets and tokens
        ({"templates/.keep": ""}, True),  # whatever sits in templates/ is the theme's
        ({"templates/partials/why.html": "<p>{{ plan.why }}</p>"}, True),
        ({"templates/plan.html": '{% extends "default:plan.html" %}'}, True),
    ],
)
def test_only_the_sites_own_templates_run_in_the_sandbox(
    tmp_path: Path, files: dict[str, str], sandboxed: bool
) -> None:
    from mapsite.render import BuiltinEnvironment, SandboxEnvironment, environment_class
    from mapsite.themes import resolve

    site_theme(tmp_path, files)
    theme = resolve(tmp_path, "own")

    assert environment_class(theme) is (SandboxEnvironment if sandboxed else BuiltinEnvironment)
    assert environment_class(resolve(tmp_path, "default")) is BuiltinEnvironment


def test_a_template_added_after_a_build_runs_in_the_sandbox(example_site: Path, run) -> None:
    """The first build renders and caches mapsite's own templates outside the sandbox;
    once the theme brings a template of its own, the next build is sandboxed again."""
    site_theme(example_site, {"static/own.css": "body{}"})
    config = example_site / "mapsite.yml"
    text = re.sub(r"^theme: .*\n", "", config.read_text(encoding="utf-8"), flags=re.M)
    config.write_text(f"{text}theme: own\n", encoding="utf-8")
    assert run("build", "--today", TODAY).exit_code == 0
    site_theme(example_site, {"templates/partials/why.html": "<p>\n\n{{ 'x' * 2000000 }}\n"})

    result = run("build", "--today", TODAY)

    assert result.exit_code == 1
    assert result.stderr.startswith("themes/own/templates/partials/why.html:3:")
    assert result.stderr.endswith("(make the template do less)\n1 error in 1 file\n")
