"""Commands about money: where every client stands (`status`) and a payment recorded
(`pay`)."""

from __future__ import annotations

import click

from sitegen.cli.common import find_studio, pick_clients, unknown_choice


@click.command()
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

    studio = find_studio(ctx)
    names = pick_clients(studio, clients)
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


@click.command()
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

    studio = find_studio(ctx)
    name = pick_clients(studio, (client,))[0]
    site = load_site(studio, name)
    known = [m.id for m in site.milestones]
    if milestone not in known:
        raise unknown_choice(
            f"{name} has no milestone '{milestone}'", milestone, known, "milestones"
        )
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
