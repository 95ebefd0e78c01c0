"""What the demo shows of the studio's list of change requests (`feedback.toml`): the pins'
encrypted file and the status page's list. Built by `build` into demos only; a release never
holds any of it. Reads `feedback.toml` through `notes.load`, nothing else."""

from __future__ import annotations

import json
from pathlib import Path

from sitegen.demo import lock
from sitegen.feedback import notes
from sitegen.model import Output

NOTES_OUTPUT = "_sitegen/notes.bin"  # the pins' list, encrypted like any demo file
OPEN_STATES = ("sent", "seen")  # what `sitegen serve` pins for the studio


def pin_list(site_dir: Path, states: tuple[str, ...] = notes.STATES) -> list[dict]:
    """The notes as pins.js reads them, newest first: plain text, escaped by whoever shows it."""
    return [
        {
            "id": note.id,
            "page": note.page,
            "element": notes.to_json(note)["element"],
            "text": note.text,
            "state": note.state,
            "sent": notes.to_json(note)["sent"],
            "urgent": note.urgent,
        }
        for note in notes.load(site_dir)
        if note.state in states
    ]


def notes_outputs(site_dir: Path, protection: lock.Protection) -> list[Output]:
    """`_sitegen/notes.bin`: every note of the studio's list, sealed with the demo's key and
    bound to its place like other demo files (an empty list when there are none)."""
    data = json.dumps(pin_list(site_dir), ensure_ascii=False, separators=(",", ":")).encode()
    url_path = protection.base_path + NOTES_OUTPUT
    sealed = lock.encrypt_file(protection.key, protection.site_id, url_path, data)
    return [Output(NOTES_OUTPUT, sealed, origin=notes.NOTES_FILE)]


def status_list(site_dir: Path) -> list[dict]:
    """The status page's list of change requests: page, text, state and day, newest first."""
    return [
        {
            "page": n.page,
            "text": n.text,
            "state": n.state,
            "sent": n.sent.date(),
            "urgent": n.urgent,
        }
        for n in notes.load(site_dir)
    ]
