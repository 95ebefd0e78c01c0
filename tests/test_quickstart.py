"""The README's Quick start is what CI runs, so the two cannot drift apart."""

from __future__ import annotations

import re

from conftest import REPO


def test_ci_runs_the_readme_test_command():
    readme = (REPO / "README.md").read_text("utf-8")
    quick_start = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```bash\n(.+?)\n```", quick_start)
    assert len(commands) == 2, "exactly two: install and build the example, run the tests"
    assert commands[0].endswith(" && .venv/bin/sitegen build"), "installs, then builds"
    ci = (REPO / ".ci/run").read_text("utf-8")
    steps = commands[1].split(" && ")
    assert steps[-1] == ".venv/bin/pytest", "the tests are the last step"
    assert " && ".join(steps[:-1]) in ci, "CI installs as the README does"
    assert "\n.venv/bin/pytest\n" in ci.split(steps[-2], 1)[1], "then runs the suite"
    assert "-c constraints.txt" in steps[-2], "with the pinned versions"
    after_install = ci.split(steps[-2], 1)[1]
    lint = after_install.index(".venv/bin/ruff check .")
    form = after_install.index(".venv/bin/ruff format --check .")
    assert max(lint, form) < after_install.index(".venv/bin/pytest"), "lint and format first"
    assert "set -euo pipefail" in ci, "a failing step, or pytest collecting nothing, fails CI"
