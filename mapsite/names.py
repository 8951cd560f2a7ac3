"""Names as people read them: file names (``Zoë's Café, Inc.`` -> ``zoe-s-cafe-inc``)
and possessives (``Fabrikam Logistics' data``).

Slugs are shared by the PDFs (named from buyer and title) and the people's calendars
(named from each person), so both spell a name the same way.
"""

from __future__ import annotations

import re
import unicodedata


def one_line(text: str) -> str:
    """``text`` on one line, each run of white space one space: a name or a title as a
    header, a subject or a calendar entry writes it."""
    # the usual text is on one line already: printable (so its only white space is the
    # plain space) with no space doubled or at either end; the check runs in C
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text
    return " ".join(text.split())


def slug(text: str) -> str:
    """Letters and digits of ``text`` in lower case, accents dropped, joined by dashes."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")


def slug_any_script(text: str) -> str:
    """``slug``, unless folding to ASCII would drop letters (東京, ß): then the text's own
    letters, case folded, words joined by '-' (``東京 支社`` -> ``東京-支社``)."""
    if any(c.isalnum() and not c.isascii() for c in unicodedata.normalize("NFKD", text)):
        return re.sub(r"[\W_]+", "-", text.casefold()).strip("-")
    return slug(text)


def possessive(name: str, apostrophe: str = "'") -> str:
    """``Contoso's``, and ``Fabrikam Logistics'``: a name ending in s takes the
    apostrophe alone (``AWS``, an acronym, still takes 's)."""
    return f"{name}{apostrophe}" if name.endswith("s") else f"{name}{apostrophe}s"
