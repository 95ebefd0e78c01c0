"""The sync plan, worked out before anything is sent: targets, header rules, the manifest, each
upload and delete with its reason, the order, the delete guard and CDN paths. No server."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from conftest import REPO
from sitegen.publish import builtfolder, syncplan, syncsettings, targets
from sitegen.publish.builtfolder import LocalFile
from sitegen.publish.syncplan import Reason, RemoteObject
from sitegen.publish.syncsettings import DeployError, HeaderRule, HeaderRules
from sitegen.publish.targets import FileTarget, S3Target, TargetError

RULES = syncsettings.load_rules(REPO / "deploy/targets.toml")


def write_tree(folder: Path, files: dict[str, bytes | str]) -> None:
    for path, content in files.items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_bytes(content if isinstance(content, bytes) else content.encode())


def test_s3_urls_give_bucket_prefix_and_options():
    target = targets.parse_target(
        "s3://demo.studio.example/acme?endpoint=http://127.0.0.1:9000&region=eu-west-1"
        "&profile=studio&cloudfront=E2EXAMPLE"
    )
    assert target == S3Target(
        bucket="demo.studio.example",
        prefix="acme/",
        endpoint="http://127.0.0.1:9000",
        region="eu-west-1",
        profile="studio",
        cloudfront="E2EXAMPLE",
    )
    assert targets.parse_target("s3://bucket-1").prefix == ""
    assert targets.parse_target("s3://bucket-1/a/b/").prefix == "a/b/"
    assert targets.parse_target(str(target)) == target, "a target prints as a URL it parses from"


def test_file_urls_are_relative_to_the_project(tmp_path: Path):
    relative = targets.parse_target("file:build/_published/demo/acme", root=tmp_path)
    assert relative == FileTarget(tmp_path / "build/_published/demo/acme")
    assert targets.parse_target("file:///srv/www").path == Path("/srv/www")
    assert targets.parse_target("file:/srv/www").path == Path("/srv/www")


@pytest.mark.parametrize(
    ("url", "says", "hint"),
    [
        ("ftp://host/x", "is not a target URL", "s3://BUCKET/PREFIX or file:PATH"),
        ("s3://AB/x", "invalid bucket name 'AB'", "3 to 63 lowercase"),
        ("s3://key:secret@bucket/x", "credentials", "never the URL"),
        ("s3://bucket/x?regoin=eu-west-1", "unknown option 'regoin'", "did you mean 'region'"),
        ("s3://bucket/x?region=a&region=b", "twice", "once"),
        ("s3://bucket/../other", "unsafe prefix", "plain folder names"),
        ("s3://bucket/a//b", "unsafe prefix", "plain folder names"),
        ("s3://bucket/x?endpoint=localhost:9000", "invalid endpoint", "https://HOST"),
        ("s3://demo.studio.example/{client}/", "unfilled {placeholder}", "{client}"),
        ("file://server/share", "remote host", "local folders"),
        ("file:", "no folder", "file:PATH"),
    ],
)
def test_bad_urls_are_refused_with_a_hint(url: str, says: str, hint: str):
    with pytest.raises(TargetError) as caught:
        targets.parse_target(url, root=Path("/project"))
    message = caught.value.format_message()
    assert says in message
    assert "hint: " in message and hint in message.split("hint: ", 1)[1]


def test_content_types_carry_a_charset_for_text_only():
    types = {
        path: RULES.content_type(path)
        for path in ("index.html", "theme/style.css", "app.js", "data.json", "logo.svg")
    }
    assert set(types.values()) == {
        "text/html; charset=utf-8",
        "text/css; charset=utf-8",
        "text/javascript; charset=utf-8",
        "application/json; charset=utf-8",
        "image/svg+xml; charset=utf-8",
    }
    assert RULES.content_type("photo.JPG") == "image/jpeg"
    assert RULES.content_type("font.woff2") == "font/woff2"
    assert RULES.content_type("notes.unknownext") == "application/octet-stream"


def test_cache_control_by_kind_of_file():
    def cache(path: str) -> str:
        return RULES.cache_control(path, RULES.content_type(path))

    assert cache("index.html") == cache("journal/new-oven/index.html")
    assert cache("index.html") == "public, max-age=0, must-revalidate"
    immutable = "public, max-age=31536000, immutable"
    for hashed in (
        "app.3f9a2c1b.js",
        "css/style.min.0a1b2c3d4e5f67890.css",
        "img/logo-9f86d081.png",
    ):
        assert cache(hashed) == immutable, hashed
    for plain in ("theme/css/style.css", "assets/photo-20261127.jpg", "deadbeefcafe.js"):
        assert cache(plain) == "public, max-age=3600", plain


def test_rules_come_first_and_the_first_match_wins():
    rules = HeaderRules(
        rules=(
            HeaderRule("downloads/*", cache_control="private, max-age=0"),
            HeaderRule("*.geojson", content_type="application/geo+json"),
            HeaderRule("downloads/*", cache_control="never used"),
        )
    )
    assert rules.cache_control("downloads/a.pdf", "application/pdf") == "private, max-age=0"
    assert rules.content_type("map/area.geojson") == "application/geo+json"
    assert rules.cache_control("map/area.geojson", "application/geo+json") == rules.other_cache


def test_targets_toml_of_the_repository_holds_the_defaults():
    settings, rules = syncsettings.load_settings(REPO / "deploy/targets.toml")
    assert settings == syncsettings.SyncSettings()
    assert rules == HeaderRules()


def test_targets_toml_problems_are_reported_together(tmp_path: Path):
    path = tmp_path / "targets.toml"
    path.write_text(
        "[sync]\nworkers = 0\nmax_delete = 3\nmultipart_chunksize = 1024\n"
        '[cache_control]\nhashed_name = "(["\n\n'
        '[[rules]]\ncache_control = "no-store"\n\n[headers]\n',
        encoding="utf-8",
    )
    with pytest.raises(DeployError) as caught:
        syncsettings.load_settings(path)
    message = caught.value.format_message()
    assert message.startswith("6 problems:")
    assert "targets.toml:2: 'workers' in [sync] must be 1 or more" in message
    assert "unknown key 'max_delete' in [sync]" in message
    assert "did you mean 'max_deletes'?" in message
    assert "'multipart_chunksize' in [sync] must be at least 5242880 (5 MiB)" in message
    assert "'hashed_name' in [cache_control] is not a regular expression" in message
    assert "missing key 'pattern' in [[rules]] #1" in message
    assert "targets.toml:11: unknown table [headers]" in message


def test_the_manifest_hashes_every_file_with_its_headers(tmp_path: Path):
    write_tree(
        tmp_path, {"index.html": "<p>hi</p>", "theme/app.3f9a2c1b.js": "x", "a/b/c.png": b"\x89PNG"}
    )
    manifest = builtfolder.local_manifest(tmp_path, RULES)
    assert [f.path for f in manifest] == ["index.html", "a/b/c.png", "theme/app.3f9a2c1b.js"]
    page = manifest[0]
    assert page == LocalFile(
        "index.html",
        9,
        hashlib.sha256(b"<p>hi</p>").hexdigest(),
        "text/html; charset=utf-8",
        "public, max-age=0, must-revalidate",
    )


def local(path: str, content: str = "x", rules: HeaderRules = RULES) -> LocalFile:
    data = content.encode()
    kind = rules.content_type(path)
    sha = hashlib.sha256(data).hexdigest()
    return LocalFile(path, len(data), sha, kind, rules.cache_control(path, kind))


def remote(file: LocalFile, **changes) -> RemoteObject:
    values = {
        "path": file.path,
        "size": file.size,
        "sha256": file.sha256,
        "content_type": file.content_type,
        "cache_control": file.cache_control,
    }
    return RemoteObject(**(values | changes))


def test_every_upload_and_delete_has_its_reason():
    same, edited, retyped, added = (
        local("same.css"),
        local("edited.css", "new"),
        local("retyped.css"),
        local("added.css"),
    )
    untracked = local("untracked.css")
    on_target = [
        remote(same),
        remote(edited, sha256=local("edited.css", "old").sha256, size=3),
        remote(retyped, cache_control="no-cache"),
        remote(untracked, sha256=None),
        RemoteObject("gone/index.html", 10, "0" * 64),
    ]
    result = syncplan.plan([same, edited, retyped, added, untracked], on_target)
    reasons = {u.file.path: u.reason for u in result.uploads}
    assert reasons == {
        "edited.css": Reason.CONTENT,
        "retyped.css": Reason.HEADERS,
        "added.css": Reason.NEW,
        "untracked.css": Reason.CONTENT,
    }
    assert [(d.path, d.reason) for d in result.deletes] == [("gone/index.html", Reason.GONE)]
    assert result.unchanged == 1 and result.refused is None
    lines = result.describe()
    assert lines[2] == (
        "upload  retyped.css  (headers differ: Cache-Control 'no-cache' → 'public, max-age=3600')"
    )
    assert "delete  gone/index.html  (not in build)" in lines
    assert lines[-1] == "4 to upload (6 bytes), 1 to delete, 1 unchanged"


def test_a_target_without_headers_compares_content_only():
    """A folder keeps no headers (None): only the content decides."""
    file = local("index.html")
    result = syncplan.plan([file], [remote(file, content_type=None, cache_control=None)])
    assert result.is_empty and result.unchanged == 1


def test_uploads_send_assets_first_and_the_home_page_last():
    files = [
        local(p)
        for p in ("index.html", "about/index.html", "theme/a.css", "b/c/index.html", "404.html")
    ]
    files.append(local("assets/z.png"))
    result = syncplan.plan(files, [])
    assert [u.file.path for u in result.uploads] == [
        "assets/z.png",
        "theme/a.css",
        "b/c/index.html",
        "about/index.html",
        "404.html",
        "index.html",
    ]
    assets, pages = result.upload_groups()
    assert [u.file.path for u in assets] == ["assets/z.png", "theme/a.css"]
    assert len(pages) == 4


def test_deletes_take_pages_first_and_never_leave_the_prefix():
    on_target = [
        RemoteObject("old.css", 1, "0" * 64),
        RemoteObject("old/index.html", 1, "0" * 64),
        RemoteObject("../other-client/index.html", 1, "0" * 64),
        RemoteObject("/absolute", 1, "0" * 64),
    ]
    result = syncplan.plan([local("index.html")], on_target)
    assert [d.path for d in result.deletes] == ["old/index.html", "old.css"]


def test_more_deletes_than_allowed_refuses_the_plan():
    on_target = [RemoteObject(f"page-{n}.html", 1, "0" * 64) for n in range(5)]
    result = syncplan.plan([local("index.html")], on_target, max_deletes=4)
    assert result.refused and "5 files on the target are not in the build" in result.refused
    assert "more than the 4 deletes allowed" in result.refused
    assert "--max-deletes" in result.refused
    assert syncplan.plan([local("index.html")], on_target, max_deletes=5).refused is None


def test_cdn_paths_cover_changed_and_deleted_files_only():
    pages = [local("index.html", "new"), local("about/index.html", "new"), local("new.css")]
    on_target = [
        remote(pages[0], sha256="1" * 64),
        remote(pages[1], sha256="1" * 64),
        RemoteObject("old café.png", 1, "0" * 64),
    ]
    result = syncplan.plan(pages, on_target)
    assert syncplan.invalidation_paths(result) == (
        "/",
        "/about/",
        "/about/index.html",
        "/index.html",
        "/old%20caf%C3%A9.png",
    )


def test_many_cdn_paths_collapse_to_a_wildcard_over_their_folder():
    files = [local(f"journal/post-{n}/index.html", "new") for n in range(10)]
    on_target = [remote(f, sha256="1" * 64) for f in files]
    result = syncplan.plan(files, on_target)
    assert len(syncplan.invalidation_paths(result, limit=20)) == 20
    assert syncplan.invalidation_paths(result, limit=15) == ("/journal/*",)
    assert syncplan.invalidation_paths(result, limit=15, prefix="acme/") == ("/acme/journal/*",)
    files.append(local("index.html", "new"))
    result = syncplan.plan(files, [*on_target, remote(files[-1], sha256="1" * 64)])
    assert syncplan.invalidation_paths(result, limit=15) == ("/*",)
    assert syncplan.invalidation_paths(syncplan.plan(files, [remote(f) for f in files])) == ()
