"""Publishing an up-to-date demo: a cold `sitegen build` of a flat folder of pages, then
`sitegen publish --dry-run` twice, the first filling the leak check's record, the second
passing over every file it found clean. Each command runs in a fresh process.

    python bench/publish_check.py [--pages 5000] [--runs 3] [--dir FOLDER] [--tmpfs]

Goal: the second publish under a quarter of the cold build. The target is a folder (the
studio's default demo_target, `file:build/_published/demo/{client}/`); a dry run plans the
sync and uploads nothing. Every round starts from an empty build/ (the demo's salt, kept
beside the site, stays), so the three commands alternate; medians are printed."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import make_project  # noqa: E402
from timing import Run, compile_sitegen, file_system, measure, median, work_folder  # noqa: E402

SCENARIOS = ("cold build", "publish --dry-run, first", "publish --dry-run, second")


def sitegen(root: Path, *arguments: str) -> list[str]:
    return [sys.executable, "-m", "sitegen", "--root", str(root), *arguments]


def one_round(root: Path) -> list[Run]:
    shutil.rmtree(root / "build", ignore_errors=True)
    runs = [measure(sitegen(root, "build", "-q"))]
    for _ in range(2):
        runs.append(measure(sitegen(root, "publish", "--dry-run")))
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=5000, help="pages (default 5000)")
    parser.add_argument("--runs", type=int, default=3, help="rounds (default 3)")
    parser.add_argument("--dir", type=Path, help="work folder (default: the temp folder)")
    parser.add_argument("--tmpfs", action="store_true", help="work in /dev/shm")
    args = parser.parse_args()
    compile_sitegen()
    folder = work_folder(args.dir, args.tmpfs)
    try:
        root = make_project(folder / "studio", args.pages)
        print(f"work folder on {file_system(folder)}, load average {_load()}")
        rounds = [one_round(root) for _ in range(args.runs)]
        record = root / "build/.cache/audits/client0.json"
        recorded = record.stat().st_size if record.is_file() else 0
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(f"{args.pages} pages in one folder, median of {args.runs} rounds, load now {_load()}")
    print(f"{'scenario':28} {'seconds':>8} {'fastest':>8} {'CPU':>8}")
    medians = []
    for index, name in enumerate(SCENARIOS):
        runs = [round_[index] for round_ in rounds]
        seconds = median([r.seconds for r in runs])
        medians.append(seconds)
        fastest = min(r.seconds for r in runs)
        cpu = median([r.cpu_seconds for r in runs])
        cpu_text = "n/a" if cpu is None else f"{cpu:.2f}"
        print(f"{name:28} {seconds:8.2f} {fastest:8.2f} {cpu_text:>8}")
    ratio = medians[2] / medians[0]
    print(f"second publish / cold build  {ratio:8.2f}   (goal: under 0.25)")
    print(f"leak check record: {recorded:,} bytes")


def _load() -> str:
    try:
        return " ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:
        return "unknown"


if __name__ == "__main__":
    main()
