"""The site's content read again only where the files told changed are Markdown pages: on a
site of a thousand pages, walking and reading every file cost a third of a preview server's
rebuild after a one-page edit.

Anything else (a file created, deleted or renamed, a change outside `content/`, a page that
becomes or stops being a draft, no copy kept, or no list of changes) reads the whole site
again, so the result always equals what `sitepages.load` gives."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from sitegen.content import sitepages
from sitegen.model import Site


@dataclass(frozen=True)
class KeptContent:
    """A site's content as read, and for what: the next build starts from it."""

    content: sitepages.Content
    read_for: tuple  # (site folder, content folder, drafts included)
    positions: Mapping[str, int] | None = None  # each page's real path: its place. Made
    # when first needed, then kept: realpath is slow, and a build on disk never needs it


def load(
    site: Site,
    include_drafts: bool,
    cache: Any = None,
    kept: KeptContent | None = None,
    changed: Iterable[Path] | None = None,
) -> KeptContent:
    """`sitepages.load`, reading again only the `changed` files of a `kept` copy."""
    wanted = (site.path, site.content_dir, include_drafts)
    found = None
    if kept is not None and changed is not None and kept.read_for == wanted:
        found = _updated(kept, site, include_drafts, {os.path.realpath(p) for p in changed})
    if found is not None:
        return found
    return KeptContent(sitepages.load(site, include_drafts, cache), wanted)


def _updated(
    kept: KeptContent, site: Site, include_drafts: bool, changed: set[str]
) -> KeptContent | None:
    """The copy with the changed pages read again, or None if only a full read will do."""
    by_path = kept.positions  # an edited page keeps its place
    if by_path is None:
        by_path = {os.path.realpath(p.source): i for i, p in enumerate(kept.content.pages)}
    if not changed.issubset(by_path):
        return None  # a new, deleted, renamed or draft file, or not a page at all
    pages = list(kept.content.pages)
    for path in changed:
        old = pages[by_path[path]]
        if not os.path.isfile(path):
            return None
        page = sitepages.read_page(site, old.source, old.rel.removeprefix("content/"))
        if page.draft and not include_drafts:
            return None
        pages[by_path[path]] = page
    return replace(kept, content=replace(kept.content, pages=tuple(pages)), positions=by_path)
