"""Step addresses: ids, ``2.3`` numbers, and words that name one task."""

from __future__ import annotations

import pytest
import yaml

from mapsite.address import NoStep, address, anchor, find_step, numbered, step_keys
from mapsite.model import Plan

PLAN = Plan.model_validate(
    yaml.safe_load(
        """
title: T
buyer: {name: B}
seller: {name: S}
share: {token: ViqzABatAvS1drCoQ4bq8A}
milestones:
  - name: Security review passed
    id: security
    steps:
      - task: Send the security questionnaire
      - task: Issue the InfoSec risk rating
        id: memo
  - name: Contract
    steps:
      - task: Send the order form
      - task: Sign the order form
      - task: Sign
  - name: Empty
"""
    )
)


def test_address_is_the_id_or_the_numbers() -> None:
    assert [address(PLAN, k) for k in step_keys(PLAN)] == ["1.1", "memo", "2.1", "2.2", "2.3"]
    assert address(PLAN, (0, None)) == "security"
    assert address(PLAN, (1, None)) == "2"
    assert numbered((0, 1)) == "1.2"
    assert numbered((2, None)) == "3"


def test_anchor_is_the_id_or_a_name_from_the_numbers() -> None:
    assert [anchor(PLAN, k) for k in step_keys(PLAN)] == [
        "step-1-1", "memo", "step-2-1", "step-2-2", "step-2-3"
    ]  # fmt: skip
    assert anchor(PLAN, (0, None)) == "security"
    assert anchor(PLAN, (2, None)) == "milestone-3"


@pytest.mark.parametrize(
    ("query", "key"),
    [
        ("memo", (0, 1)),
        (" memo ", (0, 1)),
        ("1.1", (0, 0)),
        ("2.3", (1, 2)),
        (" 2 . 2 ", (1, 1)),
        ("questionnaire", (0, 0)),
        ("QUESTIONNAIRE", (0, 0)),
        ("infosec rating", (0, 1)),
        ("send order", (1, 0)),
        # "sign" is in two tasks, but one task is exactly "Sign"
        ("sign", (1, 2)),
        ("Sign  the order form", (1, 1)),
    ],
)
def test_find_step(query: str, key: tuple[int, int]) -> None:
    assert find_step(PLAN, query) == key


def test_several_matches_are_refused_and_listed() -> None:
    with pytest.raises(NoStep) as caught:
        find_step(PLAN, "send")
    assert str(caught.value) == "'send' matches 2 steps; name one"
    assert caught.value.query == "send"
    assert caught.value.candidates == (
        ("1.1", "Send the security questionnaire"),
        ("2.1", "Send the order form"),
    )


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("3.1", "there is no step 3.1"),
        ("2.4", "there is no step 2.4"),
        ("0.1", "there is no step 0.1"),
        ("4.1", "there is no step 4.1"),
        ("kickoff", "no step matches 'kickoff'"),
        ("   ", "no step given"),
    ],
)
def test_unknown_steps(query: str, message: str) -> None:
    with pytest.raises(NoStep) as caught:
        find_step(PLAN, query)
    assert str(caught.value) == message
    assert (caught.value.query, caught.value.candidates) == (query, ())


def test_a_milestone_id_lists_its_steps() -> None:
    with pytest.raises(NoStep) as caught:
        find_step(PLAN, "security")
    assert str(caught.value) == (
        "'security' is the milestone 'Security review passed', not a step; name one of its steps"
    )
    assert caught.value.query == "security"
    assert caught.value.candidates == (
        ("1.1", "Send the security questionnaire"),
        ("memo", "Issue the InfoSec risk rating"),
    )


def test_a_task_written_out_in_full_wins_over_longer_ones() -> None:
    plan = Plan.model_validate(
        {
            **PLAN.model_dump(exclude={"milestones"}),
            "milestones": [
                {
                    "name": "Contract",
                    "steps": [{"task": "Sign the form again"}, {"task": "Sign the  form"}],
                }
            ],
        }
    )
    assert find_step(plan, "sign the form") == (0, 1)
    assert find_step(plan, "form again") == (0, 0)


def test_the_refusal_keeps_what_was_asked() -> None:
    for query in ("send", "9.9", "kickoff", " ", "security"):
        with pytest.raises(NoStep) as caught:
            find_step(PLAN, query)
        assert caught.value.query == query
        assert caught.value.message == str(caught.value)


def test_a_task_written_out_in_full_wins_over_one_that_contains_it() -> None:
    sign = PLAN.milestones[1].steps[1]
    longer = sign.model_copy(update={"task": "Sign the order form in DocuSign"})
    milestone = PLAN.milestones[1].model_copy(update={"steps": [sign, longer]})
    plan = PLAN.model_copy(update={"milestones": [milestone]})

    assert find_step(plan, "sign the  ORDER form") == (0, 0)
    assert find_step(plan, "docusign") == (0, 1)
    with pytest.raises(NoStep, match=r"^'order form' matches 2 steps; name one$"):
        find_step(plan, "order form")
