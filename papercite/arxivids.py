"""arXiv identifiers as they appear in other people's fields: ``2308.03688v2``,
``arXiv:2308.03688``, ``hep-th/9901001``, the arXiv DOI ``10.48550/arXiv.<id>``."""

from __future__ import annotations

import re

# New-style (YYMM.NNNNN) and old-style (archive[.SUB]/YYMMNNN) ids; the version is dropped.
# An id is not part of a longer word or number (2101.123456 holds none), and an archive
# name is at most ten letters (the longest is eight): no search backtracks over long runs.
ID = re.compile(r"(?<![0-9A-Za-z-])(\d{4}\.\d{4,5}|[a-z][a-z-]{0,9}(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?(?![0-9])")
_PREFIXED = re.compile(r"arxiv[.:/\s]*(?:abs/|pdf/)?" + ID.pattern, re.I)
_DOI = re.compile(r"^10\.48550/arxiv\.(.+)$", re.I)


def id_in(text: str, *, prefixed: bool = False) -> str | None:
    """The first arXiv id in ``text`` (with ``prefixed``, only one written ``arXiv:<id>`` or in an arXiv URL)."""
    m = (_PREFIXED if prefixed else ID).search(text)
    return m.group(1) if m else None


def id_problem(arxiv_id: str) -> str | None:
    """Why ``arxiv_id`` cannot be an arXiv id (``YYMM.NNNN[N]`` or ``archive[.XX]/YYMMNNN``, the
    month 01-12), or None. arXiv answers a batch holding one bad id with an error alone."""
    m = ID.fullmatch(arxiv_id)
    if m is None:
        return "not of the form YYMM.NNNNN or archive/YYMMNNN"
    core = m.group(1)
    month = int(core[2:4]) if "/" not in core else int(core.split("/", 1)[1][2:4])
    return None if 1 <= month <= 12 else f"month {month:02d} does not exist"


def id_from_doi(doi: str) -> str | None:
    """``10.48550/arXiv.2308.03688`` -> ``2308.03688``; None for any other DOI."""
    m = _DOI.match(doi.strip())
    if not m:
        return None
    found = ID.fullmatch(m.group(1))  # anything after the prefix is not an id just for being there
    return found.group(1) if found else None


def id_from(number: object, doi: object, url: object) -> str | None:
    """The arXiv id a record's identifiers give, as every reader takes it: a number (CSL
    ``number``, RIS ``AN``/``M1``) written ``arXiv:ID``, else an arXiv DOI, else an arxiv.org URL.
    (BibTeX's fields say it in more places first: see ``papercite.readers.bibtex.arxiv_id_of``.)"""
    if number and str(number).lower().startswith("arxiv:"):
        found = id_in(str(number))
        if found:
            return found
    found = id_from_doi(str(doi)) if doi else None
    if found:
        return found
    if url and "arxiv.org/" in str(url):
        return id_in(str(url).split("arxiv.org/", 1)[1])
    return None


CATEGORY = re.compile(r"[a-z-]+(?:\.[A-Za-z-]+)?")
# Archives that are categories on their own, without a ".XX" subject class.
_ARCHIVES = frozenset(
    "astro-ph cond-mat gr-qc hep-ex hep-lat hep-ph hep-th math-ph nlin nucl-ex nucl-th physics quant-ph".split()
)


def is_category(text: str) -> bool:
    """``cs.CL``, ``math.AG``, ``hep-th``: an arXiv category (a keyword such as ``nlp`` is not)."""
    return bool(CATEGORY.fullmatch(text)) and ("." in text or text in _ARCHIVES)


# One identifier as people paste it: bare (with a version or not), "arXiv:ID", or a link to
# its page on arxiv.org (abs, pdf with or without ".pdf", html), alphaxiv.org or huggingface.co/papers.
_PASTED = re.compile(
    r"(?:arxiv:|(?:https?://)?(?:www\.|export\.)?(?:arxiv\.org/(?:abs|pdf|html)/|alphaxiv\.org/(?:abs|overview)/"
    r"|huggingface\.co/papers/))?"
    r"(\d{4}\.\d{4,5}|[a-z][a-z-]{0,9}(?:\.[A-Z]{2})?/\d{7})(?:v(\d+))?(?:\.pdf)?/?(?:[?#]\S*)?",
    re.IGNORECASE,
)


def pasted_ids(line: str) -> tuple[list[tuple[str, str | None]], list[str]]:
    """The arXiv ids of a line of pasted identifiers, each with the version it names (or None),
    and the words of it that are none; white space and commas separate them."""
    ids: list[tuple[str, str | None]] = []
    other: list[str] = []
    for token in re.split(r"[\s,;]+", line.strip()):
        if not token:
            continue
        m = _PASTED.fullmatch(token)
        if m:
            ids.append((m.group(1), m.group(2)))
        else:
            other.append(token)
    return ids, other


VERSION = "arxiv:version"  # the key in Paper.extra of a version the user asked for


def eprint(paper_id: str, extra: tuple[tuple[str, str], ...]) -> str:
    """The id as ``eprint`` and its kin write it: with the version the input named, if any."""
    version = next((v for k, v in extra if k == VERSION), None)
    return f"{paper_id}v{version}" if version and version.isdigit() else paper_id


_VERSIONED = re.compile(r"(?:\d{4}\.\d{4,5}|/\d{7})v(\d+)(?![0-9])")


def version_in(text: str) -> str | None:
    """The version an id in ``text`` names (``2308.03688v2`` -> ``2``), or None."""
    m = _VERSIONED.search(text)
    return m.group(1) if m else None
