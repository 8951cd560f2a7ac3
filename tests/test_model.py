"""What the plan format accepts: status spellings and owners, read from real plan files."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from support import VALID_PLAN, with_token

from mapsite.load import Invalid, load_plan, parse_plan, slug_for
from mapsite.model import Status


def plan_with_step(step: str) -> str:
    """VALID_PLAN with its first step's fields replaced by ``step`` (YAML, one field a line)."""
    fields = "\n".join(f"        {line}" for line in step.splitlines())
    return VALID_PLAN.replace(
        "      - task: Send the order form\n        owner: Sam Ortiz\n        due: 2026-12-01\n",
        f"      - task: Send the order form\n{fields}\n",
    )


@pytest.fixture
def first_step(write_plan):
    """``first_step("status: done")`` loads a plan whose first step has those fields."""

    def load(step: str):
        path = write_plan("northwind", plan_with_step(step))
        return load_plan(path).plan.milestones[0].steps[0]

    return load


@pytest.mark.parametrize(
    ("written", "status"),
    [
        ("todo", Status.TODO),
        ("TODO", Status.TODO),
        ("To do", Status.TODO),
        ("to-do", Status.TODO),
        ("in progress", Status.IN_PROGRESS),
        ("In Progress", Status.IN_PROGRESS),
        ("in-progress", Status.IN_PROGRESS),
        ("in_progress", Status.IN_PROGRESS),
        ("IN_PROGRESS", Status.IN_PROGRESS),
        ('"  in   progress "', Status.IN_PROGRESS),
        ("done", Status.DONE),
        ("DONE", Status.DONE),
        ("Done", Status.DONE),
        ("blocked", Status.BLOCKED),
        ("Blocked", Status.BLOCKED),
    ],
)
def test_status_spellings(first_step, written: str, status: Status) -> None:
    assert first_step(f"status: {written}").status is status


def test_status_defaults_to_todo(first_step) -> None:
    step = first_step("owner: Sam Ortiz")

    assert step.status is Status.TODO
    assert step.status.label == "To do"


@pytest.mark.parametrize(
    ("status", "label"),
    [("todo", "To do"), ("in progress", "In progress"), ("done", "Done"), ("blocked", "Blocked")],
)
def test_status_labels(first_step, status: str, label: str) -> None:
    assert first_step(f"status: {status}").status.label == label


def test_an_unknown_status_is_refused(first_step) -> None:
    with pytest.raises(Invalid) as caught:
        first_step("status: finished")

    assert [str(p) for p in caught.value.problems] == [
        "plans/northwind.md:19:17: milestones[0].steps[0].status: 'finished' is not a status "
        "(use todo, in progress, done or blocked)"
    ]


@pytest.mark.parametrize(
    ("written", "owners"),
    [
        ("owner: Sam Ortiz", ["Sam Ortiz"]),
        ("owner: '  Sam Ortiz  '", ["Sam Ortiz"]),
        ("owner: [Sam Ortiz, Priya Raman]", ["Sam Ortiz", "Priya Raman"]),
        ("owner:\n  - Sam Ortiz\n  - Priya Raman", ["Sam Ortiz", "Priya Raman"]),
        ("owner: [Sam Ortiz]", ["Sam Ortiz"]),
        ("due: 2026-12-01", []),
    ],
)
def test_owner_is_one_name_or_a_list(first_step, written: str, owners: list[str]) -> None:
    assert first_step(written).owner == owners


def test_numbers_written_as_text_fields_stay_text(write_plan) -> None:
    path = write_plan(
        "northwind",
        VALID_PLAN.replace("title: Revenue forecasting rollout", "title: 2027").replace(
            "    side: buyer\n", "    side: buyer\n    phone: 5550100\n", 1
        ),
    )

    plan = load_plan(path).plan

    assert plan.title == "2027"
    assert plan.stakeholders[0].phone == "5550100"


def test_a_byte_order_mark_is_fine(site: Path) -> None:
    path = site / "plans" / "northwind.md"
    path.write_bytes(b"\xef\xbb\xbf" + with_token(VALID_PLAN, "northwind").encode("utf-8"))

    doc = load_plan(path)

    assert doc.plan.title == "Revenue forecasting rollout"
    assert doc.slug == "northwind"


def test_windows_line_endings_are_fine(site: Path) -> None:
    path = site / "plans" / "northwind.md"
    path.write_bytes(with_token(VALID_PLAN, "northwind").replace("\n", "\r\n").encode("utf-8"))

    assert load_plan(path).plan.milestones[0].steps[1].owner == ["Priya Raman"]


def test_holiday_country_in_any_case(write_plan) -> None:
    path = write_plan("northwind", VALID_PLAN.replace("go_live:", "holidays: us\ngo_live:", 1))
    assert load_plan(path).plan.holidays == "US"


@pytest.mark.parametrize(
    ("fences", "newline"),
    [(("---", "---"), "\n"), (("--- ", "...\t"), "\n"), (("---", "---"), "\r\n")],
)
def test_the_body_is_what_follows_the_front_matter(
    site: Path, fences: tuple[str, str], newline: str
) -> None:
    """The text after the closing '---' (or '...') line, its first line included, and
    where it starts (a playbook's placeholders in the body are located by it)."""
    opening, closing = fences
    text = with_token(VALID_PLAN, "northwind").replace("---\n", f"{opening}\n", 1)
    text = text.replace("\n---\n## Notes", f"\n{closing}\n## Notes").replace("\n", newline)
    path = site / "plans" / "northwind.md"
    path.write_bytes(text.encode("utf-8"))

    doc = load_plan(path)

    assert doc.body == newline.join(["## Notes", "", "Agreed on the kickoff call.", ""])
    lines = text.split(newline)
    assert lines[doc.body_line] == "## Notes"


@pytest.mark.parametrize(
    ("file", "slug"),
    [
        ("northwind.md", "northwind"),
        ("Northwind EMEA (2027).md", "northwind-emea-2027"),
        ("--Fabrikam__renewal--.md", "fabrikam-renewal"),
        ("___.md", "plan"),
        ("☃.md", "plan"),
        ("Zoë's Café.md", "zoe-s-cafe"),  # accents dropped, letters kept
        ("münchen.md", "munchen"),
        ("Straße.md", "strasse"),  # no ASCII letter for ß: the name's own, in lower case
        ("東京 支社.md", "東京-支社"),
        ("東京 Office.md", "東京-office"),
    ],
)
def test_a_plans_short_name_comes_from_its_file_name(file: str, slug: str) -> None:
    """The name a plan goes by in reports and exported spreadsheets (northwind.xlsx):
    lower case, words joined by '-', no letter dropped."""
    assert slug_for(Path("plans") / file) == slug


@pytest.mark.parametrize(
    ("path", "handle"),
    [
        ("plans/northwind.md", "northwind"),
        ("site/plans/EU West/Acme Corp.md", "eu-west/acme-corp"),
        ("plans/東京/Acme.md", "東京/acme"),
        ("plans/eu/plans/acme.md", "acme"),  # inside the last folder called plans
        ("notes/acme.md", "acme"),  # outside plans/: the file alone
    ],
)
def test_a_plans_handle_is_its_path_inside_plans(path: str, handle: str) -> None:
    """What its mails tell the rep to type ("Plan eu-west/acme-corp, step 2.1"), one
    word to a shell: tests/test_mailto.py types it."""
    assert parse_plan(with_token(VALID_PLAN, "x"), Path(path), shown="x.md").handle == handle


def test_business_days_skip_the_sites_holidays_unless_the_plan_names_its_own(
    write_plan,
) -> None:
    """``holidays:`` in mapsite.yml is every plan's default; a plan's own wins."""
    thanksgiving = date(2026, 11, 26)
    path = write_plan("northwind")
    assert load_plan(path).calendar.is_business_day(thanksgiving)  # no country: weekends only
    assert not load_plan(path, "US").calendar.is_business_day(thanksgiving)

    own = write_plan("northwind", VALID_PLAN.replace("go_live:", "holidays: GB\ngo_live:", 1))
    assert load_plan(own, "US").calendar.is_business_day(thanksgiving)
    assert not load_plan(own, "US").calendar.is_business_day(date(2026, 12, 28))  # Boxing Day


def test_a_plan_keeps_the_bytes_it_was_read_from(write_plan) -> None:
    """What the page is made from, for the incremental record (not a later read)."""
    path = write_plan("northwind")
    assert load_plan(path).data == path.read_bytes()
