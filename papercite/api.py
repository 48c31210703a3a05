"""papercite from Python: the functions the command line is made of, with plain arguments.

    import papercite

    records = papercite.read("papers.txt")                       # any format papercite reads
    records = papercite.enrich(records, ["arxiv"], offline=True)  # enrichers by name
    bib = papercite.export(records, "bibtex")                     # any format, as a string
    bib = papercite.convert("big.json", to="bibtex")              # files to a format, in parallel
    for result in papercite.check_links(records, offline=True):
        print(result.report.status.value, result.report.url)

Each is a small wrapper over :class:`papercite.session.Session`, which the command line uses
too, so the behaviour is the same. Problems with the input do not raise: they are collected in
the :class:`~papercite.diagnostics.Diagnostics` you pass (``FILE:LINE:`` messages, as the
command line prints them), and the other records still come out. An unknown format or
enricher raises :class:`~papercite.plugins.PluginError`.
"""

from __future__ import annotations

import datetime as _dt
import functools
import io
import os
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from papercite.diagnostics import Diagnostics
from papercite.http.settings import HttpSettings
from papercite.links.reports import LinkResult
from papercite.model import Paper
from papercite.parallel import default_jobs
from papercite.plugins.manager import Registry, get_plugin_manager
from papercite.plugins.types import ExportContext, ExportOptions
from papercite.session import Enrichment, Session


@functools.lru_cache(maxsize=1)
def registry() -> Registry:
    """The installed readers, exporters and enrichers (built-in and plugins), loaded once."""
    return Registry(get_plugin_manager())


def _session(
    diagnostics: Diagnostics | None = None,
    *,
    offline: bool = False,
    settings: HttpSettings | None = None,
    environ: Mapping[str, str] | None = None,
    given: Mapping[str, Any] | None = None,
) -> Session:
    return Session(registry(), diagnostics, environ=environ, given=given, http_settings=settings, offline=offline)


def read(
    *inputs: str | os.PathLike[str],
    fmt: str | None = None,
    as_of: _dt.date | None = None,
    diagnostics: Diagnostics | None = None,
) -> list[Paper]:
    """The records of every input, in order. The format is detected unless ``fmt`` names it."""
    with _session(diagnostics) as session:
        return list(session.read([os.fspath(path) for path in inputs], fmt=fmt, as_of=as_of))


def export(
    records: Iterable[Paper],
    to: str,
    *,
    options: ExportOptions | None = None,
    diagnostics: Diagnostics | None = None,
) -> str:
    """``records`` in the format ``to`` (``bibtex``, ``biblatex``, ``csljson``, ``ris``, ``text``, ...)."""
    with _session(diagnostics) as session:
        out = io.StringIO()
        session.exporter(to).write(records, out, ExportContext(session.diagnostics, options or ExportOptions()))
        return out.getvalue()


def convert(
    *inputs: str | os.PathLike[str],
    to: str,
    fmt: str | None = None,
    as_of: _dt.date | None = None,
    options: ExportOptions | None = None,
    jobs: int | None = None,
    diagnostics: Diagnostics | None = None,
) -> str:
    """The records of every input in the format ``to``, as ``papercite export`` writes them: a
    large input is read and rendered in ``jobs`` processes (default: the available cores, at
    most 4), with the same output and messages as in one."""
    with _session(diagnostics) as session:
        out = io.StringIO()
        paths = [os.fspath(path) for path in inputs]
        session.export(paths, to, out, options, fmt=fmt, as_of=as_of, jobs=jobs or default_jobs())
        return out.getvalue()


def enrich(
    records: Iterable[Paper],
    names: Sequence[str],
    *,
    offline: bool = False,
    settings: HttpSettings | None = None,
    environ: Mapping[str, str] | None = None,
    values: Mapping[str, Any] | None = None,
    update_links: bool = False,
    complete_authors: bool = False,
    diagnostics: Diagnostics | None = None,
) -> list[Paper]:
    """``records`` through the named enrichers (``arxiv``, ``github``, ``hf``, a plugin's).

    ``values`` sets the enrichers' declared settings by name (``{"github-api": URL}``); the
    others come from ``environ`` (default: ``os.environ``), as on the command line, or their
    defaults. ``settings`` are the HTTP layer's (cache, timeouts); ``offline`` asks nothing."""
    with _session(diagnostics, offline=offline, settings=settings, environ=environ, given=values) as session:
        enrichment = Enrichment(tuple(names), update_links=update_links, complete_authors=complete_authors)
        return list(session.enrich(records, enrichment))


def check_links(
    records: Iterable[Paper],
    *,
    checkers: Sequence[str] | None = None,
    offline: bool = False,
    settings: HttpSettings | None = None,
    environ: Mapping[str, str] | None = None,
    values: Mapping[str, Any] | None = None,
    diagnostics: Diagnostics | None = None,
) -> list[LinkResult]:
    """A result for every GitHub and Hugging Face link of ``records`` (as ``papercite check-links``)."""
    with _session(diagnostics, offline=offline, settings=settings, environ=environ, given=values) as session:
        return session.check_links(records, tuple(checkers or ()))[0]
