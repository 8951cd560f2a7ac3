"""Private links: tokens, rotation, expiry, links, passwords, and a site that leaks nothing."""

from __future__ import annotations

import base64
import re
import tomllib
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from cryptography.exceptions import InvalidTag
from support import REPO, TODAY, VALID_PLAN, sealed_of, token_for

from mapsite import seal
from mapsite.load import load_plan
from mapsite.share import new_token

TOKEN = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{21}$")


def front(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])


def build(run, *args: str, env: dict[str, str] | None = None) -> Path:
    result = run("build", "--today", TODAY, *args, env=env)
    assert result.exit_code == 0, result.stderr
    return Path("public").absolute()


def plan_with(share: str, title: str = "Revenue forecasting rollout") -> str:
    """VALID_PLAN with this ``share:`` block (as YAML lines) after the seller."""
    text = VALID_PLAN.replace("title: Revenue forecasting rollout", f"title: {title}")
    return text.replace("seller:\n  name: Contoso\n", f"seller:\n  name: Contoso\n{share}")


# --- tokens ---------------------------------------------------------------------------


def test_tokens_are_random_128_bits_and_read_back_from_yaml() -> None:
    tokens = {new_token() for _ in range(200)}
    assert len(tokens) == 200
    for token in tokens:
        assert TOKEN.match(token), token
        assert len(base64.urlsafe_b64decode(token + "==")) == 16
        assert yaml.safe_load(f"t: {token}") == {"t": token}


def test_new_writes_a_token_and_the_page_lives_under_it(site: Path, run) -> None:
    assert run("new", "northwind", "--today", TODAY).exit_code == 0
    assert run("new", "tailspin", "--today", TODAY).exit_code == 0
    first = front(site / "plans" / "northwind.md")["share"]["token"]
    second = front(site / "plans" / "tailspin.md")["share"]["token"]
    assert TOKEN.match(first) and TOKEN.match(second) and first != second

    public = build(run)

    assert "Northwind" in (public / first / "index.html").read_text(encoding="utf-8")
    assert not (public / "northwind").exists()
    again = build(run)  # the link is the same on every build
    assert (again / first / "index.html").is_file()


def test_a_plan_without_a_token_is_an_error_that_names_the_fix(write_plan, run) -> None:
    write_plan("northwind", token=False)

    result = run("check")

    assert result.exit_code == 1
    assert result.stderr == (
        "plans/northwind.md:2:1: share: required field 'share' is missing "
        "(give the plan a private link with: mapsite rotate plans/northwind.md)\n"
        "1 error in 1 file\n"
    )


def test_two_plans_with_one_token_are_refused(write_plan, run) -> None:
    write_plan("northwind", plan_with("share:\n  token: Abcdefghijklmnopqrstuv\n"))
    clash = "share:\n  token: Zyxwvutsrqponmlkjihgfe\n  previous: [Abcdefghijklmnopqrstuv]\n"
    write_plan("tailspin", plan_with(clash))

    result = run("build", "--today", TODAY)

    assert result.exit_code == 1
    assert result.stderr == (
        "plans/tailspin.md:1:1: share.token: the share token 'Abcdefghijklmnopqrstuv' is also "
        "used by plans/northwind.md (give this plan a new link: mapsite rotate plans/tailspin.md)\n"
        "1 error in 1 file\n"
    )


# --- rotate ---------------------------------------------------------------------------


def test_rotate_replaces_the_token_and_keeps_the_rest_of_the_file(write_plan, run) -> None:
    path = write_plan("northwind", plan_with("share:\n  token: Abcdefghijklmnopqrstuv\n"))
    before = path.read_text(encoding="utf-8")

    result = run("rotate", "plans/northwind.md")

    assert result.exit_code == 0, result.stderr
    share = front(path)["share"]
    assert TOKEN.match(share["token"]) and share["previous"] == ["Abcdefghijklmnopqrstuv"]
    assert result.stdout == (
        f"plans/northwind.md: replaced the share token; new link path /{share['token']}/\n"
    )
    after = path.read_text(encoding="utf-8")
    old_block = "share:\n  token: Abcdefghijklmnopqrstuv\n"
    new_block = f"share:\n  token: {share['token']}\n  previous: [Abcdefghijklmnopqrstuv]\n"
    assert after == before.replace(old_block, new_block)


def test_rotating_twice_keeps_every_old_token_newest_first(write_plan, run) -> None:
    path = write_plan("northwind", plan_with("share:\n  token: Abcdefghijklmnopqrstuv\n"))
    run("rotate", "plans/northwind.md")
    middle = front(path)["share"]["token"]
    run("rotate", "plans/northwind.md")
    assert front(path)["share"]["previous"] == [middle, "Abcdefghijklmnopqrstuv"]


def test_rotate_keeps_expiry_and_password_settings(write_plan, run) -> None:
    share = (
        "share:\n  token: Abcdefghijklmnopqrstuv  # the link\n  expires: 2027-06-30\n"
        "  password_env: NORTHWIND_PASSWORD\n"
    )
    path = write_plan("northwind", plan_with(share))
    run("rotate", "plans/northwind.md")
    rotated = front(path)["share"]
    assert rotated["expires"] == date(2027, 6, 30)
    assert rotated["password_env"] == "NORTHWIND_PASSWORD"
    assert rotated["previous"] == ["Abcdefghijklmnopqrstuv"]
    assert run("check", env={"NORTHWIND_PASSWORD": "correct horse"}).exit_code == 0


def test_rotate_adds_a_token_to_a_plan_without_one(write_plan, run) -> None:
    path = write_plan("northwind", token=False)
    result = run("rotate", "plans/northwind.md")
    assert result.stdout.startswith("plans/northwind.md: added a share token; new link path /")
    assert TOKEN.match(front(path)["share"]["token"])
    assert "previous" not in front(path)["share"]
    assert run("check").exit_code == 0


def test_the_old_link_answers_gone_and_the_new_one_works(write_plan, run) -> None:
    path = write_plan("northwind", plan_with("share:\n  token: Abcdefghijklmnopqrstuv\n"))
    run("rotate", "plans/northwind.md")
    new = front(path)["share"]["token"]

    public = build(run)

    assert "Revenue forecasting rollout" in (public / new / "index.html").read_text("utf-8")
    old_page = (public / "Abcdefghijklmnopqrstuv" / "index.html").read_text(encoding="utf-8")
    assert "This link was replaced" in old_page
    assert "ask your contact for the new one" in old_page.lower()
    assert "Northwind" not in old_page and "Revenue" not in old_page
    redirects = (public / "_redirects").read_text(encoding="utf-8")
    assert "/Abcdefghijklmnopqrstuv/*  /replaced.html  410!\n" in redirects
    assert new not in redirects  # a live link is never listed anywhere


# --- expiry ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expires", "live"),
    [("2026-11-22", False), ("2026-11-23", True), ("2027-06-30", True)],
)
def test_a_plan_expires_after_its_date(write_plan, run, expires: str, live: bool) -> None:
    token = token_for("northwind")
    write_plan("northwind", plan_with(f"share:\n  token: {token}\n  expires: {expires}\n"))

    public = build(run)

    page = (public / token / "index.html").read_text(encoding="utf-8")
    rule = f"/{token}/*  /expired.html  410!\n"
    if live:
        assert "Revenue forecasting rollout" in page
        assert rule not in (public / "_redirects").read_text(encoding="utf-8")
    else:
        assert "This link has expired" in page
        assert rule in (public / "_redirects").read_text(encoding="utf-8")
        for file in public.rglob("*"):
            if file.is_file():
                text = file.read_bytes()
                assert b"Revenue forecasting" not in text and b"Priya" not in text, file


# --- links ----------------------------------------------------------------------------


def test_links_prints_each_plans_full_address(write_plan, run, site: Path) -> None:
    (site / "mapsite.yml").write_text("base_url: https://plans.contoso.example/\n")
    protected = f"share:\n  token: {token_for('n')}\n  password_env: NW_PW\n"
    expired = f"share:\n  token: {token_for('t')}\n  expires: 2026-11-01\n"
    write_plan("northwind", plan_with(protected))
    write_plan("tailspin", plan_with(expired))

    result = run("links", "--today", TODAY)

    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        f"plans/northwind.md  https://plans.contoso.example/{token_for('n')}/"
        "  (password from $NW_PW; no calendar: calendar apps cannot open a protected plan)\n"
        f"plans/tailspin.md   https://plans.contoso.example/{token_for('t')}/"
        "  (expired on 2026-11-01: the link answers 410 Gone)\n"
    )
    assert result.stderr == ""


@pytest.mark.parametrize(
    ("expires", "note"),
    [
        ("2026-11-22", "expired on 2026-11-22: the link answers 410 Gone"),
        ("2026-11-23", "until 2026-11-23"),  # the link works to the end of its last day
    ],
)
def test_links_say_until_when_a_link_works(write_plan, run, expires: str, note: str) -> None:
    write_plan("northwind", plan_with(f"share:\n  token: {token_for('n')}\n  expires: {expires}\n"))
    result = run("links", "--today", TODAY, env={"URL": ""})
    assert result.stdout == f"plans/northwind.md  /{token_for('n')}/  ({note})\n"


def test_links_use_netlifys_url_when_there_is_no_base_url(write_plan, run) -> None:
    write_plan("northwind")
    result = run("links", env={"URL": "https://eager-plans-123.netlify.app"})
    token = token_for("northwind")
    assert result.stdout == f"plans/northwind.md  https://eager-plans-123.netlify.app/{token}/\n"


def test_links_without_any_address_say_so(write_plan, run) -> None:
    write_plan("northwind")
    result = run("links", env={"URL": ""})
    assert result.stdout == f"plans/northwind.md  /{token_for('northwind')}/\n"
    assert "no base_url" in result.stderr


# --- passwords ------------------------------------------------------------------------

SECRET_PLAN = plan_with(
    f"share:\n  token: {token_for('secret')}\n  password_env: NORTHWIND_PASSWORD\n",
    title="Project Bluebird",
)


def test_a_protected_plan_without_its_password_is_not_built(write_plan, run) -> None:
    write_plan("northwind", SECRET_PLAN)

    result = run("build", "--today", TODAY, env={"NORTHWIND_PASSWORD": ""})

    assert result.exit_code == 1
    assert result.stderr == (
        "plans/northwind.md:9:17: share.password_env: the environment variable "
        "NORTHWIND_PASSWORD is not set, so the plan cannot be encrypted (set "
        "NORTHWIND_PASSWORD to the plan's password, e.g. in Netlify's environment "
        "variables, or remove password_env)\n"
        "1 error in 1 file\n"
    )
    assert not Path("public").exists()


def test_a_protected_plan_is_published_only_encrypted(write_plan, run, site: Path) -> None:
    write_plan("northwind", SECRET_PLAN)
    (site / "assets" / "logos").mkdir(parents=True)
    (site / "assets" / "logos" / "northwind.svg").write_text(
        "<svg xmlns='http://www.w3.org/2000/svg'/>"
    )
    text = (site / "plans" / "northwind.md").read_text(encoding="utf-8")
    buyer = "  name: Northwind Financial\n"
    text = text.replace(buyer, buyer + "  logo: logos/northwind.svg\n")
    (site / "plans" / "northwind.md").write_text(text, encoding="utf-8")

    public = build(run, env={"NORTHWIND_PASSWORD": "correct horse"})
    folder = public / token_for("secret")

    page = (folder / "index.html").read_text(encoding="utf-8")
    assert "This plan is protected" in page
    sealed = sealed_of(page)
    assert sealed.iterations >= 600_000
    assert len(base64.b64decode(sealed.salt)) == 16 and len(base64.b64decode(sealed.nonce)) == 12
    clear = seal.unseal(sealed, "correct horse")
    assert "Project Bluebird" in clear and "Sign the order form" in clear
    assert 'src="data:image/svg+xml;base64,' in clear  # the logo travels inside
    with pytest.raises(InvalidTag):
        seal.unseal(sealed, "wrong horse")
    assert sorted(p.name for p in folder.iterdir()) == ["index.html"]  # no logo file beside it
    secrets = ("Project Bluebird", "Northwind", "Priya Raman", "Sign the order form", "horse")
    for secret in secrets:
        for file in public.rglob("*"):
            if file.is_file():
                assert secret.encode() not in file.read_bytes(), (secret, file)


def test_every_build_seals_with_a_fresh_nonce_and_the_plans_own_salt(write_plan, run) -> None:
    # the salt stays from build to build (a browser that remembers the key keeps opening
    # the plan), and is the plan's own: made from its token, different for every plan
    other = plan_with(
        f"share:\n  token: {token_for('other')}\n  password_env: NORTHWIND_PASSWORD\n"
    )
    write_plan("northwind", SECRET_PLAN)
    write_plan("other", other)
    env = {"NORTHWIND_PASSWORD": "correct horse"}
    first = sealed_of((build(run, env=env) / token_for("secret") / "index.html").read_text())
    public = build(run, env=env)
    second = sealed_of((public / token_for("secret") / "index.html").read_text())
    another = sealed_of((public / token_for("other") / "index.html").read_text())

    assert first.nonce != second.nonce and first.ciphertext != second.ciphertext
    assert first.salt == second.salt != another.salt
    assert base64.b64decode(first.salt) == seal.plan_salt(token_for("secret"))
    assert seal.unseal(first, "correct horse") == seal.unseal(second, "correct horse")


def test_a_plans_salt_is_16_bytes_made_from_its_token_alone() -> None:
    salt = seal.plan_salt("Bluebirdxxxxxxxxxxxxxxx")
    assert salt == seal.plan_salt("Bluebirdxxxxxxxxxxxxxxx")
    # pinned: a new way to make it would make every browser ask for the password again
    assert salt.hex() == "15bb6b18f9e9e24083b8d9c0cc1d2867"
    assert seal.plan_salt("Bluebirdxxxxxxxxxxxxxxy") != salt
    assert seal.plan_salt("Bluebirdxxxxxxxxxxxxxxé") != seal.plan_salt("Bluebirdxxxxxxxxxxxxxxe")


def test_a_page_sealed_with_another_iteration_count_still_opens() -> None:
    # the count travels with the page (data-iterations): raising ITERATIONS one day
    # must not lock out pages built before
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    salt, nonce = seal.plan_salt("Bluebirdxxxxxxxxxxxxxxx"), b"n" * 12
    key = seal.derive_key("correct horse", salt, iterations=1_000)
    sealed = seal.Sealed(
        *(base64.b64encode(b).decode() for b in (salt, nonce)),
        base64.b64encode(
            AESGCM(key).encrypt(nonce, "Projet Bluebird – été".encode(), None)
        ).decode(),
        iterations=1_000,
    )
    assert seal.unseal(sealed, "correct horse") == "Projet Bluebird – été"


def test_a_sealed_pdf_opens_only_with_the_password_and_aes_256() -> None:
    import io

    from pypdf import PasswordType, PdfReader, PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.add_blank_page(200, 200)
    writer.add_metadata({"/Title": "Project Bluebird"})
    clear = io.BytesIO()
    writer.write(clear)

    data = seal.encrypt_pdf(clear.getvalue(), "correct horse")

    assert b"Project Bluebird" not in data
    for wrong in ("", "correct hors", "wrong horse"):
        assert PdfReader(io.BytesIO(data)).decrypt(wrong) == PasswordType.NOT_DECRYPTED
    reader = PdfReader(io.BytesIO(data))
    encryption = reader.trailer["/Encrypt"].get_object()
    assert (encryption["/V"], encryption["/R"]) == (5, 6)  # AES-256, PDF 2.0
    assert reader.decrypt("correct horse") != PasswordType.NOT_DECRYPTED
    assert reader.metadata is not None and reader.metadata.title == "Project Bluebird"
    assert len(reader.pages) == 2


def test_a_protected_plan_carries_the_buyers_colour_inside(write_plan, run, site: Path) -> None:
    # plan.css beside the page would tell anyone with the link who the buyer is
    accent = SECRET_PLAN.replace(
        "  name: Northwind Financial\n", '  name: Northwind Financial\n  accent: "#9d174d"\n'
    )
    write_plan("northwind", accent)

    public = build(run, env={"NORTHWIND_PASSWORD": "correct horse"})
    folder = public / token_for("secret")

    assert sorted(p.name for p in folder.iterdir()) == ["index.html"]
    for file in public.rglob("*"):
        if file.is_file():
            assert b"9d174d" not in file.read_bytes().lower(), file
    clear = seal.unseal(sealed_of((folder / "index.html").read_text()), "correct horse")
    [href] = re.findall(r'<link rel="stylesheet" href="data:text/css;base64,([^"]+)">', clear)
    css = base64.b64decode(href).decode()
    assert css.startswith(":root { --plan-buyer: #9d174d; }\n@media screen and (prefers-color")
    assert "--plan-buyer-dark: #" in css


@pytest.mark.pdf
def test_a_protected_plans_pdf_is_encrypted(write_plan, run) -> None:
    from pypdf import PdfReader

    write_plan("northwind", SECRET_PLAN)
    public = build(run, env={"NORTHWIND_PASSWORD": "correct horse"})
    folder = public / token_for("secret")

    assert sorted(p.name for p in folder.iterdir()) == ["index.html", "plan.pdf"]
    data = (folder / "plan.pdf").read_bytes()
    assert b"Bluebird" not in data
    reader = PdfReader(folder / "plan.pdf")
    assert reader.is_encrypted
    assert reader.decrypt("wrong horse") == 0
    reader = PdfReader(folder / "plan.pdf")
    assert reader.decrypt("correct horse") != 0
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Project Bluebird" in text and "Sign the order form" in text
    assert len(reader.xref_objStm) > 100  # packed as an open plan's (test_pdf.py)


# --- nothing leaks --------------------------------------------------------------------


class Refs(HTMLParser):
    """Every address a page loads or links to, and whatever a CSP would refuse."""

    def __init__(self) -> None:
        super().__init__()
        self.loads: list[str] = []
        self.links: list[tuple[str, str]] = []
        self.inline: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        for name in ("src", "srcset", "poster", "data"):
            if a.get(name):
                self.loads.append(a[name] or "")
        if tag == "link" and a.get("href"):
            self.loads.append(a["href"] or "")
        if tag == "a" and a.get("href"):
            self.links.append((a["href"] or "", a.get("rel") or ""))
        if tag == "script" and not a.get("src"):
            self.inline.append("inline <script>")
        if tag == "style":
            self.inline.append("<style>")
        self.inline += [f"{tag} {name}=" for name in a if name == "style" or name.startswith("on")]


def example_with_secret(example_site: Path) -> Path:
    """The example site plus a protected plan for a buyer of its own."""
    text = SECRET_PLAN.replace("Northwind Financial", "Bluebird Bank")
    text = text.replace("Priya Raman", "Ines Duarte")
    (example_site / "plans" / "secret.md").write_text(text, encoding="utf-8")
    return example_site


def test_no_plan_leaks_into_another_plans_files(example_site: Path, run) -> None:
    example_with_secret(example_site)
    public = build(run, env={"NORTHWIND_PASSWORD": "correct horse"})
    plans = {p: load_plan(p).plan for p in sorted((example_site / "plans").glob("*.md"))}
    for path, plan in plans.items():
        own = public / plan.share.token
        secrets = {plan.share.token, plan.title, plan.buyer.name, path.stem}
        secrets |= {s.name for s in plan.stakeholders if s.side == "buyer"}
        for file in public.rglob("*"):
            if not file.is_file() or file.is_relative_to(own):
                continue
            name = file.relative_to(public).as_posix().lower()
            assert not any(secret.lower() in name for secret in secrets), name
            data = file.read_bytes()
            for secret in secrets:
                assert secret.encode() not in data, (
                    f"{file.relative_to(public)} mentions {secret!r}"
                )


def test_pages_load_nothing_from_other_hosts_and_run_no_inline_code(
    example_site: Path, run
) -> None:
    example_with_secret(example_site)
    public = build(run, env={"NORTHWIND_PASSWORD": "correct horse"})
    pages = sorted(public.rglob("*.html"))
    assert len(pages) >= 8
    for page in pages:
        refs = Refs()
        refs.feed(page.read_text(encoding="utf-8"))
        name = page.relative_to(public)
        for url in refs.loads:
            assert not re.match(r"^[a-z]+:|^//", url) or url.startswith("data:image/"), (name, url)
        for href, rel in refs.links:
            if re.match(r"^https?:|^//", href):
                assert {"noopener", "noreferrer"} <= set(rel.split()), (name, href)
        assert refs.inline == [], (name, refs.inline)
        html = page.read_text(encoding="utf-8")
        assert '<meta name="robots" content="noindex, nofollow">' in html, name


def test_robots_txt_keeps_every_crawler_out(example_site: Path, run) -> None:
    public = build(run)
    assert (public / "robots.txt").read_text() == "User-agent: *\nDisallow: /\n"
    for name in ("sitemap.xml", "feed.xml", "rss.xml", "atom.xml", "search.json"):
        assert not (public / name).exists()
    assert not (public / "assets").exists()  # logos are published per plan, not as a folder


# --- netlify.toml ---------------------------------------------------------------------


def netlify_headers(path: Path = REPO / "netlify.toml", rule: str = "/*") -> dict[str, str]:
    config = tomllib.loads(path.read_text(encoding="utf-8"))
    rules = [h for h in config["headers"] if h["for"] == rule]
    assert len(rules) == 1
    assert {h["for"] for h in config["headers"]} == {"/*", "/*.ics"}
    return rules[0]["values"]


def test_netlify_builds_the_site_with_pdfs() -> None:
    config = tomllib.loads((REPO / "netlify.toml").read_text(encoding="utf-8"))
    assert config["build"]["publish"] == "public"
    assert "mapsite build . -o public" in config["build"]["command"]
    assert "playwright install chromium" in config["build"]["command"]
    assert config["build"]["environment"]["PYTHON_VERSION"] == "3.11"


def test_netlify_headers_keep_the_site_private() -> None:
    headers = netlify_headers()
    assert headers["X-Robots-Tag"].startswith("noindex")
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Cache-Control"] == "no-cache"
    csp = dict(
        (part.split()[0], part.split()[1:])
        for part in headers["Content-Security-Policy"].split(";")
    )
    assert csp["default-src"] == ["'none'"]
    assert csp["script-src"] == ["'self'"] and csp["style-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in headers["Content-Security-Policy"]


def test_init_writes_the_same_netlify_settings(tmp_path: Path, run) -> None:
    assert run("init", str(tmp_path / "deals"), "--today", TODAY).exit_code == 0
    written = (tmp_path / "deals" / "netlify.toml").read_text(encoding="utf-8")
    ours = (REPO / "netlify.toml").read_text(encoding="utf-8")
    # the repository builds its own checkout; a new site installs mapsite from PyPI
    assert written == ours.replace("pip install . &&", "pip install mapsite &&")
    assert netlify_headers(tmp_path / "deals" / "netlify.toml") == netlify_headers()
    ics = netlify_headers(tmp_path / "deals" / "netlify.toml", "/*.ics")
    assert ics == netlify_headers(rule="/*.ics")


def test_netlify_serves_calendars_as_calendars() -> None:
    # only the type: the security headers of "/*" apply to .ics files too (Netlify
    # merges every rule that matches), so this rule must not set any of them again
    assert netlify_headers(rule="/*.ics") == {"Content-Type": "text/calendar; charset=utf-8"}


def test_netlify_keeps_the_last_site_for_the_next_build(tmp_path: Path, run) -> None:
    """The build plugin init writes (and this repository uses) caches what an
    incremental build reads: the output and its record, by the names mapsite gives them."""
    import json

    from mapsite.incremental import record_path

    assert run("init", str(tmp_path / "deals"), "--today", TODAY).exit_code == 0
    plugin = tmp_path / "deals" / "netlify" / "plugins" / "mapsite-cache"
    ours = REPO / "netlify" / "plugins" / "mapsite-cache"
    for name in ("manifest.yml", "index.js"):
        assert (plugin / name).read_text() == (ours / name).read_text(), name
    paths = re.search(r"const PATHS = (\[.*?\]);", (plugin / "index.js").read_text())
    assert paths and json.loads(paths.group(1)) == ["public", record_path(Path("public")).name]
    toml = tomllib.loads((tmp_path / "deals" / "netlify.toml").read_text())
    assert toml["build"]["publish"] == "public"
    assert toml["plugins"] == [{"package": "/netlify/plugins/mapsite-cache"}]
