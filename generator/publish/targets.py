"""Where a sync goes: a target URL (`s3://BUCKET/PREFIX?…` or `file:PATH`) read into a value.
No I/O."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from sitegen.errors import SitegenError, did_you_mean
from sitegen.model import Diagnostic


class TargetError(SitegenError):
    kind = "target error"


S3_OPTIONS = ("endpoint", "region", "profile", "addressing", "cloudfront")
_BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")


@dataclass(frozen=True)
class S3Target:
    """A bucket and a key prefix ("" or ending in "/") on any S3-compatible store."""

    bucket: str
    prefix: str = ""
    endpoint: str | None = None
    region: str | None = None
    profile: str | None = None
    addressing: str | None = None  # "path" or "virtual"; None lets boto3 choose
    cloudfront: str | None = None  # distribution id to invalidate after a sync

    def __str__(self) -> str:
        query = "&".join(f"{k}={getattr(self, k)}" for k in S3_OPTIONS if getattr(self, k))
        return f"s3://{self.bucket}/{self.prefix}" + (f"?{query}" if query else "")


@dataclass(frozen=True)
class FileTarget:
    """A local folder: the offline default, and a mirror for tests."""

    path: Path

    def __str__(self) -> str:
        return f"file:{self.path}"


Target = S3Target | FileTarget


def parse_target(url: str, root: Path | None = None) -> Target:
    """`s3://BUCKET/PREFIX?endpoint=…&region=…&profile=…` or `file:PATH` (relative to `root`)."""
    if "{" in url or "}" in url:
        raise _bad(url, "has an unfilled {placeholder}", "fill in {client} or {subdomain} first")
    if url.startswith("file:"):
        return _file_target(url, root)
    if not url.startswith("s3://"):
        raise _bad(url, "is not a target URL", "use s3://BUCKET/PREFIX or file:PATH")
    parts = urlsplit(url)
    if "@" in parts.netloc or ":" in parts.netloc:
        raise _bad(
            url,
            "carries credentials or a port in its bucket part",
            "credentials come from the environment or a profile (?profile=NAME), never the URL",
        )
    if not _BUCKET.match(parts.netloc) or ".." in parts.netloc:
        raise _bad(url, f"has an invalid bucket name '{parts.netloc}'", _BUCKET_HINT)
    options: dict[str, str] = {}
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        if key not in S3_OPTIONS:
            hint = did_you_mean(key, S3_OPTIONS) or "known options: " + ", ".join(S3_OPTIONS)
            raise _bad(url, f"has an unknown option '{key}'", hint)
        if key in options or not value:
            raise _bad(url, f"gives option '{key}' twice or empty", f"give {key}=VALUE once")
        options[key] = value
    endpoint = options.get("endpoint")
    if endpoint and not re.match(r"^https?://[^/?#\s]+/?$", endpoint):
        raise _bad(url, f"has an invalid endpoint '{endpoint}'", "like https://HOST[:PORT]")
    if options.get("addressing", "path") not in ("path", "virtual"):
        raise _bad(url, "has an invalid addressing", "addressing=path or addressing=virtual")
    return S3Target(bucket=parts.netloc, prefix=_prefix(url, parts.path), **options)


_BUCKET_HINT = (
    "3 to 63 lowercase letters, digits, dots and hyphens, starting with a letter or digit"
)


def _prefix(url: str, path: str) -> str:
    """The key prefix, normalised to end in "/" so that `acme/` never matches `acme-old/`."""
    path = path.strip("/")
    if not path:
        return ""
    if "\\" in path or any(part in ("", ".", "..") for part in path.split("/")):
        raise _bad(url, f"has an unsafe prefix '{path}'", "use plain folder names like acme/")
    return path + "/"


def _file_target(url: str, root: Path | None) -> FileTarget:
    rest = url.removeprefix("file:")
    if rest.startswith("//"):
        host, _, rest = rest[2:].partition("/")
        if host not in ("", "localhost"):
            raise _bad(url, "names a remote host", "file: targets are local folders")
        rest = "/" + rest
    if not rest or "?" in rest:
        raise _bad(url, "has no folder, or options a folder cannot take", "use file:PATH")
    path = Path(rest)
    if not path.is_absolute():
        if root is None:
            raise _bad(url, "is relative and no project folder was given", "give an absolute path")
        path = root / path
    return FileTarget(path)


def _bad(url: str, problem: str, hint: str) -> TargetError:
    return TargetError(Diagnostic(None, f"target '{url}' {problem}", hint=hint))
