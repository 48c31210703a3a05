"""Built-in exporters, each a plugin module registered like a third-party one.

This module holds what the exporters share.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from papercite.model import Paper
from papercite.plugins.types import ExportContext

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


def writable(paper: Paper, ctx: ExportContext) -> bool:
    """Can the record make an entry? It must hold something to cite: a title, or (a dataset,
    a biblatex set, a CSL item of an id and a URL) names, an identifier, a URL or other data.
    If not, say so against its source line."""
    if paper.citable:
        return True
    message = "record has nothing to cite (no title, names, DOI, URL or other data); not written"
    ctx.diagnostics.skip(paper.source or "-", message)
    return False
