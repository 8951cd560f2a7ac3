"""Writing direction: which languages read right to left, the rep's own words isolated
inside a page in the other direction, and the direction a written page declares.

Pure functions: render.py offers the first two to templates (the ``direction`` and
``bdi`` filters), pdf.py mirrors a PDF's header and footer by the third.
"""

from __future__ import annotations

import functools
import re

from markupsafe import Markup, escape


@functools.lru_cache(maxsize=64)
def direction(language: str) -> str:
    """``rtl`` for a language written right to left (``ar``, ``he``, ``fa-IR``), else
    ``ltr``: the ``dir`` of a page in ``language``, from CLDR (Babel's character order)."""
    from babel import Locale, UnknownLocaleError

    code, _, region = language.replace("-", "_").partition("_")
    try:
        locale = Locale.parse(f"{code.casefold()}_{region.upper()}" if region else code.casefold())
    except (ValueError, TypeError, UnknownLocaleError):
        return "ltr"
    return "rtl" if locale.character_order == "right-to-left" else "ltr"


def bdi(text: str | None) -> Markup:
    """The rep's own words (a name, a company, a step) isolated from the sentence around
    them, so that in a right-to-left page a Latin name keeps its punctuation and does not
    reorder the words beside it: ``<bdi>Acme Inc.</bdi>``. Nothing for nothing. (For
    values passed into a sentence; elsewhere templates write the tag themselves.)"""
    return Markup(f"<bdi>{escape(text)}</bdi>") if text else Markup()


def isolated(text: str) -> str:
    """Plain text's ``<bdi>``, for where no markup goes (a PDF's header, a calendar's
    description): ``text`` between Unicode's first strong isolate and pop directional
    isolate, invisible marks that keep it whole inside a line in the other direction."""
    return f"\u2068{text}\u2069"


# the page's first tag, after its doctype: the <html> element, and its dir
_HTML_DIR = re.compile(
    r"""\s*(?:<!doctype[^>]*>\s*)?<html\b[^>]*?\sdir=["']?(\w+)""", re.IGNORECASE
)


def page_direction(page: str) -> str:
    """The ``dir`` of a page's ``<html>`` element: ``rtl`` or ``ltr``."""
    found = _HTML_DIR.match(page)
    return "rtl" if found and found.group(1).casefold() == "rtl" else "ltr"
