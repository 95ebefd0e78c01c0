"""Record a payment in `site.toml`: the milestone's paid flag, date and reference.

tomlkit edits the document in place, so every comment and the file's layout survive; the new
text replaces the old whole and is flushed to the disk (`files.replace_file`), so a crash never
leaves half a file or loses a recorded payment."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import tomlkit
from tomlkit.items import AoT, Table

from sitegen.files import replace_file
from sitegen.model import Milestone


@dataclass(frozen=True)
class Payment:
    milestone: str
    paid: bool
    paid_on: dt.date | None = None
    ref: str | None = None


@dataclass(frozen=True)
class Decision:
    """What `sitegen pay` does with a milestone as it stands: `payment` is what to write, or
    None when nothing changes (`reason` says why)."""

    payment: Payment | None
    reason: str = ""  # "already paid" or "nothing to clear" when nothing changes
    future: bool = False  # a payment dated after today: a typo more often than not


def decide(
    milestone: Milestone, undo: bool, paid_on: dt.date | None, ref: str | None, today: dt.date
) -> Decision:
    """Paying a paid milestone again changes nothing unless a new date or reference is given
    (then only what is given), so a second run never moves the date of a payment to today."""
    if undo:
        if not milestone.paid:
            return Decision(None, "nothing to clear")
        return Decision(Payment(milestone.id, False))
    if milestone.paid and paid_on is None and ref is None:
        return Decision(None, "already paid")
    day = paid_on or (milestone.paid_on if milestone.paid else None) or today
    reference = ref if ref is not None else (milestone.ref if milestone.paid else None)
    return Decision(Payment(milestone.id, True, day, reference), future=day > today)


class UnknownMilestone(LookupError):
    def __init__(self, wanted: str, known: list[str]):
        super().__init__(wanted)
        self.wanted, self.known = wanted, known


def record(site_toml: Path, payment: Payment) -> None:
    """Set (or, with paid=False, clear) the payment of one milestone, changing nothing else."""
    document = tomlkit.parse(site_toml.read_text("utf-8"))
    table = _milestone_table(document, payment.milestone)
    table["paid"] = payment.paid
    if payment.paid:
        table["paid_on"] = payment.paid_on or dt.date.today()
        if payment.ref:
            table["ref"] = payment.ref
    else:
        for key in ("paid_on", "ref"):
            if key in table:
                del table[key]
    replace_file(site_toml, tomlkit.dumps(document), durable=True)


def _milestone_table(document: tomlkit.TOMLDocument, milestone: str) -> Table:
    milestones = document.get("milestones")
    tables = list(milestones) if isinstance(milestones, AoT | list) else []
    for table in tables:
        if table.get("id") == milestone:
            return table
    raise UnknownMilestone(milestone, [str(t.get("id")) for t in tables])
