"""Fixtures shared by the tests that drive a real browser (the book's pages, JupyterLab)."""
from __future__ import annotations

import os
import shutil

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
