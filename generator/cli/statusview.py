"""`sitegen status` on the terminal: a table of every client, or one client's milestones."""

from __future__ import annotations

from decimal import Decimal

from rich.console import Console
from rich.table import Table

from sitegen.payments import money
from sitegen.payments.overview import ClientStatus
from sitegen.payments.progress import Progress


def print_table(console: Console, statuses: list[ClientStatus]) -> None:
    table = Table(title_justify="left")
    for column in ("client / demo", "done", "paid", "outstanding", "next payment", "handover"):
        table.add_column(column, no_wrap=True)
    for status in statuses:
        p = status.progress
        name = f"[bold]{status.site.name}[/]\n[dim]{status.demo_url}[/]"
        if p.contract_signed is False:
            name += "\n[yellow]contract not signed[/]"
        table.add_row(
            name,
            f"{p.percent_complete}%",
            f"{_money(p.paid, p.currency)}\nof {_money(p.total, p.currency)}",
            _money(p.outstanding, p.currency),
            _next_payment(p),
            "[green]ready[/]" if p.paid_in_full else "—",
        )
    console.print(table)


def print_detail(console: Console, status: ClientStatus) -> None:
    p, site = status.progress, status.site
    console.print(f"[bold]{site.title}[/] for {site.client_name} — {status.demo_url}")
    console.print(
        f"{p.percent_complete}% done · paid {_money(p.paid, p.currency)} of "
        f"{_money(p.total, p.currency)} · outstanding {_money(p.outstanding, p.currency)}"
    )
    if p.contract_signed is False:
        console.print("[yellow]The contract is not signed yet.[/]")
    table = Table(title_justify="left")
    for column in ("milestone", "state", "share", "amount", "due", "payment"):
        table.add_column(column)
    for item in p.milestones:
        m = item.milestone
        if m.paid:
            payment = "[green]paid[/]" + (f" {m.paid_on}" if m.paid_on else "")
            payment += f" ({m.ref})" if m.ref else ""
        else:
            payment = "[red]overdue[/]" if item.overdue else "unpaid"
        row = (m.id, m.state, f"{m.share}%", _money(m.amount, m.currency), str(m.due), payment)
        table.add_row(*row)
    console.print(table)
    for task in p.open_tasks:
        due = f" (due {task.due})" if task.due else ""
        console.print(f"• waiting for the client: {task.title}{due}")
    verdict = "[green]ready for handover[/]" if p.paid_in_full else "not ready for handover"
    console.print(verdict)


def _next_payment(p: Progress) -> str:
    if p.next_payment is None:
        return "—"
    m = p.next_payment.milestone
    if p.next_payment.overdue:
        return f"[red]{_money(m.amount, m.currency)}\noverdue since {m.due}[/]"
    return f"{_money(m.amount, m.currency)}\ndue {m.due}"


def _money(amount: Decimal, currency: str | None) -> str:
    return money.for_people(amount, currency)
