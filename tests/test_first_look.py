"""Looking at a demo: `serve` says where and with which password, on a free port; `publish`
says where each demo is and where its password is set, never the password itself."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys

from conftest import PASSWORD


def _serve_until(project, wanted: str, *args: str, **env: str) -> tuple[list[str], int]:
    """Start `sitegen serve acme`, read its lines until one holds `wanted`, stop it; the
    lines and the port it served on (checked to answer)."""
    command = [sys.executable, "-m", "sitegen", "serve", "acme", "--root", str(project.root)]
    process = subprocess.Popen(
        [*command, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # CI decides whether the password is printed: only the test says whether it is set.
        env={**{k: v for k, v in os.environ.items() if k != "CI"}, "PYTHONUNBUFFERED": "1", **env},
    )
    try:
        lines: list[str] = []
        while not lines or wanted not in lines[-1]:
            line = process.stdout.readline()
            assert line, "".join(lines) + process.stderr.read()
            lines.append(line)
        url = next(line for line in lines if "Serving" in line).split(" at ")[1].split()[0]
        port = int(url.rsplit(":", 1)[1].strip("/"))
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", "/")
        assert connection.getresponse().status == 200
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
    return lines, port


def test_serve_prints_the_address_and_the_demo_password(make_project):
    lines, _ = _serve_until(make_project(), "Demo password", "--port", "0")
    assert "Serving the demo of acme at http://127.0.0.1:" in lines[-2]
    assert lines[-1].startswith(f"Demo password: {PASSWORD}  (set in ")
    assert "sites/acme/site.toml, [demo] password" in lines[-1]


def test_serve_in_ci_does_not_print_the_password(make_project):
    lines, _ = _serve_until(make_project(), "Demo password", "--port", "0", CI="true")
    assert PASSWORD not in "".join(lines)
    assert "not shown, as CI is set" in lines[-1]


def test_serve_on_a_busy_port_takes_the_next_free_one(make_project):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = taken.getsockname()[1]
        lines, port = _serve_until(make_project(), "Serving", "--port", str(busy))
    assert port > busy
    assert f"Port {busy} is busy: using port {port} instead." in "".join(lines)


def test_publish_names_each_demo_and_where_its_password_is(make_project):
    project = make_project().add_client("beta")
    target = project.root.parent / "published" / "{client}"
    os.environ.pop("BETA_PASSWORD", None)
    beta = project.root / "sites/beta/site.toml"
    beta.write_text(
        beta.read_text().replace(f'password = "{PASSWORD}"', 'password_env = "BETA_PASSWORD"')
    )
    os.environ["BETA_PASSWORD"] = "another-long-one-42"
    try:
        result = project.run("publish", "--target", f"file:{target}")
    finally:
        del os.environ["BETA_PASSWORD"]
    assert result.exit_code == 0, result.output
    assert (
        "the demo of acme is at https://acme.demo.studio.example/ — its password is set in "
        in result.output
    )
    assert "sites/acme/site.toml, [demo] password" in result.output
    assert (
        "the demo of beta is at https://beta.demo.studio.example/ — its password is set in "
        "the environment variable BETA_PASSWORD" in result.output
    )
    assert PASSWORD not in result.output and "another-long-one-42" not in result.output
