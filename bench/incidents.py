"""Benchmark of incidents at scale: reporting, the lists, the statistics, and queries per page.

Run it against PostgreSQL through the throw-away cluster of ``scripts/postgres.sh``::

    scripts/postgres.sh .venv/bin/python bench/incidents.py --scale 170

What it does, in order (every step prints what it does and how long it took):

1. Fills two databases with the demo data: ``--small-scale`` (default 1) in ``<db>_small``
   and ``--scale`` (default 170, about 500,000 incidents) in the database of ``DATABASE_URL``,
   timing ``varna demo`` for the large one. ``--reuse`` skips this when the data is there.
2. Counts the SQL queries of each page and API call at both sizes, with Django's test client
   and ``CaptureQueriesContext`` (in a subprocess per database): the count must not grow with
   the data.
3. Starts gunicorn (``varna serve``, production settings) on 127.0.0.1 and sends it requests from
   this process, one at a time and a bounded number per scenario (``--requests``), in
   ``--runs`` runs after a warm-up. Reported: p50, p95 and p99 per run and their medians.
4. Times the statistics aggregate against the plain SQL that computes the same figures
   (``bench/plain_sql.py``), alternating the two in this process.

Results are printed as JSON and written to ``bench/results/incidents-<date>.json``. Nothing
here is a test: the targets are checked and reported, never asserted.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import platform
import re
import secrets
import socket
import statistics as stats
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
VARNA = str(ROOT / ".venv" / "bin" / "varna")
PYTHON = str(ROOT / ".venv" / "bin" / "python")
RESULTS = ROOT / "bench" / "results"

TARGETS_MS = {"submit": 50, "list": 100, "statistics": 300}
MAX_QUERIES = 15
MIN_REQUESTS = 20  # timed requests per run, even for a slow scenario

# (name, kind, path): kind "api" (bearer token) or "page" (logged-in session).
LIST_FILTER = "status=closed&node={admin}&date_from={year}-01-01&date_to={year}-12-31"
READS = [
    ("list page: open cases", "page", "/incidents/"),
    ("list page: closed, one administration, one year", "page", "/incidents/?" + LIST_FILTER),
    ("list page: unit manager", "manager-page", "/incidents/?status="),
    ("list API: unit manager", "manager-api", "/api/v1/incidents?limit=50"),
    ("list API: closed, one administration, one year", "api", "/api/v1/incidents?limit=50&" + LIST_FILTER),
    ("list API: all, page 3", "api", "/api/v1/incidents?limit=50&offset=100"),
    ("statistics page", "page", "/incidents/statistics/"),
    ("statistics API: year x type", "api", "/api/v1/statistics/incidents?group_by=year&group_by=type"),
    ("case page", "manager-page", "/incidents/{case}/"),
]  # fmt: skip


def log(message: str) -> None:
    print(f"[{datetime.datetime.now().astimezone():%H:%M:%S}] {message}", flush=True)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def summary(runs: list[list[float]]) -> dict[str, Any]:
    """Per run p50/p95/p99 in ms, and the median of each over the runs."""
    per_run = [{"p50": percentile(r, 50), "p95": percentile(r, 95), "p99": percentile(r, 99)} for r in runs]
    return {
        "runs": [{k: round(v, 1) for k, v in run.items()} for run in per_run],
        "median": {k: round(stats.median(run[k] for run in per_run), 1) for k in ("p50", "p95", "p99")},
        "requests": sum(len(r) for r in runs),
    }


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def base_env(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        DJANGO_SETTINGS_MODULE="varna.settings",
        VARNA_SECRET_KEY=env.get("VARNA_SECRET_KEY") or secrets.token_urlsafe(50),
        VARNA_HTTPS="0",
        VARNA_ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        VARNA_MANIFEST_STATIC="0",
        VARNA_EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        VARNA_LOG_LEVEL="WARNING",
        VARNA_DB_CONN_MAX_AGE="600",
    )
    return env


def run(cmd: list[str], env: dict[str, str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, env=env, check=True, text=True, cwd=ROOT, **kwargs)


# --- 1. data ----------------------------------------------------------------------------


def execute(database_url: str, statement: str, params: tuple[Any, ...] = ()) -> list[Any]:
    import psycopg

    with psycopg.connect(database_url.replace("postgres://", "postgresql://", 1), autocommit=True) as conn:
        cursor = conn.execute(statement, params)
        return cursor.fetchall() if cursor.description else []


def create_database(database_url: str, name: str) -> None:
    admin = with_database(database_url, "postgres")
    if not execute(admin, "SELECT 1 FROM pg_database WHERE datname = %s", (name,)):
        execute(admin, f'CREATE DATABASE "{name}"')


def has_demo(env: dict[str, str]) -> bool:
    code = "from varna.core.models import Organisation; print(Organisation.objects.exists())"
    out = run([VARNA, "manage", "shell", "-c", code], env, capture_output=True).stdout
    return out.strip().endswith("True")


def fill(env: dict[str, str], scale: float, reuse: bool) -> float | None:
    """Migrate and generate the demo data; return how long ``varna demo`` took (None if reused)."""
    run([VARNA, "manage", "migrate", "--no-input", "--verbosity=0"], env)
    if reuse and has_demo(env):
        log(f"reusing the demo data in {urlsplit(env['DATABASE_URL']).path}")
        return None
    started = time.perf_counter()
    run([VARNA, "demo", "--scale", str(scale), "--verbosity", "2"], env)
    seconds = time.perf_counter() - started
    execute(env["DATABASE_URL"], "VACUUM ANALYZE")
    return seconds


# --- 2. queries per page (a subprocess per database) --------------------------------------


def query_counts_here() -> dict[str, Any]:
    """Run inside Django: the queries of each page and API call for the coordinator and a unit manager."""
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from varna.core.models import User
    from varna.core.tokens import issue_token
    from varna.incidents.models import Incident

    coordinator = User.objects.get(username="samordnare")
    manager = User.objects.get(username="chef.solrosen")
    reporter = User.objects.get(username="anstalld")
    fill_in = scenario_values()
    clients = {"page": Client(), "manager-page": Client(), "api": Client(), "manager-api": Client()}
    clients["page"].force_login(coordinator)
    clients["manager-page"].force_login(manager)
    tokens = {
        "api": issue_token(user=coordinator, actor=coordinator),
        "manager-api": issue_token(user=manager, actor=manager),
    }
    reporter_token = issue_token(user=reporter, actor=reporter)
    pages = [(name, kind, path.format(**fill_in)) for name, kind, path in READS]
    pages += [
        ("case API", "api", "/api/v1/incidents/{case}".format(**fill_in)),
        ("report form", "page", "/incidents/report/"),
    ]
    counts: dict[str, Any] = {"incidents": Incident.objects.count()}
    for name, kind, path in pages:
        headers = {"Authorization": f"Bearer {tokens[kind]}"} if kind in tokens else {}
        clients[kind].get(path, headers=headers)  # warm caches (sessions, grants) as a running server has them
        with CaptureQueriesContext(connection) as ctx:
            response = clients[kind].get(path, headers=headers)
        counts[name] = {"status": response.status_code, "queries": len(ctx.captured_queries)}
    body = {
        "incident_type": "vandalism",
        "occurred_at": datetime.datetime.now().astimezone().isoformat(),
        "incident_node": reporter.employment_node_id,
        "description": "Klotter (mätning av antal frågor).",
    }
    with CaptureQueriesContext(connection) as ctx:
        response = Client().post(
            "/api/v1/incidents",
            json.dumps(body),
            content_type="application/json",
            headers={"Authorization": f"Bearer {reporter_token}", "Idempotency-Key": str(uuid.uuid4())},
        )
    counts["report API (POST)"] = {"status": response.status_code, "queries": len(ctx.captured_queries)}
    return counts


def scenario_values() -> dict[str, Any]:
    """Inside Django: what the scenarios' paths name (a förvaltning, last year, the reporter's unit, and the
    newest case of the unit manager's, which the case page opens)."""
    from varna.core import access
    from varna.core.models import Node, User
    from varna.incidents.models import Incident

    coordinator = User.objects.get(username="samordnare")
    manager = User.objects.get(username="chef.solrosen")
    reporter = User.objects.get(username="anstalld")
    admin = Node.objects.get(organisation=coordinator.organisation, name="Barn- och utbildningsförvaltningen")
    case = access.scope(manager, access.Perm.VIEW_INCIDENTS, Incident.objects.all()).order_by("-pk").first()
    assert case is not None
    return {
        "admin": admin.pk,
        "year": datetime.datetime.now().astimezone().date().year - 1,
        "reporter_node": reporter.employment_node_id,
        "case": case.pk,
    }


def query_counts(env: dict[str, str]) -> dict[str, Any]:
    out = run([PYTHON, __file__, "--query-counts-here"], env, capture_output=True).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


# --- 3. latency over HTTP -------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def gunicorn(env: dict[str, str], port: int, workers: int, source: Path = ROOT) -> Iterator[str]:
    """gunicorn serving the code in ``source`` (this tree, or another one for ``--compare-with``)."""
    import requests

    if source != ROOT:  # gunicorn puts its working directory first on the path: the other tree's varna is served
        env = env | {"PYTHONPATH": str(source)}
    process = subprocess.Popen(
        [VARNA, "serve", "--port", str(port), "--workers", str(workers)],
        # The caller's own gunicorn options (worker class, threads, access log) come after, and win.
        env=env | {"GUNICORN_CMD_ARGS": f"--timeout 120 {env.get('GUNICORN_CMD_ARGS', '')}".strip()},
        cwd=source,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            with contextlib.suppress(requests.ConnectionError):
                if requests.get(f"{base}/login/", timeout=5).status_code < 500:
                    break
            time.sleep(0.2)
        else:
            raise RuntimeError("gunicorn did not start")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def token_for(env: dict[str, str], username: str) -> str:
    return run([VARNA, "token", username], env, capture_output=True).stdout.strip().splitlines()[-1]


def login(base: str, username: str) -> Any:
    import requests

    from varna.demo.personas import PASSWORD

    session = requests.Session()
    page = session.get(f"{base}/login/")
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    if match is None:
        raise RuntimeError("no CSRF token on the login page")
    response = session.post(
        f"{base}/login/",
        data={"csrfmiddlewaretoken": match[1], "username": username, "password": PASSWORD},
        headers={"Referer": f"{base}/login/"},
        allow_redirects=False,
    )
    if response.status_code != 302:
        raise RuntimeError(f"log-in as {username} failed: {response.status_code}")
    return session


def timed(call: Callable[[], Any], count: int, warmup: int, budget: float) -> list[float]:
    """``count`` timed calls after ``warmup`` untimed ones; a slow scenario stops after ``budget`` seconds
    (but never before :data:`MIN_REQUESTS` calls)."""
    for _ in range(warmup):
        call()
    times: list[float] = []
    deadline = time.perf_counter() + budget
    for _ in range(count):
        if len(times) >= MIN_REQUESTS and time.perf_counter() > deadline:
            break
        started = time.perf_counter()
        response = call()
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code >= 400:
            raise RuntimeError(f"{response.request.method} {response.url}: {response.status_code}")
    return times


def scenarios_at(base: str, env: dict[str, str], fill_in: dict[str, Any]) -> list[tuple[str, Callable[[], Any]]]:
    """The timed calls against one server, logged in as the personas."""
    import requests

    sessions = {
        "page": login(base, "samordnare"),
        "manager-page": login(base, "chef.solrosen"),
        "api": requests.Session(),
        "manager-api": requests.Session(),
    }
    sessions["api"].headers["Authorization"] = f"Bearer {token_for(env, 'samordnare')}"
    sessions["manager-api"].headers["Authorization"] = f"Bearer {token_for(env, 'chef.solrosen')}"
    reporter = requests.Session()
    reporter.headers["Authorization"] = f"Bearer {token_for(env, 'anstalld')}"

    def submit() -> Any:
        body = {
            "incident_type": "vandalism",
            "occurred_at": datetime.datetime.now().astimezone().isoformat(),
            "incident_node": fill_in["reporter_node"],
            "description": "Klotter på gaveln (belastningstest).",
        }
        return reporter.post(f"{base}/api/v1/incidents", json=body, headers={"Idempotency-Key": str(uuid.uuid4())})

    scenarios: list[tuple[str, Callable[[], Any]]] = [("submit: report API (POST)", submit)]
    for name, kind, path in READS:
        url = base + path.format(**fill_in)
        scenarios.append((name, lambda url=url, kind=kind: sessions[kind].get(url)))  # type: ignore[misc]
    return scenarios


def latencies(env: dict[str, str], args: argparse.Namespace, fill_in: dict[str, Any]) -> dict[str, Any]:
    """p50/p95/p99 per scenario. With ``--compare-with`` a second server runs the other tree's code on the same
    database, and each run of a scenario is made on both, one after the other (the other tree first), so
    that both sides meet the same load: results under ``"compare"``."""
    results: dict[str, Any] = {}
    compared: dict[str, Any] = {}
    with contextlib.ExitStack() as stack:
        here = scenarios_at(stack.enter_context(gunicorn(env, free_port(), args.workers)), env, fill_in)
        there: dict[str, Callable[[], Any]] = {}
        if args.compare_with:
            other = stack.enter_context(gunicorn(env, free_port(), args.workers, Path(args.compare_with)))
            there = dict(scenarios_at(other, env, fill_in))
        for name, call in here:
            if not chosen(name, args.only):
                continue
            runs: list[list[float]] = []
            other_runs: list[list[float]] = []
            for _ in range(args.runs):
                if name in there:
                    other_runs.append(timed(there[name], args.requests, warmup=5, budget=args.budget))
                runs.append(timed(call, args.requests, warmup=5, budget=args.budget))
            results[name] = summary(runs)
            line = f"{name}: median p95 {results[name]['median']['p95']} ms"
            if other_runs:
                compared[name] = summary(other_runs)
                line += f" (other tree: {compared[name]['median']['p95']} ms)"
            log(line)
    if compared:
        results["compare"] = {"source": str(args.compare_with), "latency_ms": compared}
    return results


def chosen(name: str, only: list[str] | None) -> bool:
    """Whether a scenario runs: all of them, or those whose name contains one of ``--only``'s texts."""
    return not only or any(text.lower() in name.lower() for text in only)


# --- 4. the aggregate against plain SQL -----------------------------------------------------


def aggregate_vs_sql_here(count: int) -> dict[str, Any]:
    import django

    django.setup()
    from django.utils import timezone

    from bench.plain_sql import plain_sql_aggregate
    from varna.core.models import User
    from varna.incidents import statistics

    coordinator = User.objects.get(username="samordnare")
    today = timezone.localdate()
    filters = statistics.StatisticsFilter.for_years(today.year - 4, today.year)
    orm: list[float] = []
    sql: list[float] = []
    for i in range(count + 5):
        for target, call in (
            (orm, lambda: statistics.aggregate(coordinator, group_by=("year", "type"), filters=filters)),
            (
                sql,
                lambda: plain_sql_aggregate(
                    organisation_id=coordinator.organisation_id or 0,
                    date_from=filters.date_from,
                    date_to=filters.date_to,
                ),
            ),
        ):
            started = time.perf_counter()
            rows = call()
            if i >= 5:  # warm-up
                target.append((time.perf_counter() - started) * 1000)
    same = sorted((r.year, r.incident_type_id, r.count, r.cost) for r in rows)  # the last plain SQL rows
    orm_rows = statistics.aggregate(coordinator, group_by=("year", "type"), filters=filters)
    return {
        "aggregate": summary([orm]),
        "plain_sql": summary([sql]),
        "same_figures": same == sorted((r.year, r.incident_type_id, r.count, r.cost) for r in orm_rows),
        "ratio_p50": round(stats.median(orm) / stats.median(sql), 2),
    }


# --- main -------------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    cpu = ""
    with contextlib.suppress(OSError):
        cpu = next(
            (
                line.split(":", 1)[1].strip()
                for line in Path("/proc/cpuinfo").read_text().splitlines()
                if "model name" in line
            ),
            "",
        )
    memory = ""
    with contextlib.suppress(OSError, StopIteration):
        kb = int(
            next(
                line.split()[1]
                for line in Path("/proc/meminfo").read_text().splitlines()
                if line.startswith("MemTotal")
            )
        )
        memory = f"{kb / 1024 / 1024:.0f} GiB"
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "memory": memory,
        "python": platform.python_version(),
        "load_before": os.getloadavg(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=170.0, help="Demo scale of the large database (170: ~500k).")
    parser.add_argument("--small-scale", type=float, default=1.0, help="Demo scale of the small database.")
    parser.add_argument("--runs", type=int, default=3, help="Runs per scenario (default 3).")
    parser.add_argument("--requests", type=int, default=100, help="Timed requests per run and scenario.")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers.")
    parser.add_argument(
        "--budget", type=float, default=30.0, help="Seconds per run of a slow scenario (at least 20 requests)."
    )
    parser.add_argument("--reuse", action="store_true", help="Keep demo data that is already there.")
    parser.add_argument(
        "--only",
        action="append",
        metavar="TEXT",
        help="Time only the scenarios whose name contains TEXT (repeatable; e.g. --only 'list page' --only submit). "
        "With --only the statistics aggregate against plain SQL is skipped.",
    )
    parser.add_argument(
        "--as-is",
        action="store_true",
        help="Use the database of DATABASE_URL as it is: no migrate, no demo data, no small database, no query "
        "counts at the small scale (for a shared database that someone else filled; implies --reuse).",
    )
    parser.add_argument(
        "--compare-with",
        metavar="DIR",
        help="Another source tree (e.g. `git worktree add /tmp/base <commit>` or an export of one) served by a "
        "second gunicorn on the same database; every run is made on both, one after the other.",
    )
    parser.add_argument("--label", default="", help="Added to the results file's name (e.g. base, after).")
    parser.add_argument("--no-query-counts", action="store_true", help="Skip the queries per page.")
    parser.add_argument("--scenario-values-here", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--query-counts-here", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--aggregate-here", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    if args.query_counts_here:
        print(json.dumps(query_counts_here()))
        return 0
    if args.scenario_values_here:
        import django

        django.setup()
        print(json.dumps(scenario_values()))
        return 0
    if args.aggregate_here:
        print(json.dumps(aggregate_vs_sql_here(args.aggregate_here)))
        return 0

    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        print("DATABASE_URL must point at PostgreSQL: run through scripts/postgres.sh", file=sys.stderr)
        return 2
    large_env = base_env(database_url)
    small_name = urlsplit(database_url).path.strip("/") + "_small"
    small_env = base_env(with_database(database_url, small_name))
    result: dict[str, Any] = {
        "date": datetime.datetime.now().astimezone().date().isoformat(),
        "machine": machine(),
        "scale": args.scale,
        "small_scale": args.small_scale,
        "runs": args.runs,
        "requests_per_run": args.requests,
        "workers": args.workers,
        "budget_seconds": args.budget,
        "targets_ms": TARGETS_MS,
        "only": args.only,
        "label": args.label,
        "commit": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False
        ).stdout.strip(),
    }

    if args.as_is:
        log(f"using the database in {urlsplit(database_url).path} as it is")
        result["demo_seconds"] = None
    else:
        log(f"small database ({small_name}) at scale {args.small_scale}")
        create_database(database_url, small_name)
        fill(small_env, args.small_scale, args.reuse)
        log(f"large database at scale {args.scale}")
        result["demo_seconds"] = fill(large_env, args.scale, args.reuse)
        log(f"varna demo --scale {args.scale}: {result['demo_seconds']} s")

    if not args.no_query_counts:
        log("queries per page" + ("" if args.as_is else " at both sizes"))
        result["queries"] = {"large": query_counts(large_env)}
        if not args.as_is:
            result["queries"]["small"] = query_counts(small_env)

    out = run([PYTHON, __file__, "--scenario-values-here"], large_env, capture_output=True).stdout
    fill_in = json.loads(out.strip().splitlines()[-1])

    log("latency over HTTP")
    result["latency_ms"] = latencies(large_env, args, fill_in)

    if not args.only:
        log("the statistics aggregate against plain SQL")
        out = run([PYTHON, __file__, "--aggregate-here", str(args.requests)], large_env, capture_output=True).stdout
        result["aggregate_vs_sql_ms"] = json.loads(out.strip().splitlines()[-1])
    result["machine"]["load_after"] = os.getloadavg()

    RESULTS.mkdir(parents=True, exist_ok=True)
    suffix = f"-{args.label}" if args.label else ""
    path = RESULTS / f"incidents-{result['date']}-scale{args.scale:g}{suffix}.json"
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(result, indent=2, ensure_ascii=False))
    log(f"written to {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
