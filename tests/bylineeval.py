"""Evaluation of the listing reader's title/author split on real bylines (issue 17).

Two sets, both real papers: ``tests/data/bylines_eval.tsv`` (looked up for the classes the
issue names, with arXiv's or the citing bibliography's spelling) and, held out from tuning,
every entry of the arXiv API answers recorded in ``../shared/real-world/services`` (read there,
not copied). A byline is rebuilt the way a listing shows it: the title glued to at most three
names, `` et al.`` when there are more.

A record is *right* when the title and the names come out exactly; the family name of every
shown person is scored apart (a listing's ``Luc Van Gool`` is right only with family
``Van Gool``). Classes are decided from the data, so a row counts in every class it shows.
Used by ``tests/test_byline_eval.py`` (floors) and ``bench/bylines.py`` (the table in
BENCHMARKS.md).
"""

from __future__ import annotations

import json
import os
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
EVAL_SET = HERE / "data" / "bylines_eval.tsv"
REAL_WORLD = Path(os.environ.get("PAPERCITE_REAL_WORLD") or HERE.parents[1] / "shared" / "real-world")
ARXIV_RECORDINGS = REAL_WORLD / "services" / "recordings" / "arxiv"
_ATOM = "{http://www.w3.org/2005/Atom}"
# The truth's own particle lists, not papercite.text.names's: the evaluation must not grade the
# reader by the reader's rules.
_CAPITAL_PARTICLES = {"Van", "Von", "De", "Di", "Da", "Ben"}
_PARTICLES = {"van", "von", "der", "den", "de", "del", "della", "di", "da", "dos", "du", "la", "le", "ter", "ten"}
_GROUP = re.compile(r"\b(team|group|lab|labs|consortium|collaboration|deepmind|ai)\b", re.I)
_CAMEL = re.compile(r"^(?!Mc|Mac)[A-Z][a-z]+[A-Z][a-z]+$")
_ACRONYM_END = re.compile(r"[A-Z][A-Za-z0-9-]*[A-Z][A-Za-z0-9-]*$")


@dataclass(frozen=True)
class Name:
    display: str
    family: str  # "" for a group


@dataclass(frozen=True)
class Case:
    title: str
    names: tuple[Name, ...]
    et_al: bool
    source: str

    @property
    def byline(self) -> str:
        return self.title + ", ".join(n.display for n in self.names) + (" et al." if self.et_al else "")


def _name(text: str) -> Name:
    """``Mihaela {van der Schaar}``: braces mark a family name of more than its last word."""
    text = text.strip()
    m = re.search(r"\{([^}]*)\}", text)
    display = text.replace("{", "").replace("}", "")
    if _GROUP.search(display) and " " in display and not m:
        return Name(display, "")
    if m:
        return Name(display, m.group(1))
    # Unmarked (the held-out set): lower-case particles before the last word are the family's,
    # as arXiv and BibTeX have them ("Sean van der Merwe").
    words = display.split()
    start = len(words) - 1
    while start > 1 and words[start - 1] in _PARTICLES:
        start -= 1
    if start == len(words) - 1 and start > 1 and words[start - 1] in _CAPITAL_PARTICLES:
        start -= 1  # Dario Di Nucci, Yohann De Castro: as DBLP and the papers have them
    return Name(display, " ".join(words[start:]))


def eval_set(path: Path = EVAL_SET) -> list[Case]:
    cases = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        title, authors, et_al, source = line.split("\t")
        cases.append(Case(title, tuple(_name(a) for a in authors.split(";")), et_al == "1", source))
    return cases


def _atom_entries(body: str) -> Iterator[tuple[str, list[str], str]]:
    root = ET.fromstring(body)
    for entry in root.iter(f"{_ATOM}entry"):
        title = " ".join((entry.findtext(f"{_ATOM}title") or "").split())
        names = [" ".join((a.findtext(f"{_ATOM}name") or "").split()) for a in entry.iter(f"{_ATOM}author")]
        if title and names and title != "Error":
            yield title, names, (entry.findtext(f"{_ATOM}id") or "").rsplit("/", 1)[-1]


def held_out_set(folder: Path = ARXIV_RECORDINGS) -> list[Case]:
    """Every paper arXiv really answered in the recordings: not looked at while tuning."""
    seen: set[str] = set()
    cases = []
    for path in sorted(folder.glob("*.json")):
        for interaction in json.loads(path.read_text(encoding="utf-8")).get("interactions", []):
            body = interaction.get("response", {}).get("body") or ""
            if "<feed" not in body:
                continue
            for title, names, arxiv_id in _atom_entries(body):
                if arxiv_id in seen:
                    continue
                seen.add(arxiv_id)
                shown = tuple(_name(n) for n in names[:3])
                cases.append(Case(title, shown, len(names) > 3, f"arXiv:{arxiv_id} ({path.name})"))
    return cases


# Classes the issue names, decided from the data.
def _given_tokens(case: Case) -> Iterable[str]:
    for n in case.names:
        if n.family:
            yield from n.display[: len(n.display) - len(n.family)].split()


CLASSES: dict[str, Callable[[Case], bool]] = {
    "camel-case given name": lambda c: any(_CAMEL.match(t) for t in _given_tokens(c)),
    "title ends in an acronym": lambda c: bool(_ACRONYM_END.search(c.title)),
    "family name with a particle or two words": lambda c: any(" " in n.family for n in c.names),
    "hyphenated given name": lambda c: any("-" in t for t in _given_tokens(c)),
    "apostrophe": lambda c: any("'" in n.display for n in c.names),
    "initials": lambda c: any(t.endswith(".") or (len(t) == 1 and t.isupper()) for t in _given_tokens(c)),
    "group author": lambda c: any(not n.family for n in c.names),
    "title ends in digit, ?, ) or quote": lambda c: c.title[-1:] in "0123456789?)'\"",
}


def classes_of(case: Case) -> list[str]:
    return [name for name, test in CLASSES.items() if test(case)] or ["other"]


@dataclass(frozen=True)
class Outcome:
    case: Case
    split_right: bool
    families_right: bool
    warned: bool
    got: str


def evaluate(cases: Iterable[Case], split: Callable[[str], object] | None = None) -> list[Outcome]:
    if split is None:
        from papercite.readers.byline import split_byline as split
    out = []
    for case in cases:
        got = split(case.byline)
        displays = tuple(a.display for a in got.authors)  # type: ignore[attr-defined]
        split_right = got.title == case.title and displays == tuple(n.display for n in case.names)  # type: ignore[attr-defined]
        families = tuple(getattr(a, "full_family", "") for a in got.authors)  # type: ignore[attr-defined]
        families_right = split_right and families == tuple(n.family for n in case.names)
        out.append(
            Outcome(case, split_right, families_right, bool(got.warnings), f"{got.title!r} / {displays!r}")  # type: ignore[attr-defined]
        )
    return out


def table(outcomes: list[Outcome]) -> list[tuple[str, int, int, int]]:
    """(class, records, split right, family names right) per class, then the total."""
    rows = []
    for name in [*CLASSES, "other"]:
        mine = [o for o in outcomes if name in classes_of(o.case)]
        if mine:
            rows.append((name, len(mine), sum(o.split_right for o in mine), sum(o.families_right for o in mine)))
    rows.append(("all", len(outcomes), sum(o.split_right for o in outcomes), sum(o.families_right for o in outcomes)))
    return rows
