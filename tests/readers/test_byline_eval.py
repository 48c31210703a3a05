"""The listing reader on real bylines (issue 17): every title/author split right on the
class-rich evaluation set and on the held-out arXiv answers, with no warning; family names
right but for the two compound family names no shape can tell (``Babaei Giglou``)."""

from __future__ import annotations

import os

import pytest
from bylineeval import classes_of, eval_set, evaluate, held_out_set, table

# Family names written as two capitalised words with no particle: the shape gives "Giglou".
KNOWN_FAMILY_MISSES = {"Hamed Babaei Giglou", "Matthew A. Lambon Ralph"}


def test_the_evaluation_set_is_real_and_rich_in_the_issue_classes():
    cases = eval_set()
    assert len(cases) >= 150
    assert all(c.source for c in cases)
    counted = {name: n for name, n, _, _ in table(evaluate(cases))}
    for name in ("camel-case given name", "title ends in an acronym", "family name with a particle or two words",
                 "hyphenated given name", "apostrophe", "initials", "group author",
                 "title ends in digit, ?, ) or quote"):
        assert counted.get(name, 0) >= 4, name


def test_every_split_of_the_evaluation_set_is_right():
    outcomes = evaluate(eval_set())
    wrong = [f"{o.case.byline} -> {o.got}" for o in outcomes if not o.split_right]
    assert wrong == []
    assert [o.case.byline for o in outcomes if o.warned] == []
    families = [o for o in outcomes if not o.families_right]
    assert all(any(n.display in KNOWN_FAMILY_MISSES for n in o.case.names) for o in families), [
        o.got for o in families
    ]


def test_every_split_of_papers_not_tuned_on_is_right():
    cases = held_out_set()
    if not cases:
        if os.environ.get("PAPERCITE_REQUIRE_CONSUMERS"):
            pytest.fail("the arXiv recordings are missing (shared/ is laid beside the checkout)")
        pytest.skip("the arXiv recordings are missing (shared/ is laid beside the checkout)")
    outcomes = evaluate(cases)
    assert len(outcomes) >= 100
    assert [f"{o.case.byline} -> {o.got}" for o in outcomes if not o.families_right] == []
    assert {c for o in outcomes for c in classes_of(o.case)} >= {"initials", "hyphenated given name", "group author"}
