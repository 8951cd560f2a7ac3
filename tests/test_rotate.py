"""``mapsite rotate``: a new private link written into the plan byte for byte where the
old one was (``tests/rotations/``: each plan beside the file it must become, ``{new}``
standing for the new token), or a located refusal and every file as it was.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
from pathlib import Path

import pytest
import yaml
from support import TODAY, VALID_PLAN

from mapsite import share
from mapsite.errors import MapsiteError
from mapsite.load import load_plan

ROTATIONS = Path(__file__).parent / "rotations"
CASES = sorted(p.stem for p in ROTATIONS.glob("*.md") if not p.name.endswith(".after.md"))
OLD = "ViqzABatAvS1drCoQ4bq8A"
NEW = "W7hrfhSJCYSEnzUbwa616w"
NEW_LINK = re.compile(
    r"^plans/[\w-]+\.md: (replaced the|added a) share token; new link path /(\S+)/$"
)


def rotate(run, *names: str) -> list[str]:
    """Rotate plans/NAME.md for each name; the new tokens, in order."""
    result = run("rotate", *(f"plans/{name}.md" for name in names))
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    found = [NEW_LINK.match(line) for line in result.stdout.splitlines()]
    assert all(found), result.stdout
    return [m[2] for m in found if m]


def test_every_case_has_its_result() -> None:
    assert sorted(p.name.removesuffix(".after.md") for p in ROTATIONS.glob("*.after.md")) == CASES
    assert len(CASES) >= 8
    assert (ROTATIONS / "crlf-bom.md").read_bytes().startswith(b"\xef\xbb\xbf---\r\n")
    assert b"\r\n" in (ROTATIONS / "crlf-bom.after.md").read_bytes()


@pytest.mark.parametrize("name", CASES)
def test_rotate_changes_only_the_token_and_the_old_ones(name: str, site: Path, run) -> None:
    plan = site / "plans" / f"{name}.md"
    shutil.copyfile(ROTATIONS / f"{name}.md", plan)
    before = load_share(ROTATIONS / f"{name}.md")

    (new,) = rotate(run, name)

    expected = (ROTATIONS / f"{name}.after.md").read_bytes().replace(b"{new}", new.encode())
    assert plan.read_bytes() == expected
    share = load_plan(plan).plan.share  # a valid plan
    assert share.token == new
    old = [before["token"]] if before.get("token") else []
    assert share.previous == old + before.get("previous", [])
    assert share.expires == before.get("expires")
    assert share.password_env == before.get("password_env")


def load_share(path: Path) -> dict:
    text = path.read_bytes().decode("utf-8-sig").replace("\r\n", "\n")
    return yaml.safe_load(text.split("---\n")[1]).get("share") or {}


def test_an_anchor_on_share_and_its_aliases_keep_working(site: Path, run) -> None:
    shutil.copyfile(ROTATIONS / "anchor.md", site / "plans" / "anchor.md")
    rotate(run, "anchor")
    text = (site / "plans" / "anchor.md").read_text(encoding="utf-8")
    assert "share: &link\n" in text and "expires: &pilot_end 2027-03-31\n" in text
    assert str(load_plan(site / "plans" / "anchor.md").plan.go_live) == "2027-03-31"


def test_rotating_again_puts_each_old_token_first(site: Path, run) -> None:
    shutil.copyfile(ROTATIONS / "block-previous.md", site / "plans" / "p.md")
    first = rotate(run, "p")[0]
    second = rotate(run, "p")[0]
    share = load_plan(site / "plans" / "p.md").plan.share
    assert share.previous == [first, OLD, "W7hrfhSJCYSEnzUbwa616w", "Qm3xYp7RZc2sTnVbK9aLdE"]
    assert share.token == second != first
    text = (site / "plans" / "p.md").read_text(encoding="utf-8")
    assert (
        f"    - {first}\n    - {OLD}\n    - W7hrfhSJCYSEnzUbwa616w  # leaked in October\n" in text
    )


def test_a_plan_named_twice_is_rotated_once(site: Path, run) -> None:
    shutil.copyfile(ROTATIONS / "flow.md", site / "plans" / "flow.md")
    result = run("rotate", "plans/flow.md", "plans/flow.md")
    assert result.exit_code == 0, result.stderr
    assert len(result.stdout.splitlines()) == 1
    assert load_plan(site / "plans" / "flow.md").plan.share.previous == [OLD]


# --- refusals: a located message, exit status 1, every file as it was -------------------

HEAD = "---\ntitle: T\nbuyer: {name: B}\nseller: {name: S}\n"
TAIL = "milestones:\n  - name: M\n    due: 2026-12-15\n---\n"


@pytest.mark.parametrize(
    ("front", "stderr"),
    [
        (
            f"share: &link\n  token: {OLD}\nextra:\n  link: *link\n",
            "plans/p.md:6:3: share.token: this value is shared through the YAML anchor "
            "'&link' on line 5: changing it would also change every '*link' (write the value "
            "out in full instead of '*link', then run the command again)\n",
        ),
        (
            f"share: {OLD}\n",
            "plans/p.md:5:8: share: cannot rotate the token: 'share' is not a mapping of "
            "fields (write it as 'share:' with 'token:' under it, or remove it and run "
            "mapsite rotate again)\n",
        ),
        (
            f"share: [{OLD}]\n",
            "plans/p.md:5:8: share: cannot rotate the token: 'share' is not a mapping of "
            "fields (write it as 'share:' with 'token:' under it, or remove it and run "
            "mapsite rotate again)\n",
        ),
        (
            f"share: {{token: {OLD}\n",
            "plans/p.md:6:11: invalid YAML: did not find expected ',' or '}' (close the "
            "mapping's '{' with '}', and quote values that contain ',' or '}')\n",
        ),
        (
            f"share: {{token: {OLD}}}\ngo_live: next tuesday\n",
            "plans/p.md:6:10: go_live: 'next tuesday' is not a date (use YYYY-MM-DD)\n",
        ),
        (
            f"share: {{token: {OLD}, previous: [Bad token]}}\n",
            "plans/p.md:5:51: share.previous[0]: 'Bad token' is not a share token",
        ),
        (  # rotating adds the missing share block, but cannot fix the rest
            "go_live: next tuesday\n",
            "plans/p.md:5:10: go_live: 'next tuesday' is not a date (use YYYY-MM-DD)\n",
        ),
    ],
    ids=["aliased", "scalar", "list", "yaml", "invalid-plan", "invalid-previous", "no-share"],
)
def test_a_rotation_that_cannot_be_made_safely_is_refused(
    front: str, stderr: str, site: Path, run
) -> None:
    plan = site / "plans" / "p.md"
    plan.write_text(HEAD + front + TAIL, encoding="utf-8")
    before = plan.read_bytes()

    result = run("rotate", "plans/p.md")

    assert result.exit_code == 1
    assert result.stderr.startswith(stderr)
    assert result.stderr.endswith("1 error in 1 file; nothing written\n")
    assert plan.read_bytes() == before
    assert result.stdout == ""


def test_a_plan_that_counts_business_days_over_the_sites_holidays(site: Path, run) -> None:
    (site / "mapsite.yml").write_text("holidays: GB\n")
    plan = site / "plans" / "p.md"
    plan.write_text(
        HEAD + f"share:\n  token: {OLD}\ngo_live: 2026-12-29\n"
        "milestones:\n  - name: M\n    due: go_live - 3bd\n---\n"
    )

    (new,) = rotate(run, "p")

    document = load_plan(plan, "GB")
    assert (document.plan.share.token, document.plan.share.previous) == (new, [OLD])
    assert str(document.dates.target[0, None]) == "2026-12-22"  # Christmas, Boxing Day (28th)


def test_a_front_matter_that_is_not_fields_is_refused(site: Path, run) -> None:
    plan = site / "plans" / "p.md"
    plan.write_text("---\n- a list\n---\n", encoding="utf-8")
    result = run("rotate", "plans/p.md")
    assert result.exit_code == 1
    assert result.stderr == (
        "plans/p.md: cannot edit: the front matter is not a mapping of fields "
        "(run mapsite check plans/p.md)\n1 error in 1 file; nothing written\n"
    )


def test_several_plans_are_rotated_all_or_none(write_plan, run) -> None:
    good = write_plan("northwind")
    bad = write_plan("tailspin", VALID_PLAN.replace("due: 2026-12-01", "due: soon"))
    before = good.read_bytes(), bad.read_bytes()

    result = run("rotate", "plans/northwind.md", "plans/tailspin.md")

    assert result.exit_code == 1
    assert result.stderr.startswith("plans/tailspin.md:20:14: milestones[0].steps[0].due: ")
    assert result.stderr.endswith("1 error in 1 file; nothing written\n")
    assert (good.read_bytes(), bad.read_bytes()) == before


def test_a_plan_that_cannot_be_read_is_refused(site: Path, run) -> None:
    (site / "plans" / "p.md").write_bytes(b"---\ntitle: caf\xe9\n---\n")
    result = run("rotate", "plans/p.md")
    assert result.exit_code == 1
    assert result.stderr.startswith("plans/p.md:2:11: file is not UTF-8 text (byte 0xe9)")


def test_every_plan_that_cannot_be_rotated_is_reported(write_plan, run) -> None:
    good = write_plan("northwind")
    first = write_plan("acme", VALID_PLAN.replace("due: 2026-12-01", "due: soon"))
    second = write_plan("tailspin", "no front matter here\n", token=False)
    before = [p.read_bytes() for p in (good, first, second)]

    result = run("rotate", "plans/acme.md", "plans/northwind.md", "plans/tailspin.md")

    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith("plans/acme.md:20:14: milestones[0].steps[0].due: ")
    assert lines[1:] == [
        "plans/tailspin.md:1:1: no front matter: the file must start with a '---' line (put "
        "the plan's YAML fields between two '---' lines at the top)",
        "2 errors in 2 files; nothing written",
    ]
    assert [p.read_bytes() for p in (good, first, second)] == before


@pytest.mark.parametrize("token", ["abc", "'Bad token'", "12345", "''", OLD[:-1], f"{OLD} extra"])
def test_a_token_that_never_was_a_link_is_replaced_not_kept(token: str, site: Path, run) -> None:
    """``check`` says to run ``mapsite rotate`` on a malformed token: that must fix it
    (a build never published a page under it, so there is no old link to retire)."""
    plan = site / "plans" / "p.md"
    plan.write_text(HEAD + f"share:\n  token: {token}  # typed by hand\n" + TAIL)
    assert run("check", "--today", TODAY).exit_code == 1

    (new,) = rotate(run, "p")

    quoted = f"'{new}'" if token.startswith("'") else new  # written as the rep wrote it
    assert plan.read_text() == HEAD + f"share:\n  token: {quoted}  # typed by hand\n" + TAIL
    assert run("check", "--today", TODAY).exit_code == 0
    assert load_plan(plan).plan.share.previous == []


def test_a_full_disk_leaves_every_plan_as_it_was(
    write_plan, run, site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    plans = [write_plan("acme"), write_plan("northwind")]
    before = [p.read_bytes() for p in plans]

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    result = run("rotate", "plans/acme.md", "plans/northwind.md")

    assert result.exit_code == 1
    assert result.stderr == (
        "plans/acme.md: cannot write the file: No space left on device (nothing was written)\n"
        "1 error in 1 file\n"
    )
    assert [p.read_bytes() for p in plans] == before
    assert sorted(p.name for p in (site / "plans").iterdir()) == ["acme.md", "northwind.md"]


# --- the function itself, for callers that choose the new token -------------------------


def test_a_given_token_is_the_new_one(site: Path) -> None:
    plan = site / "plans" / "p.md"
    plan.write_text(HEAD + f"share:\n  token: {OLD}\n  previous: [{NEW}]\n" + TAIL)

    assert share.rotate([plan], [NEW]) == [share.Rotated("plans/p.md", OLD, NEW)]
    # the old link works again: it is no longer among those that answer 410 Gone
    assert plan.read_text() == HEAD + f"share:\n  token: {NEW}\n  previous: [{OLD}]\n" + TAIL


@pytest.mark.parametrize("token", [OLD, "abc"])
def test_a_given_token_that_is_not_one_is_refused(token: str, site: Path) -> None:
    plan = site / "plans" / "p.md"
    plan.write_text(HEAD + f"share:\n  token: {token}\n" + TAIL)

    with pytest.raises(MapsiteError) as caught:
        share.rotate([plan], ["not a token"])

    assert str(caught.value) == (
        "plans/p.md:6:10: share.token: 'not a token' is not a share token (give the plan a "
        "private link with: mapsite rotate plans/p.md)\n1 error in 1 file; nothing written"
    )
    assert plan.read_text() == HEAD + f"share:\n  token: {token}\n" + TAIL


def test_a_plan_that_is_gone_is_named(site: Path) -> None:
    with pytest.raises(MapsiteError) as caught:
        share.rotate([site / "plans" / "gone.md"])
    assert str(caught.value) == (
        "plans/gone.md:1:1: cannot read file: No such file or directory\n"
        "1 error in 1 file; nothing written"
    )


@pytest.mark.parametrize(
    ("configured", "url", "expected"),
    [
        (
            "https://plans.contoso.example/",
            "https://x.netlify.app",
            "https://plans.contoso.example",
        ),
        ("https://contoso.example/maps/FEDEX//", None, "https://contoso.example/maps/FEDEX"),
        (None, "https://eager-plans-123.netlify.app/", "https://eager-plans-123.netlify.app"),
        (None, "", None),
        (None, None, None),
    ],
)
def test_the_sites_address(
    configured: str | None, url: str | None, expected: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    if url is None:
        monkeypatch.delenv("URL", raising=False)
    else:
        monkeypatch.setenv("URL", url)
    assert share.base_url(configured) == expected
