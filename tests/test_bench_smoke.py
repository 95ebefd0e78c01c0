"""The benchmark scripts still run, on a tiny corpus, so the speed figures can always be
measured again. Timings are not checked here: they are run by hand (bench/README.md).
Generators that are not installed (Hugo, Eleventy, Pelican, MkDocs) are skipped by the
scripts themselves; those that are get their layouts built too."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "bench"


def run_script(name: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, str(BENCH / name), *args], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def figures(output: str, label: str) -> list[str]:
    """The numbers on the line of the final table that starts with `label`."""
    lines = [line for line in output.splitlines() if line.startswith(label + " ")]
    assert lines, f"no line for {label!r} in:\n{output}"
    return re.findall(r"\d+\.\d+|\d+", lines[-1][len(label) :])


def test_compare_runs_sitegen_and_the_minimal_pipeline(tmp_path):
    output = run_script(
        "compare.py",
        *("--pages", "5", "--runs", "1", "--warmup", "0", "--photos", "1", "--dir", str(tmp_path)),
    )
    assert "work folder on" in output
    assert figures(output, "sitegen")[2] == "1.00"  # its ratio to itself
    for tool in ("minimal-1", "minimal-2"):
        seconds, fastest, ratio, cpu, peak, tree, pss = figures(output, tool)
        assert float(seconds) > 0 and float(ratio) > 0 and float(cpu) > 0 and int(peak) > 0
        assert int(tree) >= int(peak) and int(pss) > 0  # the tree holds the largest process
    for tool in ("hugo", "eleventy", "pelican", "mkdocs"):
        assert f"{tool}: not installed" in output or figures(output, tool)
    assert "photos, median of 1" in output or "photo comparison skipped" in output
    assert list(tmp_path.iterdir()) == []  # the work folder is removed


def test_compare_runs_a_flat_size_series_with_a_page_added(tmp_path):
    output = run_script(
        "compare.py",
        *("--pages", "4,8", "--layout", "flat", "--runs", "1", "--warmup", "0"),
        *("--largest-base", "2", "--add-page", "1", "--dir", str(tmp_path)),
    )
    assert "8 pages, flat" in output
    assert re.search(
        r"largest demo page: \S+\.html, [\d.]+ kB, [\d.]+× the largest of a 2-page", output
    )
    per_page = [line.split() for line in output.splitlines() if line.startswith("minimal-2 ")]
    assert [row[1] for row in per_page[-2:]] == ["4", "8"]  # the series table, one row a size
    assert per_page[-2][4] == "1.00×" and float(per_page[-1][4].rstrip("×")) > 0
    seconds, fastest, cpu, peak, tree, pss = figures(output, "sitegen +1")
    assert float(seconds) > 0 and int(tree) > 0
    assert "hugo: not installed" in output or "÷ Hugo's clean build" in output
    assert list(tmp_path.iterdir()) == []


def test_corpus_flat_layout_puts_every_page_in_content(tmp_path):
    done = subprocess.run(
        [sys.executable, str(BENCH / "corpus.py"), str(tmp_path / "p"), "--pages", "3"]
        + ["--layout", "flat"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    content = tmp_path / "p/sites/client0/content"
    assert sorted(p.name for p in content.iterdir()) == [
        "_index.md",
        "post-00000.md",
        "post-00001.md",
        "post-00002.md",
    ]


def test_minimal_pipeline_writes_every_page(tmp_path):
    content = tmp_path / "content" / "posts"
    content.mkdir(parents=True)
    (content / "_index.md").write_text("---\ntitle: Posts\n---\n")
    for n in range(3):
        (content / f"p{n}.md").write_text(
            f"---\ntitle: P{n}\ndate: 2026-01-0{n + 1}\n---\n# H{n}\n"
        )
    run_script("minimal.py", str(tmp_path / "content"), str(tmp_path / "out"), "--processes", "2")
    listing = (tmp_path / "out/posts/index.html").read_text()
    assert listing.index("P2") < listing.index("P1") < listing.index("P0")  # newest first
    assert '<h1 id="h1">H1</h1>' in (tmp_path / "out/posts/p1/index.html").read_text()


def test_scenarios_run_and_warm_photos_are_not_remade(tmp_path):
    output = run_script(
        "scenarios.py",
        *("--pages", "5", "--runs", "1", "--images", "2", "--image-size", "64x48"),
        *("--serve-edits", "1", "--dir", str(tmp_path)),
    )
    for scenario in (
        "cold build, empty cache",
        "no-change rebuild",
        "one-page edit rebuild",
        "template edit rebuild",
        "photos, cold",
        "photos, warm",
    ):
        seconds, _, cpu, peak = figures(output, scenario)
        assert float(seconds) > 0 and float(cpu) > 0 and int(peak) > 0
    assert "2 previews cached, 0 written by the warm build" in output
    assert "over 1 saves" in output or "no `sitegen serve`" in output


def test_stall_measures_a_publish_giving_up():
    output = run_script("stall.py", "--pages", "3", "--stall-timeout", "2")
    assert "exit code 1 after" in output and "no progress for 2 s" in output


def test_proofs_renders_a_brochure_and_compares_with_pdftoppm_when_installed():
    output = run_script("proofs.py", "--pages", "2", "--size", "300", "--runs", "1")
    assert float(figures(output, "sitegen")[0]) > 0
    assert "pdftoppm" in output


def test_feedback_send_measures_click_to_stored(browser):
    output = run_script("feedback_send.py", "--runs", "1")
    assert "click Send to stored: median" in output and "'Sent' shown" in output


def test_publish_check_times_a_cold_build_and_two_dry_run_publishes(tmp_path):
    output = run_script("publish_check.py", "--pages", "5", "--runs", "1", "--dir", str(tmp_path))
    for scenario in ("cold build", "publish --dry-run, first", "publish --dry-run, second"):
        seconds, fastest, cpu = figures(output, scenario)
        assert float(seconds) > 0 and float(cpu) > 0
    assert float(figures(output, "second publish / cold build")[0]) > 0
    assert list(tmp_path.iterdir()) == []  # the work folder is removed
