"""What the insurance benchmarks share: a scratch database filled with the demo, Django in this process, and
timings of calls (not requests) with their percentiles.

The database is a scratch SQLite file (``--sqlite``, by default ``var/bench/insurance-scale<N>.sqlite3``) unless
``DATABASE_URL`` points at PostgreSQL (``scripts/postgres.sh .venv/bin/python bench/insurance_....py``). It is
migrated and filled with ``varna demo --scale N`` (timed) unless ``--reuse`` finds the demo already there.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import secrets
import sqlite3
import statistics as stats
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.incidents import RESULTS, VARNA, log, machine, percentile, run  # noqa: E402 - after the path is set

__all__ = ["machine"]  # the benchmarks take the machine's figures (and load) before they start

MIN_CALLS = 20  # timed calls per run, even for a slow scenario


def arguments(description: str | None, default_scale: float = 15.0) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=default_scale, help="Demo scale (15: a large municipality).")
    parser.add_argument("--runs", type=int, default=5, help="Runs per scenario (default 5).")
    parser.add_argument("--calls", type=int, default=100, help="Timed calls per run and scenario (default 100).")
    parser.add_argument("--budget", type=float, default=30.0, help="Seconds per run (at least 20 calls).")
    parser.add_argument("--sqlite", type=Path, default=None, help="The scratch SQLite file (without DATABASE_URL).")
    parser.add_argument("--reuse", action="store_true", help="Keep demo data that is already there.")
    return parser


def database_env(args: argparse.Namespace) -> dict[str, str]:
    """The environment of ``varna`` for the benchmark's database: PostgreSQL from ``DATABASE_URL``, else SQLite."""
    env = dict(os.environ)
    url = env.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        path = args.sqlite or ROOT / "var" / "bench" / f"insurance-scale{args.scale:g}.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{path.resolve()}"
    env.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="varna.settings",
        VARNA_SECRET_KEY=env.get("VARNA_SECRET_KEY") or secrets.token_urlsafe(50),
        VARNA_HTTPS="0",
        VARNA_ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        VARNA_MANIFEST_STATIC="0",
        VARNA_EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
        VARNA_LOG_LEVEL="WARNING",
    )
    return env


def _has_demo(env: dict[str, str]) -> bool:
    code = "from varna.core.models import Organisation; print(Organisation.objects.exists())"
    out = run([VARNA, "manage", "shell", "-c", code], env, capture_output=True).stdout
    return out.strip().endswith("True")


def fill(env: dict[str, str], scale: float, reuse: bool) -> float | None:
    """Migrate and generate the demo data into a fresh database; how long ``varna demo`` took (None if reused)."""
    url = env["DATABASE_URL"]
    sqlite_path = Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite:") else None
    if not reuse and sqlite_path is not None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{sqlite_path}{suffix}").unlink(missing_ok=True)
    run([VARNA, "manage", "migrate", "--no-input", "--verbosity=0"], env)
    seconds: float | None = None
    if _has_demo(env):
        if not reuse:
            raise SystemExit(f"{url} already holds data: empty it or pass --reuse")
        log(f"reusing the demo data in {url}")
    else:
        started = time.perf_counter()
        run([VARNA, "demo", "--scale", str(scale), "--verbosity", "2"], env)
        seconds = round(time.perf_counter() - started, 1)
    if sqlite_path is not None:  # the planner's statistics, also after a migration added an index
        with sqlite3.connect(sqlite_path) as conn:
            conn.execute("ANALYZE")
    else:
        from bench.incidents import execute

        execute(url, "VACUUM ANALYZE")
    return seconds


def setup_django(env: dict[str, str]) -> None:
    """Django in this process, on the benchmark's database."""
    os.environ.update({k: v for k, v in env.items() if k.startswith(("DATABASE_URL", "DJANGO_", "VARNA_"))})
    import django

    django.setup()


def timed(call: Callable[[int], Any], count: int, *, warmup: int, budget: float, offset: int = 0) -> list[float]:
    """``count`` timed calls ``call(i)`` after ``warmup`` untimed ones, in milliseconds; a slow scenario stops after
    ``budget`` seconds (but never before :data:`MIN_CALLS` calls). ``i`` runs on from ``offset``."""
    i = offset
    for _ in range(warmup):
        call(i)
        i += 1
    times: list[float] = []
    deadline = time.perf_counter() + budget
    for _ in range(count):
        if len(times) >= MIN_CALLS and time.perf_counter() > deadline:
            break
        started = time.perf_counter()
        call(i)
        times.append((time.perf_counter() - started) * 1000)
        i += 1
    return times


def summary(runs: list[list[float]], target: float) -> dict[str, Any]:
    """Per run p50/p95/p99 in ms, the median of each over the runs, and whether the median p95 meets ``target``."""
    per_run = [{"p50": percentile(r, 50), "p95": percentile(r, 95), "p99": percentile(r, 99)} for r in runs]
    median = {k: round(stats.median(run[k] for run in per_run), 1) for k in ("p50", "p95", "p99")}
    return {
        "runs": [{k: round(v, 1) for k, v in run.items()} for run in per_run],
        "median": median,
        "calls": sum(len(r) for r in runs),
        "target_p95": target,
        "meets_target": median["p95"] <= target,
    }


def prepare(args: argparse.Namespace) -> dict[str, Any]:
    """Fill the benchmark's database (unless ``--reuse`` finds the demo there), set Django up on it in this
    process, and give the result's first fields: scale, database, how long the demo took, runs, the machine."""
    before = machine()
    env = database_env(args)
    log(f"database {env['DATABASE_URL']} at scale {args.scale:g}")
    started = time.perf_counter()
    demo_seconds = fill(env, args.scale, args.reuse)
    if demo_seconds is not None:
        log(f"varna demo --scale {args.scale:g}: {demo_seconds} s ({time.perf_counter() - started:.0f} s in all)")
    setup_django(env)
    from django.db import connection

    return {
        "scale": args.scale,
        "database": connection.vendor,
        "demo_seconds": demo_seconds,
        "runs": args.runs,
        "calls_per_run": args.calls,
        "machine": before,
    }


def report(name: str, scale: float, result: dict[str, Any]) -> None:
    """Print the result as JSON and write it to ``bench/results/<name>-<date>-scale<N>-<database>.json``."""
    result["machine"] = result.get("machine") or machine()  # taken at the start: load_before is the start's
    result["machine"]["load_after"] = os.getloadavg()
    RESULTS.mkdir(parents=True, exist_ok=True)
    date = datetime.datetime.now().astimezone().date().isoformat()
    path = RESULTS / f"{name}-{date}-scale{scale:g}-{result.get('database', 'sqlite')}.json"
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False, default=str) + "\n")
    print(json.dumps(result, indent=2, ensure_ascii=False, default=str))
    log(f"written to {path.relative_to(ROOT)}")


def scenario_log(name: str, result: dict[str, Any]) -> None:
    p95, target = result["median"]["p95"], result["target_p95"]
    log(f"{name}: median p50 {result['median']['p50']} ms, p95 {p95} ms (target {target} ms)"
        f"{'' if p95 <= target else '  <-- over target'}")  # fmt: skip


def time_scenarios(
    scenarios: dict[str, Callable[[int], Any]], targets: dict[str, float], args: argparse.Namespace
) -> dict[str, Any]:
    """Each scenario ``--runs`` times (``--calls`` timed calls after 2 warm-up calls), summed up and logged."""
    latency: dict[str, Any] = {}
    for name, call in scenarios.items():
        runs = [
            timed(call, args.calls, warmup=2, budget=args.budget, offset=run * (args.calls + 2))
            for run in range(args.runs)
        ]
        latency[name] = summary(runs, targets[name])
        scenario_log(name, latency[name])
    return latency
