"""Values written as YAML text the way a rep would write them, for ``edit.py``.

The other half of ``yamlmarks.py``: that one reads YAML and remembers where each value
is; this one writes a single value in a given style (plain, 'single', "double", a
folded block), checking that it reads back as the same value, never through an
emitter that would choose its own layout.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import yaml

try:  # the loader plans are read with: libyaml's, when PyYAML has it
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

Value = str | date | list[str] | dict[str, "Value"]
"""What an edit can write: text, a date, a list of text, or fields (a new mapping)."""

PLAIN, SINGLE, DOUBLE = None, "'", '"'


def inline(value: Value, style: str | None = PLAIN, *, flow: bool, collapse: bool = False) -> str:
    """``value`` as YAML on one line: a scalar, ``[a, b]`` or ``{k: v}``.

    ``style`` is the old value's, kept when it can say the new one; ``flow``: the value
    sits inside ``[...]`` or ``{...}``; ``collapse``: a one-item list is written as its item.
    """
    if isinstance(value, list):
        if collapse and len(value) == 1:
            return scalar(value[0], style, flow=flow)
        return "[" + ", ".join(scalar(v, flow=True) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {inline(v, flow=True)}" for k, v in value.items()) + "}"
    return scalar(value, style, flow=flow)


def scalar(value: str | date, style: str | None = PLAIN, *, flow: bool) -> str:
    """``value`` in ``style`` when it reads back the same there, else plain when it
    does (``yes``, ``2027``, ``a: b``, ``#1`` or ``*x`` do not), else double-quoted,
    which can say anything. A date is written plain unless the old value was quoted."""
    text = value.isoformat() if isinstance(value, date) else value
    if isinstance(value, date) and style is PLAIN:
        return text
    for kind in dict.fromkeys([style, PLAIN]):
        written = quoted(text, kind)
        if reads_back(written, value, flow=flow):
            return written
    return double(text)  # unreadable even so (a lone surrogate): the edit's check refuses it


def quoted(text: str, style: str | None) -> str:
    """``text`` in ``style``, which may not say it: ``reads_back`` tells."""
    if style == DOUBLE:
        return double(text)
    return text if style is PLAIN else "'" + text.replace("'", "''") + "'"


_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}
# YAML's printable characters, less the line breaks U+2028, U+2029 and the BOM
_PRINTABLE = re.compile(
    "[\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)


def double(text: str) -> str:
    return '"' + "".join(_ESCAPES.get(c) or _escape(c) for c in text) + '"'


def _escape(char: str) -> str:
    return char if _PRINTABLE.match(char) else f"\\u{ord(char):04x}"


def reads_back(written: str, value: str | date, *, flow: bool) -> bool:
    """Whether YAML (a safe loader) reads ``written`` as ``value``, in a block (``k: ...``)
    or in a flow."""
    try:
        data = yaml.load(f"[{written}]" if flow else f"k: {written}", Loader=_Loader)
    # UnicodeError: a lone surrogate; ValueError: a date-like '2026-13-01', which YAML's
    # date constructor fails on
    except (yaml.YAMLError, UnicodeError, ValueError):
        return False
    return same(data[0] if flow else data["k"], value)


def same(got: Any, value: Value, collapse: bool = False) -> bool:
    """``got`` (read back from YAML) says ``value``: a date may be written as its text,
    a one-item list as its item (``collapse``), a block of text with its last line break."""
    if isinstance(value, date):
        return got == value or got == value.isoformat()
    if isinstance(value, str):
        return isinstance(got, str) and (got == value or got.rstrip("\n") == value)
    if isinstance(value, list):
        return got == value or (collapse and len(value) == 1 and got == value[0])
    return (
        isinstance(got, dict)
        and got.keys() == value.keys()
        and all(same(got[k], v) for k, v in value.items())
    )


def folded(value: str, width: int) -> list[str] | None:
    """The lines of a ``>`` block that fold back into ``value``: words wrapped at
    ``width``, n empty lines for n line breaks. None when a line would start with a
    space, which would not fold."""
    lines: list[str] = []
    for i, part in enumerate(re.split(r"(\n+)", value)):
        if i % 2:
            lines += [""] * len(part)
            continue
        if part[:1].isspace():
            return None
        line: list[str] = []
        for word in re.split(r"(?<=\S) (?=\S)", part):  # only a single space folds back
            if line and len(" ".join([*line, word])) > width:
                lines.append(" ".join(line))
                line = []
            line.append(word)
        lines.append(" ".join(line))
    return lines
