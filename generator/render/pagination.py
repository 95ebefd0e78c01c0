"""Home and section lists cut into pages of `[site] per_page` entries, as Hugo cuts them:
page 1 stays at the list's own URL, page N is at `page/N/` under it. There is no `page/1/`.

Page 2 and on are pages of the build like any other (rendered, locked in a demo, in the
sitemap), made from the list's page with an empty body: its own text shows on page 1 only.
This module does no I/O."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from sitegen.model import Page

LIST_KINDS = ("home", "section")  # the pages that list others, and are paginated
LISTED_KINDS = ("page", "section")  # the pages a list holds


def listed_in(page: Page) -> str | None:
    """The folder whose list holds this page, or None: a page is listed by its section."""
    return page.source.section if page.kind in LISTED_KINDS and page.number == 1 else None


def page_count(entries: int, per_page: int) -> int:
    """How many pages a list of `entries` takes: one at least, even when empty."""
    return max(1, -(-entries // per_page))


def later_pages(pages: Sequence[Page], per_page: int) -> list[Page]:
    """Page 2 and on of every home and section list longer than `per_page`."""
    entries = Counter(folder for page in pages if (folder := listed_in(page)) is not None)
    made: list[Page] = []
    for page in pages:
        if page.kind not in LIST_KINDS or page.number != 1:
            continue
        for number in range(2, page_count(entries[folder_of(page)], per_page) + 1):
            made.append(_later_page(page, number))
    return made


def folder_of(page: Page) -> str:
    """The content folder a home or section page is the index of ("" for home)."""
    rel = page.source.rel.removeprefix("content/")
    return rel.rpartition("/")[0]


def page_url(list_url: str, number: int) -> str:
    return list_url if number == 1 else f"{list_url}page/{number}/"


def _later_page(first: Page, number: int) -> Page:
    source = first.source
    folder = source.output.removesuffix("index.html")
    later = replace(
        source,
        rel=f"{source.rel}#page-{number}",  # no Markdown file is named so: never a real page's
        url_path=page_url(source.url_path, number),
        output=f"{folder}page/{number}/index.html",
        body="",
    )
    return replace(first, source=later, url=page_url(first.url, number), content="", toc="",
                   number=number, spilled=None)  # fmt: skip


@dataclass(frozen=True)
class Paginator:
    """One page of a list, as templates see it (`page.paginator`). It holds no list of every
    page's URL: a list of 5,000 entries one to a page would make 5,000 such lists."""

    number: int  # this page's number, from 1
    total: int  # how many pages the list has
    pages: tuple[Any, ...]  # the entries shown on this page, in the list's order
    entries: int  # how many entries the whole list has
    list_url: str  # the list's own URL: page 1's

    def url(self, number: int) -> str:
        """The URL of page `number` of the list (1 to `total`)."""
        return page_url(self.list_url, number)

    @property
    def first_url(self) -> str:
        return self.list_url

    @property
    def last_url(self) -> str:
        return self.url(self.total)

    @property
    def prev_url(self) -> str | None:
        return self.url(self.number - 1) if self.number > 1 else None

    @property
    def next_url(self) -> str | None:
        return self.url(self.number + 1) if self.number < self.total else None


def paginator(list_url: str, number: int, entries: Sequence[Any], per_page: int) -> Paginator:
    """Page `number` of the list at `list_url` (page 1's URL) holding `entries`."""
    shown = tuple(entries[(number - 1) * per_page : number * per_page])
    return Paginator(number, page_count(len(entries), per_page), shown, len(entries), list_url)
