"""`sitegen init`: a studio of one's own, and a warning for a studio still the example's."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
import time
import tomllib

from click.testing import CliRunner

from conftest import REPO, Project
from sitegen.cli import main


def _init(*args: str):
    return CliRunner().invoke(main, ["init", *args])


def test_init_writes_a_commented_studio_and_an_empty_sites_folder(tmp_path):
    folder = tmp_path / "my-studio"
    result = _init(str(folder), "--name", "Kareem Design", "--email", "hi@kareem.design")
    assert result.exit_code == 0, result.output
    text = (folder / "sitegen.toml").read_text("utf-8")
    studio = tomllib.loads(text)["studio"]
    assert studio["name"] == "Kareem Design" and studio["email"] == "hi@kareem.design"
    assert studio["demo_domain"] == "demo.kareem.design", "derived from the email"
    assert "phone" not in studio and "# phone =" in text
    assert text.count("\n#") > 10, "every key is explained"
    assert "Northwind" not in text and "northwind" not in text
    assert list((folder / "sites").iterdir()) == [], "no example clients"
    assert "sitegen new CLIENT" in result.output


def test_a_new_studio_builds_its_first_client_without_the_example_warning(tmp_path):
    folder = tmp_path / "studio"
    made = _init(str(folder), "--name", "Own", "--email", "a@own.example", "--phone", "+1 5")
    assert made.exit_code == 0, made.output
    project = Project(folder)
    assert project.run("new", "acme").exit_code == 0
    result = project.build()
    assert "example studio" not in result.output
    password = (folder / "sites/acme/site.toml").read_text().split('password = "')[1][:19]
    status = project.out("status/index.html", password=password)
    assert "Own" in status and "+1 5" in status and "a@own.example" in status


def test_init_never_replaces_a_studio(tmp_path):
    (tmp_path / "sitegen.toml").write_text("# mine\n", encoding="utf-8")
    result = _init(str(tmp_path), "--name", "X", "--email", "x@x.example")
    assert result.exit_code == 1
    assert "sitegen.toml: a studio is already set up here" in result.output
    assert (tmp_path / "sitegen.toml").read_text() == "# mine\n"
    assert not (tmp_path / "sites").exists()


def test_init_without_a_terminal_names_the_missing_options_and_writes_nothing(tmp_path):
    result = _init(str(tmp_path / "s"), "--name", "X")
    assert result.exit_code == 2 and "needs --email when not run on a terminal" in result.output
    assert not (tmp_path / "s").exists()
    bad = _init(str(tmp_path / "s"), "--name", "X", "--email", "not-an-address")
    assert bad.exit_code == 1 and "'email' in [studio] must be an email address" in bad.output
    assert not (tmp_path / "s").exists()


def test_init_on_a_terminal_asks_with_defaults(tmp_path):
    """A real pseudo-terminal: the prompts a user answers, Enter taking each default."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "sitegen", "init", "north-star"],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        cwd=tmp_path,
        env={**os.environ, "NO_COLOR": "1"},
    )
    os.close(follower)
    seen = b""
    for prompt, answer in [
        (b"Studio name [North Star]", b"\n"),
        (b"Studio email", b"me@northstar.example\n"),
        (b"Phone (optional)", b"\n"),
        (b"Demo domain [demo.northstar.example]", b"\n"),
    ]:
        deadline = time.monotonic() + 20
        while prompt not in seen and time.monotonic() < deadline:
            seen += os.read(leader, 1024)
        assert prompt in seen, seen.decode(errors="replace")
        os.write(leader, answer)
    assert process.wait(timeout=20) == 0
    os.close(leader)
    studio = tomllib.loads((tmp_path / "north-star/sitegen.toml").read_text("utf-8"))["studio"]
    assert studio["name"] == "North Star" and studio["demo_domain"] == "demo.northstar.example"
    assert "phone" not in studio


def test_building_under_the_example_studio_warns_but_builds(make_project):
    project = make_project()
    (project.root / "sitegen.toml").write_text(
        (REPO / "sitegen.toml").read_text("utf-8"), encoding="utf-8"
    )
    result = project.run("build")
    assert result.exit_code == 0
    assert "sitegen.toml:8: this is the example studio (name 'Northwind Studio'" in result.output
    assert "sitegen init FOLDER" in result.output
    assert (project.root / "build/acme/demo/index.html").is_file()
    assert "example studio" not in _build_with_own_values(project)


def _build_with_own_values(project: Project) -> str:
    """The build's output once the studio carries its own values."""
    toml = project.root / "sitegen.toml"
    toml.write_text(toml.read_text().replace("Northwind Studio", "Own Studio"), encoding="utf-8")
    text = toml.read_text()
    text = text.replace("hello@northwind.example", "hi@own.example")
    toml.write_text(text.replace("demo.northwind.example", "demo.own.example"), encoding="utf-8")
    return project.build().output
