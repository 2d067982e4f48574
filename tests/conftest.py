"""Fixtures shared by the tests that drive a real browser (the book's pages, the class report,
JupyterLab)."""
from __future__ import annotations

import functools
import os
import shutil
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def chromium_or_skip() -> str:
    """Path of Debian's chromium (or of $CHROMIUM_PATH); skips without it, except in CI (CI set),
    where a missing browser fails the test."""
    reasons = []
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        reasons.append("playwright (python package) is not installed")
    path = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    if not os.access(path, os.X_OK):
        reasons.append(f"no chromium at {path} (Debian: apt-get install chromium)")
    if reasons:
        message = "cannot start a headless browser: " + "; ".join(reasons)
        if os.environ.get("CI"):
            pytest.fail(message + " -- the browser is required in CI", pytrace=False)
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def chromium():
    """A headless Chromium with no network features of its own (updates, sync, safe browsing)."""
    path = chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def serve_folder():
    """``serve_folder(path)`` -> the URL of ``path`` served over HTTP on 127.0.0.1 (an ephemeral
    port), until the session ends."""
    servers = []

    def serve(directory):
        server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(directory)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/"
    yield serve
    for server in servers:
        server.shutdown()
        server.server_close()
