"""Dates as people type them on the command line: 2026-12-01, 1.12.2026, 13/12/2026. A date
that reads two ways (01/12/2026: 1 December or January 12?) is refused, never guessed."""

from __future__ import annotations

import datetime as dt
import re

import click

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_DOTTED = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")  # day first, wherever dots are used
_SLASHED = re.compile(r"^(\d{1,2})[/-](\d{1,2})[/-](\d{4})$")  # day or month first


def parse_day(text: str) -> tuple[dt.date, bool]:
    """The date, and whether it was typed in another form than YYYY-MM-DD (to say how it
    was read); click.BadParameter saying the form wanted."""
    text = text.strip()
    wanted = "write it as YYYY-MM-DD, e.g. 2026-12-01"
    if found := _ISO.match(text):
        return _day(text, int(found[1]), int(found[2]), int(found[3]), wanted), False
    if found := _DOTTED.match(text):
        return _day(text, int(found[3]), int(found[2]), int(found[1]), wanted), True
    if found := _SLASHED.match(text):
        first, second, year = int(found[1]), int(found[2]), int(found[3])
        readings = {d for d in (_maybe(year, second, first), _maybe(year, first, second)) if d}
        if len(readings) == 1:
            return readings.pop(), True
        if len(readings) == 2:
            a, b = sorted(readings)
            raise click.BadParameter(f"'{text}' could be {a:%-d %B %Y} or {b:%-d %B %Y}: {wanted}")
    raise click.BadParameter(f"'{text}' is not a date: {wanted}")


def _day(text: str, year: int, month: int, day: int, wanted: str) -> dt.date:
    found = _maybe(year, month, day)
    if found is None:
        raise click.BadParameter(f"'{text}' is not a real date: {wanted}")
    return found


def _maybe(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None
