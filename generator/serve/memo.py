"""What a preview server keeps between builds of one site, so a rebuild redoes only the work
whose inputs changed, and gives the same bytes as a clean build.

Each step remembers what it read, as contingent does, and is reused only when all of that
reads the same again: the site's content, but the files the watcher reported
(`contentmemo`); a converted page, its text and the links it resolved. `stages.build` asks
this memo at those steps when a `BuildOptions.memo` is given; which pages are rendered again
it decides from their records alone, as a build on disk does (`pagerecords`). Its I/O: reading
the site, the key's salt file (`salt`), and the persistent cache on a first build."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from types import MappingProxyType

from sitegen.cache.store import DiskCache
from sitegen.content import convert, markup, sitepages
from sitegen.content.convert import still_resolves
from sitegen.demo import lock, salt
from sitegen.model import BuildResult, KeptPage, Site, SourcePage
from sitegen.serve.contentmemo import ContentMemo


@dataclass(frozen=True)
class Stats:
    """How much of the last build was done again, for the terminal and the tests."""

    converted: int
    converted_reused: int
    rendered: int
    rendered_reused: int
    rendered_pages: frozenset[str] = frozenset()  # by output path

    def describe(self) -> str:
        def part(done: int, reused: int, verb: str) -> str:
            return f"{done} of {done + reused} pages {verb}"

        steps = [part(self.converted, self.converted_reused, "converted")]
        steps.append(part(self.rendered, self.rendered_reused, "rendered"))
        return ", ".join(steps)


@dataclass(frozen=True)
class _Conversion:
    source: SourcePage  # the page as read: text, front matter, place
    links: tuple[tuple[str, tuple[str, ...]], ...]  # (href, what it resolved to), per link
    result: markup.Converted
    checked_with: markup.LinkMap  # the last site's links these answers held for


class Memo:
    """One site's reusable work. Not thread-safe: a server builds one site at a time.

    Call `start` before each build and `sweep` after a good one."""

    def __init__(self) -> None:
        self._conversions: dict[str, _Conversion] = {}
        self._converted: set[str] = set()
        self._maps_compared: dict[tuple[int, int], bool] = {}
        self._keys: dict[tuple, lock.DemoKey] = {}
        self._counts = [0, 0]  # converted, reused
        self._content = ContentMemo()
        self.pages: Mapping[str, KeptPage] = MappingProxyType({})  # the last good build's
        self._rendered: frozenset[str] = frozenset()  # pages rendered by the last build
        self._reused = 0  # pages it took from the build before

    @property
    def stats(self) -> Stats:
        return Stats(*self._counts, len(self._rendered), self._reused, self._rendered)

    def built(self, result: BuildResult) -> None:
        """After a good build: its pages are the previous build's for the next one."""
        self.pages = result.pages
        self._rendered = result.rendered
        self._reused = result.page_count - len(result.rendered)

    def start(self, changed: Iterable[Path] | None = None) -> None:
        """Before a build: `changed` is what the watcher saw since the last one, or None if it
        cannot say (every file is read again then)."""
        self._content.changed(changed)
        self._converted = set()
        self._maps_compared = {}
        self._counts = [0, 0]
        self._rendered, self._reused = frozenset(), 0

    def sweep(self) -> None:
        """Forget the pages the last good build no longer has (renamed, deleted)."""
        self._conversions = {k: v for k, v in self._conversions.items() if k in self._converted}

    def content(
        self, site: Site, include_drafts: bool, cache: DiskCache | None = None
    ) -> sitepages.Content:
        """`sitepages.load`, reading again only the pages the watcher saw change."""
        return self._content.load(site, include_drafts, cache)

    def convert_all(
        self, sources: list[SourcePage], links: markup.LinkMap, cache: DiskCache | None
    ) -> list[markup.Converted]:
        """Markdown to HTML, reused while a page's text is the same and its links lead where
        they did (a renamed page reconverts only the pages that link to it); the rest
        converted, or on the first build taken from the persistent cache. Later builds leave
        the cache alone: opening it would cost more than the few pages an edit changes."""
        first = not self._conversions
        results = [self._kept(source, links) for source in sources]
        missing = [index for index, result in enumerate(results) if result is None]
        misses = [sources[i] for i in missing]
        made = convert.convert_with_calls(misses, links, cache if first else None)
        for index, (result, calls) in zip(missing, made, strict=True):
            source = sources[index]
            self._conversions[source.rel] = _Conversion(source, calls, result, links)
            self._counts[0] += 1
            results[index] = result
        return results  # type: ignore[return-value]

    def _kept(self, source: SourcePage, links: markup.LinkMap) -> markup.Converted | None:
        self._converted.add(source.rel)
        kept = self._conversions.get(source.rel)
        if kept is None or kept.source != source:
            return None
        if not self._same_map(kept.checked_with, links):
            if not still_resolves(kept.links, source.rel, links):
                return None
            self._conversions[source.rel] = replace(kept, checked_with=links)
        self._counts[1] += 1
        return kept.result

    def _same_map(self, before: markup.LinkMap, now: markup.LinkMap) -> bool:
        """Whether two builds' links are all the same, compared once per pair per build."""
        if before is now:
            return True
        pair = (id(before), id(now))  # both stay alive while this build runs
        if pair not in self._maps_compared:
            self._maps_compared[pair] = before == now
        return self._maps_compared[pair]

    def demo_key(self, cache_dir: Path, client: str, password: str) -> lock.DemoKey:
        """The demo key, derived once per password: PBKDF2 costs more than a rebuild."""
        wanted = (cache_dir, client, password)
        if wanted not in self._keys:
            self._keys = {wanted: salt.demo_key(cache_dir, client, password)}
        return self._keys[wanted]
