"""Commands that make a site: a studio (`init`), a client (`new`), its build (`build`) and its
preview (`serve`)."""

from __future__ import annotations

from pathlib import Path

import click

from sitegen.cli.common import find_studio, no_wait_option, pick_clients, warn_example_studio


@click.command()
@click.argument("folder", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--name", "studio_name", help="Studio name, shown on every demo.")
@click.option("--email", help="Studio email, shown on every demo.")
@click.option("--phone", help="Studio phone number (optional).")
@click.option("--demo-domain", help="Host the demos live under. Default: demo.EMAIL-DOMAIN.")
def init(folder: Path, studio_name, email, phone, demo_domain):
    """Start a studio of your own in FOLDER (default: here): a commented sitegen.toml with
    your studio's name, email, phone and demo domain, and an empty sites/.

    On a terminal it asks for what the options do not give; elsewhere --name and --email
    are required. An existing sitegen.toml is never replaced."""
    from sitegen.cli import initview
    from sitegen.config import newstudio

    answers = initview.ask(folder, studio_name, email, phone, demo_domain)
    path = newstudio.new_studio(folder, answers)
    initview.created(folder, path)


@click.command()
@click.argument("client")
@click.option("--name", "client_name", help="The client's name, shown on the demo.")
@click.option("--email", default="client@example.com", show_default=True, help="Client email.")
@click.option("--language", default=None, help="Site language, e.g. en or ar. Default: studio's.")
@click.pass_context
def new(ctx: click.Context, client: str, client_name: str | None, email: str, language: str | None):
    """Create sites/CLIENT/ with a commented site.toml, two pages and a strong demo password."""
    from sitegen.config import scaffold

    studio = find_studio(ctx)
    created = scaffold.new_client(studio, client, client_name, email, language)
    click.echo(f"Created {created.folder}")
    click.echo(
        f"Demo password: {created.password}  (stored in site.toml; share it with the client)"
    )
    click.echo(
        f"Next: set the milestones' prices in {created.folder / 'site.toml'}, then run "
        f"`sitegen build {client}` and `sitegen serve {client}` to see it"
    )


@click.command()
@click.argument("clients", nargs=-1, metavar="[CLIENT]...")
@click.option("--release", is_flag=True, help="Also build the release for the client's domain.")
@click.option("--drafts", is_flag=True, help="Include pages marked draft.")
@click.option(
    "--no-cache", is_flag=True, help="Build and convert every page again, ignoring build/.cache."
)
@click.option("-q", "--quiet", is_flag=True, help="Print errors only.")
@no_wait_option
@click.pass_context
def build(ctx: click.Context, clients: tuple[str, ...], release, drafts, no_cache, quiet, no_wait):
    """Build the demo of every client, or of those named, into build/CLIENT/demo/.

    With --release, also build build/CLIENT/release/ with URLs for the client's domain.
    Clients are built in parallel; one client's error does not stop the others."""
    from sitegen.cli import buildview
    from sitegen.model import Mode
    from sitegen.pipeline.clients import build_clients

    studio = find_studio(ctx)
    names = pick_clients(studio, clients)
    warn_example_studio(studio)
    modes = [Mode.DEMO, Mode.RELEASE] if release else [Mode.DEMO]
    with buildview.BuildProgress(names, quiet) as progress:
        reports = build_clients(
            studio, names, modes, drafts, progress.done, use_cache=not no_cache, wait=not no_wait
        )
    if not all(r.ok for r in reports):
        ctx.exit(1)


@click.command()
@click.argument("client")
@click.option("--port", default=8000, show_default=True, help="Port to listen on (0: any free).")
@click.option("--bind", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--release", is_flag=True, help="Preview the release build instead of the demo.")
@click.option("--drafts", is_flag=True, help="Include pages marked draft.")
@click.option("--open", "open_browser", is_flag=True, help="Open the site in a browser.")
@click.option(
    "--https", is_flag=True, help="Serve over https with a self-signed certificate (for phones)."
)
@click.pass_context
def serve(ctx: click.Context, client, port, bind, release, drafts, open_browser, https):
    """Build CLIENT's demo in memory, serve it, rebuild on every save and reload the browser.

    The demo is served with its password gate, as the client sees it; --release previews the
    release instead. Pages are served from memory: nothing but build/.cache is written.
    Stop with Ctrl-C."""
    from sitegen.cli import passwords
    from sitegen.model import Mode
    from sitegen.serve import server as preview_server

    studio = find_studio(ctx)
    name = pick_clients(studio, (client,))[0]
    warn_example_studio(studio)
    mode = Mode.RELEASE if release else Mode.DEMO
    notes = () if release else passwords.serve_notes(studio, name)
    preview_server.run(studio.root, name, mode, port, bind, drafts, open_browser, https, notes)
