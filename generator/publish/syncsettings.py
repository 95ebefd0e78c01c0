"""How a sync runs and which headers each file gets: `deploy/targets.toml` read into values,
every problem at once. Reads that file only."""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from sitegen import mediatypes
from sitegen.config.tomlcheck import Key, TableChecker, read_toml
from sitegen.errors import SitegenError, did_you_mean
from sitegen.model import Diagnostic


class DeployError(SitegenError):
    kind = "deploy error"


@dataclass(frozen=True)
class HeaderRule:
    """Headers for paths matching a glob, ahead of the defaults; the first match wins."""

    pattern: str
    cache_control: str | None = None
    content_type: str | None = None


@dataclass(frozen=True)
class HeaderRules:
    """Content-Type and Cache-Control of each file: `[cache_control]` and `[[rules]]`."""

    page_cache: str = "public, max-age=0, must-revalidate"
    hashed_cache: str = "public, max-age=31536000, immutable"
    other_cache: str = "public, max-age=3600"
    hashed_name: str = r"[.-](?=[0-9a-f]*[a-f])(?=[0-9a-f]*[0-9])[0-9a-f]{8,64}\.[A-Za-z0-9]+$"
    rules: tuple[HeaderRule, ...] = ()

    def content_type(self, path: str) -> str:
        rule = self._rule(path, "content_type")
        if rule:
            return rule
        return mediatypes.media_type(path)

    def cache_control(self, path: str, content_type: str) -> str:
        rule = self._rule(path, "cache_control")
        if rule:
            return rule
        if is_page(content_type):
            return self.page_cache
        if re.search(self.hashed_name, PurePosixPath(path).name):
            return self.hashed_cache
        return self.other_cache

    def _rule(self, path: str, field: str) -> str | None:
        for rule in self.rules:
            if getattr(rule, field) and fnmatch.fnmatchcase(path, rule.pattern):
                return getattr(rule, field)
        return None


@dataclass(frozen=True)
class SyncSettings:
    """How a sync runs: `[sync]` of `deploy/targets.toml`."""

    workers: int = 8
    max_deletes: int = 256
    max_attempts: int = 5  # per request, with backoff, on 5xx, throttling, dropped connections
    multipart_threshold: int = 8 * 1024 * 1024
    multipart_chunksize: int = 8 * 1024 * 1024
    invalidation_limit: int = 15
    connect_timeout: int = 5  # seconds to open a connection
    read_timeout: int = 20  # seconds one socket read or write may wait, whatever the size
    stall_timeout: int = 60  # seconds without any answer before the sync is given up


def is_page(content_type: str) -> bool:
    return content_type.split(";")[0].strip() == "text/html"


def _positive(value: int) -> str | None:
    return None if value > 0 else "must be 1 or more"


def _part_size(value: int) -> str | None:
    return None if value >= MIN_PART else f"must be at least {MIN_PART} (5 MiB), as S3 requires"


MIN_PART = 5 * 1024 * 1024  # the smallest part S3 accepts, but for the last


def _regex(value: str) -> str | None:
    try:
        re.compile(value)
    except re.error as exc:
        return f"is not a regular expression: {exc}"
    return None


_SYNC_SCHEMA = {name: Key(int, check=_positive) for name in SyncSettings.__dataclass_fields__}
_SYNC_SCHEMA["multipart_threshold"] = _SYNC_SCHEMA["multipart_chunksize"] = Key(
    int, check=_part_size
)
_CACHE_SCHEMA = {
    "pages": Key(str),
    "hashed": Key(str),
    "other": Key(str),
    "hashed_name": Key(str, check=_regex),
}
_RULE_SCHEMA = {
    "pattern": Key(str, required=True),
    "cache_control": Key(str),
    "content_type": Key(str),
}
_TABLES = ("sync", "cache_control", "rules")


def load_settings(path: Path) -> tuple[SyncSettings, HeaderRules]:
    """Both tables of `deploy/targets.toml`; every problem is reported at once."""
    read = read_toml(path)
    if isinstance(read, Diagnostic):
        raise DeployError(read)
    text, data = read
    checker = TableChecker(path, text)
    for table in data:
        if table not in _TABLES:
            hint = did_you_mean(table, _TABLES) or "tables: " + ", ".join(_TABLES)
            checker.problem(f"unknown table [{table}]", table, hint=hint)
    sync = checker.check_table(data.get("sync", {}), "sync", _SYNC_SCHEMA)
    cache = checker.check_table(data.get("cache_control", {}), "cache_control", _CACHE_SCHEMA)
    rules, items = [], data.get("rules", [])
    if not isinstance(items, list):
        checker.problem("rules must be written as [[rules]] tables", "rules")
        items = []
    for index, item in enumerate(items):
        label = f"[[rules]] #{index + 1}"
        values = checker.check_table(item, "rules[]", _RULE_SCHEMA, index, label)
        if "pattern" in values:
            rules.append(HeaderRule(**values))
    if checker.problems:
        raise DeployError(checker.problems)
    names = {"pages": "page_cache", "hashed": "hashed_cache", "other": "other_cache"}
    header_rules = HeaderRules(rules=tuple(rules), **{names.get(k, k): v for k, v in cache.items()})
    return SyncSettings(**sync), header_rules


def load_rules(path: Path) -> HeaderRules:
    return load_settings(path)[1]
