/* sitegen change requests, in an unlocked demo: "Suggest a change" in the banner, then the
   client points at an element (hover highlight; a tap on a phone), writes a note and sends it.
   The note (format 1, see sitegen/feedback/notes.py) is sealed with the demo's key: "SGN1" +
   12-byte nonce + AES-GCM ciphertext, bound to SITE + "\nnote\n" + ID, and posted to the bucket
   with the upload policy the publish put in `_sitegen/feedback.bin` (a demo file, encrypted
   like the others). Without a valid policy (none, not decrypting, expired, offline) "Send"
   opens an email to the studio with the note written out. Notes this browser sent are kept in
   localStorage so their pins show on later visits, beside the studio's list (`notes.bin`).
   Note text is only ever put into the page with textContent. */
(function () {
  "use strict";
  var setup = JSON.parse(document.getElementById("sitegen-feedback-setup").textContent);
  var text = setup.text;
  var POLICY = "_sitegen/feedback.bin";
  var NOTES = "_sitegen/notes.bin";
  var site, rawKey, ui = {};

  function bytesOf(base64) {
    return Uint8Array.from(atob(base64), function (c) { return c.charCodeAt(0); });
  }
  function hex(bytes) {
    return Array.prototype.map.call(bytes, function (b) { return (b < 16 ? "0" : "") + b.toString(16); }).join("");
  }
  function make(tag, className, words) {
    var made = document.createElement(tag);
    if (className) made.className = className;
    if (words !== undefined) made.textContent = words;
    return made;
  }
  function storedKey(salt) {
    var name = "sitegen-key:" + site + ":" + salt;
    try {
      return sessionStorage.getItem(name) || localStorage.getItem(name);
    } catch (e) {
      return null;
    }
  }

  // --- demo files: fetched and decrypted as unlock.js does ---------------------------------
  function openFile(path) {
    var url = setup.base + path;
    return Promise.all([
      crypto.subtle.importKey("raw", rawKey, "AES-GCM", false, ["decrypt"]),
      fetch(url, { credentials: "same-origin", cache: "no-store" })
    ]).then(function (both) {
      if (!both[1].ok) throw new Error(url + ": " + both[1].status);
      return both[1].arrayBuffer().then(function (buffer) {
        var data = new Uint8Array(buffer);
        if (String.fromCharCode(data[0], data[1], data[2], data[3]) !== "SGE2") throw new Error(url + ": not a sitegen file");
        var associated = new TextEncoder().encode(site + "\n" + url);
        return crypto.subtle.decrypt({ name: "AES-GCM", iv: data.slice(4, 16), additionalData: associated }, both[0], data.slice(16));
      });
    }).then(function (plain) {
      var body = new Blob([new Uint8Array(plain, 1)]);
      if (new Uint8Array(plain, 0, 1)[0] === 1) body = body.stream().pipeThrough(new DecompressionStream("deflate-raw"));
      return new Response(body).json();
    });
  }
  function policy() {
    // The upload policy, or null: then "Send" writes an email instead.
    return openFile(POLICY).then(function (found) {
      var usable = found && found.format === 1 && typeof found.url === "string" && found.fields &&
        typeof found.prefix === "string" && Date.parse(found.expires) > Date.now();
      return usable ? found : null;
    }).catch(function () { return null; });
  }

  function showUntil() {
    // On the status page: until when notes can be sent from the demo, or that they go by email.
    var line = document.querySelector("[data-sitegen-feedback-until]");
    if (!line) return;
    policy().then(function (found) {
      if (found) {
        var date = new Date(found.expires).toLocaleDateString(document.documentElement.lang || undefined,
          { year: "numeric", month: "long", day: "numeric", timeZone: "UTC" });
        line.textContent = line.dataset.open.replace("{date}", date);
        line.dataset.until = found.expires;
      } else {
        line.textContent = line.dataset.email;
      }
      line.hidden = false;
    });
  }

  // --- this browser's notes, and the pins ----------------------------------------------------
  function keptName() { return "sitegen-notes:" + site; }
  function kept() {
    try {
      var list = JSON.parse(localStorage.getItem(keptName()) || "[]");
      return Array.isArray(list) ? list : [];
    } catch (e) {
      return [];
    }
  }
  function keep(note) {
    try {
      localStorage.setItem(keptName(), JSON.stringify(kept().concat([note])));
    } catch (e) { /* storage full or off: the studio still has the note */ }
  }
  function showPins() {
    if (!window.sitegenPins || window.sitegenPins.studio) return Promise.resolve();
    return openFile(NOTES).catch(function () { return []; }).then(function (studio) {
      var byId = {};
      kept().forEach(function (note) { byId[note.id] = note; });
      (Array.isArray(studio) ? studio : []).forEach(function (note) { byId[note.id] = note; });
      var all = Object.keys(byId).map(function (id) { return byId[id]; });
      window.sitegenPins.show(all, { states: text.states, missing: text.missing });
    });
  }

  // --- pointing at an element ----------------------------------------------------------------
  function ours(node) {
    return !!(node.closest && node.closest(".sitegen-feedback-ui, .sitegen-demo-banner, .sitegen-pins, .sitegen-pins-missing"));
  }
  function selectorOf(node) {
    // Stable across rebuilds: an id where there is one, else tag and place among its kind,
    // from <main> (or <body>).
    var parts = [];
    while (node && node.nodeType === 1) {
      if (node.tagName === "MAIN" && document.getElementsByTagName("main").length === 1) {
        parts.unshift("main");
        break;
      }
      if (node.id && document.querySelectorAll("#" + CSS.escape(node.id)).length === 1) {
        parts.unshift("#" + CSS.escape(node.id));
        break;
      }
      if (node === document.body) {
        parts.unshift("body");
        break;
      }
      var tag = node.tagName.toLowerCase();
      var index = 1;
      for (var sibling = node.previousElementSibling; sibling; sibling = sibling.previousElementSibling) {
        if (sibling.tagName === node.tagName) index++;
      }
      parts.unshift(tag + ":nth-of-type(" + index + ")");
      node = node.parentElement;
    }
    return parts.join(" > ");
  }
  function describe(node) {
    var box = node.getBoundingClientRect();
    var round = function (n) { return Math.round(n * 10) / 10; };
    return {
      selector: selectorOf(node),
      text: (node.innerText || node.textContent || "").replace(/\s+/g, " ").trim().slice(0, 200),
      x: round(box.left + scrollX), y: round(box.top + scrollY),
      width: round(box.width), height: round(box.height)
    };
  }
  function highlight(node) {
    if (!node) {
      ui.outline.hidden = true;
      return;
    }
    var box = node.getBoundingClientRect();
    ui.outline.hidden = false;
    ui.outline.style.left = box.left + scrollX - 3 + "px";
    ui.outline.style.top = box.top + scrollY - 3 + "px";
    ui.outline.style.width = box.width + 6 + "px";
    ui.outline.style.height = box.height + 6 + "px";
  }
  function pointable(target) {
    return target && target.nodeType === 1 && target !== document.body &&
      target !== document.documentElement && !ours(target);
  }
  function onHover(event) {
    highlight(pointable(event.target) ? event.target : null);
  }
  function onChoose(event) {
    if (!pointable(event.target)) return;  // the bar's own Cancel button, the banner
    event.preventDefault();
    event.stopPropagation();
    var chosen = event.target;
    leavePointing();
    highlight(chosen);
    openForm(chosen);
  }
  function onKey(event) {
    if (event.key === "Escape") closeAll();
  }
  function point() {
    closeAll();
    document.documentElement.classList.add("sitegen-pointing");
    ui.bar.hidden = false;
    document.documentElement.style.setProperty("--sitegen-bar-room", ui.bar.offsetHeight + 24 + "px");
    document.addEventListener("mouseover", onHover, true);
    document.addEventListener("click", onChoose, true);
    ui.cancelPointing.focus();
  }
  function leavePointing() {
    document.documentElement.classList.remove("sitegen-pointing");
    ui.bar.hidden = true;
    document.removeEventListener("mouseover", onHover, true);
    document.removeEventListener("click", onChoose, true);
  }
  function closeAll() {
    leavePointing();
    ui.form.hidden = true;
    highlight(null);
  }

  // --- the note: form, sealing, sending --------------------------------------------------------
  function openForm(node) {
    ui.element = describe(node);
    ui.retrying = null;
    ui.about.textContent = ui.element.text ? "«" + ui.element.text.slice(0, 80) + "»" : "";
    ui.problem.textContent = "";
    ui.problem.hidden = true;
    ui.form.hidden = false;
    ui.send.disabled = false;
    ui.note.focus();
  }
  function noteOf(written) {
    // Sent again after a failure, a note keeps its id: the store may have kept the first try
    // (an answer lost, or one the browser may not read), and the same key is then replaced.
    var id = ui.retrying || hex(crypto.getRandomValues(new Uint8Array(16)));
    return {
      format: 1,
      id: id,
      page: location.pathname,
      element: ui.element,
      text: written,
      urgent: ui.urgent.checked,
      sent: new Date().toISOString(),
      viewport: { width: innerWidth, height: innerHeight },
      build: window.sitegenPageVersion || ""
    };
  }
  function seal(note) {
    var nonce = crypto.getRandomValues(new Uint8Array(12));
    var associated = new TextEncoder().encode(site + "\nnote\n" + note.id);
    var plain = new TextEncoder().encode(JSON.stringify(note));
    return crypto.subtle.importKey("raw", rawKey, "AES-GCM", false, ["encrypt"]).then(function (key) {
      return crypto.subtle.encrypt({ name: "AES-GCM", iv: nonce, additionalData: associated }, key, plain);
    }).then(function (ciphertext) {
      return new Blob([new TextEncoder().encode("SGN1"), nonce, ciphertext], { type: "application/octet-stream" });
    });
  }
  function upload(found, note, sealed) {
    if (sealed.size > (found.max_bytes || 65536)) throw new Error("too large");
    var form = new FormData();
    Object.keys(found.fields).forEach(function (name) {
      form.append(name, name === "key" ? found.prefix + note.id : found.fields[name]);
    });
    if (!("key" in found.fields)) form.append("key", found.prefix + note.id);
    form.append("file", sealed, note.id);
    return fetch(found.url, { method: "POST", body: form }).then(function (response) {
      if ([200, 201, 204].indexOf(response.status) < 0) throw new Error("HTTP " + response.status);
    });
  }
  function mailto(note) {
    var lines = [
      text.mail_page + " " + location.href,
      text.mail_element + " " + (note.element.text || note.element.selector),
      text.mail_urgent + " " + (note.urgent ? text.yes : text.no),
      "",
      note.text
    ];
    var subject = text.mail_subject;
    return "mailto:" + setup.email + "?subject=" + encodeURIComponent(subject) +
      "&body=" + encodeURIComponent(lines.join("\n"));
  }
  function openMail(href) {
    // A link clicked, rather than location set: the page stays, offline too.
    var link = make("a", "sitegen-feedback-mail");
    link.href = href;
    link.hidden = true;
    ui.root.appendChild(link);
    link.click();
    link.remove();
  }
  function toast(words) {
    ui.toast.textContent = words;
    ui.toast.hidden = false;
    clearTimeout(ui.toastTimer);
    ui.toastTimer = setTimeout(function () { ui.toast.hidden = true; }, 6000);
  }
  function failed(note) {
    ui.retrying = note.id;
    ui.send.disabled = false;
    ui.problem.replaceChildren(make("span", "", text.failed + " "));
    var link = make("a", "", text.failed_email);
    link.href = mailto(note);
    ui.problem.appendChild(link);
    ui.problem.hidden = false;
  }
  function send(event) {
    event.preventDefault();
    var written = ui.note.value.trim();
    if (!written) {
      ui.problem.textContent = text.empty;
      ui.problem.hidden = false;
      ui.note.focus();
      return;
    }
    ui.send.disabled = true;
    ui.problem.hidden = true;
    var note = noteOf(written.slice(0, 4000));
    policy().then(function (found) {
      if (!found) {
        closeAll();
        ui.note.value = "";
        toast(text.by_email);
        openMail(mailto(note));
        return;
      }
      return seal(note).then(function (sealed) {
        return upload(found, note, sealed);
      }).then(function () {
        keep({ id: note.id, page: note.page, element: note.element, text: note.text,
               state: "sent", sent: note.sent, urgent: note.urgent });
        closeAll();
        ui.note.value = "";
        ui.urgent.checked = false;
        toast(text.sent);
        return showPins();
      }, function (error) {
        console.error("sitegen:", error);
        failed(note);
      });
    });
  }

  function build(button) {
    var root = ui.root = make("div", "sitegen-feedback-ui");
    ui.outline = make("div", "sitegen-feedback-outline");
    ui.outline.hidden = true;
    ui.bar = make("div", "sitegen-feedback-bar");
    ui.bar.setAttribute("role", "status");
    ui.bar.hidden = true;
    ui.bar.appendChild(make("p", "", text.pointing));
    ui.cancelPointing = make("button", "", text.cancel);
    ui.cancelPointing.type = "button";
    ui.cancelPointing.addEventListener("click", closeAll);
    ui.bar.appendChild(ui.cancelPointing);

    ui.form = make("form", "sitegen-feedback-form");
    ui.form.hidden = true;
    ui.form.setAttribute("aria-labelledby", "sitegen-feedback-title");
    var title = make("h2", "", text.form_title);
    title.id = "sitegen-feedback-title";
    ui.about = make("p", "sitegen-feedback-about");
    var label = make("label", "", text.note);
    label.htmlFor = "sitegen-feedback-note";
    ui.note = make("textarea");
    ui.note.id = "sitegen-feedback-note";
    ui.note.rows = 4;
    ui.note.maxLength = 4000;
    ui.note.dir = "auto";
    var urgent = make("label", "sitegen-feedback-urgent");
    ui.urgent = make("input");
    ui.urgent.type = "checkbox";
    urgent.appendChild(ui.urgent);
    urgent.appendChild(document.createTextNode(" " + text.urgent));
    ui.problem = make("p", "sitegen-feedback-problem");
    ui.problem.setAttribute("role", "alert");
    ui.problem.hidden = true;
    var actions = make("p", "sitegen-feedback-actions");
    ui.send = make("button", "sitegen-feedback-send", text.send);
    ui.send.type = "submit";
    var cancel = make("button", "", text.cancel);
    cancel.type = "button";
    cancel.addEventListener("click", closeAll);
    actions.append(ui.send, cancel);
    ui.form.append(title, ui.about, label, ui.note, urgent, ui.problem, actions);
    ui.form.addEventListener("submit", send);

    ui.toast = make("p", "sitegen-feedback-toast");
    ui.toast.setAttribute("role", "status");
    ui.toast.hidden = true;
    root.append(ui.bar, ui.form, ui.toast);
    document.body.append(ui.outline, root);
    document.addEventListener("keydown", onKey);
    button.addEventListener("click", point);
    button.hidden = false;
  }

  function start() {
    var unlock = document.querySelector("script[data-site][data-salt]");
    var button = document.querySelector("[data-sitegen-suggest]");
    if (!unlock || !button || !window.crypto || !crypto.subtle) return;
    site = unlock.dataset.site;
    var stored = storedKey(unlock.dataset.salt);
    if (!stored) return;
    rawKey = bytesOf(stored);
    build(button);
    showPins().catch(function (error) { console.error("sitegen:", error); });
    showUntil();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
