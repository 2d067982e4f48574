"""Does the book build with warnings as errors, one page per chapter, and nothing fetched from outside?

The build itself is the session fixture `book_build` (tests/book/conftest.py): a cold build into a
temporary folder with `jupyter-book build book -W -n --keep-going`.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

URL = re.compile(r"""https?://[^\s"'<>()\\]+""", re.IGNORECASE)

# XML namespace names (xmlns="http://www.w3.org/2000/svg" and the like) are identifiers that a
# browser compares as strings; nothing is ever fetched from them.
NAMESPACES = ("http://www.w3.org/",)

# URLs that stay in vendored JavaScript the pages load, with the reason none of them is fetched.
# test_browser.py checks the same at run time: it records every request while each page loads.
DORMANT_JS_URLS = {
    ("_static/mathjax/tex-chtml.js", "https://cdn.jsdelivr.net/npm/speech-rule-engine@"):
        "speech-rule-engine's default place for its locale files; MathJax's loader replaces it "
        "with [mathjax]/sre/mathmaps, which sphinx-mathjax-offline ships",
    ("_static/mathjax/tex-chtml.js", "https://cdn.jsdelivr.net/npm/sre-mathmaps-ie@"):
        "speech-rule-engine's locale files for Internet Explorer only",
    ("_static/mathjax/tex-chtml.js", "https://cdn.jsdelivr.net/npm/wicked-good-xpath@"):
        "an XPath polyfill loaded only by browsers without document.evaluate (Internet Explorer)",
    ("_static/mathjax/tex-chtml.js", "https://www.mathjax.org"):
        "a link shown in the About box of MathJax's menu",
    ("_static/scripts/pydata-sphinx-theme.js", "https://pydata-sphinx-theme.readthedocs.io/"):
        "text of a console message about the version switcher, which this book does not use",
}

# Attributes through which an HTML element makes the browser fetch something.
LOADING_ATTRIBUTES = {
    "script": ("src",), "link": ("href",), "img": ("src", "srcset"), "source": ("src", "srcset"),
    "iframe": ("src",), "frame": ("src",), "embed": ("src",), "object": ("data",),
    "video": ("src", "poster"), "audio": ("src",), "track": ("src",), "input": ("src",),
}


class PageScan(HTMLParser):
    """Collects what one HTML page loads, links to, and carries inline."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.loads: list[tuple[str, str]] = []  # (tag, url) of everything the page fetches
        self.anchors: set[str] = set()  # href of every <a>: navigation, not a fetch
        self.inline_code: list[str] = []  # bodies of inline <script> and <style>
        self.has_math = False
        self._in_code = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in LOADING_ATTRIBUTES.get(tag, ()):
            value = attrs.get(name)
            if value:
                urls = [part.split()[0] for part in value.split(",")] if name == "srcset" else [value]
                self.loads.extend((tag, url) for url in urls if url)
        if tag == "a" and attrs.get("href"):
            self.anchors.add(attrs["href"])
        if tag == "meta" and (attrs.get("http-equiv") or "").lower() == "refresh":
            target = (attrs.get("content") or "").partition("url=")[2]
            if target:
                self.loads.append(("meta", target))
        if "math" in (attrs.get("class") or "").split():
            self.has_math = True
        if "url(" in (attrs.get("style") or ""):
            self.inline_code.append(attrs["style"])
        self._in_code = tag in ("script", "style")

    def handle_endtag(self, tag):
        self._in_code = False

    def handle_data(self, data):
        if self._in_code and data.strip():
            self.inline_code.append(data)


def content_pages(html: Path) -> list[Path]:
    """Every HTML page of the book (the theme's template fragments in _static are not pages)."""
    return sorted(p for p in html.rglob("*.html")
                  if p.relative_to(html).parts[0] not in ("_static", "_sources"))


def scan(page: Path) -> PageScan:
    parser = PageScan()
    parser.feed(page.read_text(encoding="utf8"))
    return parser


def is_external(url: str) -> bool:
    return urlsplit(url).scheme.lower() not in ("", "data", "blob", "about")


def local_file(base: Path, url: str) -> Path:
    """The built file a relative URL points to, without query or fragment."""
    return (base.parent / unquote(urlsplit(url).path)).resolve()


def js_without_leading_comments(text: str) -> str:
    """Drops comments that start a line (licence headers, doc comments); they are never fetched."""
    text = re.sub(r"^\s*/\*.*?\*/", "", text, flags=re.DOTALL | re.MULTILINE)
    return re.sub(r"^\s*//[^\n]*", "", text, flags=re.MULTILINE)


def css_fetches(text: str) -> list[str]:
    """The URLs a stylesheet makes the browser fetch: url(...) and @import, outside comments."""
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.DOTALL)
    found = re.findall(r"""url\(\s*["']?([^"')]+)["']?\s*\)""", text)
    found += re.findall(r"""@import\s+["']([^"']+)["']""", text)
    return [u for u in found if not u.startswith("data:")]


def test_book_builds_with_warnings_as_errors(book_build, artifacts_dir):
    """Does `jupyter-book build book -W -n --keep-going` finish with no warning and no error?"""
    (artifacts_dir / "book_build.log").write_text(
        f"cold build in {book_build.seconds:.1f} s\n\n{book_build.log}", encoding="utf8")
    assert book_build.returncode == 0, (
        f"the build failed (exit {book_build.returncode}, {book_build.seconds:.0f} s):\n"
        + "\n".join(book_build.problems()))
    assert "build succeeded" in book_build.log


def test_one_page_per_toc_entry(book_html, toc_entries):
    """Is there exactly one HTML page per entry of book/_toc.yml, and no page outside it?"""
    expected = toc_entries
    missing = [f for f in expected if not (book_html / f"{f}.html").exists()]
    assert not missing, f"toc entries without a page: {missing}"
    sphinx_pages = {"index", "genindex", "search"}  # redirect to the root, index, search page
    built = {str(p.relative_to(book_html).with_suffix("")) for p in content_pages(book_html)}
    assert built - sphinx_pages == set(expected), (
        f"pages not in the toc: {sorted(built - sphinx_pages - set(expected))}")


def test_no_page_loads_anything_from_outside(book_html):
    """Does every URL a page loads (scripts, styles, fonts, images) point inside the build?"""
    offenders = []
    for page in content_pages(book_html):
        name = page.relative_to(book_html)
        found = scan(page)
        raw = page.read_text(encoding="utf8")
        for tag, url in found.loads:
            if is_external(url):
                offenders.append(f"{name}: <{tag}> loads {url}")
            elif not local_file(page, url).exists():
                offenders.append(f"{name}: <{tag}> points at a missing file {url}")
        for code in found.inline_code:
            offenders += [f"{name}: inline script/style mentions {u}" for u in URL.findall(code)
                          if not u.startswith(NAMESPACES)]
        # Anywhere else in the page, a URL may only be the target (or text) of a hyperlink.
        offenders += [f"{name}: {u}" for u in URL.findall(raw)
                      if not u.startswith(NAMESPACES)
                      and not any(a.startswith(u) or u.startswith(a) for a in found.anchors)]
    assert not offenders, "external URLs in the HTML:\n" + "\n".join(sorted(set(offenders)))


def test_no_script_or_stylesheet_loads_anything_from_outside(book_html):
    """Do the scripts and stylesheets the pages load (and the fonts they pull in) stay local?"""
    to_visit = {local_file(page, url) for page in content_pages(book_html)
                for tag, url in scan(page).loads
                if tag in ("script", "link") and not is_external(url)}
    seen, offenders, dormant_seen = set(), [], set()
    while to_visit:
        path = to_visit.pop()
        if path in seen or not path.is_file():
            continue
        seen.add(path)
        rel = path.relative_to(book_html).as_posix()
        if path.suffix == ".css":
            for url in css_fetches(path.read_text(encoding="utf8", errors="replace")):
                if is_external(url):
                    offenders.append(f"{rel}: stylesheet fetches {url}")
                else:
                    to_visit.add(local_file(path, url))
        elif path.suffix == ".js":
            text = js_without_leading_comments(path.read_text(encoding="utf8", errors="replace"))
            for url in set(URL.findall(text)):
                if url.startswith(NAMESPACES):
                    continue
                known = [key for key in DORMANT_JS_URLS if key[0] == rel and url.startswith(key[1])]
                if known:
                    dormant_seen.update(known)
                else:
                    offenders.append(f"{rel}: {url}")
    assert any(p.suffix == ".css" for p in seen) and any(p.suffix == ".js" for p in seen)
    assert not offenders, "external URLs in loaded scripts/styles:\n" + "\n".join(sorted(offenders))
    stale = set(DORMANT_JS_URLS) - dormant_seen
    assert not stale, f"entries of DORMANT_JS_URLS that no longer occur, remove them: {stale}"


def test_math_pages_load_the_local_mathjax(book_html):
    """Does every page with math load MathJax from the build's own _static/mathjax copy?"""
    math_pages = 0
    for page in content_pages(book_html):
        found = scan(page)
        scripts = [url for tag, url in found.loads if tag == "script" and "mathjax" in url.lower()]
        assert not any("latest.js" in url for url in scripts), f"{page.name} loads MathJax's CDN finder"
        if found.has_math:
            math_pages += 1
            local = [url for url in scripts if not is_external(url)
                     and local_file(page, url).is_file()
                     and local_file(page, url).is_relative_to(book_html / "_static" / "mathjax")]
            assert local, f"{page.name} has math but loads no local MathJax (scripts: {scripts})"
    assert math_pages > 0, "no page of the book has math: the check above checked nothing"
