"""What a demo build makes of the studio's list of change requests (`feedback.toml`): the pins'
encrypted list, the status page's list, a rebuild when a state changes, nothing in a release."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace

from conftest import PASSWORD, decrypt_file, demo_key
from sitegen.config.load import load_site, load_studio
from sitegen.demo import audit, salt
from sitegen.feedback import notes, shown
from sitegen.feedback.notes import Element, Note
from sitegen.model import FEEDBACK_FILE

UP_TO_DATE = "(up to date)"
PAGES = """
-- sites/acme/content/_index.md --
# Home
-- sites/acme/content/about.md --
---
title: About us
---
We make things.
"""


def a_note(**changes) -> Note:
    note = Note(
        id="0123456789abcdef0123456789abcdef",
        page="/about/",
        element=Element("main > h1:nth-of-type(1)", "About us", 12.0, 340.5, 600.0, 40.0),
        text='Bigger, please <script>alert("x")</script>',
        urgent=True,
        sent=dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC),
        viewport=(375, 812),
        build="b1",
    )
    return replace(note, **changes)


def pins_of(project) -> list[dict]:
    """The demo's `_sitegen/notes.bin`, opened as the browser opens it."""
    gate = project.out("index.html", raw=True)
    data = (project.root / "build/acme/demo" / shown.NOTES_OUTPUT).read_bytes()
    plain = decrypt_file(data, demo_key(gate), "acme", "/" + shown.NOTES_OUTPUT)
    return json.loads(plain)


def test_the_demo_carries_the_studios_list_encrypted_and_a_changed_state_rebuilds(make_project):
    project = make_project(PAGES)
    site_dir = project.root / "sites/acme"
    notes.save(site_dir, [a_note()])
    project.build()
    [pin] = pins_of(project)
    assert (pin["id"], pin["page"], pin["state"]) == (a_note().id, "/about/", "sent")
    assert pin["element"]["selector"] == "main > h1:nth-of-type(1)"
    raw = (project.root / "build/acme/demo" / shown.NOTES_OUTPUT).read_bytes()
    assert b"Bigger" not in raw and b"about" not in raw, "encrypted, like every demo file"

    notes.save(site_dir, notes.with_state(notes.load(site_dir), a_note().id, "done"))
    output = project.build().output
    assert UP_TO_DATE not in output, "a changed state builds the demo again"
    assert [p["state"] for p in pins_of(project)] == ["done"]
    status = project.out("status/index.html")
    assert "Your change requests" in status and "Done" in status
    assert "&lt;script&gt;alert(" in status and "<script>alert(" not in status, "text, not HTML"
    assert UP_TO_DATE in project.build().output


def test_without_notes_the_status_page_says_how_to_suggest_a_change(make_project):
    project = make_project(PAGES)
    project.build()
    assert pins_of(project) == []
    status = project.out("status/index.html")
    assert "No change requests yet" in status and "Suggest a change" in status
    banner = project.out("about/index.html")
    assert "data-sitegen-suggest hidden" in banner, "the button shows once the script runs"


def test_a_release_holds_nothing_of_the_change_requests(make_project):
    project = make_project(PAGES)
    notes.save(project.root / "sites/acme", [a_note()])
    project.build("--release")
    files = project.out_files(mode="release")
    assert not any(name.startswith(("_sitegen/", "theme/sitegen/")) for name in files)
    for name in files:
        if name.endswith(".html"):
            text = project.out(name, mode="release")
            assert "sitegen-feedback" not in text and "Bigger, please" not in text, name
    notes.save(project.root / "sites/acme", [a_note(state="done")])
    output = project.build("--release").output
    assert output.count(UP_TO_DATE) == 1, "the demo builds again, the release does not"
    assert notes.NOTES_FILE == FEEDBACK_FILE


def test_a_demo_with_notes_passes_the_audit(make_project):
    project = make_project(PAGES)
    notes.save(project.root / "sites/acme", [a_note(text="We make things. " * 20)])
    project.build()
    studio = load_studio(project.root)
    site = load_site(studio, "acme")
    cache = studio.build_dir / ".cache"
    key = salt.demo_key(cache, "acme", PASSWORD, site.path).key
    assert audit.find_leaks(project.root / "build/acme/demo", site, PASSWORD, key) == []


def test_a_damaged_list_fails_the_build_naming_the_file_and_line(make_project):
    project = make_project(PAGES)
    site_dir = project.root / "sites/acme"
    notes.save(site_dir, [a_note()])
    path = site_dir / notes.NOTES_FILE
    path.write_text(path.read_text().replace('state = "sent"', 'state = "finished"'))
    result = project.run("build")
    assert result.exit_code != 0
    assert "feedback.toml:5" in result.output and "state" in result.output


def feedback_setup_of(project, path: str) -> dict:
    html = project.out(path)
    start = html.index('id="sitegen-feedback-setup">') + len('id="sitegen-feedback-setup">')
    return json.loads(html[start : html.index("</script>", start)])


def test_every_page_carries_the_change_request_setup_and_follows_the_studio(make_project):
    project = make_project(PAGES)
    project.build()
    for path in ("index.html", "about/index.html"):
        setup = feedback_setup_of(project, path)
        assert (setup["base"], setup["email"]) == ("/", "studio@example.com")
        assert setup["text"]["mail_subject"] == "Change request: Acme Site"
        assert setup["text"]["states"] == {"sent": "Sent", "seen": "Seen", "done": "Done"}
        assert setup["text"]["send"] == "Send" and len(setup["text"]) == 19

    studio = project.root / "sitegen.toml"
    studio.write_text(studio.read_text().replace("studio@", "hello@"), encoding="utf-8")
    site = project.root / "sites/acme/site.toml"
    site.write_text(site.read_text().replace('"Acme Site"', '"Acme Bakery"'), encoding="utf-8")
    project.build()
    setup = feedback_setup_of(project, "about/index.html")
    assert setup["email"] == "hello@example.com", "a kept page follows the studio's email"
    assert setup["text"]["mail_subject"] == "Change request: Acme Bakery"
