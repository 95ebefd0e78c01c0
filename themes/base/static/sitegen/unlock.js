/* sitegen demo, inside an unlocked page: decrypts the client's images and files with the key
   the gate kept, and makes the "lock" link forget that key. Files (format 2) are b"SGE2" +
   12-byte IV + AES-256-GCM ciphertext with its tag, bound to SITE + "\n" + the file's URL path
   as associated data; the plaintext's first byte says whether the rest is raw-deflated. */
(function () {
  "use strict";
  var script = document.currentScript;
  var prefix = "sitegen-key:" + script.dataset.site + ":";
  var storageName = prefix + script.dataset.salt;
  var types = {
    jpg: "image/jpeg", jpeg: "image/jpeg", png: "image/png", gif: "image/gif", webp: "image/webp",
    bmp: "image/bmp", svg: "image/svg+xml", txt: "text/plain", csv: "text/csv",
    json: "application/json", mp3: "audio/mpeg", webm: "video/webm"
  };

  function forgetAll(store) {
    for (var i = store.length - 1; i >= 0; i--) {
      var name = store.key(i);
      if (name && name.indexOf(prefix) === 0) store.removeItem(name);
    }
  }
  document.addEventListener("click", function (event) {
    var lock = event.target.closest && event.target.closest("[data-sitegen-lock]");
    if (!lock) return;
    event.preventDefault();
    try {
      forgetAll(sessionStorage);
      forgetAll(localStorage);
    } catch (e) { /* nothing kept */ }
    location.reload();
  });

  var stored;
  try {
    stored = sessionStorage.getItem(storageName) || localStorage.getItem(storageName);
  } catch (e) {
    stored = null;
  }
  if (!stored || !window.crypto || !crypto.subtle) return;
  var raw = Uint8Array.from(atob(stored), function (c) { return c.charCodeAt(0); });
  var keyPromise = crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["decrypt"]);

  function typeOf(url) {
    var name = url.split(/[?#]/)[0];
    return types[name.slice(name.lastIndexOf(".") + 1).toLowerCase()] || "application/octet-stream";
  }
  function open(url) {
    return Promise.all([keyPromise, fetch(url, { credentials: "same-origin" })]).then(function (both) {
      if (!both[1].ok) throw new Error(url + ": " + both[1].status);
      return both[1].arrayBuffer().then(function (buffer) {
        var data = new Uint8Array(buffer);
        var magic = String.fromCharCode(data[0], data[1], data[2], data[3]);
        if (magic !== "SGE2") throw new Error(url + ": not a sitegen file");
        var path = decodeURIComponent(new URL(url, location.href).pathname);
        var associated = new TextEncoder().encode(script.dataset.site + "\n" + path);
        return crypto.subtle.decrypt(
          { name: "AES-GCM", iv: data.slice(4, 16), additionalData: associated }, both[0], data.slice(16)
        );
      });
    }).then(function (plain) {
      var body = new Blob([new Uint8Array(plain, 1)]);
      if (new Uint8Array(plain, 0, 1)[0] === 1) {
        return new Response(body.stream().pipeThrough(new DecompressionStream("deflate-raw"))).blob();
      }
      return body;
    }).then(function (body) {
      return URL.createObjectURL(new Blob([body], { type: typeOf(url) }));
    });
  }

  function decryptImages() {
    var images = document.querySelectorAll("[data-sitegen-src]");
    Array.prototype.forEach.call(images, function (element) {
      var url = element.getAttribute("data-sitegen-src");
      element.removeAttribute("data-sitegen-src");
      open(url).then(function (blobUrl) {
        element.setAttribute(element.tagName === "VIDEO" ? "poster" : "src", blobUrl);
      }, function (error) {
        console.error("sitegen:", error);
      });
    });
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-sitegen-href]");
    if (!link || link.dataset.sitegenOpened) return;
    event.preventDefault();
    var url = link.getAttribute("href");
    open(url).then(function (blobUrl) {
      link.dataset.sitegenOpened = "1";
      link.href = blobUrl;
      link.download = decodeURIComponent(url.split(/[?#]/)[0].split("/").pop());
      link.click();
    }, function (error) {
      console.error("sitegen:", error);
    });
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", decryptImages);
  } else {
    decryptImages();
  }
})();
