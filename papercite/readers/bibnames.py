"""Names in BibTeX fields: split at ``and``, each taken apart as BibTeX and biblatex's extended name format do."""

from __future__ import annotations

import re

from papercite.model import Author, Group, Person
from papercite.text.latex import latex_to_text


def plain(value: str) -> str:
    return latex_to_text(value)


_AND = re.compile(r"[ \t\r\n]+and[ \t\r\n]+", re.IGNORECASE)


def split_names(text: str) -> list[str]:
    """The names of a BibTeX name list, by BibTeX's own rule: separated by the word "and"
    between white space, outside braces. (bibtexparser's splitter loses the character after a
    backslash at the start of a name, and the word before an escaped character.)"""
    if "{" not in text:  # no group to keep "and" inside: the regular expression splits alike
        return [name for name in (part.strip() for part in _AND.split(text)) if name]
    names: list[str] = []
    depth = start = i = 0
    while i < len(text):
        char = text[i]
        if char == "{":
            depth += 1
        elif char == "}":
            depth = max(0, depth - 1)
        elif depth == 0 and char in " \t\r\n":
            m = _AND.match(text, i)
            if m:
                names.append(text[start:i])
                start = i = m.end()
                continue
        i += 1
    names.append(text[start:])
    return [name.strip() for name in names if name.strip()]


def _name_parts(name: str):  # -> bibtexparser's NameParts
    from bibtexparser.middlewares.names import InvalidNameError, NameParts, parse_single_name_into_parts

    try:
        return parse_single_name_into_parts(name, strict=False)
    except InvalidNameError:
        return NameParts(last=[name])  # too many commas: kept whole rather than lost


_XNAME = re.compile(r"\s*([a-z-]+)\s*=\s*(\{(?:[^{}]|\{[^{}]*\})*\}|[^,]*)\s*(?:,|$)", re.IGNORECASE)


def _extended_name(name: str) -> Person | None:
    """biblatex's extended name format, ``family=Dijk, given=Marten, prefix=van, useprefix=true``."""
    if "=" not in name or not re.match(r"\s*(?:family|given|prefix|suffix)\s*=", name, re.IGNORECASE):
        return None
    parts: dict[str, str] = {}
    pos = 0
    while pos < len(name):
        m = _XNAME.match(name, pos)
        if not m or m.end() == pos:
            return None
        value = m.group(2).strip()
        parts[m.group(1).lower()] = value[1:-1] if value.startswith("{") and value.endswith("}") else value
        pos = m.end()
    prefix = plain(parts.get("prefix", ""))
    non_dropping = parts.get("useprefix", "").strip().lower() == "true"
    return Person(
        plain(parts.get("given", "")),
        plain(parts.get("family", "")),
        particle=prefix if non_dropping else "",
        dropping_particle="" if non_dropping else prefix,
        suffix=plain(parts.get("suffix", "")),
    )


def _simple_name(name: str) -> Person | None:
    """``Liu, Xiao``, the form most names take in files that tools write: split here, as
    bibtexparser would (one comma, no braces or commands, no lower-case "von" word), several
    times faster; anything else is left to bibtexparser."""
    family, comma, given = name.partition(",")
    if not comma or "," in given or "{" in name or "\\" in name or "~" in name or "=" in name:
        return None
    words = family.split()
    if not words or not all(word[0].isupper() for word in words):
        return None
    return Person(plain(" ".join(given.split())), plain(" ".join(words)))


def authors_of(value: str) -> tuple[tuple[Author, ...], bool]:
    authors: list[Author] = []
    et_al = False
    for name in split_names(value):
        simple = _simple_name(name)
        if simple is not None:
            authors.append(simple)
            continue
        person = _extended_name(name)
        if person is not None:
            authors.append(person)
            continue
        parts = _name_parts(name)
        last = " ".join(parts.last)
        if not parts.first and not parts.von and not parts.jr:
            if last.lower() == "others":
                et_al = True
                continue
            if last.startswith("{") and last.endswith("}"):
                authors.append(Group(plain(last[1:-1])))  # an institution, braced so it is not split
                continue
        authors.append(
            Person(
                plain(" ".join(parts.first)),
                plain(last),
                particle=plain(" ".join(parts.von)),
                suffix=plain(" ".join(parts.jr)),
            )
        )
    return tuple(authors), et_al
