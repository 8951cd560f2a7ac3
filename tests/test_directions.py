"""Right-to-left languages: the pages' direction, the rep's words isolated inside them,
and PDFs mirrored. How the pages look: tests/visual/test_visual_languages.py."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from support import TODAY, VALID_PLAN, page_of, pdf_of, token_for

import mapsite.pdf
from mapsite.bidi import bdi, direction, isolated, page_direction
from mapsite.pdf import PdfJob, bands, footer, header, print_pdfs


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("ar", "rtl"),
        ("he", "rtl"),
        ("fa", "rtl"),
        ("ur", "rtl"),
        ("ar-EG", "rtl"),
        ("AR_eg", "rtl"),
        ("he-IL", "rtl"),
        ("en", "ltr"),
        ("de", "ltr"),
        ("ja", "ltr"),
        ("pt_BR", "ltr"),
        ("arn", "ltr"),  # Mapudungun: Latin script, not Arabic
        ("", "ltr"),
    ],
)
def test_direction_of_a_language(language: str, expected: str) -> None:
    assert direction(language) == expected


def test_bdi_isolates_the_text_escaped_and_nothing_for_nothing() -> None:
    assert bdi("Wingtip Toys Inc.") == "<bdi>Wingtip Toys Inc.</bdi>"
    assert bdi("A <b>&</b>") == "<bdi>A &lt;b&gt;&amp;&lt;/b&gt;</bdi>"
    assert bdi("") == "" and bdi(None) == ""


LOCKED = VALID_PLAN.replace(
    "go_live:", f"share:\n  token: {token_for('locked')}\n  password_env: PLAN_PASSWORD\ngo_live:"
)


def build(site: Path, run: Callable[..., object], language: str | None, *extra: str) -> Path:
    if language is not None:
        (site / "mapsite.yml").write_text(f"language: {language}\n", encoding="utf-8")
    result = run(
        "build",
        ".",
        "--today",
        TODAY,
        *extra,
        env={"PLAN_PASSWORD": "correct horse battery staple"},
    )
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    return site / "public"


def html_tag(page: Path) -> str:
    found = re.search(r"<html[^>]*>", page.read_text(encoding="utf-8"))
    assert found, page
    return found.group(0)


@pytest.mark.parametrize(
    ("language", "tag"),
    [
        (None, '<html lang="en" dir="ltr">'),
        ("de", '<html lang="de" dir="ltr">'),
        ("ar", '<html lang="ar" dir="rtl">'),
        ("pt-br", '<html lang="pt-BR" dir="ltr">'),
    ],
)
def test_every_page_says_its_direction(
    site: Path, write_plan: Callable[..., Path], run: Callable[..., object], language: str | None,
    tag: str,
) -> None:  # fmt: skip
    write_plan("northwind")
    write_plan("locked", LOCKED)
    public = build(site, run, language, "--no-pdf")
    pages = [page_of(public, "northwind"), page_of(public, "locked"), public / "index.html",
             public / "404.html", public / "expired.html", public / "replaced.html"]  # fmt: skip
    assert {p.name: html_tag(p) for p in pages} == {p.name: tag for p in pages}


def test_the_reps_names_are_isolated_on_the_page(
    site: Path, write_plan: Callable[..., Path], run: Callable[..., object]
) -> None:
    """Names, companies, titles and steps in <bdi>; the rep's prose finds its own
    direction; emails and phone numbers always read left to right."""
    plan = (
        VALID_PLAN.replace("name: Northwind Financial", 'name: "Wingtip <Toys> Inc."')
        .replace("title: Revenue forecasting rollout", "title: Rollout 2.0!")
        .replace(
            "    side: buyer\n", "    side: buyer\n    title: CFO\n    phone: '+971 4 555 0121'\n"
        )
        .replace("go_live:", "value: Forecasts everyone trusts.\ngo_live:")
    )
    write_plan("wingtip", plan)
    page = page_of(build(site, run, "ar", "--no-pdf"), "wingtip").read_text(encoding="utf-8")
    company = "<bdi>Wingtip &lt;Toys&gt; Inc.</bdi>"
    assert '<p class="eyebrow"><bdi>Contoso</bdi> ' in page and f"{company}</p>" in page
    assert '<h1 id="plan-title"><bdi>Rollout 2.0!</bdi></h1>' in page
    assert '<p class="person__name"><bdi>Priya Raman</bdi></p>' in page
    assert '<p class="person__title"><bdi>CFO</bdi></p>' in page
    assert '<p class="step__task"><bdi>Send the order form</bdi></p>' in page
    assert '<h3 class="milestone__name"><bdi>Contract signed</bdi></h3>' in page
    assert f'<span class="owner__org">, {company}</span>' in page
    assert f"خطة خاصة تشاركها <bdi>Contoso</bdi> مع {company}." in page  # "Shared privately by"
    assert '<p class="why__value" dir="auto">Forecasts everyone trusts.</p>' in page
    assert '<a href="tel:+97145550121" dir="ltr">+971 4 555 0121</a>' in page


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ('<!doctype html>\n<html lang="ar" dir="rtl">', "rtl"),
        ("<html dir='RTL' lang=he>", "rtl"),
        ("<HTML lang=ar dir=rtl>", "rtl"),
        ('<html lang="en" dir="ltr">', "ltr"),
        ('<html lang="ar">', "ltr"),
        ('<html lang="en"><body dir="rtl">', "ltr"),  # the body's is not the page's
        ('<html data-dir="rtl">', "ltr"),
        ("<p>no html element</p>", "ltr"),
        ('<!doctype html><p>a page <code><html dir="rtl"></code></p>', "ltr"),
    ],
)
def test_page_direction(html: str, expected: str) -> None:
    assert page_direction(html) == expected


def test_isolated_text_is_between_unicode_isolates() -> None:
    assert isolated("Wingtip Toys Inc.") == "\u2068Wingtip Toys Inc.\u2069"


ARABIC_JOB = PdfJob(Path("p.html"), Path("p.pdf"), "إطلاق المنصة", "Contoso", "Wingtip Toys Inc.",
                    date(2026, 11, 23))  # fmt: skip
FSI, PDI = "\u2068", "\u2069"


def test_a_right_to_left_pdfs_header_and_footer_isolate_the_names() -> None:
    """Mirrored, and the Latin names kept whole (their full stop at their end)."""
    css = bands(ARABIC_JOB, "serif", rtl=True)
    assert f'@top-right {{ content: "{FSI}إطلاق المنصة{PDI} · {FSI}Wingtip Toys Inc.{PDI}";' in css
    assert '@top-left { content: "As of Mon 23 Nov 2026";' in css
    assert f'@bottom-right {{ content: "{FSI}Contoso{PDI} × {FSI}Wingtip Toys Inc.{PDI} · ' in css
    assert '@bottom-left { content: "Page " counter(page)' in css
    assert header(ARABIC_JOB, rtl=True).startswith('<div dir="rtl" ')
    assert f"<span>{FSI}إطلاق المنصة{PDI} · {FSI}Wingtip Toys Inc.{PDI}</span>" in header(
        ARABIC_JOB, rtl=True
    )
    assert footer(ARABIC_JOB, rtl=True).startswith('<div dir="rtl" ')
    assert f"<span>{FSI}Contoso{PDI} &times; {FSI}Wingtip Toys Inc.{PDI} · " in footer(
        ARABIC_JOB, rtl=True
    )


def test_a_left_to_right_pdfs_header_and_footer_are_as_they_were() -> None:
    css = bands(ARABIC_JOB, "serif")
    assert '@top-left { content: "إطلاق المنصة · Wingtip Toys Inc.";' in css
    assert '@bottom-left { content: "Contoso × Wingtip Toys Inc. · mutual action plan";' in css
    assert '@top-right { content: "As of' in css and '@bottom-right { content: "Page' in css
    assert FSI not in css + header(ARABIC_JOB) + footer(ARABIC_JOB)
    assert header(ARABIC_JOB).startswith('<div dir="ltr" ')
    assert footer(ARABIC_JOB).startswith('<div dir="ltr" ')


def positions(pdf: Path, page: int = 0) -> dict[str, float]:
    """Each piece of text on a page of ``pdf`` and where it starts (points from the left);
    Arabic letters in their plain forms (a PDF holds their shapes: NFKC undoes them)."""
    found: dict[str, float] = {}

    def visit(text: str, cm: list[float], tm: list[float], *_: object) -> None:
        if text.strip():
            found.setdefault(unicodedata.normalize("NFKC", text.strip()), tm[4] * cm[0] + cm[4])

    PdfReader(pdf).pages[page].extract_text(visitor_text=visit)
    return found


def where(found: dict[str, float], words: str) -> float:
    xs = [x for text, x in found.items() if words in text]
    assert xs, f"no text with {words!r} in {sorted(found)}"
    return xs[0]


@pytest.mark.pdf
@pytest.mark.parametrize(("language", "rtl"), [("en", False), ("ar", True)])
def test_the_pdfs_header_and_footer_follow_the_page(
    site: Path, write_plan: Callable[..., Path], run: Callable[..., object], language: str,
    rtl: bool,
) -> None:  # fmt: skip
    """Right to left, the title and the parties are on the right, the date and the page
    number on the left."""
    write_plan("northwind")
    pdf = pdf_of(build(site, run, language, "--pdf"), "northwind")
    found, middle = positions(pdf), float(PdfReader(pdf).pages[0].mediabox.width) / 2
    # the bands' own words: "As of", "Page" and the footer's "mutual action plan" after
    # the parties (Arabic: بتاريخ, الصفحة, مشتركة; read back as presentation forms)
    words = ("As of", "Page", "mutual action plan")
    if language == "ar":
        words = ("بتاريخ", "الصفحة", "مشتركة")
    as_of, number, parties = (where(found, w) for w in words)
    assert (as_of < middle) is rtl and (number < middle) is rtl, found
    assert (parties > middle) is rtl, found


PAGE = '<!doctype html>\n<html lang="{lang}" dir="{dir}"><head><meta charset="utf-8"><title>t</title></head><body><p>{text}</p></body></html>\n'  # noqa: E501


@pytest.mark.pdf
def test_each_pdf_is_printed_in_its_own_pages_direction(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One browser prints the pages one after the other: a right-to-left page after a
    left-to-right one, and back, each laid out its own way (its text at its start)."""
    monkeypatch.setattr(mapsite.pdf, "CONCURRENCY", 1)
    pages = [("en", "ltr", "Left to right"), ("ar", "rtl", "Right to left"),
             ("en", "ltr", "Left again")]  # fmt: skip
    jobs = []
    for n, (lang, way, text) in enumerate(pages):
        html = tmp_path / f"{n}.html"
        html.write_text(PAGE.format(lang=lang, dir=way, text=text), encoding="utf-8")
        jobs.append(
            PdfJob(html, tmp_path / f"{n}.pdf", text, "Contoso", "Wingtip", date(2026, 11, 23))
        )
    print_pdfs(jobs, "A4")
    lines = [positions(job.out)[text] for job, (_, _, text) in zip(jobs, pages, strict=True)]
    width = float(PdfReader(jobs[0].out).pages[0].mediabox.width)
    assert lines[0] < width / 3 and lines[2] < width / 3, lines
    assert lines[1] > width / 2, lines
