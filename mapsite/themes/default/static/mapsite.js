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
  var lang = document.documentElement.lang || "en";
  var rtf = window.Intl && Intl.RelativeTimeFormat;
  var plurals = window.Intl && Intl.PluralRules ? new Intl.PluralRules(lang) : null;

  // the same whole units as the page (i18n.span): days, then weeks, months, years
  function span(days) {
    var n = Math.abs(days);
    if (n < 14) return [n, "day"];
    if (n < 60) return [Math.round(n / 7), "week"];
    if (n < 730) return [Math.round(n / 30.44), "month"];
    return [Math.round(n / 365.25), "year"];
  }
  function amount(days) {
    var s = span(days);
    return s[0] + " " + s[1] + (s[0] === 1 ? "" : "s");
  }
  function relative(days) {
    if (rtf && lang !== "en") {  // the page's language, from the browser's CLDR data
      var s = span(days);
      var numeric = Math.abs(days) <= 1 ? "auto" : "always";  // today, tomorrow
      return new Intl.RelativeTimeFormat(lang, { numeric: numeric })
        .format(days < 0 ? -s[0] : s[0], s[1]);
    }
    if (days === 0) return "today";
    if (days === 1) return "tomorrow";
    if (days === -1) return "yesterday";
    return days > 0 ? "in " + amount(days) : amount(days) + " ago";
  }

  // what the page says in its language, carried by data-rechecked as data- attributes
  function words(note, name, english) {
    return (note && note.getAttribute("data-" + name)) || english;
  }
  function overdue(days, note) {
    var form = plurals ? plurals.select(days) : (days === 1 ? "one" : "other");
    var text = words(note, "overdue-" + form, "") || words(note, "overdue-other", "");
    if (!text) text = "{n}" + (days === 1 ? " day" : " days") + " overdue";
    return text.replace("{n}", days);
  }

  function recheck() {
    var built = document.querySelector("[data-built]");
    if (!built || today <= parse(built.getAttribute("datetime"))) return;
    var note = document.querySelector("[data-rechecked]");
    document.querySelectorAll("[data-relative]").forEach(function (el) {
      el.textContent = relative(Math.round((parse(el.getAttribute("data-relative")) - today) / DAY));
    });
    document.querySelectorAll("[data-overdue]").forEach(function (el) {
      var days = Math.round((today - parse(el.getAttribute("data-overdue"))) / DAY);
      if (days <= 0) return;
      el.hidden = false;
      el.lastElementChild.textContent = overdue(days, note);
      var row = el.closest(".step, .next");
      if (row) row.classList.add(row.classList.contains("step") ? "step--overdue" : "next--overdue");
    });
    var card = document.querySelector("[data-health]");
    if (card) rate(card);
    if (note) {
      var style = { weekday: "short", day: "numeric", month: "short", timeZone: "UTC" };
      var shown = new Date(today).toLocaleDateString(lang, style);
      if (lang === "en" && Intl.DateTimeFormat.prototype.formatToParts) {
        // as the page writes a date in English: "Fri 27 Nov", not the browser's "Fri, Nov 27"
        var part = {};
        new Intl.DateTimeFormat("en", style).formatToParts(new Date(today))
          .forEach(function (p) { part[p.type] = p.value; });
        shown = part.weekday + " " + part.day + " " + part.month;
      }
      note.textContent = " · " + words(note, "checked", "dates checked against today, {date}")
        .replace("{date}", shown);
      note.hidden = false;
    }
  }

  // the plan's health on the reader's day, rated as schedule.health rates it (the data
  // and words: recheck.py); the reasons a later day cannot take away come as built
  function rate(card) {
    var facts = JSON.parse(card.getAttribute("data-health"));
    function say(name, n) {
      var forms = facts.words[name];
      var form = plurals ? plurals.select(n) : (n === 1 ? "one" : "other");
      return (forms[form] || forms.other).replace("{n}", n);
    }
    var overdue = [], expected = 0;
    facts.steps.forEach(function (step) {
      var due = parse(step[0]), days = Math.round((today - due) / DAY);
      if (days > 0) overdue.push(days);
      else if (step[1] && parse(step[1]) > due) expected += 1;
    });
    var stalled = [], atRisk = [];
    var long = overdue.filter(function (days) { return days >= facts.stalledDays; });
    if (long.length) stalled.push(say("stalled", long.length));
    else if (overdue.length) atRisk.push(say("overdue", overdue.length));
    if (expected) atRisk.push(say("expected", expected));
    var quiet = facts.updated ? Math.round((today - parse(facts.updated)) / DAY) : 0;
    if (quiet >= facts.staleDays) stalled.push(say("stale", quiet));
    var reasons = stalled.concat(atRisk, facts.lasting);
    var state = stalled.length ? "stalled" : reasons.length ? "at risk" : "on track";
    card.className = card.className.replace(/\bhealth--\S+/, "health--" + state.replace(" ", "-"));
    card.querySelector("[data-health-label]").textContent = facts.labels[state];
    var text = reasons.join("; ");
    card.querySelector("[data-health-reasons]").textContent =
      reasons.length ? text.charAt(0).toUpperCase() + text.slice(1) : facts.none;
    var icons = card.querySelector("template[data-health-icons]");
    var icon = icons && icons.content.querySelector('[data-state="' + state + '"] svg');
    var shown = card.querySelector(".fact__big > svg");
    if (icon && shown) shown.replaceWith(icon.cloneNode(true));
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

