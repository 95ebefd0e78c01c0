"""The S3 store: any S3-compatible service through boto3 (standard retry mode, multipart
through s3transfer), keeping each file's SHA-256 in the object's metadata, since a multipart
ETag is not an MD5. Credentials stay with boto3's own configuration chain: this module never
reads, prints or stores them."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple
from xml.etree import ElementTree

from sitegen.files import replace_file
from sitegen.model import Diagnostic
from sitegen.publish import syncplan
from sitegen.publish.builtfolder import LocalFile
from sitegen.publish.syncplan import RemoteObject
from sitegen.publish.syncsettings import DeployError, SyncSettings
from sitegen.publish.syncwatch import DaemonThreads
from sitegen.publish.targets import S3Target, Target

SHA256_KEY = "sha256"  # x-amz-meta-sha256: sitegen wrote this object, and its content
OWNER_KEY = "sitegen-owner"  # x-amz-meta-sitegen-owner: for which client
DELETE_BATCH = 1000  # the most keys one DeleteObjects request takes
REBUILD = "build once, then sync again"
CACHE_VERSION = 2  # 2: with each object's owner


class _Known(NamedTuple):
    """What a HEAD (or our own upload) told about one object version."""

    etag: str
    size: int
    modified: str | None  # from the listing; None until the first listing after our upload
    sha256: str | None
    content_type: str
    cache_control: str
    owner: str | None = None


class S3Store:
    def __init__(
        self,
        target: S3Target,
        settings: SyncSettings,
        cache: Path | None = None,
        owner: str | None = None,
        on_activity: Callable[..., None] | None = None,
    ):
        from boto3.s3.transfer import TransferConfig

        self.target, self.settings, self.cache = target, settings, cache
        self.owner, self.on_activity = owner, on_activity
        self.client = _client(
            "s3",
            target,
            settings,
            endpoint_url=target.endpoint,
            max_pool_connections=settings.workers * 4,
            s3={"addressing_style": _addressing(target)},
            # Stores other than AWS differ in the newer default checksums; we send Content-MD5
            # ourselves and keep our own SHA-256.
            request_checksum_calculation="when_required",
            response_checksum_validation="when_required",
        )
        # Parts go one after another in the uploading thread (files already go up in
        # parallel): s3transfer's own threads would keep the process alive on a silent store.
        self.transfer = TransferConfig(
            multipart_threshold=settings.multipart_threshold,
            multipart_chunksize=settings.multipart_chunksize,
            use_threads=False,
        )
        self.client.meta.events.register("before-parse.s3.ListObjectsV2", _lean_listing)
        if on_activity is not None:
            self.client.meta.events.register("after-call.s3", on_activity)
        self._known = _read_cache(cache)
        self._lock = threading.Lock()

    def list(self) -> tuple[RemoteObject, ...]:
        listed: list[tuple[str, str, int, str]] = []
        with _explained(self.target, "listing"):
            pages = self.client.get_paginator("list_objects_v2")
            for page in pages.paginate(Bucket=self.target.bucket, Prefix=self.target.prefix):
                for item in page.get("Contents", ()):
                    if not item["Key"].endswith("/"):  # folder markers made by consoles
                        modified = str(item["LastModified"])
                        listed.append((item["Key"], item["ETag"], int(item["Size"]), modified))
        known: dict[str, _Known] = {}
        unknown = []
        for key, etag, size, modified in listed:
            entry = self._known.get(key)
            same = entry and (entry.etag, entry.size, entry.modified or modified)
            if same == (etag, size, modified):
                known[key] = entry._replace(modified=modified)
            else:
                unknown.append((key, etag, size, modified))
        pool = DaemonThreads(min(self.settings.workers, len(unknown)), "sitegen-head")
        try:
            heads = [pool.submit(self._head, item) for item in unknown]
            for key, head in zip(unknown, heads, strict=True):
                entry = head.result()
                if entry is not None:
                    known[key[0]] = entry
        finally:
            pool.close()
        self._known = known
        start = len(self.target.prefix)
        return tuple(
            RemoteObject(
                k[start:],
                e.size,
                e.sha256,
                e.content_type,
                e.cache_control,
                ours=e.sha256 is not None,
                owner=e.owner,
            )
            for k, e in sorted(known.items())
        )

    def claim(self) -> int:
        """Abort the multipart uploads an interrupted sync left under the prefix (their parts
        are billed until then); the client's lock makes sure none of them is still going."""
        aborted = 0
        with _explained(self.target, "listing unfinished uploads"):
            pages = self.client.get_paginator("list_multipart_uploads")
            for page in pages.paginate(Bucket=self.target.bucket, Prefix=self.target.prefix):
                for upload in page.get("Uploads", ()):
                    self.client.abort_multipart_upload(
                        Bucket=self.target.bucket, Key=upload["Key"], UploadId=upload["UploadId"]
                    )
                    aborted += 1
        return aborted

    def _head(self, item: tuple[str, str, int, str]) -> _Known | None:
        from botocore.exceptions import ClientError

        key, etag, size, modified = item
        with _explained(self.target, f"reading {key}"):
            try:
                head = self.client.head_object(Bucket=self.target.bucket, Key=key)
            except ClientError as exc:
                if _code(exc) in ("404", "NoSuchKey"):
                    return None  # deleted since the listing
                raise
        metadata = head.get("Metadata", {})
        sha = metadata.get(SHA256_KEY)
        sha = sha if sha and len(sha) == 64 else None
        return _Known(
            etag,
            size,
            modified,
            sha,
            head.get("ContentType", ""),
            head.get("CacheControl", ""),
            metadata.get(OWNER_KEY) or None,
        )

    def upload(self, folder: Path, file: LocalFile) -> None:
        key = self._key(file.path)
        extra = {
            "ContentType": file.content_type,
            "CacheControl": file.cache_control,
            "Metadata": {
                SHA256_KEY: file.sha256,
                **({OWNER_KEY: self.owner} if self.owner else {}),
            },
        }
        source = folder / file.path
        with _explained(self.target, f"uploading {file.path}"):
            if file.size >= self.settings.multipart_threshold:
                self.client.upload_file(
                    str(source),
                    self.target.bucket,
                    key,
                    ExtraArgs=extra,
                    Config=self.transfer,
                    Callback=self.on_activity,  # bytes sent count as progress
                )
                with self._lock:
                    self._known.pop(key, None)  # the next listing reads it back
                return
            data = _read_checked(source, file)
            md5 = hashlib.md5(data, usedforsecurity=False).digest()
            answer = self.client.put_object(
                Bucket=self.target.bucket,
                Key=key,
                Body=data,
                ContentMD5=base64.b64encode(md5).decode(),
                **extra,
            )
        entry = _Known(
            answer["ETag"],
            file.size,
            None,
            file.sha256,
            file.content_type,
            file.cache_control,
            self.owner,
        )
        with self._lock:
            self._known[key] = entry

    def delete(self, paths: Sequence[str]) -> None:
        for start in range(0, len(paths), DELETE_BATCH):
            keys = [self._key(p) for p in paths[start : start + DELETE_BATCH]]
            with _explained(self.target, "deleting"):
                answer = self.client.delete_objects(
                    Bucket=self.target.bucket,
                    Delete={"Objects": [{"Key": k} for k in keys], "Quiet": True},
                )
            errors = answer.get("Errors", [])
            if errors:
                raise DeployError(
                    [Diagnostic(None, f"cannot delete {e['Key']}: {e['Message']}") for e in errors]
                )
            with self._lock:
                for key in keys:
                    self._known.pop(key, None)

    def close(self) -> None:
        if self.cache is None:
            return
        data = {key: list(entry) for key, entry in self._known.items()}
        replace_file(self.cache, json.dumps({"version": CACHE_VERSION, "objects": data}))

    def _key(self, path: str) -> str:
        if not syncplan.inside_prefix(path):
            raise DeployError(Diagnostic(None, f"refusing '{path}': outside the target prefix"))
        return self.target.prefix + path


def invalidate(target: S3Target, paths: Sequence[str], settings: SyncSettings) -> str:
    """Ask CloudFront to drop `paths` (from `syncplan.invalidation_paths`); the invalidation id."""
    client = _client("cloudfront", target, settings)
    with _explained(target, "invalidating the CDN"):
        answer = client.create_invalidation(
            DistributionId=target.cloudfront,
            InvalidationBatch={
                "Paths": {"Quantity": len(paths), "Items": list(paths)},
                "CallerReference": f"sitegen-{time.time_ns()}",
            },
        )
    return answer["Invalidation"]["Id"]


def _client(service: str, target: S3Target, settings: SyncSettings, endpoint_url=None, **config):
    """A boto3 client with botocore's standard retry mode (backoff with jitter on 5xx,
    throttling and dropped connections)."""
    import boto3
    import botocore.session
    from botocore.config import Config
    from botocore.exceptions import ProfileNotFound

    core = botocore.session.Session()
    with _LOADER_LOCK:  # service models parsed once per process: 90 ms a client otherwise
        loader = _LOADER.setdefault("loader", core.get_component("data_loader"))
    core.register_component("data_loader", loader)
    retries = {"mode": "standard", "total_max_attempts": settings.max_attempts}
    config = Config(
        retries=retries,
        connect_timeout=settings.connect_timeout,
        read_timeout=settings.read_timeout,
        **config,
    )
    try:
        session = boto3.session.Session(
            botocore_session=core, profile_name=target.profile, region_name=target.region
        )
        return session.client(service, endpoint_url=endpoint_url, config=config)
    except ProfileNotFound as exc:
        message = f"AWS profile '{target.profile}' not found"
        raise DeployError(Diagnostic(None, message, hint=_CREDENTIALS)) from exc


_LOADER: dict[str, object] = {}
_LOADER_LOCK = threading.Lock()


def _addressing(target: S3Target) -> str:
    """Path-style for custom endpoints (MinIO, SeaweedFS, moto), which seldom serve buckets as
    host names; boto3's own choice for AWS."""
    if target.addressing:
        return target.addressing
    custom = target.endpoint or os.environ.get("AWS_ENDPOINT_URL_S3")
    return "path" if custom or os.environ.get("AWS_ENDPOINT_URL") else "auto"


_CREDENTIALS = (
    "give credentials through the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY) or a "
    "profile in ~/.aws (?profile=NAME in the target URL)"
)
_HINTS = {
    "NoSuchBucket": "create the bucket first; deploy/README.md shows how",
    "AccessDenied": "the deploy user may lack a permission: see deploy/iam-policy.json",
    "InvalidAccessKeyId": _CREDENTIALS,
    "SignatureDoesNotMatch": "the secret key does not match the access key: " + _CREDENTIALS,
}


def _code(exc) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


@contextmanager
def _explained(target: Target, doing: str) -> Iterator[None]:
    """boto3's errors as DeployErrors saying what failed and what to do, without secrets."""
    from boto3.exceptions import Boto3Error
    from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

    try:
        yield
    except NoCredentialsError as exc:
        message = f"no credentials for {target}"
        raise DeployError(Diagnostic(None, message, hint=_CREDENTIALS)) from exc
    except ClientError as exc:
        code = _code(exc)
        text = exc.response.get("Error", {}).get("Message") or code
        message = f"{doing} on {target} failed: {code}: {text}"
        raise DeployError(Diagnostic(None, message, hint=_HINTS.get(code))) from exc
    except (BotoCoreError, Boto3Error) as exc:  # Boto3Error: a failed multipart upload
        message = f"{doing} on {target} failed: {exc}"
        hint = "check the endpoint and the network; a rerun continues where this one stopped"
        raise DeployError(Diagnostic(None, message, hint=hint)) from exc


def _lean_listing(response_dict, customized_response_dict, **_) -> None:
    """Read a listing page's entries with ElementTree, leaving botocore's generic parser (about
    0.15 ms an entry, half the time of a no-change sync) only the page's envelope. Any surprise
    leaves the page to botocore untouched."""
    body = response_dict.get("body")
    if response_dict.get("status_code") != 200 or not body or b"<Contents>" not in body:
        return
    try:
        root = ElementTree.fromstring(body)
        ns = root.tag[: root.tag.index("}") + 1] if root.tag.startswith("{") else ""
        entries = root.findall(f"{ns}Contents")
        contents = [
            {
                "Key": item.find(f"{ns}Key").text or "",
                "ETag": item.find(f"{ns}ETag").text or "",
                "Size": int(item.find(f"{ns}Size").text or 0),
                "LastModified": item.find(f"{ns}LastModified").text or "",
            }
            for item in entries
        ]
    except (ElementTree.ParseError, AttributeError, ValueError):
        return
    for item in entries:
        root.remove(item)
    customized_response_dict["Contents"] = contents
    response_dict["body"] = ElementTree.tostring(root)


def _read_cache(cache: Path | None) -> dict[str, _Known]:
    if cache is None:
        return {}
    try:
        data = json.loads(cache.read_text(encoding="utf-8"))
        if data.get("version") != CACHE_VERSION:
            return {}
        return {key: _Known(*entry) for key, entry in data["objects"].items()}
    except (OSError, ValueError, KeyError, TypeError):
        return {}  # a missing or damaged cache only costs a HEAD per object


def _read_checked(source: Path, file: LocalFile) -> bytes:
    data = source.read_bytes()
    if hashlib.sha256(data).hexdigest() != file.sha256:
        raise DeployError(Diagnostic(source, "changed while syncing", hint=REBUILD))
    return data


# --- a local folder --------------------------------------------------------------------------
