"""The buyer answers without an account: prefilled ``mailto:`` links on the page.

Every open step the buyer's side owns gets "Done? Tell us", every step "Question
about this step". Each opens the reader's own mail app with a message to the
seller-side owner of the step (or the plan's seller contact) that names the plan,
the step and its address, so the rep can run ``mapsite done`` on it. Nothing is
sent anywhere else: no form, no server, no tracking.

Links follow RFC 6068: addresses and header values are UTF-8, percent-encoded
except for unreserved characters (so ``&``, ``=``, ``#``, ``?``, ``%``, quotes and
angle brackets can never end a field or the attribute), and line breaks in the body
are CRLF (``%0D%0A``). Pure functions; no I/O.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from urllib.parse import quote

from .address import address
from .i18n import gettext as _
from .model import Plan, Stakeholder, Step
from .names import one_line
from .schedule import Key, people_by_name

# RFC 6068 lets these stand unencoded in an address; ',' separates addresses, so a
# comma inside one is encoded, and so is everything outside this set
ADDRESS_SAFE = "@!$'()*+;"
SUBJECT_TASK = 80  # characters of the task in a subject line; the body has it whole


@dataclass(frozen=True)
class Mail:
    """One prefilled message."""

    to: tuple[str, ...]
    subject: str
    body: str

    @property
    def url(self) -> str:
        """The ``mailto:`` link (RFC 6068). The subject is one line: a line break in a
        header is no text, and some mail apps would start a new header with it."""
        to = ",".join(map(_quote_address, self.to))
        return f"mailto:{to}?subject={_encode(one_line(self.subject))}&body={_encode(self.body)}"


@functools.lru_cache(maxsize=256)  # a plan has a few sellers, written to many times
def _quote_address(address: str) -> str:
    return quote(address, safe=ADDRESS_SAFE)


# control characters other than tab and line breaks: no mail app shows them, and a NUL
# ends the text early in some
CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


LINE = "%0D%0A"  # CRLF, as RFC 6068 writes a line break in a body


def _encode(value: str) -> str:
    if CONTROLS.search(value):
        value = CONTROLS.sub("", value)
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    return LINE.join(map(_quote, value.split("\n")))


def _encode_lines(lines: tuple[str, ...]) -> str:
    """``_encode`` of the lines joined: when none holds a line break or a control
    character (as good as always), each line as it is, through ``_quote``'s memory of
    the lines it has seen (a plan's milestones, its name)."""
    if all(map(str.isprintable, lines)):
        return LINE.join(map(_quote, lines))
    return _encode("\n".join(lines))


# urllib's quote() works a character at a time in Python, and made these links most of
# the time of a page; str.translate does the same for ASCII text in C
_UNRESERVED = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"
_ASCII = [chr(c) if chr(c) in _UNRESERVED else f"%{c:02X}" for c in range(128)]


_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


# one plan's messages share many lines (the milestone, the owners, the plan's name)
@functools.lru_cache(maxsize=2048)
def _quote(line: str) -> str:
    ascii_done = line.translate(_ASCII)  # leaves other characters as they are
    if line.isascii():
        return ascii_done
    return _NON_ASCII.sub(lambda m: quote(m[0], safe=""), ascii_done)


class Mailer:
    """The messages of one plan's page (``handle``: the plan's name as the rep types
    it in ``mapsite done PLAN STEP``, ``Document.handle``)."""

    def __init__(self, plan: Plan, handle: str) -> None:
        self.plan, self.handle = plan, handle
        self.people = people_by_name(plan)
        self.contact = seller_contact(plan, self.people)
        self.footer = [
            "",
            "",
            "",
            "--",
            f"{plan.title} · {plan.seller.name} × {plan.buyer.name}",
        ]
        # in the page's language, said once for the plan's every step
        self.words = {
            "done": (_("Done"), _("This step of our plan is done:")),
            "question": (_("Question"), _("I have a question about this step of our plan:")),
            "and": _("%(first)s and %(second)s"),
            "hi": _("Hi %(names)s,"),
            "milestone": _("Milestone: %(name)s"),
            # Translators: one or several names, as the plan lists the step's owners
            "owner": _("Owner: %(owners)s"),
            "plan": _("Plan %(plan)s, step %(step)s"),
        }
        self._parts: dict[Key, tuple[tuple[str, ...], str, tuple[str, ...], str]] = {}
        self._encoded: dict[Key, tuple[str, str, str, str] | None] = {}
        # a mail's link is its parts encoded, joined: the opening lines once a plan, each
        # step's lines once for its two messages (``Mail.url`` encodes the whole message
        # to the same link: encoding a line break never depends on what is around it,
        # and no part but the last can end in a CR)
        self._openings = {
            kind: (_encode(one_line(f"{word}:")), _encode(opening))
            for kind, (word, opening) in (("done", self.words["done"]),
                                          ("question", self.words["question"]))
        }  # fmt: skip

    def recipients(self, step: Step) -> list[Stakeholder]:
        """Who hears about a step: its seller-side owners with an email, else the plan's
        seller contact (``seller.contact``, else the first seller-side stakeholder with an
        email). Empty when the plan names no seller email at all."""
        owners = [p for name in step.owner if (p := self.people.get(name.casefold()))]
        mine = [p for p in owners if p.side == "seller" and p.email]
        return mine or ([self.contact] if self.contact else [])

    def done(self, key: Key) -> Mail | None:
        """ "Done? Tell us": the buyer says a step is done."""
        return self._mail(key, "done")

    def question(self, key: Key) -> Mail | None:
        """ "Question about this step"."""
        return self._mail(key, "question")

    def link(self, key: Key, kind: str) -> str | None:
        """The link of the ``done`` or ``question`` message about the step at ``key``,
        what a page shows (``Mail.url``, made from parts encoded once a step)."""
        encoded = self._encoded.get(key)
        if encoded is None:
            to, greeting, rest, task = self._parts_of(key)
            encoded = self._encoded[key] = (
                (
                    ",".join(map(_quote_address, to)),
                    _encode(one_line(f"{task} [{self.plan.title}]")),
                    _encode(greeting) + LINE + LINE,
                    LINE + LINE + _encode_lines(rest),
                )
                if to
                else None
            )
        if encoded is None:
            return None
        address, topic, hi, lines = encoded
        about, said = self._openings[kind]
        return f"mailto:{address}?subject={about}%20{topic}&body={hi}{said}{lines}"

    def _mail(self, key: Key, kind: str) -> Mail | None:
        to, greeting, rest, task = self._parts_of(key)
        if not to:
            return None
        word, opening = self.words[kind]
        subject = f"{word}: {task} [{self.plan.title}]"
        return Mail(to, subject, "\n".join((greeting, "", opening, "", *rest)))

    def _parts_of(self, key: Key) -> tuple[tuple[str, ...], str, tuple[str, ...], str]:
        parts = self._parts.get(key)
        if parts is None:  # the same for both of a step's messages: made once
            parts = self._parts[key] = self._step_parts(key)
        return parts

    def _step_parts(self, key: Key) -> tuple[tuple[str, ...], str, tuple[str, ...], str]:
        """The addresses, greeting, lines after the opening, and the subject's task of
        the messages about the step at ``key`` (no addresses: no message)."""
        mi, si = key
        assert si is not None
        milestone = self.plan.milestones[mi]
        step = milestone.steps[si]
        to = self.recipients(step)
        if not to:
            return (), "", (), ""
        words = self.words
        first_names = list(dict.fromkeys(p.name.split()[0] for p in to))  # each once
        greeting = first_names[0]
        for name in first_names[1:]:
            greeting = words["and"] % {"first": greeting, "second": name}
        lines = [step.task, words["milestone"] % {"name": milestone.name}]
        if step.owner:
            lines.append(words["owner"] % {"owners": ", ".join(step.owner)})
        lines += self.footer
        # what the rep types: mapsite done PLAN STEP
        lines.append(words["plan"] % {"plan": self.handle, "step": address(self.plan, key)})
        addresses = tuple(p.email for p in to if p.email)
        hi = words["hi"] % {"names": greeting}
        return addresses, hi, tuple(lines), _cut(step.task, SUBJECT_TASK)


def seller_contact(plan: Plan, people: dict[str, Stakeholder] | None = None) -> Stakeholder | None:
    """The seller-side person buyers write to about the plan (``people``: the plan's
    stakeholders by name, when known)."""
    if plan.seller.contact:
        people = people_by_name(plan) if people is None else people
        person = people.get(plan.seller.contact.casefold())
        if person is not None and person.email:
            return person
    return next((p for p in plan.stakeholders if p.side == "seller" and p.email), None)


def _cut(text: str, width: int) -> str:
    """At most ``width`` characters, cut between words when there is a word break in
    the second half."""
    text = one_line(text)
    if len(text) <= width:
        return text
    head = text[: width - 1]
    if " " in head[width // 2 :]:
        head = head[: head.rfind(" ")]
    return head.rstrip(" ,;:") + "…"
