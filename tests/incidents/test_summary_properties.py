"""The statistics' summaries always equal the aggregate over the incidents (SQLite, and PostgreSQL in
``make test``).

- Over random sequences of reports, workflow moves (rejected, duplicate, closed, reopened), edits of the place,
  type, date and facility, cost lines added and removed, and deletions, every summary the services keep (the
  daily one and the coarser ones: per month, type and area; per year and node; per year and facility) is, after
  every step, exactly what grouping the incidents gives (``services.summary.contributions``, rolled up to its
  grain), and the statistics read from them equal the statistics counted live.
- Two writes that create the same summary row at the same moment both count: the unique key and the retry.
  Only PostgreSQL runs writes in parallel, so that test runs there alone.

No service edits an incident's place, type, date or facility yet, nor deletes one: the sequence does it the way
such a service must, inside ``keeping_summary`` in the write's transaction.
"""

from __future__ import annotations

import dataclasses
import datetime
import threading
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from varna.core.models import Node, NodeKind, Organisation, User
from varna.incidents import services, statistics
from varna.incidents.models import CostLine, Incident, IncidentDaySummary, IncidentType, Status
from varna.incidents.selectors_handling import allowed_transitions, reopen_status, segments_for
from varna.incidents.services import summary
from varna.incidents.statistics import StatisticsFilter
from varna.protection.models import Facility


@dataclass
class World:
    org: Organisation
    actor: User
    units: list[Node]
    types: list[IncidentType]
    facilities: list[Facility | None]
    code: str  # a valid accounting code string


@pytest.fixture
def world(persona: Callable[[str], User]) -> World:
    actor = persona("samordnare")
    org = Organisation.objects.get(pk=actor.organisation_id or 0)
    units = list(Node.objects.filter(organisation=org, kind=NodeKind.UNIT).order_by("path")[:3])
    types = [t for t in services.ensure_defaults(organisation=org) if t.active][:4]
    near_miss = next(t for t in IncidentType.objects.filter(organisation=org) if t.code == "near-miss")
    facilities: list[Facility | None] = [None, *Facility.objects.filter(organisation=org).order_by("pk")[:2]]
    segments = segments_for(org.pk)
    code = "-".join(next(iter(s.values.all())).value if s.values.all() else "1" for s in segments if s.required)
    return World(org, actor, units, [*types, near_miss], facilities, code)


@dataclass(frozen=True)
class Step:
    kind: str
    pick: int  # which incident (modulo how many the sequence made), or which unit/type/facility
    other: int
    days_ago: int
    amount: int


steps = st.builds(
    Step,
    kind=st.sampled_from(
        ["report", "report", "report", "status", "status", "reopen", "move", "edit", "cost", "cost", "uncost", "delete"]
    ),
    pick=st.integers(min_value=0, max_value=50),
    other=st.integers(min_value=0, max_value=50),
    days_ago=st.integers(min_value=0, max_value=1500),
    amount=st.integers(min_value=0, max_value=90_000),
)


class Rollback(Exception):
    """Ends one example: everything it wrote is rolled back to the savepoint."""


def _report(w: World, step: Step) -> Incident:
    occurred = timezone.now() - datetime.timedelta(days=step.days_ago, hours=step.other % 24)
    incident, _created = services.report_incident(
        actor=w.actor,
        incident_type=w.types[step.other % len(w.types)],
        occurred_at=occurred,
        incident_node=w.units[step.pick % len(w.units)],
        facility=w.facilities[step.pick % len(w.facilities)],
        description="Provhändelse",
        injured_count=step.other % 3,
        estimated_cost=Decimal(step.amount) if step.amount % 3 else None,
    )
    return incident


def _step(w: World, step: Step, made: list[Incident]) -> None:
    if step.kind == "report" or not made:
        made.append(_report(w, step))
        event("report")
        return
    incident = Incident.objects.get(pk=made[step.pick % len(made)].pk)
    try:
        with transaction.atomic():
            _change(w, step, incident, made)
    except ValidationError as exc:
        event(f"{step.kind} refused ({exc.error_list[0].code})")
        return
    event(step.kind)


def _change(w: World, step: Step, incident: Incident, made: list[Incident]) -> None:
    if step.kind == "status":
        choices = allowed_transitions(incident)
        if not choices:
            raise ValidationError("no move", code="none")
        to = choices[step.other % len(choices)]
        others = [m for m in made if m.pk != incident.pk]
        original = Incident.objects.get(pk=others[0].pk) if others and to == Status.DUPLICATE else None
        services.change_status(actor=w.actor, incident=incident, to_status=to, revision=None, duplicate_of=original)
    elif step.kind == "reopen":
        if reopen_status(incident) is None:
            raise ValidationError("open", code="open")
        services.reopen_case(actor=w.actor, incident=incident, revision=None, reason="Ny uppgift")
    elif step.kind == "cost":
        if step.amount == 0:
            raise ValidationError("zero", code="zero")
        services.add_cost_line(
            actor=w.actor, incident=incident, amount=Decimal(step.amount) / 4, accounting_code=w.code, revision=None
        )
    elif step.kind == "uncost":
        line = CostLine.objects.filter(incident=incident).order_by("pk").first()
        if line is None:
            raise ValidationError("no line", code="no_line")
        services.delete_cost_line(actor=w.actor, incident=incident, line_id=line.pk, revision=None)
    elif step.kind in ("move", "edit"):
        fields: dict[str, Any] = {"incident_node": w.units[step.other % len(w.units)]}
        if step.kind == "edit":
            kind = w.types[step.other % len(w.types)]
            day = timezone.localdate() - datetime.timedelta(days=step.days_ago)
            fields = {
                "incident_type": kind,
                "security_area_id": kind.security_area_id,
                "occurred_on": day,
                "facility": w.facilities[step.other % len(w.facilities)],
            }
        with summary.keeping_summary([incident.pk]):
            Incident.objects.filter(pk=incident.pk).update(**fields)
    elif step.kind == "delete":
        with summary.keeping_summary([incident.pk]):
            Incident.objects.filter(duplicate_of=incident).update(duplicate_of=None)
            Incident.objects.filter(pk=incident.pk).delete()
        made[:] = [m for m in made if m.pk != incident.pk]


def _stored(org: Organisation, grain: summary.Grain = summary.DAY) -> dict[tuple[Any, ...], summary.Figures]:
    return {
        grain.row_key(r): summary.Figures(
            r.count, r.injured, r.serious, statistics.to_money(r.cost), statistics.to_money(r.estimated_cost)
        )
        for r in grain.rows.filter(organisation=org)
    }


def _check(w: World) -> None:
    """Every summary is exactly the incidents grouped at its grain: no missing row, no row too many, no zero row."""
    grouped = summary.contributions(Incident.objects.filter(organisation=w.org))
    for grain in summary.GRAINS:
        assert _stored(w.org, grain) == summary.rolled_up(grouped, grain), grain.model.__name__


def _figures(rows: list[statistics.Row]) -> list[tuple[Any, ...]]:
    keys = [
        (r.year, r.month, r.incident_type_id, r.security_area_id, r.node_path or r.node_id, r.facility_id) for r in rows
    ]
    figures = [(r.count, r.cost, r.estimated_cost, r.ytd_count, r.ytd_cost) for r in rows]
    return list(zip(keys, figures, strict=True))


def _check_statistics(w: World) -> None:
    """From the summaries (each grain where it serves) the figures equal those counted live."""
    today = timezone.localdate()
    five_years = StatisticsFilter.for_years(today.year - 5, today.year)  # the page: months, years by node, facility
    without_near_misses = dataclasses.replace(five_years, include_near_misses=False)  # months; days for the rest
    to_today = StatisticsFilter(date_from=datetime.date(today.year - 4, 3, 15), date_to=today)  # months and days
    for filters in (five_years, without_near_misses, to_today):
        for group_by in (("year", "month"), ("type", "area"), ("year", "type"), ("node",), ("facility",)):
            ytd = today if group_by == ("year", "month") else None
            from_summary = statistics.aggregate(w.actor, group_by=group_by, filters=filters, year_to_date=ytd)
            live_filters = dataclasses.replace(filters, live=True)
            live = statistics.aggregate(w.actor, group_by=group_by, filters=live_filters, year_to_date=ytd)
            assert _figures(from_summary) == _figures(live), (filters, group_by)


@given(sequence=st.lists(steps, min_size=1, max_size=12))
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
def test_the_summary_always_equals_the_incidents_grouped(world: World, sequence: list[Step]) -> None:
    try:
        with transaction.atomic():
            made: list[Incident] = []
            for step in sequence:
                _step(world, step, made)
                _check(world)
            _check_statistics(world)
            raise Rollback
    except Rollback:
        pass


def test_a_rebuild_gives_the_rows_the_services_kept(world: World) -> None:
    for i in range(6):
        _report(world, Step("report", i, i + 1, 30 * i, 1000 * i + 1))
    kept = {grain: _stored(world.org, grain) for grain in summary.GRAINS}
    assert all(kept.values())
    assert summary.rebuild_incident_summary(organisation_id=world.org.pk) == len(kept[summary.DAY])
    assert {grain: _stored(world.org, grain) for grain in summary.GRAINS} == kept


# --- two writes at once (PostgreSQL) ----------------------------------------------------------


def _in_thread(work: Callable[[], None], errors: list[BaseException]) -> threading.Thread:
    def run() -> None:
        try:
            work()
        except BaseException as exc:  # handed to the test
            errors.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite runs one write at a time; PostgreSQL only")
def test_two_writes_creating_the_same_summary_row_at_once_both_count(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both writes find no row and both insert one: the unique key refuses the second, which adds to the first's.

    A barrier holds each write after its ``UPDATE`` found nothing, so that both try to insert (without the
    retry, the second write fails). The barrier holds the daily row only: the second insert waits for the first
    write's commit, so the first must go on alone through the coarser grains (whose rows it creates and the
    second then adds to). The rows are committed by threads of their own on the demo's committed rows, and
    removed again at the end.
    """
    key: summary.Key = (world.org.pk, datetime.date(1990, 1, 2), world.units[0].pk, world.types[0].pk, None, None)
    barrier = threading.Barrier(2, timeout=10)
    new_row = summary._new_row

    def held_new_row(grain: summary.Grain, k: tuple[Any, ...], change: summary.Figures) -> Any:
        if grain is summary.DAY:
            barrier.wait()
        return new_row(grain, k, change)

    monkeypatch.setattr(summary, "_new_row", held_new_row)

    def write() -> None:
        with transaction.atomic():
            summary.apply({key: summary.Figures(count=1, cost=Decimal(100))})

    errors: list[BaseException] = []
    try:
        threads = [_in_thread(write, errors) for _ in range(2)]
        for thread in threads:
            thread.join(timeout=30)
        assert not errors, errors
        for grain in summary.GRAINS:
            row = grain.rows.get(**grain.key_filter(grain.of(key)))
            assert (row.count, row.cost) == (2, Decimal(200)), grain.model.__name__
    finally:

        def clean_up() -> None:
            IncidentDaySummary.objects.filter(day=key[1]).delete()
            for grain in summary.GRAINS[1:]:
                grain.rows.filter(organisation_id=key[0], year=key[1].year).delete()
            connection.close()

        cleanup = threading.Thread(target=clean_up)
        cleanup.start()
        cleanup.join()
