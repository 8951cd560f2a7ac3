"""The sandbox theme templates run in.

A theme is code from whoever wrote it (a designer, an agency, a download) run on the
machine that builds the site, where the plans' passwords are in the environment. In
Jinja's sandbox a template keeps to the data it is given: no attribute starting with
'_' (the way from a function to its module's globals, or from a string to every class
of the interpreter), no method that changes the data, none of pydantic's own methods
on the settings and the plan (one of them reads any file). On top of Jinja's checks,
the few expressions that would take the machine's memory in one step are bounded:
``range``, repeating text or a list (``*``) and powers (``**``).

What is not bounded: loops inside loops, and filters given huge widths. A theme can
make a build slow; the CI's time and memory limits end it.
"""

from __future__ import annotations

import math
import types
from typing import Any

import jinja2.sandbox
from jinja2.runtime import Context, Undefined
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError
from pydantic import BaseModel

MAX_RANGE = 100_000
"""Numbers one ``range()`` may count (Jinja's own sandbox limit)."""
MAX_ITEMS = 1_000_000
"""Characters or items one ``*`` may make."""
MAX_DIGITS = 1_000
"""Digits of a number one ``*`` or ``**`` may make."""

UNSAFE_HINT = (
    "a theme cannot reach Python's internals or run code: "
    "docs/theming.md lists the data templates receive"
)
TOO_MUCH_HINT = "make the template do less"

_PYDANTIC = frozenset(dir(BaseModel))
"""``model_dump``, ``parse_file`` and the like: the settings' and the plan's fields are
what a template reads, never the methods every pydantic model has."""


_METHODS = (types.MethodType, types.BuiltinMethodType)


_UNSAFE_NAMES = frozenset(
    {"format", "format_map", "mro"}
    | jinja2.sandbox.UNSAFE_FUNCTION_ATTRIBUTES
    | jinja2.sandbox.UNSAFE_METHOD_ATTRIBUTES
    | jinja2.sandbox.UNSAFE_GENERATOR_ATTRIBUTES
    | jinja2.sandbox.UNSAFE_COROUTINE_ATTRIBUTES
    | jinja2.sandbox.UNSAFE_ASYNC_GENERATOR_ATTRIBUTES
    # what changes a set, a mapping, a list or a deque (ImmutableSandboxedEnvironment's
    # refusals; its table is private, so the names are written out here as well)
    | {"add", "append", "appendleft", "clear", "difference_update", "discard", "extend",
       "extendleft", "insert", "intersection_update", "pop", "popitem", "popleft",
       "remove", "reverse", "rotate", "setdefault", "sort", "symmetric_difference_update",
       "update"}
    | {name for _, names in getattr(jinja2.sandbox, "_mutable_spec", ()) for name in names}
)  # fmt: skip


def plain_name(name: str) -> bool:
    """An attribute name the sandbox lets a template read on any object it can reach:
    no '_' name, none of Jinja's internal names (frames, code, generators), no method
    that changes a list, dict or set, no pydantic method, not ``str.format`` (whose
    sandboxed version Jinja hands out instead)."""
    return not (
        name.startswith("_")
        or name in _UNSAFE_NAMES
        or name in _PYDANTIC
        or name.startswith(("co_", "f_", "tb_", "gi_", "cr_", "ag_"))
    )


class TooMuch(SecurityError):
    """One expression would take too much memory or time."""


def explain(exc: SecurityError) -> tuple[str, str]:
    """A refusal as (message, hint) for a located problem."""
    message = str(exc).rstrip(".")
    return message, TOO_MUCH_HINT if isinstance(exc, TooMuch) else UNSAFE_HINT


class ThemeSandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, with pydantic's methods refused and ``range``, ``*``
    and ``**`` bounded."""

    intercepted_binops = frozenset({"*", "**"})

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.globals["range"] = bounded_range
        # what a refused attribute gives: an undefined value that fails when used
        self.refusal: type[Undefined] = type("Refusal", (self.undefined,), {})
        self._safe: dict[str, set[type]] = {}
        """Attribute name -> the types whose attribute of that name a template may read."""

    def unsafe_undefined(self, obj: Any, attribute: str) -> Undefined:
        message = f"access to attribute {attribute!r} of {type(obj).__name__!r} object is unsafe"
        return self.refusal(message, exc=SecurityError)

    def getattr(self, obj: Any, attribute: str) -> Any:
        # A page reads about a thousand attributes. Jinja checks each one against every
        # kind of internal object and mutable container, which doubled the render time;
        # the verdict depends only on the object's type and the name, so it is kept.
        if type(obj) in self._safe.get(attribute, ()):
            try:
                value = getattr(obj, attribute)
            except AttributeError:
                return super().getattr(obj, attribute)
            if type(value) in _METHODS:  # str.format: Jinja's sandboxed formatter
                return self.wrap_str_format(value) or value
            return value
        if isinstance(obj, self.refusal):  # name the first step refused, not the last
            return obj
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        if isinstance(obj, self.refusal):
            return obj
        return super().getitem(obj, argument)

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if attr in _PYDANTIC and isinstance(obj, BaseModel):
            return False
        if not super().is_safe_attribute(obj, attr, value):
            return False
        self._safe.setdefault(attr, set()).add(type(obj))
        return True

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        if operator == "*":
            check_repeat(left, right)
        else:
            check_power(left, right)
        return super().call_binop(context, operator, left, right)


def bounded_range(*args: int) -> range:
    """``range()``, up to ``MAX_RANGE`` numbers."""
    numbers = range(*args)
    try:
        too_long = len(numbers) > MAX_RANGE
    except OverflowError:  # more than the machine's word holds
        too_long = True
    if too_long:
        shown = ", ".join(str(a) for a in args)
        raise TooMuch(f"range({shown}) is too long: a template may count up to {MAX_RANGE:,}")
    return numbers


def _digits(number: int) -> int:
    """About how many digits ``number`` has (without writing them all out)."""
    return int(math.log10(abs(number))) + 1 if number else 1


def check_repeat(left: Any, right: Any) -> None:
    """``text * n`` and ``list * n`` up to ``MAX_ITEMS``; ``a * b`` up to ``MAX_DIGITS``."""
    if _is_int(left) and _is_int(right):
        if _digits(left) + _digits(right) > MAX_DIGITS:
            raise TooMuch(
                f"{_show(left)} * {_show(right)} is too large a number: a template may "
                f"compute up to {MAX_DIGITS:,} digits"
            )
        return
    sequence, times = (left, right) if _is_int(right) else (right, left)
    if not isinstance(sequence, str | list | tuple) or not _is_int(times):
        return
    size = len(sequence) * times
    if size > MAX_ITEMS:
        unit = "characters" if isinstance(sequence, str) else "items"
        raise TooMuch(
            f"{_show(sequence)} * {times} would make {size:,} {unit}: "
            f"a template may make up to {MAX_ITEMS:,}"
        )


def check_power(base: Any, exponent: Any) -> None:
    """``a ** b`` up to ``MAX_DIGITS`` digits."""
    if not (_is_int(base) and _is_int(exponent)) or abs(base) < 2:
        return  # and a negative exponent makes no digits: no limit needed
    if exponent * math.log10(abs(base)) > MAX_DIGITS:
        raise TooMuch(
            f"{_show(base)} ** {exponent} is too large a number: a template may compute "
            f"up to {MAX_DIGITS:,} digits"
        )


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _show(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, tuple):
        return "a tuple"
    if isinstance(value, int) and _digits(value) > 20:
        return f"a {_digits(value):,}-digit number"
    text = repr(value[:20] + "…" if isinstance(value, str) and len(value) > 20 else value)
    return text.removeprefix("Markup(").removesuffix(")")
