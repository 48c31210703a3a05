"""Merging new records into an existing .bib without touching what is there.

Only the identities of the existing entries are read (with bibtexparser):
their keys, arXiv identifiers, DOIs and normalised titles. New entries are
appended after the existing text, which is kept byte for byte — entries,
keys, ``@string`` definitions, comments and hand edits alike.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace

from papercite.model import Paper
from papercite.plugins.types import ExportContext, Exporter
from papercite.readers.bibentry import arxiv_id_of
from papercite.text.latex import latex_to_text


def normalise_title(title: str) -> str:
    """Case, punctuation, LaTeX and spacing removed: the identity of a title."""
    return re.sub(r"[\W_]+", "", latex_to_text(title).casefold())


@dataclass
class ExistingBib:
    keys: set[str] = field(default_factory=set)
    arxiv_ids: set[str] = field(default_factory=set)
    dois: set[str] = field(default_factory=set)
    titles: set[str] = field(default_factory=set)

    def contains(self, paper: Paper) -> bool:
        """Is ``paper`` already in the file? By arXiv id, then DOI, then normalised title."""
        if paper.arxiv_id and paper.arxiv_id.lower() in self.arxiv_ids:
            return True
        if paper.doi and paper.doi.lower() in self.dois:
            return True
        return normalise_title(paper.title) in self.titles

    def add(self, paper: Paper) -> None:
        if paper.arxiv_id:
            self.arxiv_ids.add(paper.arxiv_id.lower())
        if paper.doi:
            self.dois.add(paper.doi.lower())
        self.titles.add(normalise_title(paper.title))


def scan_bib(text: str) -> ExistingBib:
    """Collect the identities of the entries in a .bib text."""
    import bibtexparser

    library = bibtexparser.parse_string(text)
    found = ExistingBib()
    for entry in library.entries:
        found.keys.add(entry.key)
        values = {f.key.lower(): str(f.value) for f in entry.fields}
        doi = values.get("doi", "").strip().lower()
        doi = re.sub(r"^https?://(dx\.)?doi\.org/", "", doi)
        if doi:
            found.dois.add(doi)
        arxiv_id = arxiv_id_of(values)  # the BibTeX reader's rule: BibLaTeX's journaltitle too
        if arxiv_id:
            found.arxiv_ids.add(arxiv_id.lower())
        if values.get("title"):
            found.titles.add(normalise_title(values["title"]))
    # Keys of blocks bibtexparser could not parse still count as taken.
    for block in library.failed_blocks:
        m = re.match(r"\s*@\w+\s*[{(]\s*([^,\s]+)", block.raw or "")
        if m:
            found.keys.add(m.group(1))
    return found


@dataclass
class MergeResult:
    data: bytes | None  # the new file, or None when nothing was added
    added: int
    present: int


def merge(existing_bytes: bytes, records: Iterable[Paper], exporter: Exporter, ctx: ExportContext) -> MergeResult:
    """The existing .bib with the records it lacks appended; its own bytes are kept as they are."""
    existing = scan_bib(existing_bytes.decode("utf-8", errors="replace"))
    present = 0

    def new_records() -> Iterator[Paper]:
        nonlocal present
        for paper in records:
            if existing.contains(paper):
                present += 1
                continue
            existing.add(paper)  # a duplicate later in the input is not added twice
            yield paper

    out = io.StringIO()
    exporter.write(new_records(), out, replace(ctx, options=replace(ctx.options, taken_keys=frozenset(existing.keys))))
    text = out.getvalue()
    if not text:
        return MergeResult(None, 0, present)
    separator = b"" if not existing_bytes else (b"\n" if existing_bytes.endswith(b"\n") else b"\n\n")
    # Entries are written one field a line, so only entry heads start a line with "@".
    added = sum(1 for line in text.splitlines() if line.startswith("@"))
    return MergeResult(existing_bytes + separator + text.encode("utf-8"), added, present)
