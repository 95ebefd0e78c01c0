"""`sitegen serve`: one client's site built in memory, served over HTTP, rebuilt when a file
changes, and the pages open in a browser reloaded.

What is served is never written to build/: the live-reload script (and the release preview's
banner) exist only here. Requests are answered from the outputs of the last good build, by
exact path, so nothing outside the build can be reached however a URL is encoded; and only
to requests naming this server (see `servenames`). With `--https` it speaks TLS with a
self-signed certificate (see `devcert`), so other devices get the secure context the gate
needs."""

from __future__ import annotations

import errno
import ipaddress
import signal
import socket
import ssl
import sys
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlsplit

import click

from sitegen import mediatypes
from sitegen.cache import folders
from sitegen.config.load import load_studio
from sitegen.model import Mode, Output
from sitegen.serve import livereload, servenames
from sitegen.serve.livereload import Event, Hub
from sitegen.serve.rebuild import Preview, Snapshot

DEFAULT_PORT = 8000
NEXT_FREE_PORTS = 20  # a busy port: the next free one of these is taken instead, and said
DEFAULT_BIND = "127.0.0.1"
HANDSHAKE_SECONDS = 10


@dataclass(frozen=True)
class Answer:
    """What a request path leads to; `output` None with 404 means the site has no 404 page."""

    status: int
    output: Output | None = None
    location: str | None = None


def route(snapshot: Snapshot, raw_path: str) -> Answer:
    """The output for a URL path: exact paths only, `index.html` for folders, the site's
    404 page for anything else; `..` in any encoding never leaves the build."""
    path = unquote(raw_path)
    parts = path.split("/")
    if not path.startswith("/") or "\\" in path or "\x00" in path or ".." in parts or "." in parts:
        return Answer(400)
    base = snapshot.base_path
    if not path.startswith(base):
        if path + "/" == base or path == "/":
            return Answer(301, location=quote(base))
        return _not_found(snapshot)
    rel = path[len(base) :]
    wanted = rel + "index.html" if rel == "" or rel.endswith("/") else rel
    if wanted in snapshot.files:
        return Answer(200, snapshot.files[wanted])
    if f"{rel}/index.html" in snapshot.files:
        return Answer(301, location=quote(path + "/"))
    return _not_found(snapshot)


def _not_found(snapshot: Snapshot) -> Answer:
    return Answer(404, snapshot.files.get("404.html"))


def bind_warning(host: str, mode: Mode, https: bool = False) -> str | None:
    """Why serving beyond this machine needs care; None for loopback."""
    if _is_loopback(host):
        return None
    if mode is Mode.RELEASE:
        return (
            f"warning: serving on {host}: the release preview has no password, anyone on "
            "your network can open it"
        )
    if https:
        return (
            f"note: serving on {host} with a self-signed certificate: accept the browser's "
            "warning once on each device"
        )
    return (
        f"warning: serving on {host}: other devices reach it over plain http, where browsers "
        "refuse the WebCrypto the demo gate needs; use the localhost URL on this machine, "
        "or serve with --https"
    )


def _is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        found = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except OSError:
        return False
    return all(ipaddress.ip_address(info[4][0].split("%")[0]).is_loopback for info in found)


class Server:
    """The preview server: a builder, a watcher and an HTTP server on one port."""

    def __init__(
        self,
        root: Path,
        client: str,
        mode: Mode = Mode.DEMO,
        port: int = DEFAULT_PORT,
        bind: str = DEFAULT_BIND,
        drafts: bool = False,
        echo: Callable[..., None] | None = None,
        quiet: float | None = None,
        https: bool = False,
    ):
        from sitegen.serve import watch

        self.hub = Hub()
        self.preview = Preview(root, client, mode, self.hub, drafts, echo)
        self._watcher = watch.Watcher(
            self.preview.rebuild,
            self.preview.wanted,
            quiet=quiet or watch.QUIET_SECONDS,
            settled=quiet or watch.SETTLED_SECONDS,
        )
        self._bind, self._port, self._https = bind, port, https
        self._http: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The URL to open on this machine (over loopback: a secure context even in http)."""
        return self.urls[0]

    @property
    def urls(self) -> list[str]:
        """Every URL the server answers at, this machine's first."""
        assert self._http is not None
        port = self._http.server_address[1]
        scheme = "https" if self._https else "http"
        path = quote(self.preview.snapshot.base_path)
        return servenames.urls(scheme, self._bind, port, path)

    def start(self, in_thread: bool = True, next_free: int = 0) -> str:
        """Bind the port (first, so a taken port fails at once, unless one of the `next_free`
        ports after it is free), build, start watching; serve in a thread, or with `in_thread`
        False leave `serve_forever` to the caller. Returns the site's URL."""
        try:
            family = socket.getaddrinfo(self._bind, self._port, type=socket.SOCK_STREAM)[0][0]
            server_class = type("Server", (_HTTPServer,), {"address_family": family})
            self._http = self._listen(server_class, next_free)
            names = servenames.own_names(self._bind)
            self._http.names = servenames.Names(self._http.server_address[1], frozenset(names))
            if self._https:
                from sitegen.serve import devcert  # cryptography's x509 only when asked for

                folder = folders.of(load_studio(self.preview.root)).tls
                certified = servenames.certificate_names(self._bind)
                self._http.tls = devcert.server_context(folder, certified)
        except OSError as exc:
            raise click.ClickException(
                f"cannot listen on {self._bind}:{self._port}: {exc.strerror or exc}"
                + ("; pick another with --port" if self._port else "")
            ) from None
        self.preview.rebuild()
        self._watcher.watch(self.preview.watched_folders())
        self._watcher.start()
        if in_thread:
            self._thread = threading.Thread(target=self.serve_forever, daemon=True)
            self._thread.start()
        return self.url

    def _listen(self, server_class: type[_HTTPServer], next_free: int) -> _HTTPServer:
        last = self._port + next_free if self._port else 0
        for port in range(self._port, last + 1):
            try:
                return server_class((self._bind, port), _Handler, self.preview, self.hub)
            except OSError as exc:
                if exc.errno != errno.EADDRINUSE or port == last:
                    raise
        raise AssertionError("unreachable")

    @property
    def port(self) -> int:
        assert self._http is not None
        return self._http.server_address[1]

    def serve_forever(self) -> None:
        assert self._http is not None
        self._http.serve_forever(poll_interval=0.05)  # how soon `stop` returns

    def stop(self) -> None:
        """Stop watching, end the event streams and the server: no thread is left behind."""
        self._watcher.stop()
        self.hub.close()
        if self._http is not None:
            if self._thread is not None:
                self._http.shutdown()
                self._thread.join(timeout=5)
            self._http.server_close()


def run(
    root: Path,
    client: str,
    mode: Mode,
    port: int,
    bind: str,
    drafts: bool,
    open_browser: bool,
    https: bool = False,
    notes: Sequence[str] = (),
) -> None:
    """`sitegen serve` in the foreground, until Ctrl-C; `notes` are printed under its URL."""
    server = Server(root, client, mode, port, bind, drafts, https=https)
    signal.signal(signal.SIGTERM, _interrupt)  # `kill` stops it as cleanly as Ctrl-C
    try:
        url = server.start(in_thread=False, next_free=NEXT_FREE_PORTS)
        warning = bind_warning(bind, mode, https)
        if warning:
            click.secho(warning, fg="yellow", err=True)
        if port and server.port != port:
            click.echo(f"Port {port} is busy: using port {server.port} instead.")
        click.echo(f"Serving the {mode.value} of {client} at {url}  (Ctrl-C to stop)")
        if len(server.urls) > 1:
            click.echo("Other devices on your network: " + ", ".join(server.urls[1:]))
        for note in notes:
            click.echo(note)
        if open_browser:
            import webbrowser

            webbrowser.open(url)
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    click.echo("Stopped.")


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    names: servenames.Names
    tls: ssl.SSLContext | None = None

    def __init__(self, address, handler, preview: Preview, hub: Hub):
        self.preview, self.hub = preview, hub
        super().__init__(address, handler)

    def get_request(self):
        """With TLS, the handshake is left to the request's own thread: a slow or refusing
        browser never holds up the others."""
        connection, address = super().get_request()
        if self.tls is not None:
            connection = self.tls.wrap_socket(
                connection, server_side=True, do_handshake_on_connect=False
            )
        return connection, address

    def handle_error(self, request, client_address) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError | ssl.SSLError | TimeoutError):
            return  # a browser that hung up, or refused the certificate: nothing to report
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    server: _HTTPServer
    protocol_version = "HTTP/1.1"
    server_version = "sitegen"
    # Headers and body go out in two writes: with Nagle's algorithm on, a kept-alive
    # connection waits for the browser's delayed ACK, some 40 ms per stylesheet.
    disable_nagle_algorithm = True

    def setup(self) -> None:
        if isinstance(self.request, ssl.SSLSocket):
            self.request.settimeout(HANDSHAKE_SECONDS)
            self.request.do_handshake()
            self.request.settimeout(None)
        super().setup()

    def do_GET(self) -> None:  # noqa: N802 (the stdlib's name)
        self._answer(head=False)

    def do_HEAD(self) -> None:  # noqa: N802
        self._answer(head=True)

    def log_message(self, format, *args) -> None:  # noqa: A002 (the stdlib's name)
        pass

    def _answer(self, head: bool) -> None:
        if not self.server.names.allows(self.headers.get("Host"), self.connection.getsockname()[0]):
            text = b"Misdirected request: this preview answers to its own addresses only.\n"
            self._send(421, text, "text/plain; charset=utf-8", head)
            self.close_connection = True
            return
        target = urlsplit(self.path)
        if target.path == livereload.EVENTS_PATH and not head:
            self._events(parse_qs(target.query))
            return
        snapshot = self.server.preview.snapshot
        if not snapshot.files and snapshot.failure:
            self._send(500, snapshot.error_page, "text/html; charset=utf-8", head)
            return
        answer = route(snapshot, target.path)
        if answer.location:
            location = answer.location + (f"?{target.query}" if target.query else "")
            self._send(answer.status, b"", "text/plain", head, {"Location": location})
        elif answer.output is None:
            text = b"Bad request\n" if answer.status == 400 else b"Not found\n"
            self._send(answer.status, text, "text/plain; charset=utf-8", head)
        else:
            try:
                body = _read(answer.output)
            except OSError:
                self._send(404, b"Not found\n", "text/plain; charset=utf-8", head)
                return
            kind = mediatypes.media_type(answer.output.path)
            extra = {}
            if kind.startswith("text/html"):
                port = self.server.server_address[1]
                extra["Set-Cookie"] = (
                    f"sitegen-build-{port}={snapshot.build}; Path=/; SameSite=Strict"
                )
            self._send(answer.status, body, kind, head, extra)

    def _send(
        self,
        status: int,
        body: bytes,
        kind: str,
        head: bool,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.send_header("X-Content-Type-Options", "nosniff")
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            if not head:
                self.wfile.write(body)
        except ConnectionError:
            self.close_connection = True

    def _events(self, query: dict[str, list[str]]) -> None:
        snapshot = self.server.preview.snapshot
        shown = route(snapshot, query.get("path", [""])[0])
        output = shown.output.path if shown.output and snapshot.files else None
        since = query.get("since", [""])[0]
        served = int(since) if since.isdigit() else snapshot.build  # the page's build
        first = [Event("hello", {"output": output, "build": snapshot.build})]
        missed = {path for path, build in snapshot.changed_at.items() if build > served}
        if snapshot.failure:
            first.append(snapshot.failure)
        elif output is None or missed:  # rebuilt while the page was loading
            first.append(livereload.changes(snapshot.build, missed or {""}))
        try:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.send_header("Connection", "close")
            self.end_headers()
        except ConnectionError:
            return
        self.close_connection = True

        def write(data: bytes) -> None:
            self.wfile.write(data)
            self.wfile.flush()

        self.server.hub.stream(write, first, output)


def _read(output: Output) -> bytes:
    if output.data is not None:
        return output.data
    assert output.source is not None
    return output.source.read_bytes()
