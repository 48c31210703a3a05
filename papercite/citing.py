"""How a record is cited: as the preprint or as the published version, with which DOI and URL.

One decision for every exporter (BibTeX, BibLaTeX, CSL-JSON, RIS) and for plugins such as the
CITATION.cff example, so that the formats agree on what a record is cited as.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from papercite.model import Paper

# Words that make a journal reference a conference's proceedings rather than a journal.
_PROCEEDINGS = re.compile(
    r"\b(proc\.|proceedings|conference|workshop|symposium|acl|emnlp|naacl|coling|neurips|nips|iclr|icml|"
    r"kdd|sigir|cvpr|iccv|eccv|aaai|ijcai|www|wsdm|cikm|interspeech|icassp)\b",
    re.IGNORECASE,
)


class Venue(NamedTuple):
    """Where a paper was published, as arXiv records it (``journal_ref``, ``doi``)."""

    name: str  # the journal reference, e.g. "ICLR 2024" or "Phys. Rev. D 76, 013009 (2007)"
    doi: str | None
    proceedings: bool


def published_venue(paper: Paper, prefer_published: bool) -> Venue | None:
    """The published version to cite instead of the preprint (``--prefer-published``), if known.

    It takes a journal reference: a DOI alone does not say what to cite it as
    (a journal entry without a journal is an error to BibTeX), so the preprint is cited then."""
    if not prefer_published or not paper.journal_ref:
        return None
    return Venue(paper.journal_ref, paper.published_doi, bool(_PROCEEDINGS.search(paper.journal_ref)))


def arxiv_doi(paper: Paper, arxiv_id: str | None = None) -> str | None:
    """The record's DOI, else the DOI arXiv gives its id (``10.48550/arXiv.ID``)."""
    arxiv_id = paper.arxiv_id if arxiv_id is None else arxiv_id
    if paper.doi:
        return paper.doi
    return f"10.48550/arXiv.{arxiv_id}" if arxiv_id else None


def arxiv_url(paper: Paper, arxiv_id: str | None = None) -> str | None:
    """The record's URL, else its arXiv abstract page."""
    arxiv_id = paper.arxiv_id if arxiv_id is None else arxiv_id
    if paper.url:
        return paper.url
    return f"https://arxiv.org/abs/{arxiv_id}" if arxiv_id else None


class Citation(NamedTuple):
    """What a record is cited as.

    ``venue``: the published version cited instead of the preprint (``--prefer-published``);
    ``preprint``: cited as an arXiv preprint; ``typed``: cited as its own bibliographic type
    (a bibliography's record that is not a preprint); ``doi`` and ``url``: those of what is
    cited (a preprint's, or an untyped record's, fall back to the arXiv DOI and page).
    (A tuple: one is made for every record written, and a tuple is made several times faster
    than a frozen dataclass.)
    """

    venue: Venue | None
    preprint: bool
    typed: bool
    doi: str | None
    url: str | None


def cite(paper: Paper, prefer_published: bool = False, *, arxiv_id: str | None = None) -> Citation:
    """How ``paper`` is cited. ``arxiv_id`` replaces the record's when deriving the arXiv DOI and
    page (an exporter passes ``""`` for an id it cannot write)."""
    venue = published_venue(paper, prefer_published)
    preprint = paper.is_preprint and venue is None
    typed = paper.type is not None and not preprint
    if venue is not None:
        doi = venue.doi
    else:
        doi = paper.doi if typed else arxiv_doi(paper, arxiv_id)
    url = paper.url if typed else arxiv_url(paper, arxiv_id)
    return Citation(venue, preprint, typed, doi, url)
