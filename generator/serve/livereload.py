"""Live reload over server-sent events: the hub that tells every open preview page what a
rebuild changed, and the script a preview server injects into the pages it serves.

When a page's own output changed, the event brings its new bytes and the page writes them in
place of itself, as the demo gate does after unlocking (a demo page is decrypted with the key
the gate kept): no navigation, no gate, the scroll position kept. It reloads instead when
that cannot work (no kept key, a page script that fails when run again, changes it missed
while loading) or when a file it may use changed, like an image or a script; a change
to stylesheets alone swaps them in place; a failed build shows an overlay naming the file and
line, and the next good build takes it away. Each page has its own queue, so a slow or
vanished browser never holds up the others. No I/O here but writing to the event streams."""

from __future__ import annotations

import contextlib
import json
import queue
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

EVENTS_PATH = "/_sitegen/events"
PING_SECONDS = 15.0
PAGE_SUFFIXES = (".html", ".htm")


@dataclass(frozen=True)
class Event:
    name: str  # hello, built or failed
    data: dict[str, Any] = field(default_factory=dict)
    pages: Mapping[str, bytes] = field(default_factory=dict)  # new bytes of changed pages

    def encode(self, shown: str | None = None) -> bytes:
        """The event for a stream from the page whose output is `shown`: with that page's
        new bytes, if they changed, so it need not ask for them."""
        data = self.data
        with contextlib.suppress(UnicodeDecodeError):  # not a page sitegen made: it reloads
            if shown in self.pages:
                data = {**data, "html": self.pages[shown].decode("utf-8")}
        return f"event: {self.name}\ndata: {json.dumps(data)}\n\n".encode()


def changes(build: int, paths: set[str], pages: Mapping[str, bytes | None] | None = None) -> Event:
    """What a page needs to know of the outputs a build changed, added or removed; `pages`
    holds the new bytes of outputs, where the build made them."""
    names = sorted(p for p in paths if p.endswith(PAGE_SUFFIXES))
    styles = sorted(p for p in paths if p.endswith(".css"))
    other = any(not p.endswith((*PAGE_SUFFIXES, ".css")) for p in paths)
    data = {"build": build, "pages": names, "css": styles, "other": other}
    made = {name: new for name in names if (new := (pages or {}).get(name)) is not None}
    return Event("built", data, made)


class Hub:
    """The open event streams, one queue each; publishing never blocks on a browser."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._queues: set[queue.SimpleQueue[Event | None]] = set()
        self._closed = False

    def publish(self, event: Event) -> None:
        with self._lock:
            for waiting in self._queues:
                waiting.put(event)

    def close(self) -> None:
        """End every stream, so their threads finish and the server can stop."""
        with self._lock:
            self._closed = True
            for waiting in self._queues:
                waiting.put(None)

    def stream(
        self, write: Callable[[bytes], None], first: list[Event], shown: str | None = None
    ) -> None:
        """Send `first`, then every published event, with a comment as a ping when nothing
        happened for a while, until the browser goes away or the hub closes. `shown` is the
        output the page shows."""
        waiting: queue.SimpleQueue[Event | None] = queue.SimpleQueue()
        with self._lock:
            if self._closed:
                return
            self._queues.add(waiting)
        try:
            for event in first:
                write(event.encode(shown))
            while True:
                try:
                    event = waiting.get(timeout=PING_SECONDS)
                except queue.Empty:
                    write(b": ping\n\n")
                    continue
                if event is None:
                    return
                write(event.encode(shown))
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
            return  # the page reloaded or closed: Chromium just drops the connection
        finally:
            with self._lock:
                self._queues.discard(waiting)


def injection(base_path: str, release_banner: str | None = None) -> str:
    """The HTML a preview server puts before </body> of every page it serves."""
    settings = json.dumps({"events": EVENTS_PATH, "base": base_path})
    script = _CLIENT.replace("SETTINGS", settings.replace("<", "\\u003c"))
    banner = _BANNER.replace("TEXT", release_banner) if release_banner else ""
    return f"{banner}<script>{script}</script>\n"


_BANNER = (
    '<div id="sitegen-release-preview" role="note" style="position:fixed;z-index:2147483646;'
    "inset:auto 0 0 0;padding:.4em 1em;background:#1d4ed8;color:#fff;font:600 14px/1.4 "
    'system-ui,sans-serif;text-align:center">TEXT</div>\n'
)

# The client side. It runs inside an unlocked demo page too: the gate keeps the key in
# sessionStorage and the salt stays while the password does, so a reload opens at once.
_CLIENT = """
(function () {
  "use strict";
  if (window.sitegenLive || !window.EventSource) return;
  var settings = SETTINGS;
  var live = window.sitegenLive = { state: "connecting", output: null, build: null };
  var root = document.documentElement;
  var port = location.port || (location.protocol === "https:" ? "443" : "80");
  var cookie = document.cookie.match(new RegExp("(?:^|; )sitegen-build-" + port + "=(\\\\d+)"));
  var query = "?path=" + encodeURIComponent(location.pathname);
  if (cookie) query += "&since=" + cookie[1];
  var source = new EventSource(settings.events + query);
  var scrollKey = "sitegen-scroll:" + location.pathname;
  var refreshing = false;

  function relative(url) {
    var path = decodeURIComponent(new URL(url, location.href).pathname);
    return path.indexOf(settings.base) === 0 ? path.slice(settings.base.length) : null;
  }
  function reload() {
    try { sessionStorage.setItem(scrollKey, String(window.scrollY)); } catch (e) { /* none */ }
    location.reload();
  }
  function bytes(base64) {
    return Uint8Array.from(atob(base64), function (c) { return c.charCodeAt(0); });
  }
  function unlocked(html) {
    // A demo page as its gate would show it: decrypted with the key the gate kept (never the
    // password), under the name the gate uses. A page without a gate is shown as it is.
    var gate = new DOMParser().parseFromString(html, "text/html");
    var holder = gate.getElementById("sitegen-payload");
    if (!holder) return html;
    var payload = JSON.parse(holder.textContent);
    var name = "sitegen-key:" + payload.site + ":" + payload.salt;
    var kept = sessionStorage.getItem(name) || localStorage.getItem(name);
    if (!kept) throw new Error("no kept key");
    // The gate's own reader, which stays with the window when a page is written in place.
    if (!window.sitegenOpen) throw new Error("no gate script");
    return window.sitegenOpen(payload, bytes(kept));
  }
  function show(html) {
    // As the gate shows a page: document.write runs its scripts and fires its load events.
    // Listeners of the old page go with document.open(); a script error means the page's
    // scripts cannot run twice in one window, so a reload shows the page instead.
    var scrolled = window.scrollY;
    var failed = false;
    source.close();
    window.sitegenLive = null;  // the new page's copy of this script connects again
    document.open();
    window.addEventListener("error", function (event) {
      if (event instanceof ErrorEvent) failed = true;
    }, true);
    window.addEventListener("load", function () {  // its styles are in: heights are right
      if (failed) reload(); else window.scrollTo(0, scrolled);
    });
    document.write(html);
    document.close();
  }
  function refresh(built) {
    if (refreshing) return;  // the page written in place hears of later builds itself
    refreshing = true;
    // As the server does for a page it sends: the build the page comes from.
    document.cookie = "sitegen-build-" + port + "=" + built.build + "; Path=/; SameSite=Strict";
    Promise.resolve(built.html)
      .then(unlocked)
      .then(show)
      .catch(function (error) {
        console.info("sitegen: reloading:", error);
        reload();
      });
  }
  function swapStyles(paths) {
    var links = document.querySelectorAll('link[rel="stylesheet"]');
    Array.prototype.forEach.call(links, function (link) {
      if (paths.indexOf(relative(link.href)) < 0) return;
      var fresh = link.cloneNode();
      fresh.href = link.href.split("?")[0] + "?sitegen=" + Date.now();
      fresh.addEventListener("load", function () { link.remove(); });
      fresh.addEventListener("error", function () { link.remove(); });
      link.after(fresh);
    });
  }
  function hideOverlay() {
    var overlay = document.getElementById("sitegen-error-overlay");
    if (overlay) overlay.remove();
  }
  function showOverlay(failure) {
    hideOverlay();
    var overlay = document.createElement("div");
    overlay.id = "sitegen-error-overlay";
    overlay.setAttribute("role", "alert");
    overlay.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;" +
      "background:rgba(24,24,27,.94);color:#fafafa;padding:2em;font:15px/1.5 system-ui,sans-serif";
    var heading = document.createElement("h2");
    heading.textContent = failure.title;
    heading.style.cssText = "margin:0 0 1em;color:#fca5a5;font-size:1.3em";
    overlay.appendChild(heading);
    failure.problems.forEach(function (problem) {
      var where = document.createElement("p");
      where.className = "sitegen-error-where";
      where.textContent = problem.where;
      where.style.cssText = "margin:1.2em 0 .2em;font-weight:700;color:#fde68a";
      var detail = document.createElement("pre");
      detail.textContent = problem.detail;
      detail.style.cssText = "margin:0;white-space:pre-wrap;font:14px/1.5 ui-monospace,monospace";
      overlay.appendChild(where);
      overlay.appendChild(detail);
    });
    (document.body || root).appendChild(overlay);
  }

  source.addEventListener("hello", function (event) {
    var hello = JSON.parse(event.data);
    live.output = hello.output;
    live.build = hello.build;
    live.state = "connected";
    root.setAttribute("data-sitegen-live", "connected");
  });
  source.addEventListener("built", function (event) {
    var built = JSON.parse(event.data);
    live.build = built.build;
    hideOverlay();
    if (live.output === null || built.other) {
      reload();
    } else if (built.pages.indexOf(live.output) >= 0) {
      if (built.html === undefined) reload(); else refresh(built);
    } else if (built.css.length) {
      swapStyles(built.css);
    }
  });
  source.addEventListener("failed", function (event) {
    showOverlay(JSON.parse(event.data));
  });

  try {
    var scrolled = sessionStorage.getItem(scrollKey);
    if (scrolled !== null) {
      sessionStorage.removeItem(scrollKey);
      window.scrollTo(0, Number(scrolled));
    }
  } catch (e) { /* storage disabled */ }
})();
"""
