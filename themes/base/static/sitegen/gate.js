/* sitegen demo gate: derives the key from the password with WebCrypto (PBKDF2-SHA256), decrypts
   the page (AES-256-GCM) and puts it in place of this gate. The derived key, never the password,
   is kept in sessionStorage, and in localStorage with "Remember me", under a name tied to this
   build's salt, so the next page opens without asking. */
(function () {
  "use strict";
  var payload = JSON.parse(document.getElementById("sitegen-payload").textContent);
  var prefix = "sitegen-key:" + payload.site + ":";
  var storageName = prefix + payload.salt;
  var form = document.getElementById("sitegen-gate-form");
  var field = document.getElementById("sitegen-password");
  var remember = document.getElementById("sitegen-remember");
  var wrong = document.getElementById("sitegen-gate-error");
  var busy = document.getElementById("sitegen-gate-busy");

  function bytes(base64) {
    return Uint8Array.from(atob(base64), function (c) { return c.charCodeAt(0); });
  }
  function base64(buffer) {
    return btoa(String.fromCharCode.apply(null, new Uint8Array(buffer)));
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
  function keep(rawKey) {
    var value = base64(rawKey);
    try {
      forgetOtherBuilds(sessionStorage);
      forgetOtherBuilds(localStorage);
      sessionStorage.setItem(storageName, value);
      if (remember.checked) localStorage.setItem(storageName, value);
    } catch (e) { /* storage disabled: this page still opens, the next one asks again */ }
  }
  function forget() {
    try {
      sessionStorage.removeItem(storageName);
      localStorage.removeItem(storageName);
    } catch (e) { /* nothing kept */ }
  }
  function decrypt(rawKey) {
    return crypto.subtle.importKey("raw", rawKey, "AES-GCM", false, ["decrypt"]).then(function (key) {
      return crypto.subtle.decrypt({ name: "AES-GCM", iv: bytes(payload.iv) }, key, bytes(payload.ct));
    }).then(function (plain) {
      return new TextDecoder().decode(plain);
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
    document.open();
    document.write(html);
    document.close();
  }
  function ask() {
    busy.hidden = true;
    form.hidden = false;
    field.focus();
  }

  if (!window.isSecureContext || !window.crypto || !crypto.subtle) {
    var link = document.getElementById("sitegen-https-link");
    link.href = link.textContent = "https://" + location.host + location.pathname;
    document.getElementById("sitegen-gate-insecure").hidden = false;
    return;
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    wrong.hidden = true;
    busy.hidden = false;
    form.querySelector("button").disabled = true;
    var rawKey;
    derive(field.value).then(function (bits) {
      rawKey = bits;
      return decrypt(rawKey);
    }).then(function (html) {
      keep(rawKey);
      show(html);
    }, function () {
      busy.hidden = true;
      form.querySelector("button").disabled = false;
      wrong.hidden = false;
      field.select();
    });
  });

  var key = stored();
  if (!key) {
    ask();
  } else {
    busy.hidden = false;
    decrypt(bytes(key)).then(show, function () {
      forget();
      ask();
    });
  }
})();
