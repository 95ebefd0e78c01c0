"""`sitegen serve` answers only requests naming it: a page elsewhere that points its own name
at this machine (DNS rebinding) gets a short refusal, never the build's errors or the site."""

from __future__ import annotations

import http.client
import json
import socket

import pytest
from test_serve import read_event, start

from sitegen.model import Mode
from sitegen.serve import livereload, servenames
from sitegen.serve.server import Server

SECRET_LINE = "title: Secret: launch of the spring menu"
SITE = """
    -- sites/acme/content/about.md --
    ---
    title: About us
    ---
    We started baking in 2009.
"""


def request(port: int, host: str | None, path: str = "/about/", address: str = "127.0.0.1"):
    """A raw request carrying exactly this Host header (none with None); status and body."""
    connection = http.client.HTTPConnection(address, port, timeout=10)
    try:
        connection.putrequest("GET", path, skip_host=True, skip_accept_encoding=True)
        if host is not None:
            connection.putheader("Host", host)
        connection.endheaders()
        response = connection.getresponse()
        if response.getheader("Content-Type") == "text/event-stream":
            events = [read_event(response) for _ in range(2)]  # hello, then what failed
            return response.status, json.dumps(events).encode()
        return response.status, response.read()
    finally:
        connection.close()


@pytest.fixture
def release(make_project):
    served = start(make_project(SITE), Mode.RELEASE)
    yield served
    served.server.stop()


FOREIGN = [
    "rebind.attacker.example",
    "rebind.attacker.example:{port}",
    "localhost.attacker.example:{port}",
    "127.0.0.1.attacker.example",
    "localhost:{other}",
    "[::1]x",
    "::1",
    "",
    None,
]


@pytest.mark.parametrize("host", FOREIGN)
def test_a_foreign_host_gets_a_short_refusal_not_the_site(release, host):
    port = release.port
    if host is not None:
        host = host.format(port=port, other=port + 1)
    status, body = request(port, host)
    assert status == 421
    assert body == b"Misdirected request: this preview answers to its own addresses only.\n"


@pytest.mark.parametrize(
    "host", ["localhost", "localhost:{port}", "127.0.0.1:{port}", "[::1]:{port}", "LocalHost."]
)
def test_the_names_it_is_bound_to_get_the_site(release, host):
    status, body = request(release.port, host.format(port=release.port))
    assert status == 200 and b"We started baking in 2009." in body


def test_build_errors_stream_to_the_studio_and_not_to_a_rebinding_page(make_project):
    served = start(make_project(SITE))
    try:
        served.edit("sites/acme/content/about.md", f"---\n{SECRET_LINE}\n---\nText.\n")
        assert served.server.preview.snapshot.failure is not None
        events = livereload.EVENTS_PATH + "?path=/about/"
        status, body = request(served.port, "rebind.attacker.example", events)
        assert status == 421 and b"Secret" not in body
        status, body = request(served.port, f"localhost:{served.port}", events)
        assert status == 200 and SECRET_LINE.encode() in body
    finally:
        served.server.stop()


def test_bound_to_every_address_it_answers_to_this_machines_names_only(make_project):
    messages: list[str] = []
    server = Server(make_project(SITE).root, "acme", Mode.RELEASE, port=0, bind="0.0.0.0")
    server.preview.echo = lambda message, err=False: messages.append(message)
    server.start()
    try:
        port = int(server.url.rsplit(":", 1)[1].strip("/"))
        assert server.url == f"http://localhost:{port}/"
        for name in (socket.gethostname(), f"{socket.gethostname()}:{port}", "127.0.0.1"):
            assert request(port, name)[0] == 200, name
        for address in servenames.network_addresses("0.0.0.0"):
            host = f"[{address}]" if ":" in address else address
            assert request(port, f"{host}:{port}", address=address)[0] == 200, address
        assert request(port, "rebind.attacker.example")[0] == 421
        assert request(port, f"rebind.attacker.example:{port}")[0] == 421
    finally:
        server.stop()
