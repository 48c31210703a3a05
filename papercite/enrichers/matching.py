"""Is this arXiv entry the paper a record describes? Decided strictly: a wrong
identifier is worse than none.

A candidate is accepted only when every piece of evidence the record has
agrees with it:

- **title**: the same words once LaTeX, case, accents, punctuation, hyphens and
  spacing are set aside. The only differences allowed are a small word (``a``,
  ``the``, ``of`` ...) and the spelling of a long word without digits
  (``modelling``/``modeling``). ``GLM-4.5`` vs ``GLM-4.5V``, ``AgentBench`` vs
  ``VisualAgentBench``, a ``v2`` sequel, an extra subtitle: each differs in a
  word that matters, and is rejected. rapidfuzz's ratio ranks the candidates.
- **authors**: the record's authors (a listing shows up to three, in order)
  must be the candidate's first ones, by family name (a group by its whole
  name); without "et al." the counts must agree.
- **date**: a listing's date is the first submission, which is the first
  version's date, or up to 75 days before it when arXiv held the paper in
  moderation; never after it.

Exactly one candidate must pass. Two that pass equally are reported, not
guessed between.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import re
from dataclasses import dataclass
from typing import Literal

from anyascii import anyascii

from papercite.model import Group, Paper
from papercite.text.latex import latex_to_text

SMALL_WORDS = frozenset("a an the of for and on in to with via by from at as".split())
SAME_DAY = 3  # days either way (time zones, announcement vs submission)
MODERATION = 75  # days a paper may be held before its first version appears


@dataclass(frozen=True)
class Entry:
    """What arXiv says about one paper (one ``<entry>`` of its Atom feed)."""

    arxiv_id: str  # without version
    title: str  # as arXiv gives it (may hold TeX)
    authors: tuple[str, ...] = ()
    published: _dt.date | None = None  # the first version's date
    primary_category: str | None = None
    doi: str | None = None  # of the published version
    journal_ref: str | None = None
    summary: str = ""  # the abstract (may hold TeX)


@dataclass(frozen=True)
class Check:
    name: str  # "title", "authors" or "date"
    ok: bool
    detail: str
    lenient: bool = False  # ok only if the title is the same to the word (a group author's variant)


@dataclass(frozen=True)
class Assessment:
    entry: Entry
    score: float  # title similarity, 0-100
    checks: tuple[Check, ...]

    @property
    def accepted(self) -> bool:
        return all(check.ok for check in self.checks)

    def explain(self) -> str:
        verdict = "fits" if self.accepted else "rejected"
        parts = "; ".join(f"{c.name} {'ok' if c.ok else 'NO'}: {c.detail}" for c in self.checks)
        return f"{self.entry.arxiv_id} ({self.score:.0f}% title) {verdict} - {parts}"


Outcome = Literal["match", "ambiguous", "no fit", "no entry"]


@dataclass(frozen=True)
class Decision:
    match: Entry | None
    reason: str
    assessments: tuple[Assessment, ...] = ()  # best first
    outcome: Outcome = "match"


def _greek_names() -> dict[int, str]:
    """Greek letters (and ``ℓ``) as the words TeX spells them: ``β`` -> ``beta``. anyascii reads
    them as modern Greek (``β`` -> ``v``), but arXiv stores ``$\\beta$-VAE`` and indexes it as
    ``beta vae``, and a listing shows it rendered, ``β-VAE``."""
    import unicodedata

    names = {ord("ℓ"): " ell "}
    for code in [*range(0x391, 0x3AA), *range(0x3B1, 0x3CA), 0x3D1, 0x3D5, 0x3D6, 0x3F1, 0x3F5]:
        name = unicodedata.name(chr(code), "")
        word = [
            w for w in name.split() if w not in ("GREEK", "SMALL", "CAPITAL", "LETTER", "SYMBOL", "FINAL", "LUNATE")
        ]
        if len(word) == 1:
            names[code] = f" {word[0].lower()} "
    return names


_GREEK = _greek_names()


def words(text: str) -> list[str]:
    """Lower-case ASCII words of a title: LaTeX rendered, Greek letters named, accents folded,
    punctuation dropped."""
    if "\\" in text or "$" in text or "{" in text:
        text = latex_to_text(text)
    if not text.isascii():
        text = text.translate(_GREEK)
    return re.sub(r"[^a-z0-9]+", " ", anyascii(text).lower()).split()


def _name_words(text: str) -> list[str]:
    """Lower-case ASCII words of a name; TeX accents as submitters type them on arXiv
    (``Ren\\'e``, ``J\\"urgen``, ``\\c{C}elik``) folded like Unicode ones."""
    if "\\" in text or "{" in text:
        text = latex_to_text(text)
    return re.sub(r"[^a-z]+", " ", anyascii(text).lower()).split()


def compare_titles(ours: list[str], theirs: list[str]) -> Check:
    if ours == theirs:
        return Check("title", True, "same words")
    if "".join(ours) == "".join(theirs):
        return Check("title", True, "same words, hyphenated or spaced differently")
    allowed = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=ours, b=theirs, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        a, b = ours[i1:i2], theirs[j1:j2]
        if "".join(a) == "".join(b):
            continue  # "pre trained" vs "pretrained"
        if op in ("delete", "insert") and set(a + b) <= SMALL_WORDS:
            allowed.append(f"small word {' '.join(a + b)!r}")
            continue
        if op == "replace" and len(a) == len(b) and all(_spelling_variant(x, y) for x, y in zip(a, b, strict=True)):
            allowed.append(f"spelling {' '.join(a)!r}/{' '.join(b)!r}")
            continue
        shown_a, shown_b = " ".join(a) or "-", " ".join(b) or "-"
        return Check("title", False, f"differs: {shown_a!r} vs {shown_b!r}")
    return Check("title", True, "same but " + ", ".join(allowed))


def _spelling_variant(a: str, b: str) -> bool:
    """``modelling``/``modeling``, ``optimisation``/``optimization``, ``colour``/``color``: a small
    change inside a long word. A change at either end (``AgentBench``/``AgentBenchV``,
    ``model``/``models``) can name another thing, and is not one."""
    return (
        a.isalpha()
        and b.isalpha()
        and min(len(a), len(b)) >= 5
        and a[0] == b[0]
        and a[-1] == b[-1]
        and _levenshtein(a, b) <= 2
    )


def _levenshtein(a: str, b: str) -> int:
    # rapidfuzz is imported when titles are compared, not with the module: the arXiv
    # enricher's module (and so this one) is loaded by every command.
    from rapidfuzz.distance import Levenshtein

    return Levenshtein.distance(a, b)


def compare_authors(paper: Paper, entry: Entry) -> Check:
    ours = paper.authors
    if not ours:
        return Check("authors", True, "the record has none to compare")
    theirs = entry.authors
    variant = ""
    for i, author in enumerate(ours[:3]):
        if i >= len(theirs):
            return Check("authors", False, f"arXiv lists {len(theirs)} author(s), the record more")
        if not _same_author(author, theirs[i]):
            if isinstance(author, Group) and _group_variant(author.name, theirs[i]):
                variant = f" (group {author.name!r} as {theirs[i]!r})"
                continue
            return Check("authors", False, f"author {i + 1} is {theirs[i]!r}, not {author.display!r}")
    if not paper.et_al and len(ours) != len(theirs):
        return Check("authors", False, f"arXiv lists {len(theirs)} authors, the record {len(ours)} (no et al.)")
    if paper.et_al and len(theirs) <= len(ours):
        return Check("authors", False, f"the record has et al. but arXiv lists only {len(theirs)}")
    return Check("authors", True, f"first {min(len(ours), 3)} agree{variant}", lenient=bool(variant))


def _group_variant(ours: str, theirs: str) -> bool:
    """``GLM-V Team`` / ``V Team``, ``GLM-4.5 Team`` / ``GLM-4. 5 Team``: the same group author
    but for a prefix, spacing or punctuation (arXiv's records of group pseudo-authors vary).
    The words must end alike, one list being the end of the other."""
    a, b = _name_words(ours), _name_words(theirs)
    if not a or not b:
        return False
    short, long_ = sorted((a, b), key=len)
    return long_[len(long_) - len(short) :] == short


def _same_author(author: object, name: str) -> bool:
    theirs = _name_words(name)
    if isinstance(author, Group):
        return "".join(_name_words(author.name)) == "".join(theirs)
    family = "".join(_name_words(author.family))  # type: ignore[attr-defined]
    given = _name_words(author.given)  # type: ignore[attr-defined]
    joined = "".join(theirs)
    if family and joined.endswith(family):
        return True
    # Family name first ("Liu Xiao"), as some authors write it.
    return bool(family and theirs and theirs[0] == family and given and given[0] in theirs[1:])


def compare_dates(paper: Paper, entry: Entry) -> Check:
    if paper.date is None:
        return Check("date", True, "the record has none")
    if entry.published is None:
        return Check("date", False, "arXiv gives no date")
    published = entry.published
    if paper.date_precision == "year":
        late = (published - _dt.date(paper.date.year, 12, 31)).days
        ok = published.year == paper.date.year or 0 < late <= MODERATION
        return Check("date", ok, f"{published} for {paper.date.year}")
    if paper.date_precision == "month":
        start = paper.date.replace(day=1)
        end = (start + _dt.timedelta(days=32)).replace(day=1) - _dt.timedelta(days=1)
        ok = start <= published <= end + _dt.timedelta(days=MODERATION)
        return Check("date", ok, f"{published} for {paper.date_iso}")
    delta = (published - paper.date).days
    if abs(delta) <= SAME_DAY:
        return Check("date", True, f"{published}, the record's date")
    if SAME_DAY < delta <= MODERATION:
        return Check("date", True, f"{published}, {delta} days after the record's (held in moderation?)")
    return Check("date", False, f"{published} is {abs(delta)} days {'after' if delta > 0 else 'before'} {paper.date}")


def assess(paper: Paper, entry: Entry) -> Assessment:
    ours, theirs = words(paper.title_text), words(entry.title)
    from rapidfuzz import fuzz  # imported on use: see _levenshtein

    score = fuzz.ratio(" ".join(ours), " ".join(theirs))
    title, authors, date = compare_titles(ours, theirs), compare_authors(paper, entry), compare_dates(paper, entry)
    if authors.lenient and not (title.detail == "same words" and date.ok):
        authors = Check("authors", False, f"{authors.detail}, accepted only with the very same title and date")
    return Assessment(entry, score, (title, authors, date))


def decide(paper: Paper, entries: list[Entry]) -> Decision:
    """The one entry that is this paper, or None with the reason."""
    unique = list({e.arxiv_id: e for e in entries}.values())
    ranked = sorted(
        (assess(paper, e) for e in unique),
        key=lambda a: (a.accepted, sum(c.ok for c in a.checks), a.score),
        reverse=True,
    )
    passing = [a for a in ranked if a.accepted]
    if len(passing) == 1:
        return Decision(passing[0].entry, passing[0].explain(), tuple(ranked))
    if len(passing) > 1:
        exact = [a for a in passing if a.checks[2].detail.endswith("the record's date")]
        if len(exact) == 1:
            return Decision(exact[0].entry, exact[0].explain(), tuple(ranked))
        ids = ", ".join(a.entry.arxiv_id for a in passing)
        return Decision(None, f"{len(passing)} arXiv entries fit equally well ({ids})", tuple(ranked), "ambiguous")
    if not ranked:
        return Decision(None, "arXiv has no entry with this title", (), "no entry")
    best = ranked[0]
    failed = "; ".join(f"{c.name}: {c.detail}" for c in best.checks if not c.ok)
    reason = f"closest is {best.entry.arxiv_id} ({best.score:.0f}% title), but {failed}"
    return Decision(None, reason, tuple(ranked), "no fit")
