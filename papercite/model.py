"""The record model: what papercite knows about a paper.

Records are frozen dataclasses. Readers build them, enrichers return new ones
with ``dataclasses.replace``, exporters only read them. What papercite works
with has a field of its own; a bibliography's other data is held in CSL's
terms (``variables``, ``names``: names from :mod:`papercite.fieldmap`), and
only what no CSL variable holds goes to ``extra``, named by its format
(``bibtex:mrnumber``), as text.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
from dataclasses import field
from enum import Enum
from typing import TYPE_CHECKING, Any, Literal, TypeAlias, TypeVar

if TYPE_CHECKING:
    from typing_extensions import dataclass_transform
else:  # only type checkers need to be told that ``record`` makes dataclasses

    def dataclass_transform(**kwargs: object) -> object:
        return lambda decorator: decorator


_T = TypeVar("_T")


@dataclass_transform(frozen_default=True, field_specifiers=(field,))
def record(cls: type[_T]) -> type[_T]:
    """``@dataclass(frozen=True, slots=True)``, with an ``__init__`` that is faster to call.

    A frozen dataclass's ``__init__`` sets each field through ``object.__setattr__``
    (~90 ns a field, ~1.7 µs for a :class:`Paper`: 4% of converting a CSL-JSON item
    to BibTeX); setting the slots through their descriptors takes about half. Same
    parameters and defaults; instances stay frozen (only ``__init__`` sets the slots).
    """
    cls = dataclasses.dataclass(frozen=True, slots=True)(cls)
    fields = dataclasses.fields(cls)  # type: ignore[arg-type]
    if (
        not fields
        or hasattr(cls, "__post_init__")
        or any(not f.init or f.default_factory is not dataclasses.MISSING for f in fields)
    ):
        return cls  # what the generated __init__ does beyond setting fields is not repeated here
    names = [f.name for f in fields]
    scope: dict[str, object] = {f"_set_{f.name}": cls.__dict__[f.name].__set__ for f in fields}
    scope.update({f"_default_{f.name}": f.default for f in fields if f.default is not dataclasses.MISSING})
    params = ", ".join(f"{n}=_default_{n}" if f"_default_{n}" in scope else n for n in names)
    body = "".join(f"\n    _set_{n}(self, {n})" for n in names)
    exec(f"def __init__(self, {params}):{body}", scope)
    init: Any = scope["__init__"]
    mine, theirs = init.__code__, cls.__init__.__code__
    if theirs.co_kwonlyargcount or theirs.co_varnames[: theirs.co_argcount] != mine.co_varnames[: mine.co_argcount]:
        return cls  # keyword-only fields or init-only variables: not the plain case handled here
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__annotations__ = cls.__init__.__annotations__
    cls.__init__ = init  # type: ignore[method-assign]
    return cls


def iso_date(date: _dt.date | None, precision: DatePrecision) -> str | None:
    """``2023-08-07``, ``2023-08`` or ``2023`` as precise as the date is known (a year before
    1000 zero-padded: ``0325``, as EDTF and biber want it); None for no date."""
    if date is None:
        return None
    if precision == "year":
        return f"{date.year:04d}"
    return (
        f"{date.year:04d}-{date.month:02d}"
        if precision == "month"
        else f"{date.year:04d}-{date.month:02d}-{date.day:02d}"
    )


@record
class Person:
    """A person, with a name's parts as CSL has them.

    A reader that can tell the parts apart (BibTeX's von and Jr parts, CSL-JSON's
    particles and suffix) fills ``particle`` (CSL's non-dropping particle: ``van`` of
    ``van Gogh``), ``dropping_particle`` (``de`` of ``Alexandre de Gaulle``, cited as
    ``Gaulle``) and ``suffix`` (``Jr.``, ``III``); a listing's byline cannot, and keeps
    particles in ``family`` (``van der Berg``)."""

    given: str
    family: str
    particle: str = ""
    dropping_particle: str = ""
    suffix: str = ""

    @property
    def full_family(self) -> str:
        """The family name with its particles: ``de la Fontaine``."""
        if not (self.particle or self.dropping_particle):
            return self.family
        return " ".join(p for p in (self.dropping_particle, self.particle, self.family) if p)

    @property
    def display(self) -> str:
        name = f"{self.given} {self.full_family}".strip()
        return f"{name}, {self.suffix}" if self.suffix else name


@record
class Group:
    """An institutional author ("GLM-5 Team"): a literal that is never split."""

    name: str

    @property
    def display(self) -> str:
        return self.name


Author: TypeAlias = Person | Group
DatePrecision: TypeAlias = Literal["year", "month", "day"]


@record
class Source:
    """Where a record came from: file name (``-`` for stdin) and 1-based line."""

    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


class LinkKind(str, Enum):
    """What a code or model URL points at; link checkers dispatch on it."""

    GITHUB_REPO = "github-repo"
    GITHUB_OWNER = "github-owner"
    HF_MODEL = "hf-model"
    HF_DATASET = "hf-dataset"
    HF_SPACE = "hf-space"
    HF_OWNER = "hf-owner"

    @property
    def service(self) -> str:
        """``github`` or ``huggingface``: the service that answers for such a link."""
        return "github" if self.value.startswith("github") else "huggingface"


@record
class Link:
    """A normalised GitHub or Hugging Face URL and what it names.

    ``owner`` is the user or organisation; ``name`` the repository, model,
    dataset or space (``None`` for an owner page). ``url`` keeps any path
    below the repository (``/tree/main/src``); the check is of the repository.
    """

    url: str
    kind: LinkKind
    owner: str
    name: str | None = None


class LinkStatus(str, Enum):
    """Outcome of a link check, as the link-health enrichers report it."""

    OK = "ok"
    MOVED = "moved"  # renamed or transferred: ``target`` is the new URL
    ARCHIVED = "archived"  # still there, read-only
    GATED = "gated"  # there, but access must be requested
    BROKEN = "broken"  # deleted, missing, private, disabled or taken down
    ERROR = "error"  # could not tell (timeout, rate limit, unreadable answer)
    UNCHECKED = "unchecked"  # not checked (``--offline``)


@record
class LinkReport:
    """The result of checking one :class:`Link`.

    ``target`` is the new URL of a ``moved`` link; ``http_status`` the status
    of the answer that decided (``None`` when none came); ``detail`` says
    what the service answered in words (rate-limit reset time, ...).
    """

    url: str
    kind: str  # the service: "github" or "huggingface"
    status: LinkStatus
    http_status: int | None = None
    target: str | None = None
    detail: str = ""


@record
class Paper:
    """One paper.

    The first group of fields is what a listing yields; the second is what
    enrichers add (arXiv identifier, DOIs, published version, link reports).
    ``title`` and ``abstract`` are LaTeX source, as listings carry them (a
    reader of a plain-text format escapes its values); ``title_text`` and
    ``abstract_text`` render them as plain text.
    ``subject`` keeps the listing's raw subject code even when it does not map
    to a known arXiv category.

    The last group is what a bibliography entry holds beyond that, in CSL's terms
    (see :mod:`papercite.fieldmap`): ``type`` is the CSL item type (None for a
    listing's paper: a preprint); ``key`` the citation key or id the input gave
    (kept in every output); ``variables`` the other CSL variables (``container-title``,
    ``volume``, ``page``, ``publisher``, ... ; text as LaTeX source like ``title``,
    dates as EDTF, ``issued`` too when it is more than a plain date: a range, a season,
    circa); ``names`` the name roles other than ``author``; ``extra`` the fields no
    CSL variable holds (``bibtex:mrnumber``), written back by formats that can hold them.
    """

    title: str
    authors: tuple[Author, ...] = ()
    et_al: bool = False
    affiliations: tuple[str, ...] = ()
    subject: str | None = None
    category: str | None = None
    date: _dt.date | None = None
    date_precision: DatePrecision = "day"  # a year-only date is stored as January 1 with "year"
    has_code: bool = False
    abstract: str = ""
    links: tuple[Link, ...] = ()
    source: Source | None = None
    # Filled in by enrichers.
    arxiv_id: str | None = None
    doi: str | None = None
    url: str | None = None
    journal_ref: str | None = None
    published_doi: str | None = None
    link_reports: tuple[LinkReport, ...] = field(default=())
    # What a bibliography entry holds beyond a preprint (readers of BibTeX, CSL-JSON, RIS).
    type: str | None = None
    key: str | None = None
    variables: tuple[tuple[str, str], ...] = ()
    names: tuple[tuple[str, tuple[Author, ...]], ...] = ()
    extra: tuple[tuple[str, str], ...] = ()

    def var(self, name: str) -> str:
        """The CSL variable ``name`` (``volume``, ``container-title``, ...), ``""`` if absent."""
        for key, value in self.variables:
            if key == name:
                return value
        return ""

    def people(self, role: str) -> tuple[Author, ...]:
        """The names in a CSL name role other than ``author`` (``editor``, ``translator``, ...)."""
        for key, value in self.names:
            if key == role:
                return value
        return ()

    @property
    def citable(self) -> bool:
        """Does the record hold anything to cite: a title, or (a dataset, a biblatex ``@set``, a
        CSL item of an id and a URL) names, an identifier, a URL or other data? Readers skip a
        record that does not, exporters do not write it."""
        return bool(
            self.title.strip()
            or self.authors
            or self.names
            or self.doi
            or self.url
            or self.arxiv_id
            or self.variables
            or any(name == "bibtex:entryset" for name, _ in self.extra)  # a biblatex @set
        )

    @property
    def is_preprint(self) -> bool:
        """Cited as a preprint: a listing's or arXiv's record, or a CSL ``article``, that has
        an arXiv identifier or category and nothing that says it was published (a container,
        a volume, pages)."""
        if self.type not in (None, "article"):
            return False
        if self.variables and (self.var("container-title") or self.var("volume") or self.var("page")):
            return False
        return bool(self.arxiv_id or self.category)

    @property
    def title_text(self) -> str:
        """The title as plain Unicode text (``$\\pi_0$`` -> ``π_0``)."""
        from papercite.text.latex import latex_to_text

        return latex_to_text(self.title)

    @property
    def abstract_text(self) -> str:
        """The abstract as plain Unicode text, rendered from its LaTeX source.

        Derived rather than stored: one source of truth, and exporters that
        do not need it (BibTeX keeps the LaTeX) do not pay for it.
        """
        from papercite.text.latex import latex_to_text  # the model itself stays import-light

        return latex_to_text(self.abstract) if self.abstract else ""

    @property
    def urls(self) -> tuple[str, ...]:
        return tuple(link.url for link in self.links)

    @property
    def year(self) -> int | None:
        return self.date.year if self.date else None

    @property
    def month(self) -> int | None:
        return self.date.month if self.date and self.date_precision != "year" else None

    @property
    def date_parts(self) -> list[int]:
        """``[2023, 8, 7]``, ``[2023, 8]`` or ``[2023]`` as precise as the date is known; ``[]`` if unknown."""
        if self.date is None:
            return []
        parts = [self.date.year, self.date.month, self.date.day]
        return parts[: {"year": 1, "month": 2, "day": 3}[self.date_precision]]

    @property
    def date_iso(self) -> str | None:
        """``2023-08-07``, ``2023-08`` or ``2023``."""
        return iso_date(self.date, self.date_precision)
