"""A build stopped as `timeout`, CI runners and service managers stop it: SIGTERM (or Ctrl-C)
ends it cleanly with 143 (130), SIGKILL of the parent takes its workers along, and either
way no worker lingers and `build/CLIENT/demo` still holds the previous build."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

PAGES = 1200  # enough that forked workers convert and render for a few seconds


def big_site(project, client: str, pages: int = PAGES) -> None:
    files = "".join(
        f"-- content/notes/note-{n}.md --\n# Note {n}\n\n{'Bread and butter. ' * 40}\n"
        for n in range(pages)
    )
    project.add_client(client, files)


def group_members(leader: int) -> list[int]:
    """Processes of the group `leader` leads that still run (zombies do not count)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        state, group = fields[0], int(fields[2])
        if group == leader and state not in ("Z", "X"):
            found.append(int(entry.name))
    return found


@pytest.fixture
def start_build():
    """Starts `sitegen build` in a process group of its own; whatever of a group is left at
    the end of the test is killed, so a failing test leaves no orphan behind."""
    started: list[subprocess.Popen] = []

    def start(project) -> subprocess.Popen:
        command = [sys.executable, "-m", "sitegen", "--root", str(project.root), "build", "-q"]
        build = subprocess.Popen(
            command, start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        started.append(build)
        return build

    yield start
    for build in started:
        for pid in group_members(build.pid):
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        build.communicate(timeout=30)


def wait_until_mid_build(build: subprocess.Popen, project, seconds: float = 60) -> None:
    """Until the build writes its staging folder with workers running."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        staging = list((project.root / "build").glob("*/.demo.*.tmp"))
        if staging and len(group_members(build.pid)) >= 2:
            return
        assert build.poll() is None, build.stdout.read().decode()
        time.sleep(0.01)
    pytest.fail("the build started no worker")


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def no_lingering_process(leader: int, seconds: float = 5) -> list[int]:
    deadline = time.monotonic() + seconds
    while group_members(leader) and time.monotonic() < deadline:
        time.sleep(0.1)
    return group_members(leader)


def built_then_edited(project, clients: list[str]) -> dict[str, dict[str, bytes]]:
    """Build once, then edit every page, so the next build has all of them to do again."""
    project.build()
    before = {c: snapshot(project.root / "build" / c / "demo") for c in clients}
    for client in clients:
        toml = project.root / "sites" / client / "site.toml"
        toml.write_text(toml.read_text().replace('"Acme Site"', '"Acme Site, renamed"'))
    return before


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_a_stopped_build_exits_cleanly_and_keeps_the_previous_build(
    make_project, start_build, stop
):
    project = make_project(site=False)
    big_site(project, "acme")
    before = built_then_edited(project, ["acme"])
    build = start_build(project)
    wait_until_mid_build(build, project)
    os.kill(build.pid, stop)
    output = build.communicate(timeout=30)[0].decode()
    assert build.returncode == 128 + stop, output
    assert f"stopped by {signal.Signals(stop).name}" in output
    assert "Traceback" not in output, output
    assert no_lingering_process(build.pid) == []
    assert snapshot(project.root / "build/acme/demo") == before["acme"]
    assert sorted(p.name for p in (project.root / "build/acme").iterdir()) == [".lock", "demo"]


def test_a_stopped_build_of_several_clients_leaves_no_worker(make_project, start_build):
    project = make_project(site=False)
    for client in ("acme", "bakery"):
        big_site(project, client, PAGES // 2)
    before = built_then_edited(project, ["acme", "bakery"])
    build = start_build(project)
    wait_until_mid_build(build, project)
    os.kill(build.pid, signal.SIGTERM)
    output = build.communicate(timeout=30)[0].decode()
    assert build.returncode == 143, output
    assert no_lingering_process(build.pid) == []
    left = {c: snapshot(project.root / "build" / c / "demo") for c in ("acme", "bakery")}
    assert project.run("build").exit_code == 0
    for client in ("acme", "bakery"):
        complete = snapshot(project.root / "build" / client / "demo")
        assert left[client] in (before[client], complete), "no client has half a build"
    assert any(left[c] == before[c] for c in left), "stopped before every client was done"


@pytest.mark.parametrize("clients", [["acme"], ["acme", "bakery"]])
def test_workers_die_with_a_parent_killed_by_sigkill(make_project, start_build, clients):
    project = make_project(site=False)
    for client in clients:
        big_site(project, client, PAGES // len(clients))
    before = built_then_edited(project, clients)
    build = start_build(project)
    wait_until_mid_build(build, project)
    os.kill(build.pid, signal.SIGKILL)
    build.communicate(timeout=30)
    assert no_lingering_process(build.pid) == [], "workers outlived their parent"
    left = {c: snapshot(project.root / "build" / c / "demo") for c in clients}
    assert project.run("build").exit_code == 0, "the next build takes over at once"
    for client in clients:
        complete = snapshot(project.root / "build" / client / "demo")
        # A client whose build had finished before the kill has it whole; none has half.
        assert left[client] in (before[client], complete)
    assert left[clients[0]] == before[clients[0]]
