"""``mapsite init`` and ``mapsite new``: new sites and plans from built-in templates."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from pathlib import Path

from . import playbooks, schedule
from .config import CONFIG_FILE, load_config
from .errors import MapsiteError, Problem
from .load import Invalid, display_path, find_plans, load_plan
from .model import Status
from .share import new_token
from .site import PLANS_DIR
from .yamlwrite import scalar

TEMPLATES = Path(__file__).parent / "templates"

SITE_CONFIG = """\
# Settings for this mapsite site. Every field is optional.
title: Mutual action plans
theme: default        # a folder in themes/, or a built-in theme
page_size: A4         # A4 or Letter, for print and PDFs
"""
SELLER_LINE = "seller: {}  # your company: the seller of the plans 'mapsite new' writes"
BASE_URL_LINE = "base_url: {}  # the site's address, for the links 'mapsite links' prints"
BASE_URL_EXAMPLE = "https://plans.example.com"
WORKFLOW = Path(".github") / "workflows" / "mapsite.yml"
EXAMPLE = "example"
STANDARD_DESCRIPTION = "  description: Most deals;"
EXAMPLE_DESCRIPTION = "  description: Our usual deal, to adapt to how we sell;"


def site_config(seller: str | None, base_url: str | None) -> str:
    """mapsite.yml for a new site: the values given, and commented examples of the others."""
    seller_line = SELLER_LINE.format(scalar(seller, flow=False) if seller else SELLER)
    url_line = BASE_URL_LINE.format(scalar(base_url, flow=False) if base_url else BASE_URL_EXAMPLE)
    return (
        SITE_CONFIG
        + ("" if seller else "# ")
        + seller_line
        + "\n"
        + ("" if base_url else "# ")
        + url_line
        + "\n"
    )


def check_base_url(url: str) -> str:
    """A site address as ``base_url`` takes it: http(s), without a trailing slash."""
    url = url.strip().rstrip("/")
    if not re.fullmatch(r"https?://[^\s/?#]+(/[^\s?#]*)?", url):
        raise ValueError(f"'{url}' is not a web address (like {BASE_URL_EXAMPLE})")
    return url


THEMES_README = """\
# Themes

A site theme is a folder here, `themes/NAME/`, with `templates/`, `static/` and a
`theme.yml` that says which theme it `extends` (default: `default`). Put only the
files you change; everything else comes from the theme it extends. Select it with
`theme: NAME` in mapsite.yml.
"""


def new_plan(
    site: Path,
    name: str,
    today: date,
    *,
    buyer: str | None = None,
    seller: str | None = None,
    playbook: str | None = None,
    go_live: date | None = None,
    values: Mapping[str, str] | None = None,
    draft: bool = False,
) -> Path:
    """Write ``SITE/plans/NAME.md`` from a playbook (default: the built-in standard one);
    refuse to overwrite. Raises ``MapsiteError`` with every problem: nothing written."""
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", name.removesuffix(".md")).strip("-").lower()
    if not stem:
        raise MapsiteError(
            [
                Problem(
                    name,
                    1,
                    1,
                    "",
                    "not a usable plan name",
                    "use letters, digits and '-', e.g. 'northwind'",
                )
            ]
        )
    path = site / PLANS_DIR / f"{stem}.md"
    if path.exists():
        raise MapsiteError(
            [
                Problem(
                    display_path(path),
                    1,
                    1,
                    "",
                    "the plan already exists",
                    "choose another name or edit that file",
                )
            ]
        )
    try:
        config, _ = load_config(site)
        entry = playbooks.find(site, playbook or playbooks.DEFAULT)
        deal = playbooks.Deal(
            buyer=(buyer or "").strip() or stem.replace("-", " ").replace("_", " ").title(),
            seller=(seller or "").strip() or config.seller or _shared_seller(site) or SELLER,
            today=today,
            token=new_token(),
            go_live=go_live,
            values=dict(values or {}),
            draft=draft,
            holidays=config.holidays,
        )
        text = playbooks.new_plan_text(entry, deal, path)
    except Invalid as exc:
        raise MapsiteError(exc.problems, "nothing written") from None
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def steps_before(path: Path, today: date) -> int:
    """How many open steps of the plan at ``path`` are dated before ``today``: a go-live
    closer than the playbook's usual length puts its first steps in the past."""
    doc = load_plan(path)
    return sum(
        1
        for key in schedule.keys(doc.plan)
        if key[1] is not None
        and schedule.item(doc.plan, key).status != Status.DONE
        and (due := doc.dates.due(key)) is not None
        and due < today
    )


SELLER = "Your company"
"""The seller of a new plan when mapsite.yml names none (``seller:``)."""


def site_seller(site: Path) -> str:
    """The rep's own company, for a plan made for the site at ``site`` (``new``,
    ``import``): mapsite.yml's ``seller:``, else the seller all its plans name."""
    try:
        configured = load_config(site)[0].seller
    except Invalid:  # check and build report it; a new plan still gets a seller
        configured = None
    return configured or _shared_seller(site) or SELLER


def _shared_seller(site: Path) -> str | None:
    """The seller every plan of the site names, when they all name the same one: never
    the first of several, which would be whichever plan's file sorts first."""
    plans_dir = site / PLANS_DIR
    sellers = set()
    for path in find_plans(plans_dir) if plans_dir.is_dir() else []:
        try:
            sellers.add(load_plan(path).plan.seller.name)
        except Invalid:
            continue
    return sellers.pop() if len(sellers) == 1 else None


NETLIFY_PLUGIN = "netlify/plugins/mapsite-cache"
"""Netlify's build plugin that keeps the last site between deploys (mapsite init
writes it beside netlify.toml)."""


def init_site(
    directory: Path, today: date, *, seller: str | None = None, base_url: str | None = None
) -> list[Path]:
    """Create mapsite.yml, playbooks/ with an example, plans/ with a draft made from it,
    assets/, themes/, netlify.toml and a GitHub Actions workflow that checks every
    push; refuse an existing site. Files of those names already there are kept."""
    config = directory / CONFIG_FILE
    if config.exists():
        raise MapsiteError(
            [
                Problem(
                    display_path(config),
                    1,
                    1,
                    "",
                    "a site already exists here",
                    "use 'mapsite new NAME' to add a plan",
                )
            ]
        )
    directory.mkdir(parents=True, exist_ok=True)
    config.write_text(site_config(seller, base_url), encoding="utf-8")
    written = [config]
    playbook = directory / playbooks.PLAYBOOKS_DIR / f"{EXAMPLE}.md"
    if not playbook.exists():  # the team's own, to adapt: a copy of the built-in default
        playbook.parent.mkdir(exist_ok=True)
        text = (playbooks.BUILT_IN / f"{playbooks.DEFAULT}.md").read_text(encoding="utf-8")
        own = text.replace(STANDARD_DESCRIPTION, EXAMPLE_DESCRIPTION, 1)
        assert own != text, "the built-in standard playbook's description changed"
        playbook.write_text(own, encoding="utf-8")
        written.append(playbook)
    # a draft: a new site publishes nothing its owner did not mean to
    plan = new_plan(directory, EXAMPLE, today, buyer="Example Buyer", playbook=EXAMPLE, draft=True)
    written.insert(1, plan)
    (directory / "assets").mkdir(exist_ok=True)
    themes_dir = directory / "themes"
    themes_dir.mkdir(exist_ok=True)
    (themes_dir / "README.md").write_text(THEMES_README, encoding="utf-8")
    # the site, and the record of what it was made from (incremental.py)
    if not (directory / ".gitignore").exists():
        ignored = "/public/\n/.public.mapsite-record.json\n"
        (directory / ".gitignore").write_text(ignored, encoding="utf-8")
    written += [directory / "assets", themes_dir / "README.md"]
    for target, template in (
        (directory / "netlify.toml", "netlify.toml"),  # build settings, private-site headers
        # and its build plugin, which keeps the last site between deploys
        (directory / NETLIFY_PLUGIN / "manifest.yml", "netlify-plugin/manifest.yml"),
        (directory / NETLIFY_PLUGIN / "index.js", "netlify-plugin/index.js"),
        (directory / WORKFLOW, "github-workflow.yml"),  # mapsite check on every push
    ):
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text((TEMPLATES / template).read_text(encoding="utf-8"), "utf-8")
            written.append(target)
    return written
