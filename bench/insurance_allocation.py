"""Benchmark of the yearly cost allocation (G12) at scale: the allocation for every node of the demo, computed
from the organisation's figures (``varna demo --scale 15``: a large municipality). Target: at most 2 s.

Run it on a scratch SQLite database (the default) or on PostgreSQL through ``scripts/postgres.sh``::

    .venv/bin/python bench/insurance_allocation.py                          # scale 15 on SQLite
    .venv/bin/python bench/insurance_allocation.py --scale 3 --runs 1       # a quick look
    .venv/bin/python bench/insurance_allocation.py --scale 15 --reuse       # keep the filled database
    scripts/postgres.sh .venv/bin/python bench/insurance_allocation.py      # the same on PostgreSQL

What it does (the database helpers are those of ``bench/insurance_common.py``):

1. Fills the database with the demo data (``varna demo --scale N``, timed) unless ``--reuse`` finds it there.
2. In this process, for Exempelkommun and the allocation of next year, times:

   - ``allocation_inputs.gather`` and ``allocation_rules.allocate``: reading every node's insured values, staff,
     damage history, risk analyses, action plans and last year's share, and computing the allocation (the
     figure the issue's target is about);
   - ``allocation_rules.allocate`` alone (the pure computation);
   - ``services.allocation.recompute_draft``: what the coordinator waits for when a draft is computed again,
     the lines written too (on a draft the benchmark starts, and removes afterwards).

   Each scenario: ``--runs`` runs of ``--calls`` timed calls after 2 warm-up calls; p50, p95 and p99 per run and
   their medians, against the target of 2,000 ms.
3. Checks that the lines sum exactly to the totals.

Results are printed as JSON and written to ``bench/results/insurance-allocation-<date>-scale<N>.json``.
Nothing here is a test: the targets are checked and reported, never asserted.
"""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.insurance_common import (
    arguments,
    prepare,
    report,
    scenario_log,
    summary,
    timed,
)

TARGET_MS = 2000
COORDINATOR = "samordnare"
PREMIUMS = Decimal(12_000_000)
CONTRIBUTIONS = Decimal(3_000_000)


def measure(args: Any) -> dict[str, Any]:
    from django.db import transaction
    from django.db.models import Count, Sum
    from django.utils import timezone

    from varna.core.models import Node, User
    from varna.incidents.models import Incident
    from varna.insurance import allocation_inputs
    from varna.insurance.allocation_rules import AllocationSettings, allocate
    from varna.insurance.models import Allocation, AllocationLine, InsuredValue
    from varna.insurance.services import allocation as services

    coordinator = User.objects.get(username=COORDINATOR)
    org = coordinator.organisation_id or 0
    year = timezone.localdate().year + 1
    settings = AllocationSettings(
        year=year,
        premium_total=PREMIUMS,
        contribution_total=CONTRIBUTIONS,
        has_previous=allocation_inputs.previous_allocation(org, year) is not None,
    )
    inputs = allocation_inputs.gather(org, settings)
    lines = allocate(inputs.lines, settings)
    result: dict[str, Any] = {
        "nodes": Node.objects.filter(organisation_id=org).count(),
        "staff": User.objects.filter(organisation_id=org, is_active=True).count(),
        "incidents": Incident.objects.filter(organisation_id=org).count(),
        "insured_values": InsuredValue.objects.filter(organisation_id=org).count(),
        "insured_value_year": inputs.insured_value_year,
        "allocation_lines": len(lines),
        "lines_per_kind": dict(
            Node.objects.filter(pk__in=[line.node_id for line in lines])
            .order_by()
            .values_list("kind")
            .annotate(n=Count("pk"))
        ),
        "premiums_sum_exactly": sum((line.premium_amount for line in lines), Decimal(0)) == PREMIUMS,
        "contributions_sum_exactly": sum((line.contribution_amount for line in lines), Decimal(0)) == CONTRIBUTIONS,
    }

    draft = Allocation.objects.filter(organisation_id=org, year=year).order_by("-version").first()
    started_here = draft is None
    if draft is None:
        draft = services.create_draft(
            actor=coordinator, year=year, premium_total=PREMIUMS, contribution_total=CONTRIBUTIONS
        )

    def recompute(_i: int) -> None:
        services.recompute_draft(
            actor=User.objects.get(pk=coordinator.pk),
            allocation=draft,
            revision=None,
            premium_total=PREMIUMS,
            contribution_total=CONTRIBUTIONS,
        )

    scenarios = [
        ("gather + allocate: every node", lambda i: allocate(allocation_inputs.gather(org, settings).lines, settings)),
        ("allocate alone (the pure computation)", lambda i: allocate(inputs.lines, settings)),
    ]
    if draft.status == "draft":
        scenarios.append(("recompute_draft: read, compute and write the lines", recompute))
    result["latency_ms"] = {}
    try:
        for name, call in scenarios:
            runs = [timed(call, args.calls, warmup=2, budget=args.budget) for _run in range(args.runs)]
            result["latency_ms"][name] = summary(runs, TARGET_MS)
            scenario_log(name, result["latency_ms"][name])
        result["draft_lines_sum"] = str(
            AllocationLine.objects.filter(allocation=draft).aggregate(p=Sum("premium_amount"))["p"]
        )
    finally:
        if started_here:
            with transaction.atomic():
                services.discard_draft(actor=coordinator, allocation=draft, revision=None)
    return result


def main() -> int:
    parser = arguments(__doc__)
    parser.set_defaults(runs=3, calls=10)
    args = parser.parse_args()
    result: dict[str, Any] = prepare(args)
    result |= measure(args)
    report("insurance-allocation", args.scale, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
