"""Parsed YAML front matter kept in the persistent cache by its text, so a build parses only
front matter it has not seen: on a site of thousands of pages, YAML is most of reading them.

Values go through JSON, dates and times tagged; a value that would not come back equal
(a set, binary data, keys that are not strings) is simply not kept."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sitegen.cache.store import DiskCache, digest
from sitegen.content import frontmatter

RECIPE = "front-matter-1"
_DATE, _TIME = "\x00date", "\x00datetime"


def recall(cache: DiskCache, texts: Iterable[str]) -> frontmatter.YamlMemo:
    """A memo for `frontmatter.split` holding the cached values of these files' front matter."""
    memo = frontmatter.YamlMemo()
    raws = {_key(raw): raw for raw in map(frontmatter.yaml_text, texts) if raw is not None}
    for key, tagged in cache.get_many(list(raws)).items():
        try:
            memo.known[raws[key]] = _untagged(tagged)
        except (ValueError, TypeError, AttributeError):
            continue  # damaged: parsed again
    return memo


def keep(cache: DiskCache, memo: frontmatter.YamlMemo) -> None:
    """Put the front matter `memo` parsed anew into the cache."""
    for raw, values in memo.new.items():
        try:
            tagged = _tagged(values)
        except TypeError:
            continue
        if _untagged(tagged) == values:
            cache.put(_key(raw), tagged)


def _key(raw: str) -> str:
    return digest(RECIPE, raw)


def _tagged(value: Any) -> Any:
    """`value` made of what JSON holds, dates and times tagged; TypeError if it cannot be."""
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, dt.datetime):
        return {_TIME: value.isoformat()}
    if isinstance(value, dt.date):
        return {_DATE: value.isoformat()}
    if isinstance(value, list):
        return [_tagged(item) for item in value]
    if isinstance(value, dict) and all(isinstance(key, str) for key in value):
        return {key: _tagged(item) for key, item in value.items()}
    raise TypeError(f"not kept: {type(value).__name__}")


def _untagged(value: Any) -> Any:
    if isinstance(value, list):
        return [_untagged(item) for item in value]
    if isinstance(value, dict):
        if len(value) == 1 and _TIME in value:
            return dt.datetime.fromisoformat(value[_TIME])
        if len(value) == 1 and _DATE in value:
            return dt.date.fromisoformat(value[_DATE])
        return {key: _untagged(item) for key, item in value.items()}
    return value
