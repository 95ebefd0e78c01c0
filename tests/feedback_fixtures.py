"""What the change-request tests share: a studio publishing to a real bucket with `[feedback]`
on, the upload policy read back from the demo as the browser reads it, a POST of a sealed
note as the browser sends it, and the client's steps in the browser: unlock, point, look."""

from __future__ import annotations

import datetime as dt
import json
import secrets
import tomllib

import requests
from deploy_fixtures import s3_client

from conftest import REPO, STUDIO_TOML, Project, decrypt_file, demo_key
from sitegen.config.load import load_site, load_studio
from sitegen.feedback import notes
from sitegen.feedback.notes import Element, Note

PAGE = "/about/"  # a page of both example sites, with a heading
TIMEOUT_MS = 10_000


def studio_toml(target: str, feedback: str = "enabled = true") -> str:
    return STUDIO_TOML + f'demo_target = "{target}"\n\n[feedback]\n{feedback}\n'


def the_key(project: Project, client: str = "acme") -> bytes:
    """The demo key, from the gate's salt and the password, as the client's browser gets it."""
    return demo_key(project.out("index.html", client=client, raw=True))


def published_policy(project: Project, endpoint: str, bucket: str, client: str = "acme") -> dict:
    """The upload policy in the published demo, decrypted as the browser decrypts it."""
    key = f"{client}/_sitegen/feedback.bin"
    data = s3_client(endpoint).get_object(Bucket=bucket, Key=key)["Body"].read()
    plain = decrypt_file(data, the_key(project, client), client, "/_sitegen/feedback.bin")
    return json.loads(plain)


def a_note(text: str = "Make this heading bigger, please", page: str = "/about/") -> Note:
    return Note(
        id=secrets.token_hex(16),
        page=page,
        element=Element("main > h1", "About our bakery", 10.0, 120.0, 600.0, 48.0),
        text=text,
        urgent=True,
        sent=dt.datetime.now(dt.UTC).replace(microsecond=0),
        viewport=(375, 812),
        build="test",
    )


def post(policy: dict, key: str, body: bytes) -> requests.Response:
    """A multipart POST as the demo sends it: the policy's fields, `key`, then the file."""
    fields = {**policy["fields"], "key": key}
    upload = {"file": ("note", body, "application/octet-stream")}
    return requests.post(policy["url"], data=fields, files=upload, timeout=30)


def send(policy: dict, key: bytes, note: Note, site: str = "acme") -> requests.Response:
    return post(policy, policy["prefix"] + note.id, notes.seal(key, site, note))


def strings(client: str) -> dict[str, str]:
    language = "en" if client == "acme" else "ar"
    return tomllib.loads((REPO / f"themes/base/i18n/{language}.toml").read_text("utf-8"))


def password_of(project: Project, client: str) -> str:
    return load_site(load_studio(project.root), client).demo.password


def unlock(page, base: str, password: str) -> None:
    page.goto(base + PAGE)
    page.wait_for_selector("#sitegen-password", state="visible", timeout=TIMEOUT_MS)
    page.fill("#sitegen-password", password)
    page.check("#sitegen-remember")
    page.click("button[type=submit]")
    page.wait_for_selector("header.site-header", timeout=TIMEOUT_MS)


def box(page, selector: str) -> dict:
    return page.locator(selector).first.bounding_box()


def near(a: dict, b: dict, margin: float) -> bool:
    """Whether box `a` touches box `b` grown by `margin` on every side."""
    return (
        a["x"] < b["x"] + b["width"] + margin
        and a["x"] + a["width"] > b["x"] - margin
        and a["y"] < b["y"] + b["height"] + margin
        and a["y"] + a["height"] > b["y"] - margin
    )


def no_sideways_scroll(page) -> None:
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], "no sideways scroll"


def point_at_heading(page, width: int, text: dict, shot) -> str:
    """Click "Suggest a change", point at the page's heading, choose it; the heading's text."""
    button = page.get_by_role("button", name=text["feedback_suggest"])
    button.wait_for(state="visible", timeout=TIMEOUT_MS)
    assert near(box(page, "[data-sitegen-suggest]"), box(page, ".sitegen-demo-banner"), 0)
    button.click()
    bar = page.locator(".sitegen-feedback-bar")
    assert bar.is_visible() and text["feedback_pointing"] in bar.inner_text()
    assert not near(bar.bounding_box(), box(page, "header.site-header"), 0), "the site's name"
    page.evaluate("scrollTo(0, document.documentElement.scrollHeight)")
    footer, bottom_bar = box(page, "footer.site-footer"), bar.bounding_box()
    assert footer["y"] + footer["height"] <= bottom_bar["y"], "the page's end scrolls above it"
    page.evaluate("scrollTo(0, 0)")
    heading = page.locator("main h1").first
    if width > 600:
        heading.hover()
        outline = page.locator(".sitegen-feedback-outline")
        assert outline.is_visible(), "pointing highlights the element under the pointer"
        assert near(outline.bounding_box(), heading.bounding_box(), 4)
        shot("pointing")
        heading.click()
    else:
        shot("pointing")
        heading.tap()
    form = page.locator(".sitegen-feedback-form")
    form.wait_for(state="visible", timeout=TIMEOUT_MS)
    assert not bar.is_visible(), "choosing ends pointing"
    return heading.inner_text().strip()
