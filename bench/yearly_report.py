"""Benchmark of the yearly report to kommunstyrelsen (K4): the worker's generation of one version.

The issue's target: the report for Exempelkommun at ``--scale 170`` (about 500,000 incidents) is generated in at
most 30 s. Filling scale 170 takes about an hour, so the default is scale 15 on a scratch SQLite database::

    .venv/bin/python bench/yearly_report.py                                # scale 15 on SQLite
    .venv/bin/python bench/yearly_report.py --reuse --sqlite var/bench/yearly-report-s15.sqlite3
    scripts/postgres.sh .venv/bin/python bench/yearly_report.py           # the same on PostgreSQL
    .venv/bin/python bench/yearly_report.py --scale 170 --reuse            # the target's size

In this process it times ``--runs`` generations of a new version of last year's report, as the coordinator
(``report.run``: every step, the content written once), and, once, the HTML page and the PDF of the result.
Results are printed as JSON and written to ``bench/results/yearly-report-<date>-scale<N>-<database>.json``.
Nothing here is a test: the target is checked and reported, never asserted.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.incidents import log
from bench.insurance_common import arguments, prepare, report

TARGET_SECONDS = 30.0
COORDINATOR = "samordnare"


def measure(args: Any) -> dict[str, Any]:
    from django.template.loader import render_to_string
    from django.utils import timezone

    from varna.core import pdf
    from varna.core.models import User
    from varna.followup import report as yearly
    from varna.followup import report_document, report_services
    from varna.followup.models_report import ReportStatus, YearlyReport

    coordinator = User.objects.get(username=COORDINATOR)
    year = timezone.localdate().year - 1
    seconds: list[float] = []
    made: YearlyReport | None = None
    for run in range(args.runs):
        made = report_services.create_version(actor=User.objects.get(pk=coordinator.pk), year=year)
        started = time.perf_counter()
        outcome = yearly.run(made.pk)
        seconds.append(time.perf_counter() - started)
        log(f"run {run + 1}: {outcome} in {seconds[-1]:.2f} s")
    assert made is not None
    made.refresh_from_db()
    result: dict[str, Any] = {
        "year": year,
        "status": made.status,
        "committees": len(made.content.get("committees", [])),
        "measures_followed_up": (made.content.get("effect") or {}).get("measures"),
        "incidents_of_the_year": (made.content.get("summary") or {}).get("incidents"),
        "generation_seconds": [round(s, 2) for s in seconds],
        "generation_median_seconds": round(statistics.median(seconds), 2),
        "target_seconds": TARGET_SECONDS,
        "meets_target": statistics.median(seconds) <= TARGET_SECONDS,
    }
    if made.status == ReportStatus.DONE:
        comments = {c.section: c for c in made.comments.all()}
        started = time.perf_counter()
        html = render_to_string("followup/report_pdf.html", {**report_document.context(made, comments), "pdf": True})
        result["html_seconds"] = round(time.perf_counter() - started, 2)
        started = time.perf_counter()
        pdf.html_to_pdf(html)
        result["pdf_seconds"] = round(time.perf_counter() - started, 2)
    return result


def main() -> int:
    args = arguments(__doc__).parse_args()
    result: dict[str, Any] = prepare(args)
    result |= measure(args)
    report("yearly-report", args.scale, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
