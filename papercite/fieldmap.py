"""How types and fields map between CSL-JSON, BibTeX, BibLaTeX and RIS: tables, not code paths.

The record model speaks CSL (item types, variable names). Each row says what a CSL type or
variable is called in each format; readers look a format's name up (the first row that has
it wins, so a row's format names are what is *written*, and ``*_READ`` rows add names that
are only read), exporters write the row's name for the record's type or variable.

References followed, in order: citation-js's mappings (plugin-bibtex ``mapping``,
plugin-ris ``spec``), Better BibTeX's (``bibtex``/``biblatex`` translators, Zotero's RIS),
and biblatex's manual (§2.1 types, §2.2 fields). Where they differ:

- BibTeX ``@inbook`` is read as a chapter (citation-js, Zotero); written, a chapter is
  ``@incollection`` (a chapter with its own title in an edited book: BibTeX's own docs).
- BibTeX ``number`` is the issue of an article and the number of a report, patent or
  standard (citation-js); of a book with a ``series`` the number in it (biblatex's
  ``number``, CSL ``collection-number``).
- biblatex ``@thesis`` holds both thesis kinds (``type = {phdthesis}``); BibTeX writes
  ``@phdthesis`` unless the genre says master's.
- ``journal`` (BibTeX) / ``journaltitle`` (biblatex) hold the container of article-like
  types, ``booktitle`` that of chapters and conference papers (all three references).
- RIS ``T2`` is the container of a chapter, conference paper or article, but the series
  of a book, report or thesis (RIS spec, Zotero); ``JO`` is written for journals.
"""

from __future__ import annotations

from typing import Literal, NamedTuple

Kind = Literal["text", "verbatim", "list", "date", "number"]


class TypeRow(NamedTuple):
    csl: str
    bibtex: str
    biblatex: str
    ris: str


# Written as the row says; read back to the row's CSL type.
TYPES: tuple[TypeRow, ...] = (
    TypeRow("article-journal", "article", "article", "JOUR"),
    TypeRow("article-magazine", "article", "article", "MGZN"),
    TypeRow("article-newspaper", "article", "article", "NEWS"),
    TypeRow("article", "misc", "online", "JOUR"),  # a preprint (Zotero's "preprint"): as arXiv and BBT write it
    TypeRow("book", "book", "book", "BOOK"),
    TypeRow("chapter", "incollection", "incollection", "CHAP"),
    TypeRow("paper-conference", "inproceedings", "inproceedings", "CPAPER"),
    TypeRow("thesis", "phdthesis", "thesis", "THES"),
    TypeRow("report", "techreport", "report", "RPRT"),
    TypeRow("webpage", "misc", "online", "ELEC"),
    TypeRow("post-weblog", "misc", "online", "BLOG"),
    TypeRow("post", "misc", "online", "ELEC"),
    TypeRow("dataset", "misc", "dataset", "DATA"),
    TypeRow("software", "misc", "software", "COMP"),
    TypeRow("patent", "misc", "patent", "PAT"),
    TypeRow("manuscript", "unpublished", "unpublished", "UNPB"),
    TypeRow("pamphlet", "booklet", "booklet", "PAMP"),
    TypeRow("periodical", "misc", "periodical", "JFULL"),
    TypeRow("entry-encyclopedia", "incollection", "inreference", "ENCYC"),
    TypeRow("entry-dictionary", "incollection", "inreference", "DICT"),
    TypeRow("standard", "techreport", "standard", "STAND"),
    TypeRow("legal_case", "misc", "jurisdiction", "CASE"),
    TypeRow("legislation", "misc", "legislation", "STAT"),
    TypeRow("bill", "misc", "legislation", "BILL"),
    TypeRow("hearing", "misc", "misc", "HEAR"),
    TypeRow("map", "misc", "misc", "MAP"),
    TypeRow("graphic", "misc", "artwork", "ART"),
    TypeRow("motion_picture", "misc", "movie", "MPCT"),
    TypeRow("broadcast", "misc", "video", "VIDEO"),
    TypeRow("song", "misc", "audio", "SOUND"),
    TypeRow("musical_score", "misc", "music", "MUSIC"),
    TypeRow("personal_communication", "misc", "letter", "PCOMM"),
    TypeRow("interview", "misc", "misc", "GEN"),
    TypeRow("speech", "misc", "misc", "GEN"),
    TypeRow("review", "article", "review", "JOUR"),
    TypeRow("review-book", "article", "review", "JOUR"),
    TypeRow("classic", "book", "book", "CLSWK"),
    TypeRow("collection", "book", "collection", "BOOK"),
    TypeRow("document", "misc", "misc", "GEN"),
)

# Names only read (several names of one type, older or tool-specific spellings).
BIBTEX_TYPES_READ: dict[str, str] = {
    "inbook": "chapter", "bookinbook": "chapter", "suppbook": "chapter", "suppcollection": "chapter",
    "conference": "paper-conference", "mastersthesis": "thesis", "manual": "report", "proceedings": "book",
    "mvproceedings": "book", "mvbook": "book", "mvcollection": "book", "reference": "book",
    "mvreference": "book", "electronic": "webpage", "www": "webpage", "data": "dataset",
    "suppperiodical": "article-magazine", "image": "graphic", "commentary": "book", "legal": "legislation",
    "performance": "speech", "misc": "document",
}  # fmt: skip
RIS_TYPES_READ: dict[str, str] = {
    "EJOUR": "article-journal", "ABST": "article-journal", "INPR": "article-journal", "JOUR": "article-journal",
    "EBOOK": "book", "EDBOOK": "book", "SER": "book", "ECHAP": "chapter", "CONF": "paper-conference",
    "WEB": "webpage", "DBASE": "dataset", "AGGR": "dataset", "MANSCPT": "manuscript", "GEN": "document",
    "CTLG": "document", "GRANT": "document", "GOVDOC": "report", "LEGAL": "legislation", "ICOMM":
    "personal_communication", "SLIDE": "speech", "FIGURE": "figure", "EQUA": "document", "CHART": "graphic",
    "ADVS": "motion_picture", "MULTI": "document", "UNBILL": "bill", "ELEC": "webpage",
}  # fmt: skip

# A type named in the rows but read as another: "online" is a webpage unless it is a preprint
# (the reader decides by the arXiv eprint), "misc" is a document.
_CSL_BY = {fmt: {getattr(row, fmt): row.csl for row in reversed(TYPES)} for fmt in ("bibtex", "biblatex", "ris")}
_CSL_BY["bibtex"].update(BIBTEX_TYPES_READ)
_CSL_BY["biblatex"].update(BIBTEX_TYPES_READ)
_CSL_BY["biblatex"].update({"online": "webpage", "report": "report", "thesis": "thesis", "review": "review"})
_CSL_BY["ris"].update(RIS_TYPES_READ)
_ROW = {row.csl: row for row in TYPES}


def csl_type(fmt: str, name: str) -> str | None:
    """The CSL type of a format's type name (``bibtex``, ``biblatex``, ``ris``), None if unknown."""
    return _CSL_BY[fmt].get(name if fmt == "ris" else name.lower())


def type_name(fmt: str, csl: str) -> str:
    """A format's type name for a CSL type (``document``'s for a type without a row)."""
    return getattr(_ROW.get(csl) or _ROW["document"], fmt)


# Types whose container is a journal (BibTeX ``journal``, biblatex ``journaltitle``, RIS ``JO``).
JOURNAL_TYPES = frozenset(
    {"article-journal", "article-magazine", "article-newspaper", "article", "review", "review-book", "periodical"}
)
# Types whose RIS T2 / BibTeX series is their series, not a container.
SERIES_TYPES = frozenset({"book", "report", "thesis", "classic", "collection", "pamphlet", "standard"})
# Types whose BibTeX ``number`` is their own number, not an issue or a number in a series.
NUMBERED_TYPES = frozenset({"report", "patent", "standard", "legislation", "bill", "legal_case", "dataset"})
# BibTeX's field for the publisher, by type (biblatex the same, ``school`` -> ``institution``).
PUBLISHER_FIELD = {"thesis": "school", "report": "institution", "standard": "institution"}


class FieldRow(NamedTuple):
    """A CSL variable and its name in each format (None: the format has no place for it).

    ``kind``: ``text`` (LaTeX in BibTeX, plain elsewhere), ``verbatim`` (the same
    characters everywhere: ISBN, call number), ``list`` (keywords: one value a
    RIS line, comma-separated in BibTeX and CSL), ``date`` (EDTF in the model)."""

    csl: str
    bibtex: str | None
    biblatex: str | None
    ris: str | None
    kind: Kind = "text"


# Variables whose name depends on the type (container-title, publisher, issue/number) are
# handled with the type tables above; these are the rest. title, abstract, DOI, URL and the
# issued date have fields of their own in the record model.
FIELDS: tuple[FieldRow, ...] = (
    FieldRow("container-title-short", "shortjournal", "shortjournal", "J2"),
    FieldRow("collection-title", "series", "series", "T3"),
    FieldRow("volume", "volume", "volume", "VL", "verbatim"),
    FieldRow("page", "pages", "pages", "SP", "verbatim"),
    FieldRow("number-of-pages", "pagetotal", "pagetotal", None, "verbatim"),
    FieldRow("number-of-volumes", "volumes", "volumes", "NV", "verbatim"),
    FieldRow("chapter-number", "chapter", "chapter", "SE", "verbatim"),
    FieldRow("edition", "edition", "edition", "ET"),
    FieldRow("version", "version", "version", None, "verbatim"),
    FieldRow("publisher-place", "address", "location", "CY"),
    FieldRow("event-title", "eventtitle", "eventtitle", None),
    FieldRow("event-place", "venue", "venue", None),
    FieldRow("genre", "type", "type", "M3"),
    FieldRow("title-short", "shorttitle", "shorttitle", "ST"),
    FieldRow("ISBN", "isbn", "isbn", "SN", "verbatim"),
    FieldRow("ISSN", "issn", "issn", "SN", "verbatim"),
    FieldRow("PMID", "pmid", "pmid", None, "verbatim"),
    FieldRow("PMCID", "pmcid", "pmcid", None, "verbatim"),
    FieldRow("call-number", None, None, "CN", "verbatim"),
    FieldRow("language", "language", "language", "LA"),
    FieldRow("keyword", "keywords", "keywords", "KW", "list"),
    FieldRow("note", "note", "note", "N1"),
    FieldRow("annote", "annote", "annotation", None),
    FieldRow("status", "pubstate", "pubstate", None),
    FieldRow("medium", "howpublished", "howpublished", None),
    FieldRow("source", None, None, "DB"),
    FieldRow("archive", None, None, "DP"),
    FieldRow("accessed", "urldate", "urldate", "Y2", "date"),
    FieldRow("original-date", "origdate", "origdate", None, "date"),
    FieldRow("event-date", "eventdate", "eventdate", None, "date"),
)
FIELDS_BY_CSL = {row.csl: row for row in FIELDS}
# Names only read: other tools' spellings of the same variable.
BIBTEX_FIELDS_READ: dict[str, str] = {
    "location": "publisher-place", "address": "publisher-place", "langid": "language", "keyword": "keyword",
    "annotation": "annote", "annote": "annote", "lastchecked": "accessed",
    "journalabbreviation": "container-title-short", "shortjournal": "container-title-short",
    "journal-abbreviation": "container-title-short",
}  # fmt: skip
RIS_FIELDS_READ: dict[str, str] = {"JA": "container-title-short"}


class NameRow(NamedTuple):
    csl: str
    bibtex: str | None
    biblatex: str | None
    ris: str | None


NAMES: tuple[NameRow, ...] = (
    NameRow("editor", "editor", "editor", "A2"),
    NameRow("collection-editor", None, "editora", "A3"),
    NameRow("translator", "translator", "translator", "A4"),
    NameRow("container-author", "bookauthor", "bookauthor", None),
    NameRow("director", None, "director", None),
    NameRow("composer", None, "composer", None),
    NameRow("interviewer", None, None, None),
    NameRow("recipient", None, None, None),
    NameRow("reviewed-author", None, None, None),
    NameRow("illustrator", None, "illustrator", None),
)
RIS_NAMES_READ = {"ED": "editor", "A2": "editor", "A3": "collection-editor", "A4": "translator"}


def field_csl(fmt: str, name: str) -> FieldRow | None:
    """The row of a format's field or tag name (BibTeX names lower-case)."""
    return _FIELD_BY[fmt].get(name)


_FIELD_BY: dict[str, dict[str, FieldRow]] = {
    fmt: {getattr(row, fmt): row for row in reversed(FIELDS) if getattr(row, fmt)}
    for fmt in ("bibtex", "biblatex", "ris")
}
for _fmt in ("bibtex", "biblatex"):
    _FIELD_BY[_fmt].update({k: FIELDS_BY_CSL[v] for k, v in BIBTEX_FIELDS_READ.items() if v in FIELDS_BY_CSL})
_FIELD_BY["ris"].update({k: FIELDS_BY_CSL[v] for k, v in RIS_FIELDS_READ.items() if v in FIELDS_BY_CSL})


# The CSL-JSON schema's (csl-data.json, CSL 1.0.2) item types and variables.
CSL_TYPES = frozenset(
    """
    article article-journal article-magazine article-newspaper bill book broadcast chapter classic
    collection dataset document entry entry-dictionary entry-encyclopedia event figure graphic
    hearing interview legal_case legislation manuscript map motion_picture musical_score pamphlet
    paper-conference patent performance periodical personal_communication post post-weblog
    regulation report review review-book software song speech standard thesis treaty webpage
    """.split()
)
CSL_TEXT_VARIABLES = frozenset(
    """
    citation-key language journalAbbreviation shortTitle abstract annote archive archive_collection
    archive_location archive-place authority call-number citation-label collection-title container-title
    container-title-short dimensions division DOI event event-title event-place genre ISBN
    ISSN jurisdiction keyword medium note original-publisher original-publisher-place original-title
    part-title PMCID PMID publisher publisher-place references reviewed-genre reviewed-title scale
    section source status title title-short URL version volume-title volume-title-short year-suffix
    """.split()
)
CSL_NUMBER_VARIABLES = frozenset(
    """
    chapter-number citation-number collection-number edition first-reference-note-number issue
    locator number number-of-pages number-of-volumes page page-first part printing supplement volume
    """.split()
)
CSL_NAME_VARIABLES = frozenset(
    """
    author chair collection-editor compiler composer container-author contributor curator director
    editor editorial-director executive-producer guest host interviewer illustrator narrator
    organizer original-author performer producer recipient reviewed-author script-writer series-creator translator
    """.split()
)
CSL_DATE_VARIABLES = frozenset(
    """
    accessed available-date event-date issued original-date submitted
    """.split()
)

# Text variables that may hold CSL's rich-text markup (``<i>``, ``<b>``, ...), as titles do.
CSL_RICH_VARIABLES = frozenset(
    """container-title collection-title title-short container-title-short event-title original-title
    volume-title part-title reviewed-title""".split()
)
# Variables that are identifiers: the same characters in every format, never LaTeX.
VERBATIM_VARIABLES = frozenset({"ISBN", "ISSN", "PMID", "PMCID", "call-number"})

# The fields a BibTeX style (plain.bst's "empty ... in" warnings) and biber's default data
# model ("Missing mandatory field") want of each type; "a|b" is either. An entry that lacks
# one is written as @misc instead, which wants nothing: its consumers accept it silently,
# and its fields are all still there.
REQUIRED: dict[str, dict[str, tuple[str, ...]]] = {
    "bibtex": {
        "article": ("author", "title", "journal", "year"),
        "book": ("author|editor", "title", "publisher", "year"),
        "booklet": ("title",),
        "incollection": ("author", "title", "booktitle", "publisher", "year"),
        "inproceedings": ("author", "title", "booktitle", "year"),
        "phdthesis": ("author", "title", "school", "year"),
        "mastersthesis": ("author", "title", "school", "year"),
        "techreport": ("author", "title", "institution", "year"),
        "unpublished": ("author", "title", "note"),
    },
    "biblatex": {
        "article": ("author", "title", "journaltitle", "date"),
        "book": ("author", "title", "date"),
        "collection": ("editor", "title", "date"),
        "incollection": ("author", "title", "booktitle", "date"),
        "inreference": ("author|editor", "title", "booktitle", "date"),
        "inproceedings": ("author", "title", "booktitle", "date"),
        "online": ("author|editor", "title", "date", "url"),
        "patent": ("author", "title", "number", "date"),
        "periodical": ("editor", "title", "date"),
        "report": ("author", "title", "type", "institution", "date"),
        "thesis": ("author", "title", "type", "institution", "date"),
        "unpublished": ("author", "title", "date"),
        "dataset": ("author|editor", "title", "date"),
        "software": ("author|editor", "title", "date"),
        "booklet": ("author|editor", "title", "date"),
        "misc": ("author|editor", "title", "date"),
    },
}


def missing_field(fmt: str, entry_type: str, present: set[str]) -> str | None:
    """The first field ``entry_type`` wants that is not in ``present`` (None if none is missing)."""
    for want in REQUIRED[fmt].get(entry_type, ()):
        if not any(name in present for name in want.split("|")):
            return want
    return None
