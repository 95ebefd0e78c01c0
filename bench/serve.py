"""Benchmark of `sitegen serve` on a large client: from saving a page to the browser showing
it, and a template change that touches every page, against a clean build.

    python bench/serve.py [--pages 1000] [--runs 9] [--no-browser]

Builds one seeded corpus, then, in one process and without a browser running, alternates
clean demo builds (in memory, as the server builds: from scratch, and with the Markdown cache
of earlier builds warm) with the preview server's rebuilds after a page edit and after an
edit of the base template, which every page extends. Then serves the demo on loopback,
unlocks a page in headless Chromium and saves edits: "save to browser" runs from just before
the file is written (the test's clock) to the first moment the browser's own clock sees the
new text in the unlocked page (`Date.now()`, polled every 10 ms in the page); both clocks are
the machine's wall clock. The page shows an edit without a navigation: it fetches its new
gate page, decrypts it with the kept key and writes it in place. The load average is printed
before and after: on a shared machine, figures are only comparable at a similar load."""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from corpus import PASSWORD, make_project  # noqa: E402

from sitegen.config.load import load_site, load_studio  # noqa: E402
from sitegen.model import Mode  # noqa: E402
from sitegen.pipeline import stages
from sitegen.serve.livereload import Hub  # noqa: E402
from sitegen.serve.rebuild import Preview  # noqa: E402
from sitegen.serve.server import Server  # noqa: E402

CLIENT = "client0"
PAGE = f"sites/{CLIENT}/content/posts/post-00010.md"
TEMPLATE = "themes/base/templates/base.html"
SHOWN = "t => document.documentElement.textContent.includes(t) && Date.now()"
LIVE = "document.documentElement.dataset.sitegenLive === 'connected'"


def edit(root: Path, what: str, token: str) -> tuple[Path, str]:
    """The file to save and its new text, showing `token` on the edited page."""
    path = root / (PAGE if what == "page" else TEMPLATE)
    text = path.read_text(encoding="utf-8").split("\n<!-- bench -->")[0]
    if what == "page":
        return path, text + f"\n<!-- bench -->\n{token}\n"
    return path, text.replace("</main>", f"</main>\n<p>{token}</p>", 1) + "\n<!-- bench -->"


def time_builds(root: Path, runs: int) -> dict[str, list[float]]:
    studio = load_studio(root)
    site = load_site(studio, CLIENT)
    cache = studio.build_dir / ".cache"
    preview = Preview(root, CLIENT, Mode.DEMO, Hub(), echo=lambda message, err=False: None)
    preview.rebuild()
    times: dict[str, list[float]] = {}
    for run in range(runs):
        for name, options in (
            ("clean build, from scratch", stages.BuildOptions(cache_dir=cache, use_cache=False)),
            ("clean build, Markdown cache warm", stages.BuildOptions(cache_dir=cache)),
        ):
            started = time.perf_counter()
            stages.build(studio, site, Mode.DEMO, options)
            times.setdefault(name, []).append(time.perf_counter() - started)
        for what in ("page", "template"):
            path, text = edit(root, what, f"Run {run}")
            path.write_text(text, encoding="utf-8")
            started = time.perf_counter()
            preview.rebuild({path})  # as the server's watcher reports it
            times.setdefault(f"rebuild after a {what} edit", []).append(
                time.perf_counter() - started
            )
    print(f"  after the last template edit: {preview.stats.describe()}")
    return times


def time_browser(root: Path, runs: int) -> dict[str, list[float]]:
    from playwright.sync_api import sync_playwright

    from conftest import CHROMIUM, CHROMIUM_FLAGS

    server = Server(root, CLIENT, port=0, echo=lambda message, err=False: None)
    url = server.start()
    times: dict[str, list[float]] = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
            page = browser.new_page()
            page.set_default_timeout(30_000)
            page.goto(url + "posts/post-00010/")
            page.fill("#sitegen-password", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_selector("text=Section 0 of post 10")
            for what in ("page", "template"):
                for run in range(runs):
                    page.wait_for_function(LIVE)  # the reloaded page listens again
                    token = f"Saved {what} {run} at {time.time():.3f}"
                    path, text = edit(root, what, token)
                    saved = time.time()
                    path.write_text(text, encoding="utf-8")
                    shown = page.wait_for_function(SHOWN, arg=token, polling=10).json_value()
                    began, ended = server.preview.last_rebuild
                    phases = {
                        f"save to browser, {what} edit": shown / 1000 - saved,
                        f"  of which save to rebuild ({what})": began - saved,
                        f"  of which rebuild ({what})": ended - began,
                        f"  of which rebuilt to browser ({what})": shown / 1000 - ended,
                    }
                    for name, seconds in phases.items():
                        times.setdefault(name, []).append(seconds)
            browser.close()
    finally:
        server.stop()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = make_project(Path(folder) / "project", args.pages)
        print(f"{args.pages} pages, medians of {args.runs} runs, {load_average()}:")
        times = time_builds(root, args.runs)
        if not args.no_browser:
            times.update(time_browser(root, args.runs))
        for name, values in times.items():
            low, middle, high = (
                round(v * 1000) for v in (min(values), statistics.median(values), max(values))
            )
            print(f"  {name:<40} {middle:7} ms   ({low}–{high})")
        print(f"  at the end, {load_average()}")


def load_average() -> str:
    return "load average " + ", ".join(f"{load:.2f}" for load in os.getloadavg())


if __name__ == "__main__":
    main()
