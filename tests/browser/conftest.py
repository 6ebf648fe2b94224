"""Browser tests: a real `tandem serve` on a free loopback port, driven by Debian's Chromium."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
PEOPLE = [  # email, name, side, role
    ("maya@northwind.example", "Maya Chen", "marketing", "lead"),
    ("lucas@northwind.example", "Lucas Moreau", "marketing", "member"),
    ("daniel@northwind.example", "Daniel Okafor", "technology", "lead"),
    ("hannah@northwind.example", "Hannah Schulz", "technology", "member"),
    ("oliver@northwind.example", "Oliver Grant", "executive", "viewer"),
]
PASSWORD = "browser-test-password"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    home = tmp_path_factory.mktemp("browser-workspace")
    env = {**os.environ, "TANDEM_HOME": str(home), "TANDEM_FEED_POLL_SECONDS": "0.3",
           "TANDEM_DATABASE_URL": f"sqlite:///{home / 'tandem.db'}"}
    tandem = [sys.executable, "-m", "tandem"]
    subprocess.run([*tandem, "init", "--admin-password", PASSWORD], env=env, check=True, capture_output=True)
    for email, name, side, role in PEOPLE:
        subprocess.run([*tandem, "users", "add", email, "--name", name, "--side", side, "--role", role,
                        "--password", PASSWORD], env=env, check=True, capture_output=True)
    yield from serve(home, env)


def serve(home: Path, env: dict[str, str]) -> Iterator[str]:
    """`tandem serve` for the workspace in ``env`` on a free loopback port; yields its base URL."""
    tandem = [sys.executable, "-m", "tandem"]
    port = _free_port()
    log = open(Path(home) / "server.log", "w")  # noqa: SIM115 (closed below)
    proc = subprocess.Popen([*tandem, "serve", "--port", str(port)], env=env, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=1) as r:  # noqa: S310 (loopback)
                if r.status == 200:
                    break
        except OSError:
            time.sleep(0.1)
    else:
        proc.terminate()
        raise RuntimeError("tandem serve did not answer /healthz: " + (Path(home) / "server.log").read_text())
    yield base
    proc.terminate()
    proc.wait(timeout=10)
    log.close()


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail("Debian's chromium is required under CI=true (apt-get install chromium)")
        pytest.skip("chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--no-first-run", "--disable-sync"])
        yield browser
        browser.close()


@pytest.fixture
def signed_in(chromium, server):  # type: ignore[no-untyped-def]
    """``signed_in(email, viewport=None)`` -> a page in its own browser context, signed in."""
    contexts = []

    def _open(email: str, viewport: dict[str, int] | None = None):  # type: ignore[no-untyped-def]
        context = chromium.new_context(viewport=viewport or {"width": 1280, "height": 900})  # type: ignore[attr-defined]
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{server}/login")
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{server}/")
        return page

    yield _open
    for context in contexts:
        context.close()
