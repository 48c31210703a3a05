"""The ``arxiv`` enricher: give each record its arXiv identifier, or verify the one it has.

Records without an id are looked up by title, ten to a query (``ti:"..."``
clauses OR-ed together); records with one are verified with ``id_list``, a
hundred to a query. Each record is then decided on its own against every
entry its query returned (:mod:`papercite.enrichers.matching`): an id is filled only
when exactly one entry agrees on title, authors and date. arXiv asks for one
request every 3 seconds on one connection: that is the default pace
(``--arxiv-delay``), and every answer is cached like the link checks.

Only well-formed values are taken from the feed (an id, a category, a DOI,
one-line text), so nothing arXiv returns can add fields or lines to an output.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as _dt
import itertools
import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from typing import Any
from urllib.parse import quote, urlencode

from papercite import arxivids as arxiv_ids
from papercite.enrichers.matching import Decision, Entry, assess, decide, words
from papercite.links.urls import find_links
from papercite.model import Group, Paper
from papercite.plugins.hookspecs import hookimpl
from papercite.plugins.types import EnrichContext, Enricher, Service, Setting
from papercite.text.names import parse_name

API = "https://export.arxiv.org/api/query"
DELAY = 3.0  # seconds between requests, as arXiv asks
TITLES_PER_QUERY = 10
RESULTS_PER_TITLE = 10  # entries asked for per title (the title itself, and its near-twins)
IDS_PER_QUERY = 100
SINGLE_RETRIES = 20  # ids asked one at a time when arXiv answers a batch with an error entry
WINDOW = 200  # records read ahead
_ATOM = "{http://www.w3.org/2005/Atom}"
_ARXIV = "{http://arxiv.org/schemas/atom}"
_DOI = re.compile(r"10\.\d{4,9}/[^\s{}\"\\<>]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


class FeedError(Exception):
    """The answer is not a usable Atom feed."""


class ArxivSays(FeedError):
    """The feed is arXiv's error entry (``incorrect id format for …``), in HTTP 200 or 400."""


SETTINGS = (
    Setting("arxiv-api", "arXiv API", env=("PAPERCITE_ARXIV_API",), default=API, url=True),
    Setting(
        "arxiv-delay",
        "Seconds between requests to arXiv, as arXiv asks",
        env=("PAPERCITE_ARXIV_DELAY",),
        default=DELAY,
        type=float,
        minimum=0,
        metavar="SECONDS",
    ),
)
SERVICE = Service("arXiv", url="arxiv-api", concurrency=1, pace="arxiv-delay")


def api_url(ctx: EnrichContext) -> str:
    return str(ctx.settings.get("arxiv-api") or API)


# -- the feed ---------------------------------------------------------------------


def _line(text: str | None, limit: int = 500) -> str:
    """One line of plain text: control characters and line breaks become spaces."""
    return " ".join(_CONTROL.sub(" ", text or "").split())[:limit]


def parse_feed(body: bytes) -> list[Entry]:
    """The entries of an arXiv API answer; :class:`FeedError` if it is not one."""
    try:
        root = ET.fromstring(body)
    except ET.ParseError as exc:
        raise FeedError(f"unreadable answer from arXiv ({exc})") from None
    if root.tag != f"{_ATOM}feed":
        raise FeedError(f"not an Atom feed (root element {root.tag!r})")
    entries = []
    for node in root.iter(f"{_ATOM}entry"):
        raw_id = _line(node.findtext(f"{_ATOM}id"))
        if "/api/errors" in raw_id:
            raise ArxivSays(f"arXiv says: {_line(node.findtext(f'{_ATOM}summary'), 200)}")
        m = re.search(r"arxiv\.org/abs/(.+)$", raw_id)
        arxiv_id = arxiv_ids.id_in(m.group(1)) if m else None
        if not arxiv_id or not arxiv_ids.ID.fullmatch(m.group(1) if m else ""):
            continue  # not an entry we can cite
        published = None
        with contextlib.suppress(ValueError):
            published = _dt.date.fromisoformat(_line(node.findtext(f"{_ATOM}published"))[:10])
        primary = node.find(f"{_ARXIV}primary_category")
        category = primary.get("term", "") if primary is not None else ""
        doi = _line(node.findtext(f"{_ARXIV}doi"), 200)
        entries.append(
            Entry(
                arxiv_id=arxiv_id,
                title=_line(node.findtext(f"{_ATOM}title"), 1000),
                authors=tuple(_line(a.findtext(f"{_ATOM}name"), 200) for a in node.iter(f"{_ATOM}author")),
                published=published,
                primary_category=category if arxiv_ids.CATEGORY.fullmatch(category) else None,
                doi=doi if _DOI.fullmatch(doi) else None,
                journal_ref=_line(node.findtext(f"{_ARXIV}journal_ref"), 300) or None,
                summary=_line(node.findtext(f"{_ATOM}summary"), 20000),
            )
        )
    return entries


# -- asking arXiv -----------------------------------------------------------------


def search_query(papers: Sequence[Paper]) -> str:
    """``ti:"w1 w2 ..." OR ti:"..."``: words only, so no title can change the query's syntax."""
    return " OR ".join(f'ti:"{" ".join(words(p.title_text))}"' for p in papers)


LOOSE_WORDS = 4  # the longest words of a title a looser query asks for, all of them in any order


def loose_query(paper: Paper) -> str:
    """``ti:w1 AND ti:w2 ...`` of the title's longest words (four letters or more, at most
    LOOSE_WORDS, none from a hyphenated word), or ``""`` when the title has fewer than two:
    too loose to be worth asking."""
    # Not the parts of a hyphenated word: arXiv may spell it whole ("Pretrained") or apart.
    hyphenated = {w for token in paper.title_text.split() if "-" in token for w in words(token)}
    chosen = sorted(
        {w for w in words(paper.title_text) if len(w) >= 4 and not w.isdigit() and w not in hyphenated},
        key=lambda w: (-len(w), w),
    )
    if len(chosen) < 2:
        return ""
    return " AND ".join(f"ti:{w}" for w in chosen[:LOOSE_WORDS])


def _looser(ctx: EnrichContext, again: list[tuple[int, Paper]], tally: Counter[str]) -> list[Entry]:
    """The entries of one more query for records that no entry of the exact-phrase answer fits
    (arXiv spells the title otherwise: "Pretrained" for "Pre-trained", TeX, a word more):
    ``(ti:a AND ti:b ...) OR (...)`` of their longest words. Its entries are then decided on as
    strictly as the others."""
    query = " OR ".join(f"({loose_query(p)})" for _, p in again)
    found = _entries(ctx, {"search_query": query, "max_results": str(RESULTS_PER_TITLE * len(again))}, again, tally)
    return found or []


def _ask(ctx: EnrichContext, params: dict[str, str]) -> list[Entry]:
    assert ctx.http is not None
    url = f"{api_url(ctx)}?{urlencode(params, quote_via=quote)}"
    answer = ctx.http.get(url)
    if answer.status != 200:
        try:  # today's API answers a malformed id with HTTP 400 and an error entry that says why
            parse_feed(answer.body)
        except ArxivSays:
            raise
        except FeedError:
            pass
        raise FeedError(f"arXiv answered HTTP {answer.status}")
    return parse_feed(answer.body)


# -- the enricher -----------------------------------------------------------------


def filled(paper: Paper, entry: Entry, complete_authors: bool) -> Paper:
    """``paper`` with what ``entry`` adds; what the record already has is kept."""
    changes: dict[str, Any] = {"arxiv_id": entry.arxiv_id}
    if not paper.category and entry.primary_category:
        changes["category"] = entry.primary_category
    if entry.doi and not paper.published_doi:
        changes["published_doi"] = entry.doi
    if entry.journal_ref and not paper.journal_ref:
        changes["journal_ref"] = entry.journal_ref
    if complete_authors and paper.et_al and len(entry.authors) > len(paper.authors):
        rest = [parse_name(name) for name in entry.authors[len(paper.authors) :]]
        if all(shape is not None for shape in rest):
            changes["authors"] = paper.authors + tuple(shape.author for shape in rest if shape is not None)
            changes["et_al"] = False
    return dataclasses.replace(paper, **changes)


def from_entry(paper: Paper, entry: Entry) -> Paper:
    """A record that held only an id, completed from arXiv's entry: title and abstract (TeX as
    arXiv keeps them), every author, the first version's date, category, published DOI and
    journal reference."""
    authors = []
    for name in entry.authors:
        shape = parse_name(name)
        authors.append(shape.author if shape is not None else Group(name))
    complete = dataclasses.replace(
        paper,
        title=entry.title,
        authors=tuple(authors),
        date=entry.published,
        date_precision="day",
        abstract=entry.summary,
        links=paper.links or tuple(dict.fromkeys(find_links(entry.summary))),
    )
    return filled(complete, entry, complete_authors=False)


def enrich(records: Iterable[Paper], ctx: EnrichContext) -> Iterator[Paper]:
    if ctx.http is None:  # offline: nothing is asked
        yield from records
        return
    tally: Counter[str] = Counter()
    it = iter(records)
    while window := list(itertools.islice(it, WINDOW)):
        ctx.progress.add_total(len(window))
        done: dict[int, Paper] = {}
        known = [(i, p) for i, p in enumerate(window) if p.arxiv_id]
        unknown = [(i, p) for i, p in enumerate(window) if not p.arxiv_id and words(p.title_text)]
        for i, paper in known:
            problem = arxiv_ids.id_problem(paper.arxiv_id or "")
            if problem:  # not asked: one bad id would make arXiv answer the whole batch with an error
                tally["not verified"] += 1
                ctx.diagnostics.warn(paper.source or "-", f"arxiv: {paper.arxiv_id!r} is not an arXiv id ({problem})")
                done[i] = paper
                ctx.progress.advance()
        for batch in _batches([(i, p) for i, p in known if i not in done], IDS_PER_QUERY):
            done.update(_verify(ctx, batch, tally, SINGLE_RETRIES))
        for batch in _batches(unknown, TITLES_PER_QUERY):
            entries = _search(ctx, batch, tally)
            if entries is not None and len(entries) >= RESULTS_PER_TITLE * len(batch) and len(batch) > 1:
                # A full page may have cut off a record's entry: ask for each record on its own.
                entries = [e for one in _batches(batch, 1) for e in (_search(ctx, one, tally) or [])]
            if entries is None:  # arXiv could not be asked (each record was warned about)
                done.update(batch)
                ctx.progress.advance(len(batch))
                continue
            decisions = {i: decide(paper, entries) for i, paper in batch}
            # Records no entry fits (not ambiguous ones) are asked once more, together, more loosely.
            again = [(i, p) for i, p in batch if _unfit(decisions[i]) and loose_query(p)]
            looser = _looser(ctx, again, tally) if again else []
            for i, paper in batch:
                if looser and (i, paper) in again:
                    decisions[i] = decide(paper, [*entries, *looser])
                done[i] = _settled(paper, decisions[i], ctx, tally)
                ctx.progress.advance()
        for i, paper in enumerate(window):
            if i not in done:
                ctx.progress.advance()
            yield done.get(i, paper)
    ctx.note(f"arxiv: {summary(tally)}")


def _verify(ctx: EnrichContext, batch: list[tuple[int, Paper]], tally: Counter[str], singles: int) -> dict[int, Paper]:
    """The records of ``batch``, each verified against its id's entry. When arXiv answers the
    batch with an error entry (a malformed id), up to ``singles`` ids are asked one at a time,
    so the good ones are still verified and the bad one is reported with arXiv's words."""
    params = {"id_list": ",".join(p.arxiv_id or "" for _, p in batch), "max_results": str(len(batch))}
    done: dict[int, Paper] = {}
    try:
        entries = _entries(ctx, params, batch, tally, report=len(batch) == 1 or singles < len(batch))
    except ArxivSays:
        for one in _batches(batch, 1):
            done.update(_verify(ctx, one, tally, 0))
        return done
    for i, paper in batch:
        done[i] = _verified(paper, entries, ctx, tally) if entries is not None else paper
        ctx.progress.advance()
    return done


def _search(ctx: EnrichContext, batch: list[tuple[int, Paper]], tally: Counter[str]) -> list[Entry] | None:
    query = {"search_query": search_query([p for _, p in batch]), "max_results": str(RESULTS_PER_TITLE * len(batch))}
    return _entries(ctx, query, batch, tally)


_WHY = {
    "no entry": "no entry with the title",
    "no fit": "no entry fits",
    "ambiguous": "ambiguous",
    "not asked": "arXiv could not be asked",
}


def summary(tally: Counter[str]) -> str:
    """``24 filled, 2 left empty (1 ambiguous, 1 no entry fits), 3 verified``."""
    parts = [f"{tally['filled']} filled"] if tally["filled"] else []
    if tally["left empty"]:
        why = ", ".join(f"{tally[k]} {text}" for k, text in _WHY.items() if tally[k])
        parts.append(f"{tally['left empty']} left empty ({why})")
    parts += [f"{tally[k]} {k}" for k in ("filled from id", "verified", "not verified") if tally[k]]
    return ", ".join(parts) or "nothing to look up"


def _batches(items: list[tuple[int, Paper]], size: int) -> Iterator[list[tuple[int, Paper]]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _entries(
    ctx: EnrichContext,
    params: dict[str, str],
    batch: list[tuple[int, Paper]],
    tally: Counter[str],
    report: bool = True,
) -> list[Entry] | None:
    """The entries of one query; None (each record warned about) when arXiv could not be asked.
    With ``report`` False, an error entry of arXiv's is raised (:class:`ArxivSays`), not
    reported: the caller asks again."""
    from papercite.http.client import ServiceError

    try:
        return _ask(ctx, params)
    except (ServiceError, FeedError) as exc:
        if isinstance(exc, ArxivSays) and not report:
            raise
        detail = exc.detail if isinstance(exc, ServiceError) else str(exc)
        for _, paper in batch:
            if paper.arxiv_id:
                tally["not verified"] += 1
            else:
                tally.update(["left empty", "not asked"])
            ctx.diagnostics.warn(paper.source or "-", f"arxiv: not looked up: {detail}")
        return None


def _explain(ctx: EnrichContext, paper: Paper, decision: Decision) -> None:
    if ctx.explain:
        where = paper.source or "-"
        ctx.note(f"{where}: arxiv: {paper.title_text!r}: {decision.reason}")
        for assessment in decision.assessments[:5]:
            ctx.note(f"{where}:   candidate {assessment.explain()}")


def _unfit(decision: Decision) -> bool:
    return decision.match is None and decision.outcome != "ambiguous"


def _settled(paper: Paper, decision: Decision, ctx: EnrichContext, tally: Counter[str]) -> Paper:
    """``paper`` with the entry ``decision`` took, or as it was with a warning saying why none."""
    _explain(ctx, paper, decision)
    if decision.match is None:
        tally.update(["left empty", decision.outcome])
        ctx.diagnostics.warn(paper.source or "-", f"arxiv: no id: {decision.reason}")
        return paper
    tally["filled"] += 1
    return filled(paper, decision.match, ctx.complete_authors)


def _verified(paper: Paper, entries: list[Entry], ctx: EnrichContext, tally: Counter[str]) -> Paper:
    entry = next((e for e in entries if e.arxiv_id == paper.arxiv_id), None)
    if entry is None:
        tally["not verified"] += 1
        ctx.diagnostics.warn(paper.source or "-", f"arxiv: {paper.arxiv_id} is not on arXiv; kept as given")
        return paper
    if not paper.title and not paper.authors:  # only an id (a list of ids): arXiv's record is the record
        tally["filled from id"] += 1
        return from_entry(paper, entry)
    assessment = assess(paper, entry)
    _explain(ctx, paper, Decision(entry if assessment.accepted else None, assessment.explain(), (assessment,)))
    if not assessment.accepted:
        tally["not verified"] += 1
        failed = "; ".join(f"{c.name}: {c.detail}" for c in assessment.checks if not c.ok)
        ctx.diagnostics.warn(
            paper.source or "-", f"arxiv: {paper.arxiv_id} does not look like this record ({failed}); kept as given"
        )
        return paper
    tally["verified"] += 1
    return filled(paper, entry, ctx.complete_authors)


@hookimpl
def papercite_enrichers() -> Iterable[Enricher]:
    yield Enricher(
        "arxiv",
        enrich,
        "Fill in arXiv identifiers (title, authors and date must all agree) and verify the ones given",
        settings=SETTINGS,
        services=(SERVICE,),
    )
