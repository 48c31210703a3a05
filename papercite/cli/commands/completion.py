"""``papercite completion``: the shell completion script."""

from __future__ import annotations

import click


def command() -> click.Command:
    @click.command()
    @click.argument("shell", type=click.Choice(["bash", "zsh", "fish"]))
    @click.pass_context
    def completion(ctx: click.Context, shell: str) -> None:
        """Print the shell completion script: eval "$(papercite completion bash)" in ~/.bashrc
        (zsh: ~/.zshrc; fish: papercite completion fish | source)."""
        from click.shell_completion import get_completion_class

        completer = get_completion_class(shell)
        assert completer is not None
        root = ctx.find_root().command
        click.echo(completer(root, {}, "papercite", "_PAPERCITE_COMPLETE").source())

    return completion
