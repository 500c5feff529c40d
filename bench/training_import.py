"""Benchmark of importing a provider's list of 45,000 completed courses (issue 14: at most 30 s), at
``varna demo --scale 15`` (about 45,000 staff in Exempelkommun).

Run it on a scratch SQLite database (the default) or on PostgreSQL through ``scripts/postgres.sh``::

    .venv/bin/python bench/training_import.py                          # scale 15 on SQLite
    .venv/bin/python bench/training_import.py --scale 15 --reuse       # keep the filled database
    scripts/postgres.sh .venv/bin/python bench/training_import.py      # the same on PostgreSQL
    .venv/bin/python bench/training_import.py --scale 2 --rows 45000   # a smaller municipality, the same list size

What it does:

1. Fills the database with the demo data (``varna demo --scale N``, timed) unless ``--reuse`` finds it there.
2. As HR at the root (the persona ``hr``, who may record training for everyone), for each of ``--runs`` runs makes
   a CSV list of ``--rows`` completions, as a provider sends it: the employee numbers of the staff in turn (from
   the start again when the list is longer than the staff), the organisation's courses in turn by code, and a
   date in the past that differs from run to run, so that every run's list is new. Then it times, each in its own
   transaction as the page's requests are:

   - ``check``: the import page's check of the upload (``dry_run=True``: read, every row checked, nothing written);
   - ``import``: the confirmation (the list read and checked again, and the records written with their history);
   - ``again``: the same list imported a second time (every row recorded already: nothing written).

   With ``--xlsx`` the first run's list is also checked as an Excel workbook.
3. Removes the records the runs wrote (and their history rows), so that ``--reuse`` starts from the same data.

Results are printed as JSON and written to ``bench/results/training-import-<date>-scale<N>-<database>.json``, with
the median of each step over the runs against the target of 30 s for ``import`` (and for ``check`` + ``import``,
what the person waits in all). Nothing here is a test: the target is checked and reported, never asserted.
"""

from __future__ import annotations

import csv
import datetime
import io
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.incidents import log
from bench.insurance_common import ROOT, arguments, prepare, report

TARGET_S = 30.0
HR = "hr"
ROWS = 45_000
BENCH_COURSES = (("bench-brand", "Brandskydd (benchmark)", 36), ("bench-hlr", "HLR (benchmark)", 12))


def provider_csv(numbers: list[str], codes: list[str], rows: int, first_day: datetime.date) -> bytes:
    """A provider's list: employee numbers in turn, courses in turn, dates over a year back from ``first_day``."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(["Anställningsnummer", "Namn", "Kurs", "Genomförd"])
    for i in range(rows):
        day = first_day - datetime.timedelta(days=i % 365)
        writer.writerow([numbers[i % len(numbers)], "", codes[i % len(codes)], day.isoformat()])
    return out.getvalue().encode("utf-8")


def provider_xlsx(data: bytes) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for row in csv.reader(io.StringIO(data.decode("utf-8")), delimiter=";"):
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def measure(args: Any) -> dict[str, Any]:
    from django.db import connection

    from varna.core.models import User
    from varna.training.imports import import_training_records
    from varna.training.models import Course, TrainingRecord
    from varna.training.selectors.needs import staff

    hr = User.objects.select_related("organisation").get(username=HR)
    organisation = hr.organisation
    assert organisation is not None
    codes = list(
        Course.objects.filter(organisation=organisation, is_active=True).order_by("code").values_list("code", flat=True)
    )
    if not codes:  # an organisation without courses: two of the benchmark's own
        for code, name, months in BENCH_COURSES:
            Course.objects.create(organisation=organisation, code=code, name=name, validity_months=months)
        codes = [code for code, _n, _m in BENCH_COURSES]
    numbers = list(
        staff(organisation.pk).exclude(employee_number="").order_by("pk").values_list("employee_number", flat=True)
    )
    result: dict[str, Any] = {
        "staff": len(numbers),
        "courses": codes,
        "rows": args.rows,
        "records_before": TrainingRecord.objects.filter(organisation=organisation).count(),
    }
    log(f"{len(numbers)} staff with employee numbers, courses {', '.join(codes)}, {args.rows} rows per list")
    started_at = datetime.datetime.now(datetime.UTC)

    def timed(data: bytes, name: str, *, dry_run: bool) -> tuple[float, Any]:
        began = time.perf_counter()
        outcome = import_training_records(
            organisation=organisation,
            actor=User.objects.get(pk=hr.pk),
            file_name=name,
            data=data,
            dry_run=dry_run,
        )
        seconds = time.perf_counter() - began
        if not outcome.ok:
            raise SystemExit(f"{name}: {outcome.error_count} errors, e.g. {outcome.errors[:3]}")
        return seconds, outcome

    runs = []
    from django.utils import timezone

    today = timezone.localdate()
    for run in range(args.runs):
        first_day = today - datetime.timedelta(days=400 * (run + 1))  # a year of its own per run: all new
        data = provider_csv(numbers, codes, args.rows, first_day)
        name = f"lista-{run + 1}.csv"
        check, checked = timed(data, name, dry_run=True)
        write, written = timed(data, name, dry_run=False)
        again, repeated = timed(data, name, dry_run=False)
        runs.append(
            {
                "file_bytes": len(data),
                "check_s": round(check, 2),
                "import_s": round(write, 2),
                "again_s": round(again, 2),
                "checked_new": checked.created,
                "created": written.created,
                "again_created": repeated.created,
                "again_unchanged": repeated.unchanged,
            }
        )
        log(
            f"run {run + 1}: check {check:.1f} s, import {write:.1f} s ({written.created} new), "
            f"again {again:.1f} s ({repeated.unchanged} recorded already)"
        )
        if args.xlsx and run == 0:
            workbook = provider_xlsx(data)
            xlsx_check, _outcome = timed(workbook, "lista-1.xlsx", dry_run=True)
            result["xlsx"] = {"file_bytes": len(workbook), "check_s": round(xlsx_check, 2)}
            log(f"the same list as .xlsx ({len(workbook)} bytes): check {xlsx_check:.1f} s")
    result["runs"] = runs
    median = {k: round(statistics.median(r[k] for r in runs), 2) for k in ("check_s", "import_s", "again_s")}
    both = round(statistics.median(r["check_s"] + r["import_s"] for r in runs), 2)
    result["median"] = median | {"check_and_import_s": both}
    result["target_s"] = TARGET_S
    result["meets_target"] = median["import_s"] <= TARGET_S
    result["check_and_import_meet_target"] = both <= TARGET_S
    log(f"median: check {median['check_s']} s, import {median['import_s']} s, again {median['again_s']} s")

    # Leave the database as it was: the runs' records and their history rows go (no per-row deletion history).
    mine = TrainingRecord.objects.filter(organisation=organisation, recorded_by=hr, recorded_at__gte=started_at)
    history = TrainingRecord.history.model.objects.filter(
        organisation_id=organisation.pk, recorded_by_id=hr.pk, recorded_at__gte=started_at
    )
    removed = mine._raw_delete(connection.alias)
    history._raw_delete(connection.alias)
    result["records_removed_after"] = removed
    return result


def main() -> int:
    parser = arguments(__doc__)
    parser.add_argument("--rows", type=int, default=ROWS, help=f"Rows in each list (default {ROWS}).")
    parser.add_argument("--xlsx", action="store_true", help="Also check the first list as an Excel workbook.")
    parser.set_defaults(runs=3)
    args = parser.parse_args()
    if args.sqlite is None:
        args.sqlite = ROOT / "var" / "bench" / f"training-scale{args.scale:g}.sqlite3"
    result: dict[str, Any] = prepare(args)
    result |= measure(args)
    report("training-import", args.scale, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
