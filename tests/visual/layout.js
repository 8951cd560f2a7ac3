// Layout checks, run in the page: returns [{check, where, detail}], empty when all is well.
// Checks: horizontal scrolling, text cut off, text spilling out of its box, text
// overlapping text or images, tap targets (phones), images without alt text, heading
// order. Coordinates are CSS px from the top left of the page.
({ tapTargets, minTap }) => {
  const problems = [];
  const add = (check, el, detail) => problems.push({ check, where: describe(el), detail });
  const round = (n) => Math.round(n);
  const viewportWidth = document.documentElement.clientWidth;

  function describe(el) {
    if (!el || el === document.documentElement) return "html";
    const parts = [];
    for (let node = el; node && node !== document.body && parts.length < 3; node = node.parentElement) {
      let part = node.tagName.toLowerCase();
      if (node.id) part += `#${node.id}`;
      const classes = [...node.classList].slice(0, 2);
      if (classes.length) part += `.${classes.join(".")}`;
      parts.unshift(part);
      if (node.id) break;
    }
    const text = (el.innerText || el.getAttribute("aria-label") || el.getAttribute("alt") || "")
      .trim().replace(/\s+/g, " ");
    return parts.join(" > ") + (text ? ` "${text.length > 40 ? text.slice(0, 39) + "…" : text}"` : "");
  }

  const styleOf = (el) => getComputedStyle(el);
  function shown(el) {
    // rendered, visible, not aria-hidden, and not a visually hidden (screen-reader only) element
    if (!el.checkVisibility({ opacityProperty: true, visibilityProperty: true })) return false;
    if (el.closest("[aria-hidden=true]")) return false;
    for (let node = el; node && node !== document.body; node = node.parentElement) {
      const s = styleOf(node);
      if (s.clip !== "auto" || s.clipPath.startsWith("inset(50%")) return false;
      const r = node.getBoundingClientRect();
      if ((s.overflow === "hidden" || s.overflow === "clip") && r.width <= 1 && r.height <= 1) return false;
    }
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0;
  }
  const box = (r) => `${round(r.width)}x${round(r.height)} at (${round(r.left + scrollX)}, ${round(r.top + scrollY)})`;
  const clips = (s) => ["hidden", "clip"].includes(s.overflowX) || ["hidden", "clip"].includes(s.overflowY);
  const scrolls = (s) => ["auto", "scroll"].includes(s.overflowX);

  const all = [...document.body.querySelectorAll("*")].filter(
    (el) => !["SCRIPT", "STYLE", "TEMPLATE", "NOSCRIPT"].includes(el.tagName)
  );
  const visible = all.filter(shown);
  const isVisible = new Set(visible);

  // 1. No horizontal scrolling: report the outermost elements past the right edge.
  const scrollWidth = document.documentElement.scrollWidth;
  const past = (el) => el.getBoundingClientRect().right > viewportWidth + 0.5;
  const inScroller = (el) => {
    for (let node = el.parentElement; node && node !== document.body; node = node.parentElement) {
      if (scrolls(styleOf(node))) return !past(node);
    }
    return false;
  };
  const wide = visible.filter((el) => past(el) && !inScroller(el) && !(el.parentElement && past(el.parentElement) && el.parentElement !== document.body));
  if (scrollWidth > viewportWidth) {
    problems.push({
      check: "horizontal scrolling",
      where: "html",
      detail: `the page is ${scrollWidth} px wide on a ${viewportWidth} px screen`,
    });
  }
  for (const el of wide.slice(0, 5)) {
    const r = el.getBoundingClientRect();
    add("horizontal scrolling", el, `right edge at ${round(r.right)} px, past the ${viewportWidth} px screen (${box(r)})`);
  }

  // Text: the line boxes of every visible text node, with the element holding it.
  const lines = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.data.trim()) continue;
    const el = node.parentElement;
    if (!el || !isVisible.has(el)) continue;
    range.selectNodeContents(node);
    for (const r of range.getClientRects()) {
      if (r.width >= 1 && r.height >= 1) lines.push({ el, r });
    }
  }

  // 2. Text cut off: by its own box, or by an ancestor that hides overflow.
  const cut = new Set();
  for (const el of visible) {
    const s = styleOf(el);
    if (!clips(s) || !el.childNodes.length) continue;
    const hasText = [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.data.trim());
    if (!hasText) continue;
    const overX = el.scrollWidth > el.clientWidth + 1 && s.overflowX !== "visible";
    const overY = el.scrollHeight > el.clientHeight + 2 && s.overflowY !== "visible";
    if (overX || overY) {
      cut.add(el);
      const how = s.textOverflow === "ellipsis" ? "shortened with an ellipsis" : "cut off";
      add("text cut off", el, `text ${how}: needs ${el.scrollWidth}x${el.scrollHeight} px, has ${el.clientWidth}x${el.clientHeight}`);
    }
  }
  const clippers = new Map(); // element -> its ancestors that hide overflow
  const clippersOf = (el) => {
    if (!clippers.has(el)) {
      const found = [];
      for (let node = el.parentElement; node && node !== document.documentElement; node = node.parentElement) {
        if (clips(styleOf(node))) found.push(node);
      }
      clippers.set(el, found);
    }
    return clippers.get(el);
  };
  const reported = new Set();
  for (const { el, r } of lines) {
    if (cut.has(el) || reported.has(el)) continue;
    for (const clipper of [el, ...clippersOf(el)]) {
      if (clipper === el && !clips(styleOf(el))) continue;
      const c = clipper.getBoundingClientRect();
      if (r.left < c.left - 2 || r.right > c.right + 2 || r.top < c.top - 2 || r.bottom > c.bottom + 2) {
        reported.add(el);
        add("text cut off", el, `a line of text (${box(r)}) reaches outside ${describe(clipper)} (${box(c)}), which hides what overflows`);
        break;
      }
    }
  }

  // 3. Text spilling out of its box sideways (a long word, a fixed width).
  const blockOf = (el) => {
    for (let node = el; node && node !== document.body; node = node.parentElement) {
      const d = styleOf(node).display;
      if (!d.startsWith("inline") && d !== "contents") return node;
    }
    return document.body;
  };
  const spilled = new Set();
  for (const { el, r } of lines) {
    const block = blockOf(el);
    if (spilled.has(block) || cut.has(el) || reported.has(el)) continue;
    const b = block.getBoundingClientRect();
    if (r.right > b.right + 2 || r.left < b.left - 2) {
      spilled.add(block);
      add("text outside its box", block, `a line of text (${box(r)}) reaches outside its box (${box(b)})`);
    }
  }

  // 4. Text overlapping other text or an image.
  // what shows of a line: the parts inside the boxes that hide overflow
  const shownPart = (el, r) => {
    let { left, top, right, bottom } = r;
    for (const clipper of [el, ...clippersOf(el)]) {
      if (!clips(styleOf(clipper))) continue;
      const c = clipper.getBoundingClientRect();
      left = Math.max(left, c.left); top = Math.max(top, c.top);
      right = Math.min(right, c.right); bottom = Math.min(bottom, c.bottom);
    }
    return { left, top, right, bottom, width: right - left, height: bottom - top };
  };
  const items = lines
    .map(({ el, r }) => ({ el, r: shownPart(el, r), text: true }))
    .filter(({ r }) => r.width > 0 && r.height > 0);
  for (const el of visible) {
    if (el.tagName === "IMG" || (el.tagName === "svg" && !el.parentElement.closest("svg"))) {
      items.push({ el, r: el.getBoundingClientRect(), text: false });
    }
  }
  items.sort((a, b) => a.r.top - b.r.top);
  const overlaps = new Set();
  for (let i = 0; i < items.length; i++) {
    const a = items[i];
    for (let j = i + 1; j < items.length && items[j].r.top < a.r.bottom; j++) {
      const b = items[j];
      if (a.el === b.el || (!a.text && !b.text)) continue;
      if (a.el.contains(b.el) && !b.text) continue; // an icon inside a link's own text
      if (b.el.contains(a.el) && !a.text) continue;
      const w = Math.min(a.r.right, b.r.right) - Math.max(a.r.left, b.r.left);
      const h = Math.min(a.r.bottom, b.r.bottom) - Math.max(a.r.top, b.r.top);
      if (w <= 1 || h <= 0.3 * Math.min(a.r.height, b.r.height)) continue;
      const key = `${describe(a.el)}|${describe(b.el)}`;
      if (overlaps.has(key)) continue;
      overlaps.add(key);
      problems.push({
        check: "overlapping text",
        where: describe(a.el),
        detail: `overlaps ${describe(b.el)} by ${round(w)}x${round(h)} px at (${round(Math.max(a.r.left, b.r.left) + scrollX)}, ${round(Math.max(a.r.top, b.r.top) + scrollY)})`,
      });
    }
  }

  // 5. Tap targets on phones: at least minTap x minTap CSS px, except links inside a sentence.
  if (tapTargets) {
    const targets = visible.filter((el) =>
      el.matches("a[href], button, input:not([type=hidden]), select, textarea, summary, [role=button], [role=link], [tabindex]:not([tabindex='-1'])")
    );
    for (const el of targets) {
      let r = el.getBoundingClientRect();
      if (el.matches("input[type=checkbox], input[type=radio]")) {
        // a tap on its label toggles it too: the target is the label with the box
        const label = el.closest("label") || (el.id && document.querySelector(`label[for="${CSS.escape(el.id)}"]`));
        if (label) {
          const l = label.getBoundingClientRect();
          const left = Math.min(l.left, r.left), top = Math.min(l.top, r.top);
          r = new DOMRect(left, top, Math.max(l.right, r.right) - left, Math.max(l.bottom, r.bottom) - top);
        }
      }
      const s = styleOf(el);
      if (s.display === "inline" && el.parentElement) {
        const around = el.parentElement.innerText.replace(el.innerText, "").trim();
        if (around.length > 0) continue; // a link in running text (WCAG 2.5.8's inline exception)
      }
      if (r.width < minTap - 0.5 || r.height < minTap - 0.5) {
        add("tap target too small", el, `${round(r.width)}x${round(r.height)} CSS px, needs ${minTap}x${minTap} (${box(r)})`);
      }
    }
  }

  // 6. Images have alt text ("" only for decoration); role=img has a name.
  for (const img of document.querySelectorAll("img")) {
    if (!img.hasAttribute("alt")) add("image without alt text", img, `src ${img.getAttribute("src")}`);
  }
  for (const el of document.querySelectorAll("[role=img]")) {
    if (!el.getAttribute("aria-label") && !el.getAttribute("aria-labelledby") && !el.querySelector("title")) {
      add("image without alt text", el, "role=img without aria-label");
    }
  }

  // 7. Headings in order: one h1, first; no level skipped on the way down.
  const headings = [...document.querySelectorAll("h1, h2, h3, h4, h5, h6")].filter(
    (h) => h.getClientRects().length > 0 && !h.closest("[aria-hidden=true]")
  );
  const h1s = headings.filter((h) => h.tagName === "H1").length;
  if (h1s !== 1) {
    problems.push({ check: "heading order", where: "h1", detail: `${h1s} h1 headings, want exactly one` });
  }
  let level = 0;
  for (const h of headings) {
    const next = +h.tagName[1];
    if (next > level + 1) {
      add("heading order", h, level ? `h${next} after h${level}: skips a level` : `the first heading is h${next}, not h1`);
    }
    level = next;
  }
  return problems;
}
