"""`sitegen status`'s figures: where every client stands, and the same as JSON for scripts.

Nothing here is stored: every figure comes from `progress`, computed from `site.toml`. The
terminal table is `cli.statusview`'s. This module does no I/O."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sitegen.config.load import site_base_url
from sitegen.model import Mode, Site, Studio
from sitegen.payments import money
from sitegen.payments.progress import Progress, progress


@dataclass(frozen=True)
class ClientStatus:
    site: Site
    progress: Progress
    demo_url: str
    handed_over: dt.date | None = None  # the day of the last handover
    demo_ends: dt.date | None = None  # the last day the demo opens
    today: dt.date | None = None
    feedback_until: dt.datetime | None = None  # when the demo's change-request upload lapses

    @property
    def feedback_open(self) -> bool | None:
        """Whether the client can still send change requests from the demo; None: no policy."""
        if self.feedback_until is None:
            return None
        return self.feedback_until > dt.datetime.now(dt.UTC)

    @property
    def demo_ending(self) -> str | None:
        """ "ended", "soon" (within a week: time to ask the client) or "later"."""
        if not self.demo_ends or not self.today:
            return None
        if self.today > self.demo_ends:
            return "ended"
        return "soon" if (self.demo_ends - self.today).days <= ENDING_SOON_DAYS else "later"


ENDING_SOON_DAYS = 7


def client_status(
    studio: Studio,
    site: Site,
    today: dt.date,
    handed_over: dt.date | None = None,
    demo_ends: dt.date | None = None,
    feedback_until: dt.datetime | None = None,
) -> ClientStatus:
    demo_url = site_base_url(studio, site, Mode.DEMO)
    return ClientStatus(
        site, progress(site, today), demo_url, handed_over, demo_ends, today, feedback_until
    )


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
        "handed_over": _day(status.handed_over),
        "demo_ends": _day(status.demo_ends),
        "feedback_until": status.feedback_until.isoformat() if status.feedback_until else None,
        "contract_signed": p.contract_signed,
        "milestones": [
            {
                "id": s.milestone.id,
                "title": s.milestone.title,
                "share": str(s.milestone.share),  # a percentage, not money
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


def _amount(value: Decimal) -> str:
    return money.for_scripts(value)


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None
