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

import re
from dataclasses import dataclass
from urllib.parse import quote

from .address import address
from .model import Plan, Stakeholder, Step
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
        to = ",".join(quote(a, safe=ADDRESS_SAFE) for a in self.to)
        subject = " ".join(self.subject.split())
        return f"mailto:{to}?subject={_encode(subject)}&body={_encode(self.body)}"


# control characters other than tab and line breaks: no mail app shows them, and a NUL
# ends the text early in some
CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _encode(value: str) -> str:
    lines = CONTROLS.sub("", value).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return quote("\r\n".join(lines), safe="")


def recipients(plan: Plan, step: Step) -> list[Stakeholder]:
    """Who hears about a step: its seller-side owners with an email, else the plan's
    seller contact (``seller.contact``, else the first seller-side stakeholder with an
    email). Empty when the plan names no seller email at all."""
    people = people_by_name(plan)
    owners = [p for name in step.owner if (p := people.get(name.casefold()))]
    mine = [p for p in owners if p.side == "seller" and p.email]
    if mine:
        return mine
    contact = seller_contact(plan)
    return [contact] if contact else []


def seller_contact(plan: Plan) -> Stakeholder | None:
    """The seller-side person buyers write to about the plan."""
    if plan.seller.contact:
        person = people_by_name(plan).get(plan.seller.contact.casefold())
        if person is not None and person.email:
            return person
    return next((p for p in plan.stakeholders if p.side == "seller" and p.email), None)


def done_mail(plan: Plan, key: Key, slug: str) -> Mail | None:
    """ "Done? Tell us": the buyer says a step is done."""
    return _mail(plan, key, slug, "Done", "This step of our plan is done:")


def question_mail(plan: Plan, key: Key, slug: str) -> Mail | None:
    """ "Question about this step"."""
    return _mail(plan, key, slug, "Question", "I have a question about this step of our plan:")


def _mail(plan: Plan, key: Key, slug: str, kind: str, opening: str) -> Mail | None:
    mi, si = key
    assert si is not None
    milestone = plan.milestones[mi]
    step = milestone.steps[si]
    to = recipients(plan, step)
    if not to:
        return None
    where = address(plan, key)
    first_names = [p.name.split()[0] for p in to]
    greeting = " and ".join(dict.fromkeys(first_names))  # each name once
    lines = [
        f"Hi {greeting},",
        "",
        opening,
        "",
        step.task,
        f"Milestone: {milestone.name}",
    ]
    if step.owner:
        lines.append(f"Owner: {', '.join(step.owner)}")
    lines += [
        "",
        "",
        "",
        "--",
        f"{plan.title} · {plan.buyer.name} × {plan.seller.name}",
        f"Plan {slug}, step {where}",  # what the rep types: mapsite done SLUG STEP
    ]
    subject = f"{kind}: {_cut(step.task, SUBJECT_TASK)} [{plan.title}]"
    return Mail(tuple(p.email for p in to if p.email), subject, "\n".join(lines))


def _cut(text: str, width: int) -> str:
    """At most ``width`` characters, cut between words when there is a word break in
    the second half."""
    text = " ".join(text.split())
    if len(text) <= width:
        return text
    head = text[: width - 1]
    if " " in head[width // 2 :]:
        head = head[: head.rfind(" ")]
    return head.rstrip(" ,;:") + "…"
