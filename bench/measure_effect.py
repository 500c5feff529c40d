"""Benchmark of the effect of measures (P8, G13): the before-and-after figures of every measure carried out.

The issue's target: the effect-of-measures figures for all completed measures at ``--scale 15`` are computed in
at most 2 s. Run it on a scratch SQLite database (the default) or on PostgreSQL through ``scripts/postgres.sh``::

    .venv/bin/python bench/measure_effect.py                              # scale 15 on SQLite
    .venv/bin/python bench/measure_effect.py --reuse --sqlite var/bench/s15.sqlite3
    scripts/postgres.sh .venv/bin/python bench/measure_effect.py          # the same on PostgreSQL

In this process it times, each as ``--runs`` runs of ``--calls`` calls after 2 warm-up calls:

- ``effects`` for every measure carried out in Exempelkommun, as the coordinator (what the yearly report asks);
- ``effects`` for the measures of one analysis at a time (what the analysis page asks), analysis by analysis.

Results are printed as JSON and written to ``bench/results/measure-effect-<date>-scale<N>-<database>.json``.
Nothing here is a test: the targets are checked and reported, never asserted.
"""

from __future__ import annotations

import sys
from collections import Counter
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

TARGET_ALL_MS = 2000
TARGET_PAGE_MS = 100
COORDINATOR = "samordnare"


def measure(args: Any) -> dict[str, Any]:
    from django.utils import timezone

    from varna.core.models import User
    from varna.risks import effect

    today = timezone.localdate()
    coordinator = User.objects.get(username=COORDINATOR)
    done = effect.completed_measures(coordinator)
    by_analysis: dict[int, list[Any]] = {}
    for m in done:
        by_analysis.setdefault(m.analysis_id, []).append(m)
    analyses = sorted(by_analysis)
    found = effect.effects(coordinator, done, today=today)
    result: dict[str, Any] = {
        "measures_carried_out": len(done),
        "analyses_with_such_measures": len(analyses),
        "verdicts": dict(Counter(e.verdict for e in found.values())),
    }

    def fresh() -> User:
        return User.objects.get(pk=coordinator.pk)  # as a request reads the person, grants not yet cached

    def everything(_i: int) -> None:
        person = fresh()
        effect.effects(person, effect.completed_measures(person), today=today)

    def one_analysis(i: int) -> None:
        effect.effects(fresh(), by_analysis[analyses[i % len(analyses)]], today=today)

    scenarios = [
        ("every measure carried out (coordinator)", everything, TARGET_ALL_MS, max(3, args.calls // 10)),
        ("one analysis's measures (the analysis page)", one_analysis, TARGET_PAGE_MS, args.calls),
    ]
    result["latency_ms"] = {}
    for name, call, target, calls in scenarios:
        runs = [
            timed(call, calls, warmup=2, budget=args.budget, offset=run * (calls + 2) * 7) for run in range(args.runs)
        ]
        result["latency_ms"][name] = summary(runs, target)
        scenario_log(name, result["latency_ms"][name])
    return result


def main() -> int:
    args = arguments(__doc__).parse_args()
    result: dict[str, Any] = prepare(args)
    result |= measure(args)
    report("measure-effect", args.scale, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
