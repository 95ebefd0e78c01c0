"""The CI workflow in deploy/ci: its script run here against real git history and a folder
target, and the workflow file read as GitHub reads it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import PASSWORD, REPO, STUDIO_TOML, decrypt_gate, folder_reader

SCRIPT = REPO / "deploy/ci/publish-changed.sh"
WORKFLOW = REPO / "deploy/ci/publish.yml"
SITEGEN = Path(sys.executable).parent / "sitegen"

SECRET_SITE = """\
[client]
name = "Acme"
email = "acme@example.com"
[site]
title = "Acme Site"
[demo]
password_env = "ACME_DEMO_PASSWORD"
"""


def git(project, *args: str) -> str:
    command = ["git", "-c", "user.name=CI", "-c", "user.email=ci@example.com", *args]
    return subprocess.run(
        command, cwd=project.root, check=True, capture_output=True, text=True
    ).stdout.strip()


def script(project, *args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k != "ACME_DEMO_PASSWORD"}
    environment |= {"SITEGEN": str(SITEGEN), "PYTHON": sys.executable, **env}
    return subprocess.run(
        ["bash", str(SCRIPT), *args],
        cwd=project.root,
        env=environment,
        capture_output=True,
        text=True,
    )


@pytest.fixture
def repo(make_project):
    project = make_project("-- sites/acme/content/index.md --\nWelcome.\n")
    project.add_client("bakery", "-- content/index.md --\nBread.\n")
    git(project, "init", "-q", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "first")
    return project


def changed_since(project, base: str) -> list[str]:
    result = script(project, "list", base)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_only_changed_clients_are_listed_and_shared_files_list_all(repo):
    first = git(repo, "rev-parse", "HEAD")
    repo.write("-- sites/acme/content/index.md --\nWelcome back.\n")
    git(repo, "commit", "-qam", "acme's page")
    assert changed_since(repo, first) == ["acme"]
    second = git(repo, "rev-parse", "HEAD")
    theme_file = repo.root / "themes/base/templates/page.html"
    theme_file.write_text(theme_file.read_text() + "\n")
    git(repo, "commit", "-qam", "theme")
    assert changed_since(repo, second) == ["acme", "bakery"]
    assert changed_since(repo, "") == ["acme", "bakery"], "a first run publishes everything"
    assert changed_since(repo, "0" * 40) == ["acme", "bakery"], "a new branch too"


def test_publish_uses_only_the_clients_secret_and_reaches_the_target(make_project):
    project = make_project(
        f"-- sites/acme/site.toml --\n{SECRET_SITE}"
        "-- sites/acme/content/index.md --\nWelcome to Acme.\n"
    )
    published = project.root.parent / "published"
    target = f'demo_target = "file:{published}/{{client}}/"\n'
    project.write(f"-- sitegen.toml --\n{STUDIO_TOML}{target}")
    secrets = json.dumps({"ACME_DEMO_PASSWORD": PASSWORD, "AWS_SECRET_ACCESS_KEY": "x"})
    result = script(project, "publish", "acme", SITEGEN_SECRETS=secrets)
    assert result.returncode == 0, result.stdout + result.stderr
    folder = published / "acme"
    page = decrypt_gate((folder / "index.html").read_text(), PASSWORD, folder_reader(folder))
    assert "Welcome to Acme." in page
    assert PASSWORD not in result.stdout + result.stderr
    missing = script(project, "publish", "acme")
    assert missing.returncode == 1 and "ACME_DEMO_PASSWORD" in missing.stderr + missing.stdout
    unknown = script(project, "publish", "nobody")
    assert unknown.returncode == 2 and "no client 'nobody'" in unknown.stderr


def test_the_workflow_runs_the_script_per_client_and_hands_over_only_by_hand():
    workflow = yaml.safe_load(WORKFLOW.read_text())
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert triggers["push"]["branches"] == ["main"]
    assert set(triggers["workflow_dispatch"]["inputs"]) >= {"client", "confirm"}
    jobs = workflow["jobs"]
    runs = [step["run"] for job in jobs.values() for step in job["steps"] if "run" in step]
    assert runs and all("deploy/ci/publish-changed.sh" in run for run in runs)
    publish = jobs["publish"]
    assert (
        publish["strategy"]["matrix"]["client"] == "${{ fromJSON(needs.changed.outputs.clients) }}"
    )
    assert any("publish-changed.sh publish" in s.get("run", "") for s in publish["steps"])
    caches = [s for s in publish["steps"] if s.get("uses", "").startswith("actions/cache")]
    assert caches and caches[0]["with"]["path"] == "build/.cache"
    assert "secrets." in json.dumps(publish)
    handover = jobs["handover"]
    assert "workflow_dispatch" in handover["if"] and "inputs.confirm" in handover["if"]
    assert handover["environment"] == "handover"
    assert any("publish-changed.sh handover" in s.get("run", "") for s in handover["steps"])
    assert jobs["changed"]["if"] == "github.event_name == 'push'"
