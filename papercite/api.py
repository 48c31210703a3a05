"""papercite from Python: the functions the command line is made of, with plain arguments.

    import papercite

    records = papercite.read("papers.txt")                       # any format papercite reads
    records = papercite.enrich(records, ["arxiv"], offline=True)  # enrichers by name
    bib = papercite.export(records, "bibtex")                     # any format, as a string
    for result in papercite.check_links(records, offline=True):
        print(result.report.status.value, result.report.url)

Problems with the input do not raise: they are collected in the
:class:`~papercite.diagnostics.Diagnostics` you pass (``FILE:LINE:`` messages,
as the command line prints them), and the other records still come out. An
unknown format or enricher raises :class:`~papercite.plugins.PluginError`.
"""

from __future__ import annotations

import datetime as _dt
import functools
import io
import os
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from papercite.diagnostics import Diagnostics
from papercite.files import iter_lines
from papercite.linkcheck import enrich as run_enrichers
from papercite.linkreports import LinkResult, link_results
from papercite.model import Paper
from papercite.pipeline import read_records
from papercite.plugins.manager import Registry, get_plugin_manager
from papercite.plugins.types import EnrichContext, ExportContext, ExportOptions

if TYPE_CHECKING:
    from papercite.httpsettings import HttpSettings


@functools.lru_cache(maxsize=1)
def registry() -> Registry:
    """The installed readers, exporters and enrichers (built-in and plugins), loaded once."""
    return Registry(get_plugin_manager())


def read(
    *inputs: str | os.PathLike[str],
    fmt: str | None = None,
    as_of: _dt.date | None = None,
    diagnostics: Diagnostics | None = None,
) -> list[Paper]:
    """The records of every input, in order. The format is detected unless ``fmt`` names it."""
    paths = [os.fspath(path) for path in inputs]
    diagnostics = diagnostics or Diagnostics()
    return list(
        read_records(
            paths,
            lambda path: iter_lines(path, warn=diagnostics.warn, pieces=True),
            registry(),
            diagnostics,
            as_of=as_of or _dt.date.today(),
            fmt=fmt,
        )
    )


def export(
    records: Iterable[Paper],
    to: str,
    *,
    options: ExportOptions | None = None,
    diagnostics: Diagnostics | None = None,
) -> str:
    """``records`` in the format ``to`` (``bibtex``, ``biblatex``, ``csljson``, ``ris``, ``text``, ...)."""
    exporter = registry().exporter(to)
    out = io.StringIO()
    exporter.write(records, out, ExportContext(diagnostics or Diagnostics(), options or ExportOptions()))
    return out.getvalue()


def enrich(
    records: Iterable[Paper],
    names: Sequence[str],
    *,
    offline: bool = False,
    settings: HttpSettings | None = None,
    environ: Mapping[str, str] | None = None,
    update_links: bool = False,
    complete_authors: bool = False,
    diagnostics: Diagnostics | None = None,
) -> list[Paper]:
    """``records`` through the named enrichers (``arxiv``, ``github``, ``hf``, a plugin's).

    ``environ`` holds service URLs and tokens (default: ``os.environ``);
    ``settings`` the HTTP layer's (cache, timeouts); ``offline`` asks nothing."""
    from papercite.net import HttpClient, HttpSettings

    enrichers = [registry().enricher(name) for name in names]
    environ = dict(os.environ if environ is None else environ)
    settings = settings or HttpSettings(offline=offline, cache_dir=environ.get("PAPERCITE_CACHE_DIR"))
    diagnostics = diagnostics or Diagnostics()
    with HttpClient(settings, warn=diagnostics.warn) as http:
        ctx = EnrichContext(
            diagnostics,
            environ,
            None if settings.offline else http,
            update_links=update_links,
            complete_authors=complete_authors,
        )
        return list(run_enrichers(records, enrichers, ctx))


def check_links(
    records: Iterable[Paper],
    *,
    checkers: Sequence[str] | None = None,
    offline: bool = False,
    settings: HttpSettings | None = None,
    environ: Mapping[str, str] | None = None,
    diagnostics: Diagnostics | None = None,
) -> list[LinkResult]:
    """A result for every GitHub and Hugging Face link of ``records`` (as ``papercite check-links``)."""
    if checkers is None:
        reg = registry()
        checkers = [n for n in reg.enrichers.names() if reg.enricher(n).checker is not None]
    checked = enrich(records, checkers, offline=offline, settings=settings, environ=environ, diagnostics=diagnostics)
    return list(link_results(checked))
