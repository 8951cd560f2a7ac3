"""Brand tokens: a few colours, a font, a logo and a radius that restyle every page.

Tokens come from the theme's ``theme.yml`` (its defaults) and the site's
``mapsite.yml`` (``brand:``, which wins). They become CSS custom properties in a
generated ``static/brand.css``, so marketing changes the look without a template
edit. Colour pairs that text is set in are checked against WCAG AA.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints
from pydantic_core import PydanticCustomError

from .model import Model, Text

# --- tokens, each checked as the CSS value it becomes ---------------------------------
# A token is written into a stylesheet: a value that closed the declaration
# ('X"; } body { background: url(...) }') would restyle every page or make each
# reader's browser call another host. So each is checked for what it is, and
# written out escaped all the same.


def _refuse(value: str, what: str, hint: str) -> PydanticCustomError:
    context = {"message": f"{_quoted(value)} {what}", "hint": hint}
    return PydanticCustomError("brand_token", "{message}", context)


def _quoted(value: str) -> str:
    """A value in a one-line message: short, with no line breaks of its own."""
    text = value if len(value) <= 40 else value[:39] + "…"
    return repr(text) if not text.isprintable() else f"'{text}'"


HEX_COLOR = re.compile(r"#(?:[0-9a-fA-F]{3}){1,2}")


def check_color(value: str) -> str:
    if not HEX_COLOR.fullmatch(value):
        raise _refuse(value, "is not a hex colour", "write it as #rrggbb or #rgb, e.g. #1f6feb")
    return value


LENGTH = re.compile(r"0|\d+(?:\.\d+)?(?:px|rem|em)")


def check_length(value: str) -> str:
    if not LENGTH.fullmatch(value):
        raise _refuse(value, "is not a length", "write a number with px, rem or em, e.g. 8px, or 0")
    return value


GENERIC_FAMILIES = frozenset(
    {"serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui", "ui-serif",
     "ui-sans-serif", "ui-monospace", "ui-rounded", "math", "emoji", "fangsong"}
)  # fmt: skip
"""Family names CSS knows as keywords: written without quotes, or they stop working."""
CSS_KEYWORDS = frozenset({"inherit", "initial", "unset", "revert", "revert-layer", "default"})
_BARE = r"-?[^\W\d][\w-]*(?:[ \t]+-?[^\W\d][\w-]*)*"  # Inter, Helvetica Neue, sans-serif
_FAMILY = re.compile(rf"""\s*("[^"]+"|'[^']+'|{_BARE})\s*(,|$)""")
FAMILY_HINT = 'write family names separated by commas, e.g. Inter, "Helvetica Neue", sans-serif'
MAX_FAMILY = 200


def font_families(value: str) -> list[str]:
    """The family names of a ``font_family`` value, quotes removed; raises
    ``PydanticCustomError`` saying what is wrong."""
    bad = next((c for c in value if c in ";{}<>\\()" or not c.isprintable()), None)
    if bad is not None:
        raise _refuse(value, f"is not a list of font names: {bad!r} is not allowed", FAMILY_HINT)
    if len(value) > MAX_FAMILY:
        raise _refuse(value, f"is longer than {MAX_FAMILY} characters", FAMILY_HINT)
    names, at = [], 0
    while True:
        found = _FAMILY.match(value, at)
        if found is None:  # no name here: an empty one, a stray quote, a digit first
            raise _refuse(value, "is not a list of font names", FAMILY_HINT)
        name = found.group(1)
        if name.casefold() in CSS_KEYWORDS:
            raise _refuse(value, f"has the CSS keyword {name}, not a font name",
                          f'put it in quotes if it is the name of the font: "{name}"')  # fmt: skip
        names.append(name)
        if not found.group(2):  # the end, not a comma
            return names
        at = found.end()


def check_font_family(value: str) -> str:
    font_families(value)
    return value


FONT_TYPES = {".woff2": "woff2", ".woff": "woff", ".ttf": "truetype", ".otf": "opentype"}
FONT_FILE = re.compile(r"(?:[\w.-]+/)*[\w-][\w.-]*")


def check_font_file(value: str) -> str:
    parts = value.split("/")
    suffix = PurePosixPath(value).suffix.lower()
    if not FONT_FILE.fullmatch(value) or ".." in parts or suffix not in FONT_TYPES:
        raise _refuse(value, "is not a font file name",
                      "a path of letters, digits, '.', '-', '_' and '/' ending in "
                      ".woff2, .woff, .ttf or .otf, e.g. fonts/inter-400.woff2")  # fmt: skip
    return value


Color = Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(check_color)]
Length = Annotated[str, StringConstraints(strip_whitespace=True), AfterValidator(check_length)]
FontFamily = Annotated[Text, AfterValidator(check_font_family)]
FontFile = Annotated[Text, AfterValidator(check_font_file)]


class Brand(Model):
    """The company's look: every field optional, each one a CSS custom property."""

    primary: Color | None = None
    """Main brand colour: links, buttons, progress bars, the current milestone (--brand-primary)."""
    accent: Color | None = None
    """Second colour, for highlights such as the go-live date (--brand-accent)."""
    text: Color | None = None
    """Body text colour (--brand-text)."""
    background: Color | None = None
    """Page background behind the cards (--brand-background)."""
    font_family: FontFamily | None = None
    """Font of the whole page, e.g. Inter, or a list: Inter, "Helvetica Neue"; system
    fonts follow as fallbacks (--brand-font)."""
    font_files: list[FontFile] = Field(default_factory=list)
    """Font files to publish with the site and declare with @font-face, e.g.
    fonts/inter-400.woff2 (the weight and 'italic' are read from the file name).
    In mapsite.yml: files in assets/; in a theme.yml: files in the theme's static/."""
    logo: Text | None = None
    """The seller's logo, a file in assets/, for plans that name none."""
    radius: Length | None = None
    """Corner radius of cards and buttons, e.g. 4px, 0.5rem or 0 (--brand-radius)."""


# --- contrast ----------------------------------------------------------------------------

DEFAULTS = {"text": "#151a2d", "background": "#f5f6fa", "surface": "#ffffff", "white": "#ffffff"}


def _rgb(color: str) -> tuple[float, float, float]:
    hex_digits = color.lstrip("#")
    if len(hex_digits) == 3:
        hex_digits = "".join(c * 2 for c in hex_digits)
    r, g, b = (int(hex_digits[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return r, g, b


def luminance(color: str) -> float:
    """WCAG 2 relative luminance."""

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in _rgb(color))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two colours, 1 to 21."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@dataclass(frozen=True)
class LowContrast:
    field: str
    """The token to change."""
    message: str


AA_TEXT = 4.5


def contrast_problems(brand: Brand) -> list[LowContrast]:
    """Colour pairs the pages set text in, that fail WCAG AA (4.5:1 for body text)."""
    text = brand.text or DEFAULTS["text"]
    background = brand.background or DEFAULTS["background"]
    pairs = [
        ("text", "text", text, "background", background),
        ("text", "text", text, "cards (white)", DEFAULTS["surface"]),
    ]
    if brand.primary:
        pairs += [
            ("primary", "white button text", DEFAULTS["white"], "primary", brand.primary),
            ("primary", "primary links", brand.primary, "cards (white)", DEFAULTS["surface"]),
        ]
    if brand.accent:
        pairs.append(("accent", "accent text", brand.accent, "cards (white)", DEFAULTS["surface"]))
    found = []
    for field, fore_name, fore, back_name, back in pairs:
        ratio = contrast(fore, back)
        if ratio < AA_TEXT:
            found.append(
                LowContrast(
                    field,
                    f"{fore_name} {fore} on {back_name} {back} has a contrast of {ratio:.2f}:1, "
                    f"below WCAG AA's {AA_TEXT}:1",
                )
            )
    return found


def accent_problems(accent: str) -> list[str]:
    """A buyer colour is a text colour on cards, and on its own light tint (avatars)."""
    tint = _mix(accent, DEFAULTS["surface"], 0.86)  # mapsite.css: --buyer-soft
    pairs = [
        (f"{accent} text on white cards", accent, DEFAULTS["surface"]),
        (f"{accent} initials on their tint {tint}", accent, tint),
    ]
    return [
        f"{what}: the contrast is {ratio:.2f}:1, below WCAG AA's {AA_TEXT}:1"
        for what, fore, back in pairs
        if (ratio := contrast(fore, back)) < AA_TEXT
    ]


# --- CSS ---------------------------------------------------------------------------------

DARK_SURFACE = "#171b29"
DARK_QUERY = "@media screen and (prefers-color-scheme: dark)"


def _mix(color: str, other: str, amount: float) -> str:
    a, b = _rgb(color), _rgb(other)
    mixed = (round(255 * (x + (y - x) * amount)) for x, y in zip(a, b, strict=True))
    return "#" + "".join(f"{c:02x}" for c in mixed)


def for_dark(color: str) -> str:
    """The colour lightened just enough to read on the dark theme's cards (AA)."""
    for step in range(21):
        mixed = _mix(color, "#ffffff", step / 20)
        if contrast(mixed, DARK_SURFACE) >= AA_TEXT:
            return mixed
    return "#ffffff"


def css_string(text: str) -> str:
    """``text`` as a CSS string: quotes, backslashes, line breaks and '<' escaped, so it
    can end neither the string nor the stylesheet."""
    escaped = "".join(f"\\{ord(c):x} " if c in '"\\<' or not c.isprintable() else c for c in text)
    return f'"{escaped}"'


def css_font_list(value: str) -> str:
    """A ``font_family`` value as CSS: each name quoted, generic families bare."""
    return ", ".join(
        name if name in GENERIC_FAMILIES else css_string(name.strip("\"'"))
        for name in font_families(value)
    )


def first_family(value: str) -> str:
    """The brand font's own name (the first of the list), for @font-face."""
    return font_families(value)[0].strip("\"'")


def css_plain(value: str) -> str:
    """A colour or a length, with anything they cannot hold left out."""
    return re.sub(r"[^#0-9A-Za-z.%]", "", value)


def font_face(family: str, url: str) -> str:
    name = PurePosixPath(url).stem.lower()
    weight = re.search(r"(?<!\d)([1-9]00)(?!\d)", name)
    style = "italic" if "italic" in name else "normal"
    kind = FONT_TYPES.get(PurePosixPath(url).suffix.lower(), "woff2")
    return (
        f"@font-face {{ font-family: {css_string(family)}; src: url({css_string(url)}) "
        f'format("{kind}"); font-weight: {weight.group(1) if weight else 400}; '
        f"font-style: {style}; font-display: swap; }}"
    )


def stylesheet(brand: Brand, font_urls: list[str]) -> str:
    """``static/brand.css``: the tokens as custom properties, and the brand font."""
    lines = ["/* Generated by mapsite from the brand tokens: edit mapsite.yml, not this file. */"]
    if brand.font_family:
        lines += [font_face(first_family(brand.font_family), url) for url in font_urls]
    props = {
        "--brand-primary": brand.primary and css_plain(brand.primary),
        "--brand-accent": brand.accent and css_plain(brand.accent),
        "--brand-text": brand.text and css_plain(brand.text),
        "--brand-background": brand.background and css_plain(brand.background),
        "--brand-radius": brand.radius and css_plain(brand.radius),
        "--brand-font": brand.font_family and css_font_list(brand.font_family),
    }
    body = "".join(f"  {name}: {value};\n" for name, value in props.items() if value)
    if body:
        lines.append(":root {\n" + body + "}")
    dark = {
        "--brand-primary-dark": for_dark(brand.primary) if brand.primary else None,
        "--brand-accent-dark": for_dark(brand.accent) if brand.accent else None,
    }
    body = "".join(f"    {name}: {value};\n" for name, value in dark.items() if value)
    if body:
        lines.append(f"{DARK_QUERY} {{\n  :root {{\n{body}  }}\n}}")
    return "\n".join(lines) + "\n"


def plan_stylesheet(buyer_accent: str) -> str:
    """A plan's own ``plan.css``: the buyer's colour (a stylesheet, not an inline style,
    so the pages keep a strict Content-Security-Policy)."""
    return (
        f":root {{ --plan-buyer: {css_plain(buyer_accent)}; }}\n"
        f"{DARK_QUERY} {{\n"
        f"  :root {{ --plan-buyer-dark: {for_dark(buyer_accent)}; }}\n"
        "}\n"
    )
