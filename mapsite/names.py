"""File names people read: ``Zoë's Café, Inc.`` -> ``zoe-s-cafe-inc``.

Shared by the PDFs (named from buyer and title) and the people's calendars (named
from each person), so both spell a name the same way.
"""

from __future__ import annotations

import re
import unicodedata


def slug(text: str) -> str:
    """Letters and digits of ``text`` in lower case, accents dropped, joined by dashes."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")
