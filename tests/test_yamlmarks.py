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
def test_tags_match_pyyaml(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(yamlmarks._Composer, "_known", {})  # resolved now, not remembered
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


# --- aliases that would not end -----------------------------------------------------------

HUNDRED = "[" + ", ".join(["x"] * 100) + "]"


def test_aliases_may_repeat_up_to_the_bound() -> None:
    text = f"a: &a {HUNDRED}\nb: [{', '.join(['*a'] * 100)}]\n"  # 100 x 100 values

    marked = yamlmarks.parse(text)

    assert marked.data["b"] == [["x"] * 100] * 100
    assert marked.expanded == yamlmarks.MAX_ALIAS_VALUES


def test_one_value_past_the_bound_is_refused_at_the_alias() -> None:
    text = f"a: &a {HUNDRED}\none: &one [y]\nb: [{', '.join(['*a'] * 100)}, *one]\n"

    with pytest.raises(yamlmarks.AliasBomb) as raised:
        yamlmarks.parse(text)

    assert raised.value.problems == [
        (
            yamlmarks.Mark(2, 404),
            ("b", 100),
            "aliases expand to more than 10,000 values here (*one repeats what &one marks)",
            "nested aliases multiply; write the values out instead",
        )
    ]
    assert raised.value.problem_mark.line == 2
    assert raised.value.problem_mark.column == 404


def test_a_repeated_scalar_costs_nothing() -> None:
    # `owner: *sam` is the common use: one value each time, however many
    text = "sam: &sam Sam Ortiz\nowners: [" + ", ".join(["*sam"] * 20_000) + "]\n"

    assert yamlmarks.parse(text).data["owners"] == ["Sam Ortiz"] * 20_000


BILLION_LAUGHS = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{c}: &{c} [{','.join([f'*{p}'] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi", strict=True)
)


def test_the_outermost_alias_is_named_not_the_innermost() -> None:
    with pytest.raises(yamlmarks.AliasBomb) as raised:
        yamlmarks.parse(BILLION_LAUGHS)

    # e's first *d is where the count passes the bound, deep inside d's own aliases
    ((mark, loc, message, _),) = raised.value.problems
    assert (mark, loc) == (yamlmarks.Mark(4, 7), ("e", 0))
    assert message.endswith("(*d repeats what &d marks)")


def test_an_alias_as_a_field_value_in_a_block() -> None:
    text = BILLION_LAUGHS.replace("e: &e [*d,", "e: &e\n  first: *d\n  rest: [")

    with pytest.raises(yamlmarks.AliasBomb) as raised:
        yamlmarks.parse(text)

    ((mark, loc, _, _),) = raised.value.problems
    assert (mark, loc) == (yamlmarks.Mark(5, 9), ("e", "first"))


def test_an_alias_to_a_mapping_in_a_nested_list() -> None:
    text = (
        "base: &m {" + ", ".join(f"k{i}: v" for i in range(200)) + "}\n"
        "plans:\n  - [x, y]\n  - [x, [" + ", ".join(["*m"] * 60) + "]]\n"
    )

    with pytest.raises(yamlmarks.AliasBomb) as raised:
        yamlmarks.parse(text)

    ((mark, loc, message, _),) = raised.value.problems
    # 50 aliases of 200 fields reach the bound: the 51st passes it
    assert loc == ("plans", 1, 1, 50)
    assert mark == yamlmarks.Mark(3, 9 + 4 * 50)
    assert "(*m repeats what &m marks)" in message


def test_problems_before_the_alias_are_kept() -> None:
    text = "title: a\ntitle: b\n" + BILLION_LAUGHS

    with pytest.raises(yamlmarks.AliasBomb) as raised:
        yamlmarks.parse(text, first_line=1)

    messages = [message for _, _, message, _ in raised.value.problems]
    assert messages[0] == "duplicate field 'title' (already set on line 2)"
    assert len(messages) == 2


# --- characters YAML does not allow ------------------------------------------------------


@pytest.mark.parametrize(
    ("char", "described"),
    [
        ("\0", "character U+0000 (NUL)"),
        ("\x07", "character U+0007 (BEL)"),
        ("\x0c", "character U+000C (FF)"),
        ("\x1b", "character U+001B (ESC)"),
        ("\x1f", "character U+001F (US)"),
        ("\x7f", "character U+007F (DEL)"),
        ("\x80", "character U+0080 (a control character)"),
        ("\x9f", "character U+009F (a control character)"),
        ("\ud800", "character U+D800 (half of a UTF-16 pair)"),
        ("\udfff", "character U+DFFF (half of a UTF-16 pair)"),
        ("\ufffe", "character U+FFFE (a noncharacter)"),
        ("\uffff", "character U+FFFF (a noncharacter)"),
    ],
)
def test_forbidden_characters_are_named(char: str, described: str) -> None:
    with pytest.raises(yamlmarks.ForbiddenCharacter) as raised:
        yamlmarks.parse(f"title: ok\r\nnotes: [a, b{char}]\n")

    assert raised.value.problem == f"{described} is not allowed"
    assert (raised.value.problem_mark.line, raised.value.problem_mark.column) == (1, 12)
    assert isinstance(raised.value, yaml.MarkedYAMLError)  # callers that catch those


@pytest.mark.parametrize("char", ["\t", "\xa0", "\ud7ff", "\ue000", "\ufeff", "\ufffd", "😀"])
def test_characters_yaml_allows_pass(char: str) -> None:
    assert yamlmarks.parse(f"notes: 'a{char}b'\n").data == {"notes": f"a{char}b"}


def test_a_forbidden_character_after_other_line_breaks() -> None:
    # lines as an editor counts them: CR is a line break, NEL and LS are not
    with pytest.raises(yamlmarks.ForbiddenCharacter) as raised:
        yamlmarks.parse("a: 'x\x85y\u2028z'\rb: c\0\n")

    assert (raised.value.problem_mark.line, raised.value.problem_mark.column) == (1, 4)


# found by the long fuzz run: YAML 1.1 breaks lines at NEL, LS and PS, editors do not, so
# every position after one was a line too far (line 11 of a 7-line file)
YAML_ONLY_BREAKS = "p: 'x\x85y'\nq: [1, '\u2028']\nr: \u2029\ns: 2\n"


def test_positions_after_nel_ls_and_ps_count_lines_as_editors_do() -> None:
    marked = yamlmarks.parse(YAML_ONLY_BREAKS + "s: 3\n")

    assert marked.value_mark(("q", 1)) == yamlmarks.Mark(1, 7)
    assert marked.key_mark(("s",)) == yamlmarks.Mark(3, 0)
    assert marked.problems[0][0] == yamlmarks.Mark(4, 0)
    assert marked.problems[0][2] == "duplicate field 's' (already set on line 4)"


def test_syntax_errors_and_aliases_after_them_count_lines_as_editors_do() -> None:
    with pytest.raises(yaml.MarkedYAMLError) as raised:
        yamlmarks.parse(YAML_ONLY_BREAKS + "e: [\n")
    assert raised.value.problem_mark.line == 5

    with pytest.raises(yamlmarks.AliasBomb) as raised:
        yamlmarks.parse(YAML_ONLY_BREAKS + BILLION_LAUGHS)
    assert raised.value.problems == [
        (
            yamlmarks.Mark(8, 7),
            ("e", 0),
            "aliases expand to more than 10,000 values here (*d repeats what &d marks)",
            "nested aliases multiply; write the values out instead",
        )
    ]


def test_a_name_for_a_character_unicode_names() -> None:
    assert yamlmarks.describe_character("é") == "character U+00E9 (LATIN SMALL LETTER E WITH ACUTE)"
    assert yamlmarks.describe_character("\U000e0001") == "character U+E0001 (LANGUAGE TAG)"
    assert yamlmarks.describe_character("\U0010fffd") == "character U+10FFFD"


# --- positions and values, one path at a time --------------------------------------------

NESTED = "a:\n  b: 1\nlist:\n  - x\n  - {k: v}\n"


@pytest.mark.parametrize(
    ("loc", "key", "value"),
    [
        (("a", "b"), (1, 2), (1, 5)),
        (("a", "missing"), (1, 2), (1, 2)),  # the nearest value that exists: a's
        (("a", "b", "c"), (1, 5), (1, 5)),  # through a scalar: the scalar
        (("a", 0), (1, 2), (1, 2)),  # an index into a mapping
        (("list", 1), (4, 4), (4, 4)),  # a list item has no key: its value
        (("list", 1, "k"), (4, 5), (4, 8)),
        (("list", 5), (3, 2), (3, 2)),  # past the end
        (("list", "k"), (3, 2), (3, 2)),  # a name in a list
        ((), (0, 0), (0, 0)),
    ],
)
def test_marks_of_paths(loc, key, value) -> None:
    marked = yamlmarks.parse(NESTED)

    assert marked.key_mark(loc) == yamlmarks.Mark(*key)
    assert marked.value_mark(loc) == yamlmarks.Mark(*value)


def test_marks_in_an_empty_document() -> None:
    marked = yamlmarks.parse("# nothing\n")

    assert marked.data is None
    assert marked.key_mark(("title",)) == yamlmarks.Mark(0, 0)
    assert marked.value_mark(("title",)) == yamlmarks.Mark(0, 0)


def test_values_of_every_kind_in_lists_and_mappings() -> None:
    text = (
        "list: [12, yes, 2027-03-31, x, '7', [a], {k: v}, ~]\nmap: {n: 12, b: no, s: x, q: '7'}\n"
    )

    assert yamlmarks.parse(text).data == {
        "list": [12, True, datetime.date(2027, 3, 31), "x", "7", ["a"], {"k": "v"}, None],
        "map": {"n": 12, "b": False, "s": "x", "q": "7"},
    }


def test_problems_carry_their_paths() -> None:
    text = "a: {b: !x c}\nlist: [a, !custom b, {d: !!python/none e}]\n? [k]\n: v\nn: 1\nn: 2\n"

    assert yamlmarks.parse(text, first_line=1).problems == [
        (yamlmarks.Mark(0, 7), ("a", "b"), "unsupported YAML tag '!x'", "remove the tag"),
        (yamlmarks.Mark(1, 10), ("list", 1), "unsupported YAML tag '!custom'", "remove the tag"),
        (
            yamlmarks.Mark(1, 25),
            ("list", 2, "d"),
            "unsupported YAML tag '!!python/none'",
            "remove the tag",
        ),
        (yamlmarks.Mark(2, 2), (), "field names must be plain text", ""),
        (
            yamlmarks.Mark(5, 0),
            ("n",),
            "duplicate field 'n' (already set on line 6)",
            "keep one of them",
        ),
    ]


def test_duplicates_count_lines_from_the_document_by_default() -> None:
    (problem,) = yamlmarks.parse("a: 1\na: 2\n").problems

    assert problem[2] == "duplicate field 'a' (already set on line 1)"


def test_errors_print_like_pyyaml_ones() -> None:
    with pytest.raises(yamlmarks.ForbiddenCharacter) as raised:
        yamlmarks.parse("a: b\nc: d\x1b\n")
    assert raised.value.problem_mark.index == 9
    assert str(raised.value) == (
        'character U+001B (ESC) is not allowed\n  in "<unicode string>", line 2, column 5'
    )

    with pytest.raises(yamlmarks.AliasBomb) as raised:
        yamlmarks.parse("title: a\ntitle: b\n" + BILLION_LAUGHS)
    assert raised.value.problem == raised.value.problems[-1][2]
    assert str(raised.value) == (
        "aliases expand to more than 10,000 values here (*d repeats what &d marks)\n"
        '  in "<unicode string>", line 7, column 8'
    )


def test_characters_next_to_the_forbidden_ones_are_named_by_unicode() -> None:
    assert yamlmarks.describe_character(" ") == "character U+0020 (SPACE)"
    assert yamlmarks.describe_character("\xa0") == "character U+00A0 (NO-BREAK SPACE)"
    assert yamlmarks.describe_character("\ue000") == "character U+E000"
    assert yamlmarks.describe_character("\ufffd") == "character U+FFFD (REPLACEMENT CHARACTER)"


@pytest.mark.parametrize(
    "value", ["!!timestamp soon", "!!bool maybe", "!!int ''", "!!float ''", "!!int 0x"]
)
def test_an_explicit_tag_on_a_value_that_does_not_fit_keeps_the_text(value: str) -> None:
    # found by the fuzz suite: an AttributeError, KeyError or IndexError traceback
    marked = yamlmarks.parse(f"v: {value}\n")

    assert marked.data == {"v": value.split(" ", 1)[1].strip("'")}
    assert marked.problems == []
