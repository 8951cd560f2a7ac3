// Re-checks the page's dates against the reader's own today. The page is complete
// without this script: it then shows the state as of the build, and says that date.
(function () {
  "use strict";
  var DAY = 86400000;

  function parse(iso) {
    var p = iso.split("-");
    return Date.UTC(+p[0], +p[1] - 1, +p[2]);
  }
  var now = new Date();
  var today = Date.UTC(now.getFullYear(), now.getMonth(), now.getDate());

  function amount(days) {
    var n = Math.abs(days), value, unit;
    if (n < 14) { value = n; unit = "day"; }
    else if (n < 60) { value = Math.round(n / 7); unit = "week"; }
    else if (n < 730) { value = Math.round(n / 30.44); unit = "month"; }
    else { value = Math.round(n / 365.25); unit = "year"; }
    return value + " " + unit + (value === 1 ? "" : "s");
  }
  function relative(days) {
    if (days === 0) return "today";
    if (days === 1) return "tomorrow";
    if (days === -1) return "yesterday";
    return days > 0 ? "in " + amount(days) : amount(days) + " ago";
  }

  function recheck() {
    var built = document.querySelector("[data-built]");
    if (!built || today <= parse(built.getAttribute("datetime"))) return;
    document.querySelectorAll("[data-relative]").forEach(function (el) {
      el.textContent = relative(Math.round((parse(el.getAttribute("data-relative")) - today) / DAY));
    });
    document.querySelectorAll("[data-overdue]").forEach(function (el) {
      var days = Math.round((today - parse(el.getAttribute("data-overdue"))) / DAY);
      if (days <= 0) return;
      el.hidden = false;
      el.lastElementChild.textContent = days + (days === 1 ? " day" : " days") + " overdue";
      var row = el.closest(".step, .next");
      if (row) row.classList.add(row.classList.contains("step") ? "step--overdue" : "next--overdue");
    });
    var note = document.querySelector("[data-rechecked]");
    if (note) {
      var shown = new Date(today).toLocaleDateString(undefined, {
        weekday: "short", day: "numeric", month: "short", timeZone: "UTC"
      });
      note.textContent = " · dates checked against today, " + shown;
      note.hidden = false;
    }
  }

  // "Subscribe" to a calendar is a webcal:// link, which calendar apps subscribe to
  // (and fetch again) instead of importing once. A build that did not know the site's
  // address linked the .ics file itself: make the webcal:// address from this page's.
  function webcal() {
    if (location.protocol !== "https:" && location.protocol !== "http:") return;
    document.querySelectorAll("a[data-webcal]").forEach(function (a) {
      var url = new URL(a.getAttribute("href"), location.href);
      a.href = "webcal://" + url.host + url.pathname;
      a.removeAttribute("data-webcal");
    });
  }

  function update() {
    recheck();
    webcal();
  }

  update();
  // the dev server swaps in a fresh page body after each save
  document.addEventListener("mapsite:updated", update);
})();

