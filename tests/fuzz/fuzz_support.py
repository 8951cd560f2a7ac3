"""Hypothesis strategies for the fuzz suite: random bytes, random YAML, mutated real plans.

Random bytes rarely get past the front matter fence and random YAML rarely past the
schema; mutations of the repository's own plans (a line deleted, duplicated, swapped or
re-indented, a control character typed in, a value of another type, an alias) reach
every stage of the loader, the scheduler and the linter, as a rep's typing mistakes do.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import yaml
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

REPO = Path(__file__).resolve().parent.parent.parent
EXAMPLES = {p.name: p.read_text(encoding="utf-8") for p in sorted((REPO / "plans").glob("*.md"))}
SHORTEST = min(EXAMPLES, key=lambda name: len(EXAMPLES[name]))

LONG = settings.default.max_examples >= 1000
"""``--hypothesis-profile=long`` (see tests/conftest.py): every test runs 50 times longer."""


def fuzz_settings(examples: int) -> settings:
    """``examples`` per test normally, the same every run; many more, random, when long."""
    return settings(
        max_examples=examples * 50 if LONG else examples,
        derandomize=not LONG,  # the default run finds the same things every time
        database=None,
        deadline=None,  # a busy machine is slow, not wrong: time is bounded elsewhere
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )


# --- building blocks ----------------------------------------------------------------------

# what a rep's clipboard brings: control characters, a BOM, typographic and wide ones
ODD_CHARACTERS = st.sampled_from(
    ["\0", "\x1b", "\x07", "\x0b", "\x0c", "\x7f", "\x85", "\u2028", "\ufeff", "\ufffe",
     "\uffff", "\r", "\t", "\u00a0", "\u200b", "’", "—", "é", "😀", "\U0010fffd"]
)  # fmt: skip
YAML_SYMBOLS = st.sampled_from(
    [":", "- ", "#", "&a ", "*a", "!", "!!str ", "|", ">", "'", '"', "[", "]", "{", "}", ",",
     "? ", "%", "@", "`", "---", "...", "<<: *a", "\\", "  "]
)  # fmt: skip
TEXT = st.text(st.characters(codec="utf-8"), max_size=12) | st.text(ODD_CHARACTERS, max_size=3)

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True),
    st.dates(min_value=datetime.date(1, 1, 1), max_value=datetime.date(9999, 12, 31)),
    st.datetimes(max_value=datetime.datetime(9999, 12, 31)),
    TEXT,
    st.sampled_from(
        ["todo", "done", "in progress", "blocked", "buyer", "seller", "go_live - 6w",
         "contract + 3bd", "2026-13-45", "US", "GB", "A4", "https://example.com",
         "javascript:alert(1)", "mailto:a@b.c", "NORTHWIND_PASSWORD", "ViqzABatAvS1drCoQ4bq8A"]
    ),
)  # fmt: skip
KEYS = st.sampled_from(
    ["title", "buyer", "seller", "name", "logo", "accent", "contact", "go_live", "milestones",
     "steps", "task", "owner", "due", "status", "id", "note", "stakeholders", "side", "email",
     "role", "share", "token", "previous", "expires", "password_env", "success_criteria",
     "value", "compelling_event", "risks", "holidays", "updated", "extra", "links", "url",
     "page_size", "theme", "base_url", "language", "next_up", "whats_new_days", "lint",
     "ignore", "brand", "primary", "font_family", "font_files", "radius", "markdown_html"]
) | TEXT  # fmt: skip

YAML_VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=5),
    max_leaves=25,
)


EXPLICIT_TAGS = ["!!timestamp ", "!!bool ", "!!int ", "!!float ", "!!null ", "!!str ", "!!binary ",
                 "!!seq ", "!!map ", "!!set ", "!!omap ", "!custom "]  # fmt: skip


def dump(value: object) -> str:
    """YAML for ``value``, in block or flow style."""
    return yaml.safe_dump(value, allow_unicode=True, sort_keys=False, width=60)


@st.composite
def random_front_matter(draw: st.DrawFn) -> str:
    """A plan whose front matter is a random YAML mapping of (mostly) the plan's fields."""
    fields = draw(st.dictionaries(KEYS, YAML_VALUES, max_size=8))
    body = draw(TEXT)
    return f"---\n{dump(fields)}---\n{body}\n"


# --- mutations of the example plans --------------------------------------------------------


@st.composite
def mutated_plan(draw: st.DrawFn, name: str | None = None) -> str:
    """One of the example plans with 1 to 4 mistakes of the kinds a rep makes."""
    text = EXAMPLES[name or draw(st.sampled_from(sorted(EXAMPLES)))]
    lines = text.splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 4))):
        lines = draw(MUTATIONS)(draw, lines)
    return "".join(lines)


def _line(draw: st.DrawFn, lines: list[str]) -> int:
    return draw(st.integers(0, max(len(lines) - 1, 0)))


def delete_line(draw: st.DrawFn, lines: list[str]) -> list[str]:
    i = _line(draw, lines)
    return lines[:i] + lines[i + 1 :]


def duplicate_line(draw: st.DrawFn, lines: list[str]) -> list[str]:
    i = _line(draw, lines)
    return lines[: i + 1] + lines[i:]


def swap_lines(draw: st.DrawFn, lines: list[str]) -> list[str]:
    i, j = _line(draw, lines), _line(draw, lines)
    lines = list(lines)
    if lines:
        lines[i], lines[j] = lines[j], lines[i]
    return lines


def insert_characters(draw: st.DrawFn, lines: list[str]) -> list[str]:
    i = _line(draw, lines)
    line = lines[i] if lines else ""
    at = draw(st.integers(0, len(line)))
    typed = "".join(
        draw(st.lists(ODD_CHARACTERS | YAML_SYMBOLS | st.characters(), min_size=1, max_size=4))
    )
    return [*lines[:i], line[:at] + typed + line[at:], *lines[i + 1 :]]


def reindent(draw: st.DrawFn, lines: list[str]) -> list[str]:
    i = _line(draw, lines)
    line = lines[i] if lines else ""
    indent = draw(st.sampled_from(["", " ", "  ", "   ", "      ", "\t", " \t"]))
    return [*lines[:i], indent + line.lstrip(" \t"), *lines[i + 1 :]]


def replace_value(draw: st.DrawFn, lines: list[str]) -> list[str]:
    """``field: value`` with a value of another type: a list, a mapping, a number, nothing."""
    candidates = [i for i, line in enumerate(lines) if ": " in line]
    if not candidates:
        return lines
    i = draw(st.sampled_from(candidates))
    key = lines[i].split(": ", 1)[0]
    value = dump(draw(YAML_VALUES))
    flow = yaml.safe_dump(draw(YAML_VALUES), default_flow_style=True, width=10**6).strip()
    written = draw(st.sampled_from([flow, flow.replace("\n...", "")]))
    if "\n" in value.strip() and draw(st.booleans()):  # a block under the key
        indent = len(key) - len(key.lstrip()) + 2
        block = "".join(" " * indent + line for line in value.splitlines(keepends=True))
        return [*lines[:i], f"{key}:\n", block, *lines[i + 1 :]]
    tag = draw(st.sampled_from(["", "", "", *EXPLICIT_TAGS]))  # the value may not fit it
    return [*lines[:i], f"{key}: {tag}{written}\n", *lines[i + 1 :]]


def add_alias(draw: st.DrawFn, lines: list[str]) -> list[str]:
    """An anchor on one value and aliases to it elsewhere (sometimes inside itself)."""
    candidates = [i for i, line in enumerate(lines) if line.rstrip().endswith(":") or ": " in line]
    if len(candidates) < 2:
        return lines
    anchor, *aliases = draw(st.lists(st.sampled_from(candidates), min_size=2, max_size=4))
    lines = list(lines)
    key, _, rest = lines[anchor].rstrip("\n").partition(":")
    lines[anchor] = f"{key}: &x{rest}\n"
    for i in aliases:
        key, _, _ = lines[i].partition(":")
        lines[i] = f"{key}: *x\n"
    return lines


def truncate(draw: st.DrawFn, lines: list[str]) -> list[str]:
    text = "".join(lines)
    return text[: draw(st.integers(0, len(text)))].splitlines(keepends=True)


MUTATIONS = st.sampled_from(
    [delete_line, duplicate_line, swap_lines, insert_characters, reindent, replace_value,
     add_alias, truncate]
)  # fmt: skip

PLAN_TEXTS = st.one_of(mutated_plan(), random_front_matter())
PLAN_BYTES = st.one_of(
    st.binary(max_size=300),
    st.binary(max_size=200).map(lambda b: b"---\n" + b + b"\n---\n"),
    PLAN_TEXTS.map(lambda text: text.encode("utf-8", errors="surrogatepass")),
    # valid UTF-8 with bytes flipped in the middle, or in another encoding
    st.tuples(mutated_plan(), st.binary(min_size=1, max_size=3)).map(
        lambda pair: pair[0].encode()[:200] + pair[1] + pair[0].encode()[200:]
    ),
    mutated_plan(SHORTEST).map(lambda text: text.encode("utf-16")),
)
