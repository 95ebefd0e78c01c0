"""One build, publish or handover of a client at a time."""

from __future__ import annotations

import json
import multiprocessing
import os

import pytest

from sitegen.locks import LockedError, client_lock


def hold_lock(build_dir, started, release):
    with client_lock(build_dir, "acme", "sitegen publish"):
        started.set()
        release.wait(10)


def test_second_run_waits_then_names_the_holder(tmp_path):
    context = multiprocessing.get_context("spawn")
    started, release = context.Event(), context.Event()
    holder = context.Process(target=hold_lock, args=(tmp_path, started, release))
    holder.start()
    try:
        assert started.wait(20)
        with (
            pytest.raises(LockedError) as caught,
            client_lock(tmp_path, "acme", "sitegen build", wait=0.3),
        ):
            pass
        message = caught.value.format_message()
        assert "acme is busy: `sitegen publish`" in message and str(holder.pid) in message
    finally:
        release.set()
        holder.join(10)
    with client_lock(tmp_path, "acme", "sitegen build", wait=0.3):
        pass


def test_stale_lock_of_a_dead_process_is_taken_over(tmp_path):
    lock = tmp_path / "acme" / ".lock"
    lock.parent.mkdir()
    lock.write_text(json.dumps({"pid": 2**22 + 12345, "command": "sitegen build", "since": 0}))
    os.utime(lock, (0, 0))
    with client_lock(tmp_path, "acme", "sitegen build", wait=0.3):
        assert json.loads(lock.read_text())["pid"] == os.getpid()
    assert not lock.exists()


def test_a_process_may_re_enter_its_own_lock(tmp_path):
    with client_lock(tmp_path, "acme", "sitegen handover"):
        with client_lock(tmp_path, "acme", "sitegen build", wait=0.3):
            pass
        assert (tmp_path / "acme" / ".lock").exists(), "the outer holder keeps it"
