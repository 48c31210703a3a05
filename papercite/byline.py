"""Split a listing byline into title, authors, et al. and affiliations.

The byline glues the title to the first author with no separator
(``...as AgentsXiao Liu, Hao Yu, Hanchen Zhang et al. · berkeley``). The
boundary is found from the structure of what follows the title: a list of at
most three well-formed names, ``et al.`` only after three, then optional
affiliation slugs. Every split that leaves such a list is a candidate; the
candidates are ranked by how natural the boundary is (a lower-case letter,
digit or closing bracket before a capital, or the end of an acronym before a
capitalised word) and how typical the names are. A tie, or a best candidate
that is still unusual, is reported rather than chosen silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from papercite.model import Author
from papercite.names import NameShape, parse_name

MAX_SHOWN = 3  # listings show at most three names
_ET_AL = re.compile(r"\s*,?\s+et\s+al\.?\s*$")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9._&'-]*$")
_AFFIL_SEP = " \u00b7 "
# Characters a title does not end with when an author name follows it directly.
_NOT_TITLE_END = set(",;:-–—(/[{&·") | {" ", "\t"}
_CLOSERS = set(")]}?!.'\"$’”%")


class BylineError(ValueError):
    """The byline has no recognisable author list."""


@dataclass(frozen=True, slots=True)
class Byline:
    title: str
    authors: tuple[Author, ...]
    et_al: bool
    affiliations: tuple[str, ...]
    warnings: tuple[str, ...] = field(default=())


@dataclass(frozen=True, slots=True)
class _Candidate:
    title: str
    names: tuple[NameShape, ...]
    boundary: int
    penalty: int

    @property
    def score(self) -> int:
        return 3 * self.boundary + sum(n.quality for n in self.names) - self.penalty

    @property
    def doubtful(self) -> bool:
        return self.boundary == 0 or any(n.quality == 0 for n in self.names)

    @property
    def authors_text(self) -> str:
        return ", ".join(n.author.display for n in self.names)


def _boundary_score(before: str, name: str) -> int:
    """How natural is a title/author boundary between ``before`` and ``name``?"""
    after = name[1:2]
    if before.islower() or before.isdigit() or before in _CLOSERS:
        return 2  # ModelsGLM, GLM-4Aohan, (ARC)Xiao, Too?Xiao
    if before.isupper() and after.islower():
        return 2  # LLMXiao: the acronym ends where the capitalised word starts
    return 0  # inside an acronym: ModelsG|LM-5 Team


def _split_affiliations(text: str, warnings: list[str]) -> tuple[str, tuple[str, ...]]:
    head, sep, tail = text.rpartition(_AFFIL_SEP)
    if not sep:
        return text, ()
    slugs = tuple(s.strip() for s in tail.split(",") if s.strip())
    odd = [s for s in slugs if not _SLUG.match(s)]
    if odd:
        warnings.append(f"affiliation not a lower-case slug: {', '.join(repr(s) for s in odd)}")
    return head.rstrip(), slugs


def _candidates(head: str, et_al: bool) -> list[_Candidate]:
    pieces = head.split(", ")
    out: list[_Candidate] = []
    for k in range(1, min(MAX_SHOWN, len(pieces)) + 1):
        rest = [parse_name(p) for p in pieces[len(pieces) - k + 1 :]]
        if any(r is None for r in rest):
            break  # a longer list would contain this non-name as well
        glued = pieces[len(pieces) - k]
        prefix = ", ".join(pieces[: len(pieces) - k])
        for i in range(1, len(glued)):
            if not glued[i].isupper() or glued[i - 1] in _NOT_TITLE_END:
                continue
            first = parse_name(glued[i:])
            if first is None:
                continue
            title = f"{prefix}, {glued[:i]}" if prefix else glued[:i]
            # "et al." only follows a full list of three names.
            penalty = 10 if et_al and k != MAX_SHOWN else 0
            names = (first, *rest)
            out.append(_Candidate(title, names, _boundary_score(glued[i - 1], glued[i:]), penalty))  # type: ignore[arg-type]
    # On a tie the longer first name wins (DeepSeek-AI over Seek-AI); ties are reported anyway.
    out.sort(key=lambda c: (-c.score, len(c.title)))
    return out


def split_byline(text: str) -> Byline:
    """Split a byline; raises :class:`BylineError` if no author list fits."""
    warnings: list[str] = []
    text = " ".join(text.split())
    head, affiliations = _split_affiliations(text, warnings)
    m = _ET_AL.search(head)
    et_al = m is not None
    if m:
        head = head[: m.start()]
    candidates = _candidates(head, et_al)
    if not candidates:
        raise BylineError("no author list found after the title (expected 'Title' glued to 'First Author, ...')")
    best = candidates[0]
    ties = [c for c in candidates[1:] if c.score == best.score]
    if ties:
        also = "; ".join(f"{c.title!r} / {c.authors_text!r}" for c in ties[:2])
        warnings.append(
            f"ambiguous title/author split: chose title {best.title!r} with authors {best.authors_text!r}; "
            f"also possible: {also}"
        )
    elif best.doubtful:
        warnings.append(f"doubtful title/author split: title {best.title!r}, authors {best.authors_text!r}")
    if et_al and len(best.names) != MAX_SHOWN:
        warnings.append(f"'et al.' after {len(best.names)} name(s); listings show three names before it")
    return Byline(best.title, tuple(n.author for n in best.names), et_al, affiliations, tuple(warnings))
