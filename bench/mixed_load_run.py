"""Mixed load: the highest request rate at which p95 stays within 250 ms with no errors, per gunicorn worker
model, and the workers' memory over 20,000 requests.

Run it on the embedded SQLite that ``make run`` uses (the default: a copy of the scale-15 scratch file), or
against PostgreSQL through the throw-away cluster of ``scripts/postgres.sh``::

    .venv/bin/python bench/mixed_load_run.py                                  # SQLite, scale 15
    scripts/postgres.sh .venv/bin/python bench/mixed_load_run.py              # PostgreSQL, fills scale 15
    .venv/bin/python bench/mixed_load_run.py --configs sync:2 --rates 4,6,9   # one worker model, fixed rates

What it does (the helpers are those of ``bench/incidents.py``):

1. The database: on SQLite ``--sqlite`` (default ``var/bench/mixed-load-scale15.sqlite3``, copied from
   ``var/bench/risks-scale15.sqlite3`` or filled by ``varna demo`` when missing), migrated and, as ``varna demo``
   now leaves it, with the planner's statistics (``ANALYZE``); on PostgreSQL the database of ``DATABASE_URL``,
   filled at ``--scale`` unless the demo is there.
2. Inside Django, the pages each persona uses daily (``PERSONA_PAGES``), the API reads (``API_READS``) and the
   body of a new report by the employee.
3. For each worker model of ``--configs`` (``sync:N`` or ``gthread:NxT``): starts gunicorn (``varna serve``,
   production settings, 127.0.0.1), logs every persona in, fetches every request of the mix twice (all must
   answer 200), then runs ``bench/mixed_load.py`` in locust, headless, at fixed request rates (constant
   throughput, ``--step-seconds`` measured after ``--warmup-seconds``): up by ``--factor`` from ``--start``
   while a step passes, then ``--bisect`` steps between the best passing and the first failing rate, then the
   best step again. A step passes when p95 ≤ ``--target-p95`` ms, no request failed and the rate was reached
   (≥ 90 %). With each step: the load average, the CPU time of the gunicorn workers, of locust and of the
   whole machine, and the p95 of the slowest requests.
4. With the best worker model: ``--rss-requests`` (20,000) requests at ``--rss-rate`` (default: the best
   rate found), sampling the workers' RSS before the first request, after the warm-up, every 15 s and at the end.

Results are printed and written to ``bench/results/mixed-load-<date>-<database>.json``. Nothing here is a test.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import math
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # after PYTHONPATH: with --source, the code served is that tree's
    sys.path.append(str(ROOT))

from bench.incidents import (  # noqa: E402 - after the path is set
    PYTHON,
    RESULTS,
    VARNA,
    base_env,
    fill,
    free_port,
    gunicorn,
    log,
    login,
    machine,
    percentile,
    run,
    token_for,
)

LOCUST = str(ROOT / ".venv" / "bin" / "locust")
LOCUSTFILE = str(ROOT / "bench" / "mixed_load.py")
DEFAULT_SQLITE = ROOT / "var" / "bench" / "mixed-load-scale15.sqlite3"
SQLITE_SOURCE = ROOT / "var" / "bench" / "risks-scale15.sqlite3"

SHARES = {"page": 0.70, "api": 0.20, "report": 0.10}

# The pages each persona uses daily: (label, key); the keys are resolved inside Django (``paths_here``).
PERSONA_PAGES: dict[str, list[tuple[str, str]]] = {
    "samordnare": [
        ("overview", "dashboard"), ("incident list", "incidents"), ("a case", "case"),
        ("statistics", "statistics"), ("heat map", "heat_map"), ("risk list", "risk_list"),
        ("an analysis", "analysis"), ("action plans", "plans"), ("plan review", "plan_review"),
        ("training coverage", "coverage"),
    ],
    "handlaggare.bou": [
        ("overview", "dashboard"), ("incident list", "incidents"), ("a case", "case"), ("statistics", "statistics"),
        ("analyses", "analyses"), ("risk list", "risk_list"), ("action plans", "plans"),
    ],
    "chef.solrosen": [
        ("overview", "dashboard"), ("incident list", "incidents"), ("a case", "case"), ("analyses", "analyses"),
        ("an analysis", "analysis"), ("action plans", "plans"), ("training coverage", "coverage"),
        ("My training", "my_training"),
    ],
    "ombud.solrosen": [
        ("overview", "dashboard"), ("incident list", "incidents"), ("a case", "case"), ("an analysis", "analysis"),
        ("My training", "my_training"),
    ],
    "chef.hemtjanst": [
        ("overview", "dashboard"), ("incident list", "incidents"), ("a case", "case"), ("analyses", "analyses"),
        ("action plans", "plans"), ("training coverage", "coverage"),
    ],
    "anstalld": [
        ("overview", "dashboard"), ("my reports", "my_reports"), ("report form", "report_form"),
        ("my report", "case"), ("My training", "my_training"),
    ],
    "politiker": [("overview", "dashboard"), ("statistics", "statistics"), ("action plans", "plans")],
    "admin": [
        ("overview", "dashboard"), ("organisation", "organisation"), ("people", "people"),
        ("security roles", "roles"), ("outgoing mail", "outbox"),
    ],
    "forsakring": [
        ("overview", "dashboard"), ("claims", "claims"), ("deductible fund", "fund"),
        ("insurance statistics", "insurance_statistics"), ("policies", "policies"),
    ],
    "hr": [
        ("overview", "dashboard"), ("training coverage", "coverage"), ("courses", "courses"), ("gaps", "gaps"),
        ("My training", "my_training"),
    ],
    "samordnare.grannby": [
        ("overview", "dashboard"), ("incident list", "incidents"), ("statistics", "statistics"),
        ("heat map", "heat_map"),
    ],
}  # fmt: skip

# (label, persona whose token reads it, path): the API reads, evenly.
API_READS = [
    ("API: incidents, limit 50", "samordnare", "/api/v1/incidents?limit=50"),
    ("API: incidents of a unit manager", "chef.solrosen", "/api/v1/incidents?limit=50"),
    ("API: statistics year x type", "samordnare", "/api/v1/statistics/incidents?group_by=year&group_by=type"),
    ("API: risks, limit 50", "samordnare", "/api/v1/risks?limit=50"),
    ("API: risks, limit 50, offset 1000", "handlaggare.bou", "/api/v1/risks?limit=50&offset=1000"),
]
REPORTER = "anstalld"


# --- inside Django ------------------------------------------------------------------------------


def paths_here() -> dict[str, Any]:
    """Run inside Django: each persona's page paths, and the body of a new report by the employee."""
    import django

    django.setup()
    from django.urls import reverse

    from varna.core.models import User
    from varna.incidents import selectors as incident_selectors
    from varna.risks.models import RiskAnalysis

    common = {
        "dashboard": reverse("core:dashboard"),
        "incidents": reverse("incidents:list"),
        "statistics": reverse("incidents:statistics"),
        "heat_map": reverse("risks:heat_map"),
        "risk_list": reverse("risks:risk_list"),
        "analyses": reverse("risks:analyses"),
        "plans": reverse("plans:list"),
        "plan_review": reverse("plans:review"),
        "coverage": reverse("training:coverage"),
        "my_training": reverse("training:mine"),
        "my_reports": reverse("incidents:mine"),
        "report_form": reverse("incidents:report"),
        "organisation": reverse("core:organisation"),
        "people": reverse("core:people"),
        "roles": reverse("core:security_roles"),
        "outbox": reverse("core:outbox"),
        "claims": reverse("insurance:claims"),
        "fund": reverse("insurance:fund"),
        "insurance_statistics": reverse("insurance:statistics"),
        "policies": reverse("insurance:policies"),
        "courses": reverse("training:courses"),
        "gaps": reverse("training:gaps"),
    }
    present = set(User.objects.filter(username__in=PERSONA_PAGES).values_list("username", flat=True))
    pages: list[dict[str, str]] = []
    for username, wanted in PERSONA_PAGES.items():
        if username not in present:
            continue
        user = User.objects.get(username=username)
        for label, key in wanted:
            if key == "case":
                rows = (
                    incident_selectors.my_reports(user)
                    if username == REPORTER
                    else incident_selectors.visible_incidents(user)
                )
                case = rows.order_by("-pk").first()
                if case is None:
                    continue
                path = reverse("incidents:detail", args=[case.pk])
            elif key == "analysis":
                analysis = (
                    RiskAnalysis.objects.filter(
                        organisation_id=user.organisation_id, node_id=user.employment_node_id, status="adopted"
                    )
                    .order_by("-analysed_on", "-pk")
                    .first()
                    or RiskAnalysis.objects.filter(organisation_id=user.organisation_id)
                    .order_by("-analysed_on", "-pk")
                    .first()
                )
                if analysis is None:
                    continue
                path = reverse("risks:analysis", args=[analysis.pk])
            else:
                path = common[key]
            pages.append({"persona": username, "label": label, "path": path})
    reporter = User.objects.get(username=REPORTER)
    return {
        "pages": pages,
        "report_body": {
            "incident_type": "vandalism",
            "incident_node": reporter.employment_node_id,
            "description": "Klotter på gaveln (blandad last).",
        },
    }


# --- the plan that bench/mixed_load.py reads ---------------------------------------------------------


def cookie_header(session: Any) -> str:
    return "; ".join(f"{name}={value}" for name, value in session.cookies.items())


def make_plan(base: str, info: dict[str, Any], tokens: dict[str, str]) -> dict[str, Any]:
    """Every request of the mix with its weight: 70 % pages (even over personas, then over their pages),
    20 % API reads, 10 % reports."""
    personas = sorted({p["persona"] for p in info["pages"]})
    cookies = {username: cookie_header(login(base, username)) for username in personas}
    requests: list[dict[str, Any]] = []
    for username in personas:
        own = [p for p in info["pages"] if p["persona"] == username]
        for page in own:
            requests.append(
                {
                    "kind": "page",
                    "name": f"page: {username}: {page['label']}",
                    "path": page["path"],
                    "headers": {"Cookie": cookies[username]},
                    "weight": SHARES["page"] / len(personas) / len(own),
                }
            )
    for label, username, path in API_READS:
        requests.append(
            {
                "kind": "api",
                "name": label,
                "path": path,
                "headers": {"Authorization": f"Bearer {tokens[username]}"},
                "weight": SHARES["api"] / len(API_READS),
            }
        )
    requests.append(
        {
            "kind": "report",
            "name": "report: POST /api/v1/incidents",
            "path": "/api/v1/incidents",
            "headers": {"Authorization": f"Bearer {tokens[REPORTER]}"},
            "body": info["report_body"],
            "weight": SHARES["report"],
        }
    )
    return {"base": base, "personas": personas, "requests": requests}


def check_plan(base: str, plan: dict[str, Any], rounds: int = 1) -> None:
    """Every GET of the mix answers 200 (``rounds`` times; this also warms the workers)."""
    import requests

    failures = []
    with requests.Session() as http:
        for _ in range(rounds):
            for r in plan["requests"]:
                if r["kind"] == "report":
                    continue
                response = http.get(base + r["path"], headers=r["headers"], allow_redirects=False)
                if response.status_code != 200:
                    failures.append(f"{r['name']} {r['path']}: {response.status_code}")
    if failures:
        raise RuntimeError("requests of the mix that do not answer 200:\n" + "\n".join(sorted(set(failures))))


# --- the gunicorn processes ----------------------------------------------------------------------


def server_processes(port: int) -> tuple[Any, list[Any]]:
    """The gunicorn master listening on ``port`` and its workers."""
    import psutil

    for proc in psutil.process_iter(["cmdline"]):
        cmd = proc.info["cmdline"] or []
        if "serve" in cmd and "--port" in cmd and cmd[cmd.index("--port") + 1 : cmd.index("--port") + 2] == [str(port)]:
            parent = proc.parent()
            if parent is not None and "serve" in (parent.cmdline() or []):
                continue  # a worker: its parent is the master
            return proc, proc.children()
    raise RuntimeError(f"no gunicorn master on port {port}")


def rss_mib(workers: list[Any]) -> list[float]:
    out = []
    for proc in workers:
        with contextlib.suppress(Exception):
            out.append(round(proc.memory_info().rss / 1024 / 1024, 1))
    return out


def cpu_seconds(procs: list[Any]) -> float:
    total = 0.0
    for proc in procs:
        with contextlib.suppress(Exception):
            times = proc.cpu_times()
            total += times.user + times.system
    return total


# --- one step of load ----------------------------------------------------------------------------


def locust_run(
    base: str, plan_path: Path, rate: float, users: int, seconds: float, stop_after: int = 0
) -> tuple[list[list[Any]], float]:
    """Run locust headless; return its samples and its own CPU seconds."""
    with tempfile.NamedTemporaryFile("r", suffix=".jsonl", dir=ROOT / "var" / "bench", delete=False) as tmp:
        samples_path = Path(tmp.name)
    env = dict(os.environ) | {
        "MIXED_LOAD_PLAN": str(plan_path),
        "MIXED_LOAD_RATE": str(rate),
        "MIXED_LOAD_USERS": str(users),
        "MIXED_LOAD_SAMPLES": str(samples_path),
        "MIXED_LOAD_STOP_AFTER": str(stop_after),
    }
    cmd = [
        LOCUST, "-f", LOCUSTFILE, "--headless", "--only-summary", "--host", base,
        "-u", str(users), "-r", str(users), "-t", f"{math.ceil(seconds)}s", "--stop-timeout", "30",
        "--loglevel", "WARNING", "--exit-code-on-error", "0",
    ]  # fmt: skip
    process = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    _stderr = process.stderr.read() if process.stderr else ""
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"locust failed ({process.returncode}):\n{_stderr[-3000:]}")
    samples = [json.loads(line) for line in samples_path.read_text().splitlines() if line.strip()]
    samples_path.unlink(missing_ok=True)
    return samples, round(usage.ru_utime + usage.ru_stime, 1)


def analyse(samples: list[list[Any]], warmup: float, rate: float, target: float) -> dict[str, Any]:
    """p50/p95/p99 of the answers after the warm-up, errors over the whole run, the rate reached."""
    if not samples:
        return {"requests": 0, "passed": False, "passed_without_statistics": False}
    first = min(s[0] for s in samples)
    window = [s for s in samples if s[0] >= first + warmup]
    if not window:
        return {"requests": len(samples), "passed": False, "passed_without_statistics": False}
    span = max(s[0] for s in window) - (first + warmup)
    times = [s[1] for s in window]
    errors = sum(1 for s in samples if s[4])
    reached = len(window) / span if span > 0 else 0.0
    by_kind = {
        kind: round(percentile([s[1] for s in window if s[2] == kind], 95), 1)
        for kind in ("page", "api", "report")
        if any(s[2] == kind for s in window)
    }
    names: dict[str, list[float]] = {}
    for s in window:
        names.setdefault(s[3], []).append(s[1])
    slowest = sorted(((percentile(v, 95), n, len(v)) for n, v in names.items()), reverse=True)[:8]
    total = sum(times) or 1.0
    heaviest = sorted(((sum(v) / total, n) for n, v in names.items()), reverse=True)[:8]
    no_stats = [s[1] for s in window if "statistics" not in s[3]]
    p95 = percentile(times, 95)
    p95_no_stats = percentile(no_stats, 95)
    rate_ok = reached >= 0.9 * rate if rate else True
    return {
        "requests": len(samples),
        "measured": len(window),
        "errors": errors,
        "error_names": sorted({s[3] for s in samples if s[4]})[:10],
        "rate_reached": round(reached, 1),
        "p50": round(percentile(times, 50), 1),
        "p95": round(p95, 1),
        "p99": round(percentile(times, 99), 1),
        "p95_by_kind": by_kind,
        "p95_without_statistics": round(p95_no_stats, 1),
        "statistics_share": round(1 - len(no_stats) / len(window), 3),
        "slowest_p95": [{"name": n, "p95": round(p, 1), "count": c} for p, n, c in slowest],
        # Where the server's time goes: each request's share of the summed response times.
        "share_of_time": [{"name": n, "share": round(f, 3)} for f, n in heaviest],
        "passed": p95 <= target and errors == 0 and rate_ok,
        "passed_without_statistics": p95_no_stats <= target and errors == 0 and rate_ok,
    }


def step(base: str, plan_path: Path, workers: list[Any], rate: float, args: argparse.Namespace) -> dict[str, Any]:
    import psutil

    users = max(2, math.ceil(rate))
    load_before = os.getloadavg()
    cpu_before = cpu_seconds(workers)
    machine_before = psutil.cpu_times()
    started = time.perf_counter()
    samples, locust_cpu = locust_run(base, plan_path, rate, users, args.warmup_seconds + args.step_seconds)
    wall = time.perf_counter() - started
    machine_after = psutil.cpu_times()
    busy = sum(machine_after) - machine_after.idle - machine_after.iowait
    busy -= sum(machine_before) - machine_before.idle - machine_before.iowait
    result = {"rate": rate, "users": users} | analyse(samples, args.warmup_seconds, rate, args.target_p95)
    worker_cpu = cpu_seconds(workers) - cpu_before
    result |= {
        # CPU the workers spent per answer: what bounds the rate on a machine of its own (cores / this).
        "worker_cpu_ms_per_request": round(1000 * worker_cpu / max(1, result["requests"]), 1),
        "load": [round(x, 2) for x in load_before],
        "load_after": [round(x, 2) for x in os.getloadavg()],
        "cpu_s": {
            "wall": round(wall, 1),
            "gunicorn_workers": round(worker_cpu, 1),
            "locust": locust_cpu,
            "machine": round(busy, 1),
            "cores": os.cpu_count(),
        },
    }
    log(
        f"  {rate:>6.1f}/s: p50 {result.get('p50')} p95 {result.get('p95')} ms "
        f"(without statistics {result.get('p95_without_statistics')}), errors {result.get('errors')}, "
        f"reached {result.get('rate_reached')}/s, load {result['load'][0]}, "
        f"worker CPU {result['worker_cpu_ms_per_request']} ms/request, "
        f"cpu workers/locust/machine {result['cpu_s']['gunicorn_workers']}/{locust_cpu}/{result['cpu_s']['machine']} "
        f"s in {wall:.0f} s -> {'pass' if result['passed'] else 'FAIL'}"
    )
    return result


def search(base: str, plan_path: Path, workers: list[Any], args: argparse.Namespace, start: float) -> dict[str, Any]:
    """Up by ``--factor`` while a step passes (on either criterion), bisect, then the best step again."""
    steps: list[dict[str, Any]] = []
    if args.rates:
        for rate in args.rates:
            steps.append(step(base, plan_path, workers, rate, args))
    else:
        rate = start
        while rate <= args.max_rate:
            result = step(base, plan_path, workers, rate, args)
            steps.append(result)
            if not result["passed"] and not result["passed_without_statistics"]:
                break
            rate = round(rate * args.factor, 1)
        for key in ("passed", "passed_without_statistics")[:1]:
            for _ in range(args.bisect):
                good = [s["rate"] for s in steps if s[key]]
                bad = [s["rate"] for s in steps if not s[key] and s["rate"] > max(good, default=0)]
                if not good or not bad:
                    break
                middle = round(math.sqrt(max(good) * min(bad)), 1)
                if middle in {s["rate"] for s in steps}:
                    break
                steps.append(step(base, plan_path, workers, middle, args))
    best = max((s["rate"] for s in steps if s["passed"]), default=None)
    rerun = None
    if best is not None and args.rerun:
        log(f"  again at the best rate, {best}/s")
        rerun = step(base, plan_path, workers, best, args)
    best_without_statistics = max((s["rate"] for s in steps if s["passed_without_statistics"]), default=None)
    return {
        "steps": sorted(steps, key=lambda s: s["rate"]),
        "best_rate": best,
        "best_rate_rerun": rerun,
        "best_rate_without_statistics": best_without_statistics,
    }


# --- a worker model --------------------------------------------------------------------------------


def parse_config(text: str) -> dict[str, Any]:
    """``sync:3`` or ``gthread:2x4``."""
    kind, _, count = text.partition(":")
    if kind == "gthread":
        workers, _, threads = count.partition("x")
        return {"name": text, "worker_class": "gthread", "workers": int(workers), "threads": int(threads or 4)}
    return {"name": text, "worker_class": "sync", "workers": int(count), "threads": 1}


@contextlib.contextmanager
def server(env: dict[str, str], config: dict[str, Any]) -> Any:
    port = free_port()
    access_log = ROOT / "var" / "bench" / "mixed-load-access.log"
    extra = f"--worker-class {config['worker_class']} --access-logfile {access_log}"
    if config["worker_class"] == "gthread":
        extra += f" --threads {config['threads']}"
    source = Path(env.get("PYTHONPATH") or ROOT)
    with gunicorn(env | {"GUNICORN_CMD_ARGS": extra}, port, config["workers"], source) as base:
        master, workers = server_processes(port)
        yield base, master, workers


def measure_config(
    env: dict[str, str], info: dict[str, Any], tokens: dict[str, str], config: dict[str, Any],
    args: argparse.Namespace, start: float,
) -> dict[str, Any]:  # fmt: skip
    log(f"{config['name']}: {config['workers']} {config['worker_class']} workers x {config['threads']} threads")
    with server(env, config) as (base, _master, workers):
        plan = make_plan(base, info, tokens)
        plan_path = ROOT / "var" / "bench" / f"mixed-load-plan-{base.rsplit(':', 1)[1]}.json"  # one per server
        plan_path.write_text(json.dumps(plan, ensure_ascii=False, indent=1))
        check_plan(base, plan)
        result = {"config": config, "requests_in_mix": len(plan["requests"])} | search(
            base, plan_path, workers, args, start
        )
    log(f"{config['name']}: best {result['best_rate']}/s (without statistics {result['best_rate_without_statistics']})")
    return result


def memory_run(
    env: dict[str, str], info: dict[str, Any], tokens: dict[str, str], config: dict[str, Any],
    rate: float, args: argparse.Namespace,
) -> dict[str, Any]:  # fmt: skip
    """``--rss-requests`` requests at ``rate``, the workers' RSS sampled before, after the warm-up, every 15 s
    and at the end."""
    log(f"memory: {args.rss_requests} requests at {rate}/s with {config['name']}")
    with server(env, config) as (base, master, workers):
        rss: dict[str, Any] = {"before_any_request": rss_mib(workers)}
        plan = make_plan(base, info, tokens)
        plan_path = ROOT / "var" / "bench" / f"mixed-load-plan-{base.rsplit(':', 1)[1]}.json"  # one per server
        plan_path.write_text(json.dumps(plan, ensure_ascii=False, indent=1))
        check_plan(base, plan)
        rss["start"] = rss_mib(workers)
        timeline: list[dict[str, Any]] = []
        done = threading.Event()
        started = time.perf_counter()

        def sample() -> None:
            while not done.wait(15):
                timeline.append({"s": round(time.perf_counter() - started), "rss": rss_mib(workers)})

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        users = max(2, math.ceil(rate)) if rate else args.rss_users
        seconds = args.rss_max_seconds  # the run stops at the count of requests; this is only a ceiling
        load_before = os.getloadavg()
        samples, locust_cpu = locust_run(base, plan_path, rate, users, seconds, stop_after=args.rss_requests)
        done.set()
        sampler.join()
        rss["end"] = rss_mib(workers)
        rss["master_end"] = rss_mib([master])
        pids_end = [p.pid for p in master.children()]
        summary = analyse(samples, args.warmup_seconds, rate, args.target_p95)
    growth = [round(e - s, 1) for s, e in zip(rss["start"], rss["end"], strict=False)]
    log(f"memory: RSS start {rss['start']} MiB, end {rss['end']} MiB (growth {growth}), {len(samples)} requests")
    return {
        "config": config,
        "rate": rate,
        "requests": len(samples),
        "seconds": round(time.perf_counter() - started),
        "load": [round(x, 2) for x in load_before],
        "load_after": [round(x, 2) for x in os.getloadavg()],
        "locust_cpu_s": locust_cpu,
        "rss_mib": rss,
        "growth_mib": growth,
        "same_workers_at_end": sorted(pids_end) == sorted(p.pid for p in workers),
        "timeline": timeline,
        "latency": {k: summary.get(k) for k in ("p50", "p95", "p99", "errors", "rate_reached")},
    }


# --- the database ----------------------------------------------------------------------------------


def sqlite_ready(path: Path, scale: float) -> dict[str, str]:
    """The scratch SQLite copy, migrated and with the planner's statistics (as ``varna demo`` leaves it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    env = base_env(f"sqlite:///{path.resolve()}")
    if not path.exists() and SQLITE_SOURCE.exists() and scale == 15:
        log(f"copying {SQLITE_SOURCE.relative_to(ROOT)} to {path.relative_to(ROOT)}")
        source = sqlite3.connect(SQLITE_SOURCE)
        target = sqlite3.connect(path)
        source.backup(target)
        source.close()
        target.close()
    run([VARNA, "manage", "migrate", "--no-input", "--verbosity=0"], env)
    code = "from varna.core.models import Organisation; print(Organisation.objects.exists())"
    if not run([VARNA, "manage", "shell", "-c", code], env, capture_output=True).stdout.strip().endswith("True"):
        log(f"varna demo --scale {scale} into {path}")
        run([VARNA, "demo", "--scale", str(scale), "--verbosity", "1"], env)
    with contextlib.closing(sqlite3.connect(path)) as db:
        if not db.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").fetchone():
            log("ANALYZE (the planner's statistics, as varna demo now leaves a new database)")
            db.execute("ANALYZE")
    return env


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=15.0, help="Demo scale (default 15).")
    parser.add_argument("--sqlite", type=Path, default=DEFAULT_SQLITE, help="The SQLite file (without DATABASE_URL).")
    parser.add_argument("--reuse", action="store_true", help="PostgreSQL: keep demo data that is already there.")
    parser.add_argument(
        "--configs",
        default="sync:2,sync:4,gthread:2x4",
        help="Worker models, comma-separated: sync:N or gthread:NxT (default sync:2,sync:4,gthread:2x4).",
    )
    parser.add_argument("--start", type=float, default=4.0, help="First rate, requests a second (default 4).")
    parser.add_argument("--factor", type=float, default=1.5, help="Next rate = rate x factor (default 1.5).")
    parser.add_argument("--max-rate", type=float, default=300.0, help="Highest rate tried.")
    parser.add_argument("--bisect", type=int, default=1, help="Steps between the best and the first failing rate.")
    parser.add_argument(
        "--rates", type=lambda t: [float(x) for x in t.split(",")], default=None, help="Fixed rates (no search)."
    )
    parser.add_argument("--no-rerun", dest="rerun", action="store_false", help="Do not run the best step again.")
    parser.add_argument("--step-seconds", type=float, default=30.0, help="Measured seconds per step (default 30).")
    parser.add_argument("--warmup-seconds", type=float, default=5.0, help="Seconds before measuring (default 5).")
    parser.add_argument("--target-p95", type=float, default=250.0, help="p95 budget in ms (default 250).")
    parser.add_argument("--rss-requests", type=int, default=20000, help="Requests of the memory run (0: none).")
    parser.add_argument(
        "--rss-rate", type=float, default=None, help="Rate of the memory run (default: the best; 0: flat out)."
    )
    parser.add_argument("--rss-users", type=int, default=8, help="Users of the memory run at --rss-rate 0.")
    parser.add_argument(
        "--rss-max-seconds", type=float, default=1800.0, help="The memory run stops after this at the latest."
    )
    parser.add_argument("--rss-config", default=None, help="Worker model of the memory run (default: the best).")
    parser.add_argument("--label", default="", help="Added to the results file name.")
    parser.add_argument(
        "--source",
        type=Path,
        default=None,
        help="Serve the code of this tree (e.g. a `git archive` of a commit) instead of the working tree.",
    )
    parser.add_argument("--paths-here", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.paths_here:
        print(json.dumps(paths_here()))
        return 0
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop gunicorn on the way out (the finally blocks)

    database_url = os.environ.get("DATABASE_URL", "")
    postgres = database_url.startswith(("postgres://", "postgresql://"))
    database = "postgresql" if postgres else "sqlite"
    if args.source:
        os.environ["PYTHONPATH"] = str(args.source.resolve())  # every varna command below runs that tree's code
    if postgres:
        env = base_env(database_url)
        demo_seconds = fill(env, args.scale, args.reuse)
    else:
        env = sqlite_ready(args.sqlite, args.scale)
        demo_seconds = None
    result: dict[str, Any] = {
        "date": datetime.datetime.now().astimezone().date().isoformat(),
        "started": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": machine(),
        "database": database,
        "scale": args.scale,
        "demo_seconds": demo_seconds,
        "target_p95_ms": args.target_p95,
        "step_seconds": args.step_seconds,
        "warmup_seconds": args.warmup_seconds,
        "shares": SHARES,
        "source": str(args.source) if args.source else None,
        "commit": run(["git", "rev-parse", "--short", "HEAD"], dict(os.environ), capture_output=True).stdout.strip(),
    }
    out = run([PYTHON, __file__, "--paths-here"], env, capture_output=True).stdout
    info = json.loads(out.strip().splitlines()[-1])
    tokens = {username: token_for(env, username) for username in {u for _l, u, _p in API_READS} | {REPORTER}}
    result["mix"] = {"pages": info["pages"], "api": API_READS, "report_body": info["report_body"]}
    personas = len({p["persona"] for p in info["pages"]})
    log(f"{len(info['pages'])} pages of {personas} personas, {len(API_READS)} API reads and the report")

    RESULTS.mkdir(parents=True, exist_ok=True)
    suffix = f"-{args.label}" if args.label else ""
    path = RESULTS / f"mixed-load-{result['date']}-{database}-scale{args.scale:g}{suffix}.json"

    def save() -> None:
        path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")

    result["configs"] = []
    start = args.start
    for text in [t.strip() for t in args.configs.split(",") if t.strip()]:  # "": only the memory run
        config = parse_config(text)
        measured = measure_config(env, info, tokens, config, args, start)
        result["configs"].append(measured)
        save()
        if measured["best_rate"]:
            start = max(args.start, round(measured["best_rate"] / args.factor**2, 1))

    ranked = [c for c in result["configs"] if c["best_rate"]]
    best = max(ranked, key=lambda c: c["best_rate"], default=None)
    result["best"] = (
        {"config": best["config"]["name"], "rate": best["best_rate"], "rerun": best["best_rate_rerun"]}
        if best
        else None
    )
    if args.rss_requests:
        chosen = parse_config(args.rss_config) if args.rss_config else (best or result["configs"][0])["config"]
        fallback = max((c["best_rate_without_statistics"] or 0 for c in result["configs"]), default=0) or 5.0
        rate = args.rss_rate if args.rss_rate is not None else (best["best_rate"] if best else fallback)
        result["memory"] = memory_run(env, info, tokens, chosen, rate, args)
    result["machine"]["load_after"] = os.getloadavg()
    save()
    log(f"written to {path.relative_to(ROOT)}")
    if best:
        log(f"best: {best['config']['name']} at {best['best_rate']}/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
