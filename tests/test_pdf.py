"""PDFs of every plan, read back: content, header and footer, links, metadata, bytes."""

from __future__ import annotations

import contextlib
import os
import re
import threading
import unicodedata
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page
from pypdf import PdfReader
from support import PDF_NAMES, REPO, TODAY, copy_example, page_of, pdf_of

import mapsite.browser
import mapsite.build
import mapsite.pdf
import mapsite.printing
import mapsite.writer
from mapsite.cli import main
from mapsite.config import load_config
from mapsite.load import load_plan
from mapsite.render import format_date

pytestmark = pytest.mark.pdf
PLANS = ["northwind", "tailspin", "fabrikam-renewal"]


def build(site: Path, *args: str) -> Path:
    result = CliRunner().invoke(main, ["build", str(site), "--pdf", "--today", TODAY, *args])
    assert result.exit_code == 0, result.output
    return site / "public"


def folder(public: Path, slug: str) -> Path:
    """The plan's folder in the built site: its private link."""
    return page_of(public, slug).parent


@pytest.fixture(scope="module")
def public(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(copy_example(tmp_path_factory.mktemp("site")))


def text_of(pdf: Path) -> str:
    reader = PdfReader(pdf)
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def squash(text: str) -> str:
    """Text without white space or ligatures (ﬂ): PDF extraction has its own line breaks.
    Some fonts map the hyphen to the minus glyph, which extraction reads as U+2212."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).replace("\u2212", "-")


@pytest.mark.parametrize("slug", PLANS)
def test_every_milestone_step_owner_and_date_is_in_the_pdf(public: Path, slug: str) -> None:
    config, _ = load_config(REPO)
    doc = load_plan(REPO / "plans" / f"{slug}.md", config.holidays)
    text = squash(text_of(pdf_of(public, slug)))
    today = __import__("datetime").date.fromisoformat(TODAY)

    for value in (doc.plan.title, doc.plan.buyer.name, doc.plan.seller.name, doc.plan.value):
        assert value and squash(value) in text
    for milestone in doc.plan.milestones:
        assert squash(milestone.name) in text
        for step in milestone.steps:
            assert squash(step.task) in text
            for owner in step.owner:
                assert squash(owner) in text
    for due in doc.dates.target.values():
        assert due and squash(format_date(due, today)) in text
    for person in doc.plan.stakeholders:
        assert squash(person.name) in text
        if person.email:
            assert squash(person.email) in text
    for resource in doc.plan.resources:
        assert resource.url and squash(resource.url) in text, "URLs are printed beside titles"


def assert_header_and_footer_on_every_page(pdf: Path) -> None:
    """Northwind's PDF: title and buyer, the date, the parties and 'Page X of Y'."""
    reader = PdfReader(pdf)
    for number, page in enumerate(reader.pages, start=1):
        text = re.sub(r"\s+", " ", page.extract_text())
        assert "Revenue forecasting rollout · Northwind Financial" in text
        assert "As of Mon 23 Nov 2026" in text
        assert "Contoso × Northwind Financial · mutual action plan" in text
        assert f"Page {number} of {len(reader.pages)}" in text


def test_header_and_footer_on_every_page(public: Path) -> None:
    pdf = pdf_of(public, "northwind")
    assert len(PdfReader(pdf).pages) >= 3
    assert_header_and_footer_on_every_page(pdf)


def test_the_first_page_is_the_summary(public: Path) -> None:
    pdf = pdf_of(public, "northwind")
    pages = PdfReader(pdf).pages
    first = re.sub(r"\s+", " ", pages[0].extract_text())
    summary = ["Health", "Go-live", "Wed 31 Mar 2027", "6 of 23", "Timeline", "Working on"]
    summary += ["Why we are doing this"]
    for part in summary:
        assert part.lower() in first.lower(), part
    # with the timeline on the first page, a plan of 15 people lists them on the next
    second = re.sub(r"\s+", " ", pages[1].extract_text())
    rest = ["Success looks like", "People", "Priya Raman", "Director of Revenue Operations"]
    for part in [*rest, "Account Executive"]:
        assert part.lower() in (first + second).lower(), part
    # then Next up and the plan, flowing on (no half-empty page before them)
    text = " ".join(re.sub(r"\s+", " ", page.extract_text()) for page in pages)
    assert "next up" not in first.lower()
    assert text.index("Account Executive") < text.index("Next up") < text.index("The plan")
    assert "Download" not in first, "nothing interactive is printed"
    # the buyer's people by their titles: how the rep labels them is not printed
    for role in ("Champion", "Economic Buyer", "Decision Maker", "Technical Evaluator"):
        assert role not in text_of(pdf), role


def test_the_pdf_does_not_ask_to_keep_a_link_it_has_not(public: Path) -> None:
    text = text_of(pdf_of(public, "northwind"))

    assert "Shared privately by Contoso with Northwind Financial." in text
    assert "forward" not in text
    page = page_of(public, "northwind").read_text(encoding="utf-8")
    assert "Please do not forward this link." in page, "the page still asks"


def structure(node: object, depth: int = 0) -> Iterator[tuple[int, dict]]:
    """Every element of a PDF's structure tree, depth first, with its depth."""
    node = node.get_object() if hasattr(node, "get_object") else node
    if isinstance(node, list):
        for kid in node:
            yield from structure(kid, depth)
        return
    if isinstance(node, dict) and node.get("/Type") != "/MCR" and "/S" in node:
        yield depth, node
        if "/K" in node:
            yield from structure(node["/K"], depth + 1)


def test_the_pdf_is_tagged_for_screen_readers(public: Path) -> None:
    root = PdfReader(pdf_of(public, "northwind")).trailer["/Root"]

    assert bool(root["/MarkInfo"]["/Marked"]), "a tagged PDF"
    assert root["/Lang"] == "en"
    elements = list(structure(root["/StructTreeRoot"]["/K"]))
    assert elements[0] == (0, elements[0][1]) and elements[0][1]["/S"] == "/Document"
    tags = Counter(str(e["/S"]) for _, e in elements)
    doc = load_plan(REPO / "plans" / "northwind.md")
    assert tags["/H1"] == 1, "the plan's title"
    assert tags["/H3"] >= len(doc.plan.milestones), "a heading per milestone"
    assert tags["/L"] and tags["/LI"] >= sum(len(m.steps) for m in doc.plan.milestones)
    assert tags["/Link"] >= len(links(pdf_of(public, "northwind")))
    logos = {str(e.get("/Alt")) for _, e in elements if e["/S"] == "/Figure"}
    assert {"Contoso", "Northwind Financial"} <= logos, "the logos by their names"


def outline(reader: PdfReader, items: list | None = None) -> list[tuple[str, int, list]]:
    """The bookmarks: (title, 0-based page, the bookmarks under it)."""
    found: list[tuple[str, int, list]] = []
    for item in reader.outline if items is None else items:
        if isinstance(item, list):
            title, page, _ = found[-1]
            found[-1] = (title, page, outline(reader, item))
        else:
            found.append((item.title, reader.get_destination_page_number(item), []))
    return found


@pytest.mark.parametrize("slug", PLANS)
def test_the_pdf_has_a_bookmark_per_milestone_on_its_page(public: Path, slug: str) -> None:
    reader = PdfReader(pdf_of(public, slug))
    doc = load_plan(REPO / "plans" / f"{slug}.md")

    [(title, first, sections)] = outline(reader)
    assert (title, first) == (doc.plan.title, 0)
    names = [title for title, _, _ in sections]
    assert {"Timeline", "Next up", "Why we are doing this", "People", "The plan"} <= set(names)
    [plan] = [under for title, _, under in sections if title == "The plan"]
    assert [title for title, _, _ in plan] == [m.name for m in doc.plan.milestones]
    for title, page, _ in plan:  # a bookmark opens the page its milestone starts on
        assert squash(title) in squash(reader.pages[page].extract_text()), title


def test_the_summary_page_shows_the_timeline(public: Path) -> None:
    config, _ = load_config(REPO)
    doc = load_plan(REPO / "plans" / "northwind.md", config.holidays)
    first = squash(PdfReader(pdf_of(public, "northwind")).pages[0].extract_text())
    assert squash("Timeline Wed 28 Oct to Wed 26 May 2027.") in first
    for milestone in doc.plan.milestones:  # a row each, with its state in words
        assert squash(milestone.name) in first, milestone.name
    for part in ("Done · Fri 13 Nov", "In progress · 1 of 4 done", "Target · Wed 31 Mar 2027"):
        assert squash(part) in first, part
    assert squash("Today, Mon 23 Nov") in first  # the legend
    assert "Nov" in first and "2027" in first  # the axis: month and year names


def links(pdf: Path) -> set[str]:
    found = set()
    for page in PdfReader(pdf).pages:
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A")
            if action and "/URI" in action:
                found.add(str(action["/URI"]))
    return found


def test_links_are_clickable(public: Path) -> None:
    found = links(pdf_of(public, "northwind"))
    assert "https://contoso.example/trust/soc2-type-ii-2026.pdf" in found
    assert "mailto:priya.raman@northwind.example" in found
    assert "tel:+15550121" in found


def test_metadata(public: Path) -> None:
    meta = PdfReader(pdf_of(public, "northwind")).metadata
    assert meta is not None
    assert meta.title == "Revenue forecasting rollout"
    assert meta.author == "Contoso"
    assert meta.subject == "Northwind Financial"
    assert meta["/CreationDate"] == "D:20261123000000Z"


def test_page_size_follows_mapsite_yml(public: Path, tmp_path: Path) -> None:
    letter = PdfReader(pdf_of(public, "tailspin")).pages[0].mediabox
    assert (round(float(letter.width)), round(float(letter.height))) == (612, 792)
    site = copy_example(tmp_path / "a4")
    (site / "mapsite.yml").write_text("page_size: A4\nholidays: US\n")
    a4 = PdfReader(pdf_of(build(site), "tailspin")).pages[0].mediabox
    assert abs(float(a4.width) - 595.3) < 1 and abs(float(a4.height) - 841.9) < 1


def test_same_plan_and_today_give_the_same_bytes(
    public: Path, tmp_path: Path, printers: list[bool]
) -> None:
    again = build(copy_example(tmp_path / "again"))
    for slug in PLANS:
        first = pdf_of(public, slug).read_bytes()
        assert first == pdf_of(again, slug).read_bytes(), slug
    # on Linux, by single-process browsers: were they to fail every time, the ordinary
    # ones behind them would print the same PDFs, only slower
    assert printers == [bool(mapsite.pdf.SINGLE_PROCESS)] * len(PLANS)


def test_typical_plan_pdf_is_small(public: Path) -> None:
    """Every example under 300 KB, the largest (23 steps, 15 people, seven pages, its
    structure tree for screen readers and the timeline) too: the PDF's objects are
    packed into compressed object streams (361 KB before, 271 KB packed)."""
    sizes = {slug: pdf_of(public, slug).stat().st_size for slug in PLANS}
    assert max(sizes.values()) < 300_000, sizes


def test_the_structure_tree_is_packed_into_object_streams(public: Path) -> None:
    """What made the PDFs big: Chromium writes each of some 800 structure elements as
    an object of plain text. Packed, they are in object streams, and still there."""
    reader = PdfReader(pdf_of(public, "northwind"))
    packed = set(reader.xref_objStm)  # object number -> (object stream, index)
    assert len(packed) > 500
    tree = reader.trailer["/Root"]["/StructTreeRoot"]
    assert tree.indirect_reference.idnum in packed
    assert reader.pdf_header == "%PDF-1.5"


def test_the_page_links_to_its_pdf(public: Path, tmp_path: Path) -> None:
    page = page_of(public, "tailspin").read_text(encoding="utf-8")
    assert f'href="{PDF_NAMES["tailspin"]}" download>' in page
    no_pdf = CliRunner().invoke(
        main, ["build", str(copy_example(tmp_path / "s")), "--no-pdf", "--today", TODAY]
    )
    assert no_pdf.exit_code == 0
    html = page_of(tmp_path / "s" / "public", "tailspin").read_text(encoding="utf-8")
    # (the calendar's "Download .ics" stays: only the PDF button goes)
    assert 'class="download"' not in html and ".pdf" not in html
    assert not pdf_of(tmp_path / "s" / "public", "tailspin").exists()


def test_pdf_command_prints_chosen_plans(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = copy_example(tmp_path / "site")
    monkeypatch.chdir(site)
    result = CliRunner().invoke(
        main, ["pdf", "plans/tailspin.md", "plans/northwind.md", "-o", "outbox", "--today", TODAY]
    )
    assert result.exit_code == 0, result.output
    # named from what the buyer knows (their name, the title), not the plan's file
    tailspin, northwind = PDF_NAMES["tailspin"], PDF_NAMES["northwind"]
    assert result.output == f"wrote outbox/{tailspin}\nwrote outbox/{northwind}\n"
    assert sorted(p.name for p in (site / "outbox").iterdir()) == [northwind, tailspin]
    assert "Forecasting for the sales team" in text_of(site / "outbox" / tailspin)


def test_a_wrong_browser_path_is_a_clear_error(tmp_path: Path) -> None:
    site = copy_example(tmp_path / "site")
    result = CliRunner().invoke(
        main, ["build", str(site), "--pdf", "--chromium", "/nowhere/chrome", "--today", TODAY]
    )
    assert result.exit_code == 1
    assert result.output.startswith("cannot print PDFs: no browser at '/nowhere/chrome' (")
    assert "Traceback" not in result.output
    assert not (site / "public").exists(), "a failed build writes nothing"


def test_no_browser_anywhere_says_how_to_get_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MAPSITE_CHROMIUM", raising=False)
    monkeypatch.setattr(mapsite.browser, "playwright_chromium", lambda playwright=None: None)
    monkeypatch.setattr(mapsite.browser, "SYSTEM_CANDIDATES", {})
    monkeypatch.setattr(mapsite.browser, "SYSTEM_COMMANDS", [])
    site = copy_example(tmp_path / "site")
    result = CliRunner().invoke(main, ["build", str(site), "--pdf", "--today", TODAY])
    assert result.exit_code == 1
    assert result.output == (
        "cannot print PDFs: no Chromium found (run 'python -m playwright install chromium', "
        "or install your system's Chromium (Debian/Ubuntu: 'apt-get install chromium'), or set "
        "MAPSITE_CHROMIUM; or build without PDFs: mapsite build --no-pdf)\n1 error\n"
    )


def test_print_colours_are_light_even_in_dark_mode(public: Path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=mapsite.browser.find_chromium(playwright=p))
        page = browser.new_page(color_scheme="dark")
        page.goto(page_of(public, "tailspin").as_uri())
        screen = page.evaluate("getComputedStyle(document.body).backgroundColor")
        page.emulate_media(media="print", color_scheme="dark")
        printed = page.evaluate("getComputedStyle(document.body).backgroundColor")
        browser.close()
    assert sum(int(c) for c in re.findall(r"\d+", screen)) < 150, screen  # the theme's dark
    assert printed == "rgb(255, 255, 255)"


def test_printing_works_inside_a_running_event_loop(tmp_path: Path) -> None:
    """Playwright's sync API, Jupyter and others run a loop in the calling thread."""
    import asyncio

    site = copy_example(tmp_path / "site")

    async def inside() -> None:
        build(site)

    asyncio.run(inside())
    assert pdf_of(site / "public", "tailspin").stat().st_size > 10_000


# --- Chromium's unsupported --single-process mode, and the ordinary browser behind it ---

needs_single_process = pytest.mark.skipif(
    not mapsite.pdf.SINGLE_PROCESS, reason="single-process browsers are tried on Linux only"
)


def assert_same_pdfs(public: Path, again: Path) -> None:
    """The same pages, text, links and metadata as in ``public``. Not always the same
    bytes: a font that two images use (the logos) is embedded once by a single-process
    browser and twice by an ordinary one, which looks the same."""
    for slug in PLANS:
        first, second = (pdf_of(site, slug) for site in (public, again))
        pages = [page.extract_text() for page in PdfReader(first).pages]
        assert pages == [page.extract_text() for page in PdfReader(second).pages], slug
        assert PdfReader(first).metadata == PdfReader(second).metadata, slug
        assert links(first) == links(second), slug


@pytest.fixture
def printers(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """For each PDF written, in order: whether a single-process browser printed it."""
    single: list[bool] = []
    real = mapsite.pdf.Printer.print

    async def print_(self: mapsite.pdf.Printer, job: mapsite.pdf.PdfJob) -> bytes:
        data = await real(self, job)
        single.append(self.single_process)
        return data

    monkeypatch.setattr(mapsite.pdf.Printer, "print", print_)
    return single


async def crash(page: Page) -> None:
    """Chromium's own crash page: the page's renderer dies, and so does a single-process
    browser, which is its renderer."""
    await page.goto("chrome://crash")


async def hang(page: Page) -> None:
    await page.evaluate("() => { while (true) {} }")


def sabotage(
    monkeypatch: pytest.MonkeyPatch, act: Callable[[Page], Awaitable[None]], *, every: bool = False
) -> list[str]:
    """Before the first print of a single-process browser (or before every print), crash
    or hang Chromium for real. Returns the titles of the plans it was done to."""
    done: list[str] = []
    real = mapsite.pdf.Printer.print

    async def print_(self: mapsite.pdf.Printer, job: mapsite.pdf.PdfJob) -> bytes:
        if every or (self.single_process and not done):
            done.append(job.title)
            with contextlib.suppress(PlaywrightError):  # the browser goes meanwhile
                await act(self.page)
        return await real(self, job)

    monkeypatch.setattr(mapsite.pdf.Printer, "print", print_)
    return done


@needs_single_process
def test_a_single_process_browser_that_will_not_start_gives_way_to_an_ordinary_one(
    public: Path, tmp_path: Path, printers: list[bool], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Chromium prints its version and exits: the launch fails, as where the mode is broken
    monkeypatch.setattr(mapsite.pdf, "SINGLE_PROCESS", ["--single-process", "--version"])
    assert_same_pdfs(public, build(copy_example(tmp_path / "site")))
    assert printers == [False] * len(PLANS)


@needs_single_process
def test_a_single_process_browser_that_dies_mid_build_loses_no_pdf(
    public: Path, tmp_path: Path, printers: list[bool], monkeypatch: pytest.MonkeyPatch
) -> None:
    crashed = sabotage(monkeypatch, crash)
    assert_same_pdfs(public, build(copy_example(tmp_path / "site")))
    assert len(crashed) == 1
    assert len(printers) == len(PLANS) and False in printers, "an ordinary browser took over"


@needs_single_process
def test_a_single_process_browser_that_hangs_gives_way_after_a_timeout(
    public: Path, tmp_path: Path, printers: list[bool], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(mapsite.pdf, "TIMEOUT", 5.0)
    monkeypatch.setattr(mapsite.pdf, "CLOSE_TIMEOUT", 1.0)
    hung = sabotage(monkeypatch, hang)
    assert_same_pdfs(public, build(copy_example(tmp_path / "site")))
    assert len(hung) == 1
    assert len(printers) == len(PLANS) and False in printers


def test_a_browser_that_keeps_crashing_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sabotage(monkeypatch, crash, every=True)
    site = copy_example(tmp_path / "site")
    result = CliRunner().invoke(main, ["build", str(site), "--pdf", "--today", TODAY])
    assert result.exit_code == 1
    assert re.fullmatch(
        r"cannot print the PDF of '[^']+': Chromium failed: .+ \(try again; or build without "
        r"PDFs: mapsite build --no-pdf\)\n1 error\n",
        result.output,
    ), result.output
    assert not (site / "public").exists(), "a failed build writes nothing"


def test_a_chromium_without_page_margin_boxes_prints_header_and_footer_as_templates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(mapsite.pdf, "MARGIN_BOXES_SINCE", 10_000)
    pdf = pdf_of(build(copy_example(tmp_path / "site")), "northwind")
    assert_header_and_footer_on_every_page(pdf)


def test_a_build_prints_only_the_pdfs_of_changed_plans(tmp_path: Path) -> None:
    """Incremental builds (incremental.py): the other PDFs are carried over as they
    were, the changed plan's is printed again, and each is what a clean build prints."""
    site = copy_example(tmp_path / "site")
    public = build(site)
    before = {slug: pdf_of(public, slug).stat().st_ino for slug in PLANS}
    plan = site / "plans" / "tailspin.md"
    plan.write_text(plan.read_text().replace("status: done", "status: in progress", 1))

    build(site)

    after = {slug: pdf_of(public, slug).stat().st_ino for slug in PLANS}
    assert [slug for slug in PLANS if after[slug] == before[slug]] == [
        "northwind", "fabrikam-renewal"
    ]  # fmt: skip
    clean = build(site, "-o", str(tmp_path / "clean"), "--full")
    for slug in PLANS:
        assert pdf_of(public, slug).read_bytes() == pdf_of(clean, slug).read_bytes(), slug


def test_node_ids_do_not_depend_on_what_was_printed_before() -> None:
    """Chromium names tagged table headers after DOM node counters, which grow with
    every plan a browser printed: renumbered, in order and at the same width."""
    from mapsite.pdf import stable_ids

    first = b"<</ID (node00001743)>> <</ID (node00001744)>> /Names [(node00001743) 1 0 R]"
    later = b"<</ID (node00009001)>> <</ID (node00009002)>> /Names [(node00009001) 1 0 R]"
    expected = b"<</ID (node00000001)>> <</ID (node00000002)>> /Names [(node00000001) 1 0 R]"
    assert stable_ids(first) == stable_ids(later) == expected
    assert stable_ids(b"no ids here") == b"no ids here"


def children() -> set[str]:
    """This process's running child processes (Playwright's driver, and through it
    Chromium), with their state and command line."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, IndexError, ValueError):
            state, parent = stat.read_text().rsplit(")", 1)[1].split()[:2]
            if int(parent) == os.getpid() and state != "Z":
                command = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ")
                found.add(f"{stat.parent.name} {state} {command.decode()[:200]}")
    return found


def test_the_printers_start_while_the_pages_are_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The browsers are launched as soon as the pages are being written, not after:
    when the last page is done, they are ready (or nearly) to print."""
    events: list[str] = []
    start, write = mapsite.printing.Printing.start, mapsite.writer.SiteWriter.write_plan

    def starting(self: mapsite.printing.Printing, browsers: int = 2) -> None:
        events.append(f"printers for {browsers}")
        start(self, browsers)

    def writing(self: mapsite.writer.SiteWriter, doc: Any, page: Any = None) -> Path:
        events.append("page")
        return write(self, doc, page)

    monkeypatch.setattr(mapsite.printing.Printing, "start", starting)
    monkeypatch.setattr(mapsite.writer.SiteWriter, "write_plan", writing)
    again = build(copy_example(tmp_path / "site"))
    assert events[:2] == [f"printers for {len(PLANS)}", "page"]
    assert events.count("page") == len(PLANS)
    assert all(pdf_of(again, slug).is_file() for slug in PLANS)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_a_build_stopped_after_the_printers_started_leaves_no_browser(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = children()
    real = mapsite.build.write_plans
    threads: list[threading.Thread] = []

    def stopped(*args: Any) -> Any:
        real(*args)  # the printers were started meanwhile
        threads.extend(t for t in threading.enumerate() if t.name == "mapsite-printing")
        raise KeyboardInterrupt

    monkeypatch.setattr(mapsite.build, "write_plans", stopped)
    site = copy_example(tmp_path / "site")
    result = CliRunner().invoke(main, ["build", str(site), "--pdf", "--today", TODAY])
    assert result.exit_code == 1 and "Aborted!" in result.stderr
    assert threads and not any(t.is_alive() for t in threads)
    assert children() <= before, "Playwright's driver and its browsers are gone"
    assert not (site / "public").exists()


def test_a_build_with_nothing_to_print_starts_no_browser(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every plan carried over from the last build, PDFs included: no browser starts."""
    site = copy_example(tmp_path / "site")
    build(site)
    started: list[int] = []
    start = mapsite.printing.Printing.start

    def starting(self: mapsite.printing.Printing, browsers: int = 2) -> None:
        started.append(browsers)
        start(self, browsers)

    monkeypatch.setattr(mapsite.printing.Printing, "start", starting)
    threads = len(threading.enumerate())
    again = build(site)
    assert started == [] and len(threading.enumerate()) == threads
    assert all(pdf_of(again, slug).is_file() for slug in PLANS)
