"""The buyer answers by email: "Done? Tell us" and "Question about this step".

The links are read back the way a mail app reads them (RFC 6068): addresses, then
``subject`` and ``body`` percent-decoded as UTF-8, ``+`` a plus sign, CRLF line breaks.
"""

from __future__ import annotations

import html
import re
import shlex
from pathlib import Path
from urllib.parse import unquote

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from support import TODAY, VALID_PLAN, sealed_of, token_for, with_token

from mapsite import mailto, seal
from mapsite.load import load_plan
from mapsite.model import Plan

# RFC 3986: what a URI may hold unencoded (unreserved, reserved and '%' of an escape)
URI_CHARS = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*")


def read(url: str) -> tuple[list[str], dict[str, str]]:
    """A mailto: link as RFC 6068 defines it: (addresses, header fields)."""
    assert URI_CHARS.fullmatch(url), url
    assert url.startswith("mailto:")
    to, _, query = url.removeprefix("mailto:").partition("?")
    fields = {}
    for pair in query.split("&"):
        name, _, value = pair.partition("=")
        fields[unquote(name)] = unquote(value, errors="strict")
    return [unquote(a) for a in to.split(",")], fields


def plan(text: str = "") -> Plan:
    base = yaml.safe_load(
        """
title: Revenue forecasting rollout
buyer: {name: Northwind Financial}
seller: {name: Contoso}
share: {token: ViqzABatAvS1drCoQ4bq8A}
stakeholders:
  - {name: Priya Raman, side: buyer, email: priya@northwind.example}
  - {name: Ken Ito, side: seller}
  - {name: Sam Ortiz, side: seller, email: sam@contoso.example}
  - {name: Nina Patel, side: seller, email: nina@contoso.example}
milestones:
  - name: Technical validation
    steps:
      - task: Grant the service account
        owner: Priya Raman
      - task: Backtest 8 quarters
        owner: [Priya Raman, Nina Patel, Ken Ito]
      - task: Present the readout
        owner: [Nina Patel, Sam Ortiz]
      - task: Nobody's step
"""
    )
    base.update(yaml.safe_load(text) or {})
    return Plan.model_validate(base)


@pytest.mark.parametrize(
    ("text", "step", "to"),
    [
        ("", 0, ["sam@contoso.example"]),  # a buyer's step: the first seller with an email
        ("", 1, ["nina@contoso.example"]),  # its seller owner (Ken has no email)
        ("", 2, ["nina@contoso.example", "sam@contoso.example"]),  # both seller owners
        ("", 3, ["sam@contoso.example"]),  # no owner
        ("seller: {name: Contoso, contact: nina patel}", 0, ["nina@contoso.example"]),
        ("seller: {name: Contoso, contact: Nina Patel}", 2, ["nina@contoso.example",
                                                             "sam@contoso.example"]),
    ],
)  # fmt: skip
def test_who_the_buyer_writes_to(text: str, step: int, to: list[str]) -> None:
    mail = mailto.Mailer(plan(text), "northwind").question((0, step))
    assert mail is not None
    assert read(mail.url)[0] == to


def test_the_whole_link() -> None:
    """Every byte of one link, as the page writes it."""
    mail = mailto.Mailer(plan(), "northwind").question((0, 2))
    assert mail is not None
    assert mail.url == (
        "mailto:nina@contoso.example,sam@contoso.example"
        "?subject=Question%3A%20Present%20the%20readout%20%5BRevenue%20forecasting%20rollout%5D"
        "&body=Hi%20Nina%20and%20Sam%2C%0D%0A%0D%0AI%20have%20a%20question%20about%20this%20"
        "step%20of%20our%20plan%3A%0D%0A%0D%0APresent%20the%20readout%0D%0AMilestone%3A%20"
        "Technical%20validation%0D%0AOwner%3A%20Nina%20Patel%2C%20Sam%20Ortiz%0D%0A%0D%0A%0D%0A"
        "%0D%0A--%0D%0ARevenue%20forecasting%20rollout%20%C2%B7%20Contoso%20%C3%97%20Northwind"
        "%20Financial%0D%0APlan%20northwind%2C%20step%201.3"
    )


def test_a_contact_without_an_email_falls_back_to_a_seller_with_one() -> None:
    # the loader refuses such a contact (test below); the links never depend on it
    text = "seller: {name: Contoso, contact: Ken Ito}"
    assert mailto.seller_contact(plan(text)).name == "Sam Ortiz"  # type: ignore[union-attr]
    text = "seller: {name: Contoso, contact: Nobody}"
    assert mailto.seller_contact(plan(text)).name == "Sam Ortiz"  # type: ignore[union-attr]


def test_no_seller_email_no_link() -> None:
    lone = plan("stakeholders: [{name: Ken Ito, side: seller}]")
    assert mailto.seller_contact(lone) is None
    assert mailto.Mailer(lone, "northwind").done((0, 0)) is None
    assert mailto.Mailer(lone, "northwind").question((0, 0)) is None
    mailer = mailto.Mailer(lone, "northwind")
    assert mailer.link((0, 0), "question") is mailer.link((0, 0), "done") is None


def test_done_mail_names_the_plan_the_step_and_its_address() -> None:
    mail = mailto.Mailer(plan(), "northwind").done((0, 1))
    assert mail is not None
    to, fields = read(mail.url)
    assert to == ["nina@contoso.example"]
    assert fields == {
        "subject": "Done: Backtest 8 quarters [Revenue forecasting rollout]",
        "body": "\r\n".join(
            [
                "Hi Nina,",
                "",
                "This step of our plan is done:",
                "",
                "Backtest 8 quarters",
                "Milestone: Technical validation",
                "Owner: Priya Raman, Nina Patel, Ken Ito",
                "",
                "",
                "",
                "--",
                "Revenue forecasting rollout · Contoso × Northwind Financial",
                "Plan northwind, step 1.2",
            ]
        ),
    }


def test_question_mail_greets_every_recipient_and_uses_the_step_id() -> None:
    text = "milestones: [{name: M, steps: [{task: Present, id: readout, owner: [Nina Patel, "
    text += "Sam Ortiz]}]}]"
    mail = mailto.Mailer(plan(text), "tailspin").question((0, 0))
    assert mail is not None
    _, fields = read(mail.url)
    assert fields["subject"] == "Question: Present [Revenue forecasting rollout]"
    lines = fields["body"].split("\r\n")
    assert lines[:5] == [
        "Hi Nina and Sam,",
        "",
        "I have a question about this step of our plan:",
        "",
        "Present",
    ]
    assert lines[-1] == "Plan tailspin, step readout"
    assert "Owner: Nina Patel, Sam Ortiz" in lines


@pytest.mark.parametrize(
    ("task", "shown"),
    [
        (
            "Configure Okta SSO and SCIM user provisioning for 220 users " * 3,
            "Configure Okta SSO and SCIM user provisioning for 220 users Configure Okta SSO…",
        ),
        ("Provisioning " * 10, ("Provisioning " * 6).strip() + "…"),  # not mid-word
        ("x" * 100, "x" * 79 + "…"),  # one long word: cut where it must be
        ("Sign, " * 20, "Sign, " * 12 + "Sign…"),
        ("alpha beta " * 10, ("alpha beta " * 7).strip() + "…"),
        ("Ask AX " * 20, ("Ask AX " * 11).strip() + "…"),
        ("y" * 80, "y" * 80),  # exactly 80: whole
        ("z" * 30 + " " + "z" * 60, "z" * 30 + " " + "z" * 48 + "…"),  # no break in 2nd half
    ],
)
def test_a_long_task_is_cut_in_the_subject_and_whole_in_the_body(task: str, shown: str) -> None:
    text = f"milestones: [{{name: M, steps: [{{task: '{task}', owner: Sam Ortiz}}]}}]"
    mail = mailto.Mailer(plan(text), "x").question((0, 0))
    assert mail is not None
    _, fields = read(mail.url)
    assert fields["subject"] == f"Question: {shown} [Revenue forecasting rollout]"
    assert len(shown) <= 80
    assert f"\r\n{task.strip()}\r\n" in fields["body"]


@pytest.mark.parametrize(
    "text",
    [
        "a & b = c?d#e%f+g",
        "line one\nline two\r\nline three\rfour",
        "\"quotes\" 'single' <angle> `tick`",
        "Ünïcödé ✓ 日本語 😀",
        "%0D%0Abcc: someone@evil.example",
        "?subject=other&body=other",
        "\u2028\u2029 tab\there",
    ],
)
def test_any_text_is_carried_exactly(text: str) -> None:
    mail = mailto.Mail(("sam@contoso.example",), text, text)
    to, fields = read(mail.url)
    crlf = text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n")
    assert to == ["sam@contoso.example"]
    assert fields == {"subject": " ".join(text.split()), "body": crlf}


def test_control_characters_are_dropped() -> None:
    mail = mailto.Mail(("sam@contoso.example",), "a\x00b\x1bc", "x\x00y\x7f\tz\x0c")
    assert read(mail.url)[1] == {"subject": "abc", "body": "xy\tz"}


@pytest.mark.parametrize(
    ("address", "encoded"),
    [
        ("sam@contoso.example", "sam@contoso.example"),
        ("o'brien+deals@contoso.example", "o'brien+deals@contoso.example"),
        ("a,b@contoso.example", "a%2Cb@contoso.example"),  # ',' separates addresses
        ("100%@contoso.example", "100%25@contoso.example"),
        ("jörg@contoso.example", "j%C3%B6rg@contoso.example"),
    ],
)
def test_addresses_are_encoded_as_rfc_6068_says(address: str, encoded: str) -> None:
    url = mailto.Mail((address, "x@y.example"), "s", "b").url
    assert url.startswith(f"mailto:{encoded},x@y.example?subject=")
    assert read(url)[0] == [address, "x@y.example"]


# --- on the page ----------------------------------------------------------------------------

PAGE_PLAN = VALID_PLAN.replace(
    "  - name: Sam Ortiz\n    side: seller\n",
    "  - name: Sam Ortiz\n    side: seller\n    email: sam@contoso.example\n",
).replace("        due: 2026-12-15\n---", "        due: 2026-12-15\n        status: done\n---")


def actions(html: str) -> list[tuple[str, str]]:
    """(label, task) of each action link in the page, in order."""
    found = re.findall(
        r'<a class="action[^"]*" href="(mailto:[^"]*)">.*?<span>(Done\? Tell us|Question)', html
    )
    return [(label, read(url.replace("&amp;", "&"))[1]["subject"]) for url, label in found]


def build_page(run, site: Path, write_plan, text: str = PAGE_PLAN, config: str = "") -> str:
    (site / "mapsite.yml").write_text(config, encoding="utf-8")
    write_plan("northwind", text)
    result = run("build", "--today", TODAY)
    assert result.exit_code == 0, result.output
    (page,) = (site / "public").glob("*/index.html")
    return page.read_text(encoding="utf-8")


def test_the_page_offers_done_on_open_buyer_steps_and_questions_on_every_step(
    run, site: Path, write_plan
) -> None:
    html = build_page(run, site, write_plan)
    sent = "[Revenue forecasting rollout]"
    assert actions(html) == [
        # the plan: Sam's step (a question only), Priya's done step (a question only)
        ("Question", f"Question: Send the order form {sent}"),
        ("Question", f"Question: Sign the order form {sent}"),
    ]
    text = PAGE_PLAN.replace("        status: done\n", "")
    html = build_page(run, site, write_plan, text)
    assert actions(html) == [
        ("Done? Tell us", f"Done: Sign the order form {sent}"),  # next up: the buyer's step
        ("Question", f"Question: Send the order form {sent}"),
        ("Done? Tell us", f"Done: Sign the order form {sent}"),
        ("Question", f"Question: Sign the order form {sent}"),
    ]
    assert 'id="step-1-2"' in html  # the step's own anchor


@pytest.mark.parametrize(
    ("config", "plan_setting", "shown"),
    [
        ("email_actions: false\n", "", False),
        ("", "email_actions: false\n", False),
        ("email_actions: false\n", "email_actions: true\n", True),
        ("", "", True),
    ],
)
def test_a_site_or_plan_setting_turns_them_off(
    run, site: Path, write_plan, config: str, plan_setting: str, shown: bool
) -> None:
    text = PAGE_PLAN.replace("go_live:", f"{plan_setting}go_live:")
    html = build_page(run, site, write_plan, text, config)
    assert bool(actions(html)) is shown
    assert ("mailto:sam@contoso.example?" in html) is shown


@pytest.mark.parametrize(
    ("contact", "error"),
    [
        ("Sam Ortis", "seller.contact: 'Sam Ortis' is not a stakeholder (did you mean "
                      "'Sam Ortiz'?)"),
        ("Nobody", "seller.contact: 'Nobody' is not a stakeholder (list them under stakeholders "
                   "first)"),
        ("Priya Raman", "seller.contact: 'Priya Raman' is on the buyer's side (name someone "
                        "with 'side: seller')"),
    ],
)  # fmt: skip
def test_seller_contact_must_be_a_seller_with_an_email(
    run, write_plan, contact: str, error: str
) -> None:
    write_plan(
        "northwind",
        PAGE_PLAN.replace("  name: Contoso\n", f"  name: Contoso\n  contact: {contact}\n"),
    )
    result = run("check", "--today", TODAY)
    assert result.exit_code == 1
    assert result.stderr == f"plans/northwind.md:7:12: {error}\n1 error in 1 file\n"


def test_seller_contact_without_an_email(run, write_plan) -> None:
    text = VALID_PLAN.replace("  name: Contoso\n", "  name: Contoso\n  contact: sam ortiz\n")
    write_plan("northwind", text)
    result = run("check", "--today", TODAY)
    assert result.stderr == (
        "plans/northwind.md:7:12: seller.contact: 'Sam Ortiz' has no email (add their email "
        "under stakeholders: buyers write to it)\n1 error in 1 file\n"
    )


def test_a_protected_plan_keeps_them_inside_its_ciphertext(run, site: Path, write_plan) -> None:
    text = PAGE_PLAN.replace("go_live:", "share:\n  token: ViqzABatAvS1drCoQ4bq8A\n"
                             "  password_env: NORTHWIND_PASSWORD\ngo_live:")  # fmt: skip
    write_plan("northwind", text, token=False)
    result = run("build", "--today", TODAY, env={"NORTHWIND_PASSWORD": "correct horse"})
    assert result.exit_code == 0, result.output
    page = (site / "public" / "ViqzABatAvS1drCoQ4bq8A" / "index.html").read_text("utf-8")
    assert "mailto:" not in page and "Question" not in page
    clear = seal.unseal(sealed_of(page), "correct horse")
    assert [label for label, _ in actions(clear)] == ["Question", "Question"]


# what a plan's texts can hold: line breaks of every kind, controls, wide and odd spaces
TEXT = st.text(
    st.sampled_from(list("ab Zé→😀,&=%#?+\n\r\t\x00\x1f\x7f\u2028\u00a0")), min_size=1, max_size=12
).filter(str.strip)


@settings(max_examples=150, derandomize=True, database=None, deadline=None)
@given(task=TEXT, milestone=TEXT, title=TEXT, owner=TEXT)
def test_a_link_made_from_parts_is_the_link_of_the_whole_message(
    task: str, milestone: str, title: str, owner: str
) -> None:
    """A page's link encodes a step's lines once for both of its messages: it is the
    one ``Mail.url`` makes from the whole message, whatever the texts hold."""
    data = plan().model_dump()
    data["title"] = title
    data["milestones"][0]["name"] = milestone
    data["milestones"][0]["steps"][0]["task"] = task
    data["milestones"][0]["steps"][0]["owner"] = [owner, "Sam Ortiz"]
    mailer = mailto.Mailer(Plan.model_validate(data), "northwind")
    for kind, mail in (("question", mailer.question((0, 0))), ("done", mailer.done((0, 0)))):
        assert mail is not None
        assert mailer.link((0, 0), kind) == mail.url
        assert read(mail.url)[1] == {
            "subject": " ".join(mail.subject.split()).translate(NO_CONTROLS),
            "body": mail.body.translate(NO_CONTROLS).replace("\r\n", "\n").replace("\r", "\n")
            .replace("\n", "\r\n"),
        }  # fmt: skip


NO_CONTROLS = {c: None for c in [*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F]}


@pytest.mark.parametrize(
    "file", ["northwind.md", "Northwind EMEA (2027).md", "eu/acme.md", "münchen.md", "東京 支社.md"]
)
def test_the_plan_a_mail_names_is_the_one_mapsite_done_marks(file: str, site: Path, run) -> None:
    """The buyer's "Done? Tell us" mail tells the rep what to type ("Plan eu/acme, step
    1.1"): those words, given to ``mapsite done`` as a shell splits them, mark that
    step of that plan, whatever the file is called and beside another ``acme.md``."""
    text = VALID_PLAN.replace(
        "    side: seller\n", "    side: seller\n    email: sam@contoso.example\n"
    )
    for name in {file, "us/acme.md"}:
        path = site / "plans" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(with_token(text, name), encoding="utf-8")
    assert run("build", "--today", "2026-11-23", "--no-pdf").exit_code == 0
    page = (site / "public" / token_for(file) / "index.html").read_text(encoding="utf-8")
    link = re.search(r'class="action action--done" href="([^"]+)"', page)
    assert link is not None
    _, fields = read(html.unescape(link[1]))
    said = re.search(r"^Plan (.+), step (.+)$", fields["body"], re.MULTILINE)
    assert said is not None, fields["body"]
    before = {p: p.read_bytes() for p in (site / "plans").rglob("*.md")}
    result = run("done", *shlex.split(said[1]), said[2])
    assert result.exit_code == 0, result.stderr
    assert [p for p, data in before.items() if p.read_bytes() != data] == [site / "plans" / file]
    steps = load_plan(site / "plans" / file).plan.milestones[0].steps
    done = [s.task for s in steps if s.status.value == "done"]
    assert len(done) == 1
    assert f"\r\n{done[0]}\r\n" in fields["body"]  # the step the mail is about
