"""Benchmark of sending a change request from the demo: from clicking "Send" to the sealed
note stored in the bucket.

    python bench/feedback_send.py [--runs 9]

Builds the example client `acme`, puts an upload policy in its demo as a publish does
(a presigned POST, encrypted like every demo file) for a bucket of moto in server mode on
loopback, serves the demo on loopback and unlocks it in headless Chromium. Each run points at
the page's heading, writes a note and clicks "Send"; "stored" runs from just before the click
(this script's clock) until the bucket lists one more object, polled every 5 ms; "Sent shown"
until the page shows "Sent". The first send of a page also fetches and decrypts the policy;
later sends fetch it again (the policy may have been renewed), so every run does the same work.
The load average is printed before and after: on a shared machine, figures are only
comparable at a similar load."""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from deploy_fixtures import moto_server, new_bucket, s3_client  # noqa: E402
from test_feedback_on_screen import password_of, the_key, unlock, write_policy  # noqa: E402

from conftest import CHROMIUM, CHROMIUM_FLAGS, REPO, Project, serve_folder  # noqa: E402

CLIENT = "acme"
TIMEOUT_MS = 10_000


def fake_credentials() -> None:
    os.environ.update(
        AWS_ACCESS_KEY_ID="bench-key", AWS_SECRET_ACCESS_KEY="bench-secret",
        AWS_DEFAULT_REGION="us-east-1", AWS_EC2_METADATA_DISABLED="true",
        AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull,
    )  # fmt: skip


def stored_count(endpoint: str, bucket: str) -> int:
    listed = s3_client(endpoint).list_objects_v2(Bucket=bucket, Prefix="feedback/")
    return listed.get("KeyCount", 0)


def send_once(page, endpoint: str, bucket: str, number: int) -> tuple[float, float]:
    """(click to stored, click to "Sent" shown), in seconds."""
    page.click("[data-sitegen-suggest]")
    page.click("main h1")
    page.fill("#sitegen-feedback-note", f"Bench note {number}")
    before = stored_count(endpoint, bucket)
    started = time.perf_counter()
    page.click(".sitegen-feedback-send", no_wait_after=True)
    while stored_count(endpoint, bucket) == before:
        time.sleep(0.005)
    stored = time.perf_counter() - started
    page.wait_for_selector(".sitegen-feedback-toast", state="visible", timeout=TIMEOUT_MS)
    shown = time.perf_counter() - started
    page.evaluate("document.querySelector('.sitegen-feedback-toast').hidden = true")
    return stored, shown


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    fake_credentials()
    print(f"load average before: {os.getloadavg()}")
    with tempfile.TemporaryDirectory() as temp, moto_server() as endpoint:
        root = Path(temp) / "project"
        for name in ("sites", "themes"):
            shutil.copytree(REPO / name, root / name)
        shutil.copy(REPO / "sitegen.toml", root / "sitegen.toml")
        project = Project(root)
        project.build(CLIENT)
        folder = root / "build" / CLIENT / "demo"
        bucket = new_bucket(endpoint)
        write_policy(folder, the_key(project, CLIENT), CLIENT, endpoint, bucket)
        with sync_playwright() as playwright, serve_folder(folder) as port:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            unlock(page, f"http://127.0.0.1:{port}", password_of(project, CLIENT))
            page.wait_for_selector("[data-sitegen-suggest]", state="visible", timeout=TIMEOUT_MS)
            send_once(page, endpoint, bucket, 0)  # warm-up: not counted
            runs = [send_once(page, endpoint, bucket, n) for n in range(1, args.runs + 1)]
            browser.close()
    stored = [r[0] * 1000 for r in runs]
    shown = [r[1] * 1000 for r in runs]
    print(f"click Send to stored: median {statistics.median(stored):.0f} ms "
          f"(min {min(stored):.0f}, max {max(stored):.0f}), {args.runs} runs")  # fmt: skip
    print(f"click Send to 'Sent' shown: median {statistics.median(shown):.0f} ms "
          f"(min {min(shown):.0f}, max {max(shown):.0f})")  # fmt: skip
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
