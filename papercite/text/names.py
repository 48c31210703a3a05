"""Author names: is a string a well-formed name, and how does it split?

The listing reader finds the end of a title by asking which suffixes of the
byline are well-formed author names, so these checks are about the *shape* of
a name (capitalised words, initials, particles, a group keyword), never about
particular names.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from papercite.model import Author, Group, Person

MAX_NAME_WORDS = 8  # the most words a person or group name is taken to have
# Lower-case words that stand inside a person's name and belong to the family name.
PARTICLES = frozenset(
    [
        "van",
        "von",
        "der",
        "den",
        "de",
        "del",
        "della",
        "dei",
        "degli",
        "di",
        "da",
        "das",
        "dos",
        "do",
        "du",
        "la",
        "le",
        "lo",
        "ten",
        "ter",
        "te",
        "vom",
        "zu",
        "zum",
        "zur",
        "y",
        "e",
        "bin",
        "ibn",
        "al",
        "el",
        "af",
        "av",
    ]
)
# Capitalised words that, right before the last word of a name of three words or more, begin
# the family name as arXiv and DBLP spell it: Luc Van Gool, Bert De Brabandere, Ismail Ben Ayed.
CAPITAL_PARTICLES = frozenset(["Van", "Von", "De", "Del", "Della", "Di", "Da", "Dos", "Du", "Ben", "Bin", "Ter", "Ten"])
# Lower-case words of English titles: never a syllable of a given name (Reasoning with Feedback).
TITLE_SMALL_WORDS = frozenset(
    "a an and as at by for from in into is of on or over the to via vs with without".split()
)
# Words that make a name an institutional author.
GROUP_WORDS = frozenset(
    [
        "team",
        "group",
        "lab",
        "labs",
        "laboratory",
        "consortium",
        "collaboration",
        "project",
        "initiative",
        "committee",
        "society",
        "association",
        "alliance",
        "contributors",
        "community",
        "organization",
        "organisation",
        "institute",
        "network",
        "council",
        "taskforce",
        "authors",
    ]
)
# Short capitalised prefixes that may precede a second capital inside one name
# word: McDonald, MacArthur, DeVries, LeCun, DiCaprio, O'Brien, FitzGerald.
_CAMEL_PREFIXES = ("Mc", "Mac", "De", "Di", "Da", "Du", "La", "Le", "Van", "Von", "Fitz", "O'", "D'", "O’", "D’")
_APOSTROPHES = "'’"


class NameShape(NamedTuple):
    """A parsed name and how typical its shape is (higher is more typical).

    A named tuple rather than a dataclass: the byline splitter makes several
    per record, and tuples are several times cheaper to create.
    """

    author: Author
    quality: int


def _is_word(part: str) -> bool:
    """``Xiao``, ``Łukasz``, ``Jürgen``, ``Dell'Orto``: a capital, then lower-case letters."""
    return (
        len(part) >= 2
        and part[0].isupper()
        and part[1:].islower()
        and (part.isalpha() or part.replace("'", "").replace("’", "").isalpha())
    )


def _is_initial(token: str) -> bool:
    """``J.``, ``J.R.``, ``J.-B.``"""
    letters = token.replace("-", "").split(".")
    return token.endswith(".") and all(len(x) == 1 and x.isupper() for x in letters[:-1]) and letters[-1] == ""


_CAMEL_PAIR = re.compile(r"[A-Z][a-z]+[A-Z][a-z]+")


def _prefixed(token: str) -> bool:
    """McDonald, LeCun, O'Brien: a short prefix glued to a name word."""
    return token.startswith(_CAMEL_PREFIXES) and any(
        token.startswith(prefix) and _is_word(token[len(prefix) :]) for prefix in _CAMEL_PREFIXES
    )


def _token_quality(token: str) -> int:
    """2 for an ordinary name word or initial, 1 for a camel-case one (LeCun, HyeonWoo), 0 if not a
    name word."""
    if _is_word(token):
        return 2
    if token.endswith("."):
        return 2 if _is_initial(token) else 0
    if "-" in token:
        parts = token.split("-")
        ok = _is_word(parts[0]) and all(_is_word(p) or (p.isalpha() and p.islower()) for p in parts[1:])
        return 2 if ok else 0
    if _prefixed(token):
        return 1
    # Two name words written as one, as arXiv spells many Korean and Chinese given names:
    # HyeonWoo, JiSoo, MinJoon.
    return 1 if _CAMEL_PAIR.fullmatch(token) else 0


def is_name_word(token: str) -> bool:
    """Can ``token`` be a word of a person's name (not counting particles)?"""
    return _token_quality(token) > 0


def has_group_word(text: str) -> bool:
    """Is one of the white-space separated words of ``text`` a group keyword (any case)?"""
    return not GROUP_WORDS.isdisjoint(text.lower().split())


def parse_person(text: str) -> NameShape | None:
    """``Vincent van der Berg`` -> Person("Vincent", "van der Berg"), or None if not person-shaped."""
    if text.istitle() and text.replace(" ", "").isalpha():
        # The common case, decided by two C-level checks: plain capitalised
        # words ("Xiao Liu", "Mary Ann Smith"); no particles, initials or hyphens.
        spaces = text.count(" ")
        if 0 < spaces < 6:
            given, _, family = text.rpartition(" ")
            if spaces > 1:
                head, _, particle = given.rpartition(" ")
                if particle in CAPITAL_PARTICLES:  # Luc Van Gool: "Van Gool" is the family name
                    given, family = head, f"{particle} {family}"
            return NameShape(Person(given, family), 2)
    tokens = text.split()
    if not tokens or len(tokens) > 6:  # persons: at most six words, particles included
        return None
    quality = 2
    last = len(tokens) - 1
    for i, token in enumerate(tokens):
        if token in PARTICLES:
            if i == 0 or i == last:
                return None
            continue
        q = _token_quality(token)
        if q == 0 and i > 0:
            if i == last and tokens[i - 1] in CAPITAL_PARTICLES and token.isalpha() and token.islower():
                q = 1  # Amine Ben salah: a lower-case family name after a capitalised particle, as arXiv has it
            elif i < last and token.isalpha() and token.islower() and token not in TITLE_SMALL_WORDS:
                q = 1  # Kyoo il Kim: a lower-case syllable of a given name
            elif i < last and len(token) == 1 and token.isupper():
                q = 2  # Pia K Bideau: an initial written without its full stop
        if q == 0:
            return None
        quality = min(quality, q)
    if len(tokens) == 1:
        return NameShape(Person("", tokens[0]), 0)  # a mononym: possible, but unusual
    start = last
    while start > 1 and tokens[start - 1] in PARTICLES:
        start -= 1
    if start == last and start > 1 and tokens[start - 1] in CAPITAL_PARTICLES:
        start -= 1
    if start == last and _CAMEL_PAIR.fullmatch(tokens[last]) and not _prefixed(tokens[last]):
        return NameShape(Group(text), 1)  # Google DeepMind: a camel-case family name is an organisation's
    return NameShape(Person(" ".join(tokens[:start]), " ".join(tokens[start:])), quality)


_GROUP_TOKEN = re.compile(r"[\w.+&'/’-]+")


def parse_group(text: str) -> NameShape | None:
    """``GLM-5 Team``, ``Team GLM``, ``GLM-4. 5 Team``; a single org word such as
    ``DeepSeek-AI`` is accepted with low quality."""
    tokens = text.split()
    if not tokens or len(tokens) > MAX_NAME_WORDS or not (tokens[0][0].isupper() or tokens[0][0].isdigit()):
        return None
    if not all(_GROUP_TOKEN.fullmatch(t) for t in tokens):
        return None
    if has_group_word(text):
        return NameShape(Group(text), 2)
    if len(tokens) == 1 and any(c.isupper() or c.isdigit() for c in text[1:]) and text[-1].isalnum():
        return NameShape(Group(text), 0)
    return None


def parse_name(text: str) -> NameShape | None:
    """Parse an author as a person or a group; ``None`` if it is shaped like neither."""
    text = text.strip()
    if not text:
        return None
    if has_group_word(text):
        group = parse_group(text)
        if group is not None:
            return group
    person = parse_person(text)
    if person is not None and person.quality > 0:
        return person
    if " " not in text:  # one word: an organisation (DeepSeek-AI) or a mononym
        return parse_group(text) or person
    return person
