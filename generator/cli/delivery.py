"""Commands that deliver: the demos uploaded (`publish`), the paid site handed over
(`handover`), and the change requests the clients send back from their demos (`feedback`)."""

from __future__ import annotations

import click

from sitegen.cli.common import find_studio, no_wait_option, pick_clients, warn_example_studio


def _force_prefix_option(command):
    return click.option(
        "--force-prefix",
        is_flag=True,
        help="Sync even where the target holds another client's folder or files sitegen did "
        "not write (they may be deleted).",
    )(command)


def _waiting(message: str) -> None:
    click.echo(message, err=True)


@click.command()
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
@no_wait_option
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

    studio = find_studio(ctx)
    names = pick_clients(studio, clients)
    warn_example_studio(studio)
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


@click.command()
@click.argument("client")
@click.option("--target", help="Deploy here instead of [release] target, for this run.")
@click.option("--dry-run", is_flag=True, help="Build and print the plan; change nothing.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("--retire-demo", is_flag=True, help="Replace the demo with a link to the live site.")
@click.option("--bundle", is_flag=True, help="Also upload a zip and print a download link.")
@_force_prefix_option
@no_wait_option
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

    studio = find_studio(ctx)
    name = pick_clients(studio, (client,))[0]
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


@click.command()
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

    studio = find_studio(ctx)
    if len(args) > 1 and args[1] in feedbackview.STATE_WORDS:
        if len(args) != 3:
            raise click.UsageError(f"give one id: sitegen feedback CLIENT {args[1]} ID")
        feedbackview.set_state(studio, pick_clients(studio, args[:1])[0], args[1], args[2])
        return
    feedbackview.show(studio, pick_clients(studio, args), as_json, offline)
