"""The README's Quick start is what CI runs, so the two cannot drift apart."""

from __future__ import annotations

import re

from conftest import REPO


def test_ci_runs_the_readme_test_command():
    readme = (REPO / "README.md").read_text("utf-8")
    quick_start = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```bash\n(.+?)\n```", quick_start)
    assert len(commands) == 3, "exactly three: build the example, look at it, run the tests"
    assert "sitegen build" in commands[0]
    assert commands[1] == ".venv/bin/sitegen serve acme"
    assert commands[2] in (REPO / ".ci/run").read_text("utf-8")
