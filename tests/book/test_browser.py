"""Does every page of the built book read as it should in a real browser, with no network?

The book built by the session fixture `book_html` (tests/book/conftest.py) is served on 127.0.0.1
and each page is opened in headless Chromium (Debian's `chromium`, driven by playwright; no browser
is downloaded). Any request for another host is recorded and refused, so the test never reaches the
network even when a page tries to. One full-page screenshot per toc page goes to
artifacts/screenshots/<name>.png.

Without Chromium the tests are skipped on a workstation and fail in CI (environment variable CI set).
CHROMIUM_PATH names another Chromium binary.
"""
from __future__ import annotations

import functools
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

VIEWPORT = {"width": 1280, "height": 900}
LOAD_TIMEOUT_MS = 30_000

# Visible text (code excluded) that means math was left as source: $$, \( \), \[ \], $...$.
RAW_MATH = re.compile(r"\$\$|\\\(.*?\\\)|\\\[.*?\\\]|\$[^$\n]{1,200}\$", re.DOTALL)

# JavaScript run in the page once it has loaded.
WAIT_FOR_MATHJAX = """async () => {
    if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
        await MathJax.startup.promise;
    }
    await document.fonts.ready;
}"""
LOAD_ALL_IMAGES = """async () => {
    const images = [...document.images];
    images.forEach(img => { img.loading = 'eager'; });
    await Promise.all(images.map(img => img.complete ? null
        : new Promise(done => { img.addEventListener('load', done); img.addEventListener('error', done); })));
    return images.map(img => ({src: img.getAttribute('src'), alt: img.getAttribute('alt') || '',
                               loaded: img.complete && img.naturalWidth > 0}));
}"""
MATH_STATE = """() => {
    const math = [...document.querySelectorAll('.math')];
    const root = (document.querySelector('main') || document.body).cloneNode(true);
    // Code shows source on purpose; search results quote pages as plain text, math included.
    root.querySelectorAll('pre, code, script, style, mjx-container, .math, #search-results .context')
        .forEach(e => e.remove());
    return {
        math: math.length,
        typeset: document.querySelectorAll('mjx-container').length,
        untypeset: math.filter(e => !e.querySelector('mjx-container'))
                       .map(e => e.textContent.trim().slice(0, 80)),
        mathjaxLoaded: !!(window.MathJax && MathJax.startup),
        text: root.textContent,
    };
}"""
# Code blocks that scroll sideways at the viewport's width, with their longest line.
WIDE_CODE = """() => [...document.querySelectorAll('main pre')]
    .filter(pre => pre.scrollWidth > pre.clientWidth + 1)
    .map(pre => pre.textContent.split('\\n').reduce((a, b) => b.length > a.length ? b : a, ''))"""
LINKS_AND_IDS = """() => ({
    links: [...document.querySelectorAll('a[href]')].map(a => a.href),
    ids: [...document.querySelectorAll('[id], a[name]')].map(e => e.id || e.getAttribute('name')),
})"""


@pytest.fixture(scope="session")
def served_book(book_html, serve_folder):
    """The built book over HTTP on 127.0.0.1, for the whole session."""
    return serve_folder(book_html)


@pytest.fixture
def browser_context(chromium, served_book):
    """A fresh browser context (a first-time visitor: empty storage, empty cache) whose requests
    to any host but the book's server are refused."""
    context = chromium.new_context(viewport=VIEWPORT)

    def only_local(route):
        if route.request.url.startswith(served_book):
            route.continue_()
        else:
            route.abort("blockedbyclient")

    context.route("**/*", only_local)
    yield context
    context.close()


class Ids(HTMLParser):
    """The id (and <a name>) of every element of one HTML file."""

    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.ids.update(v for k, v in attrs.items() if v and (k == "id" or (tag == "a" and k == "name")))


@functools.lru_cache(maxsize=None)
def ids_in(path: Path) -> frozenset[str]:
    parser = Ids()
    parser.feed(path.read_text(encoding="utf8"))
    return frozenset(parser.ids)


def is_local(url: str, base: str) -> bool:
    return url.startswith(base) or url.split(":", 1)[0] in ("data", "blob", "about")


def broken_internal_links(links, page_ids, page_file: Path, base: str, html: Path) -> list[str]:
    """Internal links whose page is missing from the build, or whose #anchor is not on it."""
    broken = []
    for link in links:
        if not link.startswith(base):
            continue  # a link to another site, mailto:, javascript: -- not internal
        parts = urlsplit(link)
        path = unquote(parts.path)
        target = html / path.lstrip("/")
        if path.endswith("/"):
            target = target / "index.html"
        if not target.is_file():
            broken.append(f"{link}: no such file in the build")
        elif parts.fragment:
            anchor = unquote(parts.fragment)
            known = ids_in(target) | (set(page_ids) if target == page_file else set())
            if target.suffix == ".html" and anchor not in known:
                broken.append(f"{link}: no element with id {anchor!r} on {target.name}")
    return broken


def test_index_redirects_to_the_first_page(browser_context, served_book, toc_entries):
    """Does opening the book's address land on its introduction?"""
    page = browser_context.new_page()
    try:
        page.goto(served_book, wait_until="load", timeout=LOAD_TIMEOUT_MS)
        page.wait_for_url(f"{served_book}{toc_entries[0]}.html", timeout=LOAD_TIMEOUT_MS)
    finally:
        page.close()


def test_mathjax_accessibility_stays_local(browser_context, served_book, book_html, toc_entries):
    """When a reader turns on MathJax's explorer (speech and navigation of formulas, in MathJax's
    menu), are the speech rules it loads served from the book, not from a CDN?"""
    with_math = [name for name in toc_entries
                 if 'class="math' in (book_html / f"{name}.html").read_text(encoding="utf8")]
    assert with_math, "no page of the book has math"
    page = browser_context.new_page()
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    try:
        page.goto(f"{served_book}{with_math[0]}.html", wait_until="load", timeout=LOAD_TIMEOUT_MS)
        page.evaluate(WAIT_FOR_MATHJAX)
        before = len(requests)
        page.evaluate("() => MathJax.startup.document.menu.menu.pool.lookup('explorer').setValue(true)")
        page.wait_for_function("() => MathJax._.a11y && MathJax._.a11y.explorer", timeout=LOAD_TIMEOUT_MS)
        page.wait_for_load_state("networkidle", timeout=LOAD_TIMEOUT_MS)
    finally:
        page.close()
    loaded = requests[before:]
    assert any("/sre/mathmaps/" in url for url in loaded), f"the explorer loaded no speech rules: {loaded}"
    outside = [url for url in loaded if not is_local(url, served_book)]
    assert not outside, f"the explorer fetched from outside: {outside}"


def test_page_reads_in_a_browser(browser_context, served_book, book_page, book_html,
                                 toc_entries, artifacts_dir):
    """Is the page's math typeset, every image loaded, every internal link alive, every code
    block as wide as the column (no sideways scrolling), the console free of errors, and every
    request answered by the book's own server?"""
    url = served_book + book_page
    page_file = book_html / urlsplit(book_page).path
    page = browser_context.new_page()
    requests, errors = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: errors.append(f"console {m.type}: {m.text}")
            if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"uncaught exception: {e}"))
    page.on("requestfailed", lambda r: errors.append(f"request failed: {r.url} ({r.failure})"))
    page.on("response", lambda r: errors.append(f"HTTP {r.status}: {r.url}")
            if r.status >= 400 else None)
    try:
        page.goto(url, wait_until="load", timeout=LOAD_TIMEOUT_MS)
        page.wait_for_load_state("networkidle", timeout=LOAD_TIMEOUT_MS)
        page.evaluate(WAIT_FOR_MATHJAX)
        images = page.evaluate(LOAD_ALL_IMAGES)
        math = page.evaluate(MATH_STATE)
        found = page.evaluate(LINKS_AND_IDS)
        wide = page.evaluate(WIDE_CODE)
        name = urlsplit(book_page).path.removesuffix(".html")
        if name in toc_entries:
            shots = artifacts_dir / "screenshots"
            shots.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
    finally:
        page.close()

    problems = []
    outside = sorted({r for r in requests if not is_local(r, served_book)})
    problems += [f"request left the book's server: {r}" for r in outside]
    problems += list(dict.fromkeys(errors))
    if math["math"]:
        if not math["mathjaxLoaded"]:
            problems.append("the page has math but MathJax did not start")
        left = math["untypeset"]
        if left:
            problems.append(f"{len(left)} of {math['math']} math elements left untypeset, e.g. {left[:3]}")
    problems += [f"math source left in the visible text: {m.group(0)[:60]!r}"
                 for m in RAW_MATH.finditer(math["text"])]
    problems += [f"image did not load: {img['src']}" for img in images if not img["loaded"]]
    problems += [f"image without alt text: {img['src']}" for img in images
                 if not img["alt"].strip() or img["alt"] == img["src"]]
    problems += [f"code wider than the column ({len(line)} characters): {line.strip()[:70]}"
                 for line in wide]
    problems += [f"internal link does not resolve: {b}" for b in
                 broken_internal_links(found["links"], found["ids"], page_file, served_book, book_html)]
    assert not problems, f"{book_page}:\n" + "\n".join(problems)


# ------------------------------------------------------------------------------------- phones
PHONE = {"width": 390, "height": 844}

# Elements of the page's main column that reach past the right edge of the viewport with no
# scroll container around them that itself fits (so the reader cannot see or reach their end),
# and boxes that scroll sideways without the shadow hint of book/_static/book.css. Hidden
# elements and MathJax's assistive MathML (kept off-screen for screen readers) do not count.
PHONE_OVERFLOW = """() => {
  const W = document.documentElement.clientWidth;
  const describe = e => e.tagName.toLowerCase() +
      (typeof e.className === "string" && e.className ? "." + e.className.trim().split(/\\s+/).join(".") : "");
  const scrolls = e => { const s = getComputedStyle(e);
      return s.display !== "inline" && ["auto", "scroll"].includes(s.overflowX); };
  const fittingScroller = el => { for (let a = el.parentElement; a && a !== document.body; a = a.parentElement)
      if (scrolls(a) && a.getBoundingClientRect().right <= W + 1) return a; return null; };
  const visible = e => !e.closest("mjx-assistive-mml") &&
      e.checkVisibility({visibilityProperty: true, opacityProperty: true});
  const bad = new Set(), overflowing = [], hintless = [];
  for (const el of document.querySelectorAll("main *")) {
    if (!visible(el)) continue;
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.right > W + 1 && !fittingScroller(el)) {
      bad.add(el);
      if (!bad.has(el.parentElement))
        overflowing.push(`${describe(el)} reaches ${Math.round(r.right)} px: ${el.textContent.trim().slice(0, 60)}`);
    }
    if (scrolls(el) && el.scrollWidth > el.clientWidth + 1 && !el.closest("mjx-container:not([display])")
        && !getComputedStyle(el).backgroundImage.includes("gradient"))
      hintless.push(`${describe(el)}: ${el.textContent.trim().slice(0, 60)}`);
  }
  return {pageWidth: document.documentElement.scrollWidth, viewport: W, overflowing, hintless};
}"""


def test_page_fits_a_phone(chromium, served_book, book_page, toc_entries, artifacts_dir):
    """At 390 px wide, does the page not scroll sideways, does every element of its column fit or
    sit in a box that scrolls (wide formulas, tables, code, outputs), and does every such box
    that does scroll show the hint that there is more?"""
    context = chromium.new_context(viewport=PHONE, device_scale_factor=2)
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(served_book)
                  else route.abort("blockedbyclient"))
    page = context.new_page()
    try:
        page.goto(served_book + book_page, wait_until="load", timeout=LOAD_TIMEOUT_MS)
        page.wait_for_load_state("networkidle", timeout=LOAD_TIMEOUT_MS)
        page.evaluate(WAIT_FOR_MATHJAX)
        page.evaluate(LOAD_ALL_IMAGES)
        found = page.evaluate(PHONE_OVERFLOW)
        name = urlsplit(book_page).path.removesuffix(".html")
        if name in toc_entries:
            shots = artifacts_dir / "screenshots" / "phone"
            shots.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
    finally:
        page.close()
        context.close()
    problems = []
    if found["pageWidth"] > found["viewport"]:
        problems.append(f"the page is {found['pageWidth']} px wide in a {found['viewport']} px viewport")
    problems += [f"runs off the page: {o}" for o in found["overflowing"]]
    problems += [f"scrolls with no hint: {h}" for h in found["hintless"]]
    assert not problems, f"{book_page} at {PHONE['width']} px:\n" + "\n".join(problems)
