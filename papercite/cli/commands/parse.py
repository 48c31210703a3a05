"""``papercite parse``: records as JSON Lines."""

from __future__ import annotations

import click

from papercite.cli.app import App
from papercite.cli.commands.export import export_to
from papercite.cli.options import ReadRequest, reader_options


def command() -> click.Command:
    @click.command()
    @reader_options
    @click.option("-o", "--output", default="-", metavar="FILE", help="Write here instead of standard output.")
    @click.pass_obj
    def parse(app: App, read: ReadRequest, output: str) -> None:
        """Read inputs and print one JSON object per record (JSON Lines).

        INPUT is a file, or - for standard input. Each line of the output has
        exactly the keys title, authors, et_al, affiliations, category, date,
        has_code, abstract, abstract_text, urls and source (see the README).
        Problems are reported on standard error as FILE:LINE: message, and
        the other records are still written.
        """
        app.run(lambda session: export_to(session, read, output, "jsonl"), strict=read.strict)

    return parse
