"""``mapsite init`` and ``mapsite new``: new sites and plans from built-in templates."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from pathlib import Path

import jinja2
import yaml

from .config import CONFIG_FILE
from .errors import MapsiteError, Problem
from .load import Invalid, display_path, find_plans, load_plan
from .share import new_token
from .site import PLANS_DIR

TEMPLATES = Path(__file__).parent / "templates"

SITE_CONFIG = """\
# Settings for this mapsite site. Every field is optional.
title: Mutual action plans
theme: default        # a folder in themes/, or a built-in theme
page_size: A4         # A4 or Letter, for print and PDFs
# base_url: https://plans.example.com
"""

THEMES_README = """\
# Themes

A site theme is a folder here, `themes/NAME/`, with `templates/`, `static/` and a
`theme.yml` that says which theme it `extends` (default: `default`). Put only the
files you change; everything else comes from the theme it extends. Select it with
`theme: NAME` in mapsite.yml.
"""


def new_plan(
    site: Path, name: str, today: date, *, buyer: str | None = None, seller: str | None = None
) -> Path:
    """Write ``SITE/plans/NAME.md`` from the template; refuse to overwrite."""
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
    seller = seller or _seller_from_other_plans(site) or "Your company"
    buyer = buyer or stem.replace("-", " ").replace("_", " ").title()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_plan_template(buyer, seller, today), encoding="utf-8")
    return path


def render_plan_template(buyer: str, seller: str, today: date) -> str:
    def weeks(n: float) -> str:
        return (today + timedelta(days=round(7 * n))).isoformat()

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,  # YAML, not HTML; names are quoted below
    )
    env.filters["yaml"] = _yaml_text
    return env.get_template("new_plan.md").render(
        buyer=buyer.strip() or "Buyer",
        seller=seller.strip() or "Your company",
        today=today.isoformat(),
        token=new_token(),
        step1=weeks(1),
        step2=weeks(3),
        validated=weeks(4),
        step3=weeks(5),
        contract=weeks(6),
        kickoff=weeks(7),
        go_live=weeks(12),
    )


def _yaml_text(value: str) -> str:
    """``value`` as a YAML scalar: plain when YAML reads it back as the same text, else quoted."""
    try:
        if yaml.safe_load(f"k: {value}") == {"k": value} and "\n" not in value:
            return value
    except yaml.YAMLError:
        pass
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML double-quoted one


def _seller_from_other_plans(site: Path) -> str | None:
    plans_dir = site / PLANS_DIR
    for path in find_plans(plans_dir) if plans_dir.is_dir() else []:
        try:
            return load_plan(path).plan.seller.name
        except Invalid:
            continue
    return None


NETLIFY_PLUGIN = "netlify/plugins/mapsite-cache"
"""Netlify's build plugin that keeps the last site between deploys (mapsite init
writes it beside netlify.toml)."""


def init_site(directory: Path, today: date) -> list[Path]:
    """Create mapsite.yml, plans/ with an example, assets/ and themes/; refuse an existing site."""
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
    config.write_text(SITE_CONFIG, encoding="utf-8")
    plan = new_plan(directory, "example", today, buyer="Example Buyer", seller="Your company")
    (directory / "assets").mkdir(exist_ok=True)
    themes_dir = directory / "themes"
    themes_dir.mkdir(exist_ok=True)
    (themes_dir / "README.md").write_text(THEMES_README, encoding="utf-8")
    # the site, and the record of what it was made from (incremental.py)
    ignored = "/public/\n/.public.mapsite-record.json\n"
    (directory / ".gitignore").write_text(ignored, encoding="utf-8") if not (
        directory / ".gitignore"
    ).exists() else None
    written = [config, plan, directory / "assets", themes_dir / "README.md"]
    netlify = directory / "netlify.toml"
    if not netlify.exists():  # build settings, the private-site headers, the build cache
        netlify.write_text((TEMPLATES / "netlify.toml").read_text(encoding="utf-8"), "utf-8")
        written.append(netlify)
        plugin = directory / NETLIFY_PLUGIN
        plugin.mkdir(parents=True, exist_ok=True)
        for name in ("manifest.yml", "index.js"):
            text = (TEMPLATES / "netlify-plugin" / name).read_text(encoding="utf-8")
            (plugin / name).write_text(text, encoding="utf-8")
            written.append(plugin / name)
    return written
