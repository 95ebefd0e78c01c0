"""Parsed YAML front matter kept in the persistent cache by its text, so a build parses only
front matter it has not seen: on a site of thousands of pages, YAML is most of reading them.

Values go through JSON, dates and times tagged; a value that would not come back equal
(a set, binary data, keys that are not strings) is simply not kept."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from typing import Any

from sitegen import frontmatter
from sitegen.diskcache import DiskCache, digest

RECIPE = "front-matter-1"
_DATE, _TIME = "\x00date", "\x00datetime"


def recall(cache: DiskCache, texts: Iterable[str]) -> None:
    """Make the cached values of these files' front matter known to `frontmatter.split`."""
    raws = {_key(raw): raw for raw in map(frontmatter.yaml_text, texts) if raw is not None}
    for key, encoded in cache.get_many(list(raws)).items():
        try:
            frontmatter.KNOWN_YAML[raws[key]] = json.loads(encoded, object_hook=_decode)
        except (ValueError, TypeError):
            continue  # damaged: parsed again


def keep(cache: DiskCache) -> None:
    """Put front matter parsed since the last call into the cache."""
    for raw, values in frontmatter.NEW_YAML.items():
        encoded = _encode(values)
        if encoded is not None:
            cache.put(_key(raw), encoded)
    frontmatter.NEW_YAML.clear()


def _key(raw: str) -> str:
    return digest(RECIPE, raw)


def _encode(values: dict[str, Any]) -> str | None:
    try:
        encoded = json.dumps(values, default=_tagged, ensure_ascii=False)
        if json.loads(encoded, object_hook=_decode) != values:
            return None
    except (TypeError, ValueError):
        return None
    return encoded


def _tagged(value: Any) -> dict[str, str]:
    if isinstance(value, dt.datetime):
        return {_TIME: value.isoformat()}
    if isinstance(value, dt.date):
        return {_DATE: value.isoformat()}
    raise TypeError(f"not kept: {type(value).__name__}")


def _decode(mapping: dict[str, Any]) -> Any:
    if len(mapping) == 1:
        if _TIME in mapping:
            return dt.datetime.fromisoformat(mapping[_TIME])
        if _DATE in mapping:
            return dt.date.fromisoformat(mapping[_DATE])
    return mapping
