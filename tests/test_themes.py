"""Themes: the bundled ones render every example plan; overrides change only their part;
brand tokens reach the CSS; the contrast warning; theme errors name the file and line;
compiled templates come from the cache only while everything they were made of holds."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import jinja2
import pytest
from support import REPO, TODAY, page_of

from mapsite import themedocs
from mapsite.themes import BUILTIN_THEMES

BUILTIN = sorted(p.name for p in BUILTIN_THEMES.iterdir() if (p / "theme.yml").is_file())
SITE_THEMES = sorted(p.name for p in (REPO / "themes").iterdir() if p.is_dir())


def use_theme(site: Path, name: str, extra: str = "") -> None:
    config = site / "mapsite.yml"
    text = config.read_text(encoding="utf-8") if config.exists() else ""
    text = re.sub(r"^theme: .*\n", "", text, flags=re.M)
    config.write_text(f"{text}theme: {name}\n{extra}", encoding="utf-8")


def build(run, site: Path) -> Path:
    result = run("build", "--today", TODAY)
    assert result.exit_code == 0, result.stderr
    return site / "public"


def main_html(page: Path) -> str:
    return page.read_text(encoding="utf-8")


def without(section: str, html: str) -> str:
    """The page without that section, whitespace between tags folded."""
    return fold(re.sub(rf'<section class="[^"]*\b{section}\b.*?</section>', "", html, flags=re.S))


def fold(html: str) -> str:
    return re.sub(r"\s+", " ", html)


def own_plan_template(site: Path, run, text: str) -> tuple[str, str]:
    """Tailspin's page with the default theme, then with a theme "mine" whose own
    plan.html is ``text``."""
    use_theme(site, "default")
    before = main_html(page_of(build(run, site), "tailspin"))
    page = site / "themes" / "mine" / "templates" / "plan.html"
    page.parent.mkdir(parents=True)
    page.write_text(text, encoding="utf-8")
    use_theme(site, "mine")
    return before, main_html(page_of(build(run, site), "tailspin"))


def test_there_are_two_builtin_themes_and_a_site_theme() -> None:
    assert {"default", "classic"} <= set(BUILTIN)
    assert "contoso" in SITE_THEMES


@pytest.mark.parametrize("theme", BUILTIN + SITE_THEMES)
def test_every_theme_renders_every_example_plan(example_site: Path, run, theme: str) -> None:
    shutil.copytree(REPO / "themes", example_site / "themes", dirs_exist_ok=True)
    use_theme(example_site, theme)

    result = run("build", "--today", TODAY)

    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    public = example_site / "public"
    for plan in ("northwind", "tailspin", "fabrikam-renewal"):
        html = main_html(page_of(public, plan))
        assert "Next up" in html or "next-up" in html
        for sheet in re.findall(r'href="\.\./static/([^"?]+)', html):
            assert (public / "static" / sheet).is_file(), (theme, sheet)


def test_overriding_one_partial_changes_only_that_part(example_site: Path, run) -> None:
    use_theme(example_site, "default")
    before = main_html(page_of(build(run, example_site), "tailspin"))
    partial = example_site / "themes" / "mine" / "templates" / "partials" / "risks.html"
    partial.parent.mkdir(parents=True)
    partial.write_text('<section class="risks"><h2>Our own risks</h2></section>\n', "utf-8")
    use_theme(example_site, "mine")

    after = main_html(page_of(build(run, example_site), "tailspin"))

    assert "Our own risks" in after
    assert without("risks", after) == without("risks", before)


def test_overriding_one_block_changes_only_that_block(example_site: Path, run) -> None:
    before, after = own_plan_template(
        example_site,
        run,
        '{% extends "default:plan.html" %}\n'
        '{% block why %}<section class="why"><p>Why, our way</p></section>{% endblock %}\n',
    )

    assert "Why, our way" in after
    assert without("why", after) == without("why", before)


def test_a_partial_included_into_a_variable_or_by_a_list_of_names_is_the_same(
    example_site: Path, run
) -> None:
    """An included partial's output is joined where it is rendered (render.py): inside
    ``{% set %}`` and when the name is chosen from a list, it is what it was."""
    before, after = own_plan_template(
        example_site,
        run,
        '{% extends "default:plan.html" %}\n'
        "{% block why %}{% set why %}{% include 'partials/why.html' %}{% endset %}"
        '<div class="kept">{{ why }}</div>{% endblock %}\n'
        "{% block risks %}{% include ['partials/none.html', 'partials/risks.html'] %}"
        "{% endblock %}\n",
    )

    why = re.search(r'<section class="[^"]*\bwhy\b.*?</section>', before, flags=re.S)
    kept = re.search(r'<div class="kept">(.*?</section>\s*)</div>', after, flags=re.S)
    assert why is not None and kept is not None
    assert kept[1].strip() == why[0]
    assert fold(after.replace(kept[0], why[0])) == fold(before)


def test_brand_tokens_reach_the_css(example_site: Path, run) -> None:
    fonts = example_site / "assets" / "fonts"
    fonts.mkdir(parents=True)
    (fonts / "brand-700.woff2").write_bytes(b"wOF2 not really a font")
    use_theme(
        example_site,
        "default",
        'brand:\n  primary: "#0b5cab"\n  radius: 4px\n  font_family: Brand Sans\n'
        "  font_files: [fonts/brand-700.woff2]\n",
    )

    public = build(run, example_site)

    css = (public / "static" / "brand.css").read_text(encoding="utf-8")
    assert "--brand-primary: #0b5cab;" in css
    assert "--brand-radius: 4px;" in css
    assert '--brand-font: "Brand Sans";' in css
    assert (
        '@font-face { font-family: "Brand Sans"; src: url("fonts/brand-700.woff2") '
        'format("woff2"); font-weight: 700;'
    ) in css
    assert (public / "static" / "fonts" / "brand-700.woff2").is_file()
    assert 'href="../static/brand.css?v=' in main_html(page_of(public, "northwind"))


def test_a_buyer_colour_gets_its_own_stylesheet(example_site: Path, run) -> None:
    plan = example_site / "plans" / "tailspin.md"
    text = plan.read_text(encoding="utf-8")
    plan.write_text(text.replace("buyer:\n", 'buyer:\n  accent: "#9d174d"\n', 1), "utf-8")

    public = build(run, example_site)

    page = page_of(public, "tailspin")
    assert '<link rel="stylesheet" href="plan.css">' in main_html(page)
    assert ":root { --plan-buyer: #9d174d; }" in (page.parent / "plan.css").read_text()
    assert not (page_of(public, "northwind").parent / "plan.css").exists()


def test_low_contrast_brand_colours_are_a_warning(example_site: Path, run) -> None:
    use_theme(example_site, "default", 'brand:\n  primary: "#7dd3fc"\n')

    result = run("build", "--today", TODAY)

    assert result.exit_code == 0
    lines = (example_site / "mapsite.yml").read_text(encoding="utf-8").splitlines()
    line = next(number for number, text in enumerate(lines, 1) if "primary" in text)
    assert result.stderr == (
        f"mapsite.yml:{line}:12: warning: brand.primary: white button text #ffffff on primary "
        "#7dd3fc has a contrast of 1.67:1, below WCAG AA's 4.5:1 (choose a darker primary)\n"
        f"mapsite.yml:{line}:12: warning: brand.primary: primary links #7dd3fc on cards (white) "
        "#ffffff has a contrast of 1.67:1, below WCAG AA's 4.5:1 (choose a darker primary)\n"
    )


def test_a_low_contrast_buyer_colour_is_a_check_warning(write_plan, run) -> None:
    from support import VALID_PLAN

    write_plan("northwind", VALID_PLAN.replace("buyer:\n", 'buyer:\n  accent: "#fde047"\n', 1))

    result = run("check", "--today", TODAY)

    assert (
        "plans/northwind.md:4:11: warning: buyer.accent: #fde047 text on white cards: the "
        "contrast is 1.32:1, below WCAG AA's 4.5:1 (choose a darker colour) "
        "[MAP018 buyer-accent-contrast]"
    ) in result.stdout


THEME_ERRORS = [
    (
        "partials/why.html",
        "<section>\n  <p>{{ plan.nope }}</p>\n</section>\n",
        "themes/bad/templates/partials/why.html:2:1: undefined: Plan has no attribute 'nope' "
        "(check the name; docs/theming.md lists the data templates receive)",
    ),
    (
        "partials/why.html",
        "<section>\n  {% if %}\n</section>\n",
        "themes/bad/templates/partials/why.html:2:1: Expected an expression, got 'end of "
        "statement block'",
    ),
    (
        "partials/why.html",
        '<section>\n\n  {% include "partials/nothere.html" %}\n</section>\n',
        "themes/bad/templates/partials/why.html:3:1: template 'partials/nothere.html' not "
        "found (check its name, and the theme it extends)",
    ),
]


@pytest.mark.parametrize(("template", "text", "error"), THEME_ERRORS)
def test_theme_errors_name_the_file_and_line(
    example_site: Path, run, template: str, text: str, error: str
) -> None:
    path = example_site / "themes" / "bad" / "templates" / template
    path.parent.mkdir(parents=True)
    path.write_text(text, encoding="utf-8")
    use_theme(example_site, "bad")

    result = run("build", "--today", TODAY)

    assert result.exit_code == 1
    assert result.stderr == f"{error}\n1 error in 1 file\n"


def test_a_theme_yml_is_validated_like_a_plan(example_site: Path, run) -> None:
    meta = example_site / "themes" / "bad" / "theme.yml"
    meta.parent.mkdir(parents=True)
    meta.write_text("extends: default\nstylesheet: [bad.css]\n", encoding="utf-8")
    use_theme(example_site, "bad")

    result = run("check")

    assert result.exit_code == 1
    assert result.stderr == (
        "themes/bad/theme.yml:2:1: stylesheet: unknown field 'stylesheet' "
        "(did you mean 'stylesheets'?)\n1 error in 1 file\n"
    )


def test_a_missing_parent_theme_is_an_error(example_site: Path, run) -> None:
    meta = example_site / "themes" / "bad" / "theme.yml"
    meta.parent.mkdir(parents=True)
    meta.write_text("extends: defualt\n", encoding="utf-8")
    use_theme(example_site, "bad")

    result = run("check")

    assert result.exit_code == 1
    assert "theme 'bad' extends 'defualt', not found" in result.stderr


def test_the_theming_reference_is_up_to_date() -> None:
    text = (REPO / "docs" / "theming.md").read_text(encoding="utf-8")
    assert f"{themedocs.START}\n{themedocs.reference()}\n{themedocs.END}" in text, (
        "docs/theming.md is stale: run python -m mapsite.themedocs docs/theming.md"
    )


def test_files_a_theme_yml_names_must_exist(example_site: Path, run) -> None:
    meta = example_site / "themes" / "bad" / "theme.yml"
    meta.parent.mkdir(parents=True)
    meta.write_text(
        "extends: default\nstylesheets: [bad.css]\n"
        "tokens:\n  font_family: Brand\n  font_files: [fonts/brand-400.woff2]\n",
        encoding="utf-8",
    )
    use_theme(example_site, "bad")

    result = run("check")

    assert result.exit_code == 1
    assert result.stderr == (
        "themes/bad/theme.yml:2:15: stylesheets[0]: 'bad.css' not found in bad/static/ "
        "(put the file at bad/static/bad.css or fix the name)\n"
        "themes/bad/theme.yml:5:16: tokens.font_files[0]: 'fonts/brand-400.woff2' not found "
        "in bad/static/ (put the file at bad/static/fonts/brand-400.woff2 or fix the name)\n"
        "2 errors in 1 file\n"
    )


# --- compiled templates in the cache ---------------------------------------------------


def test_a_second_build_loads_the_compiled_templates(
    example_site: Path, run, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = main_html(page_of(build(run, example_site), "northwind"))

    def no_compiling(*args: object, **kwargs: object) -> None:
        raise AssertionError("compiled a template the cache holds")

    monkeypatch.setattr(jinja2.Environment, "compile", no_compiling)
    assert main_html(page_of(build(run, example_site), "northwind")) == first


def test_a_changed_icon_shows_in_every_template_that_folded_it_in(example_site: Path, run) -> None:
    """'"done" | icon' (a finished milestone's marker) is rendered into the code of
    milestones.html when that compiles: a new icons.html must not leave the old icon
    in the cached code."""
    use_theme(example_site, "mine")
    icons = example_site / "themes" / "mine" / "templates" / "partials" / "icons.html"
    icons.parent.mkdir(parents=True)
    default_icons = BUILTIN_THEMES / "default" / "templates" / "partials" / "icons.html"
    for mark in ("first-mark", "second-mark"):
        text = default_icons.read_text(encoding="utf-8").replace(
            'viewBox="0 0 20 20"', f'viewBox="0 0 20 20" data-mark="{mark}"'
        )
        icons.write_text(text, encoding="utf-8")
        html = main_html(page_of(build(run, example_site), "northwind"))
        markers = re.findall(r'<div class="milestone__marker"[^>]*><svg[^>]*>', html)
        assert markers, "no finished milestone on the page"
        assert all(f'data-mark="{mark}"' in svg for svg in markers), markers[0]


def test_a_damaged_compiled_template_is_compiled_again(example_site: Path, run) -> None:
    first = main_html(page_of(build(run, example_site), "northwind"))
    cached = sorted((Path(os.environ["MAPSITE_CACHE_DIR"]) / "templates").glob("*.jinja"))
    assert cached
    for path in cached:
        path.write_bytes(path.read_bytes()[:40])  # cut short
    assert main_html(page_of(build(run, example_site), "northwind")) == first
