// mapsite serve: live reload and the error overlay. Injected by the dev server only,
// never into built pages.
(function () {
  "use strict";
  var script = document.currentScript;
  var version = script && script.getAttribute("data-version");
  var overlay = null;

  function showErrors(lines) {
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
    var note = document.createElement("p");
    note.style.cssText = "margin:0 0 16px;font:14px system-ui,sans-serif;color:#c9cde0";
    note.textContent = "This page shows the last good build. Fix the file and save: the page reloads by itself.";
    overlay.appendChild(title);
    overlay.appendChild(note);
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
        version = tag;
        window.scrollTo(0, y);
        document.dispatchEvent(new Event("mapsite:updated"));
      })
      .catch(function () { location.reload(); });
  }
  source.addEventListener("reload", function (e) { refresh(e.data); });
  source.addEventListener("css", function (e) {
    version = e.data;
    hideErrors();
    swapStyles();
  });
  source.addEventListener("errors", function (e) {
    var lines = JSON.parse(e.data);
    if (lines.length) showErrors(lines); else hideErrors();
  });
  window.mapsiteLive = source;
})();
