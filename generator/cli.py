"""The `sitegen` command. Each command loads configuration and calls one module; imports are
lazy so that `sitegen --help` answers at once."""

from __future__ import annotations

from pathlib import Path

import click

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


@click.group(context_settings=CONTEXT)
@click.version_option(package_name="sitegen", prog_name="sitegen")
@click.option(
    "--root",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    help="Project folder holding sitegen.toml. Default: this folder or the nearest one above.",
)
@click.pass_context
def main(ctx: click.Context, root: Path | None) -> None:
    """sitegen builds each client's site as a password-protected demo, and hands the real
    site over to the client's domain once the final payment is in.

    \b
    Clients live in sites/CLIENT/, themes in themes/, output goes to build/.
    Start with `sitegen new CLIENT`, then `sitegen build`."""
    ctx.obj = root


def _studio(ctx: click.Context):
    from sitegen import config

    root = ctx.obj or config.find_root(Path.cwd())
    return config.load_studio(root)


def _pick_clients(studio, wanted: tuple[str, ...]) -> list[str]:
    from sitegen import config
    from sitegen.errors import ConfigError, did_you_mean

    available = config.list_clients(studio)
    if not available:
        raise ConfigError(
            f"no clients in {studio.sites_dir}: a client is a folder with a site.toml\n"
            "    hint: add one with `sitegen new CLIENT`"
        )
    for name in wanted:
        if name not in available:
            hint = did_you_mean(name, available)
            raise click.UsageError(
                f"unknown client '{name}'"
                + (f"; {hint}" if hint else "")
                + f"\nclients: {', '.join(available)}"
            )
    return list(dict.fromkeys(wanted)) or available


@main.command()
@click.argument("clients", nargs=-1, metavar="[CLIENT]...")
@click.option("--release", is_flag=True, help="Also build the release for the client's domain.")
@click.option("--drafts", is_flag=True, help="Include pages marked draft.")
@click.option("-q", "--quiet", is_flag=True, help="Print errors only.")
@click.pass_context
def build(ctx: click.Context, clients: tuple[str, ...], release: bool, drafts: bool, quiet: bool):
    """Build the demo of every client, or of those named, into build/CLIENT/demo/.

    With --release, also build build/CLIENT/release/ with URLs for the client's domain.
    Clients are built in parallel; one client's error does not stop the others."""
    from sitegen import report, runner
    from sitegen.model import Mode

    studio = _studio(ctx)
    names = _pick_clients(studio, clients)
    modes = [Mode.DEMO, Mode.RELEASE] if release else [Mode.DEMO]
    with report.BuildProgress(names, quiet) as progress:
        reports = runner.build_clients(studio, names, modes, drafts, progress.done)
    if not all(r.ok for r in reports):
        ctx.exit(1)


@main.command()
@click.argument("client")
@click.option("--name", "client_name", help="The client's name, shown on the demo.")
@click.option("--email", default="client@example.com", show_default=True, help="Client email.")
@click.option("--language", default=None, help="Site language, e.g. en or ar. Default: studio's.")
@click.pass_context
def new(ctx: click.Context, client: str, client_name: str | None, email: str, language: str | None):
    """Create sites/CLIENT/ with a commented site.toml, two pages and a strong demo password."""
    from sitegen import scaffold

    studio = _studio(ctx)
    created = scaffold.new_client(studio, client, client_name, email, language)
    click.echo(f"Created {created.folder}")
    click.echo(
        f"Demo password: {created.password}  (stored in site.toml; share it with the client)"
    )
    click.echo(f"Next: edit {created.folder / 'site.toml'}, then run `sitegen build {client}`")
