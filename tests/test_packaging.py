"""A wheel install must carry the built-in theme and the plan template."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_wheel_contains_every_theme_and_template_file(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path), str(REPO)],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("mapsite-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    package = REPO / "mapsite"
    expected = {
        p.relative_to(REPO).as_posix()
        for folder in ("themes", "templates")
        for p in (package / folder).rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    assert expected, "no theme files found in the source tree"
    assert expected <= names, sorted(expected - names)
