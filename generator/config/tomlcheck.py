"""Read a TOML file and check its tables key by key, collecting every problem with its line.

tomllib gives values but no positions, so keys are located by scanning the text: precise
for the plain `[table]` / `key = value` files sitegen uses."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from sitegen.errors import closest
from sitegen.model import Diagnostic

_ARRAY_HEADER = re.compile(r"^\s*\[\[\s*([^\]]+?)\s*\]\]")
_TABLE_HEADER = re.compile(r"^\s*\[\s*([^\]]+?)\s*\]")
_KEY = re.compile(r"""^\s*("[^"]*"|'[^']*'|[A-Za-z0-9_-]+)\s*=""")
_DECODE_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")

Check = Callable[[Any], str | None]


@dataclass(frozen=True)
class Key:
    """One allowed key: its type, whether it must be present, and an optional value check."""

    kind: type | tuple[type, ...]
    required: bool = False
    check: Check | None = None


def read_toml(path: Path) -> tuple[str, dict[str, Any]] | Diagnostic:
    """The file's text and data, or a diagnostic pointing at the syntax error."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return Diagnostic(path, f"cannot read file: {exc.strerror}")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        return Diagnostic(path, "file is not valid UTF-8", line, hint="save it as UTF-8")
    try:
        return text, tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        found = _DECODE_POSITION.search(message)
        line, column = (int(found[1]), int(found[2])) if found else (None, None)
        message = _DECODE_POSITION.sub("", message).strip()
        return Diagnostic(path, f"TOML syntax error: {message}", line, column)


class TableChecker:
    """Validates tables of one TOML document; problems accumulate in `problems`."""

    def __init__(self, path: Path, text: str):
        self.path = path
        self.lines = text.splitlines()
        self.problems: list[Diagnostic] = []

    def line_of(self, table: str | None, key: str | None = None, index: int = 0) -> int | None:
        """Line of `key` in `[table]` (or the `index`-th `[[table]]`), else of the header."""
        current: str | None = None
        seen: dict[str, int] = {}
        header_line = None
        for number, line in enumerate(self.lines, start=1):
            if match := _ARRAY_HEADER.match(line):
                current = match[1]
                seen[current] = seen.get(current, -1) + 1
                current = f"{current}#{seen[current]}"
            elif match := _TABLE_HEADER.match(line):
                current = match[1]
            elif key and current == _table_id(table, index) and (match := _KEY.match(line)):
                if match[1].strip("\"'") == key:
                    return number
                continue
            else:
                continue
            if current == _table_id(table, index):
                header_line = number
        return header_line

    def problem(
        self, message: str, table: str | None, key: str | None = None, index: int = 0, hint=None
    ) -> None:
        line = self.line_of(table, key, index)
        self.problems.append(Diagnostic(self.path, message, line, hint=hint))

    def check_table(
        self, data: Any, table: str, schema: dict[str, Key], index: int = 0, label=None
    ) -> dict[str, Any]:
        """Known keys with the right types; reports unknown, missing and bad values."""
        label = label or f"[{table}]"
        if not isinstance(data, dict):
            self.problem(f"{label} must be a table", table, index=index)
            return {}
        values: dict[str, Any] = {}
        typos: set[str] = set()  # keys a typo stands for: reported once, as the typo
        for key, value in data.items():
            spec = schema.get(key)
            if spec is None:
                meant = closest(key, schema)
                typos.add(meant or "")
                hint = f"did you mean '{meant}'?" if meant else "allowed keys: " + ", ".join(schema)
                self.problem(f"unknown key '{key}' in {label}", table, key, index, hint)
                continue
            value = _coerce(value, spec.kind)
            if value is _BAD:
                expected = _type_name(spec.kind)
                self.problem(f"'{key}' in {label} must be {expected}", table, key, index)
                continue
            message = spec.check(value) if spec.check else None
            if message:
                self.problem(f"'{key}' in {label} {message}", table, key, index)
                continue
            values[key] = value
        for key, spec in schema.items():
            if spec.required and key not in data and key not in typos:
                self.problem(f"missing key '{key}' in {label}", table, index=index)
        return values


_BAD = object()


def _table_id(table: str | None, index: int) -> str | None:
    return table if table is None or not table.endswith("[]") else f"{table[:-2]}#{index}"


def _coerce(value: Any, kind: type | tuple[type, ...]) -> Any:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if isinstance(value, bool) and bool not in kinds:
        return _BAD
    if dt.date in kinds and isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return _BAD
    if dt.date in kinds and isinstance(value, dt.datetime):
        return _BAD
    if Decimal in kinds and isinstance(value, int | Decimal):
        return Decimal(value)
    return value if isinstance(value, kinds) else _BAD


def _type_name(kind: type | tuple[type, ...]) -> str:
    names = {
        str: "a string",
        bool: "true or false",
        int: "a whole number",
        Decimal: "a number",
        dt.date: "a real date like 2026-12-01",
        list: "a list",
        dict: "a table",
    }
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return " or ".join(names.get(k, k.__name__) for k in kinds)
