"""Author names: is a string a well-formed name, and how does it split?

The listing reader finds the end of a title by asking which suffixes of the
byline are well-formed author names, so these checks are about the *shape* of
a name (capitalised words, initials, particles, a group keyword), never about
particular names.
"""

from __future__ import annotations

from dataclasses import dataclass

from papercite.model import Author, Group, Person

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


@dataclass(frozen=True, slots=True)
class NameShape:
    """A parsed name and how typical its shape is (higher is more typical)."""

    author: Author
    quality: int


def _is_word(part: str) -> bool:
    """``Xiao``, ``Łukasz``, ``Jürgen``, ``O'Neil``: a capital, then lower-case letters."""
    if len(part) < 2 or not part[0].isupper():
        return False
    rest = part[1:]
    return all(c.isalpha() or c in _APOSTROPHES for c in rest) and (
        rest.islower() or not any(c.isalpha() for c in rest)
    )


def _is_initial(token: str) -> bool:
    """``J.``, ``J.R.``, ``J.-B.``"""
    letters = token.replace("-", "").split(".")
    return token.endswith(".") and all(len(x) == 1 and x.isupper() for x in letters[:-1]) and letters[-1] == ""


def _token_quality(token: str) -> int:
    """2 for an ordinary name word or initial, 1 for a camel-case one (LeCun), 0 if not a name word."""
    if _is_initial(token):
        return 2
    parts = token.split("-")
    if all(_is_word(p) or (i > 0 and p.isalpha() and p.islower()) for i, p in enumerate(parts)):
        return 2
    if len(parts) == 1:
        for prefix in _CAMEL_PREFIXES:
            if token.startswith(prefix) and _is_word(token[len(prefix) :]):
                return 1
    return 0


def parse_person(text: str) -> NameShape | None:
    """``Vincent van der Berg`` -> Person("Vincent", "van der Berg"), or None if not person-shaped."""
    tokens = text.split()
    if not tokens or len(tokens) > 6:
        return None
    quality = 2
    for i, token in enumerate(tokens):
        if token in PARTICLES:
            if i == 0 or i == len(tokens) - 1:
                return None
            continue
        q = _token_quality(token)
        if q == 0:
            return None
        quality = min(quality, q)
    if len(tokens) == 1:
        return NameShape(Person("", tokens[0]), 0)  # a mononym: possible, but unusual
    start = len(tokens) - 1
    while start > 1 and tokens[start - 1] in PARTICLES:
        start -= 1
    return NameShape(Person(" ".join(tokens[:start]), " ".join(tokens[start:])), quality)


def _is_group_token(token: str) -> bool:
    return all(c.isalnum() or c in ".-+&'/_’" for c in token)


def parse_group(text: str) -> NameShape | None:
    """``GLM-5 Team``, ``Team GLM``, ``GLM-4. 5 Team``; a single org word such as
    ``DeepSeek-AI`` is accepted with low quality."""
    tokens = text.split()
    if not tokens or len(tokens) > 8 or not (tokens[0][0].isupper() or tokens[0][0].isdigit()):
        return None
    if not all(_is_group_token(t) for t in tokens):
        return None
    if any(t.strip(".").lower() in GROUP_WORDS for t in tokens):
        return NameShape(Group(text), 2)
    if len(tokens) == 1 and any(c.isupper() or c.isdigit() for c in text[1:]) and text[-1].isalnum():
        return NameShape(Group(text), 0)
    return None


def parse_name(text: str) -> NameShape | None:
    """Parse an author as a person or a group; ``None`` if it is shaped like neither."""
    text = text.strip()
    if not text:
        return None
    group = parse_group(text)
    if group is not None and group.quality == 2:
        return group
    return parse_person(text) or group
