"""What a preview server keeps between builds of one site, so a rebuild redoes only the work
whose inputs changed, and gives the same bytes as a clean build.

Each step remembers what it read, as contingent does, and is reused only when all of that
reads the same again: the site's content, but the files the watcher reported
(`contentmemo`); a converted page, its text and the links it resolved; a rendered page, the
templates it loaded and the attributes of pages it looked at (see `tracking`); a page with the
live-reload script, and a locked page, its HTML and the key. `stages.build` asks this memo at
those steps when a `BuildOptions.memo` is given. Its I/O: reading the site, the key's salt file
(`salt`), and the persistent cache on a first build."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

import jinja2

from sitegen.cache.store import DiskCache
from sitegen.content import convert, markup, sitepages
from sitegen.content.convert import still_resolves
from sitegen.demo import lock, salt
from sitegen.model import Output, Site, SourcePage
from sitegen.pipeline import stages
from sitegen.serve.contentmemo import ContentMemo
from sitegen.serve.tracking import CompiledTemplates, RenderMemo, TrackingEnvironment, fingerprint


@dataclass(frozen=True)
class Stats:
    """How much of the last build was done again, for the terminal and the tests."""

    converted: int
    converted_reused: int
    rendered: int
    rendered_reused: int
    locked: int
    locked_reused: int

    def describe(self) -> str:
        def part(done: int, reused: int, verb: str) -> str:
            return f"{done} of {done + reused} pages {verb}"

        steps = [part(self.converted, self.converted_reused, "converted")]
        steps.append(part(self.rendered, self.rendered_reused, "rendered"))
        if self.locked or self.locked_reused:
            steps.append(part(self.locked, self.locked_reused, "locked"))
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
        self._settled: dict[str, markup.Converted] = {}  # each page's, at the last good build
        self._unchanged: set[str] = set()  # URLs of pages as they were at the last good build
        self._maps_compared: dict[tuple[int, int], bool] = {}
        self._keys: dict[tuple, lock.DemoKey] = {}
        self._renders = RenderMemo()
        self._compiled = CompiledTemplates()
        self._locks: dict[str, tuple[bytes | None, Output]] = {}
        self._lock_context: tuple | None = None
        self._counts = [0, 0, 0, 0]  # converted, reused; locked, reused
        self._content = ContentMemo()
        self._injected: dict[str, tuple[bytes | None, Output]] = {}  # path: (HTML, injected)
        self._injected_extra: str | None = None

    @property
    def stats(self) -> Stats:
        converted, converted_reused, locked, locked_reused = self._counts
        renders = self._renders
        return Stats(
            converted, converted_reused, renders.rendered, renders.reused, locked, locked_reused
        )

    def start(self, changed: Iterable[Path] | None = None) -> None:
        """Before a build: `changed` is what the watcher saw since the last one, or None if it
        cannot say (every file is read again then)."""
        self._content.changed(changed)
        self._converted, self._unchanged = set(), set()
        self._maps_compared = {}
        self._renders.start()
        self._counts = [0, 0, 0, 0]

    def sweep(self) -> None:
        """Forget the pages the last good build no longer has (renamed, deleted)."""
        self._conversions = {k: v for k, v in self._conversions.items() if k in self._converted}
        self._settled = {rel: kept.result for rel, kept in self._conversions.items()}
        self._renders.sweep()

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
        if self._settled.get(source.rel) is kept.result and source.rel in links.pages:
            self._unchanged.add(links.pages[source.rel])
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

    def environment(self, env: jinja2.Environment) -> jinja2.Environment:
        """`templates`'s environment, made to re-render only pages whose inputs changed. Call
        after converting: the pages whose source and Markdown are as they were at the last
        good build have the same text, title and URL, so the renders that read only those of
        them need not compare what they read."""
        self._renders.unchanged = frozenset(self._unchanged)
        return TrackingEnvironment.tracking(env, self._renders, self._compiled)

    def inject(self, pages: list[Output], extra: str) -> list[Output]:
        """`stages.inject`, done again only for pages whose HTML changed."""
        if extra != self._injected_extra:
            self._injected, self._injected_extra = {}, extra
        fresh = [p for p in pages if self._injected.get(p.path, (None,))[0] != p.data]
        made = dict(zip((p.path for p in fresh), stages.inject(fresh, extra), strict=True))
        self._injected = {
            p.path: (p.data, made[p.path]) if p.path in made else self._injected[p.path]
            for p in pages
        }
        return [self._injected[p.path][1] for p in pages]

    def protect(
        self,
        pages: list[Output],
        files: Iterable[Output],
        withheld: dict[str, str],
        protection: lock.Protection,
    ) -> list[Output]:
        """`lock.protect`, encrypting again only pages whose HTML changed: with the same
        key, the same HTML gives the same gate page (its nonce comes from the content)."""
        files = list(files)
        # Everything a gate page depends on but its own HTML (the gate renderer included).
        context = (fingerprint(protection), withheld, tuple(f.path for f in files))
        if context != self._lock_context:
            self._locks, self._lock_context = {}, context
        fresh = [p for p in pages if p.path not in self._locks or self._locks[p.path][0] != p.data]
        made = lock.protect(fresh, files, withheld, protection)
        by_path = {output.path: output for output in made}
        self._locks = {
            p.path: (p.data, by_path[p.path]) if p.path in by_path else self._locks[p.path]
            for p in pages
        }
        self._counts[2:] = [len(fresh), len(pages) - len(fresh)]
        page_paths = {p.path for p in pages}
        locked_files = [o for o in made if o.path not in page_paths]
        return (
            [o for o in locked_files if not lock.is_page(o.path)]
            + [self._locks[p.path][1] for p in pages]
            + [o for o in locked_files if lock.is_page(o.path)]
        )
