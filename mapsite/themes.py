"""Theme lookup: a site theme, the themes it extends, then the built-in ones.

A theme is a folder with ``templates/``, ``static/`` and an optional ``theme.yml``
(``extends: default``). Overriding is just an ordered list of folders handed to one
Jinja loader, so a site theme holds only the files it changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

BUILTIN_THEMES = Path(__file__).parent / "themes"


@dataclass(frozen=True)
class Theme:
    name: str
    chain: tuple[Path, ...]
    """Theme folders, most specific first."""

    @property
    def template_dirs(self) -> list[Path]:
        return [d / "templates" for d in self.chain if (d / "templates").is_dir()]

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
    """Follow ``extends`` from the named theme down to a built-in one."""
    chain: list[Path] = []
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
        current = _extends(folder)
    return Theme(name, tuple(chain))


def _find(site: Path, name: str, skip: list[Path]) -> Path | None:
    # a site theme may share a built-in theme's name and extend it ("default" over "default")
    for base in (site / "themes", BUILTIN_THEMES):
        folder = base / name
        if folder.is_dir() and folder not in skip:
            return folder
    return None


def _extends(folder: Path) -> str | None:
    meta = folder / "theme.yml"
    if not meta.is_file():
        return None if folder.parent == BUILTIN_THEMES else "default"
    data = yaml.safe_load(meta.read_text(encoding="utf-8")) or {}
    parent = data.get("extends") if isinstance(data, dict) else None
    if parent is None and folder.parent != BUILTIN_THEMES:
        return "default"
    return str(parent) if parent else None
