"""Tricky records shared by the exporter and round-trip tests."""

from __future__ import annotations

import datetime as dt

from papercite.links.urls import find_links
from papercite.model import Group, Paper, Person, Source

TRICKY = [
    Paper(
        title="Policies for $π_0$ & $\\pi_1$: 50% Faster #1 Agents_v2 with LLMs",
        authors=(Person("Łukasz", "Kaiser"), Person("Vincent", "van der Berg"), Group("GLM-5 Team")),
        et_al=True,
        category="cs.LG",
        date=dt.date(2024, 2, 29),
        abstract=r"We \textit{evaluate} it: $O(L^2)$ to $O(Lk)$, 4$\times$ faster, 5% of A & B. See \url{https://github.com/a/b_c}.",
        links=tuple(find_links("https://github.com/a/b_c https://huggingface.co/org/model-1")),
        source=Source("tricky", 1),
    ),
    Paper(
        title="Evil }\\input{/etc/passwd} @misc{evil, title={x}}",
        authors=(Person("Jürgen", "Schmidhuber"),),
        category="cs.CR",
        date=dt.date(2023, 1, 5),
        abstract="\\write18{touch /tmp/papercite-pwned} \\input{/etc/passwd} %not a comment } { unbalanced $ math \\",
        source=Source("tricky", 4),
    ),
    Paper(
        title="Ondřej's Café — “Quotes” (ARC) and GLM-130B?",
        authors=(Person("Ondřej", "Dušek"), Person("Jean-Baptiste", "Mouret"), Person("Juan", "de la Cruz")),
        date=dt.date(2021, 12, 1),
        source=Source("tricky", 7),
    ),
    Paper(
        title="AgentBench: Evaluating LLMs as Agents",
        authors=(Person("Xiao", "Liu"), Person("Hao", "Yu"), Person("Hanchen", "Zhang")),
        et_al=True,
        category="cs.AI",
        date=dt.date(2023, 8, 7),
        arxiv_id="2308.03688",
        links=tuple(find_links("https://github.com/THUDM/AgentBench")),
        source=Source("tricky", 10),
    ),
]
