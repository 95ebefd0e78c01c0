"""The order of the stages, and nothing else: config is loaded, this builds one site in memory.

This module does no I/O of its own; the stages it calls read inputs (and the preview cache),
`write` puts the result on disk."""

from __future__ import annotations

import datetime as dt
import posixpath
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

import jinja2

from sitegen import (
    assets,
    config,
    content,
    convert,
    keystore,
    markup,
    progress,
    protect,
    render,
    sitemap,
    status,
    themes,
)
from sitegen.diskcache import DiskCache
from sitegen.errors import ContentError, OutputError
from sitegen.model import (
    BuildResult,
    Diagnostic,
    Mode,
    Output,
    Page,
    Site,
    SourcePage,
    StaticFile,
    Studio,
)
from sitegen.previews import PreviewSettings

if TYPE_CHECKING:
    from sitegen.incremental import Memo

DEMO_RUNTIME = "theme/sitegen/"  # the gate's script and styles: published in demos only
UNLOCK_SCRIPT = DEMO_RUNTIME + "unlock.js"
FRAGMENTS = "fragments.sqlite"  # converted Markdown, in the cache folder


@dataclass(frozen=True)
class BuildOptions:
    include_drafts: bool = False
    cache_dir: Path | None = None  # default: build/.cache
    workers: int = 1  # processes for Markdown and image previews
    use_cache: bool = True  # False: convert every page again (`sitegen build --no-cache`)
    today: dt.date | None = None  # for "overdue" on the status page; default: the real today
    inject_html: str = ""  # `sitegen serve` only: put before </body> of every page, pre-lock
    memo: Memo | None = None  # `sitegen serve` only: reuses its previous builds' work


def build(
    studio: Studio, site: Site, mode: Mode, options: BuildOptions = BuildOptions()
) -> BuildResult:
    chain = themes.load_chain(studio.themes_dir, site.theme)
    found = content.load(site, options.include_drafts)
    demo = _prepare_demo(studio, site, chain, found, options) if mode is Mode.DEMO else None
    base_path = site.demo.base_path if demo else site.release.base_path
    not_found = chain.translate(site.language, "not_found_title") or "Page not found"
    sources = content.with_generated_pages(found.pages, site, not_found)
    if demo:
        sources += [*demo.withheld.values(), demo.status_page]
    links = markup.LinkMap(
        pages={p.rel: base_path + p.url_path[1:] for p in sources},
        files=frozenset(f.origin for f in found.files),
        drafts=found.drafts,
        base_path=base_path,
    )
    cache = (
        None
        if options.memo or not options.use_cache
        else DiskCache(_cache_dir(studio, options) / FRAGMENTS)
    )
    try:
        pages = _convert(sources, links, base_path, options.memo, cache, options.workers)
    finally:
        if cache is not None:
            cache.close()
    project = _project(site, demo, links, base_path, options) if demo else None
    env = render.environment(chain, site)
    if options.memo:
        env = options.memo.environment(env)
    base_url = config.site_base_url(studio, site, mode)
    html = render.render_pages(env, chain, studio, site, mode, base_url, pages, project)
    html = _inject(html, options.inject_html)
    if demo:
        outputs = _lock(demo, html, env, site, base_path, options.memo)
    else:
        outputs = html + assets.file_outputs(found.files)
        taken = {o.path for o in outputs}  # a client's own robots.txt wins
        outputs += [
            o for o in sitemap.sitemap_outputs(pages, base_url, base_path) if o.path not in taken
        ]
    outputs += assets.file_outputs(
        f for f in chain.static if demo or not f.output.startswith(DEMO_RUNTIME)
    )
    check_unique(outputs)
    warnings = demo.warnings if demo else ()
    return BuildResult(site, mode, tuple(outputs), len(html), warnings)


@dataclass(frozen=True)
class _Demo:
    files: assets.DemoFiles
    withheld: dict[StaticFile, SourcePage]  # deliverable -> the page shown in its place
    status_page: SourcePage
    updates: tuple[SourcePage, ...]
    key: Future[protect.DemoKey]
    warnings: tuple[Diagnostic, ...]


def _prepare_demo(
    studio: Studio,
    site: Site,
    chain: themes.ThemeChain,
    found: content.Content,
    options: BuildOptions,
) -> _Demo:
    """Check the password, start deriving the key, sort the files, make image previews."""
    password, weak = config.demo_password(site)
    # PBKDF2 runs in OpenSSL outside the GIL: the key is ready by the time pages are. A new
    # thread per build: a thread pool kept across builds would not survive a fork.
    background = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sitegen-key")
    cache_dir = _cache_dir(studio, options)
    derive = options.memo.demo_key if options.memo else keystore.demo_key
    key = background.submit(derive, cache_dir, site.name, password)
    background.shutdown(wait=False)
    watermark = f"{studio.name} · PREVIEW"
    files = assets.demo_files(
        found.files,
        site.demo,
        PreviewSettings(site.demo.preview_size, site.demo.preview_quality, watermark),
        cache_dir,
        options.workers,
    )
    title = chain.translate(site.language, "withheld_title") or "Comes with the handover"
    withheld = {f: content.withheld_page(site, f, title) for f in files.withheld}
    status_title = chain.translate(site.language, "status_title") or "Project status"
    status_page = content.status_page(site, status_title)
    warnings = (*weak, *_insecure_demo_domain(studio), *files.warnings)
    return _Demo(files, withheld, status_page, content.load_updates(site), key, warnings)


def _project(
    site: Site, demo: _Demo, links: markup.LinkMap, base_path: str, options: BuildOptions
) -> status.ProjectView:
    today = options.today or dt.date.today()
    updates = _convert(list(demo.updates), links, base_path)
    url = base_path + demo.status_page.url_path[1:]
    return status.project_view(progress.progress(site, today), updates, url, today)


def _lock(
    demo: _Demo,
    html: list[Output],
    env: jinja2.Environment,
    site: Site,
    base_path: str,
    memo: Memo | None = None,
) -> list[Output]:
    withheld_urls = {
        base_path + quote(f.output): base_path + page.url_path[1:]
        for f, page in demo.withheld.items()
    }
    protection = protect.Protection(
        key=demo.key.result(),
        site_id=site.demo.subdomain,
        base_path=base_path,
        unlock_script_url=base_path + UNLOCK_SCRIPT,
        gate=render.gate_renderer(env),
    )
    lock = memo.protect if memo else protect.protect
    return lock(html, demo.files.protected, withheld_urls, protection) + list(demo.files.public)


def _inject(pages: list[Output], extra: str) -> list[Output]:
    """`extra` before the last </body> of every page: how a preview server adds its live-reload
    script and banner to what it serves, never to what `write` puts in build/."""
    if not extra:
        return pages
    added = extra.encode()
    return [replace(p, data=render.insert_before_body_end(p.data or b"", added)) for p in pages]


def _cache_dir(studio: Studio, options: BuildOptions) -> Path:
    return options.cache_dir or studio.build_dir / ".cache"


def _insecure_demo_domain(studio: Studio) -> list[Diagnostic]:
    if not studio.demo_domain.startswith("http://"):
        return []
    return [
        Diagnostic(
            studio.root / config.STUDIO_FILE,
            "demo_domain uses http://: browsers unlock a demo only over https (or localhost)",
            hint="serve demos over https, e.g. behind CloudFront; see deploy/README.md",
        )
    ]


def _convert(
    sources: list[SourcePage],
    links: markup.LinkMap,
    base_path: str,
    memo: Memo | None = None,
    cache: DiskCache | None = None,
    workers: int = 1,
) -> list[Page]:
    if memo:
        converter = markup.Converter()
        results = [memo.convert(converter, source, links) for source in sources]
    else:
        results = convert.convert_all(sources, links, cache, workers)
    pages: list[Page] = []
    problems: list[Diagnostic] = []
    for source, converted in zip(sources, results, strict=True):
        problems.extend(converted.problems)
        title = source.title or converted.heading or _title_from_name(source.rel)
        url = base_path + source.url_path[1:]
        pages.append(Page(source, title, url, converted.html, converted.toc))
    if problems:
        raise ContentError(problems)
    return pages


def _title_from_name(rel: str) -> str:
    name = posixpath.splitext(posixpath.basename(rel))[0]
    if name in ("_index", "index"):
        name = posixpath.basename(posixpath.dirname(rel)) or "home"
    return name.replace("-", " ").replace("_", " ").strip().capitalize()


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
