"""Publish demos and hand over releases: nothing reaches the client's domain unpaid."""

from __future__ import annotations

import json
import urllib.request
import zipfile
from io import BytesIO

import deploy_fixtures
import pytest
from deploy_fixtures import bucket_objects, new_bucket

from sitegen.config.load import load_site, load_studio
from sitegen.publish.builtfolder import BuiltFolder
from sitegen.publish.publishdemo import demo_problems

MILESTONES = """
[[milestones]]
id = "deposit"
title = "Deposit"
share = 40
amount = 400.00
currency = "EUR"
due = 2026-01-10
state = "approved"
paid = true

[[milestones]]
id = "final"
title = "Final payment"
share = 60
amount = 600.00
currency = "EUR"
due = 2026-02-10
state = "delivered"
paid = false
"""


@pytest.fixture(autouse=True)
def aws_env(monkeypatch):
    deploy_fixtures.fake_aws_env(monkeypatch)


@pytest.fixture(scope="module")
def moto_endpoint():
    with deploy_fixtures.moto_server() as endpoint:
        yield endpoint


@pytest.fixture
def project(make_project):
    project = make_project("""
        -- sites/acme/content/about.md --
        We bake bread before the sun comes up over the harbour.
        -- sites/acme/content/files/price-list.pdf --
        %PDF-1.4 the deliverable
    """)
    toml = project.root / "sites/acme/site.toml"
    toml.write_text(toml.read_text() + '\n[release]\ndomain = "www.acme.example"\n' + MILESTONES)
    return project


def with_release_target(project, url: str) -> None:
    toml = project.root / "sites/acme/site.toml"
    text = toml.read_text().replace(
        'domain = "www.acme.example"\n', f'domain = "www.acme.example"\ntarget = "{url}"\n'
    )
    toml.write_text(text)


def test_unpaid_handover_exits_3_and_touches_no_bucket(project, moto_endpoint):
    bucket = new_bucket(moto_endpoint)
    with_release_target(project, f"s3://{bucket}/?endpoint={moto_endpoint}")
    result = project.run("handover", "acme", "--yes")
    assert result.exit_code == 3
    assert "acme is not paid in full" in result.output
    assert "unpaid: final — Final payment: €600.00" in result.output
    assert bucket_objects(moto_endpoint, bucket) == {}
    assert not (project.root / "build/acme/release").exists(), "not even built"


def test_paid_handover_deploys_the_release_and_logs_it(project, moto_endpoint):
    bucket, bundles = new_bucket(moto_endpoint), new_bucket(moto_endpoint)
    with_release_target(project, f"s3://{bucket}/?endpoint={moto_endpoint}")
    studio_toml = project.root / "sitegen.toml"
    studio_toml.write_text(
        studio_toml.read_text() + f'bundle_target = "s3://{bundles}/?endpoint={moto_endpoint}"\n'
    )
    assert project.run("pay", "acme", "final", "--ref", "INV-9").exit_code == 0
    result = project.run("handover", "acme", "--yes", "--bundle")
    assert result.exit_code == 0, result.output
    objects = bucket_objects(moto_endpoint, bucket)
    assert objects["files/price-list.pdf"] == b"%PDF-1.4 the deliverable\n"
    about = objects["about/index.html"].decode()
    assert "We bake bread before the sun" in about and "noindex" not in about
    assert "sitegen-payload" not in about and not any(
        k.startswith("theme/sitegen/") for k in objects
    )
    assert "https://www.acme.example/about/" in objects["sitemap.xml"].decode()
    log = (project.root / "sites/acme/handovers.log").read_text().splitlines()
    record = json.loads(log[-1])
    assert record["client"] == "acme" and record["files"] == len(objects) and record["uploaded"]
    assert record["target"].startswith(f"s3://{bucket}/")
    link = result.output.split("Download link (valid 7 days): ")[1].split()[0]
    with urllib.request.urlopen(link) as response:  # the presigned URL, over real HTTP
        names = zipfile.ZipFile(BytesIO(response.read())).namelist()
    assert "files/price-list.pdf" in names and "about/index.html" in names
    assert list(bucket_objects(moto_endpoint, bundles)) == ["acme/acme-release.zip"]
    again = project.run("handover", "acme", "--yes")
    assert "0 uploaded" in again.output, "a second handover with no change uploads nothing"


def test_handover_dry_run_and_confirmation(project):
    project.run("pay", "acme", "final")
    dry = project.run("handover", "acme", "--dry-run")
    assert dry.exit_code == 0 and "upload  about/index.html  (new)" in dry.output
    published = project.root / "build/_published/release/acme"
    assert not published.exists()
    unconfirmed = project.run("handover", "acme")
    assert unconfirmed.exit_code == 2 and "--yes" in unconfirmed.output
    assert not published.exists()
    done = project.run("handover", "acme", "--yes", "--retire-demo")
    assert done.exit_code == 0, done.output
    assert (published / "about/index.html").is_file()
    retired = (project.root / "build/_published/demo/acme/index.html").read_text()
    assert "https://www.acme.example/" in retired and "sitegen-payload" not in retired
    assert sorted(p.name for p in (project.root / "build/_published/demo/acme").iterdir()) == [
        ".sitegen-owner",
        "404.html",
        "index.html",
    ]


def test_publish_sends_only_locked_demos_and_never_to_the_release_target(project, moto_endpoint):
    bucket = new_bucket(moto_endpoint)
    target = f"s3://{bucket}/acme/?endpoint={moto_endpoint}"
    first = project.run("publish", "--target", target)
    assert first.exit_code == 0, first.output
    objects = bucket_objects(moto_endpoint, bucket)
    assert b"sitegen-payload" in objects["acme/about/index.html"]
    assert not any(key.endswith(".pdf") for key in objects)
    assert "0 uploaded" in project.run("publish", "--target", target).output
    with_release_target(project, f"s3://{bucket}/?endpoint={moto_endpoint}")
    refused = project.run("publish", "--target", target)
    assert (
        refused.exit_code == 1
        and "is the release target of acme: demos never go there" in refused.output
    )


def test_a_leaking_demo_is_never_uploaded(project):
    studio = load_studio(project.root)
    site = load_site(studio, "acme")
    project.build()
    demo = project.root / "build/acme/demo"
    (demo / "plain.html").write_text(
        "<p>We bake bread before the sun comes up over the harbour.</p>"
    )
    built = BuiltFolder.read(demo)
    problems = demo_problems(built, site, site.demo.password, studio.build_dir / ".cache")
    assert "plain.html is not locked behind the gate" in problems
    assert any("text of content/about.md" in p for p in problems)
