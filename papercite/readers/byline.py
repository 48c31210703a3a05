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
from collections.abc import Iterator
from typing import NamedTuple

from papercite.model import Author, Group, Person
from papercite.text.names import MAX_NAME_WORDS, NameShape, has_group_word, is_name_word, parse_name

MAX_SHOWN = 3  # listings show at most three names
MAX_NAME_CHARS = 200  # no first name is longer: the split is looked for in the glued piece's last 200 characters
_SLUG = re.compile(r"^[a-z0-9][a-z0-9._&'-]*$")
_AFFIL_SEP = " \u00b7 "
# Characters a title does not end with when an author name follows it directly.
_NOT_TITLE_END = set(",;:-–—(/[{&·") | {" ", "\t"}
_CLOSERS = set(")]}?!.'\"$’”%")
# Where a name can start: a capital (or any non-ASCII letter, checked with
# isupper) glued to something a title can end with.
_NAME_START = re.compile(r"(?<![ \t,;:\-–—(/\[{&·])[A-Z\u00c0-\U0010ffff]")


_SHORT_LIST_END = 40  # a title's last ", "-part that could be a list of names is short
_CAMEL_START = re.compile(r"[A-Z][a-z]+[A-Z][a-z]+(?: |$)")
_ANY_CAPITAL = re.compile(r"[A-Z\u00c0-\U0010ffff]")  # for a byline no well-formed split fits


class BylineError(ValueError):
    """The byline has no recognisable author list."""


class Byline(NamedTuple):
    title: str
    authors: tuple[Author, ...]
    et_al: bool
    affiliations: tuple[str, ...]
    warnings: tuple[str, ...] = ()


class _Candidate(NamedTuple):
    score: int
    title: str
    names: tuple[NameShape, ...]
    boundary: int

    @property
    def doubtful(self) -> bool:
        # Every typical candidate scores 3*2 for its boundary plus 2 per name.
        return self.score < 6 + 2 * len(self.names) and (self.boundary == 0 or any(n.quality == 0 for n in self.names))

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
    if before.isupper() and after.isdigit():
        return 1  # HERAH1 Collaboration: a name may start with a letter and a digit
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
    # rests[k] = the k-1 whole names after the glued piece of a k-name list,
    # or None when one of them is not a name (then no longer list fits either).
    rests: dict[int, tuple[NameShape, ...]] = {1: ()}
    for k in range(2, min(MAX_SHOWN, len(pieces)) + 1):
        shape = parse_name(pieces[len(pieces) - k + 1])
        if shape is None:
            break
        rests[k] = (shape, *rests[k - 1])
    # "et al." only follows a full list of three names: try that first and
    # fall back to shorter lists (reported by the caller) only if it fails.
    order = [[MAX_SHOWN], [1, 2]] if et_al else [[1, 2, 3]]
    out: list[_Candidate] = []
    for ks in order:
        for k in ks:
            if k in rests:
                out.extend(_glued_candidates(pieces, k, rests[k]))
        if out:
            break
    # On a tie the longer first name wins (DeepSeek-AI over Seek-AI); ties are reported anyway.
    if len(out) > 1:
        out.sort(key=lambda c: (-c.score, len(c.title)))
    return out


def _first_start(glued: str) -> int:
    return max(1, _nth_space_from_end(glued, MAX_NAME_WORDS), len(glued) - MAX_NAME_CHARS)


def _name_starts(glued: str, pattern: re.Pattern[str]) -> Iterator[int]:
    """Where in ``glued`` (the piece holding the title's end and the first name) that name can
    start: a capital that ``pattern`` finds, in the last words and characters only. A name has
    at most MAX_NAME_WORDS words and MAX_NAME_CHARS characters: a long glued run without spaces
    (a hostile byline) would otherwise make every capital in it a candidate, each copying the rest."""
    for m in pattern.finditer(glued, _first_start(glued)):
        if glued[m.start()].isupper():
            yield m.start()


def _title_before(pieces: list[str], k: int, i: int) -> str:
    """The title of a split at ``i`` in the piece that ends a list of ``k`` names."""
    prefix = pieces[: len(pieces) - k]
    glued = pieces[len(pieces) - k]
    return ", ".join([*prefix, glued[:i]]) if prefix else glued[:i]


def _glued_candidates(pieces: list[str], k: int, rest: tuple[NameShape, ...]) -> Iterator[_Candidate]:
    """Splits of the piece that holds the end of the title and the first of ``k`` names."""
    glued = pieces[len(pieces) - k]
    rest_quality = sum(n.quality for n in rest)
    camel_list: bool | None = None  # computed when first needed
    title_has_comma = len(pieces) > k
    group_word: bool | None = None  # computed when first needed
    for i in _name_starts(glued, _NAME_START):
        space = glued.find(" ", i)
        if space > 0 and not is_name_word(glued[i:space]):
            if group_word is None:
                group_word = has_group_word(glued[_first_start(glued) :])
            if not group_word:
                continue  # several words, the first not a name word, no group keyword: not a name
        first = parse_name(glued[i:])
        if first is not None:
            boundary = _boundary_score(glued[i - 1], glued[i:])
            implausible = int(boundary == 2 and _splits_a_plural_acronym(glued, i))
            # A title ending in a list of name-shaped words (", Ji") means the split is too late.
            if title_has_comma and i <= _SHORT_LIST_END:
                implausible += _name_shaped(glued[:i])
            # A camel-case given name fits a list whose other names spell theirs so (JinUk Cho,
            # MinSu Jeong, JinYeong Bak): better than cutting it (LearningJin|Uk Cho).
            fits = 0
            if _camel_given(first):
                if camel_list is None:
                    camel_list = any(_camel_given(n) for n in rest)
                fits = 2 * camel_list
            score = 3 * boundary + first.quality + rest_quality - 3 * implausible + fits
            yield _Candidate(score, _title_before(pieces, k, i), (first, *rest), boundary)


def _camel_given(name: NameShape) -> bool:
    """Does the name's given name start with a camel-case word (JinUk)?"""
    author = name.author
    return type(author) is Person and _CAMEL_START.match(author.given) is not None


def _name_shaped(text: str) -> bool:
    """Is ``text`` (the end of a title, after its last comma) one to three name words?"""
    words = text.split()
    return 0 < len(words) <= 3 and all(is_name_word(w) for w in words)


def _loose_name(text: str) -> NameShape:
    """A name that is not shaped like one (``Amine Ben salah``): kept whole, as written."""
    text = text.strip(" ,;")
    shape = parse_name(text)
    return shape if shape is not None else NameShape(Group(text), 0)


def _loose_candidates(head: str) -> list[_Candidate]:
    """Splits for a byline no well-formed name list fits: a record is never lost for the shape of
    a name. The title ends before a capital; up to three comma-separated names follow. Ranked
    by how natural the boundary is, then by more names, a capital glued to the title rather
    than after a space, and a shorter first name."""
    pieces = head.split(", ")
    out: list[_Candidate] = []
    for k in range(1, min(MAX_SHOWN, len(pieces)) + 1):
        rest = pieces[len(pieces) - k + 1 :]
        if any(len(p.split()) > MAX_NAME_WORDS or not p[:1].isupper() for p in rest):
            break  # a piece that cannot be a name: no longer list fits either
        glued = pieces[len(pieces) - k]
        for i in _name_starts(glued, _ANY_CAPITAL):
            title = _title_before(pieces, k, i).rstrip()
            boundary = _boundary_score(glued[i - 1], glued[i:])
            names = (_loose_name(glued[i:]), *(_loose_name(p) for p in rest))
            glued_on = glued[i - 1] != " "  # a byline glues the title to its first author
            out.append(_Candidate(3 * boundary + k + glued_on, title, names, boundary))
    out.sort(key=lambda c: (-c.score, len(c.names[0].author.display)))
    return out


def _splits_a_plural_acronym(glued: str, i: int) -> bool:
    """Does splitting ``glued`` at ``i`` cut a plural acronym from the word glued to it? Either
    the title keeps 'GANsHyeon' (a capitalised word after 'GANs') or the first name starts
    'MsQwen' (the split fell inside 'VLMs'). Neither is a plausible split. Looked at character
    by character near ``i`` only: it runs for every candidate."""
    if glued[i - 1].isupper():
        return glued[i + 1 : i + 2] == "s" and glued[i + 2 : i + 3].isupper()
    j = i - 1
    while j > 0 and glued[j].islower():
        j -= 1
    return j >= 3 and glued[j].isupper() and glued[j - 1] == "s" and glued[j - 2].isupper() and glued[j - 3].isupper()


def _nth_space_from_end(text: str, n: int) -> int:
    """Index of the n-th space counted from the end (0 if there are fewer)."""
    parts = text.rsplit(" ", n)
    return len(parts[0]) if len(parts) > n else 0


def split_byline(text: str) -> Byline:
    """Split a byline; raises :class:`BylineError` if no author list fits."""
    warnings: list[str] = []
    if "  " in text or "\t" in text or text[:1] == " " or text[-1:] == " ":
        text = " ".join(text.split())
    head, affiliations = _split_affiliations(text, warnings)
    et_al = False
    if head.endswith((" et al.", " et al")):
        et_al = True
        head = head[: head.rindex(" et al")].rstrip(" ,")
    candidates = _candidates(head, et_al)
    if not candidates:
        loose = _loose_candidates(head)
        if not loose:  # not even a capital to start a name: the record keeps its text as the title
            warnings.append("no author found after the title (expected 'Title' glued to 'First Author, ...')")
            return Byline(head, (), et_al, affiliations, tuple(warnings))
        best = loose[0]
        also = "; ".join(f"{c.title!r} / {c.authors_text!r}" for c in loose[1:3])
        warnings.append(
            f"no well-formed title/author split: took title {best.title!r} with authors {best.authors_text!r}"
            + (f"; also possible: {also}" if also else "")
        )
        return Byline(best.title, tuple(n.author for n in best.names), et_al, affiliations, tuple(warnings))
    best = candidates[0]
    ties = [c for c in candidates[1:] if c.score == best.score] if len(candidates) > 1 else []
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
    return Byline(best.title, tuple([n.author for n in best.names]), et_al, affiliations, tuple(warnings))
