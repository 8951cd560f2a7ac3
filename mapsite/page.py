"""What a build knows of a plan's page: its link, its previous links, the PDF's name
(cheap to pass between processes and to keep in the incremental record)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from . import i18n, names
from .load import Document

NAME_LENGTH = 80  # characters of a PDF's name before .pdf


GONE_REPLACED = "replaced.html"
GONE_EXPIRED = "expired.html"


@dataclass(frozen=True)
class Page:
    """What the build needs to know of a plan's page (cheap to pass between processes)."""

    slug: str
    file: str
    title: str
    seller: str
    buyer: str
    token: str
    """The page's folder: the plan's private link."""
    previous: tuple[str, ...] = ()
    expired: bool = False
    """Past share.expires: the link shows the 'expired' page, and nothing of the plan."""
    password_env: str | None = None
    logos: tuple[str, ...] = ()
    """The files of assets/ the plan names (the brand's logo is the site's)."""
    draft: bool = False
    """``draft: true``: the build checks the plan and publishes nothing of it."""
    language: str | None = None
    """The plan's own language (None: the site's), for its PDF's header and footer."""

    @classmethod
    def of(cls, doc: Document, today: date) -> Page:
        plan, share = doc.plan, doc.plan.share
        expired = share.expires is not None and share.expires < today
        logos = tuple(name for name in (plan.buyer.logo, plan.seller.logo) if name)
        return cls(doc.slug, doc.source.file, plan.title, plan.seller.name, plan.buyer.name,
                   share.token, tuple(share.previous), expired, share.password_env,
                   logos, plan.draft, i18n.canonical(plan.language or ""))  # fmt: skip

    def to_json(self) -> dict[str, object]:
        # its fields are texts and tuples of texts: asdict's deep copy buys nothing
        return dict(self.__dict__)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Page:
        return cls(**{**data, "previous": tuple(data["previous"]), "logos": tuple(data["logos"])})

    @property
    def pdf_name(self) -> str:
        """The PDF beside the page: named from what its buyer knows (buyer and title),
        not from the plan's file; a protected plan's files say nothing about it."""
        return "plan.pdf" if self.password_env else self.document_name

    @property
    def document_name(self) -> str:
        """``northwind-financial-revenue-forecasting-rollout.pdf``: the buyer, then the
        title (alone when it names the buyer already)."""
        buyer, title = names.slug(self.buyer), names.slug(self.title)
        name = title if buyer and title.startswith(buyer) else f"{buyer}-{title}".strip("-")
        if len(name) > NAME_LENGTH:  # cut at a word
            name = name[: NAME_LENGTH + 1].rsplit("-", 1)[0]
        return f"{name or 'plan'}.pdf"

    @property
    def links(self) -> tuple[str, ...]:
        """Its private link, and the ones it replaced."""
        return (self.token, *self.previous)

    @property
    def gone(self) -> dict[str, str]:
        """Links that answer 410 Gone, with the page they show."""
        links = dict.fromkeys(self.previous, GONE_REPLACED)
        if self.expired:
            links[self.token] = GONE_EXPIRED
        return links
