"""Hostile input (issue 6): plans carry buyers' names and emails, so every field, the
Markdown body and step notes must render as text.

Each payload goes into every text field, the URL-ish fields (stakeholders' email and
phone, a resource's url when the plan format accepts it), step notes and the body, in
a plan of its own; one more plan carries them all at once, and a protected copy of it
is opened through the password form. Every page is opened in a real Chromium: no
dialog opens, no script error, no sentinel set, no navigation, nothing fetched but the
page's own files, and the DOM holds only the theme's own markup.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import unquote

import pytest
import yaml
from playwright.sync_api import Browser, ConsoleMessage, Dialog, Frame, Page, Request, Route
from pydantic import ValidationError

from mapsite.build import build
from mapsite.errors import MapsiteError
from mapsite.model import Resource, Stakeholder

TODAY = date(2026, 11, 23)
ATTACKER = "https://attacker.example/"
PASSWORD_ENV = "MAPSITE_XSS_TEST_PASSWORD"
PASSWORD = "correct horse battery staple"
WAIT_MS = 300  # for onerror/onload/ontoggle handlers and meta refreshes to have fired

_B64_SCRIPT = base64.b64encode(b"<script>alert(17)</script>").decode()

# (name, payload): names are the test ids. Payloads call alert(), set window.__xss or
# document.title, or try to leave the page: any of which the browser checks notice.
PAYLOADS: list[tuple[str, str]] = [
    ("script-tag", "<script>alert(1)</script>"),
    ("script-src-data", "<script src=data:text/javascript,alert(2)></script>"),
    ("img-onerror", "<img src=x onerror=alert(3)>"),
    ("svg-onload", "<svg onload=alert(4)>"),
    ("svg-script", "<svg><script>window.__xss=5</script></svg>"),
    ("iframe-srcdoc", '<iframe srcdoc="<script>parent.alert(6)</script>"></iframe>'),
    ("iframe-javascript", '<iframe src="javascript:alert(7)"></iframe>'),
    ("attr-breakout-double", '"><img src=x onerror=alert(8)>'),
    ("attr-breakout-single", "'><svg onload=alert(9)>"),
    ("attr-inject-double", '" onmouseover="alert(10)" autofocus onfocus="alert(10)" x="'),
    ("attr-inject-single", "' autofocus onfocus='alert(11)' x='"),
    ("javascript-url", "javascript:alert(12)"),
    ("javascript-mixed-case", "JaVaScRiPt:alert(13)"),
    ("javascript-tab", "java\tscript:alert(14)"),
    ("javascript-entity-tab", "jav&#x09;ascript:alert(15)"),
    ("data-url-html", "data:text/html,<script>alert(16)</script>"),
    ("data-url-base64", f"data:text/html;base64,{_B64_SCRIPT}"),
    ("vbscript-url", "vbscript:msgbox(18)"),
    ("template-jinja", "{{ 7*7 }}"),
    ("template-raw", "{% raw %}{{ 7*7 }}{% endraw %}"),
    ("template-other", "${7*7} #{7*7} <%= 7*7 %> {{7*'7'}}"),
    ("template-ssti", "{{ cycler.__init__.__globals__.os.popen('id').read() }}"),
    ("title-breakout", "</title><script>alert(23)</script>"),
    ("textarea-breakout", "</textarea><script>alert(24)</script>"),
    ("style-breakout", "</style><script>alert(25)</script><style>"),
    ("a-href-javascript", '<a href="javascript:alert(26)">click me</a>'),
    ("form-action", '<form action="javascript:alert(27)"><button>Go</button></form>'),
    ("meta-refresh", f'<meta http-equiv="refresh" content="0;url={ATTACKER}?28">'),
    ("base-href", f'<base href="{ATTACKER}">'),
    ("object-data", '<object data="data:text/html,<script>alert(30)</script>"></object>'),
    ("embed-src", '<embed src="data:text/html,<script>alert(31)</script>">'),
    ("style-attr-url", '<div style="background:url(javascript:alert(32))">css</div>'),
    ("style-attr-overlay", '<p style="position:fixed;inset:0;background:red">cover</p>'),
    ("mxss-noscript", '<noscript><p title="</noscript><img src=x onerror=alert(34)>">'),
    ("mxss-svg-style", "<svg><style><img src=x onerror=alert(35)></style></svg>"),
    ("mxss-math", "<math><mtext><table><mglyph><style><img src=x onerror=alert(36)>"),
    ("details-ontoggle", "<details open ontoggle=alert(37)>"),
    ("body-onload", "<body onload=alert(38)>"),
    ("input-autofocus", "<input autofocus onfocus=alert(39)>"),
    ("video-source-onerror", "<video><source onerror=alert(40)></video>"),
    ("unicode-escapes", "\\u003cscript\\u003ealert(41)\\u003c/script\\u003e"),
    ("fullwidth-brackets", "\uff1cscript\uff1ealert(42)\uff1c/script\uff1e"),
    ("pre-escaped-entities", "&lt;script&gt;alert(43)&lt;/script&gt;"),
    ("comment-breakout", '<!--<img src="--><img src=x onerror=alert(44)//">'),
    ("entity-javascript-href", '<a href="&#106;avascript:alert(45)">x</a>'),
    ("svg-xlink-href", '<svg><a xlink:href="javascript:alert(46)"><text y="20">x</text></a></svg>'),
    ("markdown-link-javascript", "[click](javascript:alert(47))"),
    ("markdown-image-data", "![img](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoNDgpPg==)"),
    ("markdown-autolink", "<javascript:alert(49)>"),
    ("markdown-pointy-tab", "[x](<jav&#x09;ascript:alert(50)>)"),
    ("markdown-reference", "[ref link][r]\n\n[r]: javascript:alert(51)"),
    ("markdown-title-breakout", '[a](https://example.com "t\\" onmouseover=\\"alert(52)")'),
    ("markdown-image-remote", f"![pixel]({ATTACKER}pixel.gif?53)"),
    ("img-src-eval", "<img src=x:alert(54) onerror=eval(src)>"),
    ("line-separators", "\u2028\u2029<script>alert(55)</script>"),
    ("nul-byte", "<scr\x00ipt>alert(56)</scr\x00ipt>"),
    ("js-string-breakout", "';alert(57)//\";alert(57)//</script><script>alert(57)</script>"),
    ("nested-tags", "<scr<script>ipt>alert(58)</scr</script>ipt>"),
    ("percent-encoded", "%3Cscript%3Ealert(59)%3C/script%3E"),
    ("svg-animate", "<svg><animate onbegin=alert(60) attributeName=x dur=1s>"),
    ("template-tag", "<template><script>alert(61)</script></template>"),
    ("link-import", "<link rel=stylesheet href=data:text/css,*{color:red}>"),
    ("colon-entity", "javascript&colon;alert(63)"),
    ("location-change", f"<img src=x onerror=\"location='{ATTACKER}?64'\">"),
    ("document-title", "<img src=x onerror=\"document.title='XSS'\">"),
]

# Elements a page may hold: the theme's own (those on the page of a plan in plain words)
# and what Markdown renders, but no <img>: a Markdown image is shown as a link.
_MARKDOWN = (
    "p h1 h2 h3 h4 h5 h6 ul ol li blockquote pre code em strong a table thead tbody tr th td"
)
MARKDOWN_TAGS = frozenset(_MARKDOWN.split()) | {"hr", "br", "s"}
PLAIN = "Plain words"
SAFE_PROTOCOLS = ["http:", "https:", "mailto:", "tel:"]

# Text shown by the page's parts, by name.
SHOWN = {
    "plan-title": "#plan-title",
    "eyebrow": ".eyebrow",
    "brands": ".brands__name",
    "milestones": ".milestone__name",
    "why": ".milestone__why",
    "tasks": ".step__task",
    "next": ".next__task",
    "value": ".why__value",
    "event": ".event p",
    "criteria": ".criteria__list li",
    "people": ".person__name",
    "person-titles": ".person__title",
    "roles": ".person .badge",
    "resources": ".resource__title",
    "resource-descs": ".resource__desc",
    "risks": ".risk__what",
    "risk-plans": ".risk__plan",
    "owners": ".step .owner__name",
    "notes": ".notes",
    "step-notes": ".step__notes",
    "footer": ".colophon",
    "body": "body",
}

# In the browser: what is wrong with the page's markup, and what the page shows.
INSPECT = """
({safe, staticBase, themeScripts, shown}) => {
  const problems = [];
  // a theme may set a width or a colour token inline; a payload cannot write these
  const themeStyle = /^(\\s*(width:\\s*\\d+(\\.\\d+)?%|--[a-z-]+:\\s*#[0-9a-f]{3,6})\\s*;?)*$/i;
  const own = url => url.split('?')[0];
  const safeProtocols = new Set([...safe, location.protocol]);
  const urlAttrs = new Set(['href', 'src', 'xlink:href', 'action', 'formaction', 'data',
    'poster', 'background', 'cite', 'ping', 'srcset', 'codebase', 'longdesc', 'lowsrc',
    'dynsrc', 'manifest', 'icon']);
  const tags = {};
  for (const el of document.querySelectorAll('*')) {
    const tag = el.localName;
    const what = `<${tag} class="${el.getAttribute('class') || ''}">`;
    tags[tag] = what;
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      const value = attr.value;
      if (name.startsWith('on')) problems.push(`${name}= on ${what}`);
      if (name === 'srcdoc' || name === 'formaction') problems.push(`${name}= on ${what}`);
      if (name === 'style' && !themeStyle.test(value)) {
        problems.push(`style="${value}" on ${what}`);
      }
      if (name === 'http-equiv') problems.push(`http-equiv on ${what}`);
      if (urlAttrs.has(name)) {
        let protocol;
        try { protocol = new URL(value, document.baseURI).protocol; }
        catch (e) { protocol = 'unparsable:'; }
        const raw = value.replace(/[\\u0000-\\u0020]/g, '').toLowerCase();
        if (!safeProtocols.has(protocol) || /^(javascript|data|vbscript|file):/.test(raw)) {
          problems.push(`${name}="${value}" on ${what}`);
        }
      }
    }
  }
  for (const script of document.scripts) {
    if (!themeScripts.some(name => own(script.src) === staticBase + name) || script.text.trim()) {
      problems.push(`script ${script.outerHTML.slice(0, 120)}`);
    }
  }
  for (const link of document.querySelectorAll('link')) {  // the theme's stylesheets and icon
    const href = own(link.href);
    const icon = link.rel === 'icon' && href.split('?')[0] === staticBase + 'favicon.svg';
    const sheet = link.rel === 'stylesheet' && href.startsWith(staticBase) && href.endsWith('.css');
    if (!icon && !sheet) {
      problems.push(`link ${link.outerHTML.slice(0, 120)}`);
    }
  }
  if (document.baseURI !== location.href) problems.push(`base URI ${document.baseURI}`);
  if (window.__xss !== undefined) problems.push(`window.__xss = ${window.__xss}`);
  if (document.title === 'XSS') problems.push('document.title was set');
  const texts = {};
  for (const [name, selector] of Object.entries(shown)) {
    texts[name] = [...document.querySelectorAll(selector)].map(e => e.innerText);
  }
  const mail = [...document.querySelectorAll('.person__actions a[href^="mailto:"]')]
    .map(a => [a.getAttribute('href'), a.getAttribute('title')]);
  const resourceLinks = [...document.querySelectorAll('a.resource__title')]
    .map(a => a.getAttribute('href'));
  const actions = [...document.querySelectorAll('a.action')]
    .map(a => [a.getAttribute('href'), a.href, a.innerText]);
  return {problems, tags, texts, mail, resourceLinks, actions, title: document.title,
          url: location.href};
}
"""


def plan_with(payload: str, token: str, *, url_ok: bool) -> dict[str, object]:
    """A plan with ``payload`` in every text field (ids, dates and tokens have formats)."""
    p = payload
    return {
        "title": p,
        "buyer": {"name": p},
        "seller": {"name": f"{p} seller"},
        "share": {"token": token},
        "go_live": date(2027, 3, 31),
        "compelling_event": p,
        "value": p,
        "success_criteria": [p, f"second {p}"],
        "stakeholders": [
            {"name": p, "side": "buyer", "title": p, "role": p, "email": email_for(p), "phone": p},
            {
                "name": f"{p} (seller)",
                "side": "seller",
                "title": p,
                "role": p,
                "email": email_for(p),
            },
            {"name": f"{p} (no side)", "title": p, "phone": p},
        ],
        "milestones": [
            {
                "name": p,
                "id": "first",
                "due": date(2026, 12, 15),
                "why": p,
                "steps": [
                    {"task": p, "owner": p, "due": date(2026, 11, 20), "status": "done"},
                    {
                        "task": p,
                        "owner": [p, f"{p} (seller)", f"{p} (not a stakeholder)"],
                        "due": date(2026, 11, 16),  # overdue: the page says so, and where
                        "status": "in progress",
                        "notes": markdown_with(p),
                    },
                ],
            },
            {
                "name": f"{p} second",
                "due": date(2027, 3, 31),
                "why": p,
                "steps": [{"task": f"{p} later", "owner": p, "due": "first + 2w"}],
            },
        ],
        "resources": [
            {
                "title": p,
                "url": p if url_ok else "https://example.com/",
                "owner": p,
                "description": p,
            },
            {"title": f"{p} without a link", "owner": p, "description": p},
        ],
        "risks": [{"risk": p, "plan": p, "owner": p}],
        "extra": {"note": p, p: p},
    }


def markdown_with(p: str) -> str:
    """``p`` in the places Markdown treats differently: text, heading, list, quote,
    table, emphasis, link text and destination, image, autolink, reference."""
    one_line = " ".join(p.split())
    return (
        f"## {one_line}\n\n"
        f"{p}\n\n"
        f"- {one_line}\n- *{one_line}*\n\n"
        f"> {one_line}\n\n"
        f"| Who | What |\n| --- | --- |\n| {one_line.replace('|', '')} | x |\n\n"
        f"[{one_line}](<{one_line}>) [text]({one_line}) ![{one_line}]({one_line}) "
        f"<{one_line}> [{one_line}][ref]\n\n"
        f"[ref]: <{one_line}>\n"
    )


def write_plan(folder: Path, name: str, front: dict[str, object], body: str) -> None:
    text = "---\n" + yaml.safe_dump(front, allow_unicode=True, sort_keys=False) + "---\n" + body
    (folder / f"{name}.md").write_text(text, encoding="utf-8")


def url_accepted(value: str) -> bool:
    """Whether the plan format takes ``value`` as a resource's url (unsafe ones are refused
    at load time; ``test_unsafe_resource_urls_are_refused_or_dropped`` covers those)."""
    try:
        Resource(title="t", url=value)
    except ValidationError:
        return False
    return True


SAFE_EMAIL = "someone@example.com"


def email_for(value: str) -> str:
    """The payload as an email when the plan format takes it (addresses with ?, &, spaces
    or markup are refused at load time), else a plain address."""
    try:
        Stakeholder(name="x", email=value)
    except ValidationError:
        return SAFE_EMAIL
    return value


def token(i: int | str) -> str:
    return f"xss{i}".ljust(22, "x")


@dataclass(frozen=True)
class Site:
    out: Path
    accepted_urls: frozenset[str]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    root = tmp_path_factory.mktemp("xss-site")
    plans = root / "plans"
    plans.mkdir()
    # the buyer's people's roles too, which a page shows only when told to
    (root / "mapsite.yml").write_text("show_buyer_roles: true\n", encoding="utf-8")
    accepted = frozenset(p for _, p in PAYLOADS if url_accepted(p))
    for i, (_, payload) in enumerate(PAYLOADS):
        front = plan_with(payload, token(i), url_ok=payload in accepted)
        write_plan(plans, f"p{i:02d}", front, markdown_with(payload))

    # all payloads on one page, so that they can also interact with each other
    everything = plan_with(PAYLOADS[0][1], token("all"), url_ok=False)
    everything["title"] = " ".join(p for _, p in PAYLOADS if "\n" not in p)
    everything["success_criteria"] = [p for _, p in PAYLOADS]
    everything["stakeholders"] = [
        {
            "name": f"{i} {p}",
            "side": "buyer",
            "title": p,
            "role": p,
            "email": email_for(p),
            "phone": p,
        }
        for i, (_, p) in enumerate(PAYLOADS)
    ]
    everything["risks"] = [{"risk": p, "plan": p, "owner": p} for _, p in PAYLOADS]
    everything["resources"] = [
        {"title": p, "url": p if p in accepted else None, "description": p} for _, p in PAYLOADS
    ]
    everything["milestones"] = [
        {"name": p, "why": p, "due": date(2026, 12, 20),
         "steps": [{"task": p, "owner": f"{i} {p}", "notes": markdown_with(p),
                    "due": date(2026, 12, 1 + i % 28)}]}
        for i, (_, p) in enumerate(PAYLOADS)
    ]  # fmt: skip
    body = "\n".join(markdown_with(p) for _, p in PAYLOADS)
    write_plan(plans, "everything", everything, body)
    protected = {**everything, "share": {"token": token("locked"), "password_env": PASSWORD_ENV}}
    write_plan(plans, "everything-protected", protected, body)

    write_plan(plans, "links", plan_with("Links", token("links"), url_ok=True), LINKS_BODY)
    write_plan(plans, "plain", plan_with(PLAIN, token("plain"), url_ok=True), markdown_with(PLAIN))

    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(PASSWORD_ENV, PASSWORD)
        build(root, root / "public", today=TODAY, pdf=False)
    return Site(root / "public", accepted)


@dataclass
class Seen:
    """What a page did while it was open."""

    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    navigations: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Visit:
    """A plan page as the browser saw it, ``WAIT_MS`` after it loaded."""

    html: Path
    seen: Seen
    url: str
    title: str
    problems: list[str]
    tags: dict[str, str]
    """Each element name in the page, with one such element."""
    texts: dict[str, list[str]]
    mail: list[tuple[str, str]]
    resource_links: list[str]
    actions: list[tuple[str, str, str]]
    """The buyer's email actions: (href as written, href as the browser reads it, label)."""

    def shown(self, name: str) -> list[str]:
        return [" ".join(text.split()) for text in self.texts[name]]


def static_base(html: Path) -> str:
    """Where the theme's files of the site holding the page ``html`` are."""
    return (html.parent.parent / "static").as_uri() + "/"


class Tab:
    """A browser tab that records dialogs, script errors, requests and navigations.
    Requests that would leave the machine are aborted (and recorded)."""

    def __init__(self, page: Page) -> None:
        self.page, self.seen = page, Seen()
        page.on("dialog", self._dialog)
        page.on("pageerror", lambda error: self.seen.errors.append(f"page error: {error}"))
        page.on("console", self._console)
        page.on("request", self._request)
        page.on("framenavigated", self._navigated)
        page.route(re.compile(r"^(?!file:)"), self._leaving)

    def _dialog(self, dialog: Dialog) -> None:
        self.seen.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.seen.errors.append(f"console: {message.text}")

    def _request(self, request: Request) -> None:
        if request.url.startswith("file:"):
            self.seen.requests.append(request.url)

    def _leaving(self, route: Route) -> None:
        self.seen.requests.append(route.request.url)
        route.abort()

    def _navigated(self, frame: Frame) -> None:
        if frame == self.page.main_frame:
            self.seen.navigations.append(frame.url)

    def open(self, html: Path, *, wait: bool = True) -> None:
        self.seen = Seen()
        self.page.goto(html.as_uri(), wait_until="load" if wait else "commit")

    def inspect(self, html: Path, scripts: tuple[str, ...] = ("mapsite.js",)) -> Visit:
        found = self.page.evaluate(
            INSPECT,
            {"safe": SAFE_PROTOCOLS, "staticBase": static_base(html),
             "themeScripts": list(scripts), "shown": SHOWN},
        )  # fmt: skip
        return Visit(
            html,
            self.seen,
            found["url"],
            found["title"],
            found["problems"],
            found["tags"],
            found["texts"],
            [tuple(pair) for pair in found["mail"]],
            found["resourceLinks"],
            [tuple(action) for action in found["actions"]],
        )


TABS = 12  # pages open at once: their WAIT_MS pass together


@pytest.fixture(scope="module")
def tabs(browser: Browser) -> Iterator[list[Tab]]:
    context = browser.new_context()
    yield [Tab(context.new_page()) for _ in range(TABS)]
    context.close()


def visit_all(tabs: list[Tab], pages: list[Path]) -> list[Visit]:
    visits = []
    for start in range(0, len(pages), len(tabs)):
        batch = list(zip(tabs, pages[start : start + len(tabs)], strict=False))
        for tab, html in batch:  # the tabs load side by side
            tab.open(html, wait=False)
        for tab, _ in batch:
            tab.page.wait_for_load_state("load")
        tabs[0].page.wait_for_timeout(WAIT_MS)
        visits += [tab.inspect(html) for tab, html in batch]
    return visits


@pytest.fixture(scope="module")
def visits(site: Site, tabs: list[Tab]) -> dict[str, Visit]:
    """Every payload's plan, the plan with all of them, the links plan and the plan in
    plain words, opened."""
    names = [*(name for name, _ in PAYLOADS), "everything", "links", "plain"]
    folders = [*(token(i) for i in range(len(PAYLOADS))), token("all"), token("links")]
    folders.append(token("plain"))
    pages = [site.out / folder / "index.html" for folder in folders]
    return dict(zip(names, visit_all(tabs, pages), strict=True))


@pytest.fixture(scope="module")
def theme_tags(visits: dict[str, Visit]) -> frozenset[str]:
    """The elements of a page whose plan has nothing to escape."""
    return frozenset(visits["plain"].tags)


def assert_inert(
    visit: Visit, theme_tags: frozenset[str], scripts: tuple[str, ...] = ("mapsite.js",)
) -> None:
    """Nothing ran, nothing left the page, nothing but the page's own files was loaded,
    and the DOM holds no payload markup."""
    html, seen = visit.html, visit.seen
    assert seen.dialogs == [], "a payload opened a dialog"
    assert seen.errors == [], "a payload ran (or broke) a script"
    assert seen.navigations == [html.as_uri()], "a payload navigated the page"
    assert visit.url == html.as_uri()
    fetched = {url.split("?")[0] for url in seen.requests}
    static, logos = static_base(html), re.compile(re.escape(html.parent.as_uri()) + "/logo-")
    # the page's own files: itself, its scripts, and the theme's icon (base.html links it)
    own = {html.as_uri(), static + "favicon.svg", *(static + name for name in scripts)}
    stylesheets = {url for url in fetched if url.startswith(static) and url.endswith(".css")}
    others = fetched - own - stylesheets
    assert not {url for url in others if not logos.match(url)}, "a payload loaded something"
    assert visit.problems == [], "payload markup in the page"
    unexpected = [what for tag, what in visit.tags.items() if tag not in theme_tags | MARKDOWN_TAGS]
    assert unexpected == [], "payload elements in the page"


def flat(text: str, *, title: bool = False) -> str:
    """What a browser shows of ``text``: whitespace collapsed; a NUL is dropped from the
    page's text and replaced in its title (as the HTML parser does)."""
    return " ".join(text.replace("\x00", "\ufffd" if title else "").split())


@pytest.mark.parametrize("name", [name for name, _ in PAYLOADS])
def test_payload_is_inert_and_shown_as_text(
    site: Site, visits: dict[str, Visit], theme_tags: frozenset[str], name: str
) -> None:
    payload = dict(PAYLOADS)[name]
    visit = visits[name]
    if "<" in payload:
        source = visit.html.read_text(encoding="utf-8")
        assert payload.strip() not in source, "the payload is in the page's source unescaped"
    assert_inert(visit, theme_tags)

    p = flat(payload)
    assert visit.title == "{0} · {0} seller × {0}".format(flat(payload, title=True))
    assert visit.shown("plan-title") == [p]
    assert visit.shown("eyebrow") == [f"{p} seller × and {p}".upper()]  # CSS uppercase
    assert visit.shown("brands") == [f"{p} seller", p]
    assert visit.shown("milestones") == [p, f"{p} second"]
    assert visit.shown("why") == [p, p]
    assert visit.shown("tasks") == [p, p, f"{p} later"]
    assert visit.shown("next") == [p, f"{p} later"]
    assert visit.shown("value") == [p]
    assert visit.shown("event") == [p]
    assert visit.shown("criteria") == [p, f"second {p}"]
    assert visit.shown("people") == [p, f"{p} (seller)", f"{p} (no side)"]
    assert visit.shown("person-titles") == [p] * 3
    assert visit.shown("roles") == [p] * 2
    assert visit.shown("resources") == [p, f"{p} without a link"]
    assert visit.shown("resource-descs") == [p] * 2
    assert visit.shown("risks") == [p]
    assert visit.shown("risk-plans") == [f"Plan: {p}"]
    assert p in visit.shown("owners")[-1]
    assert f"Shared privately by {p} seller with {p}." in visit.shown("footer")[0]
    attribute = payload.strip().replace("\x00", "\ufffd")  # as the HTML parser reads it
    email = email_for(payload).strip().replace("\x00", "\ufffd")
    assert visit.mail[:1] == [(f"mailto:{email}", email)]
    tag = re.search(r"<([a-z]+)", payload)
    if tag and "\n" not in payload:  # Markdown shows a tag as text, not as an element
        assert f"<{tag.group(1)}" in visit.shown("notes")[0]
        assert f"<{tag.group(1)}" in visit.shown("step-notes")[0]
    if payload in site.accepted_urls:  # the url is the link's address, as written
        assert visit.resource_links == [attribute]
    else:
        assert visit.resource_links == ["https://example.com/"]


def read_mailto(url: str) -> tuple[list[str], dict[str, str]]:
    """A mailto: link as a mail app reads it (RFC 6068): addresses, header fields."""
    to, _, query = url.removeprefix("mailto:").partition("?")
    fields = dict(pair.partition("=")[::2] for pair in query.split("&"))
    return [unquote(a) for a in to.split(",")], {k: unquote(v) for k, v in fields.items()}


def crlf(text: str) -> str:
    return "\r\n".join(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))


@pytest.mark.parametrize("name", [name for name, _ in PAYLOADS])
def test_email_actions_carry_the_payload_exactly(visits: dict[str, Visit], name: str) -> None:
    """'Done? Tell us' and 'Question about this step' open a message to the seller that
    names the step: whatever its text, it arrives as written, and cannot add a field or
    a recipient, end the link, or escape the attribute."""
    payload = dict(PAYLOADS)[name]
    p = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", payload.strip())  # not mailable
    labels = [label.split("\n")[0].strip() for _, _, label in visits[name].actions]
    question = "Question about this step"
    assert labels == ["Done? Tell us"] * 2 + [question] + ["Done? Tell us", question] * 2
    email = email_for(payload).strip()
    for written, read_by_browser, _ in visits[name].actions:
        assert re.fullmatch(r"mailto:[A-Za-z0-9\-._~!$'()*+,;=:@/?&%]*", written), written
        assert read_by_browser == written  # no HTML entity or whitespace changed it
        to, fields = read_mailto(written)
        assert to == [email]
        assert list(fields) == ["subject", "body"]
        assert fields["subject"].endswith(f" [{' '.join(p.split())}]")  # one line
        tasks = [f"\r\n{crlf(task)}\r\nMilestone: " for task in (p, f"{p} later")]
        assert any(task in fields["body"] for task in tasks)


@pytest.mark.parametrize("name", [n for n, p in PAYLOADS if "7*7" in p])
def test_template_syntax_is_shown_literally(visits: dict[str, Visit], name: str) -> None:
    payload = dict(PAYLOADS)[name]
    text = visits[name].shown("body")[0]
    assert payload in text
    assert "49" not in text and "7777777" not in text


def test_all_payloads_on_one_page(visits: dict[str, Visit], theme_tags: frozenset[str]) -> None:
    visit = visits["everything"]
    assert_inert(visit, theme_tags)
    assert visit.shown("criteria") == [flat(p) for _, p in PAYLOADS]
    assert visit.shown("risks") == [flat(p) for _, p in PAYLOADS]
    assert len(visit.shown("milestones")) == len(PAYLOADS)


def test_all_payloads_in_a_protected_plan(
    site: Site, tabs: list[Tab], theme_tags: frozenset[str]
) -> None:
    """The password form swaps the decrypted page in with DOMParser: payloads must be
    as inert there as on a page loaded the usual way."""
    html = site.out / token("locked") / "index.html"
    assert "alert(" not in html.read_text(encoding="utf-8")  # the plan is encrypted
    tab = tabs[0]
    tab.open(html)
    tab.page.locator("#unlock[data-ready='true']").wait_for()
    tab.page.fill("#unlock-password", PASSWORD)
    tab.page.click("#unlock button")
    tab.page.locator("#plan-title").wait_for()
    tab.page.wait_for_timeout(WAIT_MS)
    visit = tab.inspect(html, scripts=("mapsite.js", "unlock.js"))
    assert_inert(visit, theme_tags, scripts=("mapsite.js", "unlock.js"))
    assert visit.shown("risks") == [flat(p) for _, p in PAYLOADS]


UNSAFE_URLS = [
    "javascript:alert(1)",
    "JAVASCRIPT:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "\x01javascript:alert(1)",
    "javascript://%0aalert(1)",
    "data:text/html,<script>alert(1)</script>",
    f"data:text/html;base64,{_B64_SCRIPT}",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
]


def test_unsafe_resource_urls_are_refused_or_dropped(
    tmp_path: Path, tabs: list[Tab], theme_tags: frozenset[str]
) -> None:
    """A resource's url is an href the browser follows: either the build refuses an
    unsafe one, or the page shows the resource without the link."""
    (tmp_path / "plans").mkdir()
    front = plan_with("Unsafe links", token("unsafe"), url_ok=False)
    front["resources"] = [{"title": f"r{i}", "url": url} for i, url in enumerate(UNSAFE_URLS)]
    write_plan(tmp_path / "plans", "unsafe", front, "")
    try:
        build(tmp_path, tmp_path / "public", today=TODAY, pdf=False)
    except MapsiteError as exc:
        paths = sorted(problem.path for problem in exc.problems)
        assert paths == sorted(f"resources[{i}].url" for i in range(len(UNSAFE_URLS)))
        return
    html = tmp_path / "public" / token("unsafe") / "index.html"
    (visit,) = visit_all(tabs[:1], [html])
    assert_inert(visit, theme_tags)


LINKS_BODY = """\
Kept: [ok-https](https://example.com/a) [ok-http](http://example.com/b)
[ok-mailto](mailto:priya@example.com) [ok-tel](tel:+15550100) [ok-relative](#next-up)
<https://example.com/auto>

Not links: [bad-js](javascript:alert(1)) [bad-js-case](JAVASCRIPT:alert(1))
[bad-data](data:text/html,x) [bad-vbs](vbscript:msgbox(1)) [bad-file](file:///etc/passwd)
[bad-ftp](ftp://example.com/x) [bad-tab](<java\tscript:alert(1)>)
[bad-entity-tab](jav&#x09;ascript:alert(1)) [bad-colon](javascript&colon;alert(1))
[bad-entity-j](&#106;avascript:alert(1)) [bad-ref][r] <javascript:alert(1)>
![bad-image](data:image/svg+xml;base64,PHN2Zz4=)
[bad-space](< javascript:alert(1)>)

[r]: javascript:alert(1)
"""


def test_markdown_links_limited_to_safe_schemes(
    visits: dict[str, Visit], tabs: list[Tab], theme_tags: frozenset[str]
) -> None:
    visit = visits["links"]
    assert_inert(visit, theme_tags)
    page = tabs[0].page
    page.goto(visit.html.as_uri())
    links = page.eval_on_selector_all(
        ".notes a", "links => links.map(a => [a.textContent, a.protocol, a.getAttribute('href')])"
    )
    by_text = {text: (protocol, href) for text, protocol, href in links}
    assert by_text["ok-https"] == ("https:", "https://example.com/a")
    assert by_text["ok-http"] == ("http:", "http://example.com/b")
    assert by_text["ok-mailto"] == ("mailto:", "mailto:priya@example.com")
    assert by_text["ok-tel"] == ("tel:", "tel:+15550100")
    assert by_text["ok-relative"][1] == "#next-up"
    assert by_text["https://example.com/auto"][0] == "https:"
    for text, (protocol, href) in by_text.items():
        assert protocol in (*SAFE_PROTOCOLS, "file:"), (text, href)
        if text.startswith("bad-"):  # kept only as a harmless relative link, if at all
            assert protocol == "file:", (text, href)
    assert "javascript:alert(1)" in visit.shown("notes")[0]  # refused links stay as text


def test_the_checks_catch_live_payloads(
    site: Site, tabs: list[Tab], theme_tags: frozenset[str]
) -> None:
    """The checks above are only worth something if they see a payload that does run:
    the same page with payloads pasted into it unescaped fails every one of them."""
    html = site.out / token("live") / "index.html"
    html.parent.mkdir()
    clear = (site.out / token(0) / "index.html").read_text(encoding="utf-8")
    live = [
        "<img src=x onerror=alert(1)>",
        "<script>window.__xss = 1</script>",
        '<a href="javascript:alert(2)">x</a>',
        '<p style="color:red" onclick="alert(3)">x</p>',
        f"<img src={ATTACKER}pixel.gif>",
        "<iframe srcdoc=x></iframe>",
        "<script>nonexistent()</script>",
    ]
    html.write_text(clear.replace("<main ", "".join(live) + "<main ", 1), encoding="utf-8")
    (visit,) = visit_all(tabs[:1], [html])
    assert visit.seen.dialogs == ["alert: 1"]
    assert any("nonexistent" in error for error in visit.seen.errors)
    assert f"{ATTACKER}pixel.gif" in visit.seen.requests
    assert f"{html.parent.as_uri()}/x" in visit.seen.requests
    problems = "\n".join(visit.problems)
    for expected in (
        "onerror=",
        "window.__xss = 1",
        'href="javascript:alert(2)"',
        'style="color:red"',
        "onclick=",
        "srcdoc=",
        "script <script>",
    ):
        assert expected in problems
    assert {"img", "iframe"} <= set(visit.tags) - theme_tags - MARKDOWN_TAGS
    with pytest.raises(AssertionError):
        assert_inert(visit, theme_tags)
