"""Derived values of a project: what is done, paid, due and overdue — never stored twice."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from sitegen.model import ClientTask, DemoSettings, Milestone, ReleaseSettings, Site
from sitegen.payments.progress import paid_in_full, progress, rounded

TODAY = dt.date(2026, 11, 27)


def milestone(id: str, share: int, amount: str, due: dt.date, **extra) -> Milestone:
    values = {"state": "planned", "currency": "EUR", "paid": False} | extra
    return Milestone(id, id.title(), Decimal(share), Decimal(amount), due=due, **values)


def site(*milestones: Milestone, tasks: tuple[ClientTask, ...] = ()) -> Site:
    return Site(
        name="acme",
        path=Path("sites/acme"),
        client_name="Acme",
        client_email="a@example.com",
        title="Acme",
        theme="default",
        language="en",
        direction="ltr",
        demo=DemoSettings("acme"),
        release=ReleaseSettings(),
        milestones=milestones,
        client_tasks=tasks,
    )


def test_rounding_follows_the_currency_minor_units():
    assert rounded(Decimal("10.005"), "EUR") == Decimal("10.01")
    assert rounded(Decimal("10.004"), "EUR") == Decimal("10.00")
    assert rounded(Decimal("1000.5"), "JPY") == Decimal("1001")
    assert rounded(Decimal("1.0005"), "KWD") == Decimal("1.001")


def test_totals_paid_outstanding_and_next_payment():
    project = site(
        milestone("deposit", 30, "1500.10", dt.date(2026, 9, 1), paid=True, state="approved"),
        milestone("design", 30, "1500.10", dt.date(2026, 10, 1), paid=True, state="delivered"),
        milestone("build", 40, "2000.005", dt.date(2026, 12, 1), state="in-progress"),
    )
    p = progress(project, TODAY)
    assert (p.total, p.paid, p.outstanding) == (
        Decimal("5000.21"),
        Decimal("3000.20"),
        Decimal("2000.01"),
    )
    assert p.percent_complete == 60, "delivered and approved count as done"
    assert p.percent_paid == 60
    assert p.next_payment.milestone.id == "build" and not p.next_payment.overdue
    assert p.next_milestone.id == "build", "the next one still being worked on"
    assert [m.id for m in p.awaiting_approval] == ["design"], "delivered is not planned"
    assert not p.paid_in_full


def test_overdue_is_by_date_and_only_for_unpaid_milestones():
    project = site(
        milestone("a", 50, "10", dt.date(2026, 11, 26)),
        milestone("b", 25, "10", dt.date(2026, 11, 27)),
        milestone("c", 25, "10", dt.date(2026, 11, 1), paid=True),
    )
    p = progress(project, TODAY)
    assert [s.milestone.id for s in p.overdue] == ["a"], "due today is not overdue yet"
    assert [s.badge for s in p.milestones] == ["paid", "overdue", "unpaid"]
    assert progress(project, dt.date(2026, 11, 28)).overdue[-1].milestone.id == "b"


def test_paid_in_full_needs_every_paid_flag_and_at_least_one_milestone():
    assert not paid_in_full(site())
    one_unpaid = site(milestone("a", 50, "10", TODAY, paid=True), milestone("b", 50, "10", TODAY))
    assert not paid_in_full(one_unpaid)
    all_paid = site(
        milestone("a", 50, "10", TODAY, paid=True), milestone("b", 50, "0", TODAY, paid=True)
    )
    assert paid_in_full(all_paid)
    assert progress(all_paid, TODAY).paid_in_full


def test_contract_flag_and_open_tasks():
    tasks = (
        ClientTask("Sign the contract", kind="contract", done=False),
        ClientTask("Send the logo", kind="content", done=True),
    )
    p = progress(site(tasks=tasks), TODAY)
    assert p.contract_signed is False
    assert [t.title for t in p.open_tasks] == ["Sign the contract"]
    assert progress(site(), TODAY).contract_signed is None
