"""One build, publish or handover of a client at a time, with real processes contending."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import time

import pytest

from sitegen.pipeline.locks import LockedError, client_lock

SPAWN = multiprocessing.get_context("spawn")


def hold_lock(build_dir, started, release, command="sitegen publish"):
    with client_lock(build_dir, "acme", command):
        started.set()
        release.wait(30)


def contend(build_dir, log, rounds, go):
    """Take the lock `rounds` times, noting entry and exit in a shared append-only log; the
    last time, die holding it, as a killed build does."""
    go.wait(30)
    for round in range(rounds):
        with client_lock(build_dir, "acme", "sitegen build"):
            _note(log, f"in {os.getpid()}")
            time.sleep(0.001)
            if round == rounds - 1:
                _note(log, f"died {os.getpid()}")
                os._exit(0)
            _note(log, f"out {os.getpid()}")


def _note(log, line):
    with open(log, "a") as out:
        out.write(line + "\n")


def test_contending_processes_never_hold_the_lock_together(tmp_path):
    """Eight processes, each dying once while holding the lock: never two holders at once."""
    log, go = tmp_path / "holds.log", SPAWN.Event()
    workers = [SPAWN.Process(target=contend, args=(tmp_path, log, 10, go)) for _ in range(8)]
    for worker in workers:
        worker.start()
    go.set()
    for worker in workers:
        worker.join(120)
        assert worker.exitcode == 0
    lines = log.read_text().splitlines()
    assert len(lines) == 8 * 10 * 2
    for entry, leaving in zip(lines[::2], lines[1::2], strict=True):
        assert entry.startswith("in "), "two holds overlapped"
        assert leaving in ("out " + entry[3:], "died " + entry[3:]), "two holds overlapped"


def test_a_holder_killed_by_sigkill_lets_go_at_once(tmp_path):
    started, release = SPAWN.Event(), SPAWN.Event()
    holder = SPAWN.Process(target=hold_lock, args=(tmp_path, started, release))
    holder.start()
    assert started.wait(30)
    with pytest.raises(LockedError), client_lock(tmp_path, "acme", "sitegen build", wait=0):
        pass
    os.kill(holder.pid, signal.SIGKILL)
    holder.join(10)
    began = time.monotonic()
    with client_lock(tmp_path, "acme", "sitegen build", wait=5):
        record = json.loads((tmp_path / "acme/.lock").read_text())
        assert record["pid"] == os.getpid() and record["command"] == "sitegen build"
    assert time.monotonic() - began < 1


def test_a_waiter_says_for_whom_then_waits_until_the_holder_is_done(tmp_path):
    started, release = SPAWN.Event(), SPAWN.Event()
    holder = SPAWN.Process(target=hold_lock, args=(tmp_path, started, release))
    holder.start()
    try:
        assert started.wait(30)
        heard = []

        def on_wait(message):
            heard.append(message)
            release.set()  # the holder finishes while this one waits

        with client_lock(tmp_path, "acme", "sitegen build", on_wait=on_wait):
            pass
        assert len(heard) == 1
        assert heard[0].startswith("waiting for acme: `sitegen publish`")
        assert f"(process {holder.pid})" in heard[0]
    finally:
        release.set()
        holder.join(10)


def test_no_wait_fails_at_once_naming_the_holder(tmp_path):
    started, release = SPAWN.Event(), SPAWN.Event()
    holder = SPAWN.Process(target=hold_lock, args=(tmp_path, started, release))
    holder.start()
    try:
        assert started.wait(30)
        began = time.monotonic()
        with (
            pytest.raises(LockedError) as caught,
            client_lock(tmp_path, "acme", "sitegen build", wait=0),
        ):
            pass
        assert time.monotonic() - began < 1
        message = caught.value.format_message()
        assert "acme is busy: `sitegen publish`" in message and str(holder.pid) in message
        assert "--no-wait" in message
    finally:
        release.set()
        holder.join(10)


def test_a_lock_file_left_without_a_holder_is_taken(tmp_path):
    lock = tmp_path / "acme" / ".lock"
    lock.parent.mkdir()
    lock.write_text(json.dumps({"pid": 2**22 + 12345, "command": "sitegen build", "since": 0}))
    with client_lock(tmp_path, "acme", "sitegen build", wait=0):
        assert json.loads(lock.read_text())["pid"] == os.getpid()
    assert lock.read_text() == "", "the file stays, naming no one"


def test_a_process_may_re_enter_its_own_lock(tmp_path):
    with client_lock(tmp_path, "acme", "sitegen handover"):
        with client_lock(tmp_path, "acme", "sitegen build", wait=0):
            pass
        assert json.loads((tmp_path / "acme" / ".lock").read_text())["command"] == (
            "sitegen handover"
        ), "the outer holder keeps it"


def test_the_cli_waits_or_with_no_wait_fails_at_once(make_project, tmp_path):
    project = make_project("-- sites/acme/content/_index.md --\n# Home\n")
    build_dir = project.root / "build"
    started, release = SPAWN.Event(), SPAWN.Event()
    holder = SPAWN.Process(target=hold_lock, args=(build_dir, started, release, "sitegen serve"))
    holder.start()
    try:
        assert started.wait(30)
        for command in (["build"], ["publish"], ["handover", "acme", "--yes"]):
            result = project.run(*command, "--no-wait")
            assert result.exit_code == 1, result.output
            assert "acme is busy: `sitegen serve`" in result.output, command
            assert f"(process {holder.pid})" in result.output
    finally:
        release.set()
        holder.join(10)
    assert project.run("build", "--no-wait").exit_code == 0
