/* sitegen change requests: numbered pins on the elements the client's notes point at, each
   with its state, and a small box at the top of the page listing the notes whose element is
   not found. The demo calls sitegenPins.show with the studio's list and this browser's own
   notes; `sitegen serve` puts the studio's open notes in #sitegen-studio-notes instead.
   Notes are plain text: everything here is built with textContent, never as HTML. */
(function () {
  "use strict";
  // Loaded by the banner and by the preview server both, and run again when the preview's
  // live reload writes a page anew: defined once, started on every page.
  if (window.sitegenPins) return whenReady(studioList);
  var layer = null;
  var shown = { notes: [], text: {} };
  var CSS =
    ".sitegen-pins{position:absolute;left:0;top:0;width:0;height:0;z-index:2147483000}" +  // pins are placed in page coordinates
    ".sitegen-pin{position:absolute;display:flex;align-items:center;gap:.3rem;max-inline-size:11rem;padding:.1rem .5rem .1rem .1rem;" +
    "border:2px solid #fff;border-radius:999px;background:#7c2d12;color:#fff;box-shadow:0 1px 4px rgb(0 0 0/.4);" +
    "font:600 .8rem/1.3 system-ui,-apple-system,'Segoe UI','Noto Sans','Noto Sans Arabic',Tahoma,sans-serif;cursor:pointer;white-space:nowrap}" +
    "[dir=rtl] .sitegen-pin{padding:.1rem .1rem .1rem .5rem}" +
    ".sitegen-pin-number{display:inline-grid;place-items:center;min-inline-size:1.4rem;block-size:1.4rem;border-radius:999px;background:#fff;color:#7c2d12}" +
    ".sitegen-pin.state-seen{background:#1e4e8c}.sitegen-pin.state-seen .sitegen-pin-number{color:#1e4e8c}" +
    ".sitegen-pin.state-done{background:#1d5c4d}.sitegen-pin.state-done .sitegen-pin-number{color:#1d5c4d}" +
    ".sitegen-pin-note{position:absolute;inset-block-start:calc(100% + .3rem);inset-inline-start:0;inline-size:min(18rem,80vw);padding:.5rem .75rem;" +
    "border-radius:.4rem;background:#fff;color:#1f2328;box-shadow:0 2px 8px rgb(0 0 0/.3);font-weight:400;white-space:pre-wrap;overflow-wrap:anywhere;text-align:start}" +
    ".sitegen-pin-words{display:block;text-align:start}" +
    ".sitegen-pins-missing{margin:.5rem auto;max-inline-size:60rem;padding:.5rem 1rem;border:2px solid #7c2d12;border-radius:.5rem;background:#fff7ed;color:#1f2328;" +
    "font:.9rem/1.4 system-ui,-apple-system,'Segoe UI','Noto Sans','Noto Sans Arabic',Tahoma,sans-serif}" +
    ".sitegen-pins-missing p{margin:0;font-weight:600}.sitegen-pins-missing ol{margin:.25rem 0 0;padding-inline-start:1.5rem}" +
    ".sitegen-pins-missing li{overflow-wrap:anywhere}";

  function samePage(a, b) {
    function plain(path) {
      try { path = decodeURIComponent(path); } catch (e) { /* as it is */ }
      return path.replace(/index\.html?$/, "").replace(/\/$/, "");
    }
    return plain(a) === plain(b);
  }
  function find(selector) {
    try {
      return selector ? document.querySelector(selector) : null;
    } catch (e) {
      return null;  // not a selector this browser reads: listed as not found
    }
  }
  function element(tag, className, text) {
    var made = document.createElement(tag);
    if (className) made.className = className;
    if (text !== undefined) made.textContent = text;
    return made;
  }
  function stateText(state) {
    return (shown.text.states || {})[state] || state;
  }
  function style() {
    if (document.getElementById("sitegen-pins-style")) return;
    var sheet = element("style");
    sheet.id = "sitegen-pins-style";
    sheet.textContent = CSS;
    document.head.appendChild(sheet);
  }
  function clear() {
    var old = document.querySelectorAll(".sitegen-pins, .sitegen-pins-missing");
    Array.prototype.forEach.call(old, function (node) { node.remove(); });
    layer = null;
  }
  function pin(note, number) {
    var button = element("button", "sitegen-pin state-" + note.state);
    button.type = "button";
    button.dataset.note = note.id;
    button.setAttribute("aria-expanded", "false");
    button.appendChild(element("span", "sitegen-pin-number", String(number)));
    button.appendChild(element("span", "sitegen-pin-state", stateText(note.state)));
    var bubble = element("span", "sitegen-pin-note");
    var words = element("span", "sitegen-pin-words", note.text);
    words.dir = "auto";  // the client's words in their own direction, the box in the page's
    bubble.appendChild(words);
    bubble.hidden = true;
    button.appendChild(bubble);
    button.title = note.text;
    button.addEventListener("click", function (event) {
      event.preventDefault();
      event.stopPropagation();
      bubble.hidden = !bubble.hidden;
      button.setAttribute("aria-expanded", String(!bubble.hidden));
    });
    return button;
  }
  function place() {
    // Each pin just above its element's top corner on the side text starts, clear of the
    // element's own words (a heading's glyphs reach its box's top), kept inside the window.
    if (!layer) return;
    var rtl = getComputedStyle(document.documentElement).direction === "rtl";
    var width = document.documentElement.clientWidth;
    Array.prototype.forEach.call(layer.children, function (button) {
      var target = button.sitegenTarget;
      var box = target.getBoundingClientRect();
      var size = button.getBoundingClientRect();
      var x = rtl ? box.right - size.width + 8 : box.left - 8;
      x = Math.max(2, Math.min(x, width - size.width - 2));
      button.style.left = x + scrollX + "px";
      button.style.top = Math.max(0, box.top + scrollY - size.height - 4) + "px";
    });
  }
  function show(notes, text) {
    shown = { notes: notes || [], text: text || {} };
    clear();
    style();
    var here = shown.notes.filter(function (note) { return samePage(note.page, location.pathname); });
    // Numbered oldest first, so a note keeps its number as newer ones come.
    here.sort(function (a, b) {
      var left = a.sent + a.id, right = b.sent + b.id;
      return left < right ? -1 : left > right ? 1 : 0;
    });
    if (!here.length) return;
    layer = element("div", "sitegen-pins");
    var missing = [];
    here.forEach(function (note, index) {
      var target = find(note.element && note.element.selector);
      if (!target) {
        missing.push([note, index + 1]);
        return;
      }
      var button = pin(note, index + 1);
      button.sitegenTarget = target;
      layer.appendChild(button);
    });
    document.body.appendChild(layer);
    place();
    if (missing.length) {
      var box = element("div", "sitegen-pins-missing");
      box.setAttribute("role", "note");
      box.appendChild(element("p", "", shown.text.missing || "Notes whose element is no longer on this page:"));
      var list = element("ol");
      missing.forEach(function (item) {
        var entry = element("li", "");
        entry.appendChild(element("bdi", "", item[0].text));
        entry.appendChild(document.createTextNode(" (" + stateText(item[0].state) + ")"));
        entry.value = item[1];
        list.appendChild(entry);
      });
      box.appendChild(list);
      var banner = document.querySelector(".sitegen-demo-banner");
      if (banner) banner.after(box);
      else document.body.prepend(box);
      place();
    }
  }
  window.sitegenPins = { show: show, place: place, studio: false };
  addEventListener("resize", place);
  addEventListener("load", place);
  // Images above an element (decrypted after the page is shown) move it down as they arrive.
  if (window.ResizeObserver) new ResizeObserver(function () { place(); }).observe(document.documentElement);

  whenReady(studioList);

  function studioList() {
    var data = document.getElementById("sitegen-studio-notes");
    if (!data) return;
    window.sitegenPins.studio = true;  // the preview server's list: the demo's own stays off
    var parsed = JSON.parse(data.textContent);
    window.sitegenPins.show(parsed.notes, parsed.text);
  }
  function whenReady(start) {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
    else start();
  }
})();
