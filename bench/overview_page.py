"""Benchmark of the elected officials' start page (issue 15) at ``varna demo --scale 15``: what the politician
persona (politiker) sees after logging in, with the headline figures of their nämnd and of the municipality (small
counts suppressed), the plans and their status, and the latest fixed reports.

The page is requested through Django's test client in this process (the whole request: middleware, access,
selectors, templates; no gunicorn), on a scratch SQLite database (the default) or on PostgreSQL::

    .venv/bin/python bench/overview_page.py                       # fills var/bench/overview-scale15.sqlite3
    .venv/bin/python bench/overview_page.py --reuse               # the same file, already filled
    scripts/postgres.sh .venv/bin/python bench/overview_page.py   # the same on PostgreSQL

Scenario (``--runs`` runs of ``--calls`` requests after 2 warm-up requests), with its target for p95:

- ``politician's start page``: ``/`` as politiker: 100 ms.

Before timing, the SQL queries are counted (``CaptureQueriesContext``) with the three slowest. Results are printed as
JSON and written to ``bench/results/overview-page-<date>-scale<N>-<database>.json``. Nothing here is a test: the
target is reported.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.insurance_common import ROOT, arguments, prepare, report, time_scenarios
from bench.protection import query_counts

POLITICIAN = "politiker"
TARGETS = {"politician's start page": 100.0}


def measure(args: Any) -> dict[str, Any]:
    from django.test import Client

    from varna.core.models import User
    from varna.followup.models import FollowUp
    from varna.followup.models_report import YearlyReport

    politician = User.objects.get(username=POLITICIAN)
    client = Client()
    client.force_login(politician)
    org = politician.organisation_id
    result: dict[str, Any] = {
        "follow_ups": FollowUp.objects.filter(organisation_id=org).count(),
        "yearly_reports": YearlyReport.objects.filter(organisation_id=org).count(),
    }

    def get(_i: int) -> None:
        response = client.get("/")
        if response.status_code != 200:
            raise SystemExit(f"/: {response.status_code}")

    scenarios = {"politician's start page": get}
    result["queries"] = query_counts(client, scenarios)
    result["latency_ms"] = time_scenarios(scenarios, TARGETS, args)
    return result


def main() -> int:
    parser = arguments(__doc__)
    parser.set_defaults(runs=3)
    args = parser.parse_args()
    if args.sqlite is None:
        args.sqlite = ROOT / "var" / "bench" / f"overview-scale{args.scale:g}.sqlite3"
    result: dict[str, Any] = prepare(args)
    result |= measure(args)
    report("overview-page", args.scale, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
