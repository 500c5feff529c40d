"""Benchmark of risk management and action plans at scale: the heat map, an analysis, the plans, the
risk list and a risk's page, adding a risk through the API, and the queries per page.

Run it on the embedded SQLite that ``make run`` uses (the default: scratch files under ``var/bench/``), or
against PostgreSQL through the throw-away cluster of ``scripts/postgres.sh``::

    .venv/bin/python bench/risks.py --reuse                                # SQLite, 2 gunicorn workers
    scripts/postgres.sh .venv/bin/python bench/risks.py --scale 15         # PostgreSQL, 4 workers

What it does, in order (the helpers are those of ``bench/incidents.py``):

1. Fills two databases with the demo data: ``--small-scale`` (default 1) and ``--scale`` (default 15: about
   20,000 risks and 40,000 measures in Exempelkommun), timing ``varna demo`` for the large one. On PostgreSQL
   they are ``<db>_small`` and the database of ``DATABASE_URL``; on SQLite ``var/bench/risks-scale<N>.sqlite3``
   (the planner's statistics are left as ``varna demo`` leaves them, as a newcomer's database: since 2026-12-07
   ``varna demo`` ends with ``ANALYZE``; a file filled before that has none, which the plan PDF's prefetch feels).
   ``--reuse`` keeps data already there. An analysis of 20 risks and 12 measures for the PDF is added once
   (by the unit manager of Solrosens förskola, through the services).
2. Counts the SQL queries of each page at both sizes with Django's test client and
   ``CaptureQueriesContext`` (a subprocess per database), and notes the slowest queries of each page:
   the counts must not grow with the data.
3. Starts gunicorn (``varna serve``, production settings) on 127.0.0.1 and sends it requests from
   this process, one at a time, ``--requests`` per run after a warm-up, in ``--runs`` runs. Reported:
   p50, p95 and p99 per run and their medians, against the targets in :data:`SCENARIOS`.

The pages are those of the coordinator (samordnare), the organisation-wide view, and the API list is read
with the coordinator's token; the new risks are added by the unit manager of Solrosens förskola to the
preschool's analysis of this year. ``--only`` picks scenarios by a part of their name. Results are
printed as JSON and written to ``bench/results/risks-<date>-scale<N>-<database>.json``. Nothing here is a test:
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
    VARNA,
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
# "page": the coordinator's session; "admin": the administrator's session; "api": the coordinator's token;
# "post": the unit manager's token.
SCENARIOS: list[tuple[str, str, int]] = [
    ("simplest page (outgoing mail, administrator)", "admin", 8),
    ("heat map (organisation)", "page", 100),
    ("analysis page", "page", 100),
    ("analysis page (20 risks)", "page", 100),
    ("action plans: overview", "page", 100),
    ("action plans: review", "page", 100),
    ("risk list: first page", "page", 50),
    ("risk list: level 2, page 3", "page", 50),
    ("API: risks, limit 50, offset 9950", "api", 50),
    ("risk page", "page", 20),
    ("add a risk (POST /api/v1/risks)", "post", 50),
    ("PDF: analysis (20 risks)", "page", 1000),
    ("PDF: action plan of a nämnd", "page", 1000),
]
# Scenarios whose target is the median (p50), not p95: the base cost of a page (bench/base_page.py in process).
P50_TARGETS = {"simplest page (outgoing mail, administrator)"}
MAX_QUERIES = 20
COORDINATOR, MANAGER, ADMINISTRATOR = "samordnare", "chef.solrosen", "admin"
UNIT = "Solrosens förskola"
PDF_ANALYSIS = "Mätning: riskanalys med 20 risker"
PDF_RISKS, PDF_MEASURES = 20, 12


def pdf_analysis() -> Any:
    """Run inside Django: the analysis of 20 risks and 12 measures that the PDF scenario prints, made once.

    Made by the unit manager of Solrosens förskola through the services, from the risks and measures of the
    preschool's earlier analyses (their texts, judgements, linked incidents and costs), so that it is judged
    and costed as a real one: three heat maps and a cost-benefit ranking.
    """
    import datetime

    from django.utils import timezone

    from varna.core.models import User
    from varna.risks import services
    from varna.risks.models import Measure, Risk, RiskAnalysis, Stage

    manager = User.objects.get(username=MANAGER)
    existing = RiskAnalysis.objects.filter(organisation_id=manager.organisation_id, title=PDF_ANALYSIS).first()
    if existing is not None:
        return adopted(existing)
    sources = list(
        Risk.objects.filter(organisation_id=manager.organisation_id, node__name=UNIT)
        .select_related("security_area", "node")
        .prefetch_related("assessments", "incidents")
        .order_by("pk")[:PDF_RISKS]
    )
    node = sources[0].node
    analysis = services.create_analysis(
        actor=manager,
        node=node,
        title=PDF_ANALYSIS,
        analysed_on=timezone.localdate() - datetime.timedelta(days=30),
        scope="Hela förskolan: lokaler, gård, personal och barn.",
        responsible=manager,
        participants=[manager],
        security_areas=sorted({r.security_area for r in sources}, key=lambda a: a.pk),
    )
    copies = []
    for source in sources:
        judgements: dict[str, services.Judgement | None] = {
            a.stage: services.Judgement(likelihood=a.likelihood, consequences=a.consequences(), rationale=a.rationale)
            for a in source.assessments.all()
            if a.stage in Stage.values
        }
        copies.append(
            services.add_risk(
                actor=manager,
                analysis=analysis,
                security_area=source.security_area,
                title=source.title,
                description=source.description,
                threat=source.threat,
                timeframe=source.timeframe,
                current_controls=source.current_controls,
                incidents=list(source.incidents.all()),
                judgements=judgements,
            )
        )
    measures = Measure.objects.filter(organisation_id=manager.organisation_id, node=node).order_by("pk")
    for i, original in enumerate(measures[:PDF_MEASURES]):
        services.add_measure(
            actor=manager,
            analysis=analysis,
            measure_type=original.measure_type,
            title=original.title,
            description=original.description,
            risks=[copies[(2 * i) % len(copies)], copies[(2 * i + 1) % len(copies)]],
            is_continuity=original.is_continuity,
            investment=original.investment,
            yearly_cost=original.yearly_cost,
            lifetime_years=original.lifetime_years,
            expected_reduction=original.expected_reduction,
            effect_share=original.effect_share if original.expected_reduction is None else None,
            priority=original.priority,
            financing=original.financing,
        )
    return adopted(analysis)


def adopted(analysis: Any) -> Any:
    """Run inside Django: the analysis marked done and adopted by the coordinator (an adopted analysis keeps a
    stored PDF, made by the worker; ``main`` makes it with ``varna manage store_pdfs`` before timing)."""
    from varna.core.models import User
    from varna.risks import services
    from varna.risks.models import AnalysisStatus

    coordinator = User.objects.get(username=COORDINATOR)
    for status in (AnalysisStatus.DONE, AnalysisStatus.ADOPTED):
        if analysis.status != AnalysisStatus.ADOPTED and analysis.status != status:
            analysis = services.change_analysis_status(
                actor=coordinator, analysis=analysis, status=status, revision=None
            )
    return analysis


def paths_here() -> dict[str, Any]:
    """Run inside Django: the path of each page, and the body of a new risk."""
    import django

    django.setup()
    from django.db.models import Count
    from django.urls import reverse
    from django.utils import timezone

    from varna.core.models import NodeKind, SecurityArea, User
    from varna.plans.models import ActionPlan
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
    twenty = pdf_analysis()
    # The adopted nämnd's plan with the most actions (last year's or this year's).
    plan = (
        ActionPlan.objects.filter(organisation_id=org, node__kind=NodeKind.COMMITTEE, adopted_on__isnull=False)
        .annotate(n=Count("actions"))
        .order_by("-n", "-year", "pk")
        .first()
    )
    assert plan is not None
    return {
        "stored": {"risks.analysis": twenty.pk, "plans.plan": plan.pk},
        "paths": {
            "simplest page (outgoing mail, administrator)": reverse("core:outbox"),
            "heat map (organisation)": reverse("risks:heat_map"),
            "analysis page": reverse("risks:analysis", args=[analysis.pk]),
            "analysis page (20 risks)": reverse("risks:analysis", args=[twenty.pk]),
            "action plans: overview": reverse("plans:list"),
            "action plans: review": reverse("plans:review"),
            "risk list: first page": reverse("risks:risk_list"),
            "risk list: level 2, page 3": reverse("risks:risk_list") + "?level=2&page=3",
            "API: risks, limit 50, offset 9950": "/api/v1/risks?limit=50&offset=9950",
            "risk page": reverse("risks:risk", args=[risk.pk]),
            "add a risk (POST /api/v1/risks)": "/api/v1/risks",
            "PDF: analysis (20 risks)": reverse("risks:analysis_pdf", args=[twenty.pk]),
            "PDF: action plan of a nämnd": reverse("plans:pdf", args=[plan.pk]),
        },
        "risk_body": {
            "analysis": open_analysis.pk,
            "security_area": area.pk,
            "title": "Brand i förrådet (belastningstest)",
            "threat": "Förvaring av brandfarligt material nära elcentralen.",
            "current": {"likelihood": 3, "consequences": {"property": 3, "operations": 2}},
        },
    }


def chosen(scenarios: list[tuple[str, str, int]], only: list[str]) -> list[tuple[str, str, int]]:
    """The scenarios whose name holds one of ``only`` (all when it is empty)."""
    return [s for s in scenarios if not only or any(part.lower() in s[0].lower() for part in only)]


def query_counts_here(only: list[str]) -> dict[str, Any]:
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
    admin_page = Client()
    admin_page.force_login(User.objects.get(username=ADMINISTRATOR))
    token = issue_token(user=manager, actor=manager)
    coordinator_token = issue_token(user=coordinator, actor=coordinator)
    result: dict[str, Any] = {
        "risks": Risk.objects.filter(organisation_id=coordinator.organisation_id).count(),
        "measures": Measure.objects.filter(organisation_id=coordinator.organisation_id).count(),
    }
    for name, kind, _target in chosen(SCENARIOS, only):
        path = info["paths"][name]

        def call(path: str = path, kind: str = kind) -> Any:
            if kind == "post":
                return Client().post(
                    path,
                    json.dumps(info["risk_body"]),
                    content_type="application/json",
                    headers={"Authorization": f"Bearer {token}", "Idempotency-Key": str(uuid.uuid4())},
                )
            if kind == "api":
                return Client().get(path, headers={"Authorization": f"Bearer {coordinator_token}"})
            if kind == "admin":
                return admin_page.get(path)
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


def in_django(env: dict[str, str], flag: str, only: list[str]) -> dict[str, Any]:
    out = run([PYTHON, __file__, flag, *(f"--only={part}" for part in only)], env, capture_output=True).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def latencies(env: dict[str, str], args: argparse.Namespace, info: dict[str, Any]) -> dict[str, Any]:
    import requests

    port = free_port()
    results: dict[str, Any] = {}
    manager_token = token_for(env, MANAGER)
    coordinator_token = token_for(env, COORDINATOR)
    with gunicorn(env, port, args.workers) as base:
        coordinator = login(base, COORDINATOR)
        administrator = login(base, ADMINISTRATOR)
        api = requests.Session()
        api.headers["Authorization"] = f"Bearer {manager_token}"
        reader = requests.Session()
        reader.headers["Authorization"] = f"Bearer {coordinator_token}"
        for name, kind, target in chosen(SCENARIOS, args.only):
            url = base + info["paths"][name]
            call: Callable[[], Any]
            if kind == "post":

                def call(url: str = url) -> Any:
                    return api.post(url, json=info["risk_body"], headers={"Idempotency-Key": str(uuid.uuid4())})

            elif kind == "api":

                def call(url: str = url) -> Any:
                    return reader.get(url)

            elif kind == "admin":

                def call(url: str = url) -> Any:
                    return administrator.get(url)

            else:

                def call(url: str = url) -> Any:
                    return coordinator.get(url)

            runs = [timed(call, args.requests, warmup=5, budget=args.budget) for _ in range(args.runs)]
            stat = "p50" if name in P50_TARGETS else "p95"
            results[name] = summary(runs) | {f"target_{stat}": target}
            value = results[name]["median"][stat]
            log(
                f"{name}: median {stat} {value} ms (target {target} ms){'' if value <= target else '  <-- over target'}"
            )
    return results


def sqlite_env(scale: float, path: Path | None = None) -> dict[str, str]:
    """The environment of ``varna`` on the scratch SQLite file of ``scale`` (as ``make run`` has it: one file).

    Stored documents (the PDFs kept by the worker) go to a folder beside the file, not to the checkout's ``var``.
    """
    path = path or ROOT / "var" / "bench" / f"risks-scale{scale:g}.sqlite3"
    path.parent.mkdir(parents=True, exist_ok=True)
    files = path.with_name(f"{path.stem}-files")
    return base_env(f"sqlite:///{path.resolve()}") | {"VARNA_MEDIA_ROOT": str(files.resolve())}


def fill_sqlite(env: dict[str, str], scale: float, reuse: bool) -> float | None:
    """Migrate and fill the SQLite file unless ``reuse`` finds the demo there (``varna demo`` runs ``ANALYZE``)."""
    path = Path(env["DATABASE_URL"].removeprefix("sqlite:///"))
    if not reuse:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
    run([VARNA, "manage", "migrate", "--no-input", "--verbosity=0"], env)
    code = "from varna.core.models import Organisation; print(Organisation.objects.exists())"
    out = run([VARNA, "manage", "shell", "-c", code], env, capture_output=True).stdout
    if out.strip().endswith("True"):
        log(f"reusing the demo data in {path}")
        return None
    started = time.perf_counter()
    run([VARNA, "demo", "--scale", str(scale), "--verbosity", "2"], env)
    return round(time.perf_counter() - started, 1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--scale", type=float, default=15.0, help="Demo scale of the large database (15: ~20,000 risks)."
    )
    parser.add_argument("--small-scale", type=float, default=1.0, help="Demo scale of the small database.")
    parser.add_argument("--runs", type=int, default=3, help="Runs per scenario (default 3).")
    parser.add_argument("--requests", type=int, default=100, help="Timed requests per run and scenario.")
    parser.add_argument(
        "--workers", type=int, default=None, help="gunicorn workers (default 2 on SQLite, 4 on PostgreSQL)."
    )
    parser.add_argument(
        "--budget", type=float, default=30.0, help="Seconds per run of a slow scenario (at least 20 requests)."
    )
    parser.add_argument("--reuse", action="store_true", help="Keep demo data that is already there.")
    parser.add_argument(
        "--only", action="append", default=[], help="Only the scenarios whose name holds this text (repeatable)."
    )
    parser.add_argument("--no-counts", action="store_true", help="Skip counting the queries per page.")
    parser.add_argument(
        "--render-pdfs",
        action="store_true",
        help="Do not make the stored PDFs first (time the PDFs rendered on each download, as before).",
    )
    parser.add_argument(
        "--sqlite", type=Path, default=None, help="The SQLite file of the large database (default var/bench/...)."
    )
    parser.add_argument("--label", default="", help="Added to the results file's name (keeps earlier results).")
    parser.add_argument("--query-counts-here", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--paths-here", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.query_counts_here:
        print(json.dumps(query_counts_here(args.only)))
        return 0
    if args.paths_here:
        print(json.dumps(paths_here()))
        return 0

    database_url = os.environ.get("DATABASE_URL", "")
    postgres = database_url.startswith(("postgres://", "postgresql://"))
    database = "postgresql" if postgres else "sqlite"
    args.workers = args.workers or (4 if postgres else 2)
    if postgres:
        large_env = base_env(database_url)
        small_name = urlsplit(database_url).path.strip("/") + "_small"
        small_env = base_env(with_database(database_url, small_name))
    else:
        large_env, small_env = sqlite_env(args.scale, args.sqlite), sqlite_env(args.small_scale)
    result: dict[str, Any] = {
        "date": datetime.datetime.now().astimezone().date().isoformat(),
        "machine": machine(),
        "database": database,
        "scale": args.scale,
        "small_scale": args.small_scale,
        "runs": args.runs,
        "requests_per_run": args.requests,
        "workers": args.workers,
        "budget_seconds": args.budget,
        "targets_ms": {name: target for name, _kind, target in chosen(SCENARIOS, args.only)},
    }

    if not args.no_counts:
        log(f"small database at scale {args.small_scale}")
        if postgres:
            create_database(database_url, small_name)
            fill(small_env, args.small_scale, args.reuse)
        else:
            fill_sqlite(small_env, args.small_scale, args.reuse)
    log(f"large database at scale {args.scale}")
    started = time.perf_counter()
    if postgres:
        result["demo_seconds"] = fill(large_env, args.scale, args.reuse)
    else:
        result["demo_seconds"] = fill_sqlite(large_env, args.scale, args.reuse)
    log(f"varna demo --scale {args.scale}: {result['demo_seconds']} s ({time.perf_counter() - started:.0f} s in all)")

    if not args.no_counts:
        log("queries per page at both sizes")
        small = in_django(small_env, "--query-counts-here", args.only)
        large = in_django(large_env, "--query-counts-here", args.only)
        result["queries"] = {"small": small, "large": large}
        for name, _kind, _target in chosen(SCENARIOS, args.only):
            same = small[name]["queries"] == large[name]["queries"]
            log(
                f"{name}: {small[name]['queries']} / {large[name]['queries']} queries "
                f"(status {small[name]['status']} / {large[name]['status']})"
                f"{'' if same else '  <-- grows with the data'}"
            )

    log(f"latency over HTTP ({database}, {args.workers} gunicorn workers)")
    info = in_django(large_env, "--paths-here", [])
    if not args.render_pdfs:  # the PDFs the worker keeps of the adopted analysis and plan (as the coordinator reads)
        for source, object_id in info["stored"].items():
            store = [VARNA, "manage", "store_pdfs", "--source", source, "--id", str(object_id)]
            run([*store, "--reader", COORDINATOR], large_env)
    result["stored_pdfs"] = not args.render_pdfs
    result["latency_ms"] = latencies(large_env, args, info)
    result["machine"]["load_after"] = os.getloadavg()

    RESULTS.mkdir(parents=True, exist_ok=True)
    label = f"-{args.label}" if args.label else ""
    path = RESULTS / f"risks-{result['date']}-scale{args.scale:g}-{database}{label}.json"
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(result, indent=2, ensure_ascii=False))
    log(f"written to {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
