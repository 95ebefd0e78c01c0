"""Where a project stands: done, paid, due, overdue — computed from `site.toml`, never stored.

This module does no I/O. `paid_in_full` is the one condition for handing a site over."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import get_currency_precision

from sitegen.model import ClientTask, Milestone, Site

DONE_STATES = ("delivered", "approved")
WORK_STATES = ("planned", "in-progress")


def paid_in_full(site: Site) -> bool:
    """Every milestone's paid flag is set. A site without milestones has nothing recorded as
    paid, so it is not: the handover waits until the payments are written down."""
    return bool(site.milestones) and all(m.paid for m in site.milestones)


def unpaid(site: Site) -> tuple[Milestone, ...]:
    return tuple(m for m in site.milestones if not m.paid)


def rounded(amount: Decimal, currency: str) -> Decimal:
    """An amount in the currency's minor units (cents, fils; none for yen), half up."""
    places = get_currency_precision(currency)
    return amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class MilestoneStatus:
    milestone: Milestone
    overdue: bool

    @property
    def badge(self) -> str:
        """What the client sees next to it: paid, overdue or unpaid."""
        if self.milestone.paid:
            return "paid"
        return "overdue" if self.overdue else "unpaid"


@dataclass(frozen=True)
class Progress:
    milestones: tuple[MilestoneStatus, ...]
    currency: str | None
    total: Decimal
    paid: Decimal
    outstanding: Decimal
    percent_complete: int
    percent_paid: int
    next_milestone: Milestone | None  # the next one still being worked on
    awaiting_approval: tuple[Milestone, ...]
    next_payment: MilestoneStatus | None
    open_tasks: tuple[ClientTask, ...]
    contract_signed: bool | None  # None: no contract task recorded
    paid_in_full: bool
    today: dt.date

    @property
    def overdue(self) -> tuple[MilestoneStatus, ...]:
        return tuple(s for s in self.milestones if s.overdue)

    @property
    def due_now(self) -> tuple[MilestoneStatus, ...]:
        """Unpaid milestones the client can be asked to pay today: their date has come, or
        their work is delivered (finished work is invoiced on delivery)."""
        return tuple(s for s in self.milestones if _due_now(s, self.today))

    @property
    def overdue_total(self) -> Decimal:
        return self._sum(self.overdue)

    @property
    def due_now_total(self) -> Decimal:
        return self._sum(self.due_now)

    def _sum(self, statuses: tuple[MilestoneStatus, ...]) -> Decimal:
        total = sum((s.milestone.amount for s in statuses), Decimal(0))
        return rounded(total, self.currency) if self.currency else total


def progress(site: Site, today: dt.date) -> Progress:
    milestones = sorted(site.milestones, key=lambda m: (m.due, m.id))
    statuses = tuple(MilestoneStatus(m, not m.paid and m.due < today) for m in milestones)
    currency = milestones[0].currency if milestones else None
    total = sum((m.amount for m in milestones), Decimal(0))
    paid = sum((m.amount for m in milestones if m.paid), Decimal(0))
    if currency:
        total, paid = rounded(total, currency), rounded(paid, currency)
    done = sum((m.share for m in milestones if m.state in DONE_STATES), Decimal(0))
    contract = [t for t in site.client_tasks if t.kind == "contract"]
    return Progress(
        milestones=statuses,
        currency=currency,
        total=total,
        paid=paid,
        outstanding=total - paid,
        percent_complete=int(done.to_integral_value(rounding=ROUND_HALF_UP)),
        percent_paid=_percent(paid, total),
        next_milestone=next((m for m in milestones if m.state in WORK_STATES), None),
        awaiting_approval=tuple(m for m in milestones if m.state == "delivered"),
        next_payment=next((s for s in statuses if not s.milestone.paid), None),
        open_tasks=tuple(t for t in site.client_tasks if not t.done),
        contract_signed=all(t.done for t in contract) if contract else None,
        paid_in_full=paid_in_full(site),
        today=today,
    )


def _due_now(status: MilestoneStatus, today: dt.date) -> bool:
    m = status.milestone
    return not m.paid and (m.due <= today or m.state in DONE_STATES)


def _percent(part: Decimal, whole: Decimal) -> int:
    if not whole:
        return 0
    return int((part * 100 / whole).to_integral_value(rounding=ROUND_HALF_UP))
