"""Benchmark of a studio with many clients: a cold build of them all, then builds that find
nothing changed, of every client and of one, each `sitegen build` in a fresh process.

    python bench/clients.py [--clients 100] [--pages 2] [--runs 5]

Goal: a no-change build of 100 clients takes at most 4x the no-change build of one client.
The project (a seeded corpus, `corpus.py`) is made in a temporary folder and removed after.
The no-change builds of all clients and of one alternate, so a change in the machine's load
weighs on both alike; medians are printed."""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from corpus import make_project  # noqa: E402
from timing import compile_sitegen, measure, median  # noqa: E402


def sitegen(root: Path, *arguments: str) -> list[str]:
    return [sys.executable, "-m", "sitegen", "--root", str(root), "build", "-q", *arguments]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=100, help="clients (default 100)")
    parser.add_argument("--pages", type=int, default=2, help="pages per client (default 2)")
    parser.add_argument("--runs", type=int, default=5, help="runs of each no-change build")
    args = parser.parse_args()
    compile_sitegen()
    folder = Path(tempfile.mkdtemp(prefix="sitegen-bench-clients-"))
    try:
        root = make_project(folder / "studio", args.pages, clients=args.clients)
        cold = measure(sitegen(root))
        every, one = [], []
        for _ in range(args.runs):
            every.append(measure(sitegen(root)).seconds)
            one.append(measure(sitegen(root, "client0")).seconds)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    all_clients, one_client = median(every), median(one)
    print(f"{args.clients} clients x {args.pages} pages, medians of {args.runs} runs")
    print(f"cold build, every client     {cold.seconds:7.2f} s")
    print(f"no-change build, every client {all_clients:7.2f} s")
    print(f"no-change build, one client   {one_client:7.2f} s")
    print(f"ratio                         {all_clients / one_client:7.1f}x  (goal: at most 4x)")


if __name__ == "__main__":
    main()
