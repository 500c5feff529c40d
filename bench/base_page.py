"""Benchmark of the base cost of a page: session, log-in, the access policy, the menu and the base template.

One command, in process (Django's test client, production settings, no web server), against a copy of a
scale-15 demo database so that the bench never writes to the original::

    .venv/bin/python bench/base_page.py                      # copies var/bench/risks-scale15.sqlite3 to /tmp
    .venv/bin/python bench/base_page.py --database var/bench/training-scale15.sqlite3 --profile 20

What it does: logs each persona in (a real session row, as a browser has), then for each page counts the SQL
queries of one request (``CaptureQueriesContext``) and times ``--requests`` requests after a warm-up, in
``--runs`` runs; p50/p95 per run and their medians. ``--profile N`` prints the ``N`` most expensive functions
(cProfile, cumulative) of the first page. The pages are the simplest logged-in pages: what every page pays
before its own work. Results are printed as JSON and written to
``bench/results/base-page-<date>-<database>.json``. Nothing here is a test: targets are reported, never asserted.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime
import io
import json
import os
import pstats
import secrets
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.incidents import RESULTS, log, machine, percentile  # noqa: E402 - after the path is set

TARGET_P50_MS = 8.0
# (name, persona, path): the simplest logged-in pages.
PAGES = [
    ("outgoing mail, administrator", "admin", "/outbox/"),
    ("overview, employee", "anstalld", "/"),
    ("overview, coordinator", "samordnare", "/"),
]


def copy_database(source: Path) -> Path:
    """A consistent copy (SQLite's backup API, safe while another process writes) under the temp directory."""
    target = Path(tempfile.gettempdir()) / f"base-page-{source.stem}.sqlite3"
    if target.exists() and target.stat().st_mtime >= source.stat().st_mtime:
        return target
    log(f"copying {source} to {target}")
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    with dst:
        src.backup(dst)
    src.close()
    dst.close()
    return target


def setup_django(database_url: str) -> None:
    os.environ.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="varna.settings",
        VARNA_DEBUG="0",
        VARNA_SECRET_KEY=os.environ.get("VARNA_SECRET_KEY") or secrets.token_urlsafe(50),
        VARNA_HTTPS="0",
        VARNA_ALLOWED_HOSTS="testserver",
        VARNA_MANIFEST_STATIC="0",
        VARNA_EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        VARNA_LOG_LEVEL="WARNING",
    )
    import django

    django.setup()


def measure(pages: list[tuple[str, str, str]], runs: int, requests: int, profile: int) -> dict[str, Any]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from varna.core.models import User

    clients: dict[str, Client] = {}
    for _name, username, _path in pages:
        if username not in clients:
            client = Client()
            client.force_login(User.objects.get(username=username))
            clients[username] = client
    result: dict[str, Any] = {}
    for name, username, path in pages:
        client = clients[username]
        for _ in range(10):  # warm-up: templates, URL resolver, connection
            response = client.get(path)
            if response.status_code != 200:
                raise RuntimeError(f"{path} as {username}: {response.status_code}")
        with CaptureQueriesContext(connection) as queries:
            client.get(path)
        captured = list(queries.captured_queries)  # before the next request empties the connection's log
        per_run = []
        for _run in range(runs):
            times = []
            for _ in range(requests):
                start = time.perf_counter()
                client.get(path)
                times.append((time.perf_counter() - start) * 1000)
            per_run.append({"p50": round(percentile(times, 50), 2), "p95": round(percentile(times, 95), 2)})
        p50 = sorted(r["p50"] for r in per_run)[len(per_run) // 2]
        p95 = sorted(r["p95"] for r in per_run)[len(per_run) // 2]
        result[name] = {
            "path": path,
            "persona": username,
            "queries": len(captured),
            "sql": [q["sql"][:200] for q in captured],
            "runs": per_run,
            "p50_ms": p50,
            "p95_ms": p95,
            "target_p50_ms": TARGET_P50_MS,
            "meets_target": p50 <= TARGET_P50_MS,
        }
        log(f"{name}: {len(captured)} queries, p50 {p50} ms, p95 {p95} ms")
    if profile:
        name, username, path = pages[0]
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(requests):
            clients[username].get(path)
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(profile)
        print(out.getvalue(), file=sys.stderr)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", type=Path, default=ROOT / "var" / "bench" / "risks-scale15.sqlite3")
    parser.add_argument("--runs", type=int, default=3, help="Runs per page (default 3).")
    parser.add_argument("--requests", type=int, default=200, help="Timed requests per run and page (default 200).")
    parser.add_argument("--only", default="", help="Only the pages whose name contains this.")
    parser.add_argument("--profile", type=int, default=0, help="Print the N costliest functions of the first page.")
    parser.add_argument("--no-write", action="store_true", help="Print the JSON, do not write it to bench/results.")
    args = parser.parse_args()

    result: dict[str, Any] = {"machine": machine(), "database": str(args.database)}
    copy = copy_database(args.database)
    setup_django(f"sqlite:///{copy}")
    pages = [p for p in PAGES if args.only in p[0]]
    result["pages"] = measure(pages, args.runs, args.requests, args.profile)
    result["machine"]["load_after"] = os.getloadavg()
    text = json.dumps(result, indent=2, ensure_ascii=False)
    print(text)
    if not args.no_write:
        RESULTS.mkdir(parents=True, exist_ok=True)
        path = RESULTS / f"base-page-{datetime.datetime.now().astimezone():%Y-%m-%d}-{args.database.stem}.json"
        path.write_text(text + "\n")
        log(f"written to {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
