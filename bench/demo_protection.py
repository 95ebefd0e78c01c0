"""Benchmark of demo protection: what encryption adds to a build, and how fast the gate opens.

    python bench/demo_protection.py [--pages 1000] [--runs 5]

Builds one seeded corpus, then alternates demo and release builds of it (same pages; the
demo adds the key derivation, the encryption and the gate pages) and prints medians. Then
serves the demo on loopback (theme files cacheable for an hour, pages not, as `deploy/`
configures a static host) and times, in headless Chromium, unlocking a page (password typed
→ page shown) and moving to a second page after unlock (navigation → page shown)."""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from corpus import PASSWORD, make_project  # noqa: E402

from sitegen import config, pipeline, write  # noqa: E402
from sitegen.model import Mode  # noqa: E402


def time_builds(root: Path, runs: int) -> dict[str, list[float]]:
    studio = config.load_studio(root)
    site = config.load_site(studio, "client0")
    times: dict[str, list[float]] = {"release": [], "demo": []}
    for _ in range(runs):
        for mode in (Mode.RELEASE, Mode.DEMO):
            started = time.perf_counter()
            result = pipeline.build(studio, site, mode)
            write.write_build(result, studio.build_dir)
            times[mode.value].append(time.perf_counter() - started)
    return times


def time_browser(demo: Path, runs: int) -> dict[str, list[float]]:
    from playwright.sync_api import sync_playwright

    from conftest import CHROMIUM, CHROMIUM_FLAGS, serve_folder

    times: dict[str, list[float]] = {"unlock": [], "second page": [], "second page, in browser": []}
    with serve_folder(demo, cache_seconds=3600) as port, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        base = f"http://127.0.0.1:{port}/posts"
        for run in range(runs):
            page = browser.new_context().new_page()
            page.goto(f"{base}/post-{run:05d}/")
            page.wait_for_selector("#sitegen-password", state="visible")
            page.fill("#sitegen-password", PASSWORD)
            started = time.perf_counter()
            page.click("button[type=submit]")
            page.wait_for_selector(f"text=Section 0 of post {run}")
            times["unlock"].append(time.perf_counter() - started)
            started = time.perf_counter()
            page.goto(f"{base}/post-{run + 1:05d}/", wait_until="commit")
            page.wait_for_selector(f"text=Section 0 of post {run + 1}")
            times["second page"].append(time.perf_counter() - started)
            # The browser's own clock: navigation start to the decrypted page in the DOM.
            times["second page, in browser"].append(page.evaluate("performance.now()") / 1000)
            page.context.close()
        browser.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = make_project(Path(folder) / "project", args.pages)
        builds = time_builds(root, args.runs)
        release, demo = (statistics.median(builds[m]) for m in ("release", "demo"))
        print(f"{args.pages} pages, median of {args.runs} alternating runs:")
        print(f"  release build        {release:7.3f} s")
        print(f"  demo build           {demo:7.3f} s   (+{(demo / release - 1) * 100:.1f}%)")
        if not args.no_browser:
            browser = time_browser(root / "build/client0/demo", args.runs)
            for name, values in browser.items():
                print(f"  {name:<20} {statistics.median(values) * 1000:7.0f} ms")


if __name__ == "__main__":
    main()
