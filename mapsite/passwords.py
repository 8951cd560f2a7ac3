"""The rules a protected plan's password follows (``share.password_env``), for ``build``,
``pdf`` and ``check`` alike.

The password comes from an environment variable the plan names. Three ways to get it
wrong, each a located error:

- the variable is not set: the plan cannot be encrypted, and is never published clear;
- the variable is one the CI or the host sets itself (``HOME``, Netlify's ``URL``...):
  its value is no secret (``/root``, the site's own address);
- the password is short: anyone with the link can download the page and guess offline,
  as fast as their hardware allows, for as long as they like.

Why 12 characters: the page's key comes from PBKDF2-HMAC-SHA256 at 600,000 rounds
(``seal.ITERATIONS``). One current GPU computes PBKDF2-HMAC-SHA256 at about 9 million
rounds of 999 iterations a second (hashcat, mode 10900), so about 15,000 guesses a
second at 600,000: 6 lower-case letters (3 * 10^8) fall in about 6 hours, 8 in about
5 months (days on a rented rack); 12 lower-case letters (10^17) take some 200,000
years. Real passwords are not random letters, so 12 is the floor, not a target.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from .errors import Problem
from .load import Document

MIN_LENGTH = 12
"""Characters; see the module's docstring for why."""


def _names(*groups: str) -> frozenset[str]:
    return frozenset(" ".join(groups).split())


RESERVED = _names(
    # Netlify's read-only build variables (build metadata, Git metadata, deploy URLs):
    # https://docs.netlify.com/configure-builds/environment-variables/#read-only-variables
    "NETLIFY BUILD_ID CONTEXT REPOSITORY_URL BRANCH HEAD COMMIT_REF CACHED_COMMIT_REF",
    "PULL_REQUEST REVIEW_ID URL DEPLOY_URL DEPLOY_PRIME_URL DEPLOY_ID SITE_NAME SITE_ID",
    # ... and the configuration variables of its build image (the same page)
    "NODE_VERSION NODE_ENV NPM_VERSION NPM_FLAGS NPM_TOKEN YARN_VERSION YARN_FLAGS",
    "PYTHON_VERSION RUBY_VERSION GO_VERSION HUGO_VERSION PHP_VERSION JAVA_VERSION",
    "GIT_LFS_ENABLED GIT_LFS_FETCH_INCLUDE",
    # every CI (GitHub Actions, GitLab CI, CircleCI, Travis...) sets CI=true
    "CI BUILD_NUMBER JOB_ID",
    # the shell and the operating system (POSIX, plus what every Linux login sets)
    "HOME PATH PWD OLDPWD USER LOGNAME SHELL TERM LANG LANGUAGE TZ TMPDIR HOSTNAME",
    "MAIL EDITOR VISUAL DISPLAY SHLVL _",
    # mapsite's own settings
    "MAPSITE_PDF MAPSITE_TODAY MAPSITE_CHROMIUM MAPSITE_CACHE_DIR",
)
"""Variables set by the CI, the host or the shell: their values are known, not secrets."""

RESERVED_PREFIXES = (
    "NETLIFY_",  # Netlify's own (NETLIFY_IMAGES_CDN_DOMAIN, NETLIFY_BUILD_DEBUG...)
    "GITHUB_",  # GitHub Actions: https://docs.github.com/actions/reference/variables-reference
    "RUNNER_",  # ... its runner
    "ACTIONS_",  # ... and its tokens for the runner's own services
    "CI_",  # GitLab CI
    "GITLAB_",
    "CIRCLE_",  # CircleCI
    "TRAVIS_",
    "BITBUCKET_",
    "VERCEL_",
    "CF_PAGES",  # Cloudflare Pages
    "LC_",  # locale settings
    "XDG_",  # desktop folders
)


def reserved(name: str) -> bool:
    """Whether ``name`` is a variable that something other than the rep sets."""
    upper = name.upper()  # Windows' variables ignore case
    return upper in RESERVED or upper.startswith(RESERVED_PREFIXES)


def password_problems(doc: Document, environ: Mapping[str, str] = os.environ) -> list[Problem]:
    """A protected plan is never published in the clear, nor under a guessable password:
    its variable must be one of the rep's own, set, and hold at least MIN_LENGTH
    characters."""
    name = doc.plan.share.password_env
    if name is None:
        return []
    loc = ("share", "password_env")
    if reserved(name):
        return [
            doc.source.problem(
                loc,
                f"{name} is set by the CI, the host or the shell, not by you: its value is "
                "no secret, so it cannot be the plan's password",
                "name a variable of your own, e.g. NORTHWIND_PASSWORD, and set it in "
                "Netlify's environment variables",
            )
        ]
    password = environ.get(name)
    if not password:
        return [
            doc.source.problem(
                loc,
                f"the environment variable {name} is not set, so the plan cannot be encrypted",
                f"set {name} to the plan's password, e.g. in Netlify's environment variables, "
                "or remove password_env",
            )
        ]
    if len(password) < MIN_LENGTH:
        return [
            doc.source.problem(
                loc,
                f"the password in {name} is shorter than {MIN_LENGTH} characters: anyone with "
                "the link can guess offline, and a 6-character password falls to one GPU in "
                "hours even at 600,000 PBKDF2 rounds",
                f"set {name} to at least {MIN_LENGTH} characters, e.g. three or four random words",
            )
        ]
    return []
