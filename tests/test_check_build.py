"""``mapsite check`` fails wherever ``mapsite build`` would, with the same located errors;
and the rules of a protected plan's password (``passwords.py``), in both."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from support import TODAY, VALID_PLAN, token_for

from mapsite.passwords import MIN_LENGTH, RESERVED, reserved

PASSWORD = "correct horse"
PROTECTED = VALID_PLAN.replace(
    "seller:\n  name: Contoso\n",
    f"seller:\n  name: Contoso\nshare:\n  token: {token_for('p')}\n  password_env: NW_PASSWORD\n",
)
# share.password_env's value is on line 9, from column 17


def theme(template: str, text: str) -> Callable[[Path], None]:
    """A site theme 'bad' whose ``template`` is ``text``."""

    def make(site: Path) -> None:
        path = site / "themes" / "bad" / "templates" / template
        path.parent.mkdir(parents=True)
        path.write_text(text, encoding="utf-8")
        (site / "mapsite.yml").write_text("theme: bad\n", encoding="utf-8")

    return make


def plan(text: str, name: str = "northwind") -> Callable[[Path], None]:
    def make(site: Path) -> None:
        (site / "plans" / f"{name}.md").write_text(text, encoding="utf-8")

    return make


def config(text: str) -> Callable[[Path], None]:
    def make(site: Path) -> None:
        (site / "mapsite.yml").write_text(text, encoding="utf-8")

    return make


WITH_TOKEN = VALID_PLAN.replace(
    "seller:\n  name: Contoso\n", f"seller:\n  name: Contoso\nshare:\n  token: {token_for('n')}\n"
)

BROKEN: dict[str, tuple[list[Callable[[Path], None]], dict[str, str], str]] = {
    # name: (what breaks the site, environment, the error both commands report)
    "password-unset": (
        [plan(PROTECTED)],
        {"NW_PASSWORD": ""},
        "plans/northwind.md:9:17: share.password_env: the environment variable NW_PASSWORD "
        "is not set, so the plan cannot be encrypted",
    ),
    "password-variable-of-the-host": (
        [plan(PROTECTED.replace("NW_PASSWORD", "HOME"))],
        {"HOME": "/root"},
        "plans/northwind.md:9:17: share.password_env: HOME is set by the CI, the host or the "
        "shell, not by you: its value is no secret, so it cannot be the plan's password",
    ),
    "password-too-short": (
        [plan(PROTECTED)],
        {"NW_PASSWORD": "hunter2"},
        "plans/northwind.md:9:17: share.password_env: the password in NW_PASSWORD is shorter "
        "than 12 characters",
    ),
    "brand-font-missing": (
        [plan(WITH_TOKEN), config("brand:\n  font_files: [fonts/inter-400.woff2]\n")],
        {},
        "mapsite.yml:2:16: brand.font_files[0]: 'fonts/inter-400.woff2' not found in assets/",
    ),
    "logo-missing": (
        [config("brand:\n  logo: contoso.svg\n"), plan(WITH_TOKEN)],
        {},
        "mapsite.yml:2:9: brand.logo: 'contoso.svg' not found in assets/",
    ),
    "template-undefined": (
        [plan(WITH_TOKEN), theme("partials/why.html", "<p>{{ plan.nope }}</p>\n")],
        {},
        "themes/bad/templates/partials/why.html:1:1: undefined: Plan has no attribute 'nope'",
    ),
    "template-syntax": (
        [plan(WITH_TOKEN), theme("partials/why.html", "{% if %}\n")],
        {},
        "themes/bad/templates/partials/why.html:1:1: Expected an expression",
    ),
    "template-of-the-404-page": (
        [plan(WITH_TOKEN), theme("404.html", '{% include "nothere.html" %}\n')],
        {},
        "themes/bad/templates/404.html:1:1: template 'nothere.html' not found",
    ),
    "template-of-the-locked-page": (
        [plan(PROTECTED), theme("locked.html", "{{ sealed.nope.deeper }}\n")],
        {"NW_PASSWORD": PASSWORD},
        "themes/bad/templates/locked.html:1:1: undefined:",
    ),
    "invalid-plan": (
        [plan(WITH_TOKEN.replace("due: 2026-12-01", "due: soon"))],
        {},
        "plans/northwind.md:22:14: milestones[0].steps[0].due: unknown id 'soon'",
    ),
    "token-clash": (
        [plan(WITH_TOKEN), plan(WITH_TOKEN, "tailspin")],
        {},
        f"plans/tailspin.md:1:1: share.token: the share token '{token_for('n')}' is also used "
        "by plans/northwind.md",
    ),
    "invalid-settings": (
        [plan(WITH_TOKEN), config("page_size: A5\n")],
        {},
        "mapsite.yml:1:12: page_size:",
    ),
    "no-plans": ([], {}, "plans:1:1: no plans found"),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_check_fails_wherever_build_fails(name: str, site: Path, run) -> None:
    breaks, env, error = BROKEN[name]
    for make in breaks:
        make(site)

    checked = run("check", "--today", TODAY, env=env)
    built = run("build", "--no-pdf", "--today", TODAY, env=env)

    assert (checked.exit_code, built.exit_code) == (1, 1), (checked.output, built.output)
    assert built.exception is None or isinstance(built.exception, SystemExit)  # no traceback
    assert error in built.stderr
    errors = built.stderr.splitlines()
    assert errors[-1].endswith(("1 error in 1 file", "1 error in 2 files", "2 errors in 1 file"))
    assert checked.stderr.splitlines() == errors  # the same lines, the same count
    assert not (site / "public").exists()


def test_a_site_that_builds_passes_check(site: Path, run) -> None:
    plan(PROTECTED)(site)
    env = {"NW_PASSWORD": "x" * MIN_LENGTH}  # long enough: the boundary
    assert run("check", "--today", TODAY, env=env).exit_code == 0
    assert run("build", "--no-pdf", "--today", TODAY, env=env).exit_code == 0


def test_an_expired_link_is_a_warning_and_the_build_goes_on(site: Path, run) -> None:
    plan(WITH_TOKEN.replace(f"  token: {token_for('n')}\n", f"  token: {token_for('n')}\n"
                            "  expires: 2026-11-22\n"))(site)  # fmt: skip

    checked = run("check", "--today", TODAY)
    built = run("build", "--no-pdf", "--today", TODAY)

    assert checked.exit_code == 0 and built.exit_code == 0
    assert "plans/northwind.md:9:12: warning: share.expires: the link expired on " in (
        checked.stdout
    )
    assert run("check", "--strict", "--today", TODAY).exit_code == 1


# --- the password's rules ------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["HOME", "URL", "DEPLOY_PRIME_URL", "CONTEXT", "NETLIFY_IMAGES_CDN_DOMAIN", "GITHUB_TOKEN",
     "RUNNER_TEMP", "CI", "PATH", "home", "CI_JOB_TOKEN", "MAPSITE_TODAY"],
)  # fmt: skip
def test_variables_the_ci_or_the_host_sets_are_refused(name: str, site: Path, run) -> None:
    plan(PROTECTED.replace("NW_PASSWORD", name))(site)
    env = {name: "a value long enough to pass"}

    for command in (["check"], ["build", "--no-pdf"]):
        result = run(*command, "--today", TODAY, env=env)
        assert result.exit_code == 1
        assert result.stderr == (
            f"plans/northwind.md:9:17: share.password_env: {name} is set by the CI, the host or "
            "the shell, not by you: its value is no secret, so it cannot be the plan's password "
            "(name a variable of your own, e.g. NORTHWIND_PASSWORD, and set it in Netlify's "
            "environment variables)\n1 error in 1 file\n"
        )


def test_netlifys_documented_read_only_variables_are_all_refused() -> None:
    # docs.netlify.com/configure-builds/environment-variables/#read-only-variables
    documented = [
        "NETLIFY", "BUILD_ID", "CONTEXT", "REPOSITORY_URL", "BRANCH", "HEAD", "COMMIT_REF",
        "CACHED_COMMIT_REF", "PULL_REQUEST", "REVIEW_ID", "URL", "DEPLOY_URL",
        "DEPLOY_PRIME_URL", "DEPLOY_ID", "SITE_NAME", "SITE_ID", "NETLIFY_IMAGES_CDN_DOMAIN",
    ]  # fmt: skip
    assert all(reserved(name) for name in documented)
    assert not any(reserved(name) for name in ["NW_PASSWORD", "MY_URL", "CIRCLE", "HOMEPAGE"])
    assert "URL" in RESERVED


@pytest.mark.parametrize(
    ("password", "ok"),
    [("a" * 11, False), ("a" * 12, True), ("ünïcödé-wörd", True), ("hunter2", False)],
)
def test_a_password_needs_12_characters(password: str, ok: bool, site: Path, run) -> None:
    plan(PROTECTED)(site)

    result = run("build", "--no-pdf", "--today", TODAY, env={"NW_PASSWORD": password})

    if ok:
        assert result.exit_code == 0, result.stderr
        return
    assert result.exit_code == 1
    assert result.stderr == (
        "plans/northwind.md:9:17: share.password_env: the password in NW_PASSWORD is shorter "
        "than 12 characters: anyone with the link can guess offline, and a 6-character "
        "password falls to one GPU in hours even at 600,000 PBKDF2 rounds (set NW_PASSWORD to "
        "at least 12 characters, e.g. three or four random words)\n1 error in 1 file\n"
    )
    assert password not in result.output  # never printed


def test_mapsite_pdf_follows_the_same_rules(site: Path, run) -> None:
    plan(PROTECTED)(site)
    result = run("pdf", "plans/northwind.md", "-o", "out", env={"NW_PASSWORD": "hunter2"})
    assert result.exit_code == 1
    assert result.stderr.startswith(
        "plans/northwind.md:9:17: share.password_env: the password in NW_PASSWORD is shorter"
    )
    assert not Path("out").exists()
