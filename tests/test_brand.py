"""Brand tokens: each checked as the CSS value it becomes, with an error at the field
that says how to write it; written into brand.css escaped all the same; the colour
maths behind the contrast warnings and the dark-mode colours."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import ValidationError
from support import TODAY

from mapsite import brand
from mapsite.brand import Brand

HOSTILE = 'X"; } body{background:url(https://tracker.example/p.png)}'
FAMILY_HINT = 'write family names separated by commas, e.g. Inter, "Helvetica Neue", sans-serif'
COLOR_HINT = "write it as #rrggbb or #rgb, e.g. #1f6feb"
LENGTH_HINT = "write a number with px, rem or em, e.g. 8px, or 0"
FILE_HINT = (
    "a path of letters, digits, '.', '-', '_' and '/' ending in .woff2, .woff, .ttf or "
    ".otf, e.g. fonts/inter-400.woff2"
)


def refusal(field: str, value: object) -> tuple[str, str]:
    """(message, hint) of the one error validating ``{field: value}``."""
    with pytest.raises(ValidationError) as caught:
        Brand.model_validate({field: value})
    errors = caught.value.errors()
    assert len(errors) == 1
    return errors[0]["msg"], errors[0]["ctx"]["hint"]


# --- what each token accepts -----------------------------------------------------------


@pytest.mark.parametrize(
    "family",
    [
        "Inter",
        "Brand Sans",
        "Inter, sans-serif",
        '"Helvetica Neue", Arial',
        "'Noto Sans JP', system-ui",
        "  Inter ,  serif  ",
        "-apple-system, BlinkMacSystemFont",
        "Söhne Breit",
        "_Private Font",
        '"Inter" , "Inter Display",monospace',
        "Font2 Pro",
    ],
)
def test_font_families_a_designer_writes_are_accepted(family: str) -> None:
    assert Brand.model_validate({"font_family": family}).font_family == family.strip()


@pytest.mark.parametrize(
    ("family", "message", "hint"),
    [
        (HOSTILE, "'X\"; } body{background:url(https://track…' is not a list of font names: "
         "';' is not allowed", FAMILY_HINT),
        ("Inter}", "'Inter}' is not a list of font names: '}' is not allowed", FAMILY_HINT),
        ("Inter{", "'Inter{' is not a list of font names: '{' is not allowed", FAMILY_HINT),
        ("a<b", "'a<b' is not a list of font names: '<' is not allowed", FAMILY_HINT),
        ("a>b", "'a>b' is not a list of font names: '>' is not allowed", FAMILY_HINT),
        ("url(x)", "'url(x)' is not a list of font names: '(' is not allowed", FAMILY_HINT),
        ("x)", "'x)' is not a list of font names: ')' is not allowed", FAMILY_HINT),
        ("In\\ter", "'In\\ter' is not a list of font names: '\\\\' is not allowed",
         FAMILY_HINT),
        ("Inter\nBold", "'Inter\\nBold' is not a list of font names: '\\n' is not allowed",
         FAMILY_HINT),
        ('"Inter', "'\"Inter' is not a list of font names", FAMILY_HINT),
        ("Inter'", "'Inter'' is not a list of font names", FAMILY_HINT),
        ('"Inter"Bold', "'\"Inter\"Bold' is not a list of font names", FAMILY_HINT),
        ("Inter,,Arial", "'Inter,,Arial' is not a list of font names", FAMILY_HINT),
        ("Inter,", "'Inter,' is not a list of font names", FAMILY_HINT),
        (",Inter", "',Inter' is not a list of font names", FAMILY_HINT),
        ('""', "'\"\"' is not a list of font names", FAMILY_HINT),
        ("2Pac Sans", "'2Pac Sans' is not a list of font names", FAMILY_HINT),
        ("Inter, 9", "'Inter, 9' is not a list of font names", FAMILY_HINT),
        ("a: b", "'a: b' is not a list of font names", FAMILY_HINT),
        ("x" * 201, f"'{'x' * 39}…' is longer than 200 characters", FAMILY_HINT),
        ("inherit", "'inherit' has the CSS keyword inherit, not a font name",
         'put it in quotes if it is the name of the font: "inherit"'),
        ("Inter, Unset", "'Inter, Unset' has the CSS keyword Unset, not a font name",
         'put it in quotes if it is the name of the font: "Unset"'),
    ],
)  # fmt: skip
def test_a_font_family_that_is_no_list_of_names_is_refused(
    family: str, message: str, hint: str
) -> None:
    assert refusal("font_family", family) == (message, hint)


def test_a_font_family_of_200_characters_is_accepted() -> None:
    assert Brand(font_family="x" * 200).font_family == "x" * 200


def test_quoted_keywords_are_names() -> None:
    assert brand.font_families("\"inherit\", 'default'") == ['"inherit"', "'default'"]


@pytest.mark.parametrize("color", ["#1f6feb", "#16B", "#ABCDEF", " #0f766e "])
def test_hex_colours_are_accepted(color: str) -> None:
    assert Brand(primary=color).primary == color.strip()


@pytest.mark.parametrize(
    "color",
    ["red", "#12", "#1234", "#12345g", "rgb(1, 2, 3)", "1f6feb", "#1f6feb;", "#1f6feb}x{"],
)
def test_other_colours_are_refused_with_the_way_to_write_them(color: str) -> None:
    assert refusal("accent", color) == (f"'{color}' is not a hex colour", COLOR_HINT)


@pytest.mark.parametrize("length", ["0", "4px", "0.5rem", "1em", "12.25px", " 8px "])
def test_lengths_are_accepted(length: str) -> None:
    assert Brand(radius=length).radius == length.strip()


@pytest.mark.parametrize(
    "length", ["4", "px", "4 px", "-4px", ".5rem", "4pt", "4px;", "4px}", "0px 4px", "1e3px"]
)
def test_other_lengths_are_refused(length: str) -> None:
    assert refusal("radius", length) == (f"'{length}' is not a length", LENGTH_HINT)


@pytest.mark.parametrize(
    "name",
    ["fonts/inter-400.woff2", "Inter_700.WOFF2", "a/b/c.woff", "x.ttf", "brand.otf", "f.2.woff"],
)
def test_font_file_names_are_accepted(name: str) -> None:
    assert Brand(font_files=[name]).font_files == [name]


@pytest.mark.parametrize(
    "name",
    [
        'inter.woff2") format("x',
        "../secret.woff2",
        "fonts/../../x.woff2",
        "/etc/inter.woff2",
        "inter.woff2;",
        "in ter.woff2",
        "inter.svg",
        "inter",
        ".woff2",
        "fonts//x.woff2",
        "fonts/",
    ],
)
def test_other_font_file_names_are_refused(name: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Brand.model_validate({"font_files": [name]})
    (error,) = caught.value.errors()
    assert error["msg"] == f"{brand._quoted(name.strip())} is not a font file name"
    assert error["ctx"]["hint"] == FILE_HINT


def test_a_long_value_is_cut_in_the_message() -> None:
    assert brand._quoted("x" * 40) == f"'{'x' * 40}'"
    assert brand._quoted("x" * 41) == f"'{'x' * 39}…'"
    assert brand._quoted("a\tb") == "'a\\tb'"


# --- located errors from the real command ----------------------------------------------


def test_a_hostile_token_in_mapsite_yml_is_a_located_error(example_site: Path, run) -> None:
    config = example_site / "mapsite.yml"
    config.write_text(
        config.read_text(encoding="utf-8")
        + f"brand:\n  primary: red\n  radius: 4\n  font_family: '{HOSTILE}'\n",
        encoding="utf-8",
    )

    result = run("build", "--today", TODAY)

    assert result.exit_code == 1
    assert result.stderr == (
        f"mapsite.yml:8:12: brand.primary: 'red' is not a hex colour ({COLOR_HINT})\n"
        f"mapsite.yml:9:11: brand.radius: '4' is not a length ({LENGTH_HINT})\n"
        "mapsite.yml:10:16: brand.font_family: 'X\"; } body{background:url(https://track…' "
        f"is not a list of font names: ';' is not allowed ({FAMILY_HINT})\n"
        "3 errors in 1 file\n"
    )
    assert not (example_site / "public").exists()


def test_a_hostile_token_in_a_theme_yml_is_a_located_error(example_site: Path, run) -> None:
    meta = example_site / "themes" / "bad" / "theme.yml"
    meta.parent.mkdir(parents=True)
    meta.write_text(
        f"extends: default\ntokens:\n  font_family: '{HOSTILE}'\n"
        "  font_files: ['x.woff2\") format(\"y']\n",
        encoding="utf-8",
    )
    config = example_site / "mapsite.yml"
    text = re.sub(r"^theme: .*\n", "", config.read_text(encoding="utf-8"), flags=re.M)
    config.write_text(f"{text}theme: bad\n", encoding="utf-8")

    result = run("check")

    assert result.exit_code == 1
    assert result.stderr == (
        "themes/bad/theme.yml:3:16: tokens.font_family: 'X\"; } body{background:url(https://"
        f"track…' is not a list of font names: ';' is not allowed ({FAMILY_HINT})\n"
        "themes/bad/theme.yml:4:16: tokens.font_files[0]: 'x.woff2\") format(\"y' is not a "
        f"font file name ({FILE_HINT})\n"
        "2 errors in 1 file\n"
    )


def test_a_font_list_reaches_the_css(example_site: Path, run) -> None:
    fonts = example_site / "assets" / "fonts"
    fonts.mkdir()
    (fonts / "brand-700.woff2").write_bytes(b"wOF2 not really a font")
    with (example_site / "mapsite.yml").open("a", encoding="utf-8") as config:
        config.write(
            "brand:\n  font_family: Brand Sans, 'Helvetica Neue', sans-serif\n"
            "  font_files: [fonts/brand-700.woff2]\n"
        )

    result = run("build", "--today", TODAY)

    assert result.exit_code == 0, result.stderr
    css = (example_site / "public" / "static" / "brand.css").read_text(encoding="utf-8")
    assert '--brand-font: "Brand Sans", "Helvetica Neue", sans-serif;' in css
    assert '@font-face { font-family: "Brand Sans"; src: url("fonts/brand-700.woff2") ' in css


# --- written out escaped all the same ----------------------------------------------------


def test_css_strings_cannot_end_early() -> None:
    assert brand.css_string("Inter") == '"Inter"'
    assert brand.css_string('X"; }') == '"X\\22 ; }"'
    assert brand.css_string("a\\b") == '"a\\5c b"'
    assert brand.css_string("</style>") == '"\\3c /style>"'
    assert brand.css_string("a\nb") == '"a\\a b"'


def test_tokens_that_got_past_the_checks_are_still_written_harmlessly() -> None:
    """A Brand made without validation (model_construct), as a bug elsewhere might."""
    tokens = Brand.model_construct(
        primary="#123456; } body { x: y",
        accent="#abc",
        radius="4px}",
        font_family="Inter",
    )
    css = brand.stylesheet(tokens, ['x.woff2") format("y'])
    assert "--brand-primary: #123456bodyxy;" in css
    assert "--brand-radius: 4px;" in css
    assert 'src: url("x.woff2\\22 ) format(\\22 y")' in css
    assert css.count("{") == css.count("}")
    assert brand.plan_stylesheet("#0f766e; } a { b: c").startswith(
        ":root { --plan-buyer: #0f766eabc; }\n"
    )


def test_the_stylesheet_of_every_token() -> None:
    tokens = Brand(
        primary="#0b5cab",
        accent="#c2410c",
        text="#1e1b4b",
        background="#f5f5fb",
        radius="10px",
        font_family="Contoso Sans, serif",
        font_files=["fonts/contoso-sans-400.woff2"],
    )
    assert brand.stylesheet(tokens, ["fonts/contoso-sans-400.woff2", "f/x-700-italic.ttf"]) == (
        "/* Generated by mapsite from the brand tokens: edit mapsite.yml, not this file. */\n"
        '@font-face { font-family: "Contoso Sans"; src: url("fonts/contoso-sans-400.woff2") '
        'format("woff2"); font-weight: 400; font-style: normal; font-display: swap; }\n'
        '@font-face { font-family: "Contoso Sans"; src: url("f/x-700-italic.ttf") '
        'format("truetype"); font-weight: 700; font-style: italic; font-display: swap; }\n'
        ":root {\n"
        "  --brand-primary: #0b5cab;\n"
        "  --brand-accent: #c2410c;\n"
        "  --brand-text: #1e1b4b;\n"
        "  --brand-background: #f5f5fb;\n"
        "  --brand-radius: 10px;\n"
        '  --brand-font: "Contoso Sans", serif;\n'
        "}\n"
        "@media screen and (prefers-color-scheme: dark) {\n"
        "  :root {\n"
        f"    --brand-primary-dark: {brand.for_dark('#0b5cab')};\n"
        f"    --brand-accent-dark: {brand.for_dark('#c2410c')};\n"
        "  }\n"
        "}\n"
    )


def test_no_tokens_no_rules() -> None:
    assert brand.stylesheet(Brand(), ["fonts/x-400.woff2"]) == (
        "/* Generated by mapsite from the brand tokens: edit mapsite.yml, not this file. */\n"
    )


def test_a_font_file_without_weight_or_known_type() -> None:
    assert brand.font_face("F", "fonts/f.otf") == (
        '@font-face { font-family: "F"; src: url("fonts/f.otf") format("opentype"); '
        "font-weight: 400; font-style: normal; font-display: swap; }"
    )
    assert 'format("woff2"); font-weight: 400;' in brand.font_face("F", "f-1000.bin")
    assert 'format("woff"); font-weight: 900;' in brand.font_face("F", "F-900.WOFF")


# --- the colour maths ------------------------------------------------------------------


def test_contrast_follows_wcag() -> None:
    assert brand.contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert brand.contrast("#ffffff", "#000") == pytest.approx(21.0)
    assert brand.contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert brand.contrast("#767676", "#fff") == pytest.approx(4.54, abs=0.01)
    assert brand.contrast("#0b5cab", "#0b5cab") == 1.0
    assert brand.luminance("#ffffff") == pytest.approx(1.0)
    assert brand.luminance("#000000") == 0.0
    assert brand.luminance("#ff0000") == pytest.approx(0.2126)
    assert brand.luminance("#00ff00") == pytest.approx(0.7152)
    assert brand.luminance("#0000ff") == pytest.approx(0.0722)
    assert brand.luminance("#0a0a0a") == pytest.approx(10 / 255 / 12.92)
    assert brand.luminance("#0b0b0b") == pytest.approx(((11 / 255 + 0.055) / 1.055) ** 2.4)


def test_dark_mode_colours_are_lightened_just_enough() -> None:
    for color in ("#0b5cab", "#c2410c", "#1e1b4b", "#4f46e5"):
        light = brand.for_dark(color)
        assert brand.contrast(light, brand.DARK_SURFACE) >= 4.5
        one_step_less = brand._mix(color, "#ffffff", (_step(color, light) - 1) / 20)
        assert brand.contrast(one_step_less, brand.DARK_SURFACE) < 4.5
    assert brand.for_dark("#7dd3fc") == "#7dd3fc"  # already light enough
    assert brand.for_dark("#000") == "#8c8c8c"  # 55% white


def _step(color: str, light: str) -> int:
    return next(i for i in range(21) if brand._mix(color, "#ffffff", i / 20) == light)


def test_mixing_colours() -> None:
    assert brand._mix("#000000", "#ffffff", 0.5) == "#808080"
    assert brand._mix("#102030", "#102030", 0.3) == "#102030"
    assert brand._mix("#ff0000", "#0000ff", 0.0) == "#ff0000"
    assert brand._mix("#ff0000", "#0000ff", 1.0) == "#0000ff"
    assert brand._mix("#f00", "#00f", 0.25) == "#bf0040"


def test_contrast_problems_name_the_token_and_the_pair() -> None:
    assert brand.contrast_problems(Brand()) == []
    found = brand.contrast_problems(
        Brand(primary="#7dd3fc", accent="#fde047", text="#aaaaaa", background="#ffffff")
    )
    below = ", below WCAG AA's 4.5:1"
    assert [(p.field, p.message) for p in found] == [
        ("text", f"text #aaaaaa on background #ffffff has a contrast of 2.32:1{below}"),
        ("text", f"text #aaaaaa on cards (white) #ffffff has a contrast of 2.32:1{below}"),
        (
            "primary",
            f"white button text #ffffff on primary #7dd3fc has a contrast of 1.67:1{below}",
        ),
        (
            "primary",
            f"primary links #7dd3fc on cards (white) #ffffff has a contrast of 1.67:1{below}",
        ),
        ("accent", f"accent text #fde047 on cards (white) #ffffff has a contrast of 1.32:1{below}"),
    ]
    dark_background = brand.contrast_problems(Brand(background="#333333"))
    assert [p.field for p in dark_background] == ["text"]
    assert "on background #333333" in dark_background[0].message
    assert brand.contrast_problems(Brand(primary="#0b5cab", accent="#9d174d")) == []


def test_a_contrast_of_exactly_4_5_passes() -> None:
    # #767676 on white is 4.54: passes; the threshold itself is not a failure
    assert brand.contrast_problems(Brand(primary="#767676")) == []
    assert brand.AA_TEXT == 4.5


def test_accent_problems() -> None:
    assert brand.accent_problems("#0f766e") == []
    tint = brand._mix("#fde047", "#ffffff", 0.86)
    assert brand.accent_problems("#fde047") == [
        "#fde047 text on white cards: the contrast is 1.32:1, below WCAG AA's 4.5:1",
        f"#fde047 initials on their tint {tint}: the contrast is 1.27:1, below WCAG AA's 4.5:1",
    ]
