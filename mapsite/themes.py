"""Theme lookup: a site theme, the themes it extends, then the built-in ones.

A theme is a folder with ``templates/``, ``static/`` and an optional ``theme.yml``
(``extends: default``, ``stylesheets``, default brand ``tokens``). Overriding is just
an ordered list of folders handed to one Jinja loader, so a site theme holds only
the files it changes.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import Field

from . import confine, wording
from .brand import Brand
from .load import Invalid, load_yaml_file
from .model import Model, Text

BUILTIN_THEMES = Path(__file__).parent / "themes"
THEMES_DIR = "themes"
THEME_FILE = "theme.yml"
LINK_HINT = "a theme uses only files inside themes/: copy the file there, or remove the link"


class ThemeMeta(Model):
    """A theme's theme.yml."""

    name: Text | None = None
    """Display name (default: the folder name)."""
    description: Text | None = None
    extends: Text | None = None
    """The theme this one builds on (default: default; a built-in theme: none)."""
    stylesheets: list[Text] = Field(default_factory=list)
    """Files in this theme's static/ that every page links after its parent's."""
    tokens: Brand = Field(default_factory=Brand)
    """Default brand tokens; the site's brand: in mapsite.yml overrides them."""
    strings: dict[Text, Any] = Field(default_factory=dict)
    """The theme's own wording for mapsite's strings ('Go-live: Launch'), in every
    language or under a language code; the site's strings: win (docs/theming.md)."""


@dataclass(frozen=True)
class Theme:
    name: str
    chain: tuple[Path, ...]
    """Theme folders, most specific first."""
    meta: tuple[ThemeMeta, ...] = ()
    """Each folder's theme.yml (defaults where there is none), in the order of ``chain``."""

    @property
    def stylesheets(self) -> list[str]:
        """Static stylesheets every page links, the base theme's first: a theme adds its
        own on top of its parent's, so it only writes the rules it changes."""
        sheets: list[str] = []
        for meta in reversed(self.meta):
            sheets += [s for s in meta.stylesheets if s not in sheets]
        return sheets

    @property
    def tokens(self) -> dict[str, object]:
        """Default brand tokens: each theme's over its parent's."""
        merged: dict[str, object] = {}
        for meta in reversed(self.meta):
            merged.update(meta.tokens.model_dump(exclude_none=True, exclude_defaults=True))
        return merged

    @property
    def strings(self) -> list[dict[str, object]]:
        """Each theme's own wording, the base theme's first (``wording.for_language``)."""
        return [dict(meta.strings) for meta in reversed(self.meta)]

    @property
    def template_dirs(self) -> list[Path]:
        return [d / "templates" for d in self.chain if (d / "templates").is_dir()]

    @functools.cached_property  # asked for the template cache and for the environment
    def own_templates(self) -> bool:
        """Whether any template comes from outside mapsite (the site's themes/ folder):
        only those run in the sandbox (sandbox.py)."""
        return any(
            d.parent != BUILTIN_THEMES and any(p.is_file() for p in (d / "templates").rglob("*"))
            for d in self.chain
            if (d / "templates").is_dir()
        )

    @property
    def static_dirs(self) -> list[Path]:
        """Static folders, most specific first: a file found earlier wins."""
        return [d / "static" for d in self.chain if (d / "static").is_dir()]


def available(site: Path) -> list[str]:
    names = {
        p.name
        for base in (site / "themes", BUILTIN_THEMES)
        if base.is_dir()
        for p in base.iterdir()
        if p.is_dir() and not p.name.startswith((".", "_"))
    }
    return sorted(names)


class ThemeNotFound(LookupError):
    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.hint = hint


def resolve(site: Path, name: str) -> Theme:
    """Follow ``extends`` from the named theme down to a built-in one.

    Raises ``ThemeNotFound``, or ``load.Invalid`` for a theme.yml with mistakes or a
    link (symlink) in a site theme that leads out of the site's themes/ folder.
    """
    chain: list[Path] = []
    metas: list[ThemeMeta] = []
    current: str | None = name
    while current is not None:
        folder = _find(site, current, skip=chain)
        if folder is None:
            hint = f"available: {', '.join(available(site))}"
            if chain:
                raise ThemeNotFound(
                    f"theme '{chain[-1].name}' extends '{current}', not found", hint
                )
            raise ThemeNotFound(f"theme '{current}' not found", hint)
        chain.append(folder)
        if folder.parent != BUILTIN_THEMES:  # before reading any of it, theme.yml too
            refused = confine.links_out(folder, confine.jail(site, THEMES_DIR))
            if refused:
                raise Invalid([confine.link_problem(link, target, site, THEMES_DIR, LINK_HINT)
                               for link, target in refused])  # fmt: skip
        meta = _meta(folder)
        metas.append(meta)
        current = meta.extends
    return Theme(name, tuple(chain), tuple(metas))


def _find(site: Path, name: str, skip: list[Path]) -> Path | None:
    # a site theme may share a built-in theme's name and extend it ("default" over "default")
    for base in (site / "themes", BUILTIN_THEMES):
        folder = base / name
        if folder.is_dir() and folder not in skip:
            return folder
    return None


def _meta(folder: Path) -> ThemeMeta:
    builtin = folder.parent == BUILTIN_THEMES
    path = folder / THEME_FILE
    if not path.is_file():
        meta = ThemeMeta()
    else:
        meta, source = load_yaml_file(path, ThemeMeta)
        # the files a theme.yml names are in the theme's static/: a typo is an error here,
        # not a font or stylesheet that silently never loads
        named = [(("stylesheets", i), f) for i, f in enumerate(meta.stylesheets)]
        named += [(("tokens", "font_files", i), f) for i, f in enumerate(meta.tokens.font_files)]
        missing = [
            source.problem(loc, f"'{name}' not found in {folder.name}/static/",
                           f"put the file at {folder.name}/static/{name} or fix the name")
            for loc, name in named
            if not (folder / "static" / name).is_file()
        ]  # fmt: skip
        missing += wording.check(meta.strings, source)
        if missing:
            raise Invalid(missing)
    if meta.extends is None and not builtin:
        meta = meta.model_copy(update={"extends": "default"})  # a site theme builds on default
    return meta
