"""Citation keys: the pattern, ASCII folding, collisions and stability."""

from __future__ import annotations

import datetime as dt

import pytest

from papercite.citekeys import KeyAllocator, KeyPatternError, base_key, check_pattern
from papercite.model import Group, Paper, Person


def paper(title, first, year=2023, **kw):
    return Paper(title=title, authors=(first,), date=dt.date(year, 1, 1), **kw)


@pytest.mark.parametrize(
    ("record", "key"),
    [
        (paper("AgentBench: Evaluating LLMs as Agents", Person("Xiao", "Liu")), "liu2023agentbench"),
        (paper("One Model To Learn Them All", Person("Łukasz", "Łukasiewicz")), "lukasiewicz2023one"),
        (paper("The Art of Computer Programming", Person("Vincent", "van der Berg")), "berg2023art"),
        (paper("GLM-5: from Vibe Coding", Group("GLM-5 Team"), 2026), "glm52026glm5"),
        (paper("Towards a Theory of $\\pi_0$ Policies", Person("Jürgen", "Schmidhuber")), "schmidhuber2023theory"),
        (paper("On the Óptimo", Person("José", "Núñez")), "nunez2023optimo"),
        (Paper(title="No Date", authors=(Person("A", "Bee"),)), "beeno"),  # no year: the placeholder is empty
    ],
)
def test_default_pattern(record, key):
    assert base_key(record) == key


def test_other_placeholders():
    record = Paper(
        title="Deep Residual Learning for Image Recognition",
        authors=(Person("Kaiming", "He"), Person("Xiangyu", "Zhang"), Person("Shaoqing", "Ren")),
        et_al=True,
        date=dt.date(2015, 12, 10),
        arxiv_id="1512.03385",
    )
    assert base_key(record, "{authors}{year}") == "hezhangrenetal2015"
    assert base_key(record, "{author}_{shorttitle}") == "he_deepresiduallearning"
    assert base_key(record, "{author}{Title}{year}") == "heDeep2015"
    assert base_key(record, "arXiv:{arxiv}") == "arXiv:1512.03385"


def test_bad_patterns():
    for pattern in ("{author}{nope}", "plain", "{author"):
        with pytest.raises(KeyPatternError):
            check_pattern(pattern)


def test_collisions_get_deterministic_suffixes_and_unrelated_records_change_nothing():
    a1 = paper("AgentBench: one", Person("Xiao", "Liu"))
    a2 = paper("AgentBench: two", Person("Xiao", "Liu"))
    a3 = paper("AgentBench: three", Person("Xiao", "Liu"))
    other = paper("Something Else", Person("Jane", "Doe"))
    keys = KeyAllocator()
    assert [keys.key(p) for p in (a1, a2, a3)] == ["liu2023agentbench", "liu2023agentbencha", "liu2023agentbenchb"]
    with_other = KeyAllocator()
    assert [with_other.key(p) for p in (other, a1, a2, other, a3)] == [
        "doe2023something", "liu2023agentbench", "liu2023agentbencha", "doe2023somethinga", "liu2023agentbenchb"
    ]


def test_taken_keys_are_never_reused_case_insensitively():
    keys = KeyAllocator(taken={"Liu2023AgentBench"})
    assert keys.key(paper("AgentBench", Person("Xiao", "Liu"))) == "liu2023agentbencha"
