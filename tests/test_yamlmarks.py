"""The YAML layer: the same values PyYAML would give, plus positions."""

from __future__ import annotations

import datetime

import pytest
import yaml

from mapsite import yamlmarks

# Plain scalars whose first character could start an implicit tag, and some that cannot.
SCALARS = [
    "yes", "No", "on", "OFF", "true", "False", "y", "n", "null", "Null", "~", "",
    "2027-03-31", "2027-3-31", "2026-13-45", "2027-03-31 10:00:00", "12", "-3", "+7",
    "0x1F", "0o17", "1_000", "3.5", ".5", "1e3", ".inf", "-.Inf", ".nan", "<<", "=",
    "todo", "done", "in progress", "Northwind", "nope", "offer", "2 weeks", "1 bd before go_live",
]  # fmt: skip


@pytest.mark.parametrize("text", SCALARS)
def test_tags_match_pyyaml(text: str) -> None:
    document = f"value: {text}\nquoted: '{text}'\nlist: [{text or 'x'}]\n"
    ours = yaml.compose(document, Loader=yamlmarks._Composer)
    theirs = yaml.compose(document, Loader=yamlmarks._Loader)
    assert [(k.tag, v.tag) for k, v in ours.value] == [(k.tag, v.tag) for k, v in theirs.value]
    assert ours.value[2][1].value[0].tag == theirs.value[2][1].value[0].tag


def test_values_and_positions() -> None:
    marked = yamlmarks.parse("go_live: 2027-03-31\nsteps:\n  - task: Send it\n    due: yes\n", 1)
    assert marked.data == {
        "go_live": datetime.date(2027, 3, 31),
        "steps": [{"task": "Send it", "due": True}],
    }
    assert marked.value_mark(("steps", 0, "due")) == yamlmarks.Mark(3, 9)
    assert marked.key_mark(("steps", 0, "due")) == yamlmarks.Mark(3, 4)
