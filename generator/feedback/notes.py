"""A change request as the demo sends it and the studio keeps it.

The browser writes a note as UTF-8 JSON, seals it with the demo's AES key (AES-GCM, associated
data: the site and the note's random id, so a note copied under another id or into another
client's prefix does not open) and uploads `MAGIC + nonce + ciphertext` as
`feedback/CLIENT/ID`. The studio's copy, with the state it gave each note, is
`sites/CLIENT/feedback.toml`. A note is plain text: whoever shows it escapes it.

No I/O but reading and replacing `feedback.toml`."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from sitegen.config.tomlcheck import read_toml
from sitegen.errors import ConfigError
from sitegen.files import replace_file
from sitegen.model import Diagnostic

FORMAT = 1
MAGIC = b"SGN1"  # what a sealed note starts with
NONCE_BYTES = 12
MAX_BYTES = 64 * 1024  # the upload policy's limit on a sealed note
MAX_TEXT = 4000  # characters of the client's note
MAX_SNIPPET = 200  # characters of the element's text kept with it
NOTES_FILE = "feedback.toml"
STATES = ("sent", "seen", "done")
_ID = re.compile(r"[0-9a-f]{32}")


class NoteError(ValueError):
    """An object that is not a note of this site: said, and skipped."""


@dataclass(frozen=True)
class Element:
    """What the client pointed at, described so it can be found again after a rebuild."""

    selector: str  # CSS selector path from <main> or <body>, e.g. "main > h2:nth-of-type(2)"
    text: str  # the start of its text, at most MAX_SNIPPET characters
    x: float  # its box on the page, in CSS pixels from the document's top left
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Note:
    id: str  # 32 lowercase hex digits, drawn by the browser
    page: str  # the page's URL path, e.g. "/about/"
    element: Element
    text: str  # what the client wrote, plain text
    urgent: bool
    sent: dt.datetime  # when, in UTC
    viewport: tuple[int, int]  # width and height of the client's window
    build: str  # the demo build the client was looking at
    state: str = "sent"  # one of STATES; only the studio changes it


def object_key(client: str, note_id: str) -> str:
    """Where a note is stored in the demo bucket."""
    return f"{prefix(client)}{note_id}"


def prefix(client: str) -> str:
    return f"feedback/{client}/"


def associated_data(site_id: str, note_id: str) -> bytes:
    return f"{site_id}\nnote\n{note_id}".encode()


def seal(key: bytes, site_id: str, note: Note) -> bytes:
    """What the browser uploads for `note` (here for tests and tools: the demo does it in JS)."""
    nonce = os.urandom(NONCE_BYTES)
    plain = json.dumps(to_json(note), ensure_ascii=False).encode()
    return MAGIC + nonce + AESGCM(key).encrypt(nonce, plain, associated_data(site_id, note.id))


def open_sealed(key: bytes, site_id: str, note_id: str, data: bytes) -> Note:
    """The note stored under `note_id`; NoteError saying why if it is not one."""
    if not _ID.fullmatch(note_id):
        raise NoteError("its name is not a note id")
    if len(data) > MAX_BYTES or len(data) < len(MAGIC) + NONCE_BYTES + 16:
        raise NoteError("not a sealed note: its size is wrong")
    if not data.startswith(MAGIC):
        raise NoteError("not a sealed note")
    nonce = data[len(MAGIC) : len(MAGIC) + NONCE_BYTES]
    try:
        plain = AESGCM(key).decrypt(
            nonce, data[len(MAGIC) + NONCE_BYTES :], associated_data(site_id, note_id)
        )
    except InvalidTag:
        raise NoteError("does not decrypt with this demo's key") from None
    try:
        fields = json.loads(plain.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise NoteError("not a note: its content is not JSON") from None
    note = from_json(fields)
    if note.id != note_id:
        raise NoteError("its content names another note")
    return note


def to_json(note: Note) -> dict[str, Any]:
    """The note as the browser writes it (without its state, which the studio keeps)."""
    e = note.element
    return {
        "format": FORMAT,
        "id": note.id,
        "page": note.page,
        "element": {
            "selector": e.selector, "text": e.text,
            "x": e.x, "y": e.y, "width": e.width, "height": e.height,
        },
        "text": note.text,
        "urgent": note.urgent,
        "sent": note.sent.astimezone(dt.UTC).isoformat().replace("+00:00", "Z"),
        "viewport": {"width": note.viewport[0], "height": note.viewport[1]},
        "build": note.build,
    }  # fmt: skip


def from_json(fields: Any) -> Note:
    """A note from the JSON the browser wrote; NoteError naming the first thing wrong."""
    if not isinstance(fields, dict) or fields.get("format") != FORMAT:
        raise NoteError("not a note of this format")
    element = _table(fields, "element")
    viewport = _table(fields, "viewport")
    return Note(
        id=_text(fields, "id", 32, pattern=_ID),
        page=_text(fields, "page", 2000, pattern=re.compile(r"/\S*")),
        element=Element(
            selector=_text(element, "selector", 2000),
            text=_text(element, "text", MAX_SNIPPET),
            x=_number(element, "x"), y=_number(element, "y"),
            width=_number(element, "width"), height=_number(element, "height"),
        ),
        text=_text(fields, "text", MAX_TEXT, blank=False),
        urgent=_flag(fields, "urgent"),
        sent=_time(fields, "sent"),
        viewport=(int(_number(viewport, "width")), int(_number(viewport, "height"))),
        build=_text(fields, "build", 200),
    )  # fmt: skip


def _table(fields: dict, name: str) -> dict:
    value = fields.get(name)
    if not isinstance(value, dict):
        raise NoteError(f"'{name}' is missing or not an object")
    return value


def _text(fields: dict, name: str, limit: int, blank: bool = True, pattern=None) -> str:
    value = fields.get(name)
    if not isinstance(value, str) or len(value) > limit:
        raise NoteError(f"'{name}' is missing, not text or longer than {limit} characters")
    if not blank and not value.strip():
        raise NoteError(f"'{name}' is empty")
    if pattern is not None and not pattern.fullmatch(value):
        raise NoteError(f"'{name}' is not of the expected form")
    return value


def _number(fields: dict, name: str) -> float:
    value = fields.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        raise NoteError(f"'{name}' is missing or not a number")
    return float(value)


def _flag(fields: dict, name: str) -> bool:
    value = fields.get(name, False)
    if not isinstance(value, bool):
        raise NoteError(f"'{name}' is not true or false")
    return value


def _time(fields: dict, name: str) -> dt.datetime:
    value = _text(fields, name, 40)
    try:
        when = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise NoteError(f"'{name}' is not a time") from None
    if when.tzinfo is None:
        raise NoteError(f"'{name}' has no time zone")
    return when.astimezone(dt.UTC)


def load(site_dir: Path) -> tuple[Note, ...]:
    """The studio's notes for one client, newest first; none if the file does not exist.
    ConfigError naming the file and line of every note that cannot be read."""
    path = site_dir / NOTES_FILE
    if not path.exists():
        return ()
    read = read_toml(path)
    if isinstance(read, Diagnostic):
        raise ConfigError(read)
    text, data = read
    notes, problems = [], []
    for index, fields in enumerate(data.get("note", [])):
        line = _line_of_note(text, index)
        try:
            note = _from_toml(fields)
        except NoteError as exc:
            hint = "fix or delete this [[note]]; `sitegen feedback CLIENT` fetches it again"
            problems.append(Diagnostic(path, f"note {index + 1}: {exc}", line, hint=hint))
            continue
        notes.append(note)
    if problems:
        raise ConfigError(problems)
    return newest_first(notes)


def newest_first(notes: list[Note] | tuple[Note, ...]) -> tuple[Note, ...]:
    return tuple(sorted(notes, key=lambda n: (n.sent, n.id), reverse=True))


def save(site_dir: Path, notes: tuple[Note, ...] | list[Note]) -> None:
    """Replace `feedback.toml` whole with `notes`, newest first."""
    import tomlkit  # here, not at the top: a build reads the notes, only the studio writes

    document = tomlkit.document()
    document.add(tomlkit.comment("Change requests from the demo, fetched by `sitegen feedback`."))
    document.add(tomlkit.comment("Set a state with `sitegen feedback CLIENT seen|done ID`;"))
    document.add(tomlkit.comment("the next publish shows it to the client."))
    entries = tomlkit.aot()
    for note in newest_first(notes):
        entries.append(_to_toml(note))
    document.add("note", entries)
    replace_file(site_dir / NOTES_FILE, tomlkit.dumps(document))


def merged(kept: tuple[Note, ...], fetched: list[Note]) -> tuple[Note, ...]:
    """The kept notes with the newly fetched ones added; a note already kept keeps its state."""
    by_id = {note.id: note for note in kept}
    for note in fetched:
        if note.id not in by_id:
            by_id[note.id] = replace(note, state="sent")
    return newest_first(list(by_id.values()))


def with_state(notes: tuple[Note, ...], note_id: str, state: str) -> tuple[Note, ...]:
    """`notes` with one note's state set; KeyError if no note has that id (or a unique
    prefix of it, as git takes a short commit id)."""
    if state not in STATES:
        raise ValueError(f"unknown state {state!r}")
    matches = [n for n in notes if n.id.startswith(note_id.lower())] if note_id else []
    if len(matches) != 1:
        raise KeyError(note_id)
    return tuple(replace(n, state=state) if n is matches[0] else n for n in notes)


def _to_toml(note: Note) -> dict[str, Any]:
    fields = to_json(note)
    del fields["format"]
    fields["state"] = note.state
    fields["sent"] = note.sent
    return fields


def _from_toml(fields: Any) -> Note:
    if not isinstance(fields, dict):
        raise NoteError("not a table")
    state = fields.get("state", "sent")
    if state not in STATES:
        raise NoteError(f"state must be one of {', '.join(STATES)}")
    sent = fields.get("sent")
    as_json = dict(fields, format=FORMAT)
    as_json.pop("state", None)
    if isinstance(sent, dt.datetime):
        as_json["sent"] = sent.isoformat()
    as_json["element"] = _plain_numbers(fields.get("element"))
    return replace(from_json(as_json), state=state)


def _plain_numbers(table: Any) -> Any:
    """TOML floats are read as Decimal here (`read_toml`); a note keeps plain floats."""
    if not isinstance(table, dict):
        return table
    return {k: float(v) if type(v).__name__ == "Decimal" else v for k, v in table.items()}


def _line_of_note(text: str, index: int) -> int | None:
    seen = -1
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip() == "[[note]]":
            seen += 1
            if seen == index:
                return number
    return None
