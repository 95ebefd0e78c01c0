"""A preview server's copy of a site's content, read again only where the watcher saw a
Markdown page change: on a site of a thousand pages, walking and reading every file cost a
third of a rebuild after a one-page edit.

Anything else (a file created, deleted or renamed, a change outside `content/`, a page that
becomes or stops being a draft, or an unknown list of changes) reads the whole site again,
so the copy always equals what `sitepages.load` would give."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from sitegen.cache.store import DiskCache
from sitegen.content import sitepages
from sitegen.model import Site


class ContentMemo:
    def __init__(self) -> None:
        self._kept: sitepages.Content | None = None
        self._kept_for: tuple | None = None
        self._positions: dict[str, int] = {}  # the kept pages' real paths: realpath is slow
        self._pending: set[str] = set()  # changed since the copy was read, real paths

    def changed(self, paths: Iterable[Path] | None) -> None:
        """Note what the watcher saw before a build; None: it cannot say, read everything."""
        if paths is None:
            self._kept = None
        else:
            self._pending.update(os.path.realpath(p) for p in paths)

    def load(
        self, site: Site, include_drafts: bool, cache: DiskCache | None = None
    ) -> sitepages.Content:
        """`sitepages.load`, reading again only the pages changed since the last call."""
        pending, self._pending = self._pending, set()
        wanted = (site.path, site.content_dir, include_drafts)
        kept = self._kept if self._kept_for == wanted else None
        self._kept = None  # until this load succeeds
        found = self._updated(kept, site, include_drafts, pending) if kept else None
        if found is None:
            found = sitepages.load(site, include_drafts, cache)
            self._positions = {os.path.realpath(p.source): i for i, p in enumerate(found.pages)}
        self._kept, self._kept_for = found, wanted
        return found

    def _updated(
        self, kept: sitepages.Content, site: Site, include_drafts: bool, pending: set[str]
    ) -> sitepages.Content | None:
        """The copy with the changed pages read again, or None if only a full read will do."""
        by_path = self._positions  # an edited page keeps its place
        if not pending.issubset(by_path):
            return None  # a new, deleted, renamed or draft file, or not a page at all
        pages = list(kept.pages)
        for path in pending:
            old = pages[by_path[path]]
            if not os.path.isfile(path):
                return None
            page = sitepages.read_page(site, old.source, old.rel.removeprefix("content/"))
            if page.draft and not include_drafts:
                return None
            pages[by_path[path]] = page
        return replace(kept, pages=tuple(pages))
