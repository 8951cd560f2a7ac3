"""The site's settings, ``mapsite.yml``, validated like a plan."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import Field

from . import wording
from .brand import Brand
from .load import Invalid, Source, check_country, check_language, load_yaml_file
from .model import Country, LintSettings, Model, Text

CONFIG_FILE = "mapsite.yml"


class SiteConfig(Model):
    """Settings for the whole site."""

    title: Text = "Mutual action plans"
    """Shown on the neutral root page and in browser tabs after the plan title."""
    theme: Text = "default"
    """Theme name: a folder in the site's themes/ or a built-in theme."""
    seller: Text | None = None
    """Your company's name: the seller of the plans 'mapsite new' writes."""
    base_url: Text | None = None
    """Public address of the site, e.g. https://plans.contoso.example (for share links)."""
    language: Text = "en"
    """Language of everything mapsite writes around the plans' own text: pages, PDFs,
    password and gone pages, calendars, mail texts (ar, de, en, es, fr, ja, pt_BR; de-AT
    or pt-br are taken too). A plan may set its own."""
    page_size: Literal["A4", "Letter"] = "A4"
    """Paper size for printing and PDFs."""
    next_up: int = Field(default=3, ge=1, le=10)
    """How many open steps the 'Next up' panel shows."""
    whats_new_days: int = Field(default=14, ge=0, le=365)
    """How many days back the "What's new" panel of each page looks, from the plans'
    git history; 0 hides it. A plan may set its own."""
    markdown_html: bool = False
    """Let plans' Markdown contain raw HTML. Only for sites whose every author is trusted:
    HTML can run scripts and load from other hosts. Off by default."""
    email_actions: bool = True
    """Buttons on each step that open the buyer's mail app with a prefilled message to
    the seller ('Done? Tell us', 'Question about this step'); a plan may override it."""
    show_buyer_roles: bool = False
    """Show the roles the plans give the buyer's people (Champion, Economic Buyer ...)
    on their pages and PDFs. Off by default: buyers see their people's job titles, and
    the roles stay for 'mapsite check' and 'report'. Seller-side roles always show."""
    holidays: Country | None = None
    """Country whose public holidays business days skip (e.g. US); a plan may override it."""
    lint: LintSettings = Field(default_factory=LintSettings)
    """Rules of 'mapsite check' silenced for every plan."""
    brand: Brand = Field(default_factory=Brand)
    """Brand tokens (colours, font, logo, radius) over the theme's own."""
    strings: dict[Text, Any] = Field(default_factory=dict)
    """Your own wording for mapsite's strings, over the theme's: 'Go-live: Launch' in
    every language, or under a language code for that language only (docs/theming.md)."""


def load_config(site: Path) -> tuple[SiteConfig, Source | None]:
    """Read ``SITE/mapsite.yml``; a site without one uses the defaults."""
    path = site / CONFIG_FILE
    if not path.exists():
        return SiteConfig(), None
    config, source = load_yaml_file(path, SiteConfig)
    problems = check_language(config.language, source) + wording.check(config.strings, source)
    if config.holidays is not None:
        problems += check_country(config.holidays, source)
    if problems:
        raise Invalid(problems)
    return config, source
