"""Files stay in their folder: a link (symlink) in plans/, themes/ or assets/ that leads
out of that folder is refused.

A build publishes what these folders hold. A stylesheet linked to /etc/passwd, a logo
linked to ~/.ssh/id_rsa or a plan linked to another team's folder would be published
too; so would a link to the site's own .env, .git/ or mapsite.yml, which is why the
line is the folder and not the site. Links that stay inside the folder are fine: a
plan filed under two sub-folders, a stylesheet two themes share, a logo under two
names. The folder itself is taken where it is in the site, so a plans/ that is itself
a link to somewhere else is refused as a whole.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from .errors import Problem
from .load import display_path


def jail(root: Path, name: str) -> Path:
    """The real path of the site's folder ``name``, as the site places it (the site's
    own path may go through links, the folder may not)."""
    return root.resolve() / name


def real(path: Path) -> Path:
    return Path(os.path.realpath(path))


def links_out(
    top: Path, folder: Path, skip: Callable[[str], bool] = lambda name: False
) -> list[tuple[Path, Path]]:
    """Every link at or under ``top`` (following links that stay in) that leads out of
    the real folder ``folder``: (the link, where it leads). Names ``skip`` accepts are
    not looked at."""
    found: list[tuple[Path, Path]] = []
    seen: set[Path] = set()
    stack = [top]
    while stack:
        current = stack.pop()
        where = real(current)
        if not where.is_relative_to(folder):
            found.append((current, where))
            continue
        if where in seen or not where.is_dir():
            continue
        seen.add(where)  # a link back up must not loop
        with os.scandir(current) as entries:
            for entry in entries:
                if skip(entry.name):
                    continue
                if entry.is_dir():  # a real folder, or a link to one: checked when taken
                    stack.append(Path(entry.path))
                elif entry.is_symlink() and not (target := real(Path(entry.path))).is_relative_to(
                    folder
                ):
                    found.append((Path(entry.path), target))
    return sorted(found)


def shown(target: Path, root: Path) -> str:
    """Where a link leads, as the site's owner reads it: inside the site relative to it."""
    base = root.resolve()
    return target.relative_to(base).as_posix() if target.is_relative_to(base) else str(target)


def outside(target: Path, root: Path, folder: str) -> str:
    """``outside the site``, or ``outside assets/`` for a place elsewhere in the site."""
    return f"outside {folder}/" if target.is_relative_to(root.resolve()) else "outside the site"


def link_problem(link: Path, target: Path, root: Path, folder: str, hint: str) -> Problem:
    """A refused link, located at the link itself."""
    message = f"a link to {shown(target, root)}, {outside(target, root, folder)}"
    return Problem.about(display_path(link), message, hint)
