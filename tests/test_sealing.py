"""A protected plan never reaches the disk in clear; PDFs are named from what the buyer
knows; signals stop a command like Ctrl-C."""

from __future__ import annotations

import os
import signal
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from support import TODAY, VALID_PLAN, leftovers, sealed_of, token_for, tree_hash, with_token

import mapsite.build
import mapsite.page
import mapsite.writer
from mapsite import output, seal, stop
from mapsite.load import parse_plan
from mapsite.page import Page

PHRASE = "Zanzibar escrow arrangement"
PROTECTED = VALID_PLAN.replace("Send the order form", f"Agree the {PHRASE}").replace(
    "go_live:", f"share:\n  token: {token_for('secret')}\n  password_env: SECRET_PW\ngo_live:"
)


@pytest.fixture
def writes(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Path, bytes]]:
    """Every file mapsite writes (through pathlib, or output.write_file), with what it
    wrote."""
    written: list[tuple[Path, bytes]] = []
    real_text, real_bytes = Path.write_text, Path.write_bytes

    def write_text(self: Path, data: str, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self.parent.name != "plans":  # (the test's own plans)
            written.append((self, data.encode()))
        return real_text(self, data, *args, **kwargs)

    def write_bytes(self: Path, data: bytes):  # type: ignore[no-untyped-def]
        written.append((self, bytes(data)))
        return real_bytes(self, data)

    def write_file(path: Path, data: bytes) -> None:
        written.append((path, bytes(data)))
        real_file(path, data)

    real_file = output.write_file
    monkeypatch.setattr(Path, "write_text", write_text)
    monkeypatch.setattr(Path, "write_bytes", write_bytes)
    monkeypatch.setattr(output, "write_file", write_file)
    return written


def test_a_protected_page_is_sealed_before_it_is_written(
    write_plan, run, writes: list[tuple[Path, bytes]], site: Path
) -> None:
    write_plan("secret", PROTECTED)

    result = run("build", "--today", TODAY, env={"SECRET_PW": "correct horse"})

    assert result.exit_code == 0, result.stderr
    pages = [path for path, _ in writes if path.parent.name == token_for("secret")]
    assert [p.name for p in pages] == ["index.html"]
    assert not [path for path, data in writes if PHRASE.encode() in data]
    page = (site / "public" / token_for("secret") / "index.html").read_text()
    assert PHRASE in seal.unseal(sealed_of(page), "correct horse")


@pytest.mark.pdf
def test_mapsite_pdf_never_writes_a_protected_plan_in_clear(
    write_plan, run, writes: list[tuple[Path, bytes]], site: Path
) -> None:
    write_plan("acme-lowball", PROTECTED)

    result = run("pdf", "plans/acme-lowball.md", "-o", "outbox", env={"SECRET_PW": "correct horse"})

    assert result.exit_code == 0, result.stderr
    name = "northwind-financial-revenue-forecasting-rollout.pdf"
    assert result.stdout == f"wrote outbox/{name}\n"
    assert not [path for path, data in writes if PHRASE.encode() in data]
    pdfs = [data for _, data in writes if data.startswith(b"%PDF")]
    assert len(pdfs) == 1 and b"/Encrypt" in pdfs[0]  # encrypted before it was written
    reader = PdfReader(site / "outbox" / name)
    assert reader.is_encrypted and reader.decrypt("correct horse")
    assert PHRASE in " ".join(page.extract_text() for page in reader.pages).replace("\n", " ")


# --- PDF names --------------------------------------------------------------------------


def page(buyer: str, title: str, password_env: str | None = None) -> Page:
    return Page("acme-lowball", "plans/acme-lowball.md", title, "Contoso", buyer, "T",
                password_env=password_env)  # fmt: skip


@pytest.mark.parametrize(
    ("buyer", "title", "name"),
    [
        ("Northwind Financial", "Revenue forecasting rollout",
         "northwind-financial-revenue-forecasting-rollout.pdf"),
        ("Fabrikam", "Fabrikam renewal", "fabrikam-renewal.pdf"),  # the buyer once
        ("Zoë's Café, Inc.", "Été 2027", "zoe-s-cafe-inc-ete-2027.pdf"),
        ("北京", "Rollout", "rollout.pdf"),
        ("北京", "计划", "plan.pdf"),
        ("A" * 50, "b" * 40, f"{'a' * 50}.pdf"),  # cut at a word
        ("Tailspin", "A very long title " * 6, "tailspin-a-very-long-title-a-very-long-title"
         "-a-very-long-title-a-very-long-title.pdf"),
    ],
)  # fmt: skip
def test_a_pdf_is_named_from_buyer_and_title(buyer: str, title: str, name: str) -> None:
    assert page(buyer, title).document_name == name
    assert page(buyer, title).pdf_name == name
    assert len(name) <= len(".pdf") + mapsite.page.NAME_LENGTH


def test_a_protected_plans_pdf_on_the_site_says_nothing() -> None:
    assert page("Northwind", "Rollout", "PW").pdf_name == "plan.pdf"
    assert page("Northwind", "Rollout", "PW").document_name == "northwind-rollout.pdf"


def test_pdfs_that_would_share_a_name_are_refused(write_plan, run, site: Path) -> None:
    write_plan("eu/acme")
    write_plan("us/acme")
    write_plan("other", VALID_PLAN.replace("title: Revenue", "title: Other revenue"))

    result = run("pdf", "plans/eu/acme.md", "plans/other.md", "plans/us/acme.md", "-o", "out")

    assert result.exit_code == 1
    assert result.stderr == (
        "plans/us/acme.md: its PDF would be "
        "out/northwind-financial-revenue-forecasting-rollout.pdf, like that of "
        "plans/eu/acme.md (the same buyer and title) (give one plan another title, or "
        "print them one at a time into different folders with -o)\n"
        "1 error in 1 file; nothing written\n"
    )
    assert not (site / "out").exists()


# --- signals ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("signum", "name"), [(signal.SIGTERM, "SIGTERM"), (signal.SIGHUP, "SIGHUP")]
)
def test_a_signal_raises_stopped_once(signum: int, name: str) -> None:
    before = signal.getsignal(signum)
    with pytest.raises(stop.Stopped) as caught, stop.on_signals():
        os.kill(os.getpid(), signum)
    assert (caught.value.signum, caught.value.name) == (signum, name)
    assert signal.getsignal(signum) == before


def test_after_the_first_signal_the_cleanup_is_not_interrupted() -> None:
    cleaned = []
    with pytest.raises(stop.Stopped), stop.on_signals():
        try:
            os.kill(os.getpid(), signal.SIGTERM)
        finally:
            os.kill(os.getpid(), signal.SIGHUP)  # ignored: the cleanup goes on
            cleaned.append(True)
    assert cleaned == [True]


def test_ctrl_c_stops_a_build_cleanly(
    write_plan, run, site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_plan("northwind")
    assert run("build", "--today", TODAY).exit_code == 0
    before = tree_hash(site / "public")
    real = mapsite.writer.SiteWriter.write_common

    def interrupted(self, pages):  # type: ignore[no-untyped-def]
        real(self, pages)
        os.kill(os.getpid(), signal.SIGINT)

    monkeypatch.setattr(mapsite.writer.SiteWriter, "write_common", interrupted)
    handler = signal.getsignal(signal.SIGINT)

    result = run("build", "--today", TODAY)

    assert (result.exit_code, result.stderr) == (130, "Aborted (Ctrl-C).\n")
    assert tree_hash(site / "public") == before
    assert leftovers(site) == []
    assert signal.getsignal(signal.SIGINT) is handler


@pytest.mark.parametrize(
    ("language", "as_of"),
    [(None, "Situation au lun. 23 nov. 2026"), ("de", "Stand: Mo., 23. Nov. 2026")],
)
def test_a_pdfs_document_information_and_bands_come_from_its_plan(
    language: str | None, as_of: str
) -> None:
    """Title, author (the seller) and subject (the buyer) of the PDF's document
    information, and its header and footer in the plan's language, else the site's."""
    text = (
        VALID_PLAN if language is None else VALID_PLAN.replace("go_live:", "language: de\ngo_live:")
    )
    doc = parse_plan(with_token(text, "nw"), Path("plans/northwind.md"), shown="plans/northwind.md")
    page = Page.of(doc, date(2026, 11, 23))
    [job] = mapsite.build.pdf_jobs([page], Path("public"), date(2026, 11, 23), language="fr")
    assert (job.title, job.author, job.subject) == (
        "Revenue forecasting rollout", "Contoso", "Northwind Financial",
    )  # fmt: skip
    assert job.out == Path(
        "public", token_for("nw"), "northwind-financial-revenue-forecasting-rollout.pdf"
    )
    assert job.bands is not None and job.bands.as_of == as_of
