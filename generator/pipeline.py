"""The order of the stages, and nothing else: config is loaded, this builds one site in memory.

This module does no I/O of its own; the stages it calls read inputs, `write` puts the result
on disk."""

from __future__ import annotations

import posixpath

from sitegen import assets, content, markup, render, themes
from sitegen.config import site_base_url
from sitegen.errors import ContentError, OutputError
from sitegen.model import BuildResult, Diagnostic, Mode, Output, Page, Site, SourcePage, Studio


def build(studio: Studio, site: Site, mode: Mode, include_drafts: bool = False) -> BuildResult:
    chain = themes.load_chain(studio.themes_dir, site.theme)
    found = content.load(site, include_drafts)
    base_path = site.demo.base_path if mode is Mode.DEMO else site.release.base_path
    not_found = chain.translate(site.language, "not_found_title") or "Page not found"
    sources = content.with_generated_pages(found.pages, site, not_found)
    links = markup.LinkMap(
        pages={p.rel: base_path + p.url_path[1:] for p in sources},
        files=frozenset(f.origin for f in found.files),
        drafts=found.drafts,
        base_path=base_path,
    )
    pages = _convert(sources, links, base_path)
    env = render.environment(chain, site)
    html = render.render_pages(
        env, chain, studio, site, mode, site_base_url(studio, site, mode), pages
    )
    outputs = html + assets.file_outputs([*found.files, *chain.static])
    check_unique(outputs)
    return BuildResult(site, mode, tuple(outputs), page_count=len(html))


def _convert(sources: list[SourcePage], links: markup.LinkMap, base_path: str) -> list[Page]:
    converter = markup.Converter()
    pages: list[Page] = []
    problems: list[Diagnostic] = []
    for source in sources:
        converted = converter.convert(source, links)
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
