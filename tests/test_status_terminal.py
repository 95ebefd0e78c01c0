"""`sitegen status` in a real terminal of 80 and 60 columns, and piped: money is never cut;
columns that do not fit are left out by importance, and named."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import struct
import subprocess
import sys
import termios

import pytest

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")

CLIENT = """\
[client]
name = "{name}"
email = "c@example.com"
[site]
title = "Site"
[demo]
password = "correct-horse-battery"
[[milestones]]
id = "deposit"
title = "Deposit"
share = 40
amount = {first}
currency = "{currency}"
due = 2026-01-10
state = "approved"
paid = true
[[milestones]]
id = "final"
title = "Final"
share = 60
amount = {second}
currency = "{currency}"
due = 2026-02-10
state = "in-progress"
"""
AMOUNTS = {
    "acme": ("€2,000.00", "€3,500.50", "€5,500.50"),
    "dar-alward-flowers": ("AED5,400.00", "AED12,345.67", "AED17,745.67"),
}


@pytest.fixture
def project(make_project):
    project = make_project(site=False)
    for client, currency, first, second in (
        ("acme", "EUR", 2000, 3500.5),
        ("dar-alward-flowers", "AED", 5400, 12345.67),
    ):
        text = CLIENT.format(name=client, currency=currency, first=first, second=second)
        project.write(f"-- sites/{client}/site.toml --\n{text}")
    return project


def in_terminal(project, columns: int, *args: str) -> str:
    """The command's output on a real terminal (a pseudo-terminal) this many columns wide."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "NO_COLOR")}
    command = [sys.executable, "-m", "sitegen", "--root", str(project.root), *args]
    process = subprocess.Popen(command, stdin=follower, stdout=follower, stderr=follower, env=env)
    os.close(follower)
    output = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closes with the process
            break
        if not chunk:
            break
        output += chunk
    os.close(leader)
    assert process.wait(timeout=60) == 0, output.decode()
    return ANSI.sub("", output.decode()).replace("\r\n", "\n")


def assert_money_whole(output: str, columns: int, amounts) -> None:
    assert "…" not in output, "nothing is cut"
    for line in output.splitlines():
        assert len(line) <= columns, f"wider than the terminal: {line!r}"
    for amount in amounts:
        assert amount in output, f"{amount} is shown whole"


def test_status_at_80_columns_keeps_every_amount_and_done(project):
    output = in_terminal(project, 80, "status")
    assert_money_whole(output, 80, ["€3,500.50", "AED12,345.67"])
    assert "done" in output and "40%" in output
    assert "left out for the terminal's width: handover" in output


def test_status_at_60_columns_leaves_out_columns_by_importance(project):
    output = in_terminal(project, 60, "status")
    assert_money_whole(output, 60, ["€3,500.50", "AED12,345.67"])
    assert "outstanding" in output
    assert "left out for the terminal's width: done, paid, handover" in output
    detail = in_terminal(project, 60, "status", "dar-alward-flowers")
    assert_money_whole(detail, 60, ["AED5,400.00", "AED12,345.67", "AED17,745.67"])


def test_status_piped_shows_every_column_and_amount(project):
    result = subprocess.run(
        [sys.executable, "-m", "sitegen", "--root", str(project.root), "status"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert_money_whole(result.stdout, 120, [a for amounts in AMOUNTS.values() for a in amounts])
    assert "left out" not in result.stdout
