"""What the buyer sees of the seller's notes on people: the roles of the buyer's people.

Reps label the buyer's people to run the deal (Champion, Economic Buyer, Blocker ...);
the buyer reading the page or the PDF should not see how they are labelled. So the
page shows a role on the seller's own people (Account Executive, Solutions Engineer),
and on people without a side when it is not a sales label; the buyer's people show
their job titles only. ``show_buyer_roles: true`` in mapsite.yml shows every role.
``check``, ``report`` and the digest read the plan as written, roles and all.
"""

from __future__ import annotations

import re

from .model import Plan, Stakeholder

SALES_ROLES = re.compile(
    r"\b(?:anti[- ]?)?champion|\bcoach\b|economic buyer|budget holder|\bEB\b"
    r"|decision[- ]maker|technical (?:evaluator|buyer)|user buyer|\bevaluator\b|blocker"
    r"|detractor|s[ck]eptic|influencer|gatekeeper|mobili[sz]er|\bsponsor\b|\bsigner\b"
    r"|\bally\b|\benemy\b",
    re.IGNORECASE,
)
"""Words of the roles sales methods give the buyer's people (MEDDICC, Miller Heiman,
the Challenger's mobilisers and blockers): hidden on a person without a side, whom
the rep may have left unsided."""


def role_shown(person: Stakeholder, show_buyer_roles: bool = False) -> bool:
    """Whether the buyer's page and PDF show this person's role."""
    if not person.role:
        return False
    if show_buyer_roles or person.side == "seller":
        return True
    return person.side is None and not SALES_ROLES.search(person.role)


def for_buyer(plan: Plan, show_buyer_roles: bool = False) -> Plan:
    """The plan as its buyer sees it: without the roles they do not see (the same
    plan when it has none to hide)."""
    if all(role_shown(p, show_buyer_roles) or not p.role for p in plan.stakeholders):
        return plan
    people = [
        p if role_shown(p, show_buyer_roles) else p.model_copy(update={"role": None})
        for p in plan.stakeholders
    ]
    return plan.model_copy(update={"stakeholders": people})
