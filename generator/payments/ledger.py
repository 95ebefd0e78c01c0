"""Record a payment in `site.toml`: the milestone's paid flag, date and reference.

tomlkit edits the document in place, so every comment and the file's layout survive; the new
text goes to a temporary file that then replaces the old one, so a crash never leaves half a
file."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

import tomlkit
from tomlkit.items import AoT, Table


@dataclass(frozen=True)
class Payment:
    milestone: str
    paid: bool
    paid_on: dt.date | None = None
    ref: str | None = None


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
    _replace(site_toml, tomlkit.dumps(document))


def _milestone_table(document: tomlkit.TOMLDocument, milestone: str) -> Table:
    milestones = document.get("milestones")
    tables = list(milestones) if isinstance(milestones, AoT | list) else []
    for table in tables:
        if table.get("id") == milestone:
            return table
    raise UnknownMilestone(milestone, [str(t.get("id")) for t in tables])


def _replace(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with temporary.open("w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
