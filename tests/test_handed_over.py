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


def paid_project(make_project, release: str):
    project = make_project("-- sites/acme/content/index.md --\nWelcome to Acme.\n")
    toml = project.root / "sites/acme/site.toml"
    toml.write_text(toml.read_text() + PAID.replace(DOMAIN, release))
    return project


DOMAIN = '[release]\ndomain = "www.acme.example"\n'


def test_retiring_the_demo_needs_the_domain_and_touches_nothing_without_it(make_project):
    project = paid_project(make_project, "")
    project.run("publish")
    demo = project.root / "build/_published/demo/acme"
    before = {p: p.read_bytes() for p in demo.rglob("*") if p.is_file()}
    result = project.run("handover", "acme", "--yes", "--retire-demo")
    assert result.exit_code == 1
    assert (
        "site.toml" in result.output and "--retire-demo needs the client's domain" in result.output
    )
    assert "[release] domain" in result.output
    assert not (project.root / "build/_published/release/acme").exists(), "nothing deployed"
    assert not (project.root / "sites/acme/handovers.log").exists()
    assert {p: p.read_bytes() for p in demo.rglob("*") if p.is_file()} == before


def test_the_demo_is_retired_where_it_was_last_published(make_project):
    project = paid_project(make_project, DOMAIN)
    elsewhere = project.root.parent / "published" / "acme"
    published = project.run("publish", "--target", f"file:{elsewhere}")
    assert published.exit_code == 0, published.output
    assert "sitegen-payload" in (elsewhere / "index.html").read_text()
    done = project.run("handover", "acme", "--yes", "--retire-demo")
    assert done.exit_code == 0, done.output
    retired = (elsewhere / "index.html").read_text()
    assert "https://www.acme.example/" in retired and "sitegen-payload" not in retired
    assert not (project.root / "build/_published/demo/acme").exists(), "not the default"
    assert str(elsewhere) in done.output
