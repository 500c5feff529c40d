"""Benchmark of risk management and action plans at scale: the heat map, an analysis, the plans, the
risk list and a risk's page, adding a risk through the API, and the queries per page.

Run it against PostgreSQL through the throw-away cluster of ``scripts/postgres.sh``::

    scripts/postgres.sh .venv/bin/python bench/risks.py --scale 15

What it does, in order (the helpers are those of ``bench/incidents.py``):

1. Fills two databases with the demo data: ``--small-scale`` (default 1) in ``<db>_small`` and
   ``--scale`` (default 15: about 20,000 risks and 40,000 measures in Exempelkommun) in the database
   of ``DATABASE_URL``, timing ``varna demo`` for the large one. ``--reuse`` keeps data already there.
2. Counts the SQL queries of each page at both sizes with Django's test client and
   ``CaptureQueriesContext`` (a subprocess per database), and notes the slowest queries of each page:
   the counts must not grow with the data.
3. Starts gunicorn (``varna serve``, production settings) on 127.0.0.1 and sends it requests from
   this process, one at a time, ``--requests`` per run after a warm-up, in ``--runs`` runs. Reported:
   p50, p95 and p99 per run and their medians, against the targets in :data:`SCENARIOS`.

The pages are those of the coordinator (samordnare), the organisation-wide view; the new risks are
added by the unit manager of Solrosens förskola to the preschool's analysis of this year. Results are
printed as JSON and written to ``bench/results/risks-<date>-scale<N>.json``. Nothing here is a test:
the targets are checked and reported, never asserted.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.incidents import (  # noqa: E402 - after the path is set
    PYTHON,
    RESULTS,
    base_env,
    create_database,
    fill,
    free_port,
    gunicorn,
    log,
    login,
    machine,
    run,
    summary,
    timed,
    token_for,
    with_database,
)

# (name, kind, target p95 in ms); the paths are worked out inside Django (see ``paths_here``).
SCENARIOS: list[tuple[str, str, int]] = [
    ("heat map (organisation)", "page", 100),
    ("analysis page", "page", 100),
    ("action plans: overview", "page", 100),
    ("action plans: review", "page", 100),
    ("risk list: level 2, page 3", "page", 50),
    ("risk page", "page", 20),
    ("add a risk (POST /api/v1/risks)", "post", 50),
]
MAX_QUERIES = 20
COORDINATOR, MANAGER = "samordnare", "chef.solrosen"
UNIT = "Solrosens förskola"


def paths_here() -> dict[str, Any]:
    """Run inside Django: the path of each page, and the body of a new risk."""
    import django

    django.setup()
    from django.urls import reverse
    from django.utils import timezone

    from varna.core.models import SecurityArea, User
    from varna.risks.models import AnalysisStatus, Risk, RiskAnalysis

    coordinator = User.objects.get(username=COORDINATOR)
    org = coordinator.organisation_id
    year = timezone.localdate().year
    analysis = RiskAnalysis.objects.get(
        organisation_id=org, node__name=UNIT, analysed_on__year=year - 1, status=AnalysisStatus.ADOPTED
    )
    risk = Risk.objects.filter(analysis=analysis).order_by("pk").first()
    assert risk is not None
    open_analysis = RiskAnalysis.objects.get(
        organisation_id=org, node__name=UNIT, analysed_on__year=year, status=AnalysisStatus.IN_PROGRESS
    )
    area = SecurityArea.objects.get(organisation_id=org, code="fire-protection")
    return {
        "paths": {
            "heat map (organisation)": reverse("risks:heat_map"),
            "analysis page": reverse("risks:analysis", args=[analysis.pk]),
            "action plans: overview": reverse("plans:list"),
            "action plans: review": reverse("plans:review"),
            "risk list: level 2, page 3": reverse("risks:risk_list") + "?level=2&page=3",
            "risk page": reverse("risks:risk", args=[risk.pk]),
            "add a risk (POST /api/v1/risks)": "/api/v1/risks",
        },
        "risk_body": {
            "analysis": open_analysis.pk,
            "security_area": area.pk,
            "title": "Brand i förrådet (belastningstest)",
            "threat": "Förvaring av brandfarligt material nära elcentralen.",
            "current": {"likelihood": 3, "consequences": {"property": 3, "operations": 2}},
        },
    }


def query_counts_here() -> dict[str, Any]:
    """Run inside Django: the queries of each scenario, and the slowest of them."""
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from varna.core.models import User
    from varna.core.tokens import issue_token
    from varna.risks.models import Measure, Risk

    info = paths_here()
    coordinator = User.objects.get(username=COORDINATOR)
    manager = User.objects.get(username=MANAGER)
    page = Client()
    page.force_login(coordinator)
    token = issue_token(user=manager, actor=manager)
    result: dict[str, Any] = {
        "risks": Risk.objects.filter(organisation_id=coordinator.organisation_id).count(),
        "measures": Measure.objects.filter(organisation_id=coordinator.organisation_id).count(),
    }
    for name, kind, _target in SCENARIOS:
        path = info["paths"][name]

        def call(path: str = path, kind: str = kind) -> Any:
            if kind == "post":
                return Client().post(
                    path,
                    json.dumps(info["risk_body"]),
                    content_type="application/json",
                    headers={"Authorization": f"Bearer {token}", "Idempotency-Key": str(uuid.uuid4())},
                )
            return page.get(path)

        call()  # warm caches (sessions, grants) as a running server has them
        with CaptureQueriesContext(connection) as ctx:
            response = call()
        slowest = sorted(ctx.captured_queries, key=lambda q: float(q["time"]), reverse=True)[:3]
        result[name] = {
            "status": response.status_code,
            "queries": len(ctx.captured_queries),
            "slowest": [{"ms": round(float(q["time"]) * 1000, 1), "sql": q["sql"][:400]} for q in slowest],
        }
    return result


def in_django(env: dict[str, str], flag: str) -> dict[str, Any]:
    out = run([PYTHON, __file__, flag], env, capture_output=True).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def latencies(env: dict[str, str], args: argparse.Namespace, info: dict[str, Any]) -> dict[str, Any]:
    import requests

    port = free_port()
    results: dict[str, Any] = {}
    manager_token = token_for(env, MANAGER)
    with gunicorn(env, port, args.workers) as base:
        coordinator = login(base, COORDINATOR)
        api = requests.Session()
        api.headers["Authorization"] = f"Bearer {manager_token}"
        for name, kind, target in SCENARIOS:
            url = base + info["paths"][name]
            call: Callable[[], Any]
            if kind == "post":

                def call(url: str = url) -> Any:
                    return api.post(url, json=info["risk_body"], headers={"Idempotency-Key": str(uuid.uuid4())})

            else:

                def call(url: str = url) -> Any:
                    return coordinator.get(url)

            runs = [timed(call, args.requests, warmup=5, budget=args.budget) for _ in range(args.runs)]
            results[name] = summary(runs) | {"target_p95": target}
            p95 = results[name]["median"]["p95"]
            log(f"{name}: median p95 {p95} ms (target {target} ms){'' if p95 <= target else '  <-- over target'}")
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--scale", type=float, default=15.0, help="Demo scale of the large database (15: ~20,000 risks)."
    )
    parser.add_argument("--small-scale", type=float, default=1.0, help="Demo scale of the small database.")
    parser.add_argument("--runs", type=int, default=3, help="Runs per scenario (default 3).")
    parser.add_argument("--requests", type=int, default=100, help="Timed requests per run and scenario.")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers.")
    parser.add_argument(
        "--budget", type=float, default=30.0, help="Seconds per run of a slow scenario (at least 20 requests)."
    )
    parser.add_argument("--reuse", action="store_true", help="Keep demo data that is already there.")
    parser.add_argument("--query-counts-here", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--paths-here", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.query_counts_here:
        print(json.dumps(query_counts_here()))
        return 0
    if args.paths_here:
        print(json.dumps(paths_here()))
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
        "targets_ms": {name: target for name, _kind, target in SCENARIOS},
    }

    log(f"small database ({small_name}) at scale {args.small_scale}")
    create_database(database_url, small_name)
    fill(small_env, args.small_scale, args.reuse)
    log(f"large database at scale {args.scale}")
    started = time.perf_counter()
    result["demo_seconds"] = fill(large_env, args.scale, args.reuse)
    log(f"varna demo --scale {args.scale}: {result['demo_seconds']} s ({time.perf_counter() - started:.0f} s in all)")

    log("queries per page at both sizes")
    small = in_django(small_env, "--query-counts-here")
    large = in_django(large_env, "--query-counts-here")
    result["queries"] = {"small": small, "large": large}
    for name, _kind, _target in SCENARIOS:
        same = small[name]["queries"] == large[name]["queries"]
        log(
            f"{name}: {small[name]['queries']} / {large[name]['queries']} queries "
            f"(status {small[name]['status']} / {large[name]['status']}){'' if same else '  <-- grows with the data'}"
        )

    log("latency over HTTP")
    info = in_django(large_env, "--paths-here")
    result["latency_ms"] = latencies(large_env, args, info)
    result["machine"]["load_after"] = os.getloadavg()

    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"risks-{result['date']}-scale{args.scale:g}.json"
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(result, indent=2, ensure_ascii=False))
    log(f"written to {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
