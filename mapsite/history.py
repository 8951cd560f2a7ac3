"""When each plan file last changed, from git: one ``git log`` for the whole folder."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

from .load import real_path


def last_commit_dates(folder: Path) -> dict[Path, date]:
    """Real path (``load.real_path``) -> date of the last commit touching it; empty
    outside a git repository."""
    try:
        result = subprocess.run(
            ["git", "log", "--format=%x00%cs", "--name-only", "--no-renames", "--", "."],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        top = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return {}
    if result.returncode != 0 or top.returncode != 0:
        return {}
    root = Path(top.stdout.strip())
    dates: dict[Path, date] = {}
    current: date | None = None
    for line in result.stdout.splitlines():
        if line.startswith("\0"):
            current = date.fromisoformat(line[1:])
        elif line and current is not None:
            dates.setdefault(real_path(root / line), current)  # newest commit comes first
    return dates


def last_update(updated: date | None, committed: date | None) -> date | None:
    """The later of the plan's own ``updated:`` and its last commit."""
    known = [d for d in (updated, committed) if d is not None]
    return max(known) if known else None
