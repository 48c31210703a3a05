"""Names as BibTeX and biblatex read them: ``and`` between names, parts braced where BibTeX
would split them wrongly, biblatex's extended name format where parts need it."""

from __future__ import annotations

import itertools
import re

from papercite.model import Author, Group, Paper, Person
from papercite.text.texify import escape_text

_AND = re.compile(r"(?:^|\s)and(?:\s|$)", re.IGNORECASE)


_AND_WORDS = frozenset(map("".join, itertools.product("aA", "nN", "dD")))  # and, anD, ..., AND


_JR = re.compile(r"[^,\s](?:[^,]*[^,\s])?, [^,\s](?:[^,]*[^,\s])?")  # "Smith, Jr", as the reader joins it


def name_list(paper: Paper, ascii: bool, people: tuple[Author, ...] | None = None, biblatex: bool = False) -> str:
    """``Liu, Xiao and {GLM-5 Team} and others`` (the authors, or ``people`` of another role)."""
    names = []
    for author in paper.authors if people is None else people:
        if isinstance(author, Group):
            names.append("{" + escape_text(author.name, ascii=ascii) + "}")
            continue
        if author.particle or author.dropping_particle or author.suffix or not author.family:
            names.append(_name_with_parts(author, ascii, biblatex))
            continue
        family, given = author.family, author.given
        both = family + given
        if (
            both.isalpha()
            and (not ascii or both.isascii())
            and family
            and given
            and family not in _AND_WORDS
            and given not in _AND_WORDS
        ):
            # The usual name, one word of letters each: nothing to escape, nothing below applies.
            names.append(f"{family}, {given}")
            continue
        family = escape_text(family, ascii=ascii)
        given = escape_text(given, ascii=ascii)
        if _JR.fullmatch(family) and given and "," not in given and not _AND.search(f"{family} {given}"):
            names.append(f"{family}, {given}")  # "Smith, Jr, Mary Ann": BibTeX's von Last, Jr, First
            continue
        if "," in family or "," in given:
            # BibTeX respects braces around a part with a comma, but biber counts the commas
            # anyway ("too many commas", and the entry is dropped): write the whole name braced.
            names.append("{" + f"{given} {family}".strip() + "}")
            continue
        # A word "and" (in any case, as BibTeX reads it) inside a part would split the list.
        if _AND.search(family):
            family = "{" + family + "}"
        if _AND.search(given):
            given = "{" + given + "}"
        name = f"{family}, {given}" if given else family
        # A name that starts with a command (\textbraceleft{}...) right after " and " loses the
        # command's first letter to bibtexparser's name splitter; an empty group in front is
        # invisible to LaTeX and to BibTeX's name parsing.
        names.append("{}" + name if name.startswith("\\") else name)
    if paper.et_al and names and people is None:
        names.append("others")
    return " and ".join(names)


def _part(text: str, ascii: bool, whole: bool = False) -> str:
    """A name part as BibTeX reads it back: braced when it holds a comma or an "and", and
    (``whole``: a family name) when a space or a lower-case first letter would split it."""
    text = escape_text(text, ascii=ascii)
    if "," in text or _AND.search(text) or (whole and (" " in text or text[:1].islower())):
        return "{" + text + "}"
    return text


def _name_with_parts(person: Person, ascii: bool, biblatex: bool) -> str:
    """A name with particles, a suffix or no family name: ``van Gogh, Jr, Vincent``, or
    biblatex's extended format for a dropping particle (``useprefix=false``)."""
    if not person.family:
        return "{" + escape_text(person.given, ascii=ascii) + "}"  # a mononym: one part, never split
    if biblatex and person.dropping_particle:
        parts = [
            f"family={_part(person.family, ascii, True)}",
            f"given={_part(person.given, ascii)}" if person.given else "",
        ]
        parts.append(f"prefix={_part(person.dropping_particle, ascii, True)}, useprefix=false")
        if person.suffix:
            parts.append(f"suffix={_part(person.suffix, ascii)}")
        return ", ".join(p for p in parts if p)
    particle = " ".join(p for p in (person.dropping_particle, person.particle) if p)
    family = _part(person.family, ascii, whole=True)  # "{Garcia Marquez}": one family name, no von part in it
    last = f"{escape_text(particle, ascii=ascii)} {family}" if particle else family
    if person.suffix:
        return f"{last}, {_part(person.suffix, ascii)}, {_part(person.given, ascii)}"
    return f"{last}, {_part(person.given, ascii)}" if person.given else last
