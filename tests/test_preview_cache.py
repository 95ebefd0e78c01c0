"""A damaged preview cache never ships: an entry is checked before use, and `--no-cache`
makes every preview again."""

from __future__ import annotations

import hashlib
import io

import pytest
from PIL import Image

from conftest import decrypt_demo_tree


def jpeg(colour: str, size: tuple[int, int] = (1600, 1000)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.fixture
def project(make_project):
    project = make_project("-- sites/acme/content/_index.md --\n![shop](../assets/shop.jpg)\n")
    (project.root / "sites/acme/assets").mkdir()
    (project.root / "sites/acme/assets/shop.jpg").write_bytes(jpeg("orange"))
    project.build()
    return project


def shipped(project) -> bytes:
    return decrypt_demo_tree(project.root / "build/acme/demo")["assets/shop.jpg"]


def entries(project) -> list:
    return sorted((project.root / "build/.cache/previews").iterdir())


def touch_a_page(project) -> None:
    """A change elsewhere, so the next build is not found up to date and reads the cache."""
    page = project.root / "sites/acme/content/_index.md"
    page.write_text(page.read_text() + "\nMore text.\n")


@pytest.mark.parametrize(
    "garbage",
    [b"\x00garbage" * 100, b"", jpeg("navy", (4000, 2500))],
    ids=["bytes", "empty", "an-image"],
)
def test_garbage_in_the_cache_is_made_again_not_shipped(project, garbage):
    good = shipped(project)
    (entry,) = entries(project)
    entry.write_bytes(garbage)
    touch_a_page(project)
    project.build()
    assert shipped(project) == good
    assert hashlib.sha256(entry.read_bytes()).digest() != hashlib.sha256(garbage).digest()


def test_no_cache_makes_every_preview_again(project):
    """An entry that is sound as stored but not what this image gives (written by another
    sitegen, say) is trusted by a normal build; --no-cache makes the preview again."""
    good = shipped(project)
    (entry,) = entries(project)
    other = jpeg("navy", (300, 200))
    entry.write_bytes(hashlib.sha256(other).digest() + other)
    touch_a_page(project)
    project.build()
    assert shipped(project) == other
    project.build("--no-cache")
    assert shipped(project) == good
    assert entry.read_bytes() == hashlib.sha256(good).digest() + good


def test_entries_unused_for_a_month_are_pruned_never_one_this_build_used(project):
    """The cache stays bounded: a build removes previews nobody used for 30 days, keeps newer
    ones, and keeps (and marks as used) those it used itself, however old."""
    import os
    import time

    (used,) = entries(project)
    folder = used.parent
    day = 86400
    stale, recent = folder / ("0" * 64), folder / ("1" * 64)
    for path, days in ((stale, 31), (recent, 29), (used, 40)):
        if path != used:
            path.write_bytes(b"an old preview")
        then = time.time() - days * day
        os.utime(path, (then, then))
    good = shipped(project)
    touch_a_page(project)
    project.build()
    assert entries(project) == sorted([used, recent])
    assert used.stat().st_mtime > time.time() - day, "its use is noted"
    assert shipped(project) == good
