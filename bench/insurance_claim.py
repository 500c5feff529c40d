"""Benchmark of starting a claim from an incident (first notice of loss) at scale: the service
``varna.insurance.services.claims.create_claim``, alone and with the policy suggestion the claim form makes,
among 43,500 incidents and about 3,000 claims (``varna demo --scale 15``).

Run it on a scratch SQLite database (the default) or on PostgreSQL through ``scripts/postgres.sh``::

    .venv/bin/python bench/insurance_claim.py                          # scale 15 on SQLite
    .venv/bin/python bench/insurance_claim.py --scale 15 --reuse       # keep the filled database
    scripts/postgres.sh .venv/bin/python bench/insurance_claim.py      # the same on PostgreSQL

What it does:

1. Fills the database with the demo data (``varna demo --scale N``, timed) unless ``--reuse`` finds it there.
2. In this process, as the insurance handler of Exempelkommun (the persona ``forsakring``, read afresh for
   each call as a request reads it), starts one claim per call, each from another incident of the last five
   years that has none (not confidential, neither rejected nor a duplicate), each call its own transaction
   committed as a request's would be:

   - ``create_claim``: the service alone, with the policy valid on the day of the damage chosen beforehand;
   - ``suggest_policies`` and ``create_claim(once=True)``: what saving the claim form does, the double-submit
     guard included.

   Each scenario: ``--runs`` runs of ``--calls`` timed calls after 5 warm-up calls; p50, p95 and p99 per run and
   their medians, against the target p95 of 50 ms (the issue's benchmark). The claims stay in the database.

Results are printed as JSON and written to ``bench/results/insurance-claim-<date>-scale<N>-<database>.json``.
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

TARGET_MS = 50
HANDLER = "forsakring"
WARMUP = 5
CLAIMED = Decimal(25_000)  # for an incident without a recorded cost


def measure(args: Any) -> dict[str, Any]:
    from django.db.models import Exists, OuterRef

    from varna.core.models import User
    from varna.incidents.models import Incident, Status
    from varna.insurance.models import Claim, InsurancePolicy
    from varna.insurance.selectors.claims import default_claimed_amount, suggest_policies
    from varna.insurance.services.claims import create_claim

    handler = User.objects.get(username=HANDLER)
    organisation_id = handler.organisation_id or 0
    per_scenario = args.runs * (args.calls + WARMUP)
    policies = list(InsurancePolicy.objects.filter(organisation_id=organisation_id, cover_line__code="property"))
    wanted = (
        Incident.objects.filter(organisation_id=organisation_id, is_confidential=False)
        .exclude(status__in=(Status.REJECTED, Status.DUPLICATE))
        .exclude(Exists(Claim.objects.filter(incident=OuterRef("pk"))))
        .select_related("incident_type", "incident_node")
        .order_by("-occurred_on", "pk")
    )
    incidents = [
        i for i in wanted[: 3 * per_scenario] if any(p.valid_from <= i.occurred_on <= p.valid_to for p in policies)
    ]
    if len(incidents) < 2 * per_scenario:
        raise SystemExit(f"only {len(incidents)} incidents without a claim: fewer --runs or --calls")
    result: dict[str, Any] = {
        "incidents": Incident.objects.filter(organisation_id=organisation_id).count(),
        "claims_before": Claim.objects.filter(organisation_id=organisation_id).count(),
    }

    def policy_for(incident: Incident) -> InsurancePolicy:
        return next(p for p in policies if p.valid_from <= incident.occurred_on <= p.valid_to)

    def amount(incident: Incident) -> Decimal:
        return default_claimed_amount(incident) or CLAIMED

    service_cases = [(i, policy_for(i), amount(i)) for i in incidents[:per_scenario]]
    form_cases = incidents[per_scenario : 2 * per_scenario]

    def service(i: int) -> None:
        incident, policy, claimed = service_cases[i]
        create_claim(actor=User.objects.get(pk=handler.pk), incident=incident, policy=policy, claimed_amount=claimed)

    def form(i: int) -> None:
        incident = Incident.objects.select_related("incident_type", "incident_node").get(pk=form_cases[i].pk)
        suggestion = suggest_policies(incident)
        policy = suggestion.suggested or suggestion.policies[0]
        create_claim(
            actor=User.objects.get(pk=handler.pk),
            incident=incident,
            policy=policy,
            claimed_amount=amount(incident),
            once=True,
        )

    result["latency_ms"] = {}
    for name, call in (
        ("create_claim (the service)", service),
        ("suggest_policies and create_claim(once=True) (the form's save)", form),
    ):
        runs = [
            timed(call, args.calls, warmup=WARMUP, budget=args.budget, offset=run * (args.calls + WARMUP))
            for run in range(args.runs)
        ]
        result["latency_ms"][name] = summary(runs, TARGET_MS)
        scenario_log(name, result["latency_ms"][name])
    result["claims_after"] = Claim.objects.filter(organisation_id=organisation_id).count()
    return result


def main() -> int:
    args = arguments(__doc__).parse_args()
    result: dict[str, Any] = prepare(args)
    result |= measure(args)
    report("insurance-claim", args.scale, result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
