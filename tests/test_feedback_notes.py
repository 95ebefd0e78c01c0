"""Change requests as the demo seals them and the studio keeps them (`feedback.toml`)."""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import replace

import pytest

from sitegen.errors import ConfigError
from sitegen.feedback import notes
from sitegen.feedback.notes import Element, Note, NoteError

KEY = bytes(range(32))
SITE = "acme"


def a_note(**changes) -> Note:
    note = Note(
        id="0123456789abcdef0123456789abcdef",
        page="/about/",
        element=Element("main > h2:nth-of-type(2)", "Our ovens", 12.0, 340.5, 600.0, 40.0),
        text="Make this heading بالعربية <b>bold</b>",
        urgent=True,
        sent=dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC),
        viewport=(375, 812),
        build="b1",
    )
    return replace(note, **changes)


def test_a_sealed_note_opens_with_the_key_its_site_and_its_id():
    note = a_note()
    sealed = notes.seal(KEY, SITE, note)
    assert note.text.encode() not in sealed and b"Our ovens" not in sealed
    assert notes.open_sealed(KEY, SITE, note.id, sealed) == note


@pytest.mark.parametrize(
    "why, key, site, note_id",
    [
        ("another key", bytes(32), SITE, "0123456789abcdef0123456789abcdef"),
        ("another client's demo", KEY, "other", "0123456789abcdef0123456789abcdef"),
        ("copied under another id", KEY, SITE, "f" * 32),
        ("a name that is no id", KEY, SITE, "../secrets"),
    ],
)
def test_a_note_does_not_open_elsewhere(why, key, site, note_id):
    sealed = notes.seal(KEY, SITE, a_note())
    with pytest.raises(NoteError):
        notes.open_sealed(key, site, note_id, sealed)


def _sealed_json(fields) -> bytes:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = os.urandom(12)
    plain = json.dumps(fields).encode()
    ad = notes.associated_data(SITE, "0123456789abcdef0123456789abcdef")
    return notes.MAGIC + nonce + AESGCM(KEY).encrypt(nonce, plain, ad)


@pytest.mark.parametrize(
    "damage",
    [
        lambda f: f.pop("text"),
        lambda f: f.update(text="   "),
        lambda f: f.update(text="x" * (notes.MAX_TEXT + 1)),
        lambda f: f.update(format=2),
        lambda f: f.update(urgent="yes"),
        lambda f: f.update(sent="yesterday"),
        lambda f: f.update(sent="2026-12-01T09:30:00"),
        lambda f: f.update(page="about"),
        lambda f: f["element"].update(x="left"),
        lambda f: f["element"].update(text="y" * (notes.MAX_SNIPPET + 1)),
        lambda f: f.update(viewport=[1, 2]),
        lambda f: f.update(id="f" * 32),
    ],
)
def test_what_is_not_a_well_formed_note_is_refused(damage):
    fields = notes.to_json(a_note())
    damage(fields)
    with pytest.raises(NoteError):
        notes.open_sealed(KEY, SITE, a_note().id, _sealed_json(fields))


@pytest.mark.parametrize("data", [b"", b"SGN1", b"<html>", notes.MAGIC + b"\0" * 200])
def test_bytes_that_are_not_a_sealed_note_are_refused(data):
    with pytest.raises(NoteError):
        notes.open_sealed(KEY, SITE, a_note().id, data)


def test_the_studio_list_round_trips_newest_first_with_states(tmp_path):
    older = a_note(id="a" * 32, sent=dt.datetime(2026, 11, 1, tzinfo=dt.UTC), urgent=False)
    newer = a_note(id="b" * 32, state="done")
    notes.save(tmp_path, [older, newer])
    assert notes.load(tmp_path) == (newer, older)


def test_fetching_again_keeps_the_state_the_studio_gave():
    kept = (a_note(state="done"),)
    fetched = [a_note(), a_note(id="c" * 32, sent=dt.datetime(2026, 12, 2, tzinfo=dt.UTC))]
    merged = notes.merged(kept, fetched)
    assert [(n.id, n.state) for n in merged] == [("c" * 32, "sent"), (a_note().id, "done")]


def test_a_state_is_set_by_a_unique_start_of_the_id():
    both = (a_note(id="ab" + "0" * 30), a_note(id="ac" + "0" * 30))
    assert notes.with_state(both, "ab", "seen")[0].state == "seen"
    for ambiguous in ("a", "", "ff"):
        with pytest.raises(KeyError):
            notes.with_state(both, ambiguous, "done")


def test_a_damaged_studio_list_names_the_file_and_the_note_line(tmp_path):
    notes.save(tmp_path, [a_note(id="a" * 32), a_note(id="b" * 32)])
    path = tmp_path / notes.NOTES_FILE
    text = path.read_text().replace('state = "sent"', 'state = "finished"', 1)
    path.write_text(text)
    with pytest.raises(ConfigError) as caught:
        notes.load(tmp_path)
    [problem] = caught.value.diagnostics
    assert problem.path == path and "state" in problem.message
    assert path.read_text().splitlines()[problem.line - 1] == "[[note]]"


def test_no_studio_list_is_no_notes(tmp_path):
    assert notes.load(tmp_path) == ()
