"""Byte-exact edits of a plan file: ``mapsite done`` and ``mapsite set`` (and ``rotate``'s
rewrite of the ``share:`` block when it moves here).

The loader knows where every value is written. An edit replaces exactly the characters
of each changed value, or adds one line for a key that is missing, and leaves every
other byte as the rep wrote it: comments, key order, quoting, blank lines, a BOM, CRLF
line endings. A YAML emitter (even a round-tripping one) would reformat the file.

The edited text is read back: it must hold the new values and nothing else changed, or
the edit is refused. It is then loaded as a plan, and only a valid plan is written,
atomically (a temporary file beside it, then a rename), all files of a command or none.
"""

from __future__ import annotations

import codecs
import contextlib
import copy
import difflib
import os
import re
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from . import yamlmarks
from .errors import Problem, format_path
from .load import Document, Invalid, decode, display_path, parse_plan, parse_yaml, read_bytes
from .load import split_front_matter as _split
from .yamlwrite import Value, folded, inline, same, scalar

Loc = yamlmarks.Loc

_Node = yaml.Node
_BLOCK = ("|", ">")
_STR = "tag:yaml.org,2002:str"
_MIN_WIDTH = 80
"""Folded notes are wrapped at the longest line the rep wrote there, and at least this."""


@dataclass(frozen=True)
class Change:
    """Set the value at ``loc``, a YAML path such as ``("milestones", 2, "steps", 1,
    "status")``; a missing key is added (with the mappings above it, when they are
    missing too). A value of None takes the key out, with its line (nothing happens
    when it is not there)."""

    loc: Loc
    value: Value | None
    collapse: bool = False
    """A one-item list is written as its item (``owner: Lee Park``), unless the old
    value is a block list."""


# --- the pure core: text in, text out -------------------------------------------------


@dataclass
class _Op:
    """One splice to make: replace the node at the end of ``path``, or (``key`` set)
    add ``key: value`` to the mapping at the end of ``path``."""

    path: list[tuple[_Node | None, _Node]]
    value: Value | None
    """None: take the key at the end of ``path`` out."""
    key: str | None
    collapse: bool

    @property
    def node(self) -> _Node:
        return self.path[-1][1]

    @property
    def in_flow(self) -> bool:
        """Inside ``[...]`` or ``{...}`` (for an added key: the mapping is one)."""
        nodes = [n for _, n in (self.path if self.key else self.path[:-1])]
        return any(getattr(n, "flow_style", False) for n in nodes)


def apply(text: str, changes: Sequence[Change], shown: str) -> str:
    """``text`` (a whole plan file, BOM removed, named ``shown`` in messages) with each
    change made in place.

    Raises ``Invalid``, located, when a change cannot be made without touching more than
    its own value: a value shared through a YAML anchor, a list item that does not exist.
    """
    front, _, _ = _split(text, shown)
    marked = parse_yaml(front, shown, 1)
    kept = [c for c in changes if c.value is not None]
    if len(kept) not in (0, len(changes)):
        # keys taken out first, the rest written into what is left: a key added after
        # a mapping's last entry must not land in the line of an entry taken out. Every
        # change is placed in the file as it is first, so a refusal says where it is.
        _plan(marked, changes, front, shown)
        removed = _apply(text, [c for c in changes if c.value is None], shown, marked)
        return _apply(removed, kept, shown, marked, as_is=False)
    return _apply(text, changes, shown, marked)


def _apply(
    text: str, changes: Sequence[Change], shown: str, original: yamlmarks.Marked,
    *, as_is: bool = True,
) -> str:  # fmt: skip
    """``apply`` in one pass. ``original``: the file as it is, where a value that does
    not read back is located; this ``text`` is that file ``as_is``, or with keys taken
    out (its lines are not the file's)."""
    front, _, _ = _split(text, shown)
    first = text.splitlines(keepends=True)[0]
    head = len(first)  # the front matter starts after the opening '---' line
    newline = first[len(first.rstrip("\r\n")) :] or "\n"  # the file's own: CRLF stays CRLF
    marked = original if as_is else parse_yaml(front, shown, 1)
    ops = _plan(marked, changes, front, shown)
    for blocks in (True, False):  # a block of text that does not read back: one line
        new = text[:head] + _splice(front, ops, newline, blocks=blocks) + text[head + len(front) :]
        wrong = _misread(new, marked.data, changes)
        if wrong is None:
            return new
    raise Invalid([_located(original, shown, wrong.loc, "cannot write this value here without "
                            "changing others", "edit the file by hand")])  # fmt: skip


def _plan(marked: yamlmarks.Marked, changes: Sequence[Change], front: str, shown: str) -> list[_Op]:
    """Where each change goes. Changes under one missing key (or one empty value) are
    one op, which writes them together."""
    root = marked.root
    if not isinstance(root, yaml.MappingNode):
        message = "cannot edit: the front matter is not a mapping of fields"
        raise Invalid([Problem.about(shown, message, f"run mapsite check {shown}")])
    shared = _shared(root)
    ops: dict[tuple[int, str | None], _Op] = {}
    for change in changes:
        path, rest = _walk(root, change.loc)
        node = path[-1][1]
        if change.value is None:
            if rest:
                continue  # not there: nothing to take out
            if (id(node), None) in ops:
                raise ValueError(f"two changes of {format_path(change.loc)}")
            ops[id(node), None] = _removal(path, shared, change.loc, front, marked, shown)
            continue
        null = _is_null(node)
        if rest and not (all(isinstance(p, str) for p in rest) and (null or _is_mapping(node))):
            where = format_path(change.loc[: len(change.loc) - len(rest) + 1])
            raise Invalid([_located(marked, shown, change.loc, f"there is no {where} to edit",
                                    "")])  # fmt: skip
        _refuse_shared(path, shared, change.loc, front, marked, shown, whole=not rest or null)
        key = str(rest[0]) if rest and not null else None
        value = _nest(rest[1:] if key else rest, change.value)
        op = ops.get((id(node), key))
        if op is None:
            ops[id(node), key] = _Op(path, value, key, change.collapse)
        else:
            op.value = _merge(op.value, value, change.loc)
    return list(ops.values())


def _removal(
    path: list[tuple[_Node | None, _Node]],
    shared: set[int],
    loc: Loc,
    front: str,
    marked: yamlmarks.Marked,
    shown: str,
) -> _Op:
    """The op that takes out the key at the end of ``path``: only a key of a mapping,
    never the only one (what is left must still be a mapping of fields)."""
    parent = path[-2][1] if len(path) > 1 else None
    if path[-1][0] is None or not isinstance(parent, yaml.MappingNode) or len(parent.value) < 2:
        where = format_path(loc)
        raise Invalid([_located(marked, shown, loc, f"cannot take {where} out",
                                "edit the file by hand")])  # fmt: skip
    _refuse_shared(path, shared, loc, front, marked, shown, whole=True)
    return _Op(path, None, None, False)


def _walk(root: _Node, loc: Loc) -> tuple[list[tuple[_Node | None, _Node]], Loc]:
    """The (key, value) nodes down ``loc`` as far as they exist, and the rest of ``loc``.
    The first of duplicate keys, as the loader reads it."""
    path: list[tuple[_Node | None, _Node]] = [(None, root)]
    for i, part in enumerate(loc):
        node = path[-1][1]
        found: tuple[_Node | None, _Node] | None = None
        if isinstance(node, yaml.MappingNode) and isinstance(part, str):
            found = next(((k, v) for k, v in node.value if k.value == part), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            found = (None, node.value[part]) if 0 <= part < len(node.value) else None
        if found is None:
            return path, loc[i:]
        path.append(found)
    return path, ()


def _is_null(node: _Node) -> bool:
    """An empty value (``lint:`` with nothing after it)."""
    return isinstance(node, yaml.ScalarNode) and not node.style and node.value == ""


def _is_mapping(node: _Node) -> bool:
    return isinstance(node, yaml.MappingNode)


def _nest(keys: Loc, value: Value) -> Value:
    for key in reversed(keys):
        value = {str(key): value}
    return value


def _merge(old: Value, new: Value, loc: Loc) -> Value:
    """Two changes under one missing key, as one mapping to add."""
    if not (isinstance(old, dict) and isinstance(new, dict)):
        raise ValueError(f"two changes of {format_path(loc)}")
    out = dict(old)
    for key, value in new.items():
        out[key] = _merge(out[key], value, loc) if key in out else value
    return out


# --- anchors and aliases ----------------------------------------------------------------


def _shared(root: _Node) -> set[int]:
    """Nodes reached by more than one path: written once under ``&name``, used as ``*name``."""
    seen: set[int] = set()
    shared: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen:
            shared.add(id(node))
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            stack.extend(n for pair in node.value for n in pair)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return shared


def _refuse_shared(
    path: list[tuple[_Node | None, _Node]],
    shared: set[int],
    loc: Loc,
    front: str,
    marked: yamlmarks.Marked,
    shown: str,
    *,
    whole: bool,
) -> None:
    """An edit of a value written once and used twice would change both places."""
    nodes = [n for _, n in path]
    if whole:  # the value itself is replaced, with anything anchored inside it
        stack = [nodes[-1]]
        while stack:
            node = stack.pop()
            nodes.append(node)
            if isinstance(node, yaml.MappingNode):
                stack.extend(v for _, v in node.value)
            elif isinstance(node, yaml.SequenceNode):
                stack.extend(node.value)
    node = next((n for n in nodes if id(n) in shared), None)
    if node is None:
        return
    # a shared node's text starts with its properties: a tag maybe, and its anchor
    name = re.search(r"&([^\s,\[\]{}]+)", front[node.start_mark.index :])[1]  # type: ignore[index]
    line = marked.first_line + node.start_mark.line + 1
    raise Invalid([_located(
        marked, shown, loc,
        f"this value is shared through the YAML anchor '&{name}' on line {line}: "
        f"changing it would also change every '*{name}'",
        f"write the value out in full instead of '*{name}', then run the command again",
    )])  # fmt: skip


def _located(marked: yamlmarks.Marked, shown: str, loc: Loc, message: str, hint: str) -> Problem:
    mark = marked.key_mark(loc)
    line, column = marked.first_line + mark.line + 1, mark.column + 1
    return Problem(shown, line, column, format_path(loc), message, hint)


# --- splicing ---------------------------------------------------------------------------

_Cut = tuple[int, int, str]
"""Replace ``front[start:end]`` with the text."""


def _splice(front: str, ops: list[_Op], newline: str, *, blocks: bool) -> str:
    """``front`` with every op made; ``blocks``: text written as ``|`` or ``>`` blocks
    where it was (else double-quoted). Where a replaced value ends and a key is added,
    the value comes first."""
    cuts: list[tuple[int, bool, int, int, str]] = []
    for i, op in enumerate(ops):
        added = op.key is not None
        if added:
            made = _insert(front, op, newline)
        elif op.value is None:
            made = _remove(front, op)
        else:
            made = _replace(front, op, newline, blocks)
        cuts += [(start, added, i, end, text) for start, end, text in made]
    out, last = [], 0
    for start, _, _, end, text in sorted(cuts):
        if start < last:
            raise ValueError("overlapping changes")
        out += [front[last:start], text]
        last = end
    return "".join([*out, front[last:]])


def _remove(front: str, op: _Op) -> list[_Cut]:
    """A key and its value taken out of their mapping (``_removal``: one of several keys).
    In ``{...}``, with the comma before it (or after it, when it comes first); in a block,
    with its whole lines and the comment on them, or from the key to the next key when
    something else starts its line (``- expected: ...`` as a list item's first key)."""
    mapping = op.path[-2][1]
    key, node = op.path[-1]
    assert key is not None
    pairs = [k for k, _ in mapping.value]
    at = next(i for i, k in enumerate(pairs) if k is key)
    if mapping.flow_style:
        if at:
            return [(mapping.value[at - 1][1].end_mark.index, node.end_mark.index, "")]
        return [(key.start_mark.index, pairs[1].start_mark.index, "")]
    start = key.start_mark.index
    line_start = start - key.start_mark.column
    if front[line_start:start].strip():  # '- ' before the first key: the next one follows it
        return [(start, pairs[at + 1].start_mark.index, "")]
    end = _eol(front, _end(front, node))
    found = _BREAK.match(front, end)  # the front matter's every line has its break
    return [(line_start, found.end() if found else end, "")]


def _replace(front: str, op: _Op, newline: str, blocks: bool) -> list[_Cut]:
    node, value = op.node, op.value
    assert value is not None
    start = node.start_mark.index
    if isinstance(node, yaml.ScalarNode) and node.style in _BLOCK and isinstance(value, str):
        block = _block(front, node, value, newline) if blocks else None
        if block is not None:
            return [block]
    ahead = _ahead(node, value, newline) if isinstance(value, list) else None
    if ahead is not None:
        return ahead
    if isinstance(value, list) and value and _scalar_list(node) and not op.in_flow:
        return _items(front, node, value, newline)
    style = (
        (node.style or None)
        if isinstance(node, yaml.ScalarNode) and node.style not in _BLOCK
        else None
    )
    text = inline(value, style, flow=op.in_flow, collapse=op.collapse)
    key = op.path[-1][0]
    if key is not None and not isinstance(node, yaml.ScalarNode) and not node.flow_style:
        start = front.index(":", key.end_mark.index) + 1  # a block, from the next line, inline
        text = " " + text
    elif start == node.end_mark.index:
        text = " " + text  # `notes:` with nothing after it
    return [(start, _end(front, node), text)]


def _ahead(node: _Node, value: list[str], newline: str) -> list[_Cut] | None:
    """New items put before a list of text that keeps all it had (an old share token
    going first into ``previous``): only those are written, before the first item, so
    that each old item keeps its place, its line and its comment. None otherwise."""
    items = node.value if isinstance(node, yaml.SequenceNode) else []
    if not items or not all(isinstance(i, yaml.ScalarNode) and i.tag == _STR for i in items):
        return None
    count = len(value) - len(items)
    if count < 1 or value[count:] != [i.value for i in items]:
        return None
    at = items[0].start_mark.index
    if node.flow_style:
        return [(at, at, "".join(scalar(v, flow=True) + ", " for v in value[:count]))]
    pad = newline + " " * node.start_mark.column + "- "
    return [(at, at, "".join(scalar(v, flow=False) + pad for v in value[:count]))]


def _scalar_list(node: _Node) -> bool:
    """A block list of one-line values, such as owners."""
    return (
        isinstance(node, yaml.SequenceNode)
        and not node.flow_style
        and all(isinstance(i, yaml.ScalarNode) and i.style not in _BLOCK for i in node.value)
    )


def _items(front: str, node: _Node, value: list[str], newline: str) -> list[_Cut]:
    """A block list changed item by item, each item's comment staying with it: new items
    on lines of their own after the last, removed items with their lines."""
    items = node.value
    kept = min(len(items), len(value))
    cuts = [
        (items[i].start_mark.index, items[i].end_mark.index,
         scalar(value[i], items[i].style or None, flow=False))
        for i in range(kept)
        if not (items[i].tag == _STR and items[i].value == value[i])
    ]  # fmt: skip
    last = _eol(front, items[-1].end_mark.index)
    if len(value) > len(items):
        pad = newline + " " * node.start_mark.column + "- "
        cuts.append((last, last, "".join(pad + scalar(v, flow=False) for v in value[kept:])))
    elif len(value) < len(items):
        cuts.append((_eol(front, items[kept - 1].end_mark.index), last, ""))
    return cuts


_BREAK = re.compile(r"\r\n|\r|\n")


def _eol(front: str, at: int) -> int:
    """Where the line holding ``at`` ends, before its line break."""
    return _BREAK.search(front + "\n", at).start()  # type: ignore[union-attr]


def _insert(front: str, op: _Op, newline: str) -> list[_Cut]:
    mapping, key = op.node, str(op.key)
    if mapping.flow_style:
        value = inline(op.value, flow=True, collapse=op.collapse)
        if not mapping.value:
            at = mapping.start_mark.index + 1
            return [(at, at, f"{key}: {value}")]
        at = mapping.value[-1][1].end_mark.index
        return [(at, at, f", {key}: {value}")]
    indent = mapping.value[0][0].start_mark.column
    entry = newline.join(_entry(key, op.value, indent, op.collapse))
    at = _end(front, mapping.value[-1][1])
    if front[at - 1 : at] in ("\n", "\r"):  # a kept block scalar ends at the next line
        return [(at, at, entry + newline)]
    eol = _eol(front, at)
    return [(eol, eol, newline + entry)]


def _entry(key: str, value: Value, indent: int, collapse: bool) -> list[str]:
    """``key: value`` as block lines at ``indent``; a mapping as a block of its own."""
    pad = " " * indent
    if isinstance(value, dict) and value:
        lines = [f"{pad}{key}:"]
        for k, v in value.items():
            lines += _entry(k, v, indent + 2, False)
        return lines
    return [f"{pad}{key}: {inline(value, flow=False, collapse=collapse)}"]


def line_end(front: str, at: int) -> int:
    """Where the line holding ``at`` ends, before its line break (for ``playbooks.py``,
    which takes a block out)."""
    return _eol(front, at)


def value_end(front: str, node: _Node) -> int:
    """Where the text of ``node`` ends, comment lines after it excluded."""
    return _end(front, node)


def _end(front: str, node: _Node) -> int:
    """Where the text of ``node`` ends. A block collection's own end mark runs on past the
    comment lines after it, which belong to what follows; so does a block scalar's."""
    if isinstance(node, yaml.ScalarNode):
        if node.style not in _BLOCK or _header(front, node)[1] == "+":
            return node.end_mark.index  # `|+` keeps its trailing blank lines
        return _text_end(front, node)
    if node.flow_style or not node.value:
        return node.end_mark.index
    last = node.value[-1]
    return _end(front, last[1] if isinstance(node, yaml.MappingNode) else last)


def _block(front: str, node: _Node, value: str, newline: str) -> _Cut | None:
    """The new text of a ``|`` or ``>`` block, in the same kind, header and indentation;
    None when the text cannot be written as that block."""
    kind, _, explicit = _header(front, node)
    body = _eol(front, node.start_mark.index)
    body += len(_BREAK.match(front, body)[0])  # type: ignore[index]
    end = _text_end(front, node)
    old = front[body:end].splitlines()
    indents = [len(line) - len(line.lstrip(" ")) for line in old if line.strip()]
    if explicit or not indents or not value or value != value.strip():
        return None
    pad = " " * indents[0]
    width = max(_MIN_WIDTH, *(len(line) for line in old))
    lines = folded(value, width - len(pad)) if kind == ">" else value.split("\n")
    if lines is None:
        return None
    return body, end, newline.join(pad + line if line else "" for line in lines)


def _header(front: str, node: _Node) -> tuple[str, str, bool]:
    """A block scalar's (``|`` or ``>``, chomping ``-``/``+``/``''``, explicit indentation)."""
    found = re.match(r"(?:[!&]\S*\s+)*([|>])([-+]?)(\d?)([-+]?)", front[node.start_mark.index :])
    assert found
    return found[1], found[2] or found[4], bool(found[3])


def _text_end(front: str, node: _Node) -> int:
    """The end of a block scalar's last line with text, before the blank lines after it."""
    start = node.start_mark.index
    return start + len(front[start : node.end_mark.index].rstrip(" \r\n"))


# --- reading the edit back --------------------------------------------------------------

_MISSING = object()


def _misread(new: str, old: Any, changes: Sequence[Change]) -> Change | None:
    """The first change whose value does not read back from ``new``; the first of all
    when the text is no longer YAML, or a value nobody changed reads differently."""
    try:
        data = yamlmarks.parse(_split(new, "")[0]).data
    except (yaml.YAMLError, UnicodeError, Invalid):
        return changes[0]
    expected = copy.deepcopy(old)
    for change in changes:
        got = _get(data, change.loc)
        if change.value is None:
            if got is not _MISSING:
                return change
            expected = _unset(expected, change.loc)
            continue
        if got is _MISSING or not same(got, change.value, change.collapse):
            return change
        expected = _set(expected, change.loc, got)
    return None if expected == data else changes[0]


def _get(data: Any, loc: Loc) -> Any:
    try:
        for part in loc:
            data = data[part]
    except (KeyError, IndexError, TypeError):
        return _MISSING
    return data


def _unset(data: Any, loc: Loc) -> Any:
    """``data`` without the key at ``loc`` (as it was when there is none)."""
    parent = _get(data, loc[:-1])
    if isinstance(parent, dict):
        parent.pop(loc[-1], None)
    return data


def _set(data: Any, loc: Loc, value: Any) -> Any:
    """``data`` with ``value`` at ``loc``, and mappings made on the way as needed."""
    if not loc:
        return value
    part, rest = loc[0], loc[1:]
    if isinstance(data, list):
        data[part] = _set(data[part], rest, value)
        return data
    data = data if isinstance(data, dict) else {}
    data[part] = _set(data.get(part), rest, value)
    return data


# --- plan files -------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanFile:
    """A plan file as read: its text, whether it starts with a BOM, and the loaded plan."""

    path: Path
    shown: str
    text: str
    bom: bool
    holidays: str | None
    document: Document = field(repr=False)


def open_plan(path: Path, holidays: str | None = None) -> PlanFile:
    """Read and load the plan at ``path``; ``Invalid`` with its problems otherwise."""
    shown = display_path(path)
    data = read_bytes(path, shown)
    text = decode(data, shown)
    document = parse_plan(text, path, holidays)
    return PlanFile(path, shown, text, data.startswith(codecs.BOM_UTF8), holidays, document)


@dataclass(frozen=True)
class Edit:
    """A plan file with its changes made, loaded again and valid: ready to write."""

    file: PlanFile
    text: str
    document: Document = field(repr=False)

    @property
    def changed(self) -> bool:
        return self.text != self.file.text

    def data(self) -> bytes:
        return (codecs.BOM_UTF8 if self.file.bom else b"") + self.text.encode()


def edit(plan: PlanFile, changes: Sequence[Change], today: date | None = None) -> Edit:
    """``plan`` with ``changes`` made and, when anything changed, ``updated:`` set to
    ``today`` (not touched when ``today`` is None). Raises ``Invalid`` when a change
    cannot be made, or when the plan would no longer be valid: nothing is written."""
    if not changes:
        return Edit(plan, plan.text, plan.document)
    if today is not None and plan.document.plan.updated != today:
        changes = [*changes, Change(("updated",), today)]
    text = apply(plan.text, changes, plan.shown)
    return Edit(plan, text, parse_plan(text, plan.path, plan.holidays))


def diff(edit: Edit) -> str:
    """A unified diff of the edit, named by the file as the user gave it."""
    lines = difflib.unified_diff(
        edit.file.text.splitlines(keepends=True),
        edit.text.splitlines(keepends=True),
        edit.file.shown,
        edit.file.shown,
    )
    return "".join(
        line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n"
        for line in lines
    )


def write(edits: Sequence[Edit]) -> None:
    """Write every changed file, all or none as far as the disk allows: each goes to a
    temporary file beside it first (flushed to disk, with the plan's permissions), and
    only when all are written do they replace the plans, each in one rename. No
    temporary file stays behind, whatever fails."""
    staged: list[tuple[Edit, str]] = []
    done: list[str] = []
    try:
        for one in (e for e in edits if e.changed):
            with _cannot_write(one, done):
                staged.append((one, _stage(one.file.path.resolve(), one.data())))
        for one, temporary in staged:
            with _cannot_write(one, done):
                os.replace(temporary, one.file.path.resolve())  # a symlink stays one
            done.append(one.file.shown)
    finally:
        for _, temporary in staged:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
    for folder in {one.file.path.resolve().parent for one, _ in staged}:
        _sync_folder(folder)


@contextlib.contextmanager
def _cannot_write(one: Edit, done: list[str]) -> Iterator[None]:
    try:
        yield
    except OSError as exc:
        hint = f"already written: {', '.join(done)}" if done else "nothing was written"
        message = f"cannot write the file: {exc.strerror or exc}"
        raise Invalid([Problem.about(one.file.shown, message, hint)]) from None


def _stage(target: Path, data: bytes) -> str:
    mode = os.stat(target).st_mode & 0o7777
    fd, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, mode)
    except BaseException:
        os.unlink(temporary)
        raise
    return temporary


def _sync_folder(folder: Path) -> None:
    """The renames reach the disk too (POSIX; elsewhere a folder cannot be opened)."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
