/* sitegen demo gate, format 2. Every locked page is a small shell holding its page encrypted
   (AES-256-GCM over the raw-deflated HTML, bound to the site and the page's path). With a key
   kept from an earlier page, the page opens at once; otherwise the gate's form is fetched (one
   file for the whole demo), the key is derived from the password with PBKDF2-SHA256, and the
   derived key, never the password, is kept in sessionStorage (and localStorage with "Remember
   me") under a name tied to this build's salt. The page replaces the shell only once the shell
   is parsed: writing into a document still being parsed inserts into it instead. */
(function () {
  "use strict";
  var script = document.currentScript;
  var payload = JSON.parse(document.getElementById("sitegen-payload").textContent);
  var prefix = "sitegen-key:" + payload.site + ":";
  var storageName = prefix + payload.salt;
  var whenParsed = new Promise(function (resolve) {
    document.addEventListener("DOMContentLoaded", resolve);
  });

  function bytes(base64) {
    return Uint8Array.from(atob(base64), function (c) { return c.charCodeAt(0); });
  }
  function base64(buffer) {
    return btoa(String.fromCharCode.apply(null, new Uint8Array(buffer)));
  }
  function here() {
    // The path this page was asked for, as the build names it: /about/ is /about/index.html.
    var path = decodeURIComponent(location.pathname);
    if (path.charAt(path.length - 1) === "/") return path + "index.html";
    return path.slice(path.lastIndexOf("/") + 1).indexOf(".") < 0 ? path + "/index.html" : path;
  }
  function inPlace() {
    // A page opens only at its own path (the not-found page is shown at any missing path).
    return payload.path === here() || /^[^?#]*\/404\.html$/.test(payload.path);
  }
  function stored() {
    try {
      return sessionStorage.getItem(storageName) || localStorage.getItem(storageName);
    } catch (e) {
      return null;
    }
  }
  function forgetOtherBuilds(store) {
    for (var i = store.length - 1; i >= 0; i--) {
      var name = store.key(i);
      if (name && name.indexOf(prefix) === 0 && name !== storageName) store.removeItem(name);
    }
  }
  function keep(rawKey, remember) {
    var value = base64(rawKey);
    try {
      forgetOtherBuilds(sessionStorage);
      forgetOtherBuilds(localStorage);
      sessionStorage.setItem(storageName, value);
      if (remember) localStorage.setItem(storageName, value);
    } catch (e) { /* storage disabled: this page still opens, the next one asks again */ }
  }
  function forget() {
    try {
      sessionStorage.removeItem(storageName);
      localStorage.removeItem(storageName);
    } catch (e) { /* nothing kept */ }
  }
  function decrypt(rawKey) {
    var associated = new TextEncoder().encode(payload.site + "\n" + payload.path);
    return crypto.subtle.importKey("raw", rawKey, "AES-GCM", false, ["decrypt"]).then(function (key) {
      return crypto.subtle.decrypt(
        { name: "AES-GCM", iv: bytes(payload.iv), additionalData: associated }, key, bytes(payload.ct)
      );
    }).then(function (deflated) {
      var stream = new Blob([deflated]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
      return new Response(stream).text();
    });
  }
  function derive(password) {
    var encoded = new TextEncoder().encode(password);
    return crypto.subtle.importKey("raw", encoded, "PBKDF2", false, ["deriveBits"]).then(function (material) {
      return crypto.subtle.deriveBits(
        { name: "PBKDF2", hash: "SHA-256", salt: bytes(payload.salt), iterations: payload.iterations },
        material,
        256
      );
    });
  }
  function show(html) {
    return whenParsed.then(function () {
      document.open();
      document.write(html);
      document.close();
    });
  }
  function gate() {
    // The gate's form and messages, in the site's language: one file for the whole demo.
    return Promise.all([fetch(script.dataset.gate, { credentials: "same-origin" }), whenParsed])
      .then(function (both) {
        if (!both[0].ok) throw new Error(both[0].status);
        return both[0].text();
      })
      .then(function (markup) {
        document.body.className = "sitegen-gate";
        document.body.innerHTML = markup;
        return function (id) { return document.getElementById("sitegen-" + id); };
      }, function () {
        document.body.className = "sitegen-gate";
        var note = document.createElement("p");
        note.className = "gate-noscript";
        note.textContent = location.protocol === "file:"
          ? "This preview opens from its web address (or `sitegen serve`), not from a file on disk."
          : "The password form could not be loaded. Check the connection and reload the page.";
        document.body.appendChild(note);
        return null;
      });
  }
  function ask(element) {
    var form = element("gate-form");
    var field = element("password");
    var wrong = element("gate-error");
    var busy = element("gate-busy");
    var button = form.querySelector("button");
    form.hidden = false;
    field.focus();
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      wrong.hidden = true;
      busy.hidden = false;
      button.disabled = true;
      var rawKey;
      derive(field.value).then(function (bits) {
        rawKey = bits;
        return decrypt(rawKey);
      }).then(function (html) {
        keep(rawKey, element("remember").checked);
        return show(html);
      }, function () {
        busy.hidden = true;
        button.disabled = false;
        wrong.hidden = false;
        field.select();
      });
    });
  }
  function refuse(reason) {
    return gate().then(function (element) {
      if (!element) return;
      if (reason === "insecure") {
        var link = element("https-link");
        link.href = link.textContent = "https://" + location.host + location.pathname;
      }
      element("gate-" + reason).hidden = false;
    });
  }

  if (!window.isSecureContext || !window.crypto || !crypto.subtle) {
    refuse("insecure");
  } else if (!inPlace()) {
    refuse("misplaced");
  } else {
    var key = stored();
    (key ? decrypt(bytes(key)).then(show) : Promise.reject(null)).catch(function () {
      if (key) forget();
      return gate().then(function (element) {
        if (element) ask(element);
      });
    });
  }
})();
