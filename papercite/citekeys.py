"""Citation keys: ``{author}{year}{title}`` -> ``liu2023agentbench``.

Keys are lower-case ASCII (``Łukasz`` -> ``lukasz``, via anyascii). A key
depends only on its own record, so adding or removing unrelated records never
changes it; when two records make the same key, the later one gets a suffix
``a``, ``b``, ... (as Better BibTeX does), deterministically in input order.

Pattern placeholders:

``{author}``  family name of the first author (a group: its first word)
``{authors}`` family names of up to three authors, then ``etal``
``{year}``    four-digit year (empty when unknown)
``{title}``   first significant word of the title (articles and prepositions skipped)
``{Title}``   the same, first letter capitalised
``{shorttitle}`` first three significant words
``{arxiv}``   the arXiv identifier without version (empty when unknown)
"""

from __future__ import annotations

import itertools
import re
import string
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache

from anyascii import anyascii

from papercite.model import Group, Paper, Person
from papercite.plugins.types import KEY_SLOT, ExportOptions, Rendered

DEFAULT_PATTERN = "{author}{year}{title}"
# Words a key skips, as Better BibTeX's "skipwords" do.
SKIP_WORDS = frozenset(
    """
    a an the and or of for in on at to by with from into onto via as is are be do does can how
    what when why which towards toward about over under
    """.split()
)
_NOT_KEY_CHAR = re.compile(r"[^a-z0-9]")
_WORD = re.compile(r"[A-Za-z0-9]+(?:[-'][A-Za-z0-9]+)*")
_LATEX = re.compile(r"\$[^$]*\$|\\[A-Za-z@]+\*?|[{}\\]")


class KeyPatternError(ValueError):
    """The key pattern names an unknown placeholder or is malformed."""


def _clean(text: str) -> str:
    """Lower-case ASCII letters and digits only."""
    if not text.isascii():
        text = anyascii(text)
    elif text.isalnum():
        return text.lower()  # already only letters and digits: most names and title words
    return _NOT_KEY_CHAR.sub("", text.lower())


def _family(author: Person | Group) -> str:
    if isinstance(author, Group):
        words = author.name.split()
        return words[0] if words else author.name
    # The last word of the family name: "van der Berg" -> "Berg".
    words = author.family.split()
    return words[-1] if words else author.given


def _title_words(title: str, n: int) -> list[str]:
    """The first ``n`` significant words of a title, in ASCII."""
    plain = _LATEX.sub(" ", title) if ("$" in title or "\\" in title or "{" in title) else title
    if not plain.isascii():
        plain = anyascii(plain)
    words: list[str] = []
    m = _WORD.search(plain)
    while m is not None:  # search, not finditer: most titles need only their first word or two
        word = m.group()
        if word.lower() not in SKIP_WORDS:
            words.append(word)
            if len(words) == n:
                break
        m = _WORD.search(plain, m.end())
    return words


def _title(paper: Paper, n: int) -> str:
    return _clean("".join(_title_words(paper.title, n)))


# What each placeholder makes of a record (functions, not a dict built per record: keys are a hot path).
_PLACEHOLDER_VALUES: dict[str, Callable[[Paper], str]] = {
    "author": lambda paper: _clean(_family(paper.authors[0])) if paper.authors else "anon",
    "authors": lambda paper: (
        "".join(_clean(_family(a)) for a in paper.authors[:3])
        + ("etal" if paper.et_al or len(paper.authors) > 3 else "")
    ),
    "year": lambda paper: str(paper.date.year) if paper.date else "",
    "title": lambda paper: _title(paper, 1),
    "Title": lambda paper: _title(paper, 1).capitalize(),
    "shorttitle": lambda paper: _title(paper, 3),
    "arxiv": lambda paper: paper.arxiv_id or "",
}


PLACEHOLDERS = tuple(_PLACEHOLDER_VALUES)


def check_pattern(pattern: str) -> str:
    """Return ``pattern`` if every placeholder is known, else raise :class:`KeyPatternError`."""
    try:
        names = [name for _, name, _, _ in string.Formatter().parse(pattern) if name is not None]
    except ValueError as exc:
        raise KeyPatternError(f"bad key pattern {pattern!r}: {exc}") from None
    unknown = [n for n in names if n not in PLACEHOLDERS]
    if unknown or not names:
        known = ", ".join("{" + p + "}" for p in PLACEHOLDERS)
        raise KeyPatternError(
            f"bad key pattern {pattern!r}: unknown placeholder {unknown[0] if unknown else ''!r}; known: {known}"
        )
    return pattern


@lru_cache(maxsize=16)
def _parsed(pattern: str) -> tuple[tuple[str, str | None], ...]:
    return tuple(
        (re.sub(r"[^A-Za-z0-9_:.-]", "", anyascii(literal)), name)
        for literal, name, _, _ in string.Formatter().parse(pattern)
    )


def base_key(paper: Paper, pattern: str = DEFAULT_PATTERN) -> str:
    """The key of one record, before collisions are resolved."""
    out = []
    for literal, name in _parsed(pattern):
        out.append(literal)
        if name is not None:
            out.append(_PLACEHOLDER_VALUES[name](paper))
    return "".join(out) or "ref"


_NOT_IN_BIBTEX_KEY = re.compile(r'[\s,{}()=\\#%"\'~]')


def record_key(paper: Paper, options: ExportOptions, bibtex: bool = True) -> str:
    """The key a record is written with, before collisions are resolved: the one its input
    gave (characters no BibTeX key may hold made ``_``), else one from the key pattern;
    always the pattern's with ``options.rekey``."""
    if paper.key and not options.rekey:
        key = paper.key
        if bibtex and _NOT_IN_BIBTEX_KEY.search(key):
            key = _NOT_IN_BIBTEX_KEY.sub("_", key)
        return key
    return base_key(paper, options.key_pattern)


def _suffixes() -> Iterator[str]:
    """a, b, ..., z, aa, ab, ..."""
    for size in itertools.count(1):
        for letters in itertools.product(string.ascii_lowercase, repeat=size):
            yield "".join(letters)


class KeyAllocator:
    """Hands out unique keys; ``taken`` are keys already in use (e.g. in a .bib being merged into)."""

    def __init__(self, pattern: str = DEFAULT_PATTERN, taken: set[str] | None = None) -> None:
        self.pattern = check_pattern(pattern)
        self._lower = {k.lower() for k in taken or ()}  # BibTeX compares keys case-insensitively
        self._suffixes: dict[str, Iterator[str]] = {}  # per colliding base key: where to go on

    def key(self, paper: Paper) -> str:
        return self.unique(base_key(paper, self.pattern))

    def unique(self, base: str) -> str:
        """``base``, or ``base`` with the first free suffix; the result is taken from now on."""
        key = base
        lower = base.lower()
        if lower in self._lower:
            suffixes = self._suffixes.get(lower)
            if suffixes is None:  # not setdefault: that would make a generator on every collision
                suffixes = self._suffixes[lower] = _suffixes()
            for suffix in suffixes:
                key = base + suffix
                lower = key.lower()
                if lower not in self._lower:
                    break
        self._lower.add(lower)
        return key


def fill_keys(
    rendered: Iterable[Rendered], options: ExportOptions, encode: Callable[[str], str] = str
) -> Iterator[str]:
    """Each rendered record's text with its key made unique (in input order) and put in its slot."""
    keys = KeyAllocator(options.key_pattern, set(options.taken_keys))
    for item in rendered:
        if item.key is None:
            yield item.text
        else:
            yield item.text.replace(KEY_SLOT, encode(keys.unique(item.key)), 1)
