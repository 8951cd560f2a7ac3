// Opens a password-protected plan: the page carries the plan only as AES-256-GCM
// ciphertext (key: PBKDF2-SHA256 over the password); WebCrypto decrypts it here and
// the plan page replaces this one. Nothing is sent anywhere.
(function () {
  "use strict";
  var sealed = document.getElementById("sealed");
  var form = document.getElementById("unlock");
  if (!sealed || !form) return;
  var input = document.getElementById("unlock-password");
  var remember = document.getElementById("unlock-remember");
  var error = document.getElementById("unlock-error");
  var button = form.querySelector("button");
  var storeKey = "mapsite-password:" + location.pathname;

  function bytes(b64) {
    return Uint8Array.from(atob(b64), function (c) { return c.charCodeAt(0); });
  }

  function open(password) {
    var subtle = window.crypto && window.crypto.subtle;
    if (!subtle) return Promise.reject(new Error("unsupported"));
    return subtle
      .importKey("raw", new TextEncoder().encode(password), "PBKDF2", false, ["deriveKey"])
      .then(function (base) {
        return subtle.deriveKey(
          { name: "PBKDF2", hash: "SHA-256", salt: bytes(sealed.dataset.salt),
            iterations: parseInt(sealed.dataset.iterations, 10) },
          base, { name: "AES-GCM", length: 256 }, false, ["decrypt"]);
      })
      .then(function (key) {
        return subtle.decrypt({ name: "AES-GCM", iv: bytes(sealed.dataset.nonce) }, key,
                              bytes(sealed.textContent.trim()));
      })
      .then(function (plain) { return new TextDecoder().decode(plain); });
  }

  function show(html) {
    var page = new DOMParser().parseFromString(html, "text/html");
    document.title = page.title;
    document.body.replaceWith(document.adoptNode(page.body));
    // mapsite.js re-checks the dates of a page swapped in
    document.dispatchEvent(new Event("mapsite:updated"));
    var main = document.getElementById("main");
    if (main) { main.setAttribute("tabindex", "-1"); main.focus({ preventScroll: true }); }
  }

  function store(password) {
    try {
      if (password === null) localStorage.removeItem(storeKey);
      else localStorage.setItem(storeKey, password);
    } catch (e) { /* storage may be off: the password is then asked each time */ }
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var password = input.value;
    error.textContent = "";
    button.disabled = true;
    button.textContent = "Opening…";
    open(password).then(function (html) {
      store(remember.checked ? password : null);
      show(html);
    }, function (failure) {
      button.disabled = false;
      button.textContent = "Open the plan";
      error.textContent = failure && failure.message === "unsupported"
        ? "This browser cannot open protected plans. Try a current browser."
        : "That password is not right. Check it and try again.";
      input.setAttribute("aria-invalid", "true");
      input.select();
    });
  });

  var saved = null;
  try { saved = localStorage.getItem(storeKey); } catch (e) { /* no storage */ }
  if (saved) {
    remember.checked = true;
    open(saved).then(show, function () { store(null); form.dataset.ready = "true"; });
  } else {
    form.dataset.ready = "true";
  }
})();
