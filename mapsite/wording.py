"""A company's own wording: ``strings:`` in a theme's theme.yml or in mapsite.yml.

Keys are mapsite's English strings (the msgids of ``mapsite/locale/mapsite.pot``); a
value replaces that string in every language, and a language code holds wording for
that language only::

    strings:
      Go-live: Launch                # every language
      de:
        Go-live: Produktivstart      # German pages only

The site's wording wins over its theme's, a theme's over the theme it extends, and
wording for the page's language over wording for every language.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from typing import Any

from . import i18n
from .errors import Problem
from .load import Source

Strings = Mapping[str, Any]
"""``strings:`` as written: a string's new wording, or a language's own mapping."""

HINT = "the strings are mapsite's English texts, listed in mapsite/locale/mapsite.pot"


def check(
    strings: Strings, source: Source, loc: tuple[str | int, ...] = ("strings",)
) -> list[Problem]:
    """Every mistake in ``strings:``: a string mapsite does not write, a plural string
    (not overridable), wording that drops or adds a ``%(name)s`` field, a mapping
    under a key that is not a language, text under a language."""
    problems: list[Problem] = []
    for key, value in strings.items():
        language = i18n.canonical(key) if isinstance(value, Mapping) else None
        if isinstance(value, Mapping):
            if language is None and key in i18n.messages():
                problems.append(source.problem((*loc, key), f"'{key}' must be text, not a mapping",
                                               f"e.g. '{key}: <your wording>'"))  # fmt: skip
            elif language is None:
                message, hint = i18n.unknown_language(key)
                problems.append(source.problem((*loc, key), message, hint, key=True))
            else:
                problems += _check_strings(value, source, (*loc, key))
        else:
            problems += _check_strings({key: value}, source, loc)
    return problems


def _check_strings(strings: Strings, source: Source, loc: tuple[str | int, ...]) -> list[Problem]:
    problems = []
    for message, wording in strings.items():
        found = _mistake(message, wording)
        if found is not None:
            text, hint, on_key = found
            problems.append(source.problem((*loc, message), text, hint, key=on_key))
    return problems


def _mistake(message: str, wording: Any) -> tuple[str, str, bool] | None:
    """(what is wrong, how to fix it, whether it is the key) for one string's wording."""
    known = i18n.messages()
    if message not in known:
        if i18n.canonical(message) is not None:
            return (
                f"'{message}' is a language: list the strings to change under it",
                (f"e.g. '{message}: {{Go-live: Start}}'"),
                False,
            )
        close = difflib.get_close_matches(message, list(known), n=1, cutoff=0.7)
        return (
            f"unknown string '{message}'",
            (f"did you mean '{close[0]}'? {HINT}" if close else HINT),
            True,
        )
    if not isinstance(wording, str):
        return f"'{message}' must be text", f"e.g. '{message}: <your wording>'", False
    if known[message]:
        return (
            f"'{message}' changes with a number: its wording cannot be changed here",
            ("translate it in a catalog instead: docs/translating.md"),
            True,
        )
    if i18n.placeholders(wording) != i18n.placeholders(message):
        fields = ", ".join(sorted(f"%({f})s" for f in i18n.placeholders(message))) or "none"
        return (
            f"the wording of '{message}' must keep its fields: {fields}",
            ("mapsite fills them in"),
            False,
        )
    return None


def for_language(layers: Sequence[Strings], code: str) -> dict[str, str]:
    """The wording for pages in ``code``: ``layers`` from the least specific (the base
    theme) to the most (the site), each's every-language strings under its own for
    the language."""
    merged: dict[str, str] = {}
    for strings in layers:
        own: dict[str, str] = {}
        for key, value in strings.items():
            if isinstance(value, Mapping):
                if i18n.canonical(key) == code:
                    own.update(value)
            else:
                merged[key] = value
        merged.update(own)
    return merged
