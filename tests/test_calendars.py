"""Calendars that remind people: ``plan.ics`` beside each page and one per stakeholder.

Every published file is read back twice, with icalendar and with vobject (two parsers
that share no code), and the two readings must agree: a mistake that icalendar's
writer and reader share cannot hide. The plans are built with the real CLI.
"""

from __future__ import annotations

import hashlib
import importlib.util
import re
import sys
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import icalendar
import pytest
import vobject
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from support import REPO, TODAY, token_for

from mapsite import calendars, seal
from mapsite.load import load_plan
from mapsite.model import Plan

BASE = "https://plans.contoso.example"
NO_NETLIFY = {"URL": ""}  # a Netlify build's URL must not stand in for base_url here

# Built on 2026-11-23. "Send the security questionnaire" is 5 days overdue: it is
# projected today, and the step counted from it a week later. One step has no date,
# one no owner; the kickoff is done, the pilot has no date but its steps', and Ken
# owns nothing.
PLAN = """\
---
title: Revenue forecasting rollout
buyer:
  name: Northwind Financial
seller:
  name: Contoso
go_live: 2027-03-31
stakeholders:
  - name: Priya Raman
    side: buyer
  - name: Sam Ortiz
    side: seller
  - name: Lee Park
    side: buyer
  - name: Olivia Grant
  - name: Ken Ito
    side: seller
milestones:
  - name: Kickoff
    due: 2026-11-10
    steps:
      - task: Hold the kickoff call
        owner: Sam Ortiz
        due: 2026-11-10
        status: done
  - name: Security review passed
    id: security
    due: 2026-12-15
    steps:
      - task: Send the security questionnaire
        id: questionnaire
        owner: Sam Ortiz
        due: 2026-11-18
      - task: Review the questionnaire answers
        owner: [Priya Raman, Sam Ortiz]
        due: questionnaire + 1w
        status: in progress
      - task: Agree on the data retention terms
        owner: Lee Park
  - name: Contract signed
    due: 2027-01-15
    why: The budget closes on January 31.
    steps:
      - task: Sign the order form
        owner: priya raman
        due: 2027-01-15
        status: blocked
        notes: Waiting for legal's review.
  - name: Pilot
    steps:
      - task: Run the pilot
        owner: [Lee Park, Olivia Grant, Pilot users]
        due: 2027-02-01
      - task: Collect the pilot feedback
        due: 2026-11-22
  - name: Live
    due: go_live
---
"""

EXPECTED = {  # (summary, projected date) of every event of the plan's calendar
    ("Milestone: Security review passed", date(2026, 12, 15)),
    ("Send the security questionnaire", date(2026, 11, 23)),
    ("Review the questionnaire answers", date(2026, 11, 30)),
    ("Milestone: Contract signed", date(2027, 1, 15)),
    ("Sign the order form", date(2027, 1, 15)),
    ("Milestone: Pilot", date(2027, 2, 1)),
    ("Run the pilot", date(2027, 2, 1)),
    ("Collect the pilot feedback", date(2026, 11, 23)),
    ("Milestone: Live", date(2027, 3, 31)),
}


# --- reading the files back, twice -----------------------------------------------------


def ical_text(value: Any) -> str:
    """A TEXT value that icalendar leaves as written (it reads X- and RFC 7986
    properties as unknown), unescaped as RFC 5545 3.3.11 says."""
    raw = value.to_ical().decode()
    return re.sub(r"\\([\\;,nN])", lambda m: "\n" if m[1] in "nN" else m[1], raw)


def read(path: Path) -> dict[str, Any]:
    """The calendar at ``path`` as icalendar reads it and as vobject reads it; the two
    must agree on every property the tests look at."""
    data = path.read_bytes()
    one = _with_icalendar(data)
    two = _with_vobject(data.decode("utf-8"))
    assert one == two, path
    return one


def _with_icalendar(data: bytes) -> dict[str, Any]:
    cal = icalendar.Calendar.from_ical(data)
    events = []
    for e in cal.walk("VEVENT"):
        alarms = e.walk("VALARM")
        events.append(
            {
                "uid": str(e["UID"]),
                "summary": str(e["SUMMARY"]),
                "start": e.decoded("DTSTART"),
                "end": e.decoded("DTEND"),
                "all_day": e["DTSTART"].params.get("VALUE") == "DATE"
                and e["DTEND"].params.get("VALUE") == "DATE",
                "stamp": e.decoded("DTSTAMP"),
                "sequence": int(e["SEQUENCE"]),
                "description": str(e["DESCRIPTION"]),
                "url": str(e["URL"]) if "URL" in e else None,
                "categories": [str(c) for c in e["CATEGORIES"].cats],
                "transp": str(e["TRANSP"]),
                "alarms": [
                    (str(a["ACTION"]), str(a["DESCRIPTION"]), a.decoded("TRIGGER")) for a in alarms
                ],
            }
        )
    return {
        "version": str(cal["VERSION"]),
        "prodid": str(cal["PRODID"]),
        "calscale": str(cal["CALSCALE"]),
        "method": str(cal["METHOD"]),
        "name": ical_text(cal["NAME"]),
        "x-wr-calname": ical_text(cal["X-WR-CALNAME"]),
        "description": str(cal["DESCRIPTION"]),
        "x-wr-caldesc": ical_text(cal["X-WR-CALDESC"]),
        "refresh": cal.decoded("REFRESH-INTERVAL"),
        "refresh_param": cal["REFRESH-INTERVAL"].params.get("VALUE"),
        "ttl": icalendar.vDuration.from_ical(str(cal["X-PUBLISHED-TTL"].to_ical().decode())),
        "source": str(cal["SOURCE"]) if "SOURCE" in cal else None,
        "url": str(cal["URL"]) if "URL" in cal else None,
        "events": events,
    }


def _with_vobject(text: str) -> dict[str, Any]:
    cal = vobject.readOne(text)
    c = cal.contents

    def one(component: Any, name: str) -> Any:
        found = component.contents.get(name)
        return found[0] if found else None

    events = []
    for e in c.get("vevent", []):
        url = one(e, "url")
        events.append(
            {
                "uid": e.uid.value,
                "summary": e.summary.value,
                "start": e.dtstart.value,
                "end": e.dtend.value,
                "all_day": type(e.dtstart.value) is date and type(e.dtend.value) is date,
                "stamp": e.dtstamp.value,
                "sequence": int(e.sequence.value),
                "description": e.description.value,
                "url": url.value if url else None,
                "categories": list(e.categories.value),
                "transp": e.transp.value,
                "alarms": [
                    (a.action.value, a.description.value, a.trigger.value)
                    for a in e.contents.get("valarm", [])
                ],
            }
        )
    refresh = one(cal, "refresh-interval")
    source, url = one(cal, "source"), one(cal, "url")
    return {
        "version": cal.version.value,
        "prodid": cal.prodid.value,
        "calscale": cal.calscale.value,
        "method": cal.method.value,
        "name": one(cal, "name").value,
        "x-wr-calname": one(cal, "x-wr-calname").value,
        "description": one(cal, "description").value,
        "x-wr-caldesc": one(cal, "x-wr-caldesc").value,
        "refresh": icalendar.vDuration.from_ical(refresh.value),
        "refresh_param": refresh.params["VALUE"][0],
        "ttl": icalendar.vDuration.from_ical(one(cal, "x-published-ttl").value),
        "source": source.value if source else None,
        "url": url.value if url else None,
        "events": events,
    }


def by_summary(cal: dict[str, Any]) -> dict[str, dict[str, Any]]:
    events = {e["summary"]: e for e in cal["events"]}
    assert len(events) == len(cal["events"])
    return events


# --- building --------------------------------------------------------------------------


def build(run, today: str = TODAY, env: dict[str, str] | None = None) -> Path:
    result = run("build", "--today", today, env={**NO_NETLIFY, **(env or {})})
    assert result.exit_code == 0, result.stderr
    return Path("public").absolute()


@pytest.fixture
def public(write_plan, run, site: Path) -> Path:
    """PLAN built with the site's address known (base_url)."""
    (site / "mapsite.yml").write_text(f"base_url: {BASE}/\n", encoding="utf-8")
    write_plan("northwind", PLAN)
    return build(run)


def folder(public: Path, name: str = "northwind") -> Path:
    return public / token_for(name)


# --- what the plan's calendar holds ------------------------------------------------------


def test_every_open_step_and_milestone_on_its_projected_date(public: Path) -> None:
    cal = read(folder(public) / "plan.ics")

    assert {(e["summary"], e["start"]) for e in cal["events"]} == EXPECTED
    for e in cal["events"]:
        assert e["all_day"], e["summary"]
        assert e["end"] == e["start"] + timedelta(days=1)
        assert e["transp"] == "TRANSPARENT"  # a reminder, not a busy block
    raw = (folder(public) / "plan.ics").read_bytes().decode("utf-8")
    assert raw.count("DTSTART;VALUE=DATE:") == len(EXPECTED)
    assert raw.count("DTSTART;VALUE=DATE:20261123\r\n") == 2  # the overdue steps: today


def test_descriptions_name_owners_milestone_status_dates_and_link(public: Path) -> None:
    events = by_summary(read(folder(public) / "plan.ics"))
    page = f"{BASE}/{token_for('northwind')}/"

    review = events["Review the questionnaire answers"]
    assert review["description"] == (
        "Owners: Priya Raman (Northwind Financial), Sam Ortiz (Contoso)\n"
        "Milestone: Security review passed\n"
        "Status: In progress\n"
        "Due: Wed 25 Nov 2026\n"
        "Projected: Mon 30 Nov 2026, 5 days late\n"
        f"Open the plan: {page}#step-2-2"
    )
    assert review["url"] == f"{page}#step-2-2"
    assert review["categories"] == ["Mutual action plan", "Step", "In progress"]

    sign = events["Sign the order form"]
    assert sign["description"] == (
        "Owner: priya raman (Northwind Financial)\n"
        "Milestone: Contract signed\n"
        "Status: Blocked\n"
        "Due: Fri 15 Jan 2027\n"
        "Notes: Waiting for legal's review.\n"
        f"Open the plan: {page}#step-3-1"
    )
    questionnaire = events["Send the security questionnaire"]
    assert questionnaire["url"] == f"{page}#questionnaire"  # its id is its anchor
    assert "Projected: Mon 23 Nov 2026, 5 days late\n" in questionnaire["description"]

    assert events["Run the pilot"]["description"] == (
        "Owners: Lee Park (Northwind Financial), Olivia Grant, Pilot users\n"
        "Milestone: Pilot\n"
        "Status: To do\n"
        "Due: Mon 1 Feb 2027\n"
        f"Open the plan: {page}#step-4-1"
    )
    assert events["Collect the pilot feedback"]["description"] == (
        "Owner: nobody yet\n"
        "Milestone: Pilot\n"
        "Status: To do\n"
        "Due: Sun 22 Nov 2026\n"
        "Projected: Mon 23 Nov 2026, 1 day late\n"
        f"Open the plan: {page}#step-4-2"
    )
    assert events["Milestone: Pilot"]["description"] == (  # no date of its own
        "Milestone 4 of 5: Pilot\n"
        "Status: Upcoming (0 of 2 steps done)\n"
        "Projected: Mon 1 Feb 2027\n"
        f"Open the plan: {page}#milestone-4"
    )

    contract = events["Milestone: Contract signed"]
    assert contract["description"] == (
        "Milestone 3 of 5: Contract signed\n"
        "Status: Blocked (0 of 1 steps done)\n"
        "Due: Fri 15 Jan 2027\n"
        "Why: The budget closes on January 31.\n"
        f"Open the plan: {page}#milestone-3"
    )
    assert contract["categories"] == ["Mutual action plan", "Milestone", "Blocked"]
    live = events["Milestone: Live"]
    assert live["description"] == (
        "Milestone 5 of 5: Live\n"
        "Status: Upcoming\n"
        "Due: Wed 31 Mar 2027\n"
        "On the critical path: a slip here moves the go-live\n"
        f"Open the plan: {page}#milestone-5"
    )


def test_steps_remind_the_day_before_and_milestones_do_not(public: Path) -> None:
    events = by_summary(read(folder(public) / "plan.ics"))
    for summary, event in events.items():
        if summary.startswith("Milestone: "):
            assert event["alarms"] == []
        else:
            # an all-day event starts at midnight: 15 hours before is 09:00 the day before
            assert event["alarms"] == [("DISPLAY", f"Tomorrow: {summary}", timedelta(hours=-15))]


def test_the_calendar_names_itself_and_asks_to_be_fetched_again(public: Path) -> None:
    import mapsite

    cal = read(folder(public) / "plan.ics")
    name = "Contoso × Northwind Financial: Revenue forecasting rollout"
    assert cal["name"] == cal["x-wr-calname"] == name
    assert cal["description"] == cal["x-wr-caldesc"]
    assert cal["description"] == (
        f"The open steps and milestones of {name}, each on the date it is now expected. "
        "Subscribe to keep it up to date as the plan changes."
    )
    assert (cal["version"], cal["calscale"], cal["method"]) == ("2.0", "GREGORIAN", "PUBLISH")
    assert cal["prodid"] == f"-//mapsite//mapsite {mapsite.__version__}//EN"
    assert cal["refresh"] == cal["ttl"] == timedelta(hours=6)
    assert cal["refresh_param"] == "DURATION"
    page = f"{BASE}/{token_for('northwind')}/"
    assert (cal["source"], cal["url"]) == (f"{page}plan.ics", page)


def test_without_the_sites_address_the_calendar_has_no_links(write_plan, run) -> None:
    write_plan("northwind", PLAN)
    public = build(run)

    cal = read(folder(public) / "plan.ics")

    assert (cal["source"], cal["url"]) == (None, None)
    assert {(e["summary"], e["start"]) for e in cal["events"]} == EXPECTED
    for e in cal["events"]:
        assert e["url"] is None and "Open the plan" not in e["description"]


# --- one calendar per person -------------------------------------------------------------


def test_each_person_gets_exactly_their_own_steps(public: Path) -> None:
    plan = by_summary(read(folder(public) / "plan.ics"))
    people = folder(public) / "people"
    assert sorted(p.name for p in people.iterdir()) == [
        "ken-ito.ics",
        "lee-park.ics",
        "olivia-grant.ics",
        "priya-raman.ics",
        "sam-ortiz.ics",
    ]
    owned = {
        "priya-raman": {"Review the questionnaire answers", "Sign the order form"},
        "sam-ortiz": {"Send the security questionnaire", "Review the questionnaire answers"},
        "lee-park": {"Run the pilot"},  # and one step without a date
        "olivia-grant": {"Run the pilot"},
        "ken-ito": set(),  # owns nothing: published all the same
    }
    for person, summaries in owned.items():
        cal = read(people / f"{person}.ics")
        assert set(by_summary(cal)) == summaries, person
        for summary, event in by_summary(cal).items():
            assert event == plan[summary]  # the same event, UID included
    priya = read(people / "priya-raman.ics")
    assert priya["name"] == priya["x-wr-calname"] == "Revenue forecasting rollout · Priya Raman"
    assert (
        priya["description"]
        == priya["x-wr-caldesc"]
        == (
            "The open steps of Priya Raman in Contoso × Northwind Financial: Revenue forecasting "
            "rollout, each on the date it is now expected. Subscribe to keep it up to date as "
            "the plan changes."
        )
    )
    page = f"{BASE}/{token_for('northwind')}/"
    assert (priya["source"], priya["url"]) == (f"{page}people/priya-raman.ics", page)


def test_person_files_are_readable_stable_and_distinct() -> None:
    def plan(*names: str) -> Plan:
        return Plan.model_validate(
            {
                "title": "t",
                "buyer": {"name": "b"},
                "seller": {"name": "s"},
                "share": {"token": token_for("x")},
                "stakeholders": [{"name": n} for n in names],
                "milestones": [{"name": "m"}],
            }
        )

    files = calendars.person_files(plan("José Núñez", "JOSÉ NÚÑEZ", "Jose Nunez", "王伟"))
    assert files["josé núñez"] == "people/jose-nunez.ics"
    assert re.fullmatch(r"people/jose-nunez-[0-9a-f]{6}\.ics", files["jose nunez"])
    assert re.fullmatch(r"people/person-[0-9a-f]{6}\.ics", files["王伟"])
    assert len(files) == 3  # a name written in other case is the same person
    # the first keeps the plain name; a suffix comes from the person's own name, so it
    # does not change when others join the plan
    assert calendars.person_files(plan("Jose Nunez"))["jose nunez"] == "people/jose-nunez.ics"
    later = calendars.person_files(plan("Ana Lima", "José Núñez", "Jose Nunez", "王伟"))
    assert later["jose nunez"] == files["jose nunez"] and later["王伟"] == files["王伟"]
    long = calendars.person_files(plan("A" * 80 + " B"))
    assert long["a" * 80 + " b"] == f"people/{'a' * 60}.ics"


def test_slug() -> None:
    assert calendars.slug("Zoë O'Brien") == "zoe-o-brien"
    assert calendars.slug("(" + "b" * 70 + ")") == "b" * 60  # 60 letters, not dashes
    assert calendars.slug("A" * 59 + " Bee") == "a" * 59  # no dash left at the cut
    assert calendars.slug("王伟") == ""


# --- identities that survive rebuilds, moves and rotations -------------------------------


def uids(path: Path) -> dict[str, str]:
    return {e["summary"]: e["uid"] for e in read(path)["events"]}


def test_uids_follow_the_documented_rule(write_plan) -> None:
    """UIDs are a promise to every subscribed calendar: another rule, even in a later
    version of mapsite, would show each step twice."""
    text = PLAN.replace(
        "  - name: Live\n",
        "  - name: Syncs\n    steps:\n      - {task: Weekly sync}\n      - {task: weekly  SYNC}\n"
        "  - name: Weekly sync\n  - name: Live\n",
    )
    doc = load_plan(write_plan("northwind", text))

    def rule(kind: str, name: str) -> str:
        return hashlib.sha256(f"northwind\0{kind}\0{name}".encode()).hexdigest()[:32] + "@mapsite"

    got = calendars.uids(doc.plan, doc.slug)
    assert got[1, None] == rule("milestone", "id:security")
    assert got[1, 0] == rule("step", "id:questionnaire")
    assert got[1, 1] == rule("step", "text:review the questionnaire answers")
    assert got[2, None] == rule("milestone", "text:contract signed")
    assert got[4, 0] == rule("step", "text:weekly sync")
    assert got[4, 1] == rule("step", "text:weekly sync#2")  # the same words again
    assert got[5, None] == rule("milestone", "text:weekly sync")  # a milestone's own
    assert len(set(got.values())) == len(got)


def test_sequence_counts_days_from_2000() -> None:
    assert calendars.Stamp.of(date(2000, 1, 1)) == calendars.Stamp("20000101T000000Z", 0)
    assert calendars.Stamp.of(date(2000, 1, 2)).sequence == 1
    assert calendars.Stamp.of(date(1999, 12, 31)).sequence == 0


@pytest.mark.parametrize(
    ("share", "published"),
    [
        ("", True),
        ("  expires: 2026-11-23\n", True),  # its last day
        ("  expires: 2026-11-22\n", False),
        ("  password_env: NW_PW\n", False),
    ],
)
def test_which_plans_publish_calendars(write_plan, share: str, published: bool) -> None:
    token = f"---\nshare:\n  token: {token_for('northwind')}\n{share}title"
    doc = load_plan(write_plan("northwind", PLAN.replace("---\ntitle", token)))
    found = calendars.publish(doc, date(2026, 11, 23), BASE)
    assert (found is not None) is published


def test_links_with_and_without_the_sites_address(write_plan) -> None:
    doc = load_plan(write_plan("northwind", PLAN))
    today, token = date(2026, 11, 23), token_for("northwind")

    plain = calendars.publish(doc, today, None)
    assert plain is not None
    links = plain.links()
    assert links.plan == calendars.CalendarLink("plan.ics", None, len(EXPECTED))
    assert links.people["Priya Raman"] == calendars.CalendarLink("people/priya-raman.ics", None, 2)
    odd = calendars.publish(doc, today, "http://plans.example/x://y")
    assert odd is not None
    webcal = f"webcal://plans.example/x://y/{token}/"
    assert odd.links().people["Ken Ito"] == calendars.CalendarLink(
        "people/ken-ito.ics", f"{webcal}people/ken-ito.ics", 0
    )


def test_text_values() -> None:
    assert calendars.text("a,b;c\\d") == "a\\,b\\;c\\\\d"
    assert calendars.text("one\n two\r\nthree") == "one two three"
    lines = calendars.text("one\r\ntwo\rthree\nfour\tfive", keep_lines=True)
    assert lines == "one\\ntwo\\nthree\\nfour\tfive"
    assert calendars.text("a\x00b\x1fc\x7fd\te") == "abcd e"


def test_the_same_build_gives_the_same_bytes(public: Path, run) -> None:
    before = {p.relative_to(public): p.read_bytes() for p in public.rglob("*.ics")}
    again = build(run)
    after = {p.relative_to(again): p.read_bytes() for p in again.rglob("*.ics")}
    assert len(before) == 6 and after == before


def test_uids_survive_a_move_and_a_rotation_but_not_another_plan(
    public: Path, run, site: Path
) -> None:
    first = uids(folder(public) / "plan.ics")
    assert len(set(first.values())) == len(first) == len(EXPECTED)
    assert all(re.fullmatch(r"[0-9a-f]{32}@mapsite", uid) for uid in first.values())

    # the blocked step moves to the security milestone; no step has an id of its own
    # except the questionnaire, so the others are known by their words
    path = site / "plans" / "northwind.md"
    text = path.read_text(encoding="utf-8")
    sign = (
        "      - task: Sign the order form\n        owner: priya raman\n"
        "        due: 2027-01-15\n        status: blocked\n"
        "        notes: Waiting for legal's review.\n"
    )
    first_step = "      - task: Send the security questionnaire\n"
    assert "    steps:\n" + sign in text and first_step in text
    text = text.replace("    steps:\n" + sign, "").replace(first_step, sign + first_step)
    path.write_text(text, encoding="utf-8")
    moved = build(run)
    assert uids(folder(moved) / "plan.ics") == first
    assert "#step-2-1" in by_summary(read(folder(moved) / "plan.ics"))["Sign the order form"]["url"]

    assert run("rotate", "plans/northwind.md").exit_code == 0
    rotated = build(run)
    token = yaml.safe_load(path.read_text(encoding="utf-8").split("---\n")[1])["share"]["token"]
    assert uids(rotated / token / "plan.ics") == first

    (site / "plans" / "tailspin.md").write_text(
        PLAN.replace("---\ntitle", f"---\nshare:\n  token: {token_for('tailspin')}\ntitle"),
        encoding="utf-8",
    )
    other = uids(build(run) / token_for("tailspin") / "plan.ics")
    assert other.keys() == first.keys()
    assert not set(other.values()) & set(first.values())


def test_a_repeated_task_gets_its_own_stable_uid(write_plan, run, site: Path) -> None:
    text = PLAN.replace(
        "  - name: Live\n",
        "  - name: Weekly syncs\n    steps:\n"
        "      - {task: Weekly sync, owner: Sam Ortiz, due: 2026-12-01}\n"
        "      - {task: weekly  SYNC, owner: Sam Ortiz, due: 2026-12-08}\n"
        "  - name: Live\n",
    )
    write_plan("northwind", text)
    syncs = [e for e in read(folder(build(run)) / "plan.ics")["events"] if "ync" in e["summary"]]
    assert len({e["uid"] for e in syncs}) == 2

    # one more sync at the end: the first two keep theirs
    path = site / "plans" / "northwind.md"
    more = path.read_text(encoding="utf-8").replace(
        "      - {task: weekly  SYNC, owner: Sam Ortiz, due: 2026-12-08}\n",
        "      - {task: weekly  SYNC, owner: Sam Ortiz, due: 2026-12-08}\n"
        "      - {task: Weekly sync, owner: Sam Ortiz, due: 2026-12-15}\n",
    )
    path.write_text(more, encoding="utf-8")
    again = [e for e in read(folder(build(run)) / "plan.ics")["events"] if "ync" in e["summary"]]
    assert [e["uid"] for e in again[:2]] == [e["uid"] for e in syncs]
    assert len({e["uid"] for e in again}) == 3


def test_dtstamp_and_sequence_follow_the_build_date(public: Path, run) -> None:
    today = read(folder(public) / "plan.ics")["events"]
    later = read(folder(build(run, "2026-11-24")) / "plan.ics")["events"]
    stamp = datetime(2026, 11, 23, tzinfo=UTC)
    assert {(e["stamp"], e["sequence"]) for e in today} == {(stamp, 9823)}  # days since 2000
    assert {(e["stamp"], e["sequence"]) for e in later} == {(stamp + timedelta(days=1), 9824)}
    assert [e["uid"] for e in later] == [e["uid"] for e in today]


# --- what is not published ----------------------------------------------------------------

PROTECTED = PLAN.replace(
    "---\ntitle",
    f"---\nshare:\n  token: {token_for('secret')}\n  password_env: NORTHWIND_PASSWORD\ntitle",
)


def test_a_protected_plan_publishes_no_calendar(write_plan, run, site: Path) -> None:
    (site / "mapsite.yml").write_text(f"base_url: {BASE}\n", encoding="utf-8")
    write_plan("secret", PROTECTED)
    write_plan("northwind", PLAN)

    public = build(run, env={"NORTHWIND_PASSWORD": "correct horse"})

    everything = [p for p in public.rglob("*") if p.is_file()]
    calendars_found = [p for p in everything if b"BEGIN:VCALENDAR" in p.read_bytes()]
    assert sorted(p.relative_to(folder(public)).as_posix() for p in calendars_found) == [
        "people/ken-ito.ics",
        "people/lee-park.ics",
        "people/olivia-grant.ics",
        "people/priya-raman.ics",
        "people/sam-ortiz.ics",
        "plan.ics",
    ]
    assert not [
        p for p in everything if p.suffix == ".ics" and not p.is_relative_to(folder(public))
    ]
    locked = (folder(public, "secret") / "index.html").read_text(encoding="utf-8")
    clear = seal.unseal(_sealed(locked), "correct horse")
    assert "Revenue forecasting rollout" in clear
    assert ".ics" not in clear and "webcal" not in clear and "Subscribe" not in clear

    links = run("links", "--today", TODAY)
    assert (
        f"{BASE}/{token_for('secret')}/  (password from $NORTHWIND_PASSWORD; no calendar: "
        "calendar apps cannot open a protected plan)\n" in links.stdout
    )


def _sealed(page: str) -> seal.Sealed:
    match = re.search(
        r'data-salt="([^"]+)" data-nonce="([^"]+)" data-iterations="(\d+)">([^<]+)<', page
    )
    assert match
    salt, nonce, iterations, ciphertext = match.groups()
    return seal.Sealed(salt, nonce, ciphertext, int(iterations))


def test_expired_and_replaced_links_take_their_calendars_with_them(
    write_plan, run, site: Path
) -> None:
    write_plan(
        "tailspin",
        PLAN.replace(
            "---\ntitle",
            f"---\nshare:\n  token: {token_for('tailspin')}\n  expires: 2026-11-22\ntitle",
        ),
    )
    old = "Abcdefghijklmnopqrstuv"
    write_plan("northwind", PLAN.replace("---\ntitle", f"---\nshare:\n  token: {old}\ntitle"))
    assert run("rotate", "plans/northwind.md").exit_code == 0

    public = build(run)

    for token in (token_for("tailspin"), old):
        assert sorted(p.name for p in (public / token).iterdir()) == ["index.html"]
    redirects = (public / "_redirects").read_text(encoding="utf-8")
    assert f"/{token_for('tailspin')}/*  /expired.html  410!\n" in redirects
    assert f"/{old}/*  /replaced.html  410!\n" in redirects
    assert len(list(public.rglob("plan.ics"))) == 1  # the new link's


def test_a_plan_that_becomes_protected_loses_its_calendars_in_the_dev_server(
    write_plan, site: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from mapsite.site import load_site
    from mapsite.writer import SiteWriter

    monkeypatch.setenv("URL", "")
    path = write_plan("northwind", PLAN)
    out = tmp_path / "out"
    out.mkdir()
    writer = SiteWriter(load_site(site), out, date(2026, 11, 23))
    writer.write_plan(load_site(site).documents[0])
    assert len(list(out.rglob("*.ics"))) == 6

    path.write_text(
        PLAN.replace(
            "---\ntitle",
            f"---\nshare:\n  token: {token_for('northwind')}\n  password_env: NW_PW\ntitle",
        ),
        encoding="utf-8",
    )
    writer.write_plan(load_site(site).documents[0])
    assert list(out.rglob("*.ics")) == []
    assert list(out.rglob("people")) == []


# --- the page's links ------------------------------------------------------------------------


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.calendar: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "a" and "calendar-link" in (a.get("class") or ""):
            self.calendar.append(a)


def calendar_links(page: Path) -> list[dict[str, str | None]]:
    links = Links()
    links.feed(page.read_text(encoding="utf-8"))
    return links.calendar


def test_the_pages_links_point_at_files_that_exist(write_plan, run) -> None:
    write_plan("northwind", PLAN)
    public = build(run)

    links = calendar_links(folder(public) / "index.html")

    subscribe = [a for a in links if "calendar-link--subscribe" in (a["class"] or "")]
    download = [a for a in links if a not in subscribe]
    # the summary, then each person with open steps (not Ken), buyer's side first
    assert [a["href"] for a in download] == [
        "plan.ics",
        "people/priya-raman.ics",
        "people/lee-park.ics",
        "people/sam-ortiz.ics",
        "people/olivia-grant.ics",
    ]
    assert [a["href"] for a in subscribe] == [a["href"] for a in download]
    for a in download:
        assert "download" in a and (folder(public) / str(a["href"])).is_file()
    for a in subscribe:  # made webcal:// by mapsite.js, from the page's own address
        assert "data-webcal" in a


def test_with_the_sites_address_subscribe_is_a_webcal_link(public: Path) -> None:
    links = calendar_links(folder(public) / "index.html")
    subscribe = [a for a in links if "calendar-link--subscribe" in (a["class"] or "")]
    host = f"webcal://plans.contoso.example/{token_for('northwind')}/"
    assert [a["href"] for a in subscribe] == [
        f"{host}plan.ics",
        f"{host}people/priya-raman.ics",
        f"{host}people/lee-park.ics",
        f"{host}people/sam-ortiz.ics",
        f"{host}people/olivia-grant.ics",
    ]
    assert not any("data-webcal" in a for a in subscribe)


def test_netlifys_address_makes_the_webcal_link_too(write_plan, run) -> None:
    write_plan("northwind", PLAN)
    public = build(run, env={"URL": "https://eager-plans-123.netlify.app"})
    links = calendar_links(folder(public) / "index.html")
    assert links[0]["href"] == (
        f"webcal://eager-plans-123.netlify.app/{token_for('northwind')}/plan.ics"
    )


# --- hostile text -----------------------------------------------------------------------------


def xss_payloads() -> list[tuple[str, str]]:
    """The XSS corpus of tests/browser/test_xss.py (imported by path: it is not a package)."""
    path = REPO / "tests" / "browser" / "test_xss.py"
    spec = importlib.util.spec_from_file_location("xss_corpus", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module.PAYLOADS


def as_text(value: str) -> str:
    """What a one-line TEXT value carries: no control characters, spacing folded."""
    return " ".join(re.sub(r"[\x00-\x08\x0b-\x1f\x7f]", "", value).split())


def test_hostile_names_come_out_as_the_same_text(
    run, site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # one process, as for a small site: a mutation-testing tool then sees every call
    monkeypatch.setattr("mapsite.workers.PARALLEL_FROM", 10_000)
    payloads = xss_payloads()
    assert len(payloads) > 60
    for i, (_, p) in enumerate(payloads):
        front = {
            "title": p,
            "buyer": {"name": p},
            "seller": {"name": f"{p} seller"},
            "share": {"token": f"xss{i}".ljust(22, "x")},
            "stakeholders": [{"name": p, "side": "buyer"}],
            "milestones": [
                {
                    "name": p,
                    "due": "2026-12-15",
                    "steps": [{"task": p, "owner": [p, f"{p} (guest)"], "due": "2026-12-01"}],
                }
            ],
        }
        text = "---\n" + yaml.safe_dump(front, allow_unicode=True, sort_keys=False) + "---\n"
        (site / "plans" / f"p{i:02d}.md").write_text(text, encoding="utf-8")

    public = build(run)

    for i, (name, p) in enumerate(payloads):
        token = f"xss{i}".ljust(22, "x")
        cal = read(public / token / "plan.ics")
        events = cal["events"]
        assert [e["summary"] for e in events] == [as_text(f"Milestone: {p}"), as_text(p)], name
        q = as_text(p)  # the plan's own text fields are trimmed
        step = events[1]["description"]
        assert step.startswith(f"Owners: {q} ({q}), {q} (guest)\nMilestone: {q}\n"), name
        assert cal["x-wr-calname"] == f"{q} seller × {q}: {q}", name
        people = list((public / token / "people").iterdir())
        assert len(people) == 1 and re.fullmatch(r"[a-z0-9-]+\.ics", people[0].name), name
        assert [e["summary"] for e in read(people[0])["events"]] == [as_text(p)], name


# --- the file itself ---------------------------------------------------------------------------


def test_lines_are_folded_at_75_octets_never_inside_a_character(write_plan, run) -> None:
    long = "Écrire la réponse détaillée au questionnaire de sécurité, point par point; " * 3
    write_plan("northwind", PLAN.replace("Send the security questionnaire", long.strip()))

    public = build(run)

    data = (folder(public) / "plan.ics").read_bytes()
    assert data.endswith(b"END:VCALENDAR\r\n") and b"\n" not in data.replace(b"\r\n", b"")
    lines = data.split(b"\r\n")[:-1]
    assert max(len(line) for line in lines) == 75  # folded, and as long as allowed
    for line in lines:
        line.decode("utf-8")  # each physical line is whole UTF-8
        assert not line.endswith(b"\\") or line.endswith(b"\\\\")
    assert as_text(long) in by_summary(read(folder(public) / "plan.ics"))
    for line in data.replace(b"\r\n ", b"").split(b"\r\n")[:-1]:
        name = re.split(rb"[:;]", line, maxsplit=1)[0]
        assert name == name.upper(), line  # names are case-blind, but not every reader


def test_control_characters_never_reach_the_file(write_plan) -> None:
    doc = load_plan(write_plan("northwind", PLAN))
    found = calendars.calendars(doc, date(2026, 11, 23), "https://plans.example/\x07a\nb/")
    for data in found.files().values():
        assert b"\x07" not in data and b"\n" not in data.replace(b"\r\n", b"")
        assert b"URL:https://plans.example/ab/" in data


def test_fold() -> None:
    assert calendars.fold("SUMMARY:short") == b"SUMMARY:short\r\n"
    exact = "X" * 75
    assert calendars.fold(exact) == exact.encode() + b"\r\n"
    assert calendars.fold("X" * 76) == b"X" * 75 + b"\r\n X\r\n"
    assert calendars.fold("X" * 150) == b"X" * 75 + b"\r\n " + b"X" * 74 + b"\r\n X\r\n"
    # a two-octet character that would straddle octet 75 moves to the next line whole
    assert calendars.fold("X" * 74 + "é") == b"X" * 74 + b"\r\n " + "é".encode() + b"\r\n"
    # an escape stays whole
    assert calendars.fold("X" * 74 + "\\n") == b"X" * 74 + b"\r\n \\n\r\n"


@settings(max_examples=200, derandomize=True, database=None, deadline=None)
@given(st.lists(st.text(st.sampled_from(["X", "é", "€", "😀", "\\", ",", " "]), max_size=160)))
def test_lines_written_together_are_each_folded(lines: list[str]) -> None:
    """An event's lines are folded together (short ASCII ones as they are, encoded once):
    the same octets as folding each line alone."""
    assert calendars.content(lines) == b"".join(calendars.fold(line) for line in lines)
