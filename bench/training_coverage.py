"""Benchmark of training coverage at scale: the whole organisation's coverage rolled up the tree, and a unit's gap
list, with Exempelkommun's 45,000 staff and their records over five years (``varna demo --scale 15``).

Run it on a scratch SQLite database (the default) or on PostgreSQL through ``scripts/postgres.sh``::

    .venv/bin/python bench/training_coverage.py                          # scale 15 on SQLite
    .venv/bin/python bench/training_coverage.py --reuse                  # keep the filled database
    scripts/postgres.sh .venv/bin/python bench/training_coverage.py      # the same on PostgreSQL

What it does:

1. Fills the database with the demo data (``varna demo --scale N``, timed) unless ``--reuse`` finds it there
   (the SQLite file is ``var/bench/training-scale<N>.sqlite3`` unless ``--sqlite`` says otherwise).
2. If Exempelkommun has no training records yet, makes them (the demo's own, when it has them, are used as they
   are): six courses with their requirements (everyone, managers, one administration, units running a care
   home, a new employee's introduction within 30 days), a start date for every person (a few hundred new this
   quarter), and for every person and course they need a history of completions over five years with realistic
   gaps (some never took it, some let it lapse), inserted in bulk.
3. In this process, times the selectors of ``varna.training.selectors.coverage`` as the pages call them, the
   person read afresh for each call as a request reads it:

   - ``overview`` for the coordinator: every node's figures rolled up the tree (the coverage page, whole
     organisation), read from the stored figures, target p95 150 ms; and ``coverage_for`` of the root, counted
     live from the records (what the stored figures save; the yearly follow-up's), for comparison;
   - ``gap_list`` for the unit manager of Solrosens förskola (their unit's gap list), target p95 50 ms;
   - ``gap_list`` of a whole förvaltning, for comparison;
   - a completion recorded for one person (``record_completions``), the stored figures moved in step.

   Before the scenarios, the full count that stores the figures (``refresh_coverage``, run daily by
   ``varna manage training_reminders``) is timed three times.

   Each scenario: ``--runs`` runs of ``--calls`` timed calls after 5 warm-up calls; p50, p95 and p99 per run and
   their medians.
4. Checks the root's figures against a plain count of the people with a valid record of each course.

Results are printed as JSON and written to ``bench/results/training-coverage-<date>-scale<N>-<database>.json``.
Nothing here is a test: the targets are checked and reported, never asserted.
"""

from __future__ import annotations

import datetime
import random
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.incidents import log
from bench.insurance_common import (
    ROOT,
    arguments,
    prepare,
    report,
    scenario_log,
    summary,
    timed,
)

COVERAGE_TARGET_MS = 150
GAPS_TARGET_MS = 50
COORDINATOR, MANAGER = "samordnare", "chef.solrosen"
BATCH = 5000
YEARS = 5

# code, name, validity in months, requirement: (audience, within days, node name, facility kind)
COURSES: list[tuple[str, str, int | None, tuple[str, int, str | None, str]]] = [
    ("bench-brand", "Grundläggande brandskydd", 36, ("everyone", 90, None, "")),
    ("bench-intro", "Introduktion för nyanställda", None, ("everyone", 30, None, "")),
    ("bench-infosak", "Informationssäkerhet", 24, ("everyone", 90, None, "")),
    ("bench-chef", "Säkerhet för chefer", 60, ("managers", 180, None, "")),
    ("bench-hlr", "HLR", 12, ("everyone", 90, None, "care_home")),
    ("bench-hot", "Hot och våld", 36, ("everyone", 90, "Vård- och omsorgsförvaltningen", "")),
]


def make_training_data(organisation_id: int, seed: int = 15) -> dict[str, Any]:
    """Courses, requirements, start dates and five years of records for the organisation, unless it has records."""
    from django.db import transaction
    from django.utils import timezone

    from varna.core.models import Node, User
    from varna.training.models import Course, CourseRequirement, TrainingRecord
    from varna.training.selectors.needs import active_requirements, applicable_people

    if TrainingRecord.objects.filter(organisation_id=organisation_id).exists():
        log("the organisation already has training records: using them")
        return {"made": False}
    started = time.perf_counter()
    rng = random.Random(seed)
    today = timezone.localdate()
    with transaction.atomic():
        if not active_requirements(organisation_id).exists():
            for code, name, months, (audience, within, node_name, facility) in COURSES:
                course = Course.objects.create(
                    organisation_id=organisation_id, code=code, name=name, validity_months=months
                )
                node = Node.objects.get(organisation_id=organisation_id, name=node_name) if node_name else None
                CourseRequirement.objects.create(
                    organisation_id=organisation_id,
                    course=course,
                    audience=audience,
                    within_days=within,
                    node=node,
                    facility_kind=facility,
                )
        # A start date for everyone: most long ago, a few hundred this quarter (new employees with time left).
        people = list(User.objects.filter(organisation_id=organisation_id, employed_from__isnull=True).only("pk"))
        for person in people:
            back = rng.randint(0, 120) if rng.random() < 0.01 else rng.randint(121, 25 * 365)
            person.employed_from = today - datetime.timedelta(days=back)
        User.objects.bulk_update(people, ["employed_from"], batch_size=BATCH)
        starts = dict(User.objects.filter(organisation_id=organisation_id).values_list("pk", "employed_from"))
        rows: list[TrainingRecord] = []
        inserted = 0
        for requirement in active_requirements(organisation_id):
            course = requirement.course
            months = course.validity_months
            for pk in applicable_people(requirement, today).values_list("pk", flat=True).iterator():
                rows.extend(_history(rng, organisation_id, pk, course, months, starts.get(pk), today))
                if len(rows) >= BATCH:
                    TrainingRecord.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)
                    inserted += len(rows)
                    rows = []
        TrainingRecord.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)
        inserted += len(rows)
    seconds = round(time.perf_counter() - started, 1)
    log(f"made {inserted} training records for {len(starts)} people in {seconds} s")
    return {"made": True, "records": inserted, "seconds": seconds}


def _history(
    rng: random.Random,
    organisation_id: int,
    person_id: int,
    course: Any,
    months: int | None,
    start: datetime.date | None,
    today: datetime.date,
) -> list[Any]:
    """A person's completions of one course over the last five years: 8 % never, 12 % let it lapse."""
    from varna.training.models import RecordSource, TrainingRecord

    roll = rng.random()
    if roll < 0.08:
        return []
    first = max(today - datetime.timedelta(days=YEARS * 365), start or today)
    if first >= today:
        return []
    day = first + datetime.timedelta(days=rng.randint(0, min(120, (today - first).days)))
    out = []
    while day <= today:
        expires = course.expiry_for(day)
        out.append(
            TrainingRecord(
                organisation_id=organisation_id,
                person_id=person_id,
                course_id=course.pk,
                completed_on=day,
                expires_on=expires,
                source=RecordSource.IMPORT,
            )
        )
        if months is None or roll < 0.2:  # once is enough, or let it lapse
            break
        day = expires - datetime.timedelta(days=rng.randint(0, 60)) if expires else today
    return out


def analyse() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE" if connection.vendor == "sqlite" else "VACUUM ANALYZE")


def measure(args: Any) -> dict[str, Any]:
    from django.db.models import Q
    from django.utils import timezone

    from varna.core.models import Node, User
    from varna.training.models import TrainingRecord
    from varna.training.selectors import coverage
    from varna.training.selectors.needs import staff

    coordinator = User.objects.get(username=COORDINATOR)
    manager = User.objects.get(username=MANAGER)
    organisation_id = coordinator.organisation_id or 0
    root = Node.objects.get(organisation_id=organisation_id, depth=1)
    admin = Node.objects.get(organisation_id=organisation_id, name="Vård- och omsorgsförvaltningen")
    today = timezone.localdate()
    whole = coverage.coverage_for(organisation_id, root, today)
    result: dict[str, Any] = {
        "staff": staff(organisation_id).count(),
        "nodes": Node.objects.filter(organisation_id=organisation_id).count(),
        "records": TrainingRecord.objects.filter(organisation_id=organisation_id).count(),
        "courses_required": len(whole.courses),
        "root": {
            "covered": whole.total.covered,
            "due": whole.total.due,
            "gaps": whole.total.gaps,
            "share": str(whole.total.share),
            "new_employees_share": str(whole.new_employees.share),
            "managers_share": str(whole.managers.share),
        },
        "gaps_of_the_manager": len(coverage.gap_list(manager, None, today=today)),
        "gaps_of_the_administration": len(coverage.gaps(organisation_id, admin, today=today)),
    }
    # The root's covered count against a plain count of the staff with a valid record of each course that
    # applies to everyone (the figures of courses with a narrower audience are proven by the tests).
    checks = {}
    for info in coverage.tree(organisation_id, today, [root.path]).courses:
        requirements = list(info.course.requirements.filter(is_active=True))
        if len(requirements) == 1 and requirements[0].audience == "everyone" and requirements[0].node_id is None:
            if requirements[0].facility_kind:
                continue
            valid = Q(training_records__course=info.course) & (
                Q(training_records__expires_on__isnull=True) | Q(training_records__expires_on__gte=today)
            )
            plain = staff(organisation_id).filter(valid).distinct().count()
            checks[info.course.code] = plain == whole.course(info.course.pk).covered
    result["covered_equals_a_plain_count"] = checks

    from varna.training.services.coverage import refresh_coverage
    from varna.training.services.records import Completion, record_completions

    counts = []
    for _ in range(3):
        started = time.perf_counter()
        refresh_coverage(organisation_id=organisation_id, today=today)
        counts.append(round(time.perf_counter() - started, 2))
    result["refresh_coverage_seconds"] = counts
    log(f"refresh_coverage: {counts} s")
    people = list(staff(organisation_id).order_by("pk").values_list("pk", flat=True)[:2000])
    intro = coverage.course_infos(organisation_id)[0].course  # a course someone needs

    def record_one(i: int) -> None:
        person = User.objects.get(pk=people[i % len(people)])
        record_completions(actor=coordinator, completions=[Completion(person, intro, today)], source="import")

    def fresh(username: str) -> User:
        return User.objects.get(username=username)  # as a request reads the person, grants not yet cached

    scenarios = [
        ("overview: the whole organisation rolled up, stored figures (coordinator)", COVERAGE_TARGET_MS,
         lambda i: coverage.overview(fresh(COORDINATOR), today=today)),
        ("coverage_for: the root counted live from the records (for comparison)", COVERAGE_TARGET_MS,
         lambda i: coverage.coverage_for(organisation_id, root, today)),
        ("gap_list: a unit manager's unit (Solrosens förskola)", GAPS_TARGET_MS,
         lambda i: coverage.gap_list(fresh(MANAGER), None, today=today)),
        ("gaps: a whole förvaltning (for comparison)", COVERAGE_TARGET_MS,
         lambda i: coverage.gaps(organisation_id, admin, today=today)),
        ("record_completions: one person, stored figures moved in step", GAPS_TARGET_MS, record_one),
    ]  # fmt: skip
    result["latency_ms"] = {}
    for name, target, call in scenarios:
        runs = [
            timed(call, args.calls, warmup=5, budget=args.budget, offset=run * (args.calls + 5) * 7)
            for run in range(args.runs)
        ]
        result["latency_ms"][name] = summary(runs, target)
        scenario_log(name, result["latency_ms"][name])
    return result


def main() -> int:
    parser = arguments(__doc__)
    args = parser.parse_args()
    args.sqlite = args.sqlite or ROOT / "var" / "bench" / f"training-scale{args.scale:g}.sqlite3"
    result: dict[str, Any] = prepare(args)
    from varna.core.models import User

    made = make_training_data(User.objects.get(username=COORDINATOR).organisation_id or 0)
    if made["made"]:
        analyse()
    result["training_data"] = made
    result |= measure(args)
    report("training-coverage", args.scale, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
