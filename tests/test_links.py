"""Links (symlinks) in themes/, plans/ and assets/ that lead out of their folder are
refused with a message at the link that says where it leads; nothing is published.
Links that stay in their folder work as the files they lead to."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from support import TODAY, page_of

from mapsite import confine

SECRET = "TOP SECRET: root:x:0:0"
THEME_HINT = "(a theme uses only files inside themes/: copy the file there, or remove the link)"
PLAN_HINT = "(mapsite reads only files inside plans/: move the file there, or remove the link)"
ASSET_HINT = "(put the file itself in assets/, not a link to it)"


@pytest.fixture
def secret(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A file outside the site, as /etc/passwd or ~/.ssh/id_rsa would be."""
    path = tmp_path_factory.mktemp("elsewhere") / "secret.txt"
    path.write_text(f"{SECRET}\n", encoding="utf-8")
    return path


def use_theme(site: Path, name: str) -> Path:
    config = site / "mapsite.yml"
    text = re.sub(r"^theme: .*\n", "", config.read_text(encoding="utf-8"), flags=re.M)
    config.write_text(f"{text}theme: {name}\n", encoding="utf-8")
    folder = site / "themes" / name
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def nothing_published(site: Path) -> None:
    assert not (site / "public").exists()
    for path in site.rglob("*"):
        if path.is_file() and not path.is_symlink():
            assert SECRET not in path.read_text(encoding="utf-8", errors="replace"), path


# --- themes ---------------------------------------------------------------------------


THEME_LINKS = [
    ("static/evil.css", "static/evil.css"),
    ("static/fonts/brand-400.woff2", "static/fonts/brand-400.woff2"),
    ("templates/partials/why.html", "templates/partials/why.html"),
    ("theme.yml", "theme.yml"),
]


@pytest.mark.parametrize(("where", "shown"), THEME_LINKS)
@pytest.mark.parametrize("command", ["build", "check"])
def test_a_theme_file_linked_outside_the_site_is_refused(
    example_site: Path, run, secret: Path, where: str, shown: str, command: str
) -> None:
    folder = use_theme(example_site, "evil")
    (folder / where).parent.mkdir(parents=True, exist_ok=True)
    (folder / where).symlink_to(secret)

    result = run(command, "--today", TODAY)

    assert result.exit_code == 1
    assert result.stderr == (
        f"themes/evil/{shown}: a link to {secret}, outside the site {THEME_HINT}\n"
        "1 error in 1 file\n"
    )
    nothing_published(example_site)


def test_a_theme_folder_linked_outside_is_refused(example_site: Path, run, secret: Path) -> None:
    static = secret.parent / "static"
    static.mkdir()
    (static / "evil.css").write_text(SECRET, encoding="utf-8")
    use_theme(example_site, "other")
    (example_site / "themes" / "other").rmdir()
    (example_site / "themes" / "other").symlink_to(secret.parent)

    result = run("build", "--today", TODAY)

    assert result.exit_code == 1
    assert result.stderr == (
        f"themes/other: a link to {secret.parent}, outside the site {THEME_HINT}\n"
        "1 error in 1 file\n"
    )
    nothing_published(example_site)


def test_a_theme_sub_folder_linked_outside_is_refused(
    example_site: Path, run, secret: Path
) -> None:
    folder = use_theme(example_site, "evil")
    (folder / "static").mkdir()
    (folder / "static" / "fonts").symlink_to(secret.parent)

    result = run("build", "--today", TODAY)

    assert result.exit_code == 1
    assert result.stderr == (
        f"themes/evil/static/fonts: a link to {secret.parent}, outside the site {THEME_HINT}\n"
        "1 error in 1 file\n"
    )


def test_a_theme_file_linked_elsewhere_in_the_site_is_refused(example_site: Path, run) -> None:
    """Inside the site but outside themes/: the site's .env, .git/ or public/ are not a
    theme's to publish."""
    (example_site / ".env").write_text(f"NORTHWIND_PASSWORD={SECRET}\n", encoding="utf-8")
    folder = use_theme(example_site, "evil")
    (folder / "static").mkdir()
    (folder / "static" / "env.txt").symlink_to(example_site / ".env")

    result = run("build", "--today", TODAY)

    assert result.exit_code == 1
    assert result.stderr == (
        f"themes/evil/static/env.txt: a link to .env, outside themes/ {THEME_HINT}\n"
        "1 error in 1 file\n"
    )
    assert not (example_site / "public").exists()


def test_a_link_that_loops_is_followed_once(example_site: Path, run) -> None:
    folder = use_theme(example_site, "loop")
    (folder / "static").mkdir()
    (folder / "static" / "again").symlink_to(folder)

    result = run("check")

    assert result.exit_code == 0, result.stderr


def test_theme_links_that_stay_in_themes_work(example_site: Path, run) -> None:
    """A stylesheet shared by two site themes, and a whole theme under a second name."""
    shared = example_site / "themes" / "shared" / "static"
    shared.mkdir(parents=True)
    (shared / "shared.css").write_text(".shared { color: teal }\n", encoding="utf-8")
    folder = use_theme(example_site, "brand")
    (folder / "theme.yml").write_text("extends: contoso\nstylesheets: [shared.css]\n")
    (folder / "static").mkdir()
    (folder / "static" / "shared.css").symlink_to(shared / "shared.css")
    (example_site / "themes" / "alias").symlink_to(example_site / "themes" / "contoso")

    result = run("build", "--today", TODAY)

    assert result.exit_code == 0, result.stderr
    public = example_site / "public"
    assert (public / "static" / "shared.css").read_text() == ".shared { color: teal }\n"
    assert "static/shared.css?v=" in page_of(public, "northwind").read_text(encoding="utf-8")
    use_theme(example_site, "alias")
    assert run("build", "--today", TODAY).exit_code == 0


# --- plans ----------------------------------------------------------------------------


def test_a_plan_linked_outside_the_site_is_refused(example_site: Path, run, secret: Path) -> None:
    outside = secret.parent / "acme.md"
    outside.write_text((example_site / "plans" / "northwind.md").read_text(encoding="utf-8"))
    (example_site / "plans" / "northwind.md").unlink()
    (example_site / "plans" / "acme.md").symlink_to(outside)

    result = run("build", "--today", TODAY)

    assert result.exit_code == 1
    assert result.stderr == (
        f"plans/acme.md: a link to {outside}, outside the site {PLAN_HINT}\n1 error in 1 file\n"
    )
    assert not (example_site / "public").exists()


def test_a_plans_sub_folder_linked_outside_is_refused(
    example_site: Path, run, secret: Path
) -> None:
    (secret.parent / "acme.md").write_text(
        (example_site / "plans" / "northwind.md").read_text(encoding="utf-8")
    )
    (example_site / "plans" / "eu").symlink_to(secret.parent)

    result = run("check")

    assert result.exit_code == 1
    assert result.stderr == (
        f"plans/eu: a link to {secret.parent}, outside the site {PLAN_HINT}\n1 error in 1 file\n"
    )


def test_a_plans_folder_linked_outside_is_one_error(
    example_site: Path, run, tmp_path_factory: pytest.TempPathFactory
) -> None:
    elsewhere = tmp_path_factory.mktemp("team") / "plans"
    (example_site / "plans").rename(elsewhere)
    (example_site / "plans").symlink_to(elsewhere)

    result = run("build", "--today", TODAY)

    assert result.exit_code == 1
    assert result.stderr.startswith(f"plans: a link to {elsewhere}, outside the site {PLAN_HINT}\n")
    assert not (example_site / "public").exists()


def test_a_named_plan_linked_outside_is_refused(example_site: Path, run, secret: Path) -> None:
    """`mapsite pdf plans/x.md` and the dev server load plans one by one."""
    from mapsite.site import load_checked, load_settings

    outside = secret.parent / "acme.md"
    outside.write_text((example_site / "plans" / "northwind.md").read_text(encoding="utf-8"))
    (example_site / "plans" / "acme.md").symlink_to(outside)
    site, _, _ = load_settings(example_site)

    doc, problems = load_checked(site, example_site / "plans" / "acme.md")

    assert doc is None
    assert [str(p) for p in problems] == [
        f"plans/acme.md: a link to {outside}, outside the site {PLAN_HINT}"
    ]


def test_plan_links_that_stay_in_plans_work(example_site: Path, run) -> None:
    drafts = example_site / "plans" / "_drafts"
    drafts.mkdir()
    (example_site / "plans" / "northwind.md").rename(drafts / "northwind.md")
    (example_site / "plans" / "northwind.md").symlink_to(Path("_drafts") / "northwind.md")

    result = run("build", "--today", TODAY)

    assert result.exit_code == 0, result.stderr
    assert page_of(example_site / "public", "northwind").is_file()


# --- assets ---------------------------------------------------------------------------


def test_a_logo_linked_outside_the_site_is_refused(example_site: Path, run, secret: Path) -> None:
    logo = example_site / "assets" / "logos" / "northwind.svg"
    logo.unlink()
    logo.symlink_to(secret)

    result = run("build", "--today", TODAY)

    assert result.exit_code == 1
    assert result.stderr == (
        f"plans/northwind.md:5:9: buyer.logo: logo 'logos/northwind.svg' is a link to {secret}, "
        f"outside the site {ASSET_HINT}\n1 error in 1 file\n"
    )
    nothing_published(example_site)


def test_a_logo_linked_elsewhere_in_the_site_says_so(example_site: Path, run) -> None:
    logo = example_site / "assets" / "logos" / "northwind.svg"
    logo.unlink()
    logo.symlink_to(example_site / "mapsite.yml")

    result = run("check")

    assert result.exit_code == 1
    assert result.stderr == (
        "plans/northwind.md:5:9: buyer.logo: logo 'logos/northwind.svg' is a link to "
        f"mapsite.yml, outside assets/ {ASSET_HINT}\n1 error in 1 file\n"
    )


def test_a_logo_named_outside_assets_says_so(example_site: Path, run) -> None:
    plan = example_site / "plans" / "northwind.md"
    plan.write_text(
        plan.read_text(encoding="utf-8").replace("logos/northwind.svg", "../mapsite.yml")
    )

    result = run("check")

    assert result.exit_code == 1
    assert result.stderr == (
        "plans/northwind.md:5:9: buyer.logo: logo '../mapsite.yml' is outside assets/ "
        "(name a file in assets/)\n1 error in 1 file\n"
    )


def test_a_missing_logo_is_still_not_found(example_site: Path, run) -> None:
    (example_site / "assets" / "logos" / "northwind.svg").unlink()

    result = run("check")

    assert result.stderr == (
        "plans/northwind.md:5:9: buyer.logo: logo 'logos/northwind.svg' not found in assets/ "
        "(put the file at assets/logos/northwind.svg or fix the path)\n1 error in 1 file\n"
    )


def test_brand_files_linked_outside_are_refused(example_site: Path, run, secret: Path) -> None:
    fonts = example_site / "assets" / "fonts"
    fonts.mkdir()
    (fonts / "brand-400.woff2").symlink_to(secret)
    (example_site / "assets" / "logo.svg").symlink_to(secret)
    with (example_site / "mapsite.yml").open("a", encoding="utf-8") as config:
        config.write(
            "brand:\n  logo: logo.svg\n  font_family: Brand\n"
            "  font_files: [fonts/brand-400.woff2]\n"
        )

    result = run("build", "--today", TODAY)

    assert result.exit_code == 1
    assert result.stderr == (
        f"mapsite.yml:8:9: brand.logo: 'logo.svg' is a link to {secret}, outside the site "
        f"{ASSET_HINT}\n"
        f"mapsite.yml:10:16: brand.font_files[0]: 'fonts/brand-400.woff2' is a link to "
        f"{secret}, outside the site {ASSET_HINT}\n2 errors in 1 file\n"
    )
    nothing_published(example_site)


def test_asset_links_that_stay_in_assets_work(example_site: Path, run) -> None:
    logos = example_site / "assets" / "logos"
    (logos / "northwind.svg").rename(logos / "northwind-2027.svg")
    (logos / "northwind.svg").symlink_to("northwind-2027.svg")

    result = run("build", "--today", TODAY)

    assert result.exit_code == 0, result.stderr


# --- confine itself ---------------------------------------------------------------------


def test_links_out_finds_each_link_that_leads_out(tmp_path: Path, secret: Path) -> None:
    site = tmp_path / "site"
    top = site / "plans"
    (top / "eu" / "deep").mkdir(parents=True)
    (top / "a.md").write_text("a")
    (top / "in.md").symlink_to("a.md")  # stays in
    (top / "out.md").symlink_to(secret)
    (top / "eu" / "deep" / "out.md").symlink_to(secret)
    (top / "eu" / "up").symlink_to(top)  # a loop, inside
    (top / "gone.md").symlink_to(tmp_path / "nothing.md")  # dangling, outside
    (top / "dir").symlink_to(secret.parent)
    (top / "_skipped.md").symlink_to(secret)
    (site / ".env").write_text("x")
    (top / "env.md").symlink_to(site / ".env")
    folder = confine.jail(site, "plans")

    found = confine.links_out(top, folder, lambda name: name.startswith("_"))

    assert found == sorted(
        [
            (top / "dir", secret.parent),
            (top / "env.md", site / ".env"),
            (top / "eu" / "deep" / "out.md", secret),
            (top / "gone.md", tmp_path / "nothing.md"),
            (top / "out.md", secret),
        ]
    )
    deep = top / "eu" / "deep"
    assert confine.links_out(deep, folder) == [(deep / "out.md", secret)]
    # through eu/up, which stays in, to everything under plans/ once
    assert len(confine.links_out(top / "eu", folder)) == len(found) + 1
    assert confine.links_out(top / "missing", folder) == []
    assert (top / "_skipped.md", secret) in confine.links_out(top, folder)


def test_where_a_link_leads_reads_as_the_owner_would(tmp_path: Path) -> None:
    assert confine.jail(tmp_path / "a" / ".." / "b", "plans") == tmp_path.resolve() / "b" / "plans"
    assert confine.shown(tmp_path / "x" / ".env", tmp_path / "x") == ".env"
    assert confine.shown(Path("/etc/passwd"), tmp_path) == "/etc/passwd"
    assert confine.outside(tmp_path / ".env", tmp_path, "themes") == "outside themes/"
    assert confine.outside(Path("/etc/passwd"), tmp_path, "themes") == "outside the site"
    problem = confine.link_problem(tmp_path / "x.css", Path("/etc/passwd"), tmp_path, "t", "h")
    assert (problem.line, problem.message, problem.hint) == (
        0,
        "a link to /etc/passwd, outside the site",
        "h",
    )
