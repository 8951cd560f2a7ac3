"""Byte-exact edits (``edit.py``, ``yamlwrite.py``): each value written where it was, in
the rep's style, and nothing else touched; files written whole or not at all.
"""

from __future__ import annotations

import difflib
import errno
import os
import stat
from datetime import date
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import REPO, copy_example, token_for

from mapsite import edit, yamlwrite
from mapsite.dates import Offset
from mapsite.edit import Change
from mapsite.errors import Problem
from mapsite.load import Invalid, load_plan, parse_plan, split_front_matter
from mapsite.model import Plan, Status

HEAD = f"""\
---
title: T
buyer: {{name: B}}
seller: {{name: S}}
share: {{token: {token_for("t")}}}
go_live: 2027-03-31
"""


def plan(milestones: str, tail: str = "") -> str:
    """A small valid plan whose milestones are ``milestones`` (YAML lines)."""
    return f"{HEAD}milestones:\n{milestones}{tail}---\nBody.\n"


def apply(text: str, *changes: Change) -> str:
    new = edit.apply(text, list(changes), "plans/t.md")
    parse_plan(new, Path("plans/t.md"))  # still a valid plan
    return new


STEP = ("milestones", 0, "steps", 0)


def at(name: str) -> tuple[str | int, ...]:
    return (*STEP, name)


# --- values replaced in place, in the style they were written ---------------------------


@pytest.mark.parametrize(
    ("before", "change", "after"),
    [
        ("status: todo", Change(at("status"), "done"), "status: done"),
        ("status: 'todo'", Change(at("status"), "in progress"), "status: 'in progress'"),
        ('status: "todo"  # c', Change(at("status"), "done"), 'status: "done"  # c'),
        ("due: 2026-12-02  # why", Change(at("due"), date(2027, 1, 8)), "due: 2027-01-08  # why"),
        ("due: '2026-12-02'", Change(at("due"), date(2027, 1, 8)), "due: '2027-01-08'"),
        ('due: "go_live - 2w"', Change(at("due"), date(2027, 1, 8)), 'due: "2027-01-08"'),
        ("due: 2026-12-02", Change(at("due"), "go_live - 6w"), "due: go_live - 6w"),
        ("notes: it's fine", Change(at("notes"), "it's 'quoted'"), "notes: it's 'quoted'"),
        ("notes: 'a'", Change(at("notes"), "it's"), "notes: 'it''s'"),
        ("notes: plain", Change(at("notes"), "yes"), 'notes: "yes"'),
        ("notes: plain", Change(at("notes"), "2027"), 'notes: "2027"'),
        ("notes: plain", Change(at("notes"), "2026-12-01"), 'notes: "2026-12-01"'),
        ("notes: plain", Change(at("notes"), "null"), 'notes: "null"'),
        ("notes: plain", Change(at("notes"), "Blocked: InfoSec"), 'notes: "Blocked: InfoSec"'),
        ("notes: plain", Change(at("notes"), "see #42"), 'notes: "see #42"'),
        ("notes: plain", Change(at("notes"), "*Markdown* here"), 'notes: "*Markdown* here"'),
        ("notes: plain", Change(at("notes"), "&amp"), 'notes: "&amp"'),
        ("notes: plain", Change(at("notes"), "!important"), 'notes: "!important"'),
        ("notes: plain", Change(at("notes"), "- a list?"), 'notes: "- a list?"'),
        ("notes: plain", Change(at("notes"), "[1] ref"), 'notes: "[1] ref"'),
        ("notes: plain", Change(at("notes"), "a\\b \"c\"\ttab"), 'notes: a\\b "c"\ttab'),
        ("notes: 'x'", Change(at("notes"), "a\\b \"c\"\ttab"), "notes: 'a\\b \"c\"\ttab'"),
        ('notes: "x"', Change(at("notes"), "a\\b \"c\"\ttab"), 'notes: "a\\\\b \\"c\\"\\ttab"'),
        ("notes: plain", Change(at("notes"), "two\nlines"), 'notes: "two\\nlines"'),
        ("notes: plain", Change(at("notes"), "bell\x07 nel\x85 ls\u2028"),
         'notes: "bell\\u0007 nel\\u0085 ls\\u2028"'),
        ("notes: plain", Change(at("notes"), "café, 日本, emoji 🎉 ok"),
         "notes: café, 日本, emoji 🎉 ok"),
        ("notes: plain", Change(at("notes"), "ok: yes"), 'notes: "ok: yes"'),
        ("notes: |\n          old", Change(at("notes"), "one\ntwo"),
         "notes: |\n          one\n          two"),
        ("notes: >-\n          old", Change(at("notes"), "one\ntwo"),
         "notes: >-\n          one\n\n          two"),
        ("notes: >-  # why\n          old\n          text", Change(at("notes"), "new"),
         "notes: >-  # why\n          new"),
        ("notes: >-\n          old", Change(at("notes"), "  indented"), 'notes: "  indented"'),
        ("notes: |2\n           old", Change(at("notes"), "new"), "notes: new"),
        ("notes: a\n          b\n          c", Change(at("notes"), "one line"), "notes: one line"),
        ("notes:", Change(at("notes"), "now set"), "notes: now set"),
        ("notes:   # later", Change(at("notes"), "now"), "notes: now   # later"),
        ("notes: !!str 5", Change(at("notes"), "6"), 'notes: "6"'),
        ("owner: Sam", Change(at("owner"), ["Sam", "Lee"], collapse=True), "owner: [Sam, Lee]"),
        ("owner: [Sam, Lee]", Change(at("owner"), ["Lee"], collapse=True), "owner: Lee"),
        ("owner: 'Sam'", Change(at("owner"), ["Lee"], collapse=True), "owner: 'Lee'"),
        ("owner: [Sam]", Change(at("owner"), ["a: b", "c"], collapse=True), 'owner: ["a: b", c]'),
        ("owner: [Sam]", Change(at("owner"), ["x, y"], collapse=True), "owner: x, y"),
        ("owner: Sam", Change(at("owner"), ["x, y", "z"], collapse=True), 'owner: ["x, y", z]'),
        ("owner: Sam", Change(at("owner"), [], collapse=True), "owner: []"),
        ("owner:\n          - Sam\n          - Lee", Change(at("owner"), ["Lee"], collapse=True),
         "owner:\n          - Lee"),
        ("owner:\n          - 'Sam'  # c\n          - Lee",
         Change(at("owner"), ["Ann", "Lee", "Kim"]),
         "owner:\n          - 'Ann'  # c\n          - Lee\n          - Kim"),
        ("owner:\n          - Sam\n          - Lee", Change(at("owner"), []), "owner: []"),
        ("owner:\n          - Sam\n          - Lee", Change(at("owner"), "Kim"), "owner: Kim"),
    ],
)  # fmt: skip
def test_a_value_is_replaced_in_its_own_style(before: str, change: Change, after: str) -> None:
    text = plan(f"  - name: M\n    steps:\n      - task: T\n        {before}\n")

    assert apply(text, change) == text.replace(before, after)


def test_a_missing_key_goes_after_the_last_entry_not_after_comments_that_follow() -> None:
    text = plan(
        "  - name: M\n    steps:\n"
        "      - task: T\n        notes: >-\n          two\n          lines\n\n"
        "        # about the next step\n"
        "      - task: U\n"
    )

    new = apply(text, Change(at("status"), "done"), Change(at("due"), date(2027, 1, 8)))

    assert new == text.replace(
        "          lines\n", "          lines\n        status: done\n        due: 2027-01-08\n"
    )


def test_a_kept_block_keeps_its_blank_lines() -> None:
    text = plan("  - name: M\n    steps:\n      - task: T\n        notes: |+\n          kept\n\n")

    new = apply(text, Change(at("status"), "done"))

    assert new == text.replace("          kept\n\n", "          kept\n\n        status: done\n")
    front = yaml.safe_load(split_front_matter(new, "")[0])
    assert front["milestones"][0]["steps"][0]["notes"] == "kept\n\n"


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("- {task: T}", "- {task: T, status: done}"),
        ("- { task: T }", "- { task: T, status: done }"),
        ("- {task: T, owner: [A, B]}", "- {task: T, owner: [A, B], status: done}"),
        ("- {task: T,\n         due: 2026-12-01}",
         "- {task: T,\n         due: 2026-12-01, status: done}"),
    ],
)  # fmt: skip
def test_a_key_added_to_a_flow_mapping(before: str, after: str) -> None:
    text = plan(f"  - name: M\n    steps:\n      {before}\n")

    assert apply(text, Change(at("status"), "done")) == text.replace(before, after)


def test_values_in_a_flow_mapping_are_quoted_for_it() -> None:
    text = plan("  - {name: M, steps: [{task: T, owner: A}]}\n")

    new = apply(text, Change(at("owner"), ["x, y"], collapse=True), Change(at("notes"), "a}b"))

    assert new == text.replace("owner: A}", 'owner: "x, y", notes: "a}b"}')


def test_an_empty_flow_mapping_gets_its_first_key() -> None:
    text = plan("  - name: M\n", tail="lint: {}\n")

    assert apply(text, Change(("lint", "ignore"), ["MAP001"])) == text.replace(
        "lint: {}", "lint: {ignore: [MAP001]}"
    )


def test_missing_mappings_are_added_with_their_keys_as_one_block() -> None:
    text = plan("  - name: M\n").replace(f"share: {{token: {token_for('t')}}}\n", "")
    token = token_for("new")

    new = edit.apply(
        text,
        [Change(("share", "token"), token), Change(("share", "previous"), ["old-token"])],
        "plans/t.md",
    )

    assert new == text.replace(
        "  - name: M\n", f"  - name: M\nshare:\n  token: {token}\n  previous: [old-token]\n"
    )


def test_an_empty_value_becomes_the_mapping_below_it() -> None:
    text = plan("  - name: M\n", tail="lint:\n")

    assert apply(text, Change(("lint", "ignore"), ["MAP001", "MAP002"])) == text.replace(
        "lint:\n", "lint: {ignore: [MAP001, MAP002]}\n"
    )


def test_updated_is_added_at_the_end_of_the_front_matter_in_the_files_line_endings() -> None:
    text = plan("  - name: M\n", tail="extra:\n  seats: 220\n").replace("\n", "\r\n")

    new = apply(text, Change(("updated",), date(2026, 11, 23)))

    assert new == text.replace("  seats: 220\r\n", "  seats: 220\r\nupdated: 2026-11-23\r\n")


def test_crlf_block_notes_stay_crlf() -> None:
    text = plan(
        "  - name: M\n    steps:\n      - task: T\n        notes: |\n          a\n"
    ).replace("\n", "\r\n")

    new = apply(text, Change(at("notes"), "one\ntwo"), Change(at("status"), "done"))

    assert new == text.replace(
        "          a\r\n", "          one\r\n          two\r\n        status: done\r\n"
    )


def test_folded_notes_are_wrapped_like_the_reps_and_read_back_the_same() -> None:
    old = "          " + "word " * 17 + "end\n"  # 98 characters wide
    text = plan(f"  - name: M\n    steps:\n      - task: T\n        notes: >\n{old}")
    words = " ".join(f"w{i}" for i in range(60))

    new = apply(text, Change(at("notes"), f"{words}\n\nnext  paragraph"))

    lines = new.split("notes: >\n")[1].split("---")[0].splitlines()
    assert max(map(len, lines)) <= len(old) - 1 < max(map(len, lines)) + 4
    assert all(line.startswith("          ") or not line for line in lines)
    assert lines[-3:] == ["", "", "          next  paragraph"]
    notes = yaml.safe_load(split_front_matter(new, "")[0])["milestones"][0]["steps"][0]["notes"]
    assert notes == f"{words}\n\nnext  paragraph\n"


def test_changes_under_a_missing_key_and_a_replaced_value_share_a_position() -> None:
    text = plan("  - name: M\n    steps:\n      - task: T\n        notes:\n")

    new = apply(text, Change(at("status"), "done"), Change(at("notes"), "text"))

    assert new == text.replace("        notes:\n", "        notes: text\n        status: done\n")


@pytest.mark.parametrize(
    ("before", "change", "after"),
    [
        ("- {task: T}", Change(at("owner"), ["Lee"], collapse=True), "- {task: T, owner: Lee}"),
        ("- {task: T}", Change(at("owner"), ["A", "B"], collapse=True),
         "- {task: T, owner: [A, B]}"),
        ("- {task: T}", Change(at("notes"), "a, b"), '- {task: T, notes: "a, b"}'),
        ("- task: T", Change(at("owner"), ["Lee"], collapse=True), "- task: T\n        owner: Lee"),
        ("- task: T", Change(at("owner"), ["a, b"], collapse=True),
         "- task: T\n        owner: a, b"),
        ("- task: T\n        owner: [Sam,Lee]", Change((*at("owner"), 1), "Kim"),
         "- task: T\n        owner: [Sam,Kim]"),
    ],
)  # fmt: skip
def test_a_key_added_or_an_item_changed_in_its_context(
    before: str, change: Change, after: str
) -> None:
    text = plan(f"  - name: M\n    steps:\n      {before}\n")

    assert apply(text, change) == text.replace(before, after)


@pytest.mark.parametrize(
    ("before", "owners", "after"),
    [
        ("- A\n          - B\n          - C", ["A", "B", "C", "D", "E"],
         "- A\n          - B\n          - C\n          - D\n          - E"),
        ("- A  # first\n          - B\n          - C  # last", ["A", "B"],
         "- A  # first\n          - B"),
        ('- "L\\u00e9a"\n          - B', ["Léa", "Kim"], '- "L\\u00e9a"\n          - Kim'),
        ("- !!str A\n          - B", ["A", "B", "C"], "- !!str A\n          - B\n          - C"),
    ],
)  # fmt: skip
def test_a_block_list_changes_item_by_item(before: str, owners: list[str], after: str) -> None:
    text = plan(f"  - name: M\n    steps:\n      - task: T\n        owner:\n          {before}\n"
                "        due: 2026-12-01\n")  # fmt: skip

    assert apply(text, Change(at("owner"), owners, collapse=True)) == text.replace(before, after)


def test_a_block_list_becomes_one_value_on_its_key_line() -> None:
    text = plan("  - name: M\n    steps:\n      - task: T\n        owner:\n          - Sam\n"
                "          - Lee\n        due: 2026-12-01\n")  # fmt: skip

    new = apply(text, Change(at("owner"), "Kim"))

    assert new == text.replace("owner:\n          - Sam\n          - Lee\n", "owner: Kim\n")


def test_a_key_after_a_kept_block_without_blank_lines() -> None:
    text = plan("  - name: M\n    steps:\n      - task: T\n        notes: |+\n          kept\n"
                "      - task: U\n")  # fmt: skip

    new = apply(text, Change(at("status"), "done"))

    assert new == text.replace("          kept\n", "          kept\n        status: done\n")


def test_a_key_after_an_empty_block() -> None:
    text = plan("  - name: M\n    steps:\n      - task: T\n        notes: >-\n\n"
                "      - task: U\n")  # fmt: skip

    new = edit.apply(text, [Change(at("status"), "done")], "t.md")  # notes still empty

    assert new == text.replace("notes: >-\n", "notes: >-\n        status: done\n")
    assert apply(text, Change(at("notes"), "text")) == text.replace("notes: >-\n", "notes: text\n")


def test_text_that_a_block_cannot_hold_is_double_quoted() -> None:
    text = plan("  - name: M\n    steps:\n      - task: T\n        notes: |\n          a\n")

    assert apply(text, Change(at("notes"), "carriage\rreturn")) == text.replace(
        "notes: |\n          a\n", 'notes: "carriage\\rreturn"\n'
    )
    assert edit.apply(text, [Change(at("notes"), "")], "t.md") == text.replace(
        "notes: |\n          a\n", 'notes: ""\n'
    )


def test_a_key_after_a_nested_block_goes_after_its_text() -> None:
    text = plan("  - name: M\n", tail="extra:\n  memo: >-\n    text\n\n# about what follows\n")

    new = apply(text, Change(("updated",), date(2026, 11, 23)))

    assert new == text.replace("    text\n", "    text\nupdated: 2026-11-23\n")


def test_keys_under_missing_mappings_merge_into_one_block() -> None:
    text = plan("  - name: M\n")

    new = apply(text, Change(("extra", "a", "b"), "1"), Change(("extra", "a", "c"), "2"),
                Change(("extra", "d"), ["x"]))  # fmt: skip

    assert new == text.replace(
        "  - name: M\n", '  - name: M\nextra:\n  a:\n    b: "1"\n    c: "2"\n  d: [x]\n'
    )


def test_a_file_with_old_mac_line_endings_keeps_them() -> None:
    text = plan("  - name: M\n    steps:\n      - task: T\n").replace("\n", "\r")

    new = apply(text, Change(at("status"), "done"))

    assert new == text.replace("- task: T\r", "- task: T\r        status: done\r")


def test_text_without_front_matter_is_refused_with_the_loaders_message() -> None:
    with pytest.raises(Invalid) as caught:
        edit.apply("# just notes\n", [Change(("title",), "T")], "plans/t.md")

    assert [str(p) for p in caught.value.problems] == [
        "plans/t.md:1:1: no front matter: the file must start with a '---' line "
        "(put the plan's YAML fields between two '---' lines at the top)"
    ]


def test_a_list_of_mappings_is_replaced_whole() -> None:
    text = plan("  - name: M\n", tail="risks:\n  - risk: R\n    owner: Sam\n")

    new = edit.apply(text, [Change(("risks",), ["a, b"])], "t.md")

    assert new == text.replace("risks:\n  - risk: R\n    owner: Sam\n", 'risks: ["a, b"]\n')


def test_names_in_a_block_list_are_written_for_a_block() -> None:
    text = plan("  - name: M\n    steps:\n      - task: T\n        owner:\n          - A\n")

    new = apply(text, Change(at("owner"), ["x, y", "Lee: ops", "z, w"], collapse=True))

    assert new == text.replace("          - A\n", '          - x, y\n          - "Lee: ops"\n'
                               "          - z, w\n")  # fmt: skip


def test_a_kept_block_in_a_file_with_old_mac_line_endings() -> None:
    text = plan("  - name: M\n    steps:\n      - task: T\n        notes: |+\n          a\n"
                "      - task: U\n").replace("\n", "\r")  # fmt: skip

    new = apply(text, Change(at("status"), "done"))

    assert new == text.replace("          a\r", "          a\r        status: done\r")


def test_invalid_yaml_is_refused_with_the_loaders_message() -> None:
    with pytest.raises(Invalid) as caught:
        edit.apply("---\ntitle: [\n---\n", [Change(("title",), "T")], "plans/t.md")

    assert [p.file for p in caught.value.problems] == ["plans/t.md"]
    assert caught.value.problems[0].message.startswith("invalid YAML: ")


def test_a_block_written_wrong_is_caught_and_written_on_one_line(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text = plan("  - name: M\n    steps:\n      - task: T\n        notes: >-\n          a\n")
    monkeypatch.setattr(edit, "folded", lambda value, width: ["a word lost"])

    new = apply(text, Change(at("notes"), "every word kept"), Change(at("status"), "done"))

    assert new == text.replace(
        "        notes: >-\n          a\n",
        "        notes: every word kept\n        status: done\n",
    )


def test_an_edit_that_would_change_another_value_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text = plan("  - name: M\n    steps:\n      - task: T\n        status: todo\n"
                "        due: 2026-12-01\n")  # fmt: skip
    real = edit.inline

    def sloppy(value: object, *args: object, **kwargs: object) -> str:
        done = real(value, *args, **kwargs)  # type: ignore[arg-type]
        return done + "\n        due: 2030-01-01" if value == "done" else done

    monkeypatch.setattr(edit, "inline", sloppy)

    with pytest.raises(Invalid) as caught:
        edit.apply(text, [Change(at("notes"), "n"), Change(at("status"), "done")], "t.md")

    assert [str(p) for p in caught.value.problems] == [
        "t.md:10:9: milestones[0].steps[0].notes: cannot write this value here without "
        "changing others (edit the file by hand)"
    ]


def test_yamlwrite_chooses_the_plainest_style_that_reads_back() -> None:
    assert yamlwrite.scalar("Lee Park", flow=False) == "Lee Park"
    assert yamlwrite.scalar("Lee Park", yamlwrite.DOUBLE, flow=False) == '"Lee Park"'
    assert yamlwrite.scalar("a, b", flow=True) == '"a, b"'
    assert yamlwrite.scalar("a, b", flow=False) == "a, b"
    assert yamlwrite.scalar(date(2027, 1, 8), flow=False) == "2027-01-08"
    assert yamlwrite.scalar(date(2027, 1, 8), yamlwrite.SINGLE, flow=False) == "'2027-01-08'"
    assert yamlwrite.scalar("\udc80", flow=False) == '"\\udc80"'  # nothing can: the edit refuses
    assert yamlwrite.inline(["a"], flow=False, collapse=True) == "a"
    assert yamlwrite.inline(["a, b"], flow=False, collapse=True) == "a, b"
    assert yamlwrite.inline(["a, b"], flow=True, collapse=True) == '"a, b"'
    assert yamlwrite.inline(["a"], flow=False) == "[a]"
    assert yamlwrite.inline({"k": ["a", "b: c"], "j": "x, y"}, flow=False) == (
        '{k: [a, "b: c"], j: "x, y"}'
    )


def test_yamlwrite_reads_values_back_the_way_an_edit_writes_them() -> None:
    assert yamlwrite.same("x\n", "x") and yamlwrite.same("aX\n", "aX")
    assert not yamlwrite.same("x \n", "x") and not yamlwrite.same("x", "y")
    assert not yamlwrite.same(5, "5")
    assert yamlwrite.same("2027-01-08", date(2027, 1, 8))
    assert yamlwrite.same(date(2027, 1, 8), date(2027, 1, 8))
    assert not yamlwrite.same("2027-01-09", date(2027, 1, 8))
    assert not yamlwrite.same(["a"], ["a", "b"]) and yamlwrite.same("a", ["a"], collapse=True)
    assert not yamlwrite.same("a", ["a"]) and not yamlwrite.same(["a", "b"], ["a"], collapse=True)
    assert yamlwrite.same({"k": {"j": "a"}}, {"k": {"j": "a"}})
    assert not yamlwrite.same({"k": "a"}, {"k": "b"}) and not yamlwrite.same({"k": "a"}, {"j": "a"})
    assert not yamlwrite.same("k: a", {"k": "a"})
    assert yamlwrite.reads_back("a, b", "a, b", flow=False)
    assert not yamlwrite.reads_back("a, b", "a, b", flow=True)


def test_folded_lines_fold_back() -> None:
    assert yamlwrite.folded("a b c", 3) == ["a b", "c"]
    assert yamlwrite.folded("a  b", 1) == ["a  b"]  # two spaces do not fold
    assert yamlwrite.folded("a\n\n\nb", 80) == ["a", "", "", "", "b"]
    assert yamlwrite.folded("a\n b", 80) is None


# --- refusals ---------------------------------------------------------------------------

SHARED = plan(
    "  - name: M\n    steps:\n"
    "      - task: &t Shared task\n"
    "      - task: *t\n"
    "        owner: Sam\n"
    "  - name: N\n    steps: &steps\n      - task: X\n"
    "  - name: O\n    steps: *steps\n"
)


@pytest.mark.parametrize(
    ("loc", "message"),
    [
        (("milestones", 0, "steps", 1, "task"),
         "plans/t.md:11:9: milestones[0].steps[1].task: this value is shared through the YAML "
         "anchor '&t' on line 10: changing it would also change every '*t' (write the value "
         "out in full instead of '*t', then run the command again)"),
        (("milestones", 0, "steps", 0, "task"),
         "plans/t.md:10:9: milestones[0].steps[0].task: this value is shared through the YAML "
         "anchor '&t' on line 10: changing it would also change every '*t' (write the value "
         "out in full instead of '*t', then run the command again)"),
        (("milestones", 2, "steps", 0, "status"),
         "plans/t.md:15:9: milestones[2].steps[0].status: this value is shared through the YAML "
         "anchor '&steps' on line 14: changing it would also change every '*steps' (write the "
         "value out in full instead of '*steps', then run the command again)"),
        (("milestones", 0, "steps"),
         "plans/t.md:9:5: milestones[0].steps: this value is shared through the YAML "
         "anchor '&t' on line 10: changing it would also change every '*t' (write the value "
         "out in full instead of '*t', then run the command again)"),
        (("milestones", 0, "steps", 5, "status"),
         "plans/t.md:10:7: milestones[0].steps[5].status: there is no milestones[0].steps[5] "
         "to edit"),
        (("milestones", 0, "steps", 1, "owner", "name"),
         "plans/t.md:12:16: milestones[0].steps[1].owner.name: there is no "
         "milestones[0].steps[1].owner.name to edit"),
        (("milestones", 0, "steps", 2, "status"),
         "plans/t.md:10:7: milestones[0].steps[2].status: there is no milestones[0].steps[2] "
         "to edit"),
        (("milestones", 0, "name", 0),
         "plans/t.md:8:11: milestones[0].name[0]: there is no milestones[0].name[0] to edit"),
    ],
)  # fmt: skip
def test_edits_that_would_touch_more_than_their_value_are_refused(
    loc: tuple[str | int, ...], message: str
) -> None:
    with pytest.raises(Invalid) as caught:
        edit.apply(SHARED, [Change(loc, "done")], "plans/t.md")

    assert [str(p) for p in caught.value.problems] == [message]
    assert caught.value.problems[0].hint == message.partition(" (")[2].removesuffix(")")


def test_a_value_beside_a_shared_one_can_change() -> None:
    new = apply(SHARED, Change(("milestones", 0, "steps", 1, "owner"), ["Kim"], collapse=True))

    assert new == SHARED.replace("owner: Sam", "owner: Kim")


def test_an_anchor_nobody_uses_is_no_reason_to_refuse() -> None:
    text = plan("  - name: M\n    steps:\n      - task: T\n        owner: &o Sam\n")

    assert apply(text, Change(at("owner"), ["Lee"], collapse=True)) == text.replace("&o Sam", "Lee")


def test_a_value_yaml_cannot_hold_is_refused() -> None:
    text = plan("  - name: M\n    steps:\n      - task: T\n")

    with pytest.raises(Invalid) as caught:
        edit.apply(text, [Change(at("notes"), "lone \udc80 surrogate")], "plans/t.md")

    assert caught.value.problems == [
        Problem("plans/t.md", 10, 9, "milestones[0].steps[0].notes",
                "cannot write this value here without changing others", "edit the file by hand")
    ]  # fmt: skip


def test_front_matter_that_is_not_a_mapping_is_refused() -> None:
    with pytest.raises(Invalid) as caught:
        edit.apply("---\n- a list\n---\n", [Change(("title",), "T")], "plans/t.md")

    assert caught.value.problems == [
        Problem("plans/t.md", 0, 0, "", "cannot edit: the front matter is not a mapping of fields",
                "run mapsite check plans/t.md")
    ]  # fmt: skip


def test_two_changes_of_one_value_are_a_mistake() -> None:
    text = plan("  - name: M\n    steps:\n      - task: T\n")

    with pytest.raises(ValueError, match=r"^two changes of milestones\[0\].steps\[0\].status$"):
        edit.apply(text, [Change(at("status"), "done"), Change(at("status"), "todo")], "t.md")
    with pytest.raises(ValueError, match=r"^overlapping changes$"):
        edit.apply(text, [Change(STEP, {"task": "U"}), Change(at("task"), "V")], "t.md")
    with pytest.raises(ValueError, match=r"^two changes of lint.ignore.x$"):
        edit.apply(text, [Change(("lint", "ignore"), ["X"]), Change(("lint", "ignore", "x"), "y")],
                   "t.md")  # fmt: skip


# --- keys taken out (``Change(loc, None)``: ``mapsite set --expected none``) ------------

BLOCK_STEP = (
    "      - task: T\n        expected: 2026-12-09  # Aisha, on the call\n        due: 2026-12-01\n"
)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        # a block: its line goes, with the comment on it
        (BLOCK_STEP, "      - task: T\n        due: 2026-12-01\n"),
        # the last key of the step
        ("      - task: T\n        expected: 2026-12-09\n", "      - task: T\n"),
        # the first key of a list item: the next key takes its place after the dash
        ("      - expected: 2026-12-09\n        task: T\n", "      - task: T\n"),
        # flow: with the comma before it, or after it when it comes first
        ("      - {task: T, expected: 2026-12-09, due: 2026-12-01}\n",
         "      - {task: T, due: 2026-12-01}\n"),
        ("      - {task: T, expected: 2026-12-09}\n", "      - {task: T}\n"),
        ("      - {expected: 2026-12-09, task: T}\n", "      - {task: T}\n"),
        ("      - {task: T,\n         expected: 2026-12-09}\n", "      - {task: T}\n"),
        # a block of notes: all its lines
        ("      - task: T\n        notes: |\n          one\n          two\n"
         "        due: 2026-12-01\n",
         "      - task: T\n        due: 2026-12-01\n"),
    ],
)  # fmt: skip
def test_a_key_is_taken_out_with_its_lines_or_its_comma(before: str, after: str) -> None:
    name = "notes" if "notes" in before else "expected"

    new = apply(plan(f"  - name: M\n    steps:\n{before}"), Change(at(name), None))

    assert new == plan(f"  - name: M\n    steps:\n{after}")


def test_a_key_that_is_not_there_is_left_out() -> None:
    text = plan("  - name: M\n    steps:\n      - task: T\n")

    assert edit.apply(text, [Change(at("expected"), None)], "plans/t.md") == text


def test_the_last_line_of_the_front_matter_goes_with_its_line_break() -> None:
    text = plan("  - name: M\n    steps:\n      - task: T\n", "updated: 2026-11-20\n")

    after = plan("  - name: M\n    steps:\n      - task: T\n")
    assert apply(text, Change(("updated",), None)) == after
    bare = "---\ntitle: T\nupdated: 2026-11-20\n---\n"
    assert edit.apply(bare, [Change(("updated",), None)], "t.md") == "---\ntitle: T\n---\n"


def test_a_key_is_taken_out_in_the_files_line_endings() -> None:
    text = plan(f"  - name: M\n    steps:\n{BLOCK_STEP}").replace("\n", "\r\n")

    new = apply(text, Change(at("expected"), None))

    after = plan("  - name: M\n    steps:\n      - task: T\n        due: 2026-12-01\n")
    assert new == after.replace("\n", "\r\n")


def test_a_key_added_where_the_last_one_is_taken_out() -> None:
    # notes go after the step's last entry: that is status, whose line goes
    text = plan("  - name: M\n    steps:\n      - task: T\n        status: done\n")

    new = apply(text, Change(at("status"), None), Change(at("notes"), "N"))

    assert new == plan("  - name: M\n    steps:\n      - task: T\n        notes: N\n")


def test_a_refusal_beside_a_key_taken_out_says_where_it_is_in_the_file() -> None:
    text = plan(
        "  - name: M\n    steps:\n      - task: T\n        expected: 2026-12-09\n"
        "        owner: &o Sam\n      - task: U\n        owner: *o\n"
    )

    with pytest.raises(Invalid) as caught:
        edit.apply(text, [Change(at("expected"), None), Change(at("owner"), ["Lee"])], "t.md")

    assert str(caught.value.problems[0]).startswith(
        "t.md:12:9: milestones[0].steps[0].owner: this value is shared through the YAML "
        "anchor '&o' on line 12"
    )


def test_a_value_that_cannot_be_written_beside_a_key_taken_out_is_located_in_the_file() -> None:
    # the value is refused after the key is out, in a text a line shorter: the line
    # named is the file's
    text = plan(
        "  - name: M\n    steps:\n      - task: T\n        expected: 2026-12-09\n      - task: U\n"
    )
    second = ("milestones", 0, "steps", 1, "task")

    with pytest.raises(Invalid) as caught:
        edit.apply(text, [Change(at("expected"), None), Change(second, "lone \udc80")], "t.md")

    assert caught.value.problems == [
        Problem("t.md", 12, 9, "milestones[0].steps[1].task",
                "cannot write this value here without changing others", "edit the file by hand")
    ]  # fmt: skip


def test_taking_out_and_setting_one_value_is_a_mistake() -> None:
    text = plan("  - name: M\n    steps:\n      - task: T\n        notes: N\n")

    for changes in ([Change(at("notes"), None), Change(at("notes"), "M")],
                    [Change(at("notes"), "M"), Change(at("notes"), None)]):  # fmt: skip
        with pytest.raises(ValueError, match=r"^two changes of milestones\[0\].steps\[0\].notes$"):
            edit.apply(text, changes, "t.md")


@pytest.mark.parametrize(
    ("text", "loc", "message"),
    [
        (plan("  - name: M\n    steps:\n      - task: T\n        expected: &e 2026-12-09\n"
              "      - task: U\n        expected: *e\n"),
         at("expected"),
         "plans/t.md:11:9: milestones[0].steps[0].expected: this value is shared through the "
         "YAML anchor '&e' on line 11: changing it would also change every '*e' (write the "
         "value out in full instead of '*e', then run the command again)"),
        # an anchor inside the value taken out: its alias would be left with nothing
        (plan("  - name: M\n    steps:\n      - task: T\n        owner: [&o Sam, Lee]\n"
              "      - task: U\n        owner: *o\n"),
         at("owner"),
         "plans/t.md:11:9: milestones[0].steps[0].owner: this value is shared through the "
         "YAML anchor '&o' on line 11: changing it would also change every '*o' (write the "
         "value out in full instead of '*o', then run the command again)"),
        (plan("  - name: M\n    steps:\n      - task: T\n"),
         at("task"),
         "plans/t.md:10:9: milestones[0].steps[0].task: cannot take milestones[0].steps[0].task "
         "out (edit the file by hand)"),
        (plan("  - name: M\n    steps:\n      - task: T\n"),
         ("milestones", 0, "steps", 0),
         "plans/t.md:10:9: milestones[0].steps[0]: cannot take milestones[0].steps[0] out "
         "(edit the file by hand)"),
    ],
)  # fmt: skip
def test_a_key_that_cannot_go_alone_is_refused(
    text: str, loc: tuple[str | int, ...], message: str
) -> None:
    with pytest.raises(Invalid) as caught:
        edit.apply(text, [Change(loc, None)], "plans/t.md")

    assert [str(p) for p in caught.value.problems] == [message]


# --- files: read, checked, written whole or not at all ----------------------------------


@pytest.fixture
def northwind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    copy_example(tmp_path)
    return tmp_path / "plans" / "northwind.md"


def test_a_file_keeps_its_bom_crlf_and_permissions(northwind: Path) -> None:
    data = b"\xef\xbb\xbf" + northwind.read_bytes().replace(b"\n", b"\r\n")
    northwind.write_bytes(data)
    northwind.chmod(0o640)

    done = edit.edit(edit.open_plan(northwind), [Change(at("status"), "todo")], date(2026, 11, 24))
    edit.write([done])

    assert northwind.read_bytes() == data.replace(
        b"        status: done\r\n", b"        status: todo\r\n", 1
    ).replace(b"updated: 2026-11-26\r\n", b"updated: 2026-11-24\r\n")
    assert stat.S_IMODE(northwind.stat().st_mode) == 0o640
    assert sorted(p.name for p in northwind.parent.iterdir()) == [
        "fabrikam-renewal.md", "northwind.md", "tailspin.md"
    ]  # fmt: skip


def test_a_symlinked_plan_stays_a_symlink(northwind: Path, tmp_path: Path) -> None:
    link = tmp_path / "plans" / "link.md"
    link.symlink_to(northwind)

    edit.write([edit.edit(edit.open_plan(link), [Change(at("status"), "todo")])])

    assert link.is_symlink()
    assert load_plan(northwind).plan.milestones[0].steps[0].status is Status.TODO


def test_nothing_to_change_is_no_edit(northwind: Path) -> None:
    opened = edit.open_plan(northwind)

    unchanged = edit.edit(opened, [], date(2026, 11, 24))
    same_day = edit.edit(opened, [Change(at("status"), "todo")], date(2026, 11, 26))
    no_date = edit.edit(opened, [Change(at("status"), "todo")])

    assert not unchanged.changed and unchanged.text == opened.text
    assert "updated: 2026-11-26\n" in same_day.text and "updated: 2026-11-26\n" in no_date.text
    assert no_date.text == same_day.text != opened.text


def test_an_edit_that_makes_the_plan_invalid_is_refused(northwind: Path) -> None:
    with pytest.raises(Invalid) as caught:
        edit.edit(edit.open_plan(northwind), [Change(at("due"), "nowhere + 2d")])

    assert [str(p) for p in caught.value.problems] == [
        "plans/northwind.md:108:14: milestones[0].steps[0].due: unknown id 'nowhere' "
        "(count from go_live or from the id of a milestone or step)"
    ]


def test_the_diff_names_the_file_and_marks_a_last_line_without_a_line_break(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "t.md").write_text(plan("  - name: M\n").removesuffix("Body.\n"), "utf-8")
    opened = edit.open_plan(Path("t.md"))

    changed = edit.edit(opened, [Change(("title",), "New")])

    assert edit.diff(changed) == (
        "--- t.md\n+++ t.md\n@@ -1,5 +1,5 @@\n ---\n-title: T\n+title: New\n"
        f" buyer: {{name: B}}\n seller: {{name: S}}\n share: {{token: {token_for('t')}}}\n"
    )
    (tmp_path / "t.md").write_text(opened.text + "---", "utf-8")
    ends = edit.edit(edit.open_plan(Path("t.md")), [Change(("milestones", 0, "name"), "N")])
    assert edit.diff(ends).endswith(
        "-  - name: M\n+  - name: N\n ---\n ---\n\\ No newline at end of file\n"
    )


def test_a_diff_of_a_file_with_old_mac_line_endings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "t.md").write_bytes(plan("  - name: M\n").replace("\n", "\r").encode())

    changed = edit.edit(edit.open_plan(Path("t.md")), [Change(("title",), "New")])

    assert "No newline" not in edit.diff(changed)
    assert edit.diff(changed).startswith("--- t.md\n+++ t.md\n@@ -1,5 +1,5 @@\n ---\r-title: T\r")


def plans_and_temporaries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.mark.parametrize("fails", ["fsync", "replace"])
def test_a_failed_write_leaves_every_plan_as_it_was(
    northwind: Path, monkeypatch: pytest.MonkeyPatch, fails: str
) -> None:
    folder = northwind.parent
    tailspin = folder / "tailspin.md"
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    edits = [
        edit.edit(edit.open_plan(path), [Change(at("status"), "blocked")], date(2026, 11, 24))
        for path in (northwind, tailspin)
    ]
    real_fsync = os.fsync
    calls = []

    def full_disk(fd: int) -> None:  # the second plan's temporary file does not fit
        calls.append(fd)
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        real_fsync(fd)

    def no_rename(src: str, dst: str) -> None:
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    if fails == "fsync":
        monkeypatch.setattr(os, "fsync", full_disk)
    else:
        monkeypatch.setattr(os, "replace", no_rename)

    with pytest.raises(Invalid) as caught:
        edit.write(edits)

    shown = "plans/tailspin.md" if fails == "fsync" else "plans/northwind.md"
    reason = "No space left on device" if fails == "fsync" else "Invalid cross-device link"
    assert caught.value.problems == [
        Problem(shown, 0, 0, "", f"cannot write the file: {reason}", "nothing was written")
    ]
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before  # no temporary file


def test_a_rename_that_fails_after_others_says_what_was_written(
    northwind: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = ("fabrikam-renewal.md", "northwind.md", "tailspin.md")
    edits = [
        edit.edit(edit.open_plan(northwind.parent / name), [Change(at("status"), "blocked")])
        for name in names
    ]
    real_replace = os.replace

    def last_fails(src: str, dst: Path) -> None:
        if dst.name == "tailspin.md":
            raise OSError(errno.EIO, "Input/output error")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", last_fails)

    with pytest.raises(Invalid) as caught:
        edit.write(edits)

    assert caught.value.problems == [
        Problem("plans/tailspin.md", 0, 0, "", "cannot write the file: Input/output error",
                "already written: plans/fabrikam-renewal.md, plans/northwind.md")
    ]  # fmt: skip
    assert plans_and_temporaries(northwind.parent) == list(names)


def test_the_temporary_file_is_beside_the_plan_and_hidden(
    northwind: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[Path] = []
    real_replace = os.replace

    def watch(src: str, dst: Path) -> None:
        seen.append(Path(src))
        assert Path(src).read_bytes() == dst.read_bytes().replace(
            b"status: done", b"status: todo", 1
        )
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", watch)

    edit.write([edit.edit(edit.open_plan(northwind), [Change(at("status"), "todo")])])

    assert [p.parent for p in seen] == [northwind.parent]
    assert seen[0].name.startswith(".northwind.md.") and seen[0].name.endswith(".tmp")


def test_a_plan_that_cannot_be_read_says_why(northwind: Path) -> None:
    northwind.write_bytes(northwind.read_bytes().replace(b"Northwind", b"Nor\xefthwind", 1))

    with pytest.raises(Invalid) as missing:
        edit.open_plan(northwind.parent / "gone.md")
    with pytest.raises(Invalid) as garbled:
        edit.open_plan(northwind)

    assert [str(p) for p in missing.value.problems] == [
        "plans/gone.md:1:1: cannot read file: No such file or directory"
    ]
    assert [str(p) for p in garbled.value.problems] == [
        "plans/northwind.md:4:12: file is not UTF-8 text (byte 0xef) "
        "(save it as UTF-8 in your editor)"
    ]


def test_the_sites_holidays_count_in_the_plan_read_and_edited(northwind: Path) -> None:
    opened = edit.open_plan(northwind, "US")

    edited = edit.edit(opened, [Change(at("status"), "todo")])

    assert opened.holidays == "US"
    assert opened.document.calendar.country == edited.document.calendar.country == "US"
    assert edit.open_plan(northwind).document.calendar.country is None


# --- the example plans: every kind of change, and nothing else --------------------------

EXAMPLES = sorted(p.name for p in (REPO / "plans").glob("*.md"))


def value_lines(text: str, loc: tuple[str | int, ...]) -> range:
    """The 0-based lines of the file ``loc``'s value is written on (empty when missing)."""
    front = split_front_matter(text, "")[0]
    node = yaml.compose(front, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if k.value == part), None)
        else:
            node = node.value[part]
        if node is None:
            return range(0)
    end = node.end_mark.line - (node.end_mark.column == 0)
    return range(node.start_mark.line + 1, end + 2)  # the '---' line comes first


def key_lines(text: str, loc: tuple[str | int, ...]) -> range:
    """The 0-based line of the file ``loc``'s key is written on (empty when missing)."""
    front = split_front_matter(text, "")[0]
    node = yaml.compose(front, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    key = None
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            key, node = next(((k, v) for k, v in node.value if k.value == part), (None, None))
        else:
            node = node.value[part]
        if node is None:
            return range(0)
    return range(key.start_mark.line + 1, key.start_mark.line + 2) if key else range(0)


def changed_lines(before: str, after: str) -> set[int]:
    """0-based lines of ``before`` that the edit replaced or removed."""
    matcher = difflib.SequenceMatcher(None, before.splitlines(), after.splitlines(), autojunk=False)
    return {
        i for tag, i1, i2, _, _ in matcher.get_opcodes() if tag != "equal" for i in range(i1, i2)
    }


def expected_plan(old: Plan, values: dict[tuple[int, int], dict[str, object]], today: date) -> Plan:
    milestones = [
        m.model_copy(update={"steps": [
            s.model_copy(update=values.get((mi, si), {})) for si, s in enumerate(m.steps)
        ]})
        for mi, m in enumerate(old.milestones)
    ]  # fmt: skip
    return old.model_copy(update={"milestones": milestones, "updated": today})


DEFAULTS: dict[str, object] = {"status": Status.TODO, "owner": [], "notes": None}
"""What a step says when the key is taken out (``Change(loc, None)``)."""


def model_value(name: str, value: object) -> object:
    if value is None:
        return DEFAULTS[name]
    if name == "status":
        return Status(value)
    if name == "due" and isinstance(value, str):
        ref, _, amount = value.partition(" - ")
        return Offset(ref, -int(amount.removesuffix("w")), "w")
    return value


def edit_and_check(path: Path, changes: dict[tuple[int, int], dict[str, object]]) -> str:
    """Edit the plan at ``path``; check the result loads with exactly the new values and
    differs only on the lines of the values changed. Returns the new text."""
    today = date(2026, 11, 30)
    opened = edit.open_plan(path)
    made = [
        Change(("milestones", mi, "steps", si, name), value, collapse=name == "owner")
        for (mi, si), fields in changes.items()
        for name, value in fields.items()
    ]

    done = edit.edit(opened, made, today)

    model = {k: {n: model_value(n, v) for n, v in f.items()} for k, f in changes.items()}
    assert done.document.plan == expected_plan(opened.document.plan, model, today)
    allowed = set(value_lines(opened.text, ("updated",)))
    for change in made:
        allowed |= set(value_lines(opened.text, change.loc))
        if change.value is None:  # taken out: its key's line too
            allowed |= set(key_lines(opened.text, change.loc))
    assert changed_lines(opened.text, done.text) <= allowed
    return done.text


@pytest.mark.parametrize("name", EXAMPLES)
def test_every_kind_of_change_to_an_example_plan(name: str, tmp_path: Path) -> None:
    copy_example(tmp_path)
    path = tmp_path / "plans" / name
    steps = [(mi, si) for mi, m in enumerate(load_plan(path).plan.milestones)
             for si in range(len(m.steps))]  # fmt: skip
    kinds: list[dict[str, object]] = [
        {"status": "done"},
        {"status": "in progress", "due": date(2027, 2, 1)},
        {"due": "go_live - 3w"},
        {"owner": ["Grace Liu"]},
        {"owner": ["Lee Park", "Ken Ito", "Olivia Grant"]},
        {"notes": "A note: with a colon, #hash, 'quotes' and \"doubles\"."},
        {"notes": "Two\nlines", "status": "blocked", "owner": ["Ken Ito"], "due": date(2027, 1, 4)},
    ]

    edit_and_check(path, {step: kinds[i % len(kinds)] for i, step in enumerate(steps)})


names = (
    st.text(
        st.characters(
            codec="utf-8", categories=["L", "N", "P", "S", "Zs"], exclude_characters="\x85"
        ),
        min_size=1,
        max_size=30,
    )
    .map(str.strip)
    .filter(bool)
)
notes = st.text(
    st.characters(codec="utf-8", categories=["L", "N", "P", "S", "Zs", "Cc"],
                  exclude_characters="\x85"),
    min_size=1,
    max_size=120,
).map(str.strip).filter(bool)  # fmt: skip
VALUES = {  # None: the key taken out (mapsite set --expected none does it)
    "status": st.sampled_from([s.value for s in Status]) | st.none(),
    "due": st.dates(date(2020, 1, 1), date(2035, 12, 31))
    | st.builds(lambda n: f"go_live - {n}w", st.integers(0, 30)),
    "owner": st.lists(names, min_size=1, max_size=3) | st.none(),
    "notes": notes | st.none(),
}


@st.composite
def example_edits(draw: st.DrawFn) -> tuple[str, dict[tuple[int, int], dict[str, object]]]:
    name = draw(st.sampled_from(EXAMPLES))
    plan = load_plan(REPO / "plans" / name).plan
    steps = [(mi, si) for mi, m in enumerate(plan.milestones) for si in range(len(m.steps))]
    chosen = draw(st.lists(st.sampled_from(steps), min_size=1, max_size=4, unique=True))
    changes = {}
    for key in chosen:
        fields = draw(
            st.lists(st.sampled_from(sorted(VALUES)), min_size=1, max_size=4, unique=True)
        )
        changes[key] = {f: draw(VALUES[f]) for f in fields}
    return name, changes


@settings(
    max_examples=150,
    derandomize=True,  # the same examples on every run: a failure is never a fluke
    database=None,
    deadline=None,  # a busy machine is slow, not wrong
    suppress_health_check=[HealthCheck.too_slow],
)
@given(example_edits())
def test_random_edits_of_the_example_plans_change_just_those_values(
    case: tuple[str, dict[tuple[int, int], dict[str, object]]],
) -> None:
    name, changes = case

    edit_and_check(REPO / "plans" / name, changes)  # checked, not written
