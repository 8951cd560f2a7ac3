// mapsite serve: live reload and the error overlay. Injected by the dev server only,
// never into built pages.
(function () {
  "use strict";
  var script = document.currentScript;
  var version = script && script.getAttribute("data-version");
  var overlay = null;
  var state = { errors: [] }; // the server's last word on errors (see serve.py)

  // Say truthfully what the reader is looking at while there are errors.
  function note() {
    var again = " Fix the error and save: the page updates by itself.";
    if (!state.built) return "Nothing could be built yet." + again;
    if (state.site) return "This page shows the last good build." + again;
    var token = location.pathname.split("/")[1];
    if (state.stale.indexOf(token) !== -1) {
      return "This page shows the plan's last good version." + again;
    }
    return "Plans without errors are up to date." + again;
  }

  function showErrors() {
    var lines = state.errors;
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = "mapsite-errors";
      overlay.setAttribute("role", "alert");
      overlay.style.cssText =
        "position:fixed;inset:0;z-index:2147483647;overflow:auto;padding:24px;" +
        "background:rgba(14,17,27,.94);color:#fde2e1;font:14px/1.6 ui-monospace,Menlo,Consolas,monospace";
      document.body.appendChild(overlay);
    }
    overlay.textContent = "";
    var title = document.createElement("h2");
    title.style.cssText = "margin:0 0 4px;font:700 18px system-ui,sans-serif;color:#fff";
    title.textContent = "mapsite: " + lines.length + (lines.length === 1 ? " error" : " errors");
    var text = document.createElement("p");
    text.style.cssText = "margin:0 0 16px;font:14px system-ui,sans-serif;color:#c9cde0";
    text.textContent = note();
    overlay.appendChild(title);
    overlay.appendChild(text);
    lines.forEach(function (line) {
      var pre = document.createElement("pre");
      pre.style.cssText = "margin:0 0 8px;white-space:pre-wrap;word-break:break-word;" +
        "padding:10px 12px;border-left:3px solid #fb8a80;background:rgba(255,255,255,.05)";
      pre.textContent = line;
      overlay.appendChild(pre);
    });
  }

  function hideErrors() {
    if (overlay) overlay.remove();
    overlay = null;
  }

  function swapStyles() {
    document.querySelectorAll('link[rel="stylesheet"]').forEach(function (link) {
      var url = new URL(link.href);
      url.searchParams.set("mapsite-live", Date.now());
      var fresh = link.cloneNode();
      fresh.href = url.toString();
      fresh.onload = function () { link.remove(); };
      link.after(fresh);
    });
  }

  var source = new EventSource("/__mapsite/events");
  source.addEventListener("hello", function (e) {
    // a new server, or builds we missed while disconnected
    if (version && e.data !== version) location.reload();
  });
  // Swap in the new page without a navigation: faster than a reload, and the reader
  // keeps their scroll position. Anything unexpected falls back to a real reload.
  function refresh(tag) {
    fetch(location.href, { cache: "no-store" })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.text();
      })
      .then(function (text) {
        var fresh = new DOMParser().parseFromString(text, "text/html");
        var styles = function (doc) {
          return Array.prototype.map.call(
            doc.querySelectorAll('link[rel="stylesheet"]'), function (l) { return l.getAttribute("href"); }
          ).join(" ");
        };
        if (styles(fresh) !== styles(document)) return location.reload();
        var y = window.scrollY;
        document.title = fresh.title;
        document.body.replaceWith(document.adoptNode(fresh.body));
        overlay = null;
        if (state.errors.length) showErrors(); // the new body came without the overlay
        version = tag;
        window.scrollTo(0, y);
        document.dispatchEvent(new Event("mapsite:updated"));
      })
      .catch(function () { location.reload(); });
  }
  source.addEventListener("reload", function (e) { refresh(e.data); });
  source.addEventListener("css", function (e) {
    version = e.data;
    swapStyles();
  });
  source.addEventListener("errors", function (e) {
    state = JSON.parse(e.data);
    if (state.errors.length) showErrors(); else hideErrors();
  });
  window.mapsiteLive = source;
})();
