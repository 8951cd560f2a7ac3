"""One error type for everything a user can get wrong, located to file, line and column."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import click


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with an input file.

    Rendered as ``file:line:col: path: message (hint)`` so that an editor or a CI
    log viewer can jump straight to it; ``file: message`` for a problem with the file
    as a whole (line 0), such as a step a command names that is not in it; and
    ``file:Sheet1!C7: ...`` for a spreadsheet's cell (``at``; line and column are then
    its row and column number, which order the problems).
    """

    file: str
    line: int
    column: int
    path: str
    message: str
    hint: str = ""
    at: str = ""
    """Where in the file, when line:col is not how its readers name places: 'Sheet1!C7'."""

    @classmethod
    def about(cls, file: str, message: str, hint: str = "") -> Problem:
        """A problem with a file as a whole, or with a thing a command names in it."""
        return cls(file, 0, 0, "", message, hint)

    def __str__(self) -> str:
        where = ""  # not about a file
        if self.file:
            where = f"{self.file}:{self.line}:{self.column}: " if self.line else f"{self.file}: "
            where = f"{self.file}:{self.at}: " if self.at else where
        text = f"{where}{self.path}: {self.message}" if self.path else f"{where}{self.message}"
        return f"{text} ({self.hint})" if self.hint else text


class Invalid(Exception):
    """Every problem found in one file."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(map(str, problems)))
        self.problems = problems


class MapsiteError(click.ClickException):
    """Raised with every problem found in a run; the CLI prints them all, then a count."""

    def __init__(self, problems: Iterable[Problem], outcome: str = "") -> None:
        # by place; problems at one place (or about a whole file) keep the order found
        self.problems = sorted(problems, key=lambda p: (p.file, p.line, p.column))
        self.outcome = outcome
        """What the run did about them, after the count: 'nothing written'."""
        super().__init__(self.format_message())

    def format_message(self) -> str:
        lines = [str(p) for p in self.problems]
        files = len({p.file for p in self.problems if p.file})
        n = len(self.problems)
        count = f"{n} error{'s' if n != 1 else ''}"
        if files:
            count += f" in {files} file{'s' if files != 1 else ''}"
        lines.append(f"{count}; {self.outcome}" if self.outcome else count)
        return "\n".join(lines)

    def show(self, file=None) -> None:  # type: ignore[no-untyped-def]
        # ClickException prefixes "Error: " to the whole block; each line is already
        # self-describing, so print them bare for editors and CI annotations.
        click.echo(self.format_message(), err=True, file=file)


def format_path(loc: Iterable[str | int]) -> str:
    """``("milestones", 1, "steps", 0, "due")`` -> ``milestones[1].steps[0].due``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def in_one_line(exc: BaseException) -> str:
    """An exception in one line: its type and the first line of its message."""
    first = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {first[0]}" if first else type(exc).__name__
