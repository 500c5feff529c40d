"""The deterministic demo-data generator: Exempelkommun, Grannby kommun and more.

``generate(scale=1, organisations=1, seed=1)`` writes the same data every time
it is given the same arguments. Each municipality is built by the steps in
:data:`STEPS`, in order; each step has its own seeded random generator
(:meth:`OrgContext.random`), so a new step (incidents, risks, plans ...) is
added by appending a module's ``build(ctx)`` and changes nothing before it.

Sizes, for Exempelkommun (Grannby is a fifth of it):

- scale 1: about 150 nodes, 3,000 staff and 120 facilities;
- scale 15: about 1,500 nodes and 45,000 staff: a large municipality.

Every named node and every persona exists at any scale, however small.
"""

from __future__ import annotations

import math
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from varna.core.models import Organisation
from varna.demo import (
    bodies,
    documents,
    facilities,
    followup,
    incidents,
    insurance,
    people,
    plans,
    protection,
    protection_rounds,
    retention,
    risks,
    rsa,
    training,
    tree,
)
from varna.demo.context import OrgContext, Run, Writer
from varna.demo.names import ascii_slug, municipality_names
from varna.demo.personas import EXEMPELKOMMUN, GRANNBY, PASSWORD

Step = Callable[[OrgContext], None]


# From this scale on, the planner's statistics are gathered during the demo (PostgreSQL): see :func:`analyze`.
ANALYZE_FROM_SCALE = 5.0


def analyze(ctx: OrgContext) -> None:
    """Gather PostgreSQL's planner statistics inside the demo's one transaction, before the steps that read
    what the bulk steps wrote (the plans' measures, training's coverage, the yearly follow-ups). Autovacuum sees
    none of the new rows until the commit (``ANALYZE`` in a transaction counts the transaction's own rows), and
    statistics from before a municipality was written (or from an empty database after an earlier attempt)
    describe it as empty: at scale 170 the planner then chose plans that ran for minutes (the plans' step 200 s
    instead of 11 s, a follow-up's query over 3 minutes, Grannby's training coverage over 10 minutes). So it runs
    before each such step of each municipality, and only at large scales, where it takes seconds and plans
    matter; SQLite gets its ``ANALYZE`` from the demo command after the commit.
    """
    if connection.vendor == "postgresql" and ctx.run.scale >= ANALYZE_FROM_SCALE:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


STEPS: list[tuple[str, Step]] = [
    ("tree", tree.build),
    ("people", people.build),
    ("facilities", facilities.build),
    ("bodies", bodies.build),
    ("incidents", incidents.build),
    ("risks", risks.build),
    ("statistics", analyze),  # the planner's figures for the plans' reads of the measures (large scales, PostgreSQL)
    ("plans", plans.build),
    ("insurance", insurance.build),
    ("statistics again", analyze),  # and for training's coverage counts
    ("training", training.build),  # after people (employment, managers), facilities (care homes) and incidents
    ("protection", protection.build),  # after facilities: their owners, protection systems and service
    ("documents", documents.build),  # after risks and plans: the routine for threats and violence is linked
    ("protection_rounds", protection_rounds.build),  # evacuation checks and self-inspection rounds
    ("retention", retention.build),  # the retention schedule, once every app's kinds are registered
    ("statistics a third time", analyze),  # and for the follow-ups' reads of everything written since
    ("followup", followup.build),  # last: the yearly follow-ups are computed from everything before
    ("rsa", rsa.build),  # the RSA draft: from the crisis-preparedness risks, the plans and the sub-plans
]

# Models written together with their history rows (simple_history), so that every
# record's history starts with its creation. It doubles the rows written: at scale 15
# about 23 s instead of 10 s on SQLite, 13 s on PostgreSQL (2 cores), well inside a minute.
# Risk management and plans write theirs with varna.demo.bulk: about 140,000 rows at scale 15,
# included in those steps' 13 s (docs/performance.md, "Risk management (issue 4)").
HISTORY_MODELS = frozenset(
    {
        "core.Organisation",
        "core.Node",
        "core.User",
        "core.RoleAssignment",
        "core.Body",
        "core.BodyMembership",
        "protection.Facility",
        "risks.RiskAnalysis",
        "risks.Risk",
        "risks.RiskAssessment",
        "risks.Measure",
        "risks.PlannedAnalysis",
        "plans.ActionPlan",
        "plans.Action",
        "plans.PlanReview",
        # Insurance (issue 12): the programme, exposure, claims and the fund's requests; the ledger itself
        # (insurance.FundEntry) is never edited and keeps no history.
        "insurance.InsurancePolicy",
        "insurance.Procurement",
        "insurance.InsuredValue",
        "insurance.Claim",
        "insurance.ClaimPayment",
        "insurance.PayoutRequest",
        "insurance.GrantApplication",
        # Training (issue 14): the few sessions, their participants and the information to staff; the records
        # themselves (200,000 at scale 15) have never changed in the demo and keep no history rows.
        "training.CourseSession",
        "training.SessionParticipant",
        "training.StaffInformation",
        # Governing documents (issue 16): a few dozen rows.
        "documents.GoverningDocument",
        "documents.DocumentVersion",
        "documents.DocumentLink",
    }
)

GRANNBY_SIZE = 0.2
FURTHER_SIZES = (0.1, 0.4)  # further municipalities: a share of Exempelkommun drawn in this range


@dataclass(frozen=True)
class Municipality:
    index: int
    name: str
    slug: str
    city: str
    size: float

    @property
    def postal_prefix(self) -> str:
        return str(123 + self.index)

    @property
    def phone_prefix(self) -> str:
        return f"0{123 + self.index}"

    @property
    def org_number(self) -> str:
        return f"212000-{self.index + 1:04d}"


def municipalities(organisations: int, seed: int) -> list[Municipality]:
    """Exempelkommun, Grannby kommun and ``organisations - 2`` more (at least the first two)."""
    result = [
        Municipality(0, "Exempelkommun", EXEMPELKOMMUN, "Exempelstad", 1.0),
        Municipality(1, "Grannby kommun", GRANNBY, "Grannby", GRANNBY_SIZE),
    ]
    towns = municipality_names()[1:]  # Grannby is already there
    slugs = {m.slug for m in result}
    index = 2
    round_ = 1
    while len(result) < organisations:
        for town in towns:
            if len(result) >= organisations:
                break
            name = town if round_ == 1 else f"{town} {round_}"
            slug = ascii_slug(name)
            if slug in slugs:
                continue
            slugs.add(slug)
            size = random.Random(f"{seed}:{slug}:size").uniform(*FURTHER_SIZES)
            result.append(Municipality(index, f"{name} kommun", slug, name, round(size, 3)))
            index += 1
        round_ += 1
    return result


@dataclass(frozen=True)
class OrganisationSummary:
    slug: str
    name: str
    counts: dict[str, int]
    seconds: float


@dataclass(frozen=True)
class Summary:
    scale: float
    seed: int
    organisations: list[OrganisationSummary]
    seconds: float
    totals: dict[str, int] = field(default_factory=dict)

    def count(self, model_name: str) -> int:
        """Rows written of a model, by its lower-case name: ``summary.count("node")``."""
        return self.totals.get(model_name, 0)

    def format(self) -> str:
        labels = [
            ("node", "noder / nodes"),
            ("user", "personer / people"),
            ("roleassignment", "rolltilldelningar / role assignments"),
            ("facility", "lokaler / facilities"),
            ("body", "organ / bodies"),
            ("bodymembership", "ledamöter / members"),
            ("claim", "skadeanmälningar / claims"),
            ("fundentry", "poster i självriskfonden / fund entries"),
            ("trainingrecord", "genomförda utbildningar / training records"),
        ]
        lines = [f"Demodata skapad / demo data generated (scale {self.scale:g}, seed {self.seed}):"]
        short = [("node", "noder"), ("user", "personer"), ("roleassignment", "roller"), ("facility", "lokaler")]
        for org in self.organisations[:10]:
            parts = ", ".join(f"{org.counts.get(key, 0)} {word}" for key, word in short)
            lines.append(f"  {org.name} ({org.slug}): {parts} ({org.seconds:.1f} s)")
        if len(self.organisations) > 10:
            lines.append(f"  … och {len(self.organisations) - 10} kommuner till / and more municipalities")
        lines.append(f"  {len(self.organisations)} organisationer / organisations")
        lines += [f"  {self.totals.get(key, 0):>9}  {label}" for key, label in labels]
        lines.append(f"  {self.seconds:.1f} s")
        return "\n".join(lines)


@transaction.atomic
def generate(*, scale: float = 1.0, organisations: int = 1, seed: int = 1, stdout: Writer | None = None) -> Summary:
    """Write the demo municipalities; the same arguments always give the same data.

    ``scale`` sizes Exempelkommun (1 ≈ 3,000 staff); ``organisations`` is the total
    number of municipalities, Grannby counting as the second (always generated).
    """
    if not (isinstance(scale, int | float) and math.isfinite(scale) and scale > 0):
        raise ValueError(f"scale must be a positive number; got {scale!r}")
    if isinstance(organisations, bool) or not isinstance(organisations, int) or organisations < 1:
        raise ValueError(f"organisations must be an integer of at least 1; got {organisations!r}")
    started = time.perf_counter()
    plan = municipalities(organisations, seed)
    clash = sorted(Organisation.objects.filter(slug__in=[m.slug for m in plan]).values_list("slug", flat=True))
    if clash:
        raise ValueError(f"these organisations already exist: {', '.join(clash)}")

    run = Run(
        scale=float(scale),
        seed=seed,
        stdout=stdout,
        history=HISTORY_MODELS,
        unusable_password=make_password(None),
        persona_password=make_password(PASSWORD),
        history_date=timezone.now(),
    )
    first_root = tree.next_root_position()
    summaries: list[OrganisationSummary] = []
    totals: Counter[str] = Counter()
    for municipality in plan:
        org_started = time.perf_counter()
        ctx = OrgContext(
            run=run,
            index=municipality.index,
            slug=municipality.slug,
            name=municipality.name,
            city=municipality.city,
            size=municipality.size,
            postal_prefix=municipality.postal_prefix,
            phone_prefix=municipality.phone_prefix,
            org_number=municipality.org_number,
            root_position=first_root + municipality.index,
        )
        for _name, step in STEPS:
            step(ctx)
        seconds = time.perf_counter() - org_started
        summaries.append(OrganisationSummary(ctx.slug, ctx.name, dict(ctx.counts), seconds))
        totals.update(ctx.counts)
        if municipality.index < 10 or municipality.index % 50 == 0:
            run.log(
                f"{ctx.name}: {ctx.counts['node']} noder, {ctx.counts['user']} personer, "
                f"{ctx.counts['facility']} lokaler ({seconds:.1f} s)"
            )
    return Summary(float(scale), seed, summaries, time.perf_counter() - started, dict(totals))
