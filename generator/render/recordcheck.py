"""This build's answers to what a page's record asks (`pagerecords.Now`): the templates and
every page attribute it read, as `tracking` digests them, each worked out once a build.

A preview server keeps its last build in memory, and with it the build's `Shape`: a page made
of the very objects of the last build, in a site linked the same way, is settled, and reads
as it did without a second look. This module does no I/O."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from sitegen.cache.pagerecords import GONE, UNKNOWN
from sitegen.render.pageviews import PageView
from sitegen.render.tracking import TrackingEnvironment


@dataclass(frozen=True)
class Shape:
    """A build's pages as the very objects it made (source, converted text, title) and how
    they are linked (sections, lists, neighbours, later pages of a list). Two builds of one
    shape whose page at a URL is made of the same objects read the same there, whatever the
    attribute: every attribute of a page comes from its own objects or from these links."""

    pages: Mapping[str, tuple]  # URL -> (source, content, toc, spilled text, title)
    links: tuple

    @classmethod
    def of(cls, views: Sequence[PageView]) -> Shape:
        pages = {v.url: _made_of(v) for v in views}
        return cls(pages, (_per_page(views), tuple(_links(v) for v in views)))


def _made_of(view: PageView) -> tuple:
    page = view._page
    return (page.source, page.content, page.toc, page.spilled, page.title)


def _per_page(views: Sequence[PageView]) -> int | None:
    return views[0]._per_page if views else None


def _links(view: PageView) -> tuple:
    section, before, after = view.section, view.prev, view.next
    listed = tuple(p.url for p in view.pages) if view._page.number == 1 else None
    return (
        view.url, view._page.number, view._first.url, section.url if section else None,
        before.url if before else None, after.url if after else None, listed,
    )  # fmt: skip


def _same_objects(a: tuple, b: tuple) -> bool:
    return all(x is y for x, y in zip(a[:4], b[:4], strict=True)) and a[4] == b[4]


class Current:
    """This build's answers to what a record asks (`pagerecords.Now`): every digest is
    worked out once a build, however many pages ask. Given the last build's `Shape` (a
    preview server keeps it), a page made of the last build's very objects, in a site of
    the same shape, is settled: it reads as it did, with nothing worked out."""

    def __init__(
        self,
        env: TrackingEnvironment,
        views: Iterable[PageView],
        site: str,
        shapes: tuple[Shape, Shape | None] | None = None,  # this build's and the last's
    ):
        self.site, self._env = site, env
        self._by_url = {view.url: view for view in views}
        now, last = shapes or (None, None)
        self._now, self._last = (
            (now, last) if now and last and now.links == last.links else ({}, None)
        )
        self._settled: dict[str, bool] = {}

    def template(self, name: str) -> str | None:
        return self._env.source_digest(name) if name else UNKNOWN

    def read(self, url: str, attribute: str) -> str:
        view = self._by_url.get(url)
        return GONE if view is None else self._env.read_digest(view, attribute)

    def settled(self, url: str) -> bool:
        if self._last is None:
            return False
        found = self._settled.get(url)
        if found is None:
            before, now = self._last.pages.get(url), self._now.pages.get(url)
            found = before is not None and now is not None and _same_objects(before, now)
            self._settled[url] = found
        return found
