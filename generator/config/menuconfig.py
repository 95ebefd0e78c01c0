"""`[site] menu` of site.toml into menu entries, each with its line, every problem at once.

Whether each entry names a page that exists is known only once content is read: `render.menus`
checks that, pointing at the line kept here. This module does no I/O."""

from __future__ import annotations

from typing import Any

from sitegen.config.tomlcheck import TableChecker
from sitegen.errors import did_you_mean
from sitegen.model import Diagnostic, MenuEntry

_ENTRY_KEYS = ("page", "label")
_HINT = 'write menu = ["about.md", { page = "journal", label = "News" }]'


def menu_entries(checker: TableChecker, value: Any) -> tuple[MenuEntry, ...] | None:
    """The entries of `menu` in [site]; None when it is absent or wrong (reported)."""
    if value is None:
        return None
    start = checker.line_of("site", "menu")
    if not isinstance(value, list):
        checker.problem("'menu' in [site] must be a list", "site", "menu", hint=_HINT)
        return None
    entries: list[MenuEntry] = []
    seen: set[str] = set()
    for item in value:
        entry = _entry(checker, item, start)
        if entry is None:
            continue
        if entry.page.strip("/") in seen:
            _problem(checker, f"menu entry '{entry.page}' is listed twice", entry.line)
            continue
        seen.add(entry.page.strip("/"))
        entries.append(entry)
    return tuple(entries)


def _entry(checker: TableChecker, item: Any, start: int | None) -> MenuEntry | None:
    if isinstance(item, str):
        page, label = item, None
    elif isinstance(item, dict):
        unknown = [k for k in item if k not in _ENTRY_KEYS]
        page, label = item.get("page"), item.get("label")
        line = _line_of(checker, page, start) if isinstance(page, str) else start
        for key in unknown:
            hint = did_you_mean(key, _ENTRY_KEYS) or "an entry has 'page' and 'label'"
            _problem(checker, f"unknown key '{key}' in a menu entry", line, hint)
        if not isinstance(page, str):
            _problem(checker, "a menu entry needs 'page', a string", line, _HINT)
            return None
        if label is not None and (not isinstance(label, str) or not label.strip()):
            _problem(checker, f"'label' of menu entry '{page}' must be a text", line)
            return None
        if unknown:
            return None
    else:
        _problem(checker, "a menu entry must be a path or a table", start, _HINT)
        return None
    line = _line_of(checker, page, start)
    parts = page.strip("/").split("/")
    if not page.strip() or page.startswith("/") or "\\" in page or ".." in parts:
        message = f"menu entry '{page}' must be a path under content/, like 'about.md'"
        _problem(checker, message, line)
        return None
    return MenuEntry(page, label.strip() if label else None, line)


def _line_of(checker: TableChecker, page: str, start: int | None) -> int | None:
    """The first line from `menu =` on that quotes this page: an array may span lines."""
    if start is None:
        return None
    quoted = (f'"{page}"', f"'{page}'")
    for number in range(start, len(checker.lines) + 1):
        if any(q in checker.lines[number - 1] for q in quoted):
            return number
    return start


def _problem(checker: TableChecker, message: str, line: int | None, hint: str | None = None):
    checker.problems.append(Diagnostic(checker.path, message, line, hint=hint))
