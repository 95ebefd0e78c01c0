"""Money, one way per place: Babel's format in the reader's language for people (terminal
and pages), a plain string with two decimals for scripts (`status --json`), so a script
never sees "600" beside "2000.00" and a person never reads "800 GBP"."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import format_currency

CENTS = Decimal("0.01")


def for_people(amount: Decimal, currency: str | None, locale: str = "en") -> str:
    """`€1,200.00`, `‏5,400.00 د.إ.‏`; a dash when no milestone names a currency."""
    return format_currency(amount, currency, locale=locale) if currency else "—"


def for_scripts(amount: Decimal) -> str:
    """`"600.00"`: a string, so no reader turns it into an inexact float."""
    return f"{amount.quantize(CENTS, rounding=ROUND_HALF_UP):f}"
