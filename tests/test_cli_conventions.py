"""The command line as other tools have it: --root anywhere, -V, exit codes and the commands
in the order of the work in --help, dates typed as people type them."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from conftest import SITE_TOML
from sitegen.cli import main

COMMENTED_SITE = (
    SITE_TOML
    + """
[[milestones]]
id = "deposit"
title = "Deposit"
share = 100
amount = 1000
currency = "EUR"
due = 2026-01-10
state = "approved"
"""
)


def test_root_after_the_command_counts_as_before(make_project, tmp_path, monkeypatch):
    project = make_project()
    monkeypatch.chdir(tmp_path)  # no sitegen.toml here or above
    result = CliRunner().invoke(main, ["build", "--root", str(project.root)])
    assert result.exit_code == 0, result.output
    assert (project.root / "build/acme/demo/index.html").is_file()
    status = CliRunner().invoke(main, ["status", "acme", "--json", "--root", str(project.root)])
    assert status.exit_code == 0 and '"client": "acme"' in status.output


def test_short_version_flag_and_help_lists_exit_codes_and_commands_in_workflow_order():
    runner = CliRunner()
    assert runner.invoke(main, ["-V"]).output.startswith("sitegen, version ")
    help_text = runner.invoke(main, ["--help"]).output
    block = help_text.split("Commands:")[1].split("\n\n")[0]
    listed = [line.split()[0] for line in block.splitlines() if line.startswith("  ")]
    workflow = ["init", "new", "build", "serve", "publish", "status", "pay", "handover"]
    assert [c for c in listed if c in workflow] == workflow
    assert "Exit codes: 0 success, 1 build or configuration error, 2 usage error" in help_text
    assert "3 handover refused" in help_text and "130 and 143" in help_text


@pytest.mark.parametrize(
    ("typed", "read", "said"),
    [
        ("2026-12-01", "2026-12-01", None),
        ("1.12.2026", "2026-12-01", "Read --on 1.12.2026 as 1 December 2026 (2026-12-01)."),
        ("13/12/2026", "2026-12-13", "Read --on 13/12/2026 as 13 December 2026 (2026-12-13)."),
        ("12/13/2026", "2026-12-13", "Read --on 12/13/2026 as 13 December 2026 (2026-12-13)."),
    ],
)
def test_pay_reads_the_dates_people_type_and_says_how(make_project, typed, read, said):
    project = make_project(f"-- sites/acme/site.toml --\n{COMMENTED_SITE}")
    result = project.run("pay", "acme", "deposit", "--on", typed)
    assert result.exit_code == 0, result.output
    assert f"paid on {read}" in result.output
    assert (said in result.output) if said else ("Read --on" not in result.output)
    assert f"paid_on = {read}" in (project.root / "sites/acme/site.toml").read_text()


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("01/12/2026", "could be 12 January 2026 or 1 December 2026"),
        ("2026-13-45", "is not a real date"),
        ("yesterday", "is not a date"),
    ],
)
def test_pay_refuses_a_date_it_would_have_to_guess(make_project, typed, says):
    project = make_project(f"-- sites/acme/site.toml --\n{COMMENTED_SITE}")
    before = (project.root / "sites/acme/site.toml").read_text()
    result = project.run("pay", "acme", "deposit", "--on", typed)
    assert result.exit_code == 2
    assert says in result.output and "write it as YYYY-MM-DD, e.g. 2026-12-01" in result.output
    assert (project.root / "sites/acme/site.toml").read_text() == before


@pytest.mark.parametrize("command", [[], ["init"], ["build"], ["status"], ["publish"]])
def test_help_loads_no_heavy_library(command):
    """--help answers at once: command modules import their libraries only when they run."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "sitegen", *command, "--help"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.startswith("Usage: ")
    imported = {line.rsplit("|", 1)[-1].strip().split(".")[0] for line in done.stderr.splitlines()}
    heavy = {"jinja2", "PIL", "boto3", "botocore", "markdown", "cryptography", "rich", "tomlkit"}
    assert not imported & heavy


@pytest.mark.parametrize("code", [0, 1, 3])
def test_the_program_exits_with_the_commands_code_and_no_collector_on_the_way_out(
    monkeypatch, code
):
    import gc

    import sitegen.cli

    def command():
        raise SystemExit(code)

    monkeypatch.setattr(sitegen.cli, "main", command)
    try:
        with pytest.raises(SystemExit) as exited:
            sitegen.cli.run()
        assert exited.value.code == code
        assert not gc.isenabled() and gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.enable()


def test_the_installed_program_is_run_and_python_dash_m_runs_it(tmp_path):
    import subprocess
    import sys
    from importlib.metadata import entry_points

    (script,) = [e for e in entry_points(group="console_scripts") if e.name == "sitegen"]
    assert script.value == "sitegen.cli:run"
    done = subprocess.run(
        [sys.executable, "-m", "sitegen", "build"], cwd=tmp_path, capture_output=True, text=True
    )
    assert done.returncode == 1 and "sitegen.toml" in done.stderr
