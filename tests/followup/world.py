"""A small förvaltning built by hand inside the demo's Exempelkommun, with figures the tests know exactly.

Testförvaltningen (under Barn- och utbildningsnämnden) has one unit with 20 staff, an adopted plan for the
year with five actions (two done, one of them on time, one struck, one overdue, one open and not yet due), two
entries in the plan of analyses (one done), and incidents: six the year (four vandalism at 1 000 kr each, two
thefts), two the year before and none the year before that. The demo's own incidents are removed first.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone

from tests.core.world import add_child, add_person
from tests.incidents.statistics_data import add_incidents, clear_incidents
from varna.core.models import Node, NodeKind, User
from varna.plans.models import Action, ActionPlan, ActionStatus
from varna.risks.models import AnalysisStatus, PlannedAnalysis, RiskAnalysis, RiskMatrix


@dataclass
class World:
    year: int
    administration: Node
    unit: Node
    coordinator: User
    plan: ActionPlan


def build(coordinator: User) -> World:
    clear_incidents()
    org = coordinator.organisation
    assert org is not None
    year = timezone.localdate().year - 1
    namnd = Node.objects.get(organisation=org, name="Barn- och utbildningsnämnden")
    administration = add_child(
        namnd, organisation=org, name="Testförvaltningen", kind=NodeKind.ADMINISTRATION, code="T900"
    )
    unit = add_child(administration, organisation=org, name="Testenheten", kind=NodeKind.UNIT, code="T901")
    for i in range(20):
        add_person(org, f"test.staff{i}", unit)
    plan = ActionPlan.objects.create(
        organisation=org,
        node=administration,
        year=year,
        title="Testförvaltningens handlingsplan",
        adopted_by_body="Barn- och utbildningsnämnden",
        adopted_on=datetime.date(year, 2, 1),
        created_by=coordinator,
    )
    statuses = [
        (ActionStatus.DONE, datetime.date(year, 3, 1), datetime.date(year, 3, 1)),  # on time
        (ActionStatus.DONE, datetime.date(year, 4, 1), datetime.date(year, 4, 20)),  # late
        (ActionStatus.CANCELLED, datetime.date(year, 5, 1), None),
        (ActionStatus.PLANNED, datetime.date(year, 6, 1), None),  # overdue
        (ActionStatus.PLANNED, timezone.localdate() + datetime.timedelta(days=30), None),  # open, not due yet
    ]
    for i, (status, due, completed) in enumerate(statuses):
        Action.objects.create(
            organisation=org,
            plan=plan,
            node=administration,
            what=f"Åtgärd {i}",
            how="Så här",
            due=due,
            responsible=coordinator,
            status=status,
            completed_on=completed,
            created_by=coordinator,
        )
    matrix = RiskMatrix.objects.filter(organisation=org).order_by("-pk").first()
    assert matrix is not None
    done = RiskAnalysis.objects.create(
        organisation=org,
        number="T-1",
        node=unit,
        title="Testanalys",
        analysed_on=datetime.date(year, 4, 1),
        matrix=matrix,
        status=AnalysisStatus.DONE,
        created_by=coordinator,
    )
    PlannedAnalysis.objects.create(
        organisation=org,
        node=unit,
        year=year,
        planned_for=datetime.date(year, 4, 1),
        analysis=done,
        created_by=coordinator,
    )
    PlannedAnalysis.objects.create(
        organisation=org,
        node=administration,
        year=year,
        planned_for=datetime.date(year, 9, 1),
        created_by=coordinator,
    )
    add_incidents(unit, reporter=coordinator, on=datetime.date(year, 3, 1), n=4, code="vandalism", total=1000)
    add_incidents(unit, reporter=coordinator, on=datetime.date(year, 5, 1), n=2, code="theft", total=0)
    add_incidents(unit, reporter=coordinator, on=datetime.date(year - 1, 5, 1), n=2, code="vandalism", total=500)
    return World(year, administration, unit, coordinator, plan)
