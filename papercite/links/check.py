"""Run link checkers over a stream of records.

Link-checking enrichers (GitHub, Hugging Face, a plugin's own) only say which
links they answer for and how to check a batch of them
(:class:`~papercite.plugins.types.LinkChecker`). This module does the rest
for all of them at once: it reads records in windows, checks each distinct URL
once (the checkers of a run work concurrently, so the services' limits add
up instead of queueing behind each other), attaches the reports to the
records and, with ``update_links``, replaces moved links by their targets.
Memory stays bounded: a window of records and a bounded memo of answers.
"""

from __future__ import annotations

import dataclasses
import itertools
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import NamedTuple

from papercite.links.urls import classify, relocate
from papercite.model import Link, LinkReport, LinkStatus, Paper
from papercite.plugins.types import EnrichContext, Enricher, LinkChecker, Service, Setting

WINDOW = 2_000  # records read ahead; a GraphQL batch of 100 fills easily
MEMO = 100_000  # answers remembered for links repeated across windows


class Verdict(NamedTuple):
    """What a service said about one repository, model or owner; one verdict can
    answer several links (``/tree/main`` and the repository itself)."""

    status: LinkStatus
    http_status: int | None = None
    detail: str = ""
    moved_to: str | None = None  # the new ``owner[/name]`` of a moved one

    def report(self, link: Link) -> LinkReport:
        target = relocate(link, self.moved_to) if self.moved_to else None
        return LinkReport(link.url, link.kind.service, self.status, self.http_status, target, self.detail)


def checker_enricher(
    name: str,
    checker: LinkChecker,
    description: str,
    settings: tuple[Setting, ...] = (),
    services: tuple[Service, ...] = (),
) -> Enricher:
    """An :class:`Enricher` for one checker; :func:`enrich` runs such enrichers together."""
    return Enricher(
        name, lambda records, ctx: check_records(records, [checker], ctx), description, checker, settings, services
    )


def enrich(records: Iterable[Paper], enrichers: Sequence[Enricher], ctx: EnrichContext) -> Iterator[Paper]:
    """Apply ``enrichers`` in order; link checkers among them run together in one pass,
    where the first of them stands."""
    checkers = [e.checker for e in enrichers if e.checker is not None]
    placed = False
    for enricher in enrichers:
        if enricher.checker is None:
            records = enricher.enrich(records, ctx)
        elif not placed:
            records, placed = check_records(records, checkers, ctx), True
    return iter(records)


def check_records(records: Iterable[Paper], checkers: Sequence[LinkChecker], ctx: EnrichContext) -> Iterator[Paper]:
    """Yield every record, in order, with a report for each link a checker claims."""
    memo: OrderedDict[str, LinkReport] = OrderedDict()
    it = iter(records)
    while window := list(itertools.islice(it, WINDOW)):
        todo: dict[str, Link] = {}
        for paper in window:
            for link in paper.links:
                if link.url in memo:
                    memo.move_to_end(link.url)
                else:
                    todo.setdefault(link.url, link)
        for report in _check(list(todo.values()), checkers, ctx):
            memo[report.url] = report
        while len(memo) > MEMO:
            memo.popitem(last=False)
        for paper in window:
            yield _with_reports(paper, memo, ctx.update_links)


def _with_reports(paper: Paper, memo: OrderedDict[str, LinkReport], update: bool) -> Paper:
    reports = tuple(memo[link.url] for link in paper.links if link.url in memo)
    if not reports:
        return paper
    links = paper.links
    if update:
        links = tuple(
            (classify(memo[link.url].target or "") or link)
            if link.url in memo and memo[link.url].status is LinkStatus.MOVED
            else link
            for link in links
        )
    return dataclasses.replace(paper, links=links, link_reports=paper.link_reports + reports)


def _check(links: list[Link], checkers: Sequence[LinkChecker], ctx: EnrichContext) -> list[LinkReport]:
    """Reports for ``links`` from the checker that claims each (the first that does)."""
    groups: list[list[Link]] = [[] for _ in checkers]
    for link in links:
        for group, checker in zip(groups, checkers, strict=True):
            if checker.claims(link):
                group.append(link)
                break
    ctx.progress.add_total(sum(map(len, groups)))
    if ctx.http is None or ctx.http.settings.offline:
        ctx.progress.advance(sum(map(len, groups)))
        return [
            LinkReport(link.url, link.kind.service, LinkStatus.UNCHECKED, detail="offline")
            for group in groups
            for link in group
        ]
    reports: list[LinkReport] = []
    lock = threading.Lock()

    def run(checker: LinkChecker, group: list[Link]) -> None:
        done: set[str] = set()
        try:
            for report in checker.check(group, ctx):
                with lock:
                    reports.append(report)
                done.add(report.url)
                ctx.progress.advance()
        except Exception as exc:  # a checker's bug must not lose the other links
            detail = f"checker failed: {type(exc).__name__}: {exc}"
        else:
            detail = "the checker gave no answer for this link"
        missing = [link for link in group if link.url not in done]
        with lock:
            reports.extend(LinkReport(link.url, link.kind.service, LinkStatus.ERROR, detail=detail) for link in missing)
        ctx.progress.advance(len(missing))

    busy = [(checker, group) for checker, group in zip(checkers, groups, strict=True) if group]
    if busy:
        with ThreadPoolExecutor(len(busy)) as pool:
            for future in [pool.submit(run, checker, group) for checker, group in busy]:
                future.result()
    return reports
