"""Change requests in the demo, in Chromium, English and Arabic, desktop and phone: the client
unlocks, clicks "Suggest a change", points at a heading, writes and sends; the note lands sealed
in a bucket (moto in server mode), its pin shows on the element, numbered, and after the studio
marks it done and the demo is built again, the pin says so. Without an upload policy, "Send"
writes an email instead. Screenshots go to the `screenshots` folder."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from dataclasses import replace
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from deploy_fixtures import bucket_objects, fake_aws_env, moto_server, new_bucket, s3_client
from feedback_fixtures import (
    PAGE,
    TIMEOUT_MS,
    box,
    near,
    no_sideways_scroll,
    password_of,
    point_at_heading,
    strings,
    unlock,
)

from conftest import REPO, Project, demo_key, gate_payload, serve_folder
from sitegen.demo import lock
from sitegen.feedback import notes

WIDTHS = (1280, 375)
CLIENTS = ("acme", "dar-alward")  # English, left to right; Arabic, right to left
NOTE = "Make this heading larger <b>not bold</b>"


@pytest.fixture
def project(tmp_path) -> Project:
    """The example studio, copied: each test builds and changes its own."""
    root = tmp_path / "project"
    for name in ("sites", "themes"):
        shutil.copytree(REPO / name, root / name)
    shutil.copy(REPO / "sitegen.toml", root / "sitegen.toml")
    return Project(root)


@pytest.fixture(scope="module")
def s3_endpoint():
    with pytest.MonkeyPatch.context() as monkeypatch:
        fake_aws_env(monkeypatch)
        with moto_server() as endpoint:
            yield endpoint


def built_demo(project: Project, client: str) -> Path:
    project.build(client)
    return project.root / "build" / client / "demo"


def the_key(project: Project, client: str) -> bytes:
    gate = (project.root / "build" / client / "demo" / "index.html").read_text("utf-8")
    return demo_key(gate, password_of(project, client))


def site_of(folder: Path) -> str:
    """The demo's site id (its subdomain), as its pages name it."""
    return gate_payload((folder / "index.html").read_text("utf-8"))["site"]


def write_policy(
    folder: Path, key: bytes, client: str, endpoint: str, bucket: str, hours: float = 1
) -> None:
    """What a publish puts in the demo, made as the shared format says: a presigned POST
    limited to the client's prefix, encrypted like every other demo file."""
    from botocore.config import Config

    prefix = notes.prefix(client)
    s3 = s3_client(endpoint)
    s3.put_bucket_cors(
        Bucket=bucket,
        CORSConfiguration={
            "CORSRules": [
                {"AllowedOrigins": ["*"], "AllowedMethods": ["POST"], "AllowedHeaders": ["*"]}
            ]
        },
    )
    import boto3

    signer = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        config=Config(signature_version="s3v4", s3={"addressing_style": "path"}),
    )
    post = signer.generate_presigned_post(
        Bucket=bucket,
        Key=prefix + "${filename}",
        Conditions=[["starts-with", "$key", prefix], ["content-length-range", 1, notes.MAX_BYTES]],
        ExpiresIn=3600,
    )
    expires = dt.datetime.now(dt.UTC) + dt.timedelta(hours=hours)
    policy = {
        "format": 1,
        "url": post["url"].rstrip("/") + "/",
        "fields": post["fields"],
        "prefix": prefix,
        "max_bytes": notes.MAX_BYTES,
        "expires": expires.isoformat().replace("+00:00", "Z"),
    }
    path = "/_sitegen/feedback.bin"
    sealed = lock.encrypt_file(
        lock.DemoKey(key, b"", 0), site_of(folder), path, json.dumps(policy).encode()
    )
    (folder / "_sitegen/feedback.bin").write_bytes(sealed)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("client", CLIENTS)
def test_a_client_points_writes_sends_and_sees_the_pin_then_done(
    browser, project, s3_endpoint, screenshots, client, width
):
    text = strings(client)
    folder = built_demo(project, client)
    key = the_key(project, client)
    bucket = new_bucket(s3_endpoint)
    write_policy(folder, key, client, s3_endpoint, bucket)
    phone = width < 600
    context = browser.new_context(
        viewport={"width": width, "height": 900}, has_touch=phone, is_mobile=phone
    )
    page = context.new_page()

    def shot(name: str) -> None:
        page.screenshot(path=str(screenshots / f"feedback-{client}-{width}-{name}.png"))

    with serve_folder(folder) as port:
        base = f"http://127.0.0.1:{port}"
        unlock(page, base, password_of(project, client))
        heading = point_at_heading(page, width, text, shot)
        form = page.locator(".sitegen-feedback-form")
        form_box = form.bounding_box()
        assert form_box["x"] >= 0 and form_box["x"] + form_box["width"] <= width
        assert form.locator("textarea").is_visible()
        page.fill("#sitegen-feedback-note", NOTE)
        page.get_by_label(text["feedback_urgent"]).check()
        no_sideways_scroll(page)
        shot("form")
        page.get_by_role("button", name=text["feedback_send"], exact=True).click()
        toast = page.locator(".sitegen-feedback-toast")
        toast.wait_for(state="visible", timeout=TIMEOUT_MS)
        assert toast.inner_text() == text["feedback_sent"]
        assert not form.is_visible()

        stored = bucket_objects(s3_endpoint, bucket, "feedback/")
        [(name, data)] = stored.items()
        assert name.startswith(notes.prefix(client))
        note = notes.open_sealed(
            key, site_of(folder), name.removeprefix(notes.prefix(client)), data
        )
        assert (note.page, note.text, note.urgent) == (PAGE, NOTE, True)
        assert note.element.text == heading and note.element.selector.startswith("main")
        assert note.viewport == (width, 900) and note.build, "the page's version is sent"
        for plain in (NOTE, heading, PAGE):
            assert plain.encode() not in data, "the bucket holds ciphertext only"

        pin = page.locator(f'.sitegen-pin[data-note="{note.id}"]')
        pin.wait_for(state="visible", timeout=TIMEOUT_MS)
        assert pin.locator(".sitegen-pin-number").inner_text() == "1"
        assert pin.locator(".sitegen-pin-state").inner_text() == text["feedback_state_sent"]
        assert near(pin.bounding_box(), box(page, "main h1"), 24), "the pin sits on the heading"
        no_sideways_scroll(page)
        shot("pin-sent")

        page.reload()  # a later visit: the pin comes from this browser's own list
        page.wait_for_selector("header.site-header", timeout=TIMEOUT_MS)
        pin.wait_for(state="visible", timeout=TIMEOUT_MS)

        # The studio marks it done; the demo is built again (same place, same origin).
        notes.save(project.root / "sites" / client, [replace(note, state="done")])
        assert built_demo(project, client) == folder
        write_policy(folder, key, client, s3_endpoint, bucket)
        page.goto(base + PAGE)
        pin.wait_for(state="visible", timeout=TIMEOUT_MS)
        state = pin.locator(".sitegen-pin-state")
        state.wait_for(state="visible", timeout=TIMEOUT_MS)
        assert state.inner_text() == text["feedback_state_done"]
        assert near(pin.bounding_box(), box(page, "main h1"), 24)
        pin.click()
        bubble = pin.locator(".sitegen-pin-note")
        assert bubble.is_visible() and bubble.inner_text() == NOTE, "shown as text, not HTML"
        words = bubble.locator(".sitegen-pin-words")
        direction = words.evaluate("w => getComputedStyle(w).direction")
        assert direction == "ltr", "an English note reads left to right on an Arabic page too"
        shown_at, width = bubble.bounding_box(), page.viewport_size["width"]
        assert shown_at["x"] >= 0 and shown_at["x"] + shown_at["width"] <= width, "on screen"
        assert pin.locator("b").count() == 0
        shot("pin-done")

        page.goto(base + "/status/")
        listed = page.locator(".status-feedback-note")
        listed.first.wait_for(state="visible", timeout=TIMEOUT_MS)
        assert listed.count() == 1
        assert NOTE in listed.inner_text() and text["feedback_state_done"] in listed.inner_text()
        listed.scroll_into_view_if_needed()
        no_sideways_scroll(page)
        shot("status")
    context.close()


@pytest.mark.parametrize(
    "client, policy", [("acme", "none"), ("dar-alward", "none"), ("acme", "expired")]
)
def test_without_a_valid_upload_policy_send_writes_an_email_holding_the_note(
    browser, project, s3_endpoint, screenshots, client, policy
):
    text = strings(client)
    folder = built_demo(project, client)
    if policy == "expired":
        bucket = new_bucket(s3_endpoint)
        write_policy(folder, the_key(project, client), client, s3_endpoint, bucket, hours=-1)
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    with serve_folder(folder) as port:
        unlock(page, f"http://127.0.0.1:{port}", password_of(project, client))
        page.get_by_role("button", name=text["feedback_suggest"]).click()
        bar = page.locator(".sitegen-feedback-bar")
        assert bar.is_visible()
        page.keyboard.press("Escape")
        assert not bar.is_visible(), "Escape leaves pointing"
        page.locator("main h1").click()
        assert not page.locator(".sitegen-feedback-form").is_visible(), "a click is a click again"
        # Catch the mailto: link's click before the browser hands it to an email program.
        page.evaluate(
            """window.sitegenMail = []; addEventListener("click", function (event) {
                 var link = event.target.closest && event.target.closest("a[href^='mailto:']");
                 if (link) { window.sitegenMail.push(link.href); event.preventDefault(); }
               }, true);"""
        )
        heading = point_at_heading(page, 1280, text, lambda name: None)
        page.fill("#sitegen-feedback-note", NOTE)
        page.get_by_role("button", name=text["feedback_send"], exact=True).click()
        page.wait_for_function("window.sitegenMail.length > 0", timeout=TIMEOUT_MS)
        [mail] = page.evaluate("window.sitegenMail")
        toast = page.locator(".sitegen-feedback-toast")
        assert toast.is_visible() and toast.inner_text() == text["feedback_by_email"]
        page.screenshot(path=str(screenshots / f"feedback-{client}-1280-email-{policy}.png"))
        page.goto(f"http://127.0.0.1:{port}/status/")
        until = page.locator(".status-feedback-open")
        until.wait_for(state="visible", timeout=TIMEOUT_MS)
        assert until.inner_text() == text["feedback_open_email"], "the status page says: by email"
    if policy == "expired":
        assert bucket_objects(s3_endpoint, bucket, "feedback/") == {}, "nothing was posted"
    address = urlsplit(mail)
    assert address.scheme == "mailto" and address.path == "hello@northwind.example"
    body = parse_qs(address.query)["body"][0]
    assert NOTE in body and heading in body and PAGE in body
    assert text["feedback_mail_urgent"] + " " + text["feedback_no"] in body
    page.close()


def test_a_refused_upload_says_so_keeps_the_note_and_offers_an_email(
    browser, project, s3_endpoint, screenshots
):
    text = strings("acme")
    folder = built_demo(project, "acme")
    bucket = new_bucket(s3_endpoint)
    write_policy(folder, the_key(project, "acme"), "acme", s3_endpoint, bucket)
    s3_client(s3_endpoint).delete_bucket(Bucket=bucket)  # the store now refuses every post
    page = browser.new_page(viewport={"width": 375, "height": 800})
    with serve_folder(folder) as port:
        unlock(page, f"http://127.0.0.1:{port}", password_of(project, "acme"))
        point_at_heading(page, 1280, text, lambda name: None)
        page.fill("#sitegen-feedback-note", NOTE)
        page.get_by_role("button", name=text["feedback_send"], exact=True).click()
        problem = page.locator(".sitegen-feedback-problem")
        problem.wait_for(state="visible", timeout=TIMEOUT_MS)
        assert problem.inner_text().startswith(text["feedback_failed"])
        link = problem.get_by_role("link", name=text["feedback_failed_email"])
        assert (
            link.is_visible()
            and NOTE in parse_qs(urlsplit(link.get_attribute("href")).query)["body"][0]
        )
        assert page.locator("#sitegen-feedback-note").input_value() == NOTE, "nothing is lost"
        assert not page.locator(".sitegen-feedback-toast").is_visible()
        assert page.locator(".sitegen-pin").count() == 0
        page.screenshot(path=str(screenshots / "feedback-acme-375-refused.png"))
    page.close()
