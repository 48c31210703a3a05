"""Built-in readers of citation formats, each a plugin module registered like a third-party one.

(The listing reader, papercite's main input, lives in :mod:`papercite.readers.listing`.)
This module holds what the readers share.
"""

from __future__ import annotations

import re

from papercite.dates import date_from_parts

__all__ = ["clean_doi", "clean_url", "date_from_parts", "own_doi", "own_url", "preprint_type"]


def own_doi(doi: str | None, arxiv_id: str | None) -> str | None:
    """A DOI worth keeping beside the arXiv id: not the arXiv DOI, which exporters derive from the id."""
    if doi and arxiv_id and doi.lower() == f"10.48550/arxiv.{arxiv_id}".lower():
        return None
    return doi or None


_ARXIV_ABS = re.compile(r"https?://(?:www\.)?arxiv\.org/abs/")


def own_url(url: str | None, arxiv_id: str | None) -> str | None:
    """A URL worth keeping: not the arXiv abstract page exporters derive from the id, unless it
    says more (a version: ``/abs/2308.03688v3``)."""
    if not url or "arxiv.org" not in url:
        return url or None
    if (arxiv_id and _ARXIV_ABS.match(url) and url.rstrip("/").endswith("/abs/" + arxiv_id)):
        return None
    if not arxiv_id and _ARXIV_ABS.match(url) and not re.search(r"v\d+/?$", url):
        return None  # the id is read from it; the page is derived again
    return url


_DOI_PREFIX = re.compile(r"^\s*(?:https?://(?:dx\.)?doi\.org/|doi\s*:\s*|doi\s+)", re.IGNORECASE)


def clean_doi(value: str | None) -> str | None:
    """A DOI without the forms tools wrap it in: ``https://doi.org/``, ``doi:``, ``DOI ``,
    LaTeX escapes (``\\_``, ``{\\_}``)."""
    if not value:
        return None
    if value.startswith("10.") and "\\" not in value and value == value.strip():
        return value  # a bare DOI (most): nothing to take off
    value = clean_url(value)
    value = _DOI_PREFIX.sub("", value).strip()
    return value or None


_URL_ESCAPE = re.compile(r"\{\\([_&%#$~])\}|\\([_&%#$~])")


def clean_url(value: str) -> str:
    """A URL as a browser takes it: ``\\url{}`` unwrapped, LaTeX escapes (``{\\_}``, ``\\&``, ``\\%``) undone."""
    value = value.strip()
    if value.startswith("\\url{") and value.endswith("}"):
        value = value[5:-1]
    if "\\" in value:
        value = _URL_ESCAPE.sub(lambda m: m.group(1) or m.group(2), value)
    return value


# Types a preprint is written as by tools that have no preprint type (arXiv's @misc, @online,
# Zotero's "article", RIS's JOUR with JO arXiv).
_PREPRINT_AS = frozenset({"article", "document", "webpage", "manuscript", "article-journal"})


def preprint_type(
    kind: str, arxiv_id: str | None, category: str | None, variables: tuple[tuple[str, str], ...]
) -> tuple[str | None, tuple[tuple[str, str], ...]]:
    """The record type and variables of an entry: a record that is nothing but an arXiv
    preprint gets type None (a preprint, as a listing's paper; its exporters write it as arXiv
    does), without the "arXiv" container or publisher that said so. Anything published keeps
    its type."""
    if kind not in _PREPRINT_AS or not (arxiv_id or category):
        return kind, variables
    if not variables:
        return (kind if kind == "article-journal" else None), variables
    container = ""
    for key, value in variables:
        if key == "container-title":
            container = value
        elif key in ("volume", "page"):
            return kind, variables
    if (container and "arxiv" not in container.lower()) or (kind == "article-journal" and not container):
        return kind, variables
    kept = tuple((k, v) for k, v in variables if not (k in ("container-title", "publisher") and "arxiv" in v.lower()))
    return None, kept
