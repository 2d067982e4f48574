"""End to end in real JupyterLab: does a student who runs an exercise notebook see the check output?"""
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SLUG = "ch01_circuits"
ARTIFACTS = ROOT / "artifacts" / "screenshots"


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def jupyterlab(tmp_path):
    """A JupyterLab server on localhost with a token, serving a folder with one exercise."""
    work = tmp_path / "lab"
    work.mkdir()
    # A student who has finished the exercise: the instructor's notebook, in the student's folder.
    shutil.copy(ROOT / "solutions" / SLUG / f"{SLUG}.ipynb", work / f"{SLUG}.ipynb")
    port, token = _free_port(), "e2e-token"
    # Render every cell (no virtual scrolling), so the whole notebook can be read from the page.
    settings = tmp_path / "settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    (settings / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}')
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(tmp_path / "cfg"), "JUPYTER_RUNTIME_DIR": str(tmp_path / "rt"),
           "JUPYTERLAB_SETTINGS_DIR": str(tmp_path / "settings"),
           "HOME": str(tmp_path), "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--ip=127.0.0.1", f"--port={port}",
         f"--ServerApp.token={token}", f"--ServerApp.root_dir={work}", "--allow-root", "--LabApp.news_url=",
         "--LabServerApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=1)
                break
            except OSError:
                if proc.poll() is not None:
                    raise RuntimeError(proc.stdout.read().decode()[-3000:])
                time.sleep(0.5)
        else:
            raise RuntimeError("JupyterLab did not start within 60 s")
        yield base, token
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, 15)
            proc.wait(timeout=30)


def test_run_all_cells_shows_check_results(jupyterlab, chromium):
    """Opening the notebook in JupyterLab and running all cells, does the page show every check's
    score table, with no failed check?"""
    base, token = jupyterlab
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context = chromium.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    try:
        text = _run_all(page, f"{base}/lab/tree/{SLUG}.ipynb?token={token}")
    finally:
        page.screenshot(path=str(ARTIFACTS / "jupyterlab_e2e.png"), full_page=False)
        context.close()
    assert "points" in text, "no check report on the page"
    assert "FAIL" not in text and "CheckFailed" not in text, "a check failed on the solution notebook"


def _run_all(page, url):
    """Open the notebook, run all cells from the Run menu, wait for the last cell; return the text."""
    # The kernel is usable once the page has opened its WebSocket and the kernel reports idle.
    with page.expect_console_message(lambda m: "Starting WebSocket" in m.text, timeout=90_000):
        page.goto(url)
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=60_000)
    page.wait_for_timeout(2_000)
    page.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
    # Wait until the last code cell shows an execution count: every cell has run.
    page.wait_for_function(
        """() => { const cells = document.querySelectorAll('.jp-CodeCell');
                   const last = cells[cells.length - 1];
                   const prompt = last.querySelector('.jp-InputPrompt').textContent;
                   return /\\[\\d+\\]/.test(prompt); }""", timeout=180_000)
    return page.locator(".jp-Notebook").inner_text()
