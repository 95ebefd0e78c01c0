"""Publishing as an operator meets it: a target prefix over another client's folder, a
store that stops answering. Real CLI runs against moto in server mode on loopback, behind
the fault-injecting proxy where the store must misbehave."""

from __future__ import annotations

import hashlib
import time

import deploy_fixtures
import pytest
from deploy_fixtures import bucket_objects, new_bucket, s3_client


@pytest.fixture(autouse=True)
def aws_env(monkeypatch):
    deploy_fixtures.fake_aws_env(monkeypatch)


@pytest.fixture(scope="module")
def moto_endpoint():
    with deploy_fixtures.moto_server() as endpoint:
        yield endpoint


PAGES = "-- content/_index.md --\n# Home\n-- content/about.md --\n# About\nWe bake.\n"


@pytest.fixture
def project(make_project):
    project = make_project()
    project.write(PAGES.replace("-- content", "-- sites/acme/content"))
    return project.add_client("otherclient", PAGES)


def put_ours(endpoint: str, bucket: str, key: str, body: bytes) -> None:
    """An object as an earlier sync of sitegen wrote it: with its checksum in the metadata."""
    metadata = {"sha256": hashlib.sha256(body).hexdigest()}
    s3_client(endpoint).put_object(Bucket=bucket, Key=key, Body=body, Metadata=metadata)


def test_a_prefix_over_another_clients_configured_folder_is_refused(project, moto_endpoint):
    bucket = new_bucket(moto_endpoint)
    with (project.root / "sitegen.toml").open("a") as studio:
        studio.write(f'demo_target = "s3://{bucket}/{{client}}/?endpoint={moto_endpoint}"\n')
    assert project.run("publish", "otherclient").exit_code == 0
    theirs = bucket_objects(moto_endpoint, bucket)
    assert theirs and all(key.startswith("otherclient/") for key in theirs)

    wide = f"s3://{bucket}/?endpoint={moto_endpoint}"
    refused = project.run("publish", "acme", "--target", wide)
    assert refused.exit_code == 1, refused.output
    assert f"holds s3://{bucket}/otherclient/" in refused.output
    assert "where the demo of otherclient goes" in refused.output
    assert "--force-prefix" in refused.output
    assert bucket_objects(moto_endpoint, bucket) == theirs, "nothing sent, nothing deleted"


def test_a_prefix_holding_files_published_for_another_client_is_refused(project, moto_endpoint):
    """The studio's demo_target no longer says where otherclient went: the objects do."""
    bucket = new_bucket(moto_endpoint)
    other = f"s3://{bucket}/otherclient/?endpoint={moto_endpoint}"
    assert project.run("publish", "otherclient", "--target", other).exit_code == 0
    theirs = bucket_objects(moto_endpoint, bucket)

    wide = f"s3://{bucket}/?endpoint={moto_endpoint}"
    refused = project.run("publish", "acme", "--target", wide)
    assert refused.exit_code == 1, refused.output
    assert "files published for otherclient, which a sync for acme" in refused.output
    assert bucket_objects(moto_endpoint, bucket) == theirs

    dry = project.run("publish", "acme", "--target", wide, "--dry-run")
    assert "refused: it holds" in dry.output and bucket_objects(moto_endpoint, bucket) == theirs


def test_a_prefix_holding_files_sitegen_did_not_write_is_refused_unless_forced(
    project, moto_endpoint
):
    bucket = new_bucket(moto_endpoint)
    client = s3_client(moto_endpoint)
    client.put_object(Bucket=bucket, Key="acme/notes.txt", Body=b"the studio's own notes")
    target = f"s3://{bucket}/acme/?endpoint={moto_endpoint}"
    refused = project.run("publish", "acme", "--target", target)
    assert refused.exit_code == 1, refused.output
    assert "1 files sitegen did not write (notes.txt)" in refused.output
    assert set(bucket_objects(moto_endpoint, bucket)) == {"acme/notes.txt"}

    forced = project.run("publish", "acme", "--target", target, "--force-prefix")
    assert forced.exit_code == 0, forced.output
    assert "1 deleted" in forced.output
    again = project.run("publish", "acme", "--target", target)
    assert again.exit_code == 0 and "0 uploaded" in again.output, "now the prefix is acme's"


def test_a_folder_over_another_clients_folder_is_refused(project):
    published = project.root.parent / "published"  # outside the project, as targets must be
    assert (
        project.run("publish", "otherclient", "--target", f"file:{published}/other").exit_code == 0
    )
    theirs = sorted(p for p in published.rglob("*"))
    refused = project.run("publish", "acme", "--target", f"file:{published}")
    assert refused.exit_code == 1, refused.output
    assert "files published for otherclient" in refused.output
    assert sorted(p for p in published.rglob("*")) == theirs


def test_a_folder_holding_other_files_is_refused_unless_forced(project):
    published = project.root.parent / "published"  # outside the project, as targets must be
    published.mkdir()
    (published / "keep.txt").write_text("not sitegen's")
    refused = project.run("publish", "acme", "--target", f"file:{published}")
    assert refused.exit_code == 1, refused.output
    assert "1 files sitegen did not write (keep.txt)" in refused.output
    assert [p.name for p in published.iterdir()] == ["keep.txt"]
    forced = project.run("publish", "acme", "--target", f"file:{published}", "--force-prefix")
    assert forced.exit_code == 0, forced.output
    assert not (published / "keep.txt").exists()
    assert (published / ".sitegen-owner").read_text() == "acme\n"


def test_a_stalled_store_ends_the_publish_with_a_message_and_deletes_nothing(
    project, moto_endpoint
):
    bucket = new_bucket(moto_endpoint)
    put_ours(moto_endpoint, bucket, "acme/old/index.html", b"<h1>old page</h1>")
    project.write("-- deploy/targets.toml --\n[sync]\nstall_timeout = 6\n")
    with deploy_fixtures.fault_proxy(moto_endpoint) as (proxy, url):
        proxy.decide = lambda n, method, path: "stall" if method == "PUT" else "pass"
        began = time.monotonic()
        result = project.run("publish", "acme", "--target", f"s3://{bucket}/acme/?endpoint={url}")
        took = time.monotonic() - began
    assert result.exit_code == 1, result.output
    assert "no progress for 6 s: " in result.output and "nothing was deleted" in result.output
    assert "waiting for s3://" in result.output and "no answer for 5 s" in result.output
    assert took < 30, f"gave up after {took:.0f} s"
    assert "acme/old/index.html" in bucket_objects(moto_endpoint, bucket)
