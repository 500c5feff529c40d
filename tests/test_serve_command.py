"""``varna serve`` reads its address strictly and runs gunicorn with the Django application."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from varna.core.management.commands import serve

BASE_DIR = Path(__file__).resolve().parent.parent


class FakeGunicorn:
    """Stands in for gunicorn so that a test never starts a server that runs forever."""

    started_with: dict[str, Any] | None = None

    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options

    def run(self) -> None:
        FakeGunicorn.started_with = self.options


@pytest.fixture
def fake_gunicorn(monkeypatch: pytest.MonkeyPatch) -> type[FakeGunicorn]:
    for name in ("VARNA_BIND", "PORT", "VARNA_WORKERS"):
        monkeypatch.delenv(name, raising=False)
    FakeGunicorn.started_with = None
    monkeypatch.setattr(serve, "GunicornApplication", FakeGunicorn)
    return FakeGunicorn


def test_serve_defaults_to_localhost_port_8000(fake_gunicorn: type[FakeGunicorn]) -> None:
    call_command("serve")

    assert fake_gunicorn.started_with is not None
    assert fake_gunicorn.started_with["bind"] == "127.0.0.1:8000"
    assert fake_gunicorn.started_with["accesslog"] == "-"
    assert 1 <= fake_gunicorn.started_with["workers"] <= serve.MAX_DEFAULT_WORKERS


def test_serve_reads_address_and_workers_from_environment(
    fake_gunicorn: type[FakeGunicorn], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VARNA_BIND", "0.0.0.0")  # noqa: S104
    monkeypatch.setenv("PORT", "8123")
    monkeypatch.setenv("VARNA_WORKERS", "3")

    call_command("serve")

    assert fake_gunicorn.started_with is not None
    assert fake_gunicorn.started_with["bind"] == "0.0.0.0:8123"
    assert fake_gunicorn.started_with["workers"] == 3


def test_serve_options_override_environment(fake_gunicorn: type[FakeGunicorn], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORT", "8123")

    call_command("serve", port="9000", bind="::1", workers="2")

    assert fake_gunicorn.started_with is not None
    assert fake_gunicorn.started_with["bind"] == "[::1]:9000"
    assert fake_gunicorn.started_with["workers"] == 2


@pytest.mark.parametrize("port", ["", "abc", "80a", " 8000", "-1", "0", "65536", "8000.0"])
def test_serve_rejects_bad_port(fake_gunicorn: type[FakeGunicorn], monkeypatch: pytest.MonkeyPatch, port: str) -> None:
    monkeypatch.setenv("PORT", port)

    with pytest.raises(CommandError, match="PORT must be a whole number from 1 to 65535"):
        call_command("serve")
    assert fake_gunicorn.started_with is None


@pytest.mark.parametrize("workers", ["", "0", "two", "-2"])
def test_serve_rejects_bad_worker_count(
    fake_gunicorn: type[FakeGunicorn], monkeypatch: pytest.MonkeyPatch, workers: str
) -> None:
    monkeypatch.setenv("VARNA_WORKERS", workers)

    with pytest.raises(CommandError, match="VARNA_WORKERS must be a whole number of at least 1"):
        call_command("serve")
    assert fake_gunicorn.started_with is None


@pytest.mark.parametrize("host", ["", "local host", "http://example.se"])
def test_serve_rejects_bad_bind_address(
    fake_gunicorn: type[FakeGunicorn], monkeypatch: pytest.MonkeyPatch, host: str
) -> None:
    monkeypatch.setenv("VARNA_BIND", host)

    with pytest.raises(CommandError, match="VARNA_BIND must be a host name or an IP address"):
        call_command("serve")
    assert fake_gunicorn.started_with is None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_serve_answers_http_requests(tmp_path: Path) -> None:
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "VARNA_DATA_DIR": str(tmp_path),
        "PORT": str(port),
        "VARNA_WORKERS": "1",
    }
    env.pop("VARNA_BIND", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "varna.cli", "serve"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}/robots-that-do-not-exist"
    try:
        status = None
        deadline = time.monotonic() + 30
        while status is None and time.monotonic() < deadline and server.poll() is None:
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    status = response.status
            except urllib.error.HTTPError as error:
                status = error.code
            except OSError:
                time.sleep(0.2)
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)

    assert status == 404, output
    assert f"Serving Värna at http://127.0.0.1:{port}/" in output
    assert "/robots-that-do-not-exist" in output  # the access log
