"""`sitegen serve --https`: a self-signed certificate kept in build/.cache/tls/, so a phone on
the studio's network opens the preview in a secure context where the demo gate unlocks, and
live reload goes on over https. Without --https, no https link is ever printed."""

from __future__ import annotations

import datetime as dt
import http.client
import os
import socket
import ssl
import subprocess
import sys
import urllib.request

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from test_serve import SITE

from conftest import CHROMIUM, CHROMIUM_FLAGS, PASSWORD
from sitegen.serve import devcert
from sitegen.serve.server import Server

ABOUT = "sites/acme/content/about.md"
TIMEOUT_MS = 10_000
HOST = socket.gethostname()


def names_in(cert_path) -> set[str]:
    cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
    listed = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    return {str(name.value) for name in listed}


def test_the_certificate_names_this_machine_and_is_kept_while_valid(tmp_path):
    folder = tmp_path / "tls"
    cert, key = devcert.ensure_certificate(folder, ["localhost", "127.0.0.1", "::1", HOST])
    parsed = x509.load_pem_x509_certificate(cert.read_bytes())
    assert isinstance(parsed.public_key(), ec.EllipticCurvePublicKey)
    assert parsed.public_key().curve.name == "secp256r1"
    assert names_in(cert) == {"localhost", "127.0.0.1", "::1", HOST}
    assert parsed.not_valid_after_utc - dt.datetime.now(dt.UTC) > dt.timedelta(days=300)
    assert key.stat().st_mode & 0o077 == 0, "the private key is its owner's alone"
    first = cert.read_bytes()
    devcert.ensure_certificate(folder, ["localhost", HOST])
    assert cert.read_bytes() == first, "kept while valid and naming every name"
    devcert.ensure_certificate(folder, ["localhost", "192.0.2.77"])
    assert "192.0.2.77" in names_in(cert), "made again for a name it lacks"


def start_https(project, bind: str = "0.0.0.0") -> Server:
    server = Server(project.root, "acme", port=0, bind=bind, https=True)
    server.preview.echo = lambda message, err=False: None
    server.start()
    return server


def test_https_serves_the_demo_and_refuses_plain_http(make_project):
    project = make_project(SITE)
    server = start_https(project, bind="127.0.0.1")
    try:
        url = server.url
        assert url.startswith("https://127.0.0.1:") and server.urls == [url]
        port = int(url.rsplit(":", 1)[1].strip("/"))
        cert = project.root / "build/.cache/tls/cert.pem"
        assert {"localhost", "127.0.0.1", "::1", HOST} <= names_in(cert)
        context = ssl.create_default_context(cafile=cert)  # trusted as the studio accepts it
        with urllib.request.urlopen(url + "about/", context=context, timeout=10) as response:
            gate = response.read()
        assert response.status == 200 and b"We started baking" not in gate
        plain = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        with pytest.raises((ConnectionError, http.client.HTTPException)):
            plain.request("GET", "/about/")
            plain.getresponse()
    finally:
        server.stop()


@pytest.fixture(scope="module")
def phone(browser):
    """Chromium that finds this machine by its host name, as a phone on the network does."""
    flags = [f for f in CHROMIUM_FLAGS if not f.startswith("--host-resolver-rules")]
    flags.append(f"--host-resolver-rules=MAP {HOST} 127.0.0.1")
    launched = browser.browser_type.launch(executable_path=str(CHROMIUM), args=flags)
    yield launched
    launched.close()


def test_over_https_the_gate_unlocks_and_live_reload_follows_saves(phone, make_project):
    from test_serve import Served
    from test_serve_browser import connected

    project = make_project(SITE)
    server = start_https(project)
    served = Served(server, project.root, [])
    context = phone.new_context(ignore_https_errors=True)
    try:
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        page.goto(f"https://{HOST}:{served.port}/about/")
        assert page.evaluate("window.isSecureContext") is True
        page.fill("#sitegen-password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_selector("text=We started baking in 2009")
        assert not page.is_visible("#sitegen-password")
        connected(page)
        served.edit(ABOUT, "---\ntitle: About us\n---\nNow with rye on Fridays.\n")
        page.wait_for_selector("text=Now with rye on Fridays")
        assert not page.is_visible("#sitegen-password"), "the kept key opens the new version"
    finally:
        context.close()
        server.stop()


def test_over_plain_http_the_same_address_is_no_secure_context(phone, make_project):
    """What --https is for: the phone's view of a plain http server."""
    server = Server(make_project(SITE).root, "acme", port=0, bind="0.0.0.0")
    server.preview.echo = lambda message, err=False: None
    server.start()
    page = phone.new_page()
    try:
        port = int(server.url.rsplit(":", 1)[1].strip("/"))
        page.goto(f"http://{HOST}:{port}/about/")
        assert page.evaluate("window.isSecureContext") is False
    finally:
        page.close()
        server.stop()


def printed_urls(project, *options: str) -> tuple[list[str], str]:
    """Start `sitegen serve` as a user does, read the URLs it prints, then stop it."""
    command = [sys.executable, "-m", "sitegen", "--root", str(project.root), "serve", "acme"]
    process = subprocess.Popen(
        [*command, "--port", "0", "--bind", "0.0.0.0", *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        line = ""
        while "Serving" not in line:
            line = process.stdout.readline()
            assert line, process.stderr.read()
        printed = line + process.stdout.readline()
        urls = [word.rstrip(",") for word in printed.split() if "://" in word]
        answers = {}
        unverified = ssl.create_default_context()
        unverified.check_hostname, unverified.verify_mode = False, ssl.CERT_NONE
        for url in urls:
            with urllib.request.urlopen(url, context=unverified, timeout=10) as response:
                answers[url] = response.status
        process.terminate()
        out, err = process.communicate(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
    assert answers == dict.fromkeys(urls, 200), "every URL printed is one it answers"
    return urls, printed + out + err


def test_the_urls_printed_are_those_it_answers_https_only_with_https(make_project):
    project = make_project(SITE)
    urls, text = printed_urls(project, "--https")
    assert urls[0].startswith("https://localhost:") and len(urls) > 1
    assert all(url.startswith("https://") for url in urls)
    urls, text = printed_urls(project)
    assert all(url.startswith("http://") for url in urls) and len(urls) > 1
    assert "https://" not in text
