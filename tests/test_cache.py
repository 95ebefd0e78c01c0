"""The persistent cache: content-addressed, bounded, safe to delete, never trusting damage."""

from __future__ import annotations

import marshal
import os
import shutil
import subprocess
import sys
import time

import jinja2.bccache
import pytest

from sitegen.cache.pagerecords import FORMAT
from sitegen.cache.store import DiskCache, digest


def test_values_come_back_by_key_across_openings(tmp_path):
    path = tmp_path / "cache.sqlite"
    with DiskCache(path) as cache:
        cache.put(digest("page", "text"), {"html": "<p>hi</p>", "toc": ""})
    with DiskCache(path) as cache:
        assert cache.get(digest("page", "text")) == {"html": "<p>hi</p>", "toc": ""}
        assert cache.get(digest("page", "other text")) is None
    assert digest("ab", "c") != digest("a", "bc"), "parts are delimited"


def test_a_damaged_cache_file_is_replaced_not_trusted(tmp_path):
    path = tmp_path / "cache.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    with DiskCache(path) as cache:
        assert cache.get("anything") is None
        cache.put("k", [1, 2])
    with DiskCache(path) as cache:
        assert cache.get("k") == [1, 2]


def test_a_damaged_entry_is_dropped(tmp_path):
    path = tmp_path / "cache.sqlite"
    with DiskCache(path) as cache:
        cache.put("k", {"a": 1})
    import sqlite3

    with sqlite3.connect(path) as db:
        db.execute("UPDATE entries SET value = ? WHERE key = 'k'", (b"{not json",))
    with DiskCache(path) as cache:
        assert cache.get("k") is None
        assert cache.get("k") is None


def test_least_recently_used_entries_are_pruned_to_the_limit(tmp_path):
    path = tmp_path / "cache.sqlite"
    with DiskCache(path, limit=10_000) as cache:
        for index in range(30):
            cache.put(f"k{index}", "x" * 1000)
            time.sleep(0.001)
    with DiskCache(path, limit=10_000) as cache:
        kept = [i for i in range(30) if cache.get(f"k{i}") is not None]
    assert len(kept) <= 10 and kept[-1] == 29, "the newest stay, the oldest go"


def test_the_cache_folder_can_be_deleted_at_any_time(tmp_path):
    path = tmp_path / "cache" / "cache.sqlite"
    with DiskCache(path) as cache:
        cache.put("k", 1)
    for file in path.parent.iterdir():
        file.unlink()
    path.parent.rmdir()
    with DiskCache(path) as cache:
        assert cache.get("k") is None
        cache.put("k", 2)
        assert cache.get("k") == 2


def snapshot(folder):
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_cached_build_equals_a_clean_build_after_edits(make_project):
    """Pages, templates, config and titles change; the cached build must not notice."""
    project = make_project("""
        -- sites/acme/content/_index.md --
        ---
        title: Home
        ---
        See [about](about.md) and [the post](blog/post.md).
        -- sites/acme/content/about.md --
        ---
        title: About
        weight: 1
        ---
        About us.
        -- sites/acme/content/blog/post.md --
        # A post

        Back to [about](../about.md).
    """)
    root = project.root
    release = root / "build/acme/release"
    edits = [
        ("sites/acme/content/about.md", "---\ntitle: About the bakery\nweight: 1\n---\nAbout.\n"),
        ("sites/acme/content/blog/post.md", "# A post, renamed\n\nBack to [about](../about.md).\n"),
        ("sites/acme/content/about.md", "---\ntitle: About\nslug: who-we-are\n---\nAbout.\n"),
        (
            "sites/acme/templates/page.html",
            "{% extends 'base.html' %}{% block content %}"
            "<h1 class='edited'>{{ page.title }}</h1>{{ page.content }}{% endblock %}",
        ),
    ]
    project.build("--release")
    for path, text in edits:
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")
        project.build("--release")
        cached = snapshot(release)
        project.build("--release", "--no-cache")
        assert snapshot(release) == cached, f"after editing {path}"
    site_toml = root / "sites/acme/site.toml"
    site_toml.write_text(site_toml.read_text().replace('title = "Acme Site"', 'title = "Acme"'))
    project.build("--release")
    cached = snapshot(release)
    project.build("--release", "--no-cache")
    assert snapshot(release) == cached
    assert 'href="/who-we-are/"' in project.out("index.html", mode="release")


def pages_converted(monkeypatch) -> list[str]:
    """The pages converted from now on, by their path in the site folder."""
    from sitegen.content import convert

    converted: list[str] = []
    real = convert.convert_chunk

    def counting(jobs, links):
        converted.extend(job.rel for job in jobs)
        return real(jobs, links)

    monkeypatch.setattr(convert, "convert_chunk", counting)
    return converted


def test_an_unchanged_page_is_never_converted_twice(make_project, monkeypatch):
    project = make_project("""
        -- sites/acme/content/a.md --
        Page A links to [B](b.md).
        -- sites/acme/content/b.md --
        Page B.
    """)
    project.build("--release")
    converted = pages_converted(monkeypatch)
    project.build("--release")
    assert converted == [], "a second build converts nothing"
    (project.root / "sites/acme/content/b.md").write_text("Page B, edited.\n")
    project.build("--release")
    assert converted == ["content/b.md"], "only the edited page, once for demo and release"
    (project.root / "sites/acme/content/b.md").rename(project.root / "sites/acme/content/c.md")
    (project.root / "sites/acme/content/a.md").write_text("Page A links to [C](c.md).\n")
    converted.clear()
    project.build("--release")
    assert sorted(set(converted)) == ["content/a.md", "content/c.md"]


def test_pages_are_converted_again_under_another_sitegen_or_library(make_project, monkeypatch):
    from sitegen.cache import uptodate
    from sitegen.content import convert

    project = make_project("""
        -- sites/acme/content/a.md --
        Page A.
        -- sites/acme/content/b.md --
        Page B.
    """)
    project.build()
    converted = pages_converted(monkeypatch)
    monkeypatch.setattr(uptodate, "tool_digest", lambda: "another sitegen or Markdown")
    convert.recipe.cache_clear()
    try:
        project.build()
    finally:
        convert.recipe.cache_clear()
    assert {"content/a.md", "content/b.md"} <= set(converted)


def test_many_values_at_once_skip_misses_and_damaged_entries(tmp_path):
    path = tmp_path / "cache.sqlite"
    with DiskCache(path) as cache:
        for index in range(1200):  # more than one query's worth
            cache.put(f"k{index}", {"n": index})
    import sqlite3

    with sqlite3.connect(path) as db:
        db.execute("UPDATE entries SET value = ? WHERE key = 'k7'", (b"{not json",))
    with DiskCache(path) as cache:
        found = cache.get_many([f"k{index}" for index in range(1300)])
        assert len(found) == 1199 and found["k1100"] == {"n": 1100} and "k7" not in found
        assert cache.get("k7") is None


def test_front_matter_is_parsed_once_across_builds(make_project, monkeypatch):
    import datetime as dt

    import yaml

    from sitegen.config.load import load_site, load_studio
    from sitegen.content import sitepages

    project = make_project(
        "-- sites/acme/content/post.md --\n---\ntitle: Post\ndate: 2026-01-02\n"
        "params_at: 2026-01-02T10:00:00+02:00\ntags: [a, b]\n---\nBody.\n"
    )
    project.build()

    def refuse(*args, **kwargs):
        raise AssertionError("front matter parsed again")

    monkeypatch.setattr(yaml, "load", refuse)
    post = project.root / "sites/acme/content/post.md"
    post.write_text(post.read_text().replace("Body.", "New body."))
    project.build()
    assert "New body." in project.out("post/index.html")
    site = load_site(load_studio(project.root), "acme")
    with DiskCache(project.root / "build/.cache/fragments.sqlite") as cache:
        (page,) = sitepages.load(site, cache=cache).pages
    assert page.date == dt.date(2026, 1, 2) and page.params["tags"] == ["a", "b"]
    assert page.params["params_at"] == dt.datetime(2026, 1, 2, 8, tzinfo=dt.UTC)


def test_pages_with_the_same_cached_front_matter_do_not_share_values(tmp_path):
    """The cache's values are handed to each page as its own: one page's values changed, or
    its date read, leave the next page's and the cache's as the YAML says."""
    from pathlib import Path

    from sitegen.content import frontmatter

    text = "---\ntitle: Post\ndate: '2026-01-02'\ntags: [a, b]\n---\nBody.\n"
    memo = frontmatter.YamlMemo()
    frontmatter.split(Path("first.md"), text, memo)
    memo.known.update(memo.new)  # as the next build finds it in the cache
    second = frontmatter.split(Path("second.md"), text, memo)
    second.values["tags"].append("changed")
    third = frontmatter.split(Path("third.md"), text, memo)
    assert third.values["tags"] == ["a", "b"]
    assert memo.known[frontmatter.yaml_text(text)]["date"] == "2026-01-02"
    assert frontmatter.YamlMemo().known == {}, "every memo starts empty"


def test_front_matter_values_round_trip_or_are_not_kept():
    import datetime as dt

    from sitegen.content import frontcache

    values = {
        "date": dt.date(2026, 1, 2),
        "at": dt.datetime(2026, 1, 2, 10, tzinfo=dt.timezone(dt.timedelta(hours=2))),
        "n": [1, 2.5, True, None, {"x": "y"}],
    }
    import json

    stored = json.loads(json.dumps(frontcache._tagged(values)))
    assert frontcache._untagged(stored) == values
    for not_kept in ({"tags": {"a", "b"}}, {1: "not a string key"}, {"x": [{"y": b"z"}]}):
        with pytest.raises(TypeError):
            frontcache._tagged(not_kept)


def test_the_preview_servers_first_build_reuses_the_markdown_cache(make_project, monkeypatch):
    from sitegen.content import markup
    from sitegen.model import Mode
    from sitegen.serve.livereload import Hub
    from sitegen.serve.rebuild import Preview

    project = make_project(
        "-- sites/acme/content/post.md --\n---\ntitle: Post\n---\nSee [about](about.md).\n"
        "-- sites/acme/content/about.md --\n# About\nUs.\n"
    )
    project.build()

    def refuse(self, page, links):
        raise AssertionError(f"{page.rel} converted again although the cache had it")

    monkeypatch.setattr(markup.Converter, "convert", refuse)
    preview = Preview(project.root, "acme", Mode.DEMO, Hub(), echo=lambda *a, **k: None)
    preview.rebuild()
    assert preview.snapshot.failure is None
    assert "post/index.html" in preview.snapshot.files


def test_puts_are_committed_as_they_go_not_only_at_close(tmp_path, monkeypatch):
    from sitegen.cache import store

    monkeypatch.setattr(store, "COMMIT_EVERY", 100)
    path = tmp_path / "cache.sqlite"
    cache = DiskCache(path)
    for index in range(20):
        cache.put(f"k{index}", {"text": "x" * 50})
    with DiskCache(path) as other:  # what a build killed now would leave behind
        assert len(other.get_many([f"k{index}" for index in range(20)])) >= 18
    cache.close()


def test_a_use_is_noted_only_when_the_last_one_is_not_recent(tmp_path):
    import sqlite3

    path = tmp_path / "cache.sqlite"
    with DiskCache(path) as cache:
        cache.put("recent", 1)
        cache.put("old", 2)
    an_hour_ago = time.time() - 3601
    with sqlite3.connect(path) as db:
        db.execute("UPDATE entries SET used = ? WHERE key = 'old'", (an_hour_ago,))
        before = dict(db.execute("SELECT key, used FROM entries"))
    with DiskCache(path) as cache:
        assert cache.get_many(["recent", "old"]) == {"recent": 1, "old": 2}
    with sqlite3.connect(path) as db:
        after = dict(db.execute("SELECT key, used FROM entries"))
    assert after["recent"] == before["recent"], "a recent use is not written again"
    assert after["old"] > before["old"] + 3600, "an old entry is noted as used, kept from pruning"


ABOUT_PAGE = """
    -- sites/acme/content/about.md --
    ---
    title: About
    ---
    About us.
"""


def build_in_a_new_process(root):
    """A build in a process of its own, as a user runs it: nothing compiled in memory yet."""
    command = [sys.executable, "-m", "sitegen", "--root", str(root), "build", "-q", "--release"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_compiled_templates_are_kept_on_disk_and_a_damaged_one_is_compiled_again(make_project):
    project = make_project(ABOUT_PAGE)
    root = project.root
    release = root / "build/acme/release"
    kept = root / "build/.cache/templates"
    build_in_a_new_process(root)
    first = snapshot(release)
    compiled = sorted(kept.iterdir())
    assert compiled, "no compiled template was kept"

    # Every kept file damaged in a different way: cut short, junk, junk after a right header,
    # another template's code.
    for index, path in enumerate(compiled):
        data = path.read_bytes()
        header = jinja2.bccache.bc_magic
        damaged = [
            data[: len(data) // 2],
            b"\x80junk" * 7,
            header + b"\x80junk" * 7,
            compiled[index - 1].read_bytes(),
        ]
        path.write_bytes(damaged[index % len(damaged)])
    shutil.rmtree(root / "build/acme")
    build_in_a_new_process(root)
    assert snapshot(release) == first

    # The code of a template no build has used for a month goes; the rest stays.
    old = kept / "old-template.bin"
    old.write_bytes(compiled[0].read_bytes())
    month_ago = time.time() - 31 * 86400
    os.utime(old, (month_ago, month_ago))
    shutil.rmtree(root / "build/acme")
    build_in_a_new_process(root)
    assert not old.exists() and all(path.exists() for path in compiled)

    # A template edited: the kept code of its old text is not used.
    page = root / "themes/base/templates/page.html"
    page.write_text(page.read_text().replace("</article>", "<p>edited</p></article>", 1))
    build_in_a_new_process(root)
    assert "<p>edited</p>" in (release / "about/index.html").read_text()


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # cut short
        lambda data: b"\x80junk" * 9,  # not marshal data
        lambda data: marshal.dumps((3, {}, [], {"index.html": 1})),  # an older format
        lambda data: marshal.dumps((FORMAT, (b"\x00",))),  # a share's pack damaged
    ],
    ids=["cut short", "junk", "older format", "damaged pack"],
)
def test_damaged_page_records_make_every_page_again(make_project, damage):
    project = make_project(ABOUT_PAGE)
    root = project.root
    project.build("--release")
    records = root / "build/.cache/renders/acme.release.bin"
    records.write_bytes(damage(records.read_bytes()))
    about = root / "sites/acme/content/about.md"
    about.write_text(about.read_text() + "\nMore.\n")
    result = project.build("--release")
    release_line = next(line for line in result.output.splitlines() if " release " in line)
    assert "kept" not in release_line, "no page is kept on a damaged record"
    cached = snapshot(root / "build/acme/release")
    project.build("--release", "--no-cache")
    assert snapshot(root / "build/acme/release") == cached
