"""After the handover: `status` says so, and a plain `publish` leaves the retired demo alone."""

from __future__ import annotations

import datetime as dt
import json

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
def handed_over(make_project):
    project = make_project("-- sites/acme/content/index.md --\nWelcome to Acme.\n")
    toml = project.root / "sites/acme/site.toml"
    toml.write_text(toml.read_text() + PAID)
    done = project.run("handover", "acme", "--yes", "--retire-demo")
    assert done.exit_code == 0, done.output
    return project


def test_status_says_when_the_site_was_handed_over(handed_over):
    today = dt.datetime.now(dt.UTC).date().isoformat()
    table = handed_over.run("status").output
    assert "handed over" in table and today in table
    assert "ready" not in table
    detail = handed_over.run("status", "acme").output
    assert f"handed over on {today}" in detail
    assert json.loads(handed_over.run("status", "--json").output)[0]["handed_over"] == today


def test_publish_skips_a_handed_over_client_unless_forced(handed_over):
    demo = handed_over.root / "build/_published/demo/acme"
    retired = (demo / "index.html").read_text()
    skipped = handed_over.run("publish")
    assert skipped.exit_code == 0, skipped.output
    assert "skipping acme: handed over on" in skipped.output and "--force" in skipped.output
    assert (demo / "index.html").read_text() == retired, "the retired page stays"
    assert not (demo / "status").exists()
    forced = handed_over.run("publish", "--force")
    assert forced.exit_code == 0, forced.output
    assert "sitegen-payload" in (demo / "index.html").read_text(), "the demo is back"
