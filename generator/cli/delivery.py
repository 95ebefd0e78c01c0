"""The `sitegen` command. Each command loads configuration and calls one module; imports are
lazy so that `sitegen --help` answers at once."""

from __future__ import annotations

from pathlib import Path

import click

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


# Commands in the order of the work, for --help; any other after them.
WORKFLOW = ("init", "new", "build", "serve", "publish", "status", "pay", "handover", "feedback")
ROOT_HELP = "Project folder holding sitegen.toml. Default: this folder or the nearest one above."
EXIT_CODES = """\b
Exit codes: 0 success, 1 build or configuration error, 2 usage error (unknown option or
client), 3 handover refused (not paid in full), 130 and 143 stopped by Ctrl-C or SIGTERM."""


def _root_after_command(ctx: click.Context, param, value: Path | None) -> None:
    """`--root` after the command (`sitegen build --root PATH`) counts as before it."""
    if value is not None:
        ctx.obj = value


def _root_option() -> click.Option:
    return click.Option(
        ["--root"],
        type=click.Path(file_okay=False, exists=True, path_type=Path),
        expose_value=False,
        callback=_root_after_command,
        help=ROOT_HELP,
    )


class _Main(click.Group):
    """Every command stops cleanly on SIGTERM or Ctrl-C (exit 143 or 130), and a disk that
    fails (full, read-only) is reported with the file and what to do, never a traceback.
    Commands are listed in the order of the work, and each takes --root as the group does."""

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        if cmd.name != "init":  # init makes the project folder: it has no --root to find
            cmd.params.append(_root_option())
        super().add_command(cmd, name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        order = {name: index for index, name in enumerate(WORKFLOW)}
        return sorted(self.commands, key=lambda name: (order.get(name, len(order)), name))

    def invoke(self, ctx: click.Context):
        import errno

        from sitegen import processes
        from sitegen.errors import SitegenError, disk_problem

        try:
            with processes.stoppable():
                return super().invoke(ctx)
        except processes.Interrupted as exc:
            click.echo(f"stopped by {exc}: nothing already built or deployed was lost", err=True)
            raise click.exceptions.Exit(exc.exit_code) from None
        except OSError as exc:
            if exc.errno == errno.EPIPE:
                raise
            raise SitegenError(disk_problem(exc)) from exc


def _no_wait_option(command):
    return click.option(
        "--no-wait",
        is_flag=True,
        help="Fail at once if another run holds the client, instead of waiting for it.",
    )(command)


@click.group(cls=_Main, context_settings=CONTEXT, epilog=EXIT_CODES)
@click.version_option(None, "-V", "--version", package_name="sitegen", prog_name="sitegen")
@click.option(
    "--root", type=click.Path(file_okay=False, exists=True, path_type=Path), help=ROOT_HELP
)
@click.pass_context
def main(ctx: click.Context, root: Path | None) -> None:
    """sitegen builds each client's site as a password-protected demo, and hands the real
    site over to the client's domain once the final payment is in.

    \b
    Clients live in sites/CLIENT/, themes in themes/, output goes to build/.
    Start with `sitegen init FOLDER`, then `sitegen new CLIENT`, `sitegen build` and
    `sitegen serve CLIENT`."""
    ctx.obj = root


def _studio(ctx: click.Context):
    from sitegen.config.load import find_root, load_studio

    root = ctx.obj or find_root(Path.cwd())
    return load_studio(root)


def _warn_example_studio(studio) -> None:
    """Demos built under the example studio's name show the wrong studio to a client."""
    from sitegen.config.newstudio import example_values
    from sitegen.errors import format_diagnostic

    found = example_values(studio)
    if found:
        click.echo(f"warning: {format_diagnostic(found)}", err=True)


def _pick_clients(studio, wanted: tuple[str, ...]) -> list[str]:
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
            raise _unknown(f"unknown client '{name}'", name, available, "clients")
    return list(dict.fromkeys(wanted)) or available


def _unknown(message: str, wanted: str, known: list[str], label: str) -> click.UsageError:
    """A usage error naming the closest valid choice and listing them all."""
    from sitegen.errors import did_you_mean

    hint = did_you_mean(wanted, known)
    listed = ", ".join(known) or "none yet"
    return click.UsageError(message + (f"; {hint}" if hint else "") + f"\n{label}: {listed}")


@main.command()
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


@main.command()
@click.argument("clients", nargs=-1, metavar="[CLIENT]...")
@click.option("--release", is_flag=True, help="Also build the release for the client's domain.")
@click.option("--drafts", is_flag=True, help="Include pages marked draft.")
@click.option(
    "--no-cache", is_flag=True, help="Build and convert every page again, ignoring build/.cache."
)
@click.option("-q", "--quiet", is_flag=True, help="Print errors only.")
@_no_wait_option
@click.pass_context
def build(ctx: click.Context, clients: tuple[str, ...], release, drafts, no_cache, quiet, no_wait):
    """Build the demo of every client, or of those named, into build/CLIENT/demo/.

    With --release, also build build/CLIENT/release/ with URLs for the client's domain.
    Clients are built in parallel; one client's error does not stop the others."""
    from sitegen.cli import buildview
    from sitegen.model import Mode
    from sitegen.pipeline.clients import build_clients

    studio = _studio(ctx)
    names = _pick_clients(studio, clients)
    _warn_example_studio(studio)
    modes = [Mode.DEMO, Mode.RELEASE] if release else [Mode.DEMO]
    with buildview.BuildProgress(names, quiet) as progress:
        reports = build_clients(
            studio, names, modes, drafts, progress.done, use_cache=not no_cache, wait=not no_wait
        )
    if not all(r.ok for r in reports):
        ctx.exit(1)


@main.command()
@click.argument("clients", nargs=-1, metavar="[CLIENT]...")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.pass_context
def status(ctx: click.Context, clients: tuple[str, ...], as_json: bool):
    """Milestones, payments and demo URLs of every client, or of those named.

    With one client: its milestones in detail. Overdue payments are shown in red."""
    import datetime as dt
    import json

    from rich.console import Console

    from sitegen.cli import statusview
    from sitegen.config.load import load_site
    from sitegen.feedback import policy
    from sitegen.payments import overview
    from sitegen.publish import handover, publishdemo

    studio = _studio(ctx)
    names = _pick_clients(studio, clients)
    today = dt.date.today()
    sites = [load_site(studio, n) for n in names]
    statuses = [
        overview.client_status(
            studio,
            s,
            today,
            handover.handed_over_on(s),
            publishdemo.demo_ends_on(studio, s),
            policy.open_until(s),
        )
        for s in sites
    ]
    if as_json:
        statuses_json = [overview.as_json(s) for s in statuses]
        click.echo(json.dumps(statuses_json, indent=2, ensure_ascii=False))
        return
    console = Console()
    if not console.is_terminal:
        console = Console(width=120)
    if len(statuses) == 1 and clients:
        statusview.print_detail(console, statuses[0])
    else:
        statusview.print_table(console, statuses)


@main.command()
@click.argument("client")
@click.argument("milestone")
@click.option("--ref", help="Payment reference, such as the invoice number.")
@click.option(
    "--on",
    "paid_on",
    help="Payment date: 2026-12-01, 1.12.2026 or 13/12/2026. Default: today.",
)
@click.option("--undo", is_flag=True, help="Clear the payment instead.")
@click.pass_context
def pay(ctx: click.Context, client, milestone, ref, paid_on, undo):
    """Record that the client paid MILESTONE: sets its paid flag, date and reference in
    site.toml, keeping every comment. The site is handed over once every milestone is paid.

    A milestone already paid keeps its date and reference unless --on or --ref is given."""
    import datetime as dt

    from sitegen.config.load import load_site
    from sitegen.payments import ledger, progress

    studio = _studio(ctx)
    name = _pick_clients(studio, (client,))[0]
    site = load_site(studio, name)
    known = [m.id for m in site.milestones]
    if milestone not in known:
        raise _unknown(f"{name} has no milestone '{milestone}'", milestone, known, "milestones")
    day = None
    if paid_on:
        from sitegen.cli.dates import parse_day

        try:
            day, retyped = parse_day(paid_on)
        except click.BadParameter as exc:
            exc.param_hint = "'--on'"
            raise
        if retyped:
            click.echo(f"Read --on {paid_on} as {day:%-d %B %Y} ({day.isoformat()}).")
    before = next(m for m in site.milestones if m.id == milestone)
    decision = ledger.decide(before, undo, day, ref, dt.date.today())
    if decision.payment is None:
        click.echo(_unchanged(name, before, decision.reason))
        return
    if decision.future:
        click.echo(f"warning: {decision.payment.paid_on} is in the future; check --on", err=True)
    ledger.record(site.config_path, decision.payment)
    site = load_site(studio, name)
    done = next(m for m in site.milestones if m.id == milestone)
    if undo:
        click.echo(f"Cleared the payment of '{milestone}' for {name}.")
    else:
        reference = f" ({done.ref})" if done.ref else ""
        click.echo(f"Recorded: '{milestone}' of {name} paid on {done.paid_on}{reference}.")
    click.echo(f"The client sees it on the status page after the next `sitegen publish {name}`.")
    left = progress.unpaid(site)
    if progress.paid_in_full(site):
        click.echo(f"{name} is paid in full: ready for `sitegen handover {name}`.")
    else:
        click.echo(f"Still unpaid: {', '.join(m.id for m in left)}.")


def _unchanged(client: str, milestone, reason: str) -> str:
    if reason == "nothing to clear":
        return f"'{milestone.id}' of {client} is not paid: there was nothing to clear."
    on = f" on {milestone.paid_on}" if milestone.paid_on else ""
    ref = f" (ref {milestone.ref})" if milestone.ref else ""
    return (
        f"'{milestone.id}' of {client} is already paid{on}{ref}: nothing changed.\n"
        "To correct the payment, give --on DATE and/or --ref REF again."
    )


def _force_prefix_option(command):
    return click.option(
        "--force-prefix",
        is_flag=True,
        help="Sync even where the target holds another client's folder or files sitegen did "
        "not write (they may be deleted).",
    )(command)


def _waiting(message: str) -> None:
    click.echo(message, err=True)


@main.command()
@click.argument("clients", nargs=-1, metavar="[CLIENT]...")
@click.option("--target", help="Upload here instead of the studio's demo_target, for this run.")
@click.option("--dry-run", is_flag=True, help="Print the plan; change nothing.")
@click.option("--max-deletes", type=int, help="Refuse a sync deleting more (default 256).")
@click.option("--force", is_flag=True, help="Publish even clients already handed over.")
@click.option(
    "--no-cache",
    is_flag=True,
    help="Build and check every file again, ignoring build/.cache (the leak check's record too).",
)
@_force_prefix_option
@_no_wait_option
@click.pass_context
def publish(
    ctx: click.Context,
    clients,
    target,
    dry_run,
    max_deletes,
    force,
    no_cache,
    force_prefix,
    no_wait,
):
    """Build the demos of every client, or of those named, and upload them to the demo target.

    Only locked demos leave: every page must be behind the gate, and no original, page text
    or password may be in any file, or nothing is uploaded. Clients already handed over are
    skipped unless --force is given."""
    from sitegen.cli import passwords, syncview
    from sitegen.config.load import load_site
    from sitegen.errors import format_diagnostics
    from sitegen.pipeline import locks
    from sitegen.publish import handover, places, publishdemo

    studio = _studio(ctx)
    names = _pick_clients(studio, clients)
    _warn_example_studio(studio)
    for name in names:
        with locks.client_lock(
            studio.build_dir, name, "sitegen publish", 0 if no_wait else None, _waiting
        ):
            site = load_site(studio, name)
            where = places.demo_target(studio, site, target)
            handed_over = handover.handed_over_on(site)
            if handed_over and not force:
                click.echo(
                    f"skipping {name}: handed over on {handed_over}, so its demo stays as the "
                    "handover left it (--force publishes the demo again)"
                )
                continue
            with syncview.SyncProgress(f"publishing {name}") as progress:
                outcome = publishdemo.publish_demo(
                    studio,
                    site,
                    where,
                    dry_run,
                    max_deletes,
                    progress.update,
                    force_prefix,
                    use_cache=not no_cache,
                )
            if outcome.warnings:
                click.echo(f"warning in {name}:\n{format_diagnostics(outcome.warnings)}", err=True)
            syncview.report(name, outcome, dry_run)
            click.echo(passwords.publish_note(studio, site, dry_run))


@main.command()
@click.argument("client")
@click.option("--target", help="Deploy here instead of [release] target, for this run.")
@click.option("--dry-run", is_flag=True, help="Build and print the plan; change nothing.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("--retire-demo", is_flag=True, help="Replace the demo with a link to the live site.")
@click.option("--bundle", is_flag=True, help="Also upload a zip and print a download link.")
@_force_prefix_option
@_no_wait_option
@click.pass_context
def handover(
    ctx: click.Context, client, target, dry_run, yes, retire_demo, bundle, force_prefix, no_wait
):
    """After the final payment: build the release and deploy it to the client's domain.

    Refused (exit 3), touching nothing, unless every milestone is paid."""
    from sitegen.cli import syncview
    from sitegen.config.load import load_site
    from sitegen.pipeline import locks
    from sitegen.publish import afterhandover, buildsync, places
    from sitegen.publish.handover import check_paid, hand_over, prepare_release

    studio = _studio(ctx)
    name = _pick_clients(studio, (client,))[0]
    with locks.client_lock(
        studio.build_dir, name, "sitegen handover", 0 if no_wait else None, _waiting
    ):
        site = load_site(studio, name)
        check_paid(site)
        where = places.release_target(studio, site, target)
        if bundle:
            afterhandover.bundle_target(studio, site)  # a bad one refused before anything is built
        retire_at = afterhandover.retire_target(studio, site) if retire_demo else None
        places.check_target_owned(studio, site, where, force_prefix)
        built = prepare_release(studio, site)
        plan = buildsync.plan_only(studio, site, built, where, force_prefix)
        syncview.show_plan(f"handover of {name} to {where}", plan)
        if dry_run:
            return
        if not yes:
            if not syncview.interactive():
                raise click.UsageError("confirm the handover with --yes when not on a terminal")
            click.confirm(f"Deploy {name} to {where}?", abort=True)
        with syncview.SyncProgress(f"handing over {name}") as progress:
            outcome = hand_over(studio, site, built, where, False, progress.update, force_prefix)
        syncview.report(name, outcome, False)
        if bundle:
            link = afterhandover.bundle(studio, site, built.folder)
            label = "Download link (valid 7 days)" if link.startswith("http") else "Bundle"
            click.echo(f"{label}: {link}")
        if retire_demo:
            retired = afterhandover.retire_demo(studio, site, retire_at, force_prefix)
            click.echo(f"The demo at {retired} now points to the live site.")


@main.command()
@click.argument("client")
@click.option("--name", "client_name", help="The client's name, shown on the demo.")
@click.option("--email", default="client@example.com", show_default=True, help="Client email.")
@click.option("--language", default=None, help="Site language, e.g. en or ar. Default: studio's.")
@click.pass_context
def new(ctx: click.Context, client: str, client_name: str | None, email: str, language: str | None):
    """Create sites/CLIENT/ with a commented site.toml, two pages and a strong demo password."""
    from sitegen.config import scaffold

    studio = _studio(ctx)
    created = scaffold.new_client(studio, client, client_name, email, language)
    click.echo(f"Created {created.folder}")
    click.echo(
        f"Demo password: {created.password}  (stored in site.toml; share it with the client)"
    )
    click.echo(
        f"Next: set the milestones' prices in {created.folder / 'site.toml'}, then run "
        f"`sitegen build {client}` and `sitegen serve {client}` to see it"
    )


@main.command()
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

    studio = _studio(ctx)
    name = _pick_clients(studio, (client,))[0]
    _warn_example_studio(studio)
    mode = Mode.RELEASE if release else Mode.DEMO
    notes = () if release else passwords.serve_notes(studio, name)
    preview_server.run(studio.root, name, mode, port, bind, drafts, open_browser, https, notes)


@main.command()
@click.argument("args", nargs=-1, metavar="[CLIENT]... | CLIENT done|seen ID")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.option("--offline", is_flag=True, help="List what feedback.toml holds; fetch nothing.")
@click.pass_context
def feedback(ctx: click.Context, args: tuple[str, ...], as_json: bool, offline: bool):
    """Change requests the clients sent from their demos, newest first: fetched from the demo
    bucket, decrypted and added to sites/CLIENT/feedback.toml, for every client or those named.

    `sitegen feedback CLIENT done ID` (or `seen ID`) records a request's state; ID may be the
    start of its id. The client sees the state after the next publish. Objects in the bucket
    that are not notes of the demo are reported and skipped."""
    from sitegen.cli import feedbackview

    studio = _studio(ctx)
    if len(args) > 1 and args[1] in feedbackview.STATE_WORDS:
        if len(args) != 3:
            raise click.UsageError(f"give one id: sitegen feedback CLIENT {args[1]} ID")
        feedbackview.set_state(studio, _pick_clients(studio, args[:1])[0], args[1], args[2])
        return
    feedbackview.show(studio, _pick_clients(studio, args), as_json, offline)
