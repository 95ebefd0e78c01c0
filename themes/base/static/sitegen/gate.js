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
  // The locked page's plain message (no JavaScript, or opened from disk, where this script
  // is not found) is for when this script does not run: hidden before the body is drawn.
  var quiet = document.createElement("style");
  quiet.textContent = "#sitegen-offline{display:none}";
  document.head.appendChild(quiet);
  var payload = JSON.parse(document.getElementById("sitegen-payload").textContent);
  var prefix = "sitegen-key:" + payload.site + ":";
  var storageName = prefix + payload.salt;
  var whenParsed = new Promise(function (resolve) {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", resolve);
    else resolve();  // a theme that loads this script late: the page is parsed already
  });

  function bytes(base64) {
    return Uint8Array.from(atob(base64), function (c) { return c.charCodeAt(0); });
  }
  function base64(buffer) {
    return btoa(String.fromCharCode.apply(null, new Uint8Array(buffer)));
  }
  function here() {
    // The path this page was asked for, as the build names it: /about/ is /about/index.html.
    var path;
    try {
      path = decodeURIComponent(location.pathname);
    } catch (e) {
      path = location.pathname;  // not valid percent-encoding: no page of ours is named so
    }
    if (path.charAt(path.length - 1) === "/") return path + "index.html";
    return path.slice(path.lastIndexOf("/") + 1).indexOf(".") < 0 ? path + "/index.html" : path;
  }
  function inPlace() {
    // A page opens only at its own path; the not-found page, at any missing one (its payload
    // says "anywhere", and that claim is bound into its associated data).
    return payload.path === here() || payload.anywhere === true;
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
  function associated(site, path) {
    return new TextEncoder().encode(site + "\n" + path);
  }
  function inflate(parts) {
    var stream = new Blob(parts).stream().pipeThrough(new DecompressionStream("deflate-raw"));
    return new Response(stream).arrayBuffer().then(function (buffer) { return new Uint8Array(buffer); });
  }
  function unreachable(error) {
    error.unreachable = true;  // the key was right: what failed is the network
    throw error;
  }
  function sharedStart(key, page) {
    // What every page's deflate stream continues (head, banner, menu, footer): one encrypted
    // file per demo, named by its content, so the browser's cache serves it after the first page.
    return fetch(page.chrome, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) throw new Error(page.chrome + ": " + response.status);
      return response.arrayBuffer();
    }).catch(unreachable).then(function (buffer) {
      var data = new Uint8Array(buffer);
      if (String.fromCharCode(data[0], data[1], data[2], data[3]) !== "SGE2") {
        throw new Error(page.chrome + ": not a sitegen file");
      }
      var options = { name: "AES-GCM", iv: data.slice(4, 16), additionalData: associated(page.site, page.chrome) };
      return crypto.subtle.decrypt(options, key, data.slice(16));
    }).then(function (plain) {
      var body = new Uint8Array(plain);
      return body[0] === 1 ? inflate([body.subarray(1)]) : body.subarray(1);
    });
  }
  function openPage(page, rawKey) {
    // A payload's page: decrypted (bound to its site and path), then inflated after the
    // shared start when it has one. Also what serve's live reload uses for a rebuilt page.
    return crypto.subtle.importKey("raw", rawKey, "AES-GCM", false, ["decrypt"]).then(function (key) {
      // A page's associated data also names its shared start and whether it opens anywhere.
      var where = page.anywhere === true ? "anywhere" : "here";
      var bound = associated(page.site, page.path + "\n" + (page.chrome || "") + "\n" + where);
      var options = { name: "AES-GCM", iv: bytes(page.iv), additionalData: bound };
      return crypto.subtle.decrypt(options, key, bytes(page.ct)).then(function (deflated) {
        deflated = new Uint8Array(deflated);
        if (!page.chrome) return inflate([deflated]);
        return sharedStart(key, page).then(function (start) {
          var length = new DataView(start.buffer, start.byteOffset, 4).getUint32(0);
          return inflate([start.subarray(4), deflated]).then(function (whole) {
            return whole.subarray(length);
          });
        });
      });
    }).then(function (html) {
      return new TextDecoder().decode(html);
    });
  }
  function decrypt(rawKey) {
    return openPage(payload, rawKey);
  }
  window.sitegenOpen = openPage;
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
    // The page's version, for a change request to say what the client saw: its payload's
    // nonce, made from the page's exact bytes and the shared start they continue.
    window.sitegenPageVersion = payload.iv;
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
        unavailable();
        return null;
      });
  }
  function unavailable() {
    return whenParsed.then(function () {
      document.body.className = "sitegen-gate";
      var note = document.createElement("p");
      note.className = "gate-noscript";
      note.setAttribute("role", "alert");
      note.textContent = location.protocol === "file:"
        ? "This preview opens from its web address (or `sitegen serve`), not from a file on disk."
        : "This page could not be loaded. Check the connection and reload the page.";
      document.body.replaceChildren(note);
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
      }, function (error) {
        if (error && error.unreachable) return unavailable();
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

  if (location.protocol === "file:") {
    unavailable();  // a page's path on disk is not its address: say how to open the demo
  } else if (!window.isSecureContext || !window.crypto || !crypto.subtle) {
    refuse("insecure");
  } else if (!inPlace()) {
    refuse("misplaced");
  } else {
    var key = stored();
    (key ? decrypt(bytes(key)).then(show) : Promise.reject(null)).catch(function (error) {
      if (error && error.unreachable) return unavailable();
      if (key) forget();
      return gate().then(function (element) {
        if (element) ask(element);
      });
    });
  }
})();
