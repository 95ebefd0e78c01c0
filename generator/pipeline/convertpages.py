"""Source pages into pages: their Markdown converted (`content.convert`), a title when the
front matter and the first heading give none, and the URL under the build's base path. Given
a spill file, each page's HTML goes there as it is converted, and the page keeps only where."""

from __future__ import annotations

import posixpath
from dataclasses import replace

from sitegen.cache.spill import SpillFile
from sitegen.cache.store import Layered
from sitegen.content import convert, markup
from sitegen.errors import ContentError
from sitegen.model import Diagnostic, Page, SourcePage


def pages(
    sources: list[SourcePage],
    links: markup.LinkMap,
    base_path: str,
    cache: Layered | None = None,
    workers: int = 1,
    keep_sources: bool = True,
    spill: SpillFile | None = None,
) -> list[Page]:
    """Every page converted, or one ContentError naming each page's problems. Without
    `keep_sources` a page keeps no Markdown text: nothing reads it once converted, and each
    of `sources` is replaced by the page without it as it is converted, so no text outlives
    its conversion. With `spill`, a page keeps no HTML either: a site's worth is more than a
    process should hold."""
    results = convert.convert_each(sources, links, cache, workers, keep_sources, spill)
    made: list[Page] = []
    problems: list[Diagnostic] = []
    for index, (source, (converted, _)) in enumerate(zip(sources, results, strict=True)):
        problems.extend(converted.problems)
        title = source.title or converted.heading or _title_from_name(source.rel)
        url = base_path + source.url_path[1:]
        if not keep_sources and source.body:  # read once converted
            source = sources[index] = replace(source, body="")
        if spill is None:
            made.append(Page(source, title, url, converted.html, converted.toc))
        else:
            body = spill.put(converted.html, converted.toc)
            made.append(Page(source, title, url, "", "", spilled=body))
    if problems:
        raise ContentError(problems)
    return made


def _title_from_name(rel: str) -> str:
    name = posixpath.splitext(posixpath.basename(rel))[0]
    if name in ("_index", "index"):
        name = posixpath.basename(posixpath.dirname(rel)) or "home"
    return name.replace("-", " ").replace("_", " ").strip().capitalize()
