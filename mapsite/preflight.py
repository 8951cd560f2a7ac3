"""What would stop ``mapsite build``, found without writing anything: for ``mapsite check``.

``check`` must fail wherever ``build`` would, with the same located errors. Loading
the site (``site.load_site``) already finds what the build's loading finds; this adds
what only publishing meets: a protected plan's password (``passwords.py``) and the
theme's templates, each page rendered in memory as the build renders it.
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

from .errors import MapsiteError, Problem
from .page import GONE_EXPIRED, GONE_REPLACED, Page
from .passwords import password_problems
from .seal import Sealed
from .site import Site
from .writer import SiteWriter, template_errors


def build_problems(site: Site, today: date) -> list[Problem]:
    """Every problem that would make ``mapsite build`` of the loaded ``site`` fail."""
    # a draft is not published: its password is not needed yet
    problems = [p for doc in site.documents if not doc.plan.draft for p in password_problems(doc)]
    return problems + template_problems(site, today)


def template_problems(site: Site, today: date) -> list[Problem]:
    """The first template error of the theme, as the build would report it: every page
    the build writes is rendered (and thrown away)."""
    with tempfile.TemporaryDirectory(prefix="mapsite-check-") as nowhere:
        # copy_files=False: the writer only hashes the theme's files, it writes nothing
        writer = SiteWriter(site, Path(nowhere), today, copy_files=False)
        try:
            with template_errors():
                for name in ("index.html", "404.html"):
                    writer.env.get_template(name).render(writer.common, root="")
                for name in (GONE_REPLACED, GONE_EXPIRED):
                    writer.render_gone(name, "")
                for doc in site.documents:
                    page = Page.of(doc, today)
                    if page.expired:
                        continue
                    writer.render_plan(doc)
                    if page.password_env:
                        locked = writer.env.get_template("locked.html")
                        locked.render(writer.common, sealed=Sealed("", "", ""), root="../")
        except MapsiteError as exc:
            return exc.problems
    return []
