"""`sitegen status` on the terminal: a table of every client, or one client's milestones."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from rich.cells import cell_len
from rich.console import Console
from rich.table import Table
from rich.text import Text

from sitegen.payments import money
from sitegen.payments.overview import ClientStatus
from sitegen.payments.progress import Progress


@dataclass(frozen=True)
class Column:
    name: str
    keep: int  # the higher, the longer it stays on a narrow terminal
    fold: bool = False  # may break inside a word (a URL); money and dates never do


OVERVIEW = (
    Column("client / demo", 9, fold=True),
    Column("done", 2),
    Column("paid", 3),
    Column("outstanding", 5),
    Column("next payment", 4),
    Column("handover", 1),  # "ready" is also "outstanding €0.00"
)
FOLDED_WIDTH = 20  # a URL folds to lines of at least this many characters


def print_table(console: Console, statuses: list[ClientStatus]) -> None:
    """Money is never cut: amounts wrap only between words, and when the terminal is too
    narrow for every column at its narrowest, the least important ones are left out, named
    under the table. Widths are set here, not left to rich, which would cut words."""
    rows = [_row(status) for status in statuses]
    cells = {c: [c.name, *(row[c.name] for row in rows)] for c in OVERVIEW}
    narrowest = {c: max(_narrowest(c, cell) for cell in cells[c]) for c in OVERVIEW}
    natural = {c: max(_natural(cell) for cell in cells[c]) for c in OVERVIEW}
    shown = list(OVERVIEW)
    while _width(narrowest, shown) > console.width and len(shown) > 1:
        shown.remove(min(shown, key=lambda c: c.keep))
    widths = {c: natural[c] if c.fold else narrowest[c] for c in shown}
    for column in sorted(shown, key=lambda c: -c.keep):  # give room back, most important first
        widths[column] = natural[column]
        if _width(widths, shown) > console.width:
            spare = console.width - _width({**widths, column: 0}, shown)
            widths[column] = max(narrowest[column], spare)
    table = Table(title_justify="left")
    for column in shown:
        overflow = "fold" if column.fold else "ellipsis"
        table.add_column(column.name, width=widths[column], overflow=overflow)
    for row in rows:
        table.add_row(*(row[c.name] for c in shown))
    console.print(table)
    left_out = [c.name for c in OVERVIEW if c not in shown]
    if left_out:
        console.print(f"[dim]left out for the terminal's width: {', '.join(left_out)}[/]")


def _width(widths: dict[Column, int], shown: list[Column]) -> int:
    """A table's width: its columns, a space either side of each, and the rules between."""
    return sum(widths[c] + 3 for c in shown) + 1


def _row(status: ClientStatus) -> dict[str, str]:
    p = status.progress
    name = f"[bold]{status.site.name}[/]\n[dim]{status.demo_url}[/]"
    if p.contract_signed is False:
        name += "\n[yellow]contract not signed[/]"
    if status.demo_ends:
        name += "\n" + _demo_ends(status)
    if status.feedback_until:
        name += "\n" + _feedback(status)
    return {
        "client / demo": name,
        "done": f"{p.percent_complete}%",
        "paid": f"{_money(p.paid, p.currency)}\nof {_money(p.total, p.currency)}",
        "outstanding": _money(p.outstanding, p.currency),
        "next payment": _next_payment(p),
        "handover": _handover(status),
    }


def _narrowest(column: Column, markup: str) -> int:
    """The narrowest the column can be without cutting a word (or, folding, a name)."""
    longest = max(map(cell_len, Text.from_markup(markup).plain.split()), default=0)
    return min(longest, max(FOLDED_WIDTH, cell_len(column.name))) if column.fold else longest


def _natural(markup: str) -> int:
    return max(map(cell_len, Text.from_markup(markup).plain.splitlines()), default=0)


def print_detail(console: Console, status: ClientStatus) -> None:
    p, site = status.progress, status.site
    console.print(f"[bold]{site.title}[/] for {site.client_name} — {status.demo_url}")
    console.print(
        f"{p.percent_complete}% done · paid {_money(p.paid, p.currency)} of "
        f"{_money(p.total, p.currency)} · outstanding {_money(p.outstanding, p.currency)}"
    )
    if p.contract_signed is False:
        console.print("[yellow]The contract is not signed yet.[/]")
    if status.demo_ends:
        console.print(_demo_ends(status))
    if status.feedback_until:
        console.print(_feedback(status))
    table = Table(title_justify="left")
    amounts = [_money(item.milestone.amount, item.milestone.currency) for item in p.milestones]
    for column in ("milestone", "state", "share", "amount", "due", "payment"):
        table.add_column(column, overflow="fold")
    for column in (table.columns[3], table.columns[4]):  # amount and due are never cut
        column.no_wrap = True
    table.columns[3].min_width = max(map(cell_len, amounts), default=None)
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
    if status.handed_over:
        verdict = f"[green]handed over on {status.handed_over}[/]"
    console.print(verdict)


def _demo_ends(status: ClientStatus) -> str:
    day = status.demo_ends
    if status.demo_ending == "ended":
        return f"[red]demo ended {day}[/]"
    if status.demo_ending == "soon":
        return f"[yellow]demo ends {day}: within a week[/]"
    return f"[dim]demo ends {day}[/]"


def _feedback(status: ClientStatus) -> str:
    day = status.feedback_until.date() if status.feedback_until else None
    if status.feedback_open:
        return f"[dim]change requests open until {day}[/]"
    return f"[yellow]change requests lapsed {day}: publish to renew[/]"


def _handover(status: ClientStatus) -> str:
    if status.handed_over:
        return f"[green]handed over\n{status.handed_over}[/]"
    return "[green]ready[/]" if status.progress.paid_in_full else "—"


def _next_payment(p: Progress) -> str:
    if p.next_payment is None:
        return "—"
    m = p.next_payment.milestone
    if p.next_payment.overdue:
        return f"[red]{_money(m.amount, m.currency)}\noverdue since {m.due}[/]"
    return f"{_money(m.amount, m.currency)}\ndue {m.due}"


def _money(amount: Decimal, currency: str | None) -> str:
    return money.for_people(amount, currency)
