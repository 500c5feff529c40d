"""``varna serve``: serve the application with gunicorn, the way production runs it.

Configuration comes from the environment, like the settings:

- ``VARNA_BIND``: the address to listen on (default ``127.0.0.1``; ``0.0.0.0`` for all interfaces).
- ``PORT``: the port (default ``8000``).
- ``VARNA_WORKERS``: the number of worker processes (default 2 x CPUs + 1, at most 8).
- ``GUNICORN_CMD_ARGS``: any further gunicorn options, e.g. ``--timeout 120``.

The command-line options override the environment.
"""

from __future__ import annotations

import os
import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connections
from gunicorn.app.base import BaseApplication

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
MAX_DEFAULT_WORKERS = 8


def parse_port(raw: str, *, source: str = "PORT") -> int:
    """A TCP port from text, strictly: digits only, 1-65535."""
    if not re.fullmatch(r"[0-9]+", raw):
        raise CommandError(f"{source} must be a whole number from 1 to 65535; got {raw!r}")
    port = int(raw)
    if not 1 <= port <= 65535:
        raise CommandError(f"{source} must be a whole number from 1 to 65535; got {raw!r}")
    return port


def parse_workers(raw: str, *, source: str = "VARNA_WORKERS") -> int:
    """A number of worker processes from text, strictly: digits only, at least 1."""
    if not re.fullmatch(r"[0-9]+", raw) or int(raw) < 1:
        raise CommandError(f"{source} must be a whole number of at least 1; got {raw!r}")
    return int(raw)


def parse_host(raw: str, *, source: str = "VARNA_BIND") -> str:
    """A host name or IP address to listen on; an IPv6 address is put in brackets."""
    host = raw.strip()
    if not host or any(char.isspace() or char in "/?#@" for char in host):
        raise CommandError(f"{source} must be a host name or an IP address, such as 127.0.0.1; got {raw!r}")
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return host


def default_workers() -> int:
    """Gunicorn's rule of thumb, 2 x CPUs + 1, capped so that a big machine does not start dozens."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return min(2 * cpus + 1, MAX_DEFAULT_WORKERS)


def _setting(option: str | None, env_name: str) -> tuple[str | None, str]:
    """The raw value of a setting and where it came from: the command line wins over the environment."""
    if option is not None:
        return option, f"--{env_name.lower().removeprefix('varna_')}"
    return os.environ.get(env_name), env_name


class GunicornApplication(BaseApplication):
    """Gunicorn run from inside the management command, with the Django WSGI application."""

    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)
        # Let operators pass any further gunicorn option, as plain gunicorn would.
        extra = self.cfg.parser().parse_args(self.cfg.get_cmd_args_from_env())
        for key, value in vars(extra).items():
            if value is not None and key != "args":
                self.cfg.set(key.lower(), value)

    def load(self) -> Any:
        from varna.wsgi import application

        return application


class Command(BaseCommand):
    help = (
        "Serve Värna with gunicorn. Reads VARNA_BIND (default 127.0.0.1), PORT (default 8000), "
        "VARNA_WORKERS (default 2 x CPUs + 1, at most 8) and GUNICORN_CMD_ARGS from the environment."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", dest="host", help="Address to listen on (overrides VARNA_BIND).")
        parser.add_argument("--port", help="Port to listen on (overrides PORT).")
        parser.add_argument("--workers", help="Number of worker processes (overrides VARNA_WORKERS).")

    def handle(self, *args: Any, **options: Any) -> None:
        raw_host, host_source = _setting(options["host"], "VARNA_BIND")
        host = DEFAULT_HOST if raw_host is None else parse_host(raw_host, source=host_source)

        raw_port, port_source = _setting(options["port"], "PORT")
        port = DEFAULT_PORT if raw_port is None else parse_port(raw_port, source=port_source)

        raw_workers, workers_source = _setting(options["workers"], "VARNA_WORKERS")
        workers = default_workers() if raw_workers is None else parse_workers(raw_workers, source=workers_source)

        self.stdout.write(f"Serving Värna at http://{host}:{port}/ with {workers} gunicorn workers")
        self.stdout.flush()

        # The workers are forked from this process: they must not share its database connections.
        connections.close_all()
        GunicornApplication(
            {
                "bind": f"{host}:{port}",
                "workers": workers,
                "accesslog": "-",
                "errorlog": "-",
                "proc_name": "varna",
                # Gunicorn's control socket lives at one path in $HOME: a second server would take it over.
                "control_socket_disable": True,
            }
        ).run()
