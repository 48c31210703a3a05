"""Reader for lists of arXiv identifiers: ``2308.03688``, ``arXiv:2308.03688v2``,
``hep-th/9901001``, ``https://arxiv.org/abs/…``, ``/pdf/…`` (with or without ``.pdf``),
``/html/…``, ``alphaxiv.org/abs/…``, ``huggingface.co/papers/…``; one or more a line,
``#`` starts a comment.

Each id becomes a record that holds only its id; the command line then fills it from arXiv
(``--enrich arxiv`` is added, with ``--complete-authors``): title, full author list,
first-version date, primary category, abstract, DOI and journal reference of the published
version; a version the list names (``2308.03688v2``) is kept in ``eprint``. A word that
is no identifier, or an id that cannot be one, is reported with its line;
a repeated id is merged into its first record, with a note.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from papercite import arxivids
from papercite.model import Paper, Source
from papercite.plugins.hookspecs import hookimpl
from papercite.plugins.types import ReadContext, Reader


def _content(line: str) -> str:
    """The line without its comment (``#`` at its start or after white space)."""
    if line.lstrip().startswith("#"):
        return ""
    cut = line.find(" #")
    return line[:cut] if cut >= 0 else line


def read_ids(lines: Iterable[str], ctx: ReadContext) -> Iterator[Paper]:
    report = ctx.diagnostics
    first: dict[str, int] = {}  # id -> the line it came first on
    any_text = False
    for number, line in enumerate(lines, start=ctx.line_offset + 1):
        text = _content(line.lstrip("\ufeff"))
        if not text.strip():
            continue
        any_text = True
        source = Source(ctx.source, number)
        ids, other = arxivids.pasted_ids(text)
        for word in other:
            report.skip(source, f"not an arXiv identifier: {word[:80]!r}; skipped")
        for arxiv_id, version in ids:
            problem = arxivids.id_problem(arxiv_id)
            if problem:
                report.skip(source, f"{arxiv_id!r} is not an arXiv id ({problem}); skipped")
            elif arxiv_id in first:
                report.warn(source, f"{arxiv_id} is already on line {first[arxiv_id]}: merged into that record")
            else:
                first[arxiv_id] = number
                report.read += 1
                # A version the user named is kept for ``eprint``; the record is the paper's.
                extra = ((arxivids.VERSION, version),) if version else ()
                yield Paper(title="", arxiv_id=arxiv_id, source=source, extra=extra)
    if not any_text:
        report.warn(ctx.source, "empty input: no records")


def sniff_ids(first_lines: list[str]) -> bool:
    """Every line that holds anything holds arXiv identifiers and nothing else."""
    seen = False
    for line in first_lines:
        text = _content(line.lstrip("\ufeff"))
        if not text.strip():
            continue
        ids, other = arxivids.pasted_ids(text)
        if other or not ids:
            return False
        seen = True
    return seen


@hookimpl
def papercite_readers() -> Iterable[Reader]:
    yield Reader(
        name="ids",
        read=read_ids,
        description="arXiv identifiers or links, one or more a line; filled from arXiv (--enrich arxiv)",
        sniff=sniff_ids,
    )
