"""A build on disk keeps each page's HTML in a file without a name, and reads it back as it was."""

from __future__ import annotations

import os

from sitegen.cache.spill import SpillFile
from sitegen.config.load import load_site, load_studio
from sitegen.model import Mode
from sitegen.pipeline import stages, todisk


def test_a_spilled_page_reads_back_as_it_was_and_leaves_no_file(tmp_path):
    texts = [("<p>café ✓</p>", "<ul>toc</ul>"), ("", ""), ("lone \udc80 surrogate", "x" * 5000)]
    with SpillFile(tmp_path) as spill:
        spilled = [spill.put(content, toc) for content, toc in texts]
        assert list(tmp_path.iterdir()) == []  # no name, even while it is open
        if os.fork() == 0:  # a forked worker reads it where the parent wrote it
            same = [(s.content(), s.toc()) for s in spilled] == texts
            os._exit(0 if same else 1)
        assert os.wait()[1] == 0
        assert [(s.content(), s.toc()) for s in spilled] == texts


def test_pages_of_a_build_on_disk_hold_no_html_yet_render_it(make_project, monkeypatch):
    project = make_project(
        "-- sites/acme/content/post.md --\n---\ntitle: Post\n---\n# Heading\n\nText of the post.\n"
    )
    studio = load_studio(project.root)
    site = load_site(studio, "acme")
    prepared_pages = []
    prepare = stages.prepare

    def noting(*args, **kwargs):
        prepared = prepare(*args, **kwargs)
        prepared_pages.extend(prepared.pages)
        return prepared

    monkeypatch.setattr(stages, "prepare", noting)
    todisk.build_to_disk(studio, site, Mode.RELEASE, stages.BuildOptions())
    post = next(page for page in prepared_pages if page.source.rel == "content/post.md")
    assert post.content == "" and post.spilled is not None
    assert "Text of the post." in project.out("post/index.html", mode="release")
