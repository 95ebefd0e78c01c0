"""`sitegen serve` shows the studio the client's open change requests as pins, from
`feedback.toml` alone, in the demo and the release preview; a note marked done leaves."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from test_serve import SITE, start

from conftest import decrypt_gate
from sitegen.feedback import notes
from sitegen.feedback.notes import Element, Note
from sitegen.model import Mode

TIMEOUT_MS = 10_000


def a_note(**changes) -> Note:
    note = Note(
        id="a" * 32,
        page="/about/",
        element=Element("main > article:nth-of-type(1) h1", "About us", 10.0, 200.0, 600.0, 40.0),
        text="Warmer colours </script><b>here</b>",
        urgent=False,
        sent=dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC),
        viewport=(1280, 900),
        build="b1",
    )
    return replace(note, **changes)


NOTES = [
    a_note(),
    a_note(id="b" * 32, text="Gone heading", element=replace(a_note().element, selector="#gone")),
    a_note(id="c" * 32, text="Already done", state="done"),
]


def served_page(served, mode: Mode, path: str = "/about/") -> str:
    status, _, body = served.get(path)
    assert status == 200
    return decrypt_gate(body.decode(), read=served.read) if mode is Mode.DEMO else body.decode()


@pytest.mark.parametrize("mode", [Mode.DEMO, Mode.RELEASE])
def test_open_notes_are_in_every_served_page_and_leave_when_done(make_project, mode):
    project = make_project(SITE)
    notes.save(project.root / "sites/acme", NOTES)
    served = start(project, mode)
    try:
        page = served_page(served, mode)
        assert 'id="sitegen-studio-notes"' in page and "sitegenPins" in page
        assert "Warmer colours" in page and "Gone heading" in page
        assert "Already done" not in page, "only open notes (sent, seen) are pinned"
        assert "</script><b>" not in page, "a note cannot end the script that holds it"

        served.change(lambda root: notes.save(root / "sites/acme", [a_note(state="done")]))
        page = served_page(served, mode)
        assert 'id="sitegen-studio-notes"' not in page and "Warmer colours" not in page
        if mode is Mode.DEMO:
            status = served_page(served, mode, "/status/")
            assert "Warmer colours" in status and "Done" in status and "Gone heading" not in status
    finally:
        served.server.stop()


def test_the_studio_sees_pins_on_their_elements_in_the_release_preview(
    browser, make_project, screenshots
):
    project = make_project(SITE)
    notes.save(project.root / "sites/acme", NOTES)
    served = start(project, Mode.RELEASE)
    try:
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.goto(f"http://127.0.0.1:{served.port}/about/")
        pin = page.locator(f'.sitegen-pin[data-note="{"a" * 32}"]')
        pin.wait_for(state="visible", timeout=TIMEOUT_MS)
        assert pin.inner_text().split() == ["1", "Sent"]
        heading, box = page.locator("main h1").bounding_box(), pin.bounding_box()
        assert abs(box["y"] + box["height"] / 2 - heading["y"]) < 20, "at the heading's top"
        assert abs(box["x"] - heading["x"]) < 20, "at the side where its text starts"
        missing = page.locator(".sitegen-pins-missing")
        assert missing.is_visible() and "Gone heading" in missing.inner_text()
        assert missing.bounding_box()["y"] < heading["y"], "listed at the top of the page"
        assert page.locator(".sitegen-pin").count() == 1 and page.locator("b").count() == 0
        page.screenshot(path=str(screenshots / "feedback-serve-release-pins.png"))
        page.close()
    finally:
        served.server.stop()
