"""What every command shares: the `--root` option, the studio it finds, the clients named on
the command line, and the usage errors that suggest the closest valid choice."""

from __future__ import annotations

from pathlib import Path

import click

ROOT_HELP = "Project folder holding sitegen.toml. Default: this folder or the nearest one above."


def _root_after_command(ctx: click.Context, param, value: Path | None) -> None:
    """`--root` after the command (`sitegen build --root PATH`) counts as before it."""
    if value is not None:
        ctx.obj = value


def root_option() -> click.Option:
    return click.Option(
        ["--root"],
        type=click.Path(file_okay=False, exists=True, path_type=Path),
        expose_value=False,
        callback=_root_after_command,
        help=ROOT_HELP,
    )


def no_wait_option(command):
    return click.option(
        "--no-wait",
        is_flag=True,
        help="Fail at once if another run holds the client, instead of waiting for it.",
    )(command)


def find_studio(ctx: click.Context):
    from sitegen.config.load import find_root, load_studio

    root = ctx.obj or find_root(Path.cwd())
    return load_studio(root)


def warn_example_studio(studio) -> None:
    """Demos built under the example studio's name show the wrong studio to a client."""
    from sitegen.config.newstudio import example_values
    from sitegen.errors import format_diagnostic

    found = example_values(studio)
    if found:
        click.echo(f"warning: {format_diagnostic(found)}", err=True)


def pick_clients(studio, wanted: tuple[str, ...]) -> list[str]:
    from sitegen.config.load import list_clients, not_clients
    from sitegen.errors import ConfigError, format_diagnostic

    available = list_clients(studio)
    if not wanted:
        for skipped in not_clients(studio):
            click.echo(f"warning: {format_diagnostic(skipped)}", err=True)
    if not available:
        raise ConfigError(
            f"no clients in {studio.sites_dir}: a client is a folder with a site.toml\n"
            "    hint: add one with `sitegen new CLIENT`"
        )
    for name in wanted:
        if name not in available:
            raise unknown_choice(f"unknown client '{name}'", name, available, "clients")
    return list(dict.fromkeys(wanted)) or available


def unknown_choice(message: str, wanted: str, known: list[str], label: str) -> click.UsageError:
    """A usage error naming the closest valid choice and listing them all."""
    from sitegen.errors import did_you_mean

    hint = did_you_mean(wanted, known)
    listed = ", ".join(known) or "none yet"
    return click.UsageError(message + (f"; {hint}" if hint else "") + f"\n{label}: {listed}")
