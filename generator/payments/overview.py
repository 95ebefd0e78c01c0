"""`sitegen status`: where every client stands, as a table on the terminal or JSON for scripts.

Nothing here is stored: every figure comes from `progress`, computed from `site.toml`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from babel.numbers import format_currency
from rich.console import Console
from rich.table import Table

from sitegen.config.load import site_base_url
from sitegen.model import Mode, Site, Studio
from sitegen.payments.progress import Progress, progress


@dataclass(frozen=True)
class ClientStatus:
    site: Site
    progress: Progress
    demo_url: str


def client_status(studio: Studio, site: Site, today: dt.date) -> ClientStatus:
    return ClientStatus(site, progress(site, today), site_base_url(studio, site, Mode.DEMO))


def as_json(status: ClientStatus) -> dict:
    p, site = status.progress, status.site
    next_payment = p.next_payment
    return {
        "client": site.name,
        "title": site.title,
        "client_name": site.client_name,
        "demo_url": status.demo_url,
        "percent_complete": p.percent_complete,
        "currency": p.currency,
        "total": _amount(p.total),
        "paid": _amount(p.paid),
        "outstanding": _amount(p.outstanding),
        "next_payment": None
        if next_payment is None
        else {
            "milestone": next_payment.milestone.id,
            "amount": _amount(next_payment.milestone.amount),
            "due": next_payment.milestone.due.isoformat(),
            "overdue": next_payment.overdue,
        },
        "overdue": [s.milestone.id for s in p.overdue],
        "ready_for_handover": p.paid_in_full,
        "contract_signed": p.contract_signed,
        "milestones": [
            {
                "id": s.milestone.id,
                "title": s.milestone.title,
                "share": _amount(s.milestone.share),
                "amount": _amount(s.milestone.amount),
                "due": s.milestone.due.isoformat(),
                "state": s.milestone.state,
                "paid": s.milestone.paid,
                "paid_on": s.milestone.paid_on.isoformat() if s.milestone.paid_on else None,
                "ref": s.milestone.ref,
                "overdue": s.overdue,
            }
            for s in p.milestones
        ],
        "open_tasks": [
            {"title": t.title, "kind": t.kind, "link": t.link, "due": _day(t.due)}
            for t in p.open_tasks
        ],
    }


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
    return format_currency(amount, currency, locale="en") if currency else "—"


def _amount(value: Decimal) -> str:
    return str(value)


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None
