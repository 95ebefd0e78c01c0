"""A studio of many clients: a build finds the unchanged ones up to date without a worker
process each, builds only those that changed, and gives what a clean build gives."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from conftest import PASSWORD

UP_TO_DATE = "(up to date)"
CLIENTS = ("acme", "bravo", "charlie", "delta")
PAGES = """
-- content/_index.md --
# Home
-- content/about.md --
---
title: About us
---
We make things.
"""

_forks: list[int] = []  # processes forked by this test process, while a test counts them
_counting = [False]


def _count_fork() -> None:
    if _counting[0]:
        _forks.append(1)


os.register_at_fork(before=_count_fork)


def forks_during(action) -> tuple[int, object]:
    """How many processes `action` forked, and what it returned."""
    _forks.clear()
    _counting[0] = True
    try:
        result = action()
    finally:
        _counting[0] = False
    return len(_forks), result


def many_clients(make_project):
    project = make_project(site=False)
    for client in CLIENTS:
        project.add_client(client, PAGES)
    return project


def summary_lines(output: str) -> dict[str, str]:
    return {line.split()[1]: line for line in output.splitlines() if line.startswith("✓")}


def tree(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.name != ".lock"
    }


def test_one_changed_client_of_many_is_the_only_one_built(make_project, tmp_path):
    project = many_clients(make_project)
    first = summary_lines(project.build().output)
    assert sorted(first) == sorted(CLIENTS)
    assert not any(UP_TO_DATE in line for line in first.values())
    about = project.root / "sites/charlie/content/about.md"
    about.write_text(about.read_text().replace("We make things.", "We make charlie's things."))

    lines = summary_lines(project.build().output)
    assert sorted(lines) == sorted(CLIENTS), "every client has its summary line"
    assert UP_TO_DATE not in lines["charlie"] and "(1 rendered" in lines["charlie"]
    assert all(UP_TO_DATE in lines[c] for c in CLIENTS if c != "charlie")
    assert "We make charlie's things." in project.out("about/index.html", client="charlie")

    clean = tmp_path / "clean"  # the same project, built from nothing
    for name in ("sites", "themes", "sitegen.toml"):
        copy = shutil.copytree if (project.root / name).is_dir() else shutil.copy
        copy(project.root / name, clean / name)
    assert project.run("--root", str(clean), "build").exit_code == 0
    for client in CLIENTS:
        built = tree(project.root / "build" / client)
        assert built, client
        assert built == tree(clean / "build" / client), f"{client} differs from a clean build"


def test_clients_found_up_to_date_start_no_worker_process(make_project):
    project = many_clients(make_project)
    forked, _ = forks_during(project.build)
    assert forked >= 2, "a build of several changed clients runs them in worker processes"

    forked, result = forks_during(project.build)
    assert forked == 0
    assert result.output.count(UP_TO_DATE) == len(CLIENTS)

    page = project.root / "sites/bravo/content/about.md"
    page.write_text(page.read_text() + "\nMore.\n")
    forked, result = forks_during(project.build)
    assert forked == 0, "one changed client is built in this process, the rest found up to date"
    assert result.output.count(UP_TO_DATE) == len(CLIENTS) - 1
    assert "More." in project.out("about/index.html", client="bravo")


def test_a_changed_salt_file_or_password_variable_is_still_seen(make_project, monkeypatch):
    project = many_clients(make_project)
    site_toml = project.root / "sites/delta/site.toml"
    site_toml.write_text(
        site_toml.read_text().replace(f'password = "{PASSWORD}"', 'password_env = "DELTA_PW"')
    )
    monkeypatch.setenv("DELTA_PW", PASSWORD)
    project.build()
    assert project.build().output.count(UP_TO_DATE) == len(CLIENTS)

    (project.root / "sites/acme/demo-salt.json").unlink()
    monkeypatch.setenv("DELTA_PW", "another-password-42")
    lines = summary_lines(project.build().output)
    assert UP_TO_DATE not in lines["delta"], "a changed password in the environment builds again"
    assert UP_TO_DATE in lines["bravo"] and UP_TO_DATE in lines["charlie"]
    # The key, derived again with the salt the cache kept, is the same: the demo stands as it
    # was, and its salt file is written back beside the site.
    assert UP_TO_DATE in lines["acme"]
    assert (project.root / "sites/acme/demo-salt.json").is_file()
    assert "We make things." in project.out(
        "about/index.html", client="delta", password="another-password-42"
    )
