"""A site on disk, loaded: settings, theme, every plan file, and what git knows of them.

The first steps of the pipeline (load -> validate -> schedule) for a whole site.
Problems are collected, never raised one by one, so one run reports everything.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from . import brand, confine, history, i18n, themes, wording
from .config import CONFIG_FILE, SiteConfig, load_config
from .errors import MapsiteError, Problem
from .load import (
    PLANS_DIR,
    Document,
    Invalid,
    Source,
    display_path,
    find_plans,
    handle_for,
    load_plan,
    plans_folder,
    real_path,
)

ASSETS_DIR = "assets"
NO_SITE_HINT = "give the plan file's path, or cd into a site"


@dataclass(frozen=True)
class Site:
    """A loaded, valid site: ready to render."""

    root: Path
    config: SiteConfig
    theme: themes.Theme
    documents: list[Document]
    config_source: Source | None
    commits: dict[Path, date]
    """Last commit date of each plan file (empty outside git)."""
    history: history.Log | None = None
    """The plans folder's git history (None outside git): what changed, and when."""

    def language(self, doc: Document | None = None) -> i18n.Language:
        """The language ``doc``'s page is written in (the site's own without a plan)."""
        code = i18n.canonical((doc.plan.language if doc is not None else None) or "")
        code = code or i18n.canonical(self.config.language) or i18n.SOURCE
        layers = [*self.theme.strings, self.config.strings]
        return i18n.language(code, wording.for_language(layers, code))

    def last_update(self, doc: Document) -> date | None:
        committed = self.commits.get(real_path(doc.path)) if self.commits else None
        return history.last_update(doc.plan.updated, committed)


def load_settings(
    root: Path, only: list[Path] | None = None, *, with_history: bool = True
) -> tuple[Site, list[Path], list[Problem]]:
    """Settings, theme and the plan files to read, as a Site without documents yet.

    Problems in the settings are returned, not raised, so that the plans are still
    checked and one run reports everything (defaults stand in meanwhile).
    """
    problems: list[Problem] = []
    asset_problem.cache_clear()  # the dev server loads the same site again after changes
    _inside.cache_clear()
    asset_bytes.cache_clear()
    try:
        config, config_source = load_config(root)
    except Invalid as exc:
        problems += exc.problems
        config, config_source = SiteConfig(), None

    theme = None
    try:
        theme = themes.resolve(root, config.theme)
    except themes.ThemeNotFound as exc:
        where = config_source.problem(("theme",), str(exc), exc.hint) if config_source else None
        problems.append(where or Problem(CONFIG_FILE, 1, 1, "theme", str(exc), exc.hint))
    except Invalid as exc:  # a theme.yml with mistakes
        problems += exc.problems
    for loc, name in [(("brand", "logo"), config.brand.logo)] + [
        (("brand", "font_files", i), f) for i, f in enumerate(config.brand.font_files)
    ]:
        wrong = asset_problem(root, name) if name else None
        if wrong and config_source:
            problems.append(config_source.problem(loc, *wrong))

    plans_dir = root / PLANS_DIR
    paths = only if only is not None else find_plans(plans_dir) if plans_dir.is_dir() else []
    if only is None and plans_dir.is_dir():  # plans through links that lead out are not read
        refused = confine.links_out(plans_dir, confine.jail(root, PLANS_DIR), _not_plans)
        problems += [confine.link_problem(link, target, root, PLANS_DIR, PLAN_LINK_HINT)
                     for link, target in refused]  # fmt: skip
        paths = [p for p in paths if not any(p.is_relative_to(link) for link, _ in refused)]
    if not paths:
        problems.append(
            Problem(
                display_path(plans_dir),
                1,
                1,
                "",
                "no plans found",
                "add a Markdown plan there, e.g. with 'mapsite new NAME'",
            )
        )
    theme = theme or themes.resolve(root, "default")
    log = history.read_log(plans_dir) if with_history and plans_dir.is_dir() else None
    commits = log.last_dates() if log is not None else {}
    return Site(root, config, theme, [], config_source, commits, log), paths, problems


def load_site(root: Path, *, only: list[Path] | None = None, with_history: bool = True) -> Site:
    """Load settings, theme and every plan (or ``only`` these plan files).

    Raises one ``MapsiteError`` with every problem found.
    """
    site, paths, problems = load_settings(root, only, with_history=with_history)
    documents: list[Document] = []
    for path in paths:
        doc, found = load_checked(site, path)
        problems += found
        if doc is not None:
            documents.append(doc)
    problems += token_clashes([(plan_tokens(d), d.source.file) for d in documents])
    if problems:
        raise MapsiteError(problems)
    return dataclasses.replace(site, documents=documents)


def token_clashes(plans: list[tuple[tuple[str, ...], str]]) -> list[Problem]:
    """Two plan files with a share token in common (current or previous): one link
    cannot lead to two plans."""
    first: dict[str, str] = {}
    problems = []
    for tokens, file in plans:
        for token in tokens:
            if token in first and first[token] != file:
                problems.append(
                    Problem(file, 1, 1, "share.token",
                            f"the share token '{token}' is also used by {first[token]}",
                            f"give this plan a new link: mapsite rotate {file}")
                )  # fmt: skip
            first.setdefault(token, file)
    return problems


def plan_tokens(doc: Document) -> tuple[str, ...]:
    return (doc.plan.share.token, *doc.plan.share.previous)


PLAN_LINK_HINT = "mapsite reads only files inside plans/: move the file there, or remove the link"


def _leads_out(root: Path, path: Path) -> Path | None:
    """Where a file of plans/ really is, when links lead it out of plans/."""
    plans = os.path.abspath(root / PLANS_DIR)
    where = os.path.abspath(path)
    if not where.startswith(plans + os.sep):
        return None  # not a file of plans/: a plan file the command was given
    link = os.path.islink(path)
    if not link and _inside(os.path.dirname(where), plans):
        return None  # a file in a folder of plans/ (asked once a folder, not once a plan)
    target = confine.real(path) if link else real_path(path)
    return None if target.is_relative_to(real_path(Path(plans))) else target


@functools.lru_cache(maxsize=64)
def _inside(folder: str, plans: str) -> bool:
    """Whether ``folder`` is really inside ``plans``, links resolved."""
    return real_path(Path(folder, "_")).parent.is_relative_to(real_path(Path(plans)))


def _not_plans(name: str) -> bool:
    return name.startswith((".", "_"))  # as find_plans: not plans, not read


@functools.lru_cache(maxsize=1024)  # many plans share the seller's logo
def asset_problem(root: Path, name: str) -> tuple[str, str] | None:
    """What is wrong with ``assets/NAME`` as a file to publish, as (message, hint): not
    there, or outside the assets folder (by '..' or through a link); None when fine."""
    folder = confine.jail(root, ASSETS_DIR)
    path = folder / name
    target = confine.real(path)
    if not Path(os.path.normpath(path)).is_relative_to(folder):
        return f"'{name}' is outside {ASSETS_DIR}/", f"name a file in {ASSETS_DIR}/"
    if not target.is_relative_to(folder):
        where = f"{confine.shown(target, root)}, {confine.outside(target, root, ASSETS_DIR)}"
        return (f"'{name}' is a link to {where}",
                f"put the file itself in {ASSETS_DIR}/, not a link to it")  # fmt: skip
    if not target.is_file():
        return (f"'{name}' not found in {ASSETS_DIR}/",
                f"put the file at {ASSETS_DIR}/{name} or fix the path")  # fmt: skip
    return None


@functools.lru_cache(maxsize=256)  # most plans share the seller's logo, some a buyer's
def asset_bytes(root: Path, name: str) -> bytes:
    return (root / ASSETS_DIR / name).read_bytes()


def load_checked(site: Site, path: Path) -> tuple[Document | None, list[Problem]]:
    """One plan file, loaded with the site's settings and its logos checked.

    The document comes back only when it has no problem.
    """
    target = _leads_out(site.root, path)
    if target is not None:  # a plan a command names, or the dev server reloads
        return None, [confine.link_problem(path, target, site.root, PLANS_DIR, PLAN_LINK_HINT)]
    try:
        doc = load_plan(path, site.config.holidays)
    except Invalid as exc:
        return None, exc.problems
    problems = check_assets(doc, site.root)
    return (None if problems else doc), problems


def check_assets(doc: Document, root: Path) -> list[Problem]:
    problems = []
    for side in ("buyer", "seller"):
        logo = getattr(doc.plan, side).logo
        if logo is None:
            continue
        wrong = asset_problem(root, logo)
        if wrong:
            message, hint = wrong
            problems.append(doc.source.problem((side, "logo"), f"logo {message}", hint))
    return problems


class NoSite(MapsiteError):
    """A command that needs a site, run outside any: one line, with the way out."""

    def __init__(self, start: Path) -> None:
        if start == Path():
            message = f"no {CONFIG_FILE} here or in any parent folder"
            problem = Problem.about("", message, "run mapsite init, or cd into a site")
        elif not start.is_dir():
            message, hint = "no such folder", "name a site's folder, or run mapsite init there"
            problem = Problem.about(str(start), message, hint)
        else:
            message = f"no {CONFIG_FILE} in this folder or any parent folder"
            hint = f"run mapsite init {start}, or name a site's folder"
            problem = Problem.about(str(start), message, hint)
        super().__init__([problem])

    def format_message(self) -> str:
        return str(self.problems[0])


def find_site(start: Path = Path()) -> Path:
    """The site a command works on, found as git finds a repository: the nearest folder,
    from ``start`` up, holding mapsite.yml; else ``start`` itself when it holds a plans/
    folder (mapsite.yml is optional). Run from plans/ or deeper, that is the site above,
    never a stray plans/plans/. Raises ``NoSite`` outside any site.

    The folder comes back as the user would type it (``..`` from plans/), so that
    messages name files the way the user sees them."""
    found = _config_folder(start)
    if found is not None:
        return found
    if (start / PLANS_DIR).is_dir():
        return start
    raise NoSite(start)


def _config_folder(start: Path) -> Path | None:
    here = start.absolute()
    for folder in (here, *here.parents):
        if (folder / CONFIG_FILE).is_file():
            return start if folder == here else Path(os.path.relpath(folder))
    return None


def site_root(plan: Path) -> Path:
    """The site a plan file belongs to: the nearest folder above it holding mapsite.yml,
    else the folder holding its plans/ folder."""
    found = _config_folder(plan.parent)
    if found is not None:
        return found
    folder = plans_folder(plan.absolute())
    return folder.parent if folder else plan.absolute().parent


def find_plan(name: str, root: Path | None = None) -> Path:
    """The plan a command names: a path to a plan file, or a plan's name in the site at
    ``root`` (default: the site here, ``find_site``) (``northwind`` for plans/northwind.md,
    also in a sub-folder of plans/, where ``emea/northwind`` tells two apart). Raises
    ``Invalid`` saying what there is."""
    path = Path(name)
    if path.is_file():
        return path
    if root is None:
        try:
            root = find_site()
        except NoSite:
            raise Invalid([Problem.about(name, "no such plan file", NO_SITE_HINT)]) from None
    plans_dir = root / PLANS_DIR
    found = find_plans(plans_dir) if plans_dir.is_dir() and name.strip() else []
    inside = {p: p.relative_to(plans_dir) for p in found}
    # its path inside plans/, its file's name, or the handle its mails print
    matches = [
        p
        for p, n in inside.items()
        if name in (n.with_suffix("").as_posix(), p.stem, handle_for(n.parts))
    ]
    if len(matches) == 1:
        return matches[0]
    if matches:
        hint = "give its path: " + " or ".join(display_path(p) for p in matches)
        raise Invalid([Problem.about(name, "several plans have this name", hint)])
    if name.endswith(".md") or not found:
        raise Invalid([Problem.about(name, "no such plan file")])
    close = difflib.get_close_matches(name, sorted({p.stem for p in found}), n=1)
    hint = (
        f"did you mean '{close[0]}'?"
        if close
        else f"'mapsite status' lists the plans in {PLANS_DIR}/"
    )
    raise Invalid([Problem.about(name, f"no plan of this name in {PLANS_DIR}/", hint)])


def named_plans(names: Sequence[str]) -> list[Path]:
    """The plans a command names (``find_plan``), or every plan in plans/ here when it
    names none. Raises ``MapsiteError`` with every name not found."""
    problems: list[Problem] = []
    paths: list[Path] = []
    for name in names:
        try:
            paths.append(find_plan(name))
        except Invalid as exc:
            problems += exc.problems
    if not names:
        plans_dir = find_site() / PLANS_DIR
        paths = find_plans(plans_dir) if plans_dir.is_dir() else []
        if not paths:
            hint = "name a plan file, or run this in a site's folder"
            problems.append(Problem.about(PLANS_DIR, "no plans found", hint))
    if problems:
        raise MapsiteError(problems)
    return list(dict.fromkeys(paths))  # a plan named twice is one plan


def plan_holidays(plan: Path) -> str | None:
    """The holiday country of the site a plan file is in (its mapsite.yml)."""
    config, _ = load_config(site_root(plan))
    return config.holidays


def site_brand(site: Site) -> brand.Brand:
    """The theme's default tokens with the site's brand: over them."""
    ours = site.config.brand.model_dump(exclude_none=True, exclude_defaults=True)
    return brand.Brand.model_validate({**site.theme.tokens, **ours})


def brand_warnings(site: Site) -> list[Problem]:
    """Brand colour pairs that fail WCAG AA, located at the token that sets the colour."""
    found = []
    for low in brand.contrast_problems(site_brand(site)):
        hint = f"choose a {'darker' if low.field != 'background' else 'lighter'} {low.field}"
        source = site.config_source
        if source is not None and getattr(site.config.brand, low.field) is not None:
            found.append(source.problem(("brand", low.field), low.message, hint))
        else:
            theme_file = site.theme.chain[0] / themes.THEME_FILE
            found.append(Problem(display_path(theme_file), 1, 1, f"tokens.{low.field}",
                                 low.message, hint))  # fmt: skip
    return found
