"""The plan as typed, immutable data. No I/O here: ``load.py`` fills these from files.

The field names are the plan format's public contract: add fields, never rename them.
The JSON Schema that editors use is generated from these classes (``mapsite schema``).
"""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    WithJsonSchema,
)
from pydantic_core import PydanticCustomError

from .dates import DateSpec as _DateSpec
from .dates import Offset, parse_date_spec
from .i18n import N_, gettext

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
ID_PATTERN = r"^[a-z][a-z0-9_-]*$"
Id = Annotated[str, StringConstraints(pattern=ID_PATTERN)]


class Status(StrEnum):
    TODO = "todo"
    IN_PROGRESS = "in progress"
    DONE = "done"
    BLOCKED = "blocked"

    @property
    def label(self) -> str:
        """``To do``, ``In progress``, ``Done``, ``Blocked``: in the page's language."""
        return gettext(STATUS_LABELS[self.value])


STATUS_LABELS = {
    "todo": N_("To do"),
    "in progress": N_("In progress"),
    "done": N_("Done"),
    "blocked": N_("Blocked"),
}


_STATUSES = frozenset(s.value for s in Status)


def normalise_status(value: Any) -> Any:
    """Accept ``In Progress``, ``in-progress`` and ``in_progress`` alike."""
    if isinstance(value, str):
        if value in _STATUSES:  # as written almost always: no pattern needed
            return value
        words = re.sub(r"[\s_-]+", " ", value.strip().lower())
        return "todo" if words == "to do" else words  # the page's own label reads "To do"
    return value


def one_or_many(value: Any) -> Any:
    """An owner may be one name or a list of names (a jointly owned step)."""
    return [value] if isinstance(value, str) else value


Owners = Annotated[
    list[Text],
    BeforeValidator(one_or_many),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "minLength": 1},
                {"type": "array", "items": {"type": "string", "minLength": 1}},
            ],
            "description": "One named person, or a list of names for a jointly owned step.",
        }
    ),
]
StepStatus = Annotated[
    Status,
    BeforeValidator(normalise_status),
    WithJsonSchema(
        {
            "type": "string",
            "description": "todo (default), in progress, done or blocked; any case, "
            "'in-progress' and 'in_progress' also accepted.",
            "examples": ["todo", "in progress", "done", "blocked"],
        }
    ),
]


DateSpec = Annotated[
    _DateSpec,
    BeforeValidator(parse_date_spec),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "format": "date"},
                {
                    "type": "string",
                    "pattern": r"^\s*[a-z][a-z0-9_-]*\s*([+-]\s*\d+\s*(d|w|bd))?\s*$",
                },
            ],
            "description": "A date (YYYY-MM-DD), or one counted from go_live or from the id "
            "of a milestone or step: 'go_live - 6w', 'security + 5bd', 'contract - 3d' "
            "(d days, w weeks, bd business days).",
        }
    ),
]
SAFE_SCHEMES = ("http:", "https:", "mailto:", "tel:")


def safe_url(url: str) -> bool:
    """http, https, mailto, tel or a relative address: never javascript:, data: and the like."""
    lowered = "".join(url.split()).lower()  # browsers ignore tabs and newlines in a scheme
    scheme = lowered.split(":", 1)[0] + ":" if ":" in lowered.split("/", 1)[0] else ""
    return not scheme or lowered.startswith(SAFE_SCHEMES)


def check_url(url: str) -> str:
    if not safe_url(url):
        raise PydanticCustomError("unsafe_url", "'{value}' is not a web address", {"value": url})
    return url


Url = Annotated[Text, AfterValidator(check_url)]
Email = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^[^@\s?&#/:<>\"]+@[^@\s?&#/:<>\"]+$")
]
TOKEN_PATTERN = r"^[A-Za-z0-9_-]{22,}$"
Token = Annotated[str, StringConstraints(strip_whitespace=True, pattern=TOKEN_PATTERN)]
"""The random part of a private link: 22 or more URL-safe characters (128 bits or more)."""
EnvName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")]
Country = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, to_upper=True)]
"""A holiday country code; 'us' and 'US' alike."""
LintCode = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class Model(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        coerce_numbers_to_str=True,  # `phone: 5550100` or `title: 2027` are text, not errors
    )


HexColor = Annotated[
    str, StringConstraints(strip_whitespace=True, pattern=r"^#(?:[0-9a-fA-F]{3}){1,2}$")
]
"""A hex colour: #1f6feb or #16b."""


class Party(Model):
    """One side of the deal."""

    name: Text
    """Company name, shown in the header."""
    logo: Text | None = None
    """Path of a logo image inside the site's assets/ folder, e.g. logos/northwind.svg."""
    accent: HexColor | None = None
    """The company's own colour, e.g. #0f766e: the buyer's people and steps wear it."""


class Seller(Party):
    """The selling side."""

    contact: Text | None = None
    """The stakeholder buyers write to about the plan (their 'Done? Tell us' and
    'Question about this step' emails); default: the first seller-side stakeholder with
    an email."""


class Stakeholder(Model):
    """A named person on either side."""

    name: Text
    side: Literal["buyer", "seller"] | None = None
    """Which side this person is on: buyer or seller."""
    title: Text | None = None
    """Job title."""
    role: Text | None = None
    """Role in the deal (Champion, Economic Buyer, Decision Maker ...), for check and
    report; pages and PDFs show it as a badge on seller-side people only, unless
    show_buyer_roles is on in mapsite.yml."""
    email: Email | None = None
    """Tap to email: a plain address (no ?subject= or other parameters)."""
    phone: Text | None = None
    """Tap to call; any spacing, e.g. +1 555 0100."""


class Step(Model):
    """One action with a named owner and a date."""

    task: Text
    id: Id | None = None
    """Optional id so other dates can refer to this step."""
    owner: Owners = Field(default_factory=list)
    due: DateSpec | None = None
    """A date, or an offset from go_live or another id: 'contract - 3d'."""
    status: StepStatus = Status.TODO
    expected: date | None = None
    """The owner's new estimate, when it is later than due: the page shows both
    ("due Wed 9 Dec, expected Tue 15 Dec") and projections count from the later one.
    The commitment (due) stays as agreed."""
    notes: Text | None = None
    """Markdown."""
    extra: dict[str, Any] = Field(default_factory=dict)
    """Free-form custom fields for themes to use ('mapsite import' keeps a spreadsheet's
    other columns here)."""


class Milestone(Model):
    """A phase of the plan, with the steps that complete it."""

    name: Text
    id: Id | None = None
    """Optional id (lowercase letters, digits, '-' and '_') so dates and links can refer to it."""
    due: DateSpec | None = None
    """A date, or an offset from go_live or another id: 'go_live - 6w'."""
    why: Text | None = None
    """Why this milestone matters to the buyer."""
    steps: list[Step] = Field(default_factory=list)


class Resource(Model):
    """A document or link the buyer needs."""

    title: Text
    url: Url | None = None
    owner: Text | None = None
    description: Text | None = None


class Risk(Model):
    """Something that could derail the plan, and what we do about it."""

    risk: Text
    plan: Text | None = None
    """How we mitigate it."""
    owner: Text | None = None


class Share(Model):
    """How the plan is shared: its private link, and optionally an end date and a password."""

    token: Token
    """Random part of the plan's private link, /TOKEN/ (mapsite new and mapsite rotate write it)."""
    previous: list[Token] = Field(default_factory=list)
    """Tokens this plan had before (mapsite rotate keeps them): their links answer 410 Gone."""
    expires: date | None = None
    """After this date the link shows a neutral 'no longer available' page (410 Gone)."""
    password_env: EnvName | None = None
    """Name of an environment variable holding the page's password (set it in Netlify's
    settings, never in the repo). The page and its PDF are then published encrypted."""


class LintSettings(Model):
    """Which best-practice rules to silence."""

    ignore: list[LintCode] = Field(default_factory=list)
    """Rule codes or names to skip, e.g. MAP005 or milestone-after-go-live."""


class Plan(Model):
    """A mutual action plan: the front matter of one file in plans/."""

    title: Text
    buyer: Party
    seller: Seller
    share: Share
    """The plan's private link (mapsite new writes one; mapsite rotate replaces it)."""
    draft: bool = False
    """A plan not ready for its buyer: checked, previewed by mapsite serve and listed by
    mapsite report, but never published by mapsite build (no page, PDF, calendar or
    link) until this is removed or set to false."""
    go_live: date | None = None
    """The date the buyer wants to be live."""
    compelling_event: Text | None = None
    """The business event that makes the go-live date matter."""
    value: Text | None = None
    """Two or three sentences, from the buyer's point of view, on what this project does."""
    success_criteria: list[Text] = Field(default_factory=list)
    stakeholders: list[Stakeholder] = Field(default_factory=list)
    milestones: list[Milestone] = Field(min_length=1)
    resources: list[Resource] = Field(default_factory=list)
    risks: list[Risk] = Field(default_factory=list)
    updated: date | None = None
    """When the plan was last reviewed with the buyer."""
    holidays: Country | None = None
    """Country whose public holidays business days skip (e.g. US, GB, DE); overrides mapsite.yml."""
    language: Text | None = None
    """The language of this plan's page, PDF, calendars and mail texts (de, fr, ja ...);
    overrides mapsite.yml. The plan's own text stays as written."""
    lint: LintSettings = Field(default_factory=LintSettings)
    """Rules of 'mapsite check' silenced for this plan."""
    email_actions: bool | None = None
    """Buttons that let the buyer email the seller about a step ('Done? Tell us',
    'Question about this step'); overrides mapsite.yml (on by default)."""
    whats_new_days: int | None = Field(default=None, ge=0, le=365)
    """How many days back the page's "What's new" panel looks (from git history);
    0 hides it. Overrides whats_new_days in mapsite.yml (default 14)."""
    extra: dict[str, Any] = Field(default_factory=dict)
    """Free-form custom fields for themes to use."""

    def steps(self) -> list[tuple[Milestone, Step]]:
        return [(m, s) for m in self.milestones for s in m.steps]


__all__ = ["DateSpec", "Offset", "Plan"]
