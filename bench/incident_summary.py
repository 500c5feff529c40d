"""Benchmark of the damage statistics read from the daily summary the services keep, against the same figures
counted live from the incidents (``StatisticsFilter(live=True)``), with about 45,000 incidents
(``varna demo --scale 15``) or more.

Run it on a scratch SQLite database (the default) or on PostgreSQL through ``scripts/postgres.sh``::

    .venv/bin/python bench/incident_summary.py                              # scale 15 on SQLite
    .venv/bin/python bench/incident_summary.py --reuse                      # keep the filled database
    scripts/postgres.sh .venv/bin/python bench/incident_summary.py --scale 35
    DATABASE_URL=... .venv/bin/python bench/incident_summary.py --scale 170 --as-is --no-live --no-writes --no-rebuild

What it does:

1. Fills the database with the demo data (``varna demo --scale N``, timed) unless ``--reuse`` finds it there
   (``var/bench/incident-summary-scale<N>.sqlite3`` on SQLite).
2. Times ``rebuild_incident_summary`` for Exempelkommun (``--no-rebuild``: not) and counts incidents and the rows
   of each summary (daily; per month, type and area; per year and node; per year and facility).
3. In this process, as the coordinator read afresh for each call (as a request reads the person), alternating
   summary and live run by run: the statistics page's figures over five years (``statistics_page``), a
   drill-down to one förvaltning, the API's year x type (``aggregate``), "Where is a risk analysis due?"
   (``analysis_due``, three years), and the page's charts warm (``statistics_charts``, after one cold draw).
   Also a report through the service (``report_incident``, the summaries kept in its transaction).
   ``--no-live`` times only the summaries (the live count takes seconds at scale 170); ``--no-writes`` leaves
   out the report (for a shared database that others measure).
   Each scenario: ``--runs`` runs of ``--calls`` timed calls after 3 warm-up calls; p50, p95, p99 per run and
   their medians.
4. Checks that summary and live give the same figures.

5. With ``--http``: instead of 3 and 4, the statistics page (five years), a drill-down to one förvaltning
   and the API's year x type through gunicorn (``varna serve``, production settings, ``--workers``), logged in
   as the coordinator, SQLite or PostgreSQL alike; ``--compare-with DIR`` serves another source tree (e.g.
   ``git worktree add /tmp/base <commit>``) on the same database, and each run is made on both, the other
   tree first. Pages are warm (charts cached by the worker) after the warm-up.

Results are printed as JSON and written to ``bench/results/incident-summary-<date>-scale<N>-<database>.json``.
Nothing here is a test: the targets are checked and reported, never asserted.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.incidents import ROOT, log
from bench.insurance_common import (
    arguments,
    database_env,
    fill,
    machine,
    report,
    scenario_log,
    setup_django,
    summary,
    timed,
)

COORDINATOR, REPORTER = "samordnare", "anstalld"
TARGETS_MS = {"page": 300, "api": 100, "chart": 5, "submit": 50}


def measure(args: Any) -> dict[str, Any]:
    from django.db import transaction
    from django.utils import timezone

    from varna.core.models import Node, NodeKind, User
    from varna.incidents import charts, statistics
    from varna.incidents.models import Incident, IncidentDaySummary, IncidentType
    from varna.incidents.services import report_incident
    from varna.incidents.services.summary import GRAINS, rebuild_incident_summary
    from varna.incidents.statistics import StatisticsFilter

    coordinator = User.objects.get(username=COORDINATOR)
    org_id = coordinator.organisation_id or 0
    today = timezone.localdate()
    started = time.perf_counter()
    if not args.no_rebuild:
        with transaction.atomic():
            rebuild_incident_summary(organisation_id=org_id)
    result: dict[str, Any] = {
        "rebuild_seconds_exempelkommun": None if args.no_rebuild else round(time.perf_counter() - started, 2),
        "incidents": Incident.objects.filter(organisation_id=org_id).count(),
        "summary_rows": {g.model.__name__: g.rows.filter(organisation_id=org_id).count() for g in GRAINS},
        "summary_rows_all": IncidentDaySummary.objects.count(),
        "incidents_all": Incident.objects.count(),
    }
    log(f"summaries: {result['summary_rows']} rows for {result['incidents']} incidents")

    def fresh() -> User:
        return User.objects.get(pk=coordinator.pk)  # as a request reads the person, grants not yet cached

    five_years = StatisticsFilter.for_years(today.year - 4, today.year)
    administration = Node.objects.filter(organisation_id=org_id, kind=NodeKind.ADMINISTRATION).order_by("path").first()
    drill = dataclasses.replace(five_years, node=administration, node_level="children")
    start, end = statistics.period_of_years(3, today)
    due = StatisticsFilter(date_from=start, date_to=end, include_near_misses=False, include_false_alarms=False)

    def page(filters: StatisticsFilter) -> Callable[[int], Any]:
        return lambda i: statistics.statistics_page(fresh(), filters, today=today)

    def api(filters: StatisticsFilter) -> Callable[[int], Any]:
        return lambda i: statistics.aggregate(fresh(), group_by=("year", "type"), filters=filters)

    def ranking(filters: StatisticsFilter) -> Callable[[int], Any]:
        return lambda i: statistics.analysis_due(fresh(), filters=filters, years=3)

    def live(filters: StatisticsFilter) -> StatisticsFilter:
        return dataclasses.replace(filters, live=True)

    # Same figures from both sources.
    kept = page(five_years)(0)
    if not args.no_live:
        counted = page(live(five_years))(0)
        result["page_figures_equal"] = [(r.year, r.count, r.cost, r.ytd_count) for r in kept.years] == [
            (r.year, r.count, r.cost, r.ytd_count) for r in counted.years
        ] and all(
            [(r.node_name, r.count, r.cost) for r in getattr(kept, part)]
            == [(r.node_name, r.count, r.cost) for r in getattr(counted, part)]
            for part in ("nodes", "types", "areas", "facilities")
        )
    result["page_total"] = {"count": kept.total.count, "cost": str(kept.total.cost)}

    pairs = [
        ("statistics page, five years", "page", page(five_years), page(live(five_years))),
        ("drill-down: one förvaltning, five years", "page", page(drill), page(live(drill))),
        ("API figures: year x type, five years", "api", api(five_years), api(live(five_years))),
        ("analysis due: three years", "page", ranking(due), ranking(live(due))),
    ]
    result["latency_ms"] = {}
    for name, kind, from_summary, from_incidents in pairs:
        runs: dict[str, list[list[float]]] = {"summary": []} if args.no_live else {"summary": [], "live": []}
        for _run in range(args.runs):  # alternated, so that a change of load falls on both
            runs["summary"].append(timed(from_summary, args.calls, warmup=3, budget=args.budget))
            if not args.no_live:
                runs["live"].append(timed(from_incidents, args.calls, warmup=3, budget=args.budget))
        for label, timings in runs.items():
            key = f"{name} ({label})"
            result["latency_ms"][key] = summary(timings, TARGETS_MS[kind])
            scenario_log(key, result["latency_ms"][key])

    started = time.perf_counter()
    charts.statistics_charts(kept)
    result["charts_cold_ms"] = round((time.perf_counter() - started) * 1000, 1)
    warm = [timed(lambda i: charts.statistics_charts(kept), args.calls, warmup=3, budget=args.budget) for _ in range(3)]
    result["latency_ms"]["the page's five charts, warm"] = summary(warm, TARGETS_MS["chart"] * 5)
    scenario_log("the page's five charts, warm", result["latency_ms"]["the page's five charts, warm"])

    if args.no_writes:
        return result
    reporter = User.objects.get(username=REPORTER)
    vandalism = IncidentType.objects.filter(organisation_id=org_id, code="vandalism").get()
    place = reporter.employment_node or Node.objects.filter(organisation_id=org_id, kind=NodeKind.UNIT).first()
    assert place is not None

    def submit(i: int) -> Any:
        return report_incident(
            actor=User.objects.get(pk=reporter.pk),
            incident_type=vandalism,
            occurred_at=timezone.now() - datetime.timedelta(hours=1 + i % 200),
            incident_node=place,
            description="Klotter på fasaden (benchmark).",
            estimated_cost=None,
        )

    reports = [timed(submit, min(args.calls, 50), warmup=3, budget=args.budget) for _run in range(args.runs)]
    result["latency_ms"]["report_incident (service, summary kept)"] = summary(reports, TARGETS_MS["submit"])
    scenario_log(
        "report_incident (service, summary kept)", result["latency_ms"]["report_incident (service, summary kept)"]
    )
    return result


HTTP_SCENARIOS = (
    ("statistics page, five years", "page", "/incidents/statistics/"),
    ("drill-down: one förvaltning", "page", "/incidents/statistics/?node={administration}&node_level=children"),
    ("statistics API: year x type", "api", "/api/v1/statistics/incidents?group_by=year&group_by=type"),
)


def over_http(args: Any, env: dict[str, str]) -> dict[str, Any]:
    """The page, a drill-down and the API through gunicorn (and another tree's code with ``--compare-with``)."""
    import contextlib

    import requests

    from bench.incidents import free_port, gunicorn, login, token_for
    from bench.incidents import timed as timed_requests
    from varna.core.models import Node, NodeKind, User

    coordinator = User.objects.get(username=COORDINATOR)
    administration = (
        Node.objects.filter(organisation_id=coordinator.organisation_id or 0, kind=NodeKind.ADMINISTRATION)
        .order_by("path")
        .first()
    )
    assert administration is not None
    token = token_for(env, COORDINATOR)
    sources = {"this tree": ROOT} | ({"other tree": Path(args.compare_with)} if args.compare_with else {})
    result: dict[str, Any] = {"administration": administration.name, "workers": args.workers, "latency_ms": {}}
    with contextlib.ExitStack() as stack:
        calls: dict[str, dict[str, Callable[[], Any]]] = {}
        for label, source in sources.items():
            base = stack.enter_context(gunicorn(env, free_port(), args.workers, source))
            sessions = {"page": login(base, COORDINATOR), "api": requests.Session()}
            sessions["api"].headers["Authorization"] = f"Bearer {token}"
            calls[label] = {
                name: functools.partial(sessions[kind].get, base + path.format(administration=administration.pk))
                for name, kind, path in HTTP_SCENARIOS
            }
        for name, kind, _path in HTTP_SCENARIOS:
            runs: dict[str, list[list[float]]] = {label: [] for label in reversed(sources)}
            for _run in range(args.runs):
                for label in runs:  # the other tree first, as bench/incidents.py does
                    runs[label].append(timed_requests(calls[label][name], args.calls, warmup=5, budget=args.budget))
            for label, timings in runs.items():
                key = f"{name} ({label})"
                result["latency_ms"][key] = summary(timings, TARGETS_MS[kind])
                scenario_log(key, result["latency_ms"][key])
    return result


def main() -> int:
    parser = arguments(__doc__)
    parser.set_defaults(runs=3, calls=30)
    parser.add_argument("--no-live", action="store_true", help="Time only the summaries, not the live count.")
    parser.add_argument("--no-writes", action="store_true", help="Leave out the report (a shared database).")
    parser.add_argument("--no-rebuild", action="store_true", help="Do not count the summaries afresh first.")
    parser.add_argument(
        "--as-is", action="store_true", help="Use the database as it is: no migrate, no demo data (a shared one)."
    )
    parser.add_argument("--label", default="", help="Added to the results file's name.")
    parser.add_argument("--http", action="store_true", help="Through gunicorn instead of in this process.")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (with --http).")
    parser.add_argument("--compare-with", default=None, help="Another source tree served alongside (with --http).")
    args = parser.parse_args()
    if args.sqlite is None:
        args.sqlite = ROOT / "var" / "bench" / f"incident-summary-scale{args.scale:g}.sqlite3"
    before = machine()
    env = database_env(args)
    log(f"database {env['DATABASE_URL']} at scale {args.scale:g}")
    demo_seconds = None if args.as_is else fill(env, args.scale, args.reuse)
    if demo_seconds is not None:
        log(f"varna demo --scale {args.scale:g}: {demo_seconds} s")
    setup_django(env)
    from django.db import connection

    result: dict[str, Any] = {
        "scale": args.scale,
        "database": connection.vendor,
        "demo_seconds": demo_seconds,
        "runs": args.runs,
        "calls_per_run": args.calls,
        "machine": before,
    }
    if args.http:
        result |= over_http(args, env)
    else:
        result |= measure(args)
    report(
        ("incident-summary-http" if args.http else "incident-summary") + (f"-{args.label}" if args.label else ""),
        args.scale,
        result,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
