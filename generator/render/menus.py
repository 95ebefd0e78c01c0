"""The main menu: bounded, so a site of thousands of top-level pages does not repeat them all
on every page (output and render time would grow with the square of the page count).

As in Hugo and Zola, the menu holds the top-level sections and the pages that ask for it
(front matter `menu: true`), or exactly what `[site] menu` of site.toml lists, in its order and
with its labels. With nothing asked for, up to `DEFAULT_PAGES` top-level pages are added; the
home page lists the rest. Reads a page only to point a warning at its line."""

from __future__ import annotations

import datetime as dt
import posixpath
from collections.abc import Sequence
from dataclasses import dataclass

from sitegen.content.frontmatter import key_line
from sitegen.errors import ConfigError, did_you_mean
from sitegen.model import Diagnostic, MenuEntry, Page, Site

DEFAULT_PAGES = 8  # top-level pages in a menu nobody configured
MENU_LIMIT = 12  # more than this is no longer a menu a visitor reads: a warning
_LISTED_KINDS = ("home", "section", "page")  # what `[site] menu` may name


@dataclass(frozen=True)
class MenuChoice:
    """One item of the main menu: the page, and the label site.toml gave it, if any."""

    page: Page
    label: str | None = None


@dataclass(frozen=True)
class MainMenu:
    items: tuple[MenuChoice, ...]
    warnings: tuple[Diagnostic, ...] = ()


def main_menu(site: Site, pages: Sequence[Page], drafts: frozenset[str]) -> MainMenu:
    """The menu every page shows; a `[site] menu` entry naming no page is a ConfigError."""
    if site.menu is not None:
        items = _configured(site, pages, drafts)
        over = site.menu[MENU_LIMIT].line if len(items) > MENU_LIMIT else None
        return MainMenu(items, _too_long(len(items), site.config_path, over, _LIST_HINT))
    asked = [p for p in pages if p.source.menu and p.kind in ("page", "section")]
    top = [p for p in pages if p.source.section == "" and p.source.menu is None]
    sections = [p for p in top if p.kind == "section"]
    others = sorted((p for p in top if p.kind == "page"), key=page_order)[:DEFAULT_PAGES]
    items = sorted({id(p): p for p in [*sections, *asked, *others]}.values(), key=page_order)
    if len(items) <= MENU_LIMIT:
        return MainMenu(tuple(MenuChoice(p) for p in items))
    past = items[MENU_LIMIT]
    line = _menu_line(past) if past.source.menu else None
    where = past.source.source if past.source.menu else site.content_dir
    warnings = _too_long(len(items), where, line, _DEFAULT_HINT)
    return MainMenu(tuple(MenuChoice(p) for p in items), warnings)


def page_order(page: Page) -> tuple:
    """By weight, then newest date, then title: the order of menus and of page lists."""
    date = page.source.date
    if isinstance(date, dt.date) and not isinstance(date, dt.datetime):
        date = dt.datetime.combine(date, dt.time())
    stamp = -date.replace(tzinfo=None).timestamp() if date else 0.0
    return (page.source.weight, date is None, stamp, page.title.casefold())


_LIST_HINT = "keep the menu to the main sections: the home page lists every page"
_DEFAULT_HINT = (
    "list the menu in [site] menu of site.toml, or take 'menu: true' out of some pages' "
    "front matter, or put pages into sections (folders)"
)


def _configured(site: Site, pages: Sequence[Page], drafts: frozenset[str]) -> tuple:
    by_rel = {p.source.rel: p for p in pages if p.kind in _LISTED_KINDS}
    by_folder = {_folder(p): p for p in pages if p.kind in ("home", "section")}
    items, problems = [], []
    for entry in site.menu or ():
        path = entry.page.strip("/")
        page = by_rel.get(f"content/{path}") or by_folder.get(path)
        if page is not None:
            items.append(MenuChoice(page, entry.label))
        elif f"content/{path}" not in drafts:  # a draft joins the menu with --drafts
            problems.append(_missing(site, entry, [*by_rel, *by_folder]))
    if problems:
        raise ConfigError(problems)
    return tuple(items)


def _missing(site: Site, entry: MenuEntry, known: list[str]) -> Diagnostic:
    names = [k.removeprefix("content/") for k in known]
    hint = did_you_mean(entry.page.strip("/"), names) or (
        "name a Markdown file under content/, like 'about.md', or a folder, like 'journal'"
    )
    return Diagnostic(
        site.config_path, f"menu entry '{entry.page}' is not a page in content/", entry.line,
        hint=hint,
    )  # fmt: skip


def _folder(page: Page) -> str:
    return posixpath.dirname(page.source.rel.removeprefix("content/"))


def _menu_line(page: Page) -> int | None:
    try:
        return key_line(page.source.source.read_text("utf-8"), "menu")
    except OSError:
        return None


def _too_long(count: int, path, line: int | None, hint: str) -> tuple[Diagnostic, ...]:
    if count <= MENU_LIMIT:
        return ()
    message = f"the main menu has {count} items, more than {MENU_LIMIT}: every page repeats it"
    return (Diagnostic(path, message, line, hint=hint),)
