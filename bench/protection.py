"""Benchmark of technical protection (G11, K12-K14) at ``varna demo --scale 15``: the coordinator's list of overdue
service, a facility's page with five years of history, and recording one point of a self-inspection round.

The pages are requested through Django's test client in this process (the whole request: middleware, access,
selectors, templates; no gunicorn), on a scratch SQLite database (the default) or on PostgreSQL::

    .venv/bin/python bench/protection.py                                  # fills var/bench/protection-scale15.sqlite3
    .venv/bin/python bench/protection.py --reuse                          # the same file, already filled
    scripts/postgres.sh .venv/bin/python bench/protection.py              # the same on PostgreSQL

Scenarios (each ``--runs`` runs of ``--calls`` requests after 2 warm-up requests), with their targets for p95:

- ``overdue list``: ``protection:overdue`` as the security coordinator (samordnare), the whole organisation: 100 ms;
- ``facility page``: ``protection:facility`` of the facility with the most history (service visits, false alarms,
  rounds, property) as the coordinator: 60 ms;
- ``round point``: ``POST protection:round_answer`` (OK, a note) on the points of a round the bench starts at that
  facility, as the coordinator, point after point, answered again and again: 50 ms.

Before timing, the SQL queries of each page are counted (``CaptureQueriesContext``) with the three slowest. The
round started stays in the database, unfinished. Results are printed as JSON and written to
``bench/results/protection-<date>-scale<N>-<database>.json``. Nothing here is a test: the targets are reported.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.insurance_common import ROOT, arguments, prepare, report, time_scenarios

COORDINATOR = "samordnare"
TARGETS = {"overdue list": 100.0, "facility page": 60.0, "round point": 50.0}


def busiest_facility() -> Any:
    """The facility with the most history (service visits, false alarms, rounds and property) among those with
    self-inspection rounds (few facilities have them in the demo)."""
    from django.db.models import Count

    from varna.protection.models import Facility, InspectionRound

    with_rounds = InspectionRound.objects.values("facility_id")
    return (
        Facility.objects.filter(organisation__slug="exempelkommun", pk__in=with_rounds)
        .annotate(
            n=Count("systems__visits", distinct=True)
            + Count("systems__false_alarms", distinct=True)
            + Count("rounds", distinct=True)
            + Count("assets", distinct=True)
        )
        .order_by("-n", "pk")
        .first()
    )


def history_of(facility: Any) -> dict[str, Any]:
    from django.db.models import Max, Min

    from varna.protection.models import FalseAlarm, InspectionRound, ServiceVisit

    visits = ServiceVisit.objects.filter(system__facility=facility)
    span = visits.aggregate(first=Min("done_on"), last=Max("done_on"))
    return {
        "facility": facility.name,
        "systems": facility.systems.count(),
        "service_visits": visits.count(),
        "visits_from": str(span["first"]),
        "visits_to": str(span["last"]),
        "false_alarms": FalseAlarm.objects.filter(system__facility=facility).count(),
        "rounds": InspectionRound.objects.filter(facility=facility).count(),
        "property": facility.assets.count(),
    }


def query_counts(client: Any, scenarios: dict[str, Any]) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for name, call in scenarios.items():
        with CaptureQueriesContext(connection) as captured:
            call(0)
        slowest = sorted(captured.captured_queries, key=lambda q: -float(q["time"]))[:3]
        counts[name] = {
            "queries": len(captured.captured_queries),
            "slowest": [{"ms": round(float(q["time"]) * 1000, 1), "sql": q["sql"][:2000]} for q in slowest],
        }
    return counts


def measure(args: Any) -> dict[str, Any]:
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from varna.core.models import User
    from varna.protection.models import ProtectionSystem
    from varna.protection.services.rounds import start_round

    coordinator = User.objects.get(username=COORDINATOR)
    client = Client()
    client.force_login(coordinator)
    facility = busiest_facility()
    today = timezone.localdate()
    result: dict[str, Any] = {
        "overdue_systems": ProtectionSystem.objects.filter(
            organisation__slug="exempelkommun", is_active=True, next_service_due__lt=today
        ).count(),
        "active_systems": ProtectionSystem.objects.filter(organisation__slug="exempelkommun", is_active=True).count(),
        "busiest": history_of(facility),
    }
    inspection = start_round(actor=coordinator, facility=facility)
    points = list(inspection.items.order_by("position").values_list("pk", flat=True))
    result["round_points"] = len(points)
    overdue_url = reverse("protection:overdue")
    facility_url = reverse("protection:facility", args=[facility.pk])

    def get(url: str) -> None:
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url}: {response.status_code}")

    def answer(i: int) -> None:
        url = reverse("protection:round_answer", args=[points[i % len(points)]])
        response = client.post(
            url, {f"i{points[i % len(points)]}-result": "ok", f"i{points[i % len(points)]}-note": f"Kontroll {i}"}
        )
        if response.status_code != 302:
            raise SystemExit(f"{url}: {response.status_code}")

    scenarios = {
        "overdue list": lambda _i: get(overdue_url),
        "facility page": lambda _i: get(facility_url),
        "round point": answer,
    }
    result["queries"] = query_counts(client, scenarios)
    result["latency_ms"] = time_scenarios(scenarios, TARGETS, args)
    return result


def main() -> int:
    parser = arguments(__doc__)
    parser.set_defaults(runs=3)
    args = parser.parse_args()
    if args.sqlite is None:
        args.sqlite = ROOT / "var" / "bench" / f"protection-scale{args.scale:g}.sqlite3"
    result: dict[str, Any] = prepare(args)
    result |= measure(args)
    report("protection", args.scale, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
