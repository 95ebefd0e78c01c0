"""Benchmark of demo protection: what encryption adds to a build, and how fast the gate opens.

    python bench/demo_protection.py [--pages 1000] [--runs 5]

Builds one seeded corpus, then alternates demo and release builds of it (same pages; the
demo adds the key derivation, the encryption and the gate pages) and prints medians. Then
serves the demo on loopback (theme files cacheable for an hour, pages not, as `deploy/`
configures a static host) and times, in headless Chromium, unlocking a page (password typed
→ page shown) and moving to a second page after unlock (navigation → page shown).

It also weighs what a CDN sends (gzip, level 6) for every page of the demo against the same
page of the release: for the corpus and for the example clients in `sites/`."""

from __future__ import annotations

import argparse
import gzip
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from corpus import PASSWORD, make_project  # noqa: E402

from sitegen.cli import main as sitegen_main  # noqa: E402
from sitegen.config.load import load_site, load_studio  # noqa: E402
from sitegen.pipeline import stages, write

REPO = Path(__file__).resolve().parent.parent
from sitegen.model import Mode  # noqa: E402


def time_builds(root: Path, runs: int) -> dict[str, list[float]]:
    studio = load_studio(root)
    site = load_site(studio, "client0")
    times: dict[str, list[float]] = {"release": [], "demo": []}
    for _ in range(runs):
        for mode in (Mode.RELEASE, Mode.DEMO):
            started = time.perf_counter()
            result = stages.build(studio, site, mode)
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


def wire_ratios(demo: Path, release: Path) -> dict[str, tuple[int, int]]:
    """Gzipped bytes of each page, demo and release, by path."""
    sizes = {}
    for page in sorted(release.rglob("*.html")):
        rel = page.relative_to(release).as_posix()
        locked = demo / rel
        if locked.is_file():
            sizes[rel] = (
                len(gzip.compress(locked.read_bytes(), 6)),
                len(gzip.compress(page.read_bytes(), 6)),
            )
    return sizes


def print_wire(name: str, sizes: dict[str, tuple[int, int]]) -> None:
    ratios = sorted(demo / release for demo, release in sizes.values())
    print(
        f"  {name:<22} {len(sizes):5d} pages   median {statistics.median(ratios):.2f}x"
        f"   max {ratios[-1]:.2f}x"
    )
    if "index.html" in sizes:
        demo, release = sizes["index.html"]
        print(f"  {'':<22} home: {demo} against {release} bytes")


def example_wire(folder: Path) -> None:
    for name in ("sites", "themes"):
        shutil.copytree(REPO / name, folder / name)
    shutil.copy(REPO / "sitegen.toml", folder / "sitegen.toml")
    sitegen_main(["--root", str(folder), "build", "--release", "-q"], standalone_mode=False)
    for client in sorted(p.name for p in (folder / "build").iterdir() if p.name[0] != "_"):
        if (folder / "build" / client / "release").is_dir():
            built = folder / "build" / client
            print_wire(client, wire_ratios(built / "demo", built / "release"))


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
        print("bytes on the wire, gzipped, demo page against release page:")
        built = root / "build/client0"
        print_wire(f"corpus of {args.pages}", wire_ratios(built / "demo", built / "release"))
        examples = Path(folder) / "examples"
        examples.mkdir()
        example_wire(examples)
        if not args.no_browser:
            browser = time_browser(root / "build/client0/demo", args.runs)
            for name, values in browser.items():
                print(f"  {name:<20} {statistics.median(values) * 1000:7.0f} ms")


if __name__ == "__main__":
    main()
