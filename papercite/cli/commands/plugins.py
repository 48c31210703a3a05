"""``papercite plugins``: what is installed."""

from __future__ import annotations

import json

import click

from papercite.cli.app import App


def command() -> click.Command:
    @click.command()
    @click.pass_obj
    def plugins(app: App) -> None:
        """List installed plugins, built-in and external, with their hooks, as JSON."""
        click.echo(json.dumps(app.registry.describe(), indent=2))

    return plugins
