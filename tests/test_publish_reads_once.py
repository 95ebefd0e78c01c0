"""Publish and handover list the built folder once: the lock check, the leak audit, the release
checks, the plan and the handover log all take their files from that one listing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

PAID = """
[release]
domain = "www.acme.example"

[[milestones]]
id = "all"
title = "Everything"
share = 100
amount = 1000.00
currency = "EUR"
due = 2026-01-10
state = "approved"
paid = true
"""


@pytest.fixture
def project(make_project):
    project = make_project("""
        -- sites/acme/content/about.md --
        We bake bread before the sun comes up over the harbour.
        -- sites/acme/content/news/spring.md --
        New loaves for the spring market.
    """)
    toml = project.root / "sites/acme/site.toml"
    toml.write_text(toml.read_text() + PAID)
    return project


@pytest.fixture
def listings(monkeypatch):
    """How often each folder is listed: every walk (os.walk, Path.rglob, Path.iterdir) lists
    the folder it starts from once."""
    counted: dict[Path, int] = {}
    scandir, listdir = os.scandir, os.listdir

    def counting(real):
        def listing(path="."):
            where = Path(os.fsdecode(path)).resolve()
            counted[where] = counted.get(where, 0) + 1
            return real(path)

        return listing

    monkeypatch.setattr(os, "scandir", counting(scandir))
    monkeypatch.setattr(os, "listdir", counting(listdir))
    return counted


def listed_by(project, listings, folder: Path, *args: str) -> int:
    """The listings of `folder` a command makes beyond those of a build found up to date (which
    checks its outputs are still there)."""
    project.build("--release")
    listings.clear()
    project.build("--release")
    by_build = listings.get(folder.resolve(), 0)
    listings.clear()
    result = project.run(*args)
    assert result.exit_code == 0, result.output
    return listings.get(folder.resolve(), 0) - by_build


def test_publish_lists_the_built_demo_once(project, listings):
    demo = project.root / "build/acme/demo"
    assert listed_by(project, listings, demo, "publish", "acme") == 1
    assert (project.root / "build/_published/demo/acme/about/index.html").is_file()


def test_handover_lists_the_built_release_once(project, listings):
    release = project.root / "build/acme/release"
    assert listed_by(project, listings, release, "handover", "acme", "--yes") == 1
    published = project.root / "build/_published/release/acme/about/index.html"
    assert "We bake bread before the sun" in published.read_text()
    assert (project.root / "sites/acme/handovers.log").is_file()
