"""Markdown converted across processes equals one process's, links and problems included."""

from __future__ import annotations

import os

from sitegen.cache.spill import SpillFile
from sitegen.config.load import load_site, load_studio
from sitegen.content import convert, markup, sitepages


def _sources(make_project):
    pages = "".join(
        f"-- sites/acme/content/p{n:02d}.md --\n---\ntitle: Page {n}\n---\n# Heading {n}\n\n"
        f"[next](p{n + 1:02d}.md), `code` and *emphasis*.\n"
        for n in range(12)
    )  # the last page links to a page that does not exist
    project = make_project(pages)
    site = load_site(load_studio(project.root), "acme")
    found = sitepages.load(site)
    pages_by_rel = {page.rel: page.url_path for page in found.pages}
    links = markup.LinkMap(pages_by_rel, frozenset(), frozenset(), "/")
    return list(found.pages), links


def test_pages_converted_across_processes_equal_one_process(make_project, monkeypatch):
    sources, links = _sources(make_project)
    alone = convert.convert_with_calls(sources, links, None, workers=1)
    main, convert_page = os.getpid(), markup.Converter.convert

    def in_workers_only(self, page, page_links):
        assert os.getpid() != main, "converted in the main process"
        return convert_page(self, page, page_links)

    monkeypatch.setattr(convert, "PARALLEL_FROM", 2)
    monkeypatch.setattr(markup.Converter, "convert", in_workers_only)
    shared = convert.convert_with_calls(sources, links, None, workers=2)
    assert shared == alone
    assert [converted.problems != () for converted, _ in shared] == [False] * 11 + [True]
    assert "/p05/" in shared[4][0].html


def test_markdown_spilled_before_the_workers_fork_converts_alike(
    make_project, monkeypatch, tmp_path
):
    """A build on disk puts each page's Markdown in its spill file before the workers fork,
    and keeps none: they read it there, and convert it as one process would."""
    sources, links = _sources(make_project)
    alone = convert.convert_with_calls(sources, links, None, workers=1)
    monkeypatch.setattr(convert, "PARALLEL_FROM", 2)
    given = list(sources)
    with SpillFile(tmp_path) as spill:
        made = list(convert.convert_each(given, links, None, 2, remember=False, spill=spill))
    assert made == alone
    assert [page.body for page in given] == [""] * len(sources)
