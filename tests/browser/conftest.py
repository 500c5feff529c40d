"""Browser tests: a real gunicorn serving the demo municipality, driven by Debian's Chromium.

The server runs the production settings (``varna.settings``) against its own
SQLite file in a temporary directory, so these tests never touch the database
that pytest-django builds for the other tests. Nothing here uses pytest-django's
``live_server`` or transactional database: those would flush the shared data.

The server and the browser are package-scoped: they stop as soon as the browser
tests are done instead of idling through the rest of the run.
"""

from __future__ import annotations

import os
import re
import secrets
import socket
import string
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
DEMO_PASSWORD = "varna-demo"
DEMO_SCALE = "0.02"
DEMO_SEED = "1"
STARTUP_TIMEOUT = 120.0  # a busy shared machine boots two workers that import the whole app slowly
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

# Labels and buttons, in Swedish or English (the catalogue may not translate everything yet).
USERNAME_LABEL = re.compile(r"Användarnamn|User name", re.IGNORECASE)
PASSWORD_LABEL = re.compile(r"Lösenord|Password", re.IGNORECASE)
LOGIN_BUTTON = re.compile(r"^\s*(Logga in|Log in)\s*$", re.IGNORECASE)
LOGOUT_BUTTON = re.compile(r"^\s*(Logga ut|Log out)\s*$", re.IGNORECASE)
MAIN_MENU = re.compile(r"Huvudmeny|Main menu", re.IGNORECASE)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _server_env(data_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    # Production settings, never the test settings or an inherited database (the PostgreSQL run sets one).
    for name in list(env):
        if name.startswith("VARNA_") or name in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}:
            del env[name]
    alphabet = string.ascii_letters + string.digits
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "varna.settings",
            "VARNA_SECRET_KEY": "".join(secrets.choice(alphabet) for _ in range(50)),
            "VARNA_HTTPS": "0",
            "VARNA_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": f"sqlite:///{data_dir / 'browser.sqlite3'}",
            "VARNA_DATA_DIR": str(data_dir),
            "VARNA_STATIC_ROOT": str(data_dir / "static"),
            # Many log-ins in a row as the same personas: the lock-out is tested elsewhere.
            "VARNA_AXES_ENABLED": "0",
            # Mail is down: every page must still work (mail waits in the outbox; no worker runs here).
            "VARNA_EMAIL_BACKEND": "tests.mail_backends.AlwaysFailingBackend",
            "VARNA_LOG_LEVEL": "WARNING",
        }
    )
    return env


def _manage(env: dict[str, str], *args: str) -> None:
    result = subprocess.run(  # noqa: S603 - fixed arguments
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    if result.returncode != 0:
        pytest.fail(
            f"manage.py {' '.join(args)} failed with exit code {result.returncode}\n"
            f"--- stdout ---\n{result.stdout[-4000:]}\n--- stderr ---\n{result.stderr[-4000:]}",
            pytrace=False,
        )


def _wait_until_healthy(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"gunicorn exited with code {process.returncode}:\n{log.read_text()[-4000:]}", pytrace=False)
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - our own local server
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
            last_error = exc
        time.sleep(0.2)
    pytest.fail(
        f"gunicorn did not answer {url} within {STARTUP_TIMEOUT:.0f} s ({last_error}):\n{log.read_text()[-4000:]}"
    )


_SERVER_ENVS: dict[str, dict[str, str]] = {}


def on_server(base_url: str, code: str) -> None:
    """Run ``code`` in ``manage.py shell`` on the database of the server at ``base_url``: how a test that changes
    the shared demo data (every browser test sees the same server) puts it back as it found it."""
    _manage(_SERVER_ENVS[base_url], "shell", "-c", code)


@pytest.fixture(scope="package")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The address of a gunicorn serving the demo municipality with the production settings."""
    data_dir = tmp_path_factory.mktemp("browser")
    env = _server_env(data_dir)
    _manage(env, "migrate", "--noinput", "--verbosity=0")
    _manage(env, "collectstatic", "--noinput", "--verbosity=0")
    _manage(env, "demo", "--scale", DEMO_SCALE, "--seed", DEMO_SEED)

    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = data_dir / "gunicorn.log"
    with log.open("wb") as log_file:
        process = subprocess.Popen(  # noqa: S603 - fixed arguments
            # No control socket: its default path is shared by every gunicorn of the same user.
            [
                GUNICORN,
                "varna.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "--no-control-socket",
            ],
            cwd=ROOT,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    _SERVER_ENVS[url] = env
    try:
        _wait_until_healthy(f"{url}/healthz", process, log)
        yield url
    finally:
        _SERVER_ENVS.pop(url, None)
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/chromium.sh (apt-get install -y chromium)", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser: Any, base_url: str) -> Iterator[Any]:
    """A factory of pages, each in its own browser context (own cookies); all are closed afterwards."""
    contexts: list[Any] = []

    def make(*, width: int = 1280, height: int = 900) -> Any:
        context = browser.new_context(
            base_url=base_url,
            viewport={"width": width, "height": height},
            locale="sv-SE",
            timezone_id="Europe/Stockholm",
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page: Any) -> Any:
    """A fresh page in a new browser context: 1280x900, Swedish locale."""
    return new_page()


def login(page: Any, username: str, password: str = DEMO_PASSWORD) -> None:
    """Log in through the log-in form, as a person would, and wait for the next page."""
    page.goto("/login/")
    page.get_by_label(USERNAME_LABEL).fill(username)
    page.get_by_label(PASSWORD_LABEL).fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name=LOGIN_BUTTON).click()


def nav_links(page: Any) -> list[str]:
    """The paths in the main navigation of the current page, in order."""
    menu = page.get_by_role("navigation", name=MAIN_MENU)
    if menu.count() == 0:
        return []
    hrefs = menu.locator("a[href]").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    return [h for h in hrefs if h]


def axe_violations(page: Any) -> list[str]:
    """Run axe-core's WCAG 2.1 A and AA rules on the current page; one readable line per violation."""
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    results = Axe().run(page, options=options)
    lines = []
    for violation in results.response["violations"]:
        targets = ", ".join(" ".join(map(str, node["target"])) for node in violation["nodes"])
        lines.append(f"{page.url}: {violation['id']} ({violation.get('impact')}): {violation['help']} -> {targets}")
    return lines
