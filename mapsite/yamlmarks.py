"""YAML to Python data that remembers where every value came from.

PyYAML's composer gives a node tree with start marks; we turn it into plain data
ourselves so that each key and value keeps its line and column, duplicate keys are
caught (PyYAML silently keeps the last), and a bad scalar becomes a located error
instead of an exception.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import yaml

try:  # libyaml parses several times faster; fall back when it is not compiled in
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

Loc = tuple[str | int, ...]

_STR = "tag:yaml.org,2002:str"
_DEFAULT_TAGS = {
    yaml.ScalarNode: _STR,
    yaml.SequenceNode: "tag:yaml.org,2002:seq",
    yaml.MappingNode: "tag:yaml.org,2002:map",
}


class _Composer(_Loader):  # type: ignore[misc, valid-type]
    """PyYAML's loader with a quicker tag resolver.

    libyaml calls the Python resolver for every node. Most plan values are text whose
    first character no implicit tag can start with (bools, numbers, dates and nulls
    start with one of a few characters), so they need no pattern matching; the rest
    repeat (statuses, dates) and are remembered. Same tags as PyYAML's, in a quarter
    of the time.
    """

    _known: dict[str, str] = {}  # noqa: RUF012 - shared on purpose: tags never change

    # libyaml also calls these two around every node, for path resolvers, which
    # PyYAML's safe loader does not have: do nothing, at C speed
    descend_resolver = staticmethod(slice)  # (parent, index) -> ignored
    ascend_resolver = staticmethod(tuple)  # () -> ignored

    def resolve(self, kind: type[yaml.Node], value: Any, implicit: Any) -> str:
        if kind is yaml.ScalarNode and implicit[0]:
            if value and value[0] not in self.yaml_implicit_resolvers:
                return _STR
            tag = self._known.get(value)
            if tag is None:
                tag = super().resolve(kind, value, implicit)
                if len(self._known) < 10_000:  # bounded: a long build sees many dates
                    self._known[value] = tag
            return tag
        return _DEFAULT_TAGS[kind]


@dataclass(frozen=True)
class Mark:
    """A 0-based position inside the YAML text."""

    line: int
    column: int


@dataclass
class Marked:
    """Plain data plus the node tree it came from, which knows every position.

    Positions are looked up only when a message needs one: recording them all up
    front was a third of the time of loading a plan.
    """

    data: Any
    root: yaml.Node | None = field(default=None, repr=False)  # aliases: printing may not end
    problems: list[tuple[Mark, Loc, str, str]] = field(default_factory=list)
    first_line: int = 0
    """0-based line of the file where the YAML text starts, for line numbers in messages."""
    open_nodes: set[int] = field(default_factory=set, repr=False)
    """The collections being converted (by id): one met again inside itself is a loop."""
    seen_nodes: set[int] = field(default_factory=set, repr=False)
    """The collections converted so far (by id): one met again is an alias (*name) use."""
    expanded: int = 0
    """Values produced so far by repeating what aliases name (see ``MAX_ALIAS_VALUES``)."""
    text: str = field(default="", repr=False)
    _keys: dict[int, dict[str, tuple[yaml.Node, yaml.Node]]] = field(
        default_factory=dict, repr=False
    )

    def field_of(
        self, mapping: yaml.MappingNode, name: str | int
    ) -> tuple[yaml.Node, yaml.Node] | None:
        """(key node, value node) of the first field ``name`` of ``mapping``.

        Indexed on first use: a file with 20,000 unknown fields asks for 20,000 positions,
        and scanning the mapping for each was quadratic (8 s).
        """
        index = self._keys.get(id(mapping))
        if index is None:
            index = {}
            for k, v in mapping.value:
                if isinstance(k, yaml.ScalarNode):
                    index.setdefault(k.value, (k, v))  # duplicates: the data keeps the first
            self._keys[id(mapping)] = index
        return index.get(name) if isinstance(name, str) else None

    def _walk(self, loc: Loc) -> tuple[yaml.Node | None, yaml.Node | None, int]:
        """(key node, value node, depth) at ``loc``, or at the nearest enclosing value
        that exists (depth then says how far the path went)."""
        key: yaml.Node | None = None
        node = self.root
        depth = 0
        for part in loc:
            if isinstance(node, yaml.MappingNode):
                found = self.field_of(node, part)
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
                found = (None, node.value[part]) if part < len(node.value) else None
            else:
                found = None
            if found is None:
                break
            key, node = found
            depth += 1
        return key, node, depth

    def value_mark(self, loc: Loc) -> Mark:
        """Where the value at ``loc`` starts, or the nearest enclosing value that exists."""
        _, node, _ = self._walk(loc)
        return _mark(node) if node is not None else Mark(0, 0)

    def key_mark(self, loc: Loc) -> Mark:
        """Where the key of ``loc`` is written (its value's start for list items)."""
        key, node, depth = self._walk(loc)
        if key is not None and depth == len(loc):
            return _mark(key)
        return _mark(node) if node is not None else Mark(0, 0)


_constructor = yaml.SafeLoader("")  # only used for its scalar constructors


def parse(text: str, first_line: int = 0) -> Marked:
    """Parse one YAML document. Raises ``yaml.MarkedYAMLError`` for syntax errors, and
    its subclasses ``ForbiddenCharacter`` and ``AliasBomb`` (which carries the problems
    found before it, with their paths)."""
    forbidden = _forbidden(text)
    if forbidden is not None:
        raise ForbiddenCharacter(text, forbidden)
    node = _compose(text)
    out = Marked(data=None, root=node, first_line=first_line, text=text)
    try:
        if node is not None:
            out.data = _convert(node, (), out)
    except _AliasBomb as bomb:
        # raised, not listed with the other problems: half a document is no data to go on
        raise AliasBomb([*out.problems, _alias_problem(out, bomb.loc, bomb.node)]) from None
    finally:
        _constructor.constructed_objects.clear()  # it caches every value it ever built
    return out


# YAML 1.1 breaks lines at NEL, LS and PS too; editors and our messages do not
_YAML_ONLY_BREAK = re.compile("[\x85\u2028\u2029]")
_FILE_LINE_BREAK = re.compile("\r\n|[\r\n]")


def _compose(text: str) -> yaml.Node | None:
    """The node tree, with every mark's line and column as an editor counts them."""
    if text.isascii() or not _YAML_ONLY_BREAK.search(text):
        return yaml.compose(text, Loader=_Composer)  # the usual case: nothing to recount
    move = _recount(text)
    try:
        node = yaml.compose(text, Loader=_Composer)
    except yaml.MarkedYAMLError as exc:
        exc.problem_mark, exc.context_mark = move(exc.problem_mark), move(exc.context_mark)
        raise
    seen: set[int] = set()
    todo = [node]
    while todo:
        current = todo.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        current.start_mark, current.end_mark = move(current.start_mark), move(current.end_mark)
        if isinstance(current, yaml.SequenceNode):
            todo.extend(current.value)
        elif isinstance(current, yaml.MappingNode):
            todo.extend(part for pair in current.value for part in pair)
    return node


def _recount(text: str) -> Callable[[Any], Any]:
    """A function giving a mark with line and column counted from its index in file lines
    (libyaml's marks cannot be changed: new ones)."""
    starts = [0] + [m.end() for m in _FILE_LINE_BREAK.finditer(text)]

    def move(mark: Any) -> Any:
        if mark is None:
            return None
        line = bisect.bisect_right(starts, mark.index) - 1
        return yaml.Mark(mark.name, mark.index, line, mark.index - starts[line], None, None)

    return move


# What YAML's reader refuses anywhere in a document (PyYAML's ``Reader.NON_PRINTABLE``):
# control characters other than tab and line breaks, lone surrogates, U+FFFE and U+FFFF.
_FORBIDDEN = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
# what an ASCII text may hold: its check in C, a byte at a time (the pattern above takes
# 20 times as long, scanning a plan's every character)
_ASCII_ALLOWED = bytes([0x09, 0x0A, 0x0D, *range(0x20, 0x7F)])


def _forbidden(text: str) -> int | None:
    """Where the first character YAML forbids is, if any."""
    if text.isascii() and not text.encode("ascii").translate(None, _ASCII_ALLOWED):
        return None
    found = _FORBIDDEN.search(text)
    return found.start() if found else None


_C0_NAMES = (
    "NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS", "HT", "LF", "VT", "FF", "CR",
    "SO", "SI", "DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB", "CAN", "EM", "SUB",
    "ESC", "FS", "GS", "RS", "US",
)  # fmt: skip


class ForbiddenCharacter(yaml.MarkedYAMLError):
    """A character YAML allows nowhere, located by line and column.

    PyYAML's own ``ReaderError`` gives only an offset (in bytes, with libyaml) and is no
    ``MarkedYAMLError``, so callers that catch syntax errors missed it: a traceback.
    """

    def __init__(self, text: str, index: int) -> None:
        breaks = list(_FILE_LINE_BREAK.finditer(text, 0, index))
        column = index - (breaks[-1].end() if breaks else 0)
        mark = yaml.Mark("<unicode string>", index, len(breaks), column, None, None)
        super().__init__(
            problem=f"{describe_character(text[index])} is not allowed", problem_mark=mark
        )


def describe_character(char: str) -> str:
    """``U+001B (ESC)``: the code a user can search for, and a name when it has one."""
    code = ord(char)
    if code < 0x20:
        name = _C0_NAMES[code]
    elif code == 0x7F:
        name = "DEL"
    elif 0x80 <= code <= 0x9F:
        name = "a control character"
    elif 0xD800 <= code <= 0xDFFF:
        name = "half of a UTF-16 pair"
    elif code in (0xFFFE, 0xFFFF):
        name = "a noncharacter"
    else:
        name = unicodedata.name(char, "")
    return f"character U+{code:04X} ({name})" if name else f"character U+{code:04X}"


MAX_ALIAS_VALUES = 10_000
"""How many values aliases (``*name``) may add to a document by repeating what their
anchors (``&name``) mark. The largest example plan holds 556 values in all, and an alias
repeats a person or a few steps; nested aliases multiply instead (a "billion laughs":
3 KB that would expand to 9**9 values, 24 GB before the kernel's OOM killer stopped it).
"""


class AliasBomb(yaml.MarkedYAMLError):
    """Aliases that would expand past ``MAX_ALIAS_VALUES``, located at the alias."""

    def __init__(self, problems: list[tuple[Mark, Loc, str, str]]) -> None:
        self.problems = problems
        """What the document holds up to the alias, then the alias itself."""
        mark, _, message, _ = problems[-1]
        at = yaml.Mark("<unicode string>", 0, mark.line, mark.column, None, None)
        super().__init__(problem=message, problem_mark=at)


class _AliasBomb(Exception):
    """Raised past ``MAX_ALIAS_VALUES``; ``loc`` ends up at the outermost alias."""

    def __init__(self, loc: Loc, node: yaml.Node) -> None:
        super().__init__()  # no args: printing the node may not end
        self.loc, self.node = loc, node


def _alias_problem(out: Marked, loc: Loc, node: yaml.Node) -> tuple[Mark, Loc, str, str]:
    written = _alias_written(out, loc, node)
    mark, name = written if written else (out.key_mark(loc), "")
    alias = f" (*{name} repeats what &{name} marks)" if name else ""
    return (
        mark,
        loc,
        f"aliases expand to more than {MAX_ALIAS_VALUES:,} values here{alias}",
        "nested aliases multiply; write the values out instead",
    )


def _alias_written(out: Marked, loc: Loc, node: yaml.Node) -> tuple[Mark, str] | None:
    """Where the alias at ``loc`` is written, and its name.

    The node tree has no trace of aliases (an alias is the very node its anchor marks),
    so the events are read again, up to the alias: only when there is an error to report.
    """
    _, parent, depth = out._walk(loc[:-1])
    if parent is None or depth != len(loc) - 1 or not loc:
        return None
    if isinstance(parent, yaml.SequenceNode) and isinstance(loc[-1], int):
        child = loc[-1]
    elif isinstance(parent, yaml.MappingNode):
        found = out.field_of(parent, loc[-1])
        if found is None:
            return None
        child = next(2 * i + 1 for i, (key, _) in enumerate(parent.value) if key is found[0])
    else:
        return None
    depth, inside, seen = 0, -1, 0
    move = _recount(out.text) if _YAML_ONLY_BREAK.search(out.text) else lambda mark: mark
    for event in yaml.parse(out.text, Loader=_Loader):
        if depth == inside and isinstance(event, yaml.NodeEvent):
            if seen == child:
                if not isinstance(event, yaml.AliasEvent):
                    return None
                at = move(event.start_mark)
                return Mark(at.line, at.column), event.anchor
            seen += 1
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if inside < 0 and event.start_mark.index == parent.start_mark.index:
                inside = depth
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return None


def _mark(node: yaml.Node) -> Mark:
    return Mark(node.start_mark.line, node.start_mark.column)


_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")


MAX_DEPTH = 64
"""A plan is a few levels deep; deeper is a mistake (or an attack), not a plan."""


def _convert(node: yaml.Node, loc: Loc, out: Marked) -> Any:
    # Most values are plain text: those are taken straight from the node, without a
    # call or a path of their own (the path is only needed for a problem).
    kind = type(node)
    if kind is yaml.ScalarNode:
        return node.value if node.tag == _STR else _scalar(node, loc, out)
    if node.tag != (_MAP if kind is yaml.MappingNode else _SEQ):
        out.problems.append((_mark(node), loc, _unsupported_tag(node.tag), "remove the tag"))
    # an alias (*name) inside the value its anchor (&name) names would be endless
    if id(node) in out.open_nodes:
        hint = "an alias (*name) is used inside the value its anchor (&name) marks"
        # at the alias's key: the node itself is where its anchor is written
        out.problems.append((out.key_mark(loc), loc, "this value contains itself", hint))
        return None
    if len(loc) >= MAX_DEPTH:
        out.problems.append((_mark(node), loc, f"nested more than {MAX_DEPTH} levels deep", ""))
        return None
    # met before: an alias, whose values are made again (nested ones count at every level)
    alias = id(node) in out.seen_nodes
    if alias:
        out.expanded += len(node.value)
        if out.expanded > MAX_ALIAS_VALUES:
            raise _AliasBomb(loc, node)
    out.seen_nodes.add(id(node))
    out.open_nodes.add(id(node))
    try:
        return _sequence(node, loc, out) if kind is yaml.SequenceNode else _mapping(node, loc, out)
    except _AliasBomb as bomb:
        if alias:  # the outermost alias is the one to point at
            bomb.loc, bomb.node = loc, node
        raise
    finally:
        out.open_nodes.discard(id(node))


def _sequence(node: yaml.SequenceNode, loc: Loc, out: Marked) -> list[Any]:
    return [
        item.value
        if type(item) is yaml.ScalarNode and item.tag == _STR
        else _convert(item, (*loc, i), out)
        for i, item in enumerate(node.value)
    ]


def _mapping(node: yaml.MappingNode, loc: Loc, out: Marked) -> dict[Any, Any]:
    result: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        if type(key_node) is not yaml.ScalarNode:
            out.problems.append((_mark(key_node), loc, "field names must be plain text", ""))
            continue
        key = key_node.value  # `2027:` or `yes:` stay the text the user wrote
        if key in result:
            out.problems.append(_duplicate(node, key_node, loc, out))
        elif type(value_node) is yaml.ScalarNode and value_node.tag == _STR:
            result[key] = value_node.value
        else:
            result[key] = _convert(value_node, (*loc, key), out)
    return result


def _duplicate(
    mapping: yaml.MappingNode, key_node: yaml.ScalarNode, loc: Loc, out: Marked
) -> tuple[Mark, Loc, str, str]:
    key = key_node.value
    first_key, _ = out.field_of(mapping, key)  # type: ignore[misc]  # the key is in it
    first = first_key.start_mark.line + out.first_line + 1
    message = f"duplicate field '{key}' (already set on line {first})"
    return (_mark(key_node), (*loc, key), message, "keep one of them")


_PLAIN_TAGS = {
    f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null", "timestamp")
}


def _scalar(node: yaml.ScalarNode, loc: Loc, out: Marked) -> Any:
    if node.tag == _TIMESTAMP and _ISO_DATE.match(node.value):
        try:
            return date.fromisoformat(node.value)  # the usual `due: 2027-01-15`, in C
        except ValueError:
            pass  # `2026-13-45`: the constructor below keeps the text
    try:
        return _constructor.construct_object(node, deep=True)
    except (yaml.YAMLError, ValueError, TypeError, OverflowError, LookupError, AttributeError):
        # `due: 2026-13-45` matches YAML's timestamp pattern but is no date: keep the
        # text and let the schema say what it should be. PyYAML's constructors trust a
        # value to fit its tag, so an explicit tag on one that does not (`!!timestamp
        # soon`, `!!bool maybe`, `!!int ''`) fails in all these ways. Other tags
        # (`!!python/object`, `!custom`) are refused outright.
        if node.tag not in _PLAIN_TAGS:
            out.problems.append(
                (
                    _mark(node),
                    loc,
                    _unsupported_tag(node.tag),
                    "remove the tag",
                )
            )
        return node.value


def _unsupported_tag(tag: str) -> str:
    return f"unsupported YAML tag '{tag.replace('tag:yaml.org,2002:', '!!')}'"
