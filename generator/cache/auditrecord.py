"""What the last audit of a client's demo found clean: each clean output's key (see
`demo/auditrun`) with the other outputs its verdict read. Digests only, never a password or
a key. A record that does not read is no record: everything is checked again."""

from __future__ import annotations

import json
from pathlib import Path

from sitegen.files import replace_file

FORMAT = 1

Reads = tuple[tuple[str, str], ...]


def read(path: Path) -> dict[str, Reads]:
    try:
        data = json.loads(path.read_text("utf-8"))
        if data["format"] != FORMAT:
            return {}
        return {
            str(key): tuple((str(rel), str(sha)) for rel, sha in reads)
            for key, reads in data["clean"].items()
        }
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def write(path: Path, clean: dict[str, Reads]) -> None:
    record = {
        "format": FORMAT,
        "clean": {key: list(map(list, reads)) for key, reads in clean.items()},
    }
    replace_file(path, json.dumps(record, separators=(",", ":")))
