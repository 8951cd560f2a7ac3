"""Constants and helpers the tests import (``from support import ...``).

They live here, not in conftest.py, because ``tests/browser/conftest.py`` is also a
module named ``conftest``: ``from conftest import ...`` gets whichever was imported last.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TODAY = "2026-11-23"

VALID_PLAN = """\
---
title: Revenue forecasting rollout
buyer:
  name: Northwind Financial
seller:
  name: Contoso
go_live: 2027-03-31
stakeholders:
  - name: Priya Raman
    side: buyer
  - name: Sam Ortiz
    side: seller
milestones:
  - name: Contract signed
    id: contract
    due: 2026-12-15
    steps:
      - task: Send the order form
        owner: Sam Ortiz
        due: 2026-12-01
      - task: Sign the order form
        owner: Priya Raman
        due: 2026-12-15
---
## Notes

Agreed on the kickoff call.
"""


def tree_hash(root: Path) -> str:
    """One hash over every file's path, bytes and every folder under ``root``."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        if path.is_file():
            digest.update(path.read_bytes())
        digest.update(b"\1")
    return digest.hexdigest()


def leftovers(folder: Path) -> list[str]:
    """Temporary build folders (``.public.building-*``, ``.public.old-*``) left in ``folder``."""
    return sorted(p.name for p in folder.iterdir() if ".building-" in p.name or ".old-" in p.name)
