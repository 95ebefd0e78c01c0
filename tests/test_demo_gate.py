"""The demo gate in a real browser: headless Chromium against the demo served on loopback."""

from __future__ import annotations

import io
import time

import pytest
from PIL import Image

from conftest import serve_folder

PASSWORD = "correct-horse-battery"


@pytest.fixture
def demo(make_project):
    project = make_project("""
        -- sites/acme/content/_index.md --
        ---
        title: Welcome
        ---
        Fresh bread every single morning on Harbour Row.

        ![The shop](../assets/shop.jpg)

        Read [about us](about.md).
        -- sites/acme/content/about.md --
        ---
        title: About us
        ---
        We started baking in a rented kitchen in 2009.

        Back [home](_index.md).

        <script>document.documentElement.dataset.pageScript = "ran";</script>
        -- sites/acme/content/extra/menu.html --
        <!doctype html><title>Hand-made page</title><p>A page the client wrote in HTML.</p>
    """)
    photo = Image.new("RGB", (1600, 1000), (180, 120, 60))
    buffer = io.BytesIO()
    photo.save(buffer, "JPEG")
    (project.root / "sites/acme/assets").mkdir(parents=True, exist_ok=True)
    (project.root / "sites/acme/assets/shop.jpg").write_bytes(buffer.getvalue())
    project.build()
    with serve_folder(project.root / "build/acme/demo") as port:
        yield f"http://127.0.0.1:{port}", port


def unlock(page, password: str, remember: bool = False) -> None:
    page.fill("#sitegen-password", password)
    if remember:
        page.check("#sitegen-remember")
    page.click("button[type=submit]")


def test_gate_refuses_a_wrong_password_and_opens_with_the_right_one(browser, demo, screenshots):
    base, _ = demo
    page = browser.new_page()
    page.goto(base + "/")
    page.wait_for_selector("#sitegen-password", state="visible")
    assert "Fresh bread" not in page.content()
    assert not page.is_visible("#sitegen-offline"), "the message for when the gate cannot run"
    page.screenshot(path=str(screenshots / "demo-gate.png"))

    unlock(page, "wrong password")
    page.wait_for_selector("#sitegen-gate-error", state="visible")
    assert "not right" in page.inner_text("#sitegen-gate-error")

    started = time.perf_counter()
    unlock(page, PASSWORD)
    page.wait_for_selector("text=Fresh bread every single morning")
    unlock_seconds = time.perf_counter() - started
    assert page.title().startswith("Preview · ")
    assert "Preview for Acme" in page.inner_text(".sitegen-demo-banner")
    page.wait_for_function(
        "document.querySelector('img[alt=\"The shop\"]').src.startsWith('blob:')"
        " && document.querySelector('img[alt=\"The shop\"]').naturalWidth > 1"
    )
    width = page.evaluate("document.querySelector('img[alt=\"The shop\"]').naturalWidth")
    assert width == 1200, "the decrypted image is the preview, not the original"
    page.screenshot(path=str(screenshots / "demo-unlocked.png"), full_page=True)
    print(f"unlock took {unlock_seconds:.2f} s")

    page.click("text=about us")
    page.wait_for_selector("text=We started baking in a rented kitchen")
    assert not page.is_visible("#sitegen-password"), "a second page does not ask again"
    page.wait_for_function("document.documentElement.dataset.pageScript === 'ran'")
    page.goto(base + "/extra/menu.html")
    page.wait_for_selector("text=A page the client wrote in HTML")
    page.go_back()
    page.wait_for_selector("text=We started baking in a rented kitchen")

    page.click("[data-sitegen-lock]")
    page.wait_for_selector("#sitegen-password", state="visible")
    page.reload()
    page.wait_for_selector("#sitegen-password", state="visible")
    page.close()


def test_remember_me_keeps_the_key_for_new_tabs_and_without_it_a_new_tab_asks(browser, demo):
    base, _ = demo
    context = browser.new_context()
    first = context.new_page()
    first.goto(base + "/about/")
    unlock(first, PASSWORD)
    first.wait_for_selector("text=We started baking")
    second = context.new_page()
    second.goto(base + "/about/")
    second.wait_for_selector("#sitegen-password", state="visible")
    context.close()

    context = browser.new_context()
    first = context.new_page()
    first.goto(base + "/about/")
    unlock(first, PASSWORD, remember=True)
    first.wait_for_selector("text=We started baking")
    stored = first.evaluate("JSON.stringify(Object.assign({}, localStorage))")
    assert PASSWORD not in stored, "the key is kept, never the password"
    second = context.new_page()
    second.goto(base + "/")
    second.wait_for_selector("text=Fresh bread every single morning")
    context.close()


def test_gate_over_plain_http_from_another_host_says_to_use_https(browser, demo):
    _, port = demo
    page = browser.new_page()
    page.goto(f"http://insecure.test:{port}/about/")
    page.wait_for_selector("#sitegen-gate-insecure", state="visible")
    text = page.inner_text("#sitegen-gate-insecure")
    assert "https" in text and f"https://insecure.test:{port}/about/" in text
    assert not page.is_visible("#sitegen-password")
    page.close()


def test_a_demo_opened_from_disk_says_how_to_open_it(browser, make_project):
    """Opened from file://, a locked page says to use its web address or `sitegen serve`,
    instead of a password form that cannot work there."""
    project = make_project("-- sites/acme/content/about.md --\nWe bake bread.\n")
    project.build()
    page = browser.new_page()
    page.goto((project.root / "build/acme/demo/about/index.html").as_uri())
    note = page.locator("#sitegen-offline")
    note.wait_for(state="visible")
    assert "sitegen serve" in note.inner_text() and "web address" in note.inner_text()
    assert not page.locator("#sitegen-password").count()
    page.close()
