"""The order of the stages, and nothing else: config is loaded, this builds one site in memory,
or prepares it so that shares of its pages can be rendered apart (see `todisk`).

This module does no I/O of its own; the stages it calls read inputs (and the preview cache),
`write` puts the result on disk."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Any

import jinja2

from sitegen.assets import demofiles
from sitegen.cache import folders, pagerecords, uptodate
from sitegen.cache.pagerecords import PageRecord
from sitegen.cache.spill import SpillFile
from sitegen.cache.store import DiskCache, Layered
from sitegen.config.load import site_base_url
from sitegen.content import contentmemo, convert, markup, sitepages
from sitegen.demo import chrome, lock, salt
from sitegen.errors import OutputError
from sitegen.feedback import shown as feedback_shown
from sitegen.model import (
    BuildOptions,
    BuildResult,
    Diagnostic,
    KeptPage,
    LastBuild,
    Mode,
    Output,
    Page,
    Site,
    Studio,
)
from sitegen.pipeline import convertpages, demoparts
from sitegen.render import (
    htmlpatch,
    pageviews,
    pagination,
    recordcheck,
    sitemap,
    templates,
    themes,
    tracking,
)
from sitegen.render.themefolders import theme_folders

DEMO_RUNTIME = lock.DEMO_RUNTIME
FIRST_BUILD = LastBuild()  # no build before: everything read, converted and rendered
GATE_FORM = lock.GATE_FORM


def build(
    studio: Studio,
    site: Site,
    mode: Mode,
    options: BuildOptions = BuildOptions(),
    last: LastBuild = FIRST_BUILD,
    changed: Iterable[Path] | None = None,
) -> BuildResult:
    """The whole build in memory: what `sitegen serve` shows and tests look at. `last` is the
    previous build (`BuildResult.reusable`) and `changed` the files changed since, if known:
    its pages whose record still holds are taken as they are, as a build on disk takes them
    from build/, and only the changed files are read again."""
    prepared = prepare(studio, site, mode, options, last, changed)
    others = site_outputs(prepared)
    check_unique(page_paths(prepared) + others)
    records = {path: kept.record for path, kept in last.pages.items()}
    shape = recordcheck.Shape.of(prepared.views)
    unchanged = unchanged_pages(prepared, records, (shape, last.shape))
    fresh = [view for view in prepared.views if view._page.output not in unchanged]
    made, learnt = page_outputs(prepared, fresh)
    made_by_path = {output.path: output for output in made}
    pages: dict[str, KeptPage] = {}
    for view in prepared.views:
        path = view._page.output
        kept = last.pages.get(path) if path in unchanged else None
        pages[path] = kept or KeptPage(learnt[path], made_by_path[path])
    outputs = [page.output for page in pages.values()] + others
    rendered = frozenset(view._page.output for view in fresh)
    reusable = LastBuild(
        MappingProxyType(pages), prepared.content, prepared.fragments,
        MappingProxyType(_digests(last, prepared.env.digests, shape)), shape,
    )  # fmt: skip
    return BuildResult(
        site, mode, tuple(outputs), len(pages), prepared.warnings, rendered,
        prepared.converted, reusable,
    )  # fmt: skip


@dataclass(frozen=True)
class Prepared:
    """A site converted and ready to render: what rendering any share of its pages needs."""

    site: Site
    mode: Mode
    env: jinja2.Environment
    views: tuple[pageviews.PageView, ...]
    pages: tuple[Page, ...]
    found: sitepages.Content
    chain: themes.ThemeChain
    base_url: str
    base_path: str
    options: BuildOptions
    demo: demoparts.Demo | None
    protection: lock.Protection | None  # demo builds: how pages are locked
    menu_warnings: tuple[Diagnostic, ...] = ()
    seen_by_all: str = pagerecords.UNKNOWN  # digest of what every page sees alike
    content: contentmemo.KeptContent | None = None  # as read, for the next build
    fragments: Mapping[str, Any] = field(default_factory=dict)  # the store's entries it used
    converted: int = 0  # pages whose Markdown was converted, not found converted

    @property
    def warnings(self) -> tuple[Diagnostic, ...]:
        return (*(self.demo.warnings if self.demo else ()), *self.menu_warnings)

    @property
    def withheld(self) -> int:
        """How many of the client's files a demo leaves for the handover."""
        return len(self.demo.withheld) if self.demo else 0

    @property
    def proof_versions(self) -> tuple[tuple[str, str], ...]:
        """(output path, version) of each proof a demo shows: what a publish records."""
        proofs = self.demo.files.proofs if self.demo else ()
        return tuple(sorted((p.file.output, p.version) for p in proofs))


def prepare(
    studio: Studio,
    site: Site,
    mode: Mode,
    options: BuildOptions,
    last: LastBuild = FIRST_BUILD,
    changed: Iterable[Path] | None = None,
    keep_sources: bool = True,
    spill: SpillFile | None = None,
) -> Prepared:
    """Everything before rendering: content read and converted, the theme loaded, the demo's
    key derived and its image previews made. What `last` read or converted is taken from it
    (see `build`). Without `keep_sources`, each page's Markdown text is let go once converted
    and nothing is kept for a next build: a build on disk, whose process ends after it. With
    `spill`, each page's HTML is kept in that file, open until the pages are rendered."""
    chain = themes.load_chain(theme_folders(studio), site.theme)
    cache = None
    if options.use_cache:
        disk = DiskCache(folders.of(studio, options).fragments)
        cache = Layered(last.fragments, disk, remember=keep_sources)
    try:
        drafts = options.include_drafts
        content = contentmemo.load(site, drafts, cache, last.content, changed)
        found = content.content
        demo = demoparts.prepare(studio, site, chain, found, options) if mode is Mode.DEMO else None
        base_path = site.demo.base_path if demo else site.release.base_path
        not_found = chain.translate(site.language, "not_found_title") or "Page not found"
        sources = sitepages.with_generated_pages(found.pages, site, not_found)
        if demo:
            sources += [*demo.withheld.values(), *demo.proofs.values(), demo.status_page]
            sources += [demo.gallery] if demo.gallery else []
        links = markup.LinkMap(
            pages={p.rel: base_path + p.url_path[1:] for p in sources},
            files=frozenset(f.origin for f in found.files),
            drafts=found.drafts,
            base_path=base_path,
        )
        if not keep_sources:  # each page's Markdown goes once converted: only `sources` holds it
            found, content = replace(found, pages=()), None
        made_before = cache.made if cache else 0
        pages = convertpages.pages(
            sources, links, base_path, cache, options.workers, keep_sources, spill
        )
        converted = cache.made - made_before if cache else len(sources)
        pages += pagination.later_pages(pages, site.per_page)
    finally:
        if cache is not None:
            cache.close()
    if not keep_sources:
        convert.forget()
        cache = None
    project = demoparts.project(site, demo, links, base_path, options) if demo else None
    compiled_in = folders.of(studio, options).templates if options.use_cache else None
    env = tracking.TrackingEnvironment.tracking(
        templates.environment(chain, site), last.digests, compiled_in, remember=keep_sources
    )
    base_url = site_base_url(studio, site, mode)
    views, menu_warnings = templates.site_views(
        env, chain, studio, site, mode, base_url, pages, project, found.drafts
    )
    protection = demoparts.protection(demo, env, site, base_path) if demo else None
    if demo and protection:
        protection = demoparts.with_chrome(protection, env, views, demo, base_path)
    prepared = Prepared(
        site, mode, env, tuple(views), tuple(pages), found, chain, base_url, base_path, options,
        demo, protection, menu_warnings, pagerecords.UNKNOWN, content,
        dict(cache.used) if cache else {}, converted,
    )  # fmt: skip
    return replace(prepared, seen_by_all=_seen_by_all(prepared))


def _digests(last: LastBuild, made: Mapping, shape: recordcheck.Shape) -> dict:
    """The digests this build worked out, and those of the last build it did not need to
    (its settled pages'), for the pages still there: each is used only for its very object."""
    return {**{k: v for k, v in last.digests.items() if k[0] in shape.pages}, **made}


def unchanged_pages(
    prepared: Prepared,
    records: Mapping[str, PageRecord],
    shapes: tuple[recordcheck.Shape, recordcheck.Shape | None] | None = None,
) -> set[str]:
    """Output paths of this build's pages whose record of what they read still holds: the
    same bytes as the build that made the record. `shapes` (this build's, the last's) lets
    pages made of the last build's very objects pass without a second look."""
    paths = {view._page.output for view in prepared.views}
    now = recordcheck.Current(prepared.env, prepared.views, prepared.seen_by_all, shapes)
    wanted = {path: record for path, record in records.items() if path in paths}
    return pagerecords.unchanged_pages(wanted, now)


def page_outputs(
    prepared: Prepared, views: Sequence[pageviews.PageView]
) -> tuple[list[Output], dict[str, PageRecord]]:
    """Some of the pages rendered and, in a demo, locked: any share can be made apart; with
    the record of what each read, by output path."""
    html = inject(templates.render_views(prepared.env, views), prepared.options.inject_html)
    learnt = prepared.env.learnt
    records = {
        view._page.output: pagerecords.record(prepared.seen_by_all, *_learnt(learnt, view))
        for view in views
    }
    learnt.clear()
    demo, protection = prepared.demo, prepared.protection
    if demo is None or protection is None:
        return html, records
    withheld = demoparts.withheld_urls(demo, prepared.base_path)
    urls = lock.protected_urls(demo.files.protected, protection)
    return lock.lock_pages(html, urls, withheld, protection), records


def _learnt(learnt: dict[str, tracking.Learnt], view: pageviews.PageView) -> tuple:
    found = learnt[view._page.output]
    return found.templates, found.reads


def _seen_by_all(prepared: Prepared) -> str:
    """What every page sees alike, as a digest: sitegen itself, the templates' globals (the
    site's settings, main menu, studio, project), the client's files and the demo's lock."""
    env, protection = prepared.env, prepared.protection
    shared = tracking.fingerprint((env.globals, env.filters, env.tests))
    lock_seen: tuple = ()
    if protection is not None:  # the key by its check value, never itself
        lock_seen = (salt.check_value(protection.key), tracking.fingerprint(protection.gate))
        lock_seen += (protection.site_id, protection.unlock_script_url, protection.chrome)
    parts = (uptodate.tool_digest(), shared, tuple(site_wide(prepared)), lock_seen)
    return tracking.digest((*parts, prepared.mode.value, prepared.options.include_drafts))


def page_paths(prepared: Prepared) -> list[Output]:
    """Where `page_outputs` puts each page, without making them: to check before writing."""
    return [Output(p.output, origin=p.source.rel) for p in prepared.pages]


def site_wide(prepared: Prepared) -> list[str]:
    """What pages may show of the site besides its pages: the client's files by name, which
    of them a demo encrypts, and where a deliverable's link leads. With the pages and the
    templates, page outputs are the same while these are."""
    files = sorted(f.output for f in prepared.found.files)
    demo, protection = prepared.demo, prepared.protection
    withheld = demoparts.withheld_urls(demo, prepared.base_path) if demo else {}
    encrypted = (
        lock.protected_urls(demo.files.protected, protection) if demo and protection else set()
    )
    return [
        repr(files),
        repr(sorted(withheld.items())),
        repr(sorted(encrypted)),
        prepared.options.inject_html,
        chrome.output_path(protection.chrome) if protection else "",
    ]


def site_outputs(prepared: Prepared) -> list[Output]:
    """Every output but the pages: the client's files, the theme's static files, a sitemap."""
    demo, protection = prepared.demo, prepared.protection
    if demo is not None and protection is not None:
        withheld = demoparts.withheld_urls(demo, prepared.base_path)
        outputs = lock.protect([], demo.files.protected, withheld, protection)
        outputs += demo.files.public
    else:
        outputs = _release_files(prepared)
    return outputs + _theme_files(prepared)


def _release_files(prepared: Prepared) -> list[Output]:
    """The client's files as they are, and a sitemap unless the client wrote their own."""
    outputs = demofiles.file_outputs(prepared.found.files)
    taken = {o.path for o in outputs} | {p.output for p in prepared.pages}
    sitemaps = sitemap.sitemap_outputs(prepared.pages, prepared.base_url, prepared.base_path)
    return outputs + [o for o in sitemaps if o.path not in taken]


def _theme_files(prepared: Prepared) -> list[Output]:
    """The theme's static files (in a demo, those on its allow-list); the gate's form, script
    and styles, and the pages' shared start and the pins' list (`feedback.shown`), in demos only."""
    demo = prepared.demo
    if demo:
        outputs = demofiles.file_outputs(demo.theme_files)
    else:
        outputs = demofiles.file_outputs(
            f for f in prepared.chain.static if not f.output.startswith(DEMO_RUNTIME)
        )
    if demo:
        outputs.append(Output(GATE_FORM, templates.gate_form(prepared.env), origin="gate.html"))
    if prepared.protection:
        outputs += lock.chrome_outputs(prepared.protection)
        outputs += feedback_shown.notes_outputs(prepared.site.path, prepared.protection)
    return outputs


def inject(pages: Sequence[Output], extra: str) -> list[Output]:
    """`extra` before the last </body> of every page: how a preview server adds its live-reload
    script and banner to what it serves, never to what `write` puts in build/."""
    if not extra:
        return list(pages)
    added = extra.encode()
    return [replace(p, data=htmlpatch.insert_before_body_end(p.data or b"", added)) for p in pages]


def check_unique(outputs: list[Output]) -> None:
    """Two sources for one output path is an error naming both, never a silent overwrite."""
    owners: dict[str, Output] = {}
    problems = []
    for output in outputs:
        key = output.path.casefold()
        if key in owners:
            first = owners[key]
            problems.append(
                Diagnostic(
                    None,
                    f"two sources would write {output.path}: {first.origin} and {output.origin}",
                    hint="rename one of them or give one a different slug",
                )
            )
        else:
            owners[key] = output
    if problems:
        raise OutputError(problems)
