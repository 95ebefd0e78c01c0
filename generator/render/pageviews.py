"""What a template sees of a page: its fields, its content made when read, and its
neighbours a lookup away (section, children, previous and next, the list page it is part of),
and the items of the main menu that point at pages."""

from __future__ import annotations

import functools
import posixpath
from dataclasses import dataclass

from markupsafe import Markup

from sitegen.model import DEFAULT_PER_PAGE, Page
from sitegen.render import menus, pagination


@dataclass(frozen=True)
class MenuItem:
    """An item of the main menu: the label site.toml gave it, or the page's title."""

    title: str
    url: str
    page: PageView


class PageView:
    """What a template sees of a page, with its neighbours a lookup away."""

    def __init__(
        self,
        page: Page,
        index: dict[str, PageView],
        children: dict[str, list],
        per_page: int = DEFAULT_PER_PAGE,
    ):
        self._page, self._index, self._children = page, index, children
        self._per_page = per_page
        self._first: PageView = self  # page 1 of the list this page is a later page of
        self._place: tuple[list[PageView], int] | None = None  # in its section's list, if any
        source = page.source
        self.title, self.url, self.kind = page.title, page.url, page.kind
        self.date, self.description = source.date, source.description
        self.params, self.weight = dict(source.params), source.weight

    @property
    def content(self) -> Markup:  # made when read: a site's worth of copies is megabytes
        return Markup(body_text(self._page, "content"))

    @property
    def toc(self) -> Markup:
        return Markup(body_text(self._page, "toc"))

    @property
    def folder(self) -> str | None:
        """The folder this page is the index of, for home and sections."""
        if self.kind not in ("home", "section"):
            return None
        return posixpath.dirname(self._page.source.rel.removeprefix("content/"))

    @property
    def pages(self) -> list[PageView]:
        return self._children.get(self.folder, []) if self.folder is not None else []

    @property
    def section(self) -> PageView | None:
        folder = self._page.source.section
        return self._index.get(folder) if folder is not None else None

    @functools.cached_property
    def paginator(self) -> pagination.Paginator | None:
        """For home and sections: this page of the list; None for other pages."""
        if self.kind not in pagination.LIST_KINDS:
            return None
        number = self._page.number
        return pagination.paginator(self._first.url, number, self.pages, self._per_page)

    @property
    def prev(self) -> PageView | None:
        """The page before this one in its section's list, or None."""
        siblings, position = self._place or ([], 0)
        return siblings[position - 1] if position > 0 else None

    @property
    def next(self) -> PageView | None:
        """The page after this one in its section's list, or None."""
        siblings, position = self._place or ([], 0)
        return siblings[position + 1] if position + 1 < len(siblings) else None

    def is_current(self, other: PageView | MenuItem) -> bool:
        if isinstance(other, MenuItem):
            other = other.page
        page: PageView | None = self
        while page is not None:
            if page is other or page._first is other:
                return True
            page = page.section
        return False


def body_text(page: Page, part: str) -> str:
    """A page's converted Markdown, "content" or "toc": held by the page, or, in a build on
    disk, read from the file it was spilled to (`cache.spill`)."""
    if page.spilled is None:
        return page.content if part == "content" else page.toc
    return page.spilled.content() if part == "content" else page.spilled.toc()


def link_views(pages: list[Page], per_page: int = DEFAULT_PER_PAGE) -> list[PageView]:
    index: dict[str, PageView] = {}
    children: dict[str, list[PageView]] = {}
    views = []
    for page in pages:
        view = PageView(page, index, children, per_page)
        views.append(view)
        if view.folder is not None and page.number == 1:
            index[view.folder] = view
    for view in views:
        section = pagination.listed_in(view._page)
        if section is not None:
            children.setdefault(section, []).append(view)
        elif view._page.number > 1:
            view._first = index[view.folder or ""]
    for members in children.values():
        members.sort(key=_page_order)
        for position, member in enumerate(members):
            member._place = (members, position)
    return views


def _page_order(view: PageView) -> tuple:
    return menus.page_order(view._page)
