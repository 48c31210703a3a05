"""One run of papercite: the composition of the pipeline that the command line and the Python
API share.

A :class:`Session` holds the plugin registry, the diagnostics, the settings of the plugins it
runs, one HTTP client (opened on first need, closed with the session) and progress. It reads,
enriches, renders, writes, merges and checks links, and one rule (:meth:`Session.exit_code`)
says how the run ended. Problems with the input are diagnostics, never exceptions; what ends the
run (an output that cannot be written, a plugin that fails) is a :class:`Stop`, with its code.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as _dt
import itertools
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import IO, TYPE_CHECKING, Any, BinaryIO, TextIO

from papercite.diagnostics import Diagnostics
from papercite.files import ChangedMeanwhile, InputError, iter_lines, write_bytes_atomically
from papercite.http.settings import HttpSettings
from papercite.links.check import enrich as run_enrichers
from papercite.links.reports import LinkResult, link_results
from papercite.model import LinkStatus, Paper
from papercite.pipeline import SNIFF_LINES, choose_reader, read_records, render_records
from papercite.plugins import settings as plugin_settings
from papercite.plugins.manager import Registry
from papercite.plugins.types import (
    EnrichContext,
    Enricher,
    ExportContext,
    Exporter,
    ExportOptions,
    Progress,
    Rendered,
)

if TYPE_CHECKING:
    from papercite.http.client import HttpClient, Stats
    from papercite.merge import MergeResult

EXIT_OK = 0
EXIT_FAILED = 1  # --strict and a record had a problem, a link failed, a plugin failed, an output changed
EXIT_INPUT = 2  # an input or output could not be used at all, or an option is wrong


_NO_PROGRESS: Progress = EnrichContext(Diagnostics()).progress


class Stop(Exception):
    """The run cannot go on: ``message`` says why, ``code`` is the exit code."""

    def __init__(self, message: str, code: int = EXIT_INPUT) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclasses.dataclass(frozen=True)
class Enrichment:
    """Which enrichers to run on the records, and how."""

    names: tuple[str, ...]
    update_links: bool = False
    complete_authors: bool = False
    explain: bool = False


class Session:
    """The state of one run; use it as a context manager so that its HTTP client is closed.

    ``environ`` is where the plugins' settings (service URLs, tokens) are read when ``given``
    does not hold them (default: ``os.environ``); ``http_settings`` the HTTP client's (cache,
    timeouts, offline; by default the cache directory ``PAPERCITE_CACHE_DIR`` names, and
    ``offline``). ``progress`` opens a progress display for a run of enrichers; ``note``
    prints a line for the user (``--explain``); ``verbose`` lets a failing plugin's exception
    through instead of a :class:`Stop`.
    """

    def __init__(
        self,
        registry: Registry,
        diagnostics: Diagnostics | None = None,
        *,
        environ: Mapping[str, str] | None = None,
        given: Mapping[str, Any] | None = None,
        http_settings: HttpSettings | None = None,
        offline: bool = False,
        progress: Callable[[], AbstractContextManager[Progress]] | None = None,
        note: Callable[[str], None] = lambda line: None,
        stdin: BinaryIO | None = None,
        verbose: bool = False,
    ) -> None:
        self.registry = registry
        self.diagnostics = diagnostics if diagnostics is not None else Diagnostics()
        self.environ = dict(os.environ if environ is None else environ)
        self.given = dict(given or {})
        self.http_settings = http_settings or HttpSettings(
            offline=offline, cache_dir=self.environ.get("PAPERCITE_CACHE_DIR")
        )
        self.progress = progress
        self.note = note
        self.stdin = stdin
        self.verbose = verbose
        self.failures: list[str] = []  # why the run fails (exit 1) beyond what the diagnostics say
        self._http: HttpClient | None = None
        self._resources = contextlib.ExitStack()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._resources.close()

    # -- the outcome ----------------------------------------------------------------

    def fail(self, reason: str) -> None:
        """The run ends with exit code 1, for ``reason`` (said after the counts)."""
        self.failures.append(reason)

    def exit_code(self, strict: bool = False) -> int:
        """2 when an input could not be read at all; 1 when the run failed (a link, a changed
        output) or, with ``strict``, when a record was skipped or doubtful; else 0."""
        if self.diagnostics.fatal:
            return EXIT_INPUT
        if self.failures or (strict and self.diagnostics.counted):
            return EXIT_FAILED
        return EXIT_OK

    @property
    def http_stats(self) -> Stats | None:
        """What the HTTP client did, if the run opened one."""
        return self._http.stats if self._http is not None else None

    def guarded(self, action: Callable[[], Any]) -> Any:
        """Run a plugin's work; its failure is a :class:`Stop` with exit code 1 (unless verbose)."""
        try:
            return action()
        except (OSError, Stop):
            raise  # the caller reports I/O errors (and a closed pipe) itself
        except Exception as exc:
            if self.verbose:
                raise
            raise Stop(f"{type(exc).__name__}: {exc} (use --verbose for the traceback)", EXIT_FAILED) from None

    # -- reading --------------------------------------------------------------------

    def _lines(self, path: str) -> Iterator[str]:
        return iter_lines(path, self.stdin, self.diagnostics.warn, pieces=True)

    def read(self, inputs: Iterable[str], *, fmt: str | None = None, as_of: _dt.date | None = None) -> Iterator[Paper]:
        """The records of every input, in order; the format is detected unless ``fmt`` names it."""
        return read_records(
            list(inputs), self._lines, self.registry, self.diagnostics, as_of=as_of or _dt.date.today(), fmt=fmt
        )

    def lists_ids(self, inputs: Sequence[str], fmt: str | None = None) -> bool:
        """Is an input a list of arXiv identifiers (``fmt`` ``ids``, or detected from a file's first lines)?"""
        if fmt:
            return fmt == "ids"
        for path in inputs:
            if path == "-":
                continue  # standard input is read once: --from ids says it
            try:
                head = list(itertools.islice(iter_lines(path, pieces=True), SNIFF_LINES))
            except InputError:
                continue  # reported when the input is read
            if choose_reader(self.registry, path, head).name == "ids":
                return True
        return False

    # -- enriching ------------------------------------------------------------------

    def enrichers(self, names: Iterable[str]) -> list[Enricher]:
        """The named enrichers (a :class:`~papercite.plugins.PluginError` for an unknown one)."""
        return [self.registry.enricher(name) for name in names]

    def checker_names(self, names: Sequence[str] = ()) -> tuple[str, ...]:
        """The link checkers to run: ``names`` (each checked to be one), or every installed one."""
        if not names:
            return tuple(n for n in self.registry.enrichers.names() if self.registry.enricher(n).checker is not None)
        for name in names:
            if self.registry.enricher(name).checker is None:
                raise ValueError(f"{name!r} is an enricher but not a link checker")
        return tuple(names)

    def settings(self, enrichers: Sequence[Enricher]) -> dict[str, Any]:
        """The values of the settings ``enrichers`` declare (a SettingError for a bad one)."""
        return plugin_settings.resolve(plugin_settings.declared(enrichers), self.given, self.environ)

    @property
    def http(self) -> HttpClient | None:
        """The run's HTTP client, opened on first use; None when the run is offline."""
        if self.http_settings.offline:
            return None
        if self._http is None:
            from papercite.http.client import HttpClient

            self._http = self._resources.enter_context(HttpClient(self.http_settings, warn=self.diagnostics.warn))
        return self._http

    def enrich(self, records: Iterable[Paper], enrichment: Enrichment) -> Iterator[Paper]:
        """``records`` through the requested enrichers, sharing the session's HTTP client."""
        enrichers = self.enrichers(enrichment.names)
        values = self.settings(enrichers)
        http = self.http
        if http is not None:
            plugin_settings.limit(http, plugin_settings.services(enrichers), values)
        progress = self._resources.enter_context(self.progress()) if self.progress else _NO_PROGRESS
        ctx = EnrichContext(
            self.diagnostics,
            values,
            http,
            progress,
            update_links=enrichment.update_links,
            complete_authors=enrichment.complete_authors,
            explain=enrichment.explain,
            note=self.note,
        )
        return run_enrichers(records, enrichers, ctx)

    def warn_links(self, records: Iterable[Paper]) -> Iterator[Paper]:
        """Report each link that is not ok, on the record's line."""
        for paper in records:
            for report in paper.link_reports:
                if report.status is not LinkStatus.OK:
                    moved = f" -> {report.target}" if report.target else ""
                    detail = f" ({report.detail})" if report.detail else ""
                    message = f"link {report.status.value}: {report.url}{moved}{detail}"
                    self.diagnostics.warn(paper.source or "-", message)
            yield paper

    def unreachable(self, checkers: Sequence[str]) -> str | None:
        """The services of ``checkers``, if none of them answers through the configured proxy
        (``HTTPS_PROXY``), exactly as the check would ask them; else None."""
        from papercite.http.client import HttpClient, origin

        enrichers = self.enrichers(checkers)
        values = self.settings(enrichers)
        urls = [plugin_settings.base_url(s, values) for s in plugin_settings.services(enrichers)]
        urls = [url for url in urls if url]
        with HttpClient(dataclasses.replace(self.http_settings, cache=False)) as http:
            if not urls or any(http.reaches(url) for url in urls):
                return None
        return "cannot reach " + ", ".join(origin(url).partition("://")[2] for url in urls)

    def check_links(
        self, records: Iterable[Paper], checkers: Sequence[str] = (), exclude: Sequence[re.Pattern[str]] = ()
    ) -> tuple[list[LinkResult], int]:
        """A result for every link of ``records`` that ``checkers`` (default: all) claim, and how
        many links ``exclude`` took out."""
        excluded = [0]

        def without(papers: Iterable[Paper]) -> Iterator[Paper]:
            for paper in papers:
                if exclude and paper.links:
                    kept = tuple(link for link in paper.links if not any(p.search(link.url) for p in exclude))
                    excluded[0] += len(paper.links) - len(kept)
                    if len(kept) != len(paper.links):
                        paper = dataclasses.replace(paper, links=kept)
                yield paper

        enriched = self.enrich(without(records), Enrichment(self.checker_names(checkers)))
        return list(link_results(enriched)), excluded[0]

    # -- rendering and writing ------------------------------------------------------

    def exporter(self, to: str, fmt: str | None = None) -> Exporter:
        """The exporter ``to`` (and a check that the reader ``fmt`` exists)."""
        exporter = self.registry.exporter(to)
        if fmt:
            self.registry.reader(fmt)
        return exporter

    def render(
        self,
        inputs: Sequence[str],
        exporter: Exporter,
        ctx: ExportContext,
        *,
        fmt: str | None = None,
        as_of: _dt.date | None = None,
        jobs: int = 1,
        enrichment: Enrichment | None = None,
    ) -> Iterator[Rendered]:
        """The inputs' records rendered for ``exporter``, in order: in ``jobs`` worker processes
        when nothing enriches them (enrichers see the whole stream, so reading then stays here)."""
        as_of = as_of or _dt.date.today()
        if enrichment is not None:
            records = self.warn_links(self.enrich(self.read(inputs, fmt=fmt, as_of=as_of), enrichment))
            rendered = (exporter.render(paper, ctx) for paper in records)
            return (r for r in rendered if r is not None)
        return render_records(
            inputs, self._lines, self.registry, exporter, ctx, as_of=as_of, fmt=fmt, jobs=jobs
        )

    def export(
        self,
        inputs: Sequence[str],
        to: str,
        out: TextIO,
        options: ExportOptions | None = None,
        *,
        fmt: str | None = None,
        as_of: _dt.date | None = None,
        jobs: int = 1,
        enrichment: Enrichment | None = None,
    ) -> None:
        """Read, (enrich,) render and write the inputs' records to ``out`` in the format ``to``."""
        exporter = self.exporter(to, fmt)
        ctx = ExportContext(self.diagnostics, options or ExportOptions())
        rendered = self.render(inputs, exporter, ctx, fmt=fmt, as_of=as_of, jobs=jobs, enrichment=enrichment)
        self.guarded(lambda: exporter.assemble(rendered, out, ctx))

    def merge(
        self,
        inputs: Sequence[str],
        to: str,
        merge_into: str,
        output: str | None = None,
        options: ExportOptions | None = None,
        *,
        fmt: str | None = None,
        as_of: _dt.date | None = None,
        enrichment: Enrichment | None = None,
        stdout: IO[bytes] | None = None,
    ) -> MergeResult:
        """Add the records not yet in ``merge_into`` to it (or write the result to ``output``,
        ``-`` for ``stdout``); its own bytes stay as they are, and an edit made to it meanwhile
        is never overwritten."""
        from papercite.merge import merge

        exporter = self.exporter(to, fmt)
        try:
            with open(merge_into, "rb") as f:
                existing = f.read()
        except FileNotFoundError:
            existing = b""
        except OSError as exc:
            raise Stop(f"{merge_into}: {exc.strerror or exc}") from None
        ctx = ExportContext(self.diagnostics, options or ExportOptions())
        records = self.read(inputs, fmt=fmt, as_of=as_of)
        if enrichment is not None:
            records = self.warn_links(self.enrich(records, enrichment))
        merged: MergeResult = self.guarded(lambda: merge(existing, records, exporter, ctx))
        target = output or merge_into
        data = merged.data if merged.data is not None else (existing if target != merge_into else None)
        if data is not None:  # unchanged and in place: the file is not even rewritten
            try:
                if target == "-":
                    assert stdout is not None, "output '-' needs stdout"
                    stdout.write(data)
                else:
                    write_bytes_atomically(target, data, unchanged=existing if target == merge_into else None)
            except ChangedMeanwhile as exc:
                raise Stop(str(exc), EXIT_FAILED) from None
            except OSError as exc:
                raise Stop(f"{target}: {exc.strerror or exc}") from None
        return merged

