// Opens a password-protected plan: the page carries the plan only as AES-256-GCM
// ciphertext (key: PBKDF2-SHA256 over the password); WebCrypto decrypts it here and
// the plan page replaces this one. Nothing is sent anywhere.
// "Remember on this device" keeps the key, never the password: a CryptoKey made
// non-extractable, in IndexedDB, which this page's script can use but nobody can read
// back. The plan's salt stays the same from build to build, so the key keeps opening
// it until the password (or the link) changes.
(function () {
  "use strict";
  var sealed = document.getElementById("sealed");
  var form = document.getElementById("unlock");
  if (!sealed || !form) return;
  var input = document.getElementById("unlock-password");
  var remember = document.getElementById("unlock-remember");
  var error = document.getElementById("unlock-error");
  var button = form.querySelector("button");
  var openLabel = button.textContent;
  // the page's words, in its language: the locked page carries them as data- attributes
  function say(name, english) { return form.dataset[name] || english; }
  var subtle = window.crypto && window.crypto.subtle;
  var plan = location.pathname;
  // before keys, "Remember" kept the password itself in localStorage under this prefix
  var OLD_PREFIX = "mapsite-password:";
  var DB = "mapsite", STORE = "keys";

  function bytes(b64) {
    return Uint8Array.from(atob(b64), function (c) { return c.charCodeAt(0); });
  }

  function derive(password) {
    if (!subtle) return Promise.reject(new Error("unsupported"));
    return subtle
      .importKey("raw", new TextEncoder().encode(password), "PBKDF2", false, ["deriveKey"])
      .then(function (base) {
        return subtle.deriveKey(
          { name: "PBKDF2", hash: "SHA-256", salt: bytes(sealed.dataset.salt),
            iterations: parseInt(sealed.dataset.iterations, 10) },
          base, { name: "AES-GCM", length: 256 }, false, ["decrypt"]);
      });
  }

  function decrypt(key) {
    return subtle
      .decrypt({ name: "AES-GCM", iv: bytes(sealed.dataset.nonce) }, key,
               bytes(sealed.textContent.trim()))
      .then(function (plain) { return new TextDecoder().decode(plain); });
  }

  // the keys this device remembers, one per plan (its path): IndexedDB stores a
  // CryptoKey as it is, still non-extractable
  function keys(mode, action) {
    return new Promise(function (resolve, reject) {
      var request = window.indexedDB.open(DB, 1);
      request.onupgradeneeded = function () { request.result.createObjectStore(STORE); };
      request.onerror = function () { reject(request.error); };
      request.onsuccess = function () {
        var db = request.result;
        try {
          var tx = db.transaction(STORE, mode);
          var asked = action(tx.objectStore(STORE));
          tx.oncomplete = function () { db.close(); resolve(asked && asked.result); };
          tx.onabort = function () { db.close(); reject(tx.error); };
        } catch (e) { db.close(); reject(e); }  // e.g. a database without the store
      };
    });
  }
  function recall() { return keys("readonly", function (s) { return s.get(plan); }); }
  function keep(key) { return keys("readwrite", function (s) { s.put(key, plan); }); }
  function forget() { return keys("readwrite", function (s) { s.delete(plan); }); }
  // storage may be off (then the password is asked each time): true when it worked
  function quietly(promise) {
    return promise.then(function () { return true; }, function () { return false; });
  }

  // A password an earlier version kept in localStorage: this plan's opens it once more
  // (its key is kept instead), and every one is removed now, used or not.
  function oldPassword() {
    var password = null;
    try {
      password = localStorage.getItem(OLD_PREFIX + plan);
      for (var i = localStorage.length - 1; i >= 0; i--) {
        var name = localStorage.key(i);
        if (name && name.indexOf(OLD_PREFIX) === 0) localStorage.removeItem(name);
      }
    } catch (e) { /* no storage */ }
    return password;
  }

  // The plan page's own stylesheets: the body swap leaves its <head> behind. The
  // buyer's colour comes as a data: URL (a file beside the locked page would name the
  // buyer); the CSP allows no such <link>, but does allow a constructed stylesheet.
  function styles(page) {
    page.head.querySelectorAll('link[rel~="stylesheet"]').forEach(function (link) {
      var href = link.getAttribute("href") || "";
      var data = /^data:text\/css;base64,(.*)$/.exec(href);
      if (data) {
        if (!("adoptedStyleSheets" in document)) return;
        var sheet = new CSSStyleSheet();
        sheet.replaceSync(new TextDecoder().decode(bytes(data[1])));
        document.adoptedStyleSheets =
          Array.prototype.slice.call(document.adoptedStyleSheets).concat([sheet]);
      } else if (!Array.prototype.some.call(document.head.querySelectorAll("link"),
                 function (own) { return own.getAttribute("href") === href; })) {
        document.head.appendChild(document.importNode(link, false));
      }
    });
  }

  // "Forget on this device", under a plan this device opens by itself: the plan
  // locks again at once, as someone on a shared computer expects
  function forgetButton() {
    var note = document.createElement("p");
    note.className = "device-key";
    note.textContent = say("remembered", "This device opens the plan without its password.") + " ";
    var forgetIt = document.createElement("button");
    forgetIt.type = "button";
    forgetIt.className = "device-key__button";
    forgetIt.textContent = say("forget", "Forget on this device");
    forgetIt.addEventListener("click", function () {
      forgetIt.disabled = true;
      quietly(forget()).then(function () { location.reload(); });
    });
    note.appendChild(forgetIt);
    (document.querySelector(".colophon") || document.body).appendChild(note);
  }

  function show(html, remembered) {
    var page = new DOMParser().parseFromString(html, "text/html");
    styles(page);
    document.title = page.title;
    document.body.replaceWith(document.adoptNode(page.body));
    if (remembered) forgetButton();
    // mapsite.js re-checks the dates of a page swapped in
    document.dispatchEvent(new Event("mapsite:updated"));
    var main = document.getElementById("main");
    if (main) { main.setAttribute("tabindex", "-1"); main.focus({ preventScroll: true }); }
  }

  function ask(message) {
    error.textContent = message || "";
    form.dataset.ready = "true";
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var keepIt = remember.checked;
    error.textContent = "";
    button.disabled = true;
    button.textContent = say("opening", "Opening…");
    derive(input.value).then(function (key) {
      return decrypt(key).then(function (html) {
        return quietly(keepIt ? keep(key) : forget()).then(function (done) {
          show(html, keepIt && done);
        });
      });
    }).catch(function (failure) {
      button.disabled = false;
      button.textContent = openLabel;
      error.textContent = failure && failure.message === "unsupported"
        ? say("unsupported", "This browser cannot open protected plans. Try a current browser.")
        : say("wrong", "That password is not right. Check it and try again.");
      input.setAttribute("aria-invalid", "true");
      input.select();
    });
  });

  var old = oldPassword();
  if (old !== null) {
    remember.checked = true;  // the reader chose to remember it: keep the key instead
    derive(old).then(function (key) {
      return decrypt(key).then(function (html) {
        return quietly(keep(key)).then(function (kept) { show(html, kept); });
      });
    }).catch(function () { ask(); });
  } else if (subtle) {
    recall().then(function (key) {
      if (!key) return ask();
      remember.checked = true;
      return decrypt(key).then(function (html) { show(html, true); }, function () {
        // a new password (or a key from elsewhere): it never opens this plan again
        return quietly(forget()).then(function () {
          ask(say("changed", "This plan's password has changed. Enter the new one."));
        });
      });
    }).catch(function () { ask(); });
  } else {
    ask();
  }
})();
