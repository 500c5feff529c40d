"""The statistics read the daily summary the services keep, and give the figures counted live.

The figures themselves are defined by ``test_statistics.py``; here: the page, "Where is a risk analysis due?",
the API and the schedule's damage figures from the summary equal the same figures counted from the incidents,
the live count is what runs when the summary cannot serve the filters, the rebuild command, and charts drawn
once per set of figures.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import OuterRef, Value
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.incidents.samples import make_sample_incidents
from varna.core.models import Node, User
from varna.core.tokens import issue_token
from varna.incidents import charts, statistics
from varna.incidents.models import (
    Incident,
    IncidentDaySummary,
    IncidentMonthSummary,
    IncidentYearFacilitySummary,
    IncidentYearNodeSummary,
    Status,
)
from varna.incidents.selectors import damage_at_node
from varna.incidents.services import summary
from varna.incidents.statistics import StatisticsFilter

TODAY = timezone.localdate()
SUMMARY_TABLE = IncidentDaySummary._meta.db_table
MONTH_TABLE = IncidentMonthSummary._meta.db_table
YEAR_NODE_TABLE = IncidentYearNodeSummary._meta.db_table
YEAR_FACILITY_TABLE = IncidentYearFacilitySummary._meta.db_table
INCIDENT_TABLE = Incident._meta.db_table

Persona = Callable[[str], User]


def _filters(**kwargs: Any) -> StatisticsFilter:
    return StatisticsFilter.for_years(TODAY.year - 4, TODAY.year, **kwargs)


def _live(filters: StatisticsFilter) -> StatisticsFilter:
    return dataclasses.replace(filters, live=True)


def _figures(rows: list[statistics.Row]) -> list[tuple[Any, ...]]:
    names = ("year", "month", "incident_type_id", "security_area_id", "node_id", "node_name", "facility_id")
    figures = ("count", "cost", "estimated_cost", "ytd_count", "ytd_cost", "staff")
    return [tuple(getattr(r, name) for name in (*names, *figures)) for r in rows]


@pytest.fixture
def coordinator(persona: Persona) -> User:
    make_sample_incidents()  # a few reports through the services on top of the demo's five years
    return persona("samordnare")


def _variants(user: User) -> list[StatisticsFilter]:
    administration = Node.objects.filter(organisation_id=user.organisation_id or 0, depth=3).order_by("path").first()
    kind = Incident.objects.filter(organisation_id=user.organisation_id or 0).values_list(
        "incident_type_id", flat=True
    )[0]
    return [
        _filters(),
        _filters(node_level="unit"),
        _filters(node_level="children", node=administration),
        _filters(incident_type_id=kind, include_near_misses=False, include_false_alarms=False),
        StatisticsFilter(date_from=TODAY - datetime.timedelta(days=400), date_to=TODAY - datetime.timedelta(days=3)),
    ]


def test_statistics_page_from_the_summary_equals_the_live_count(coordinator: User) -> None:
    for filters in _variants(coordinator):
        kept = statistics.statistics_page(coordinator, filters, today=TODAY)
        live = statistics.statistics_page(coordinator, _live(filters), today=TODAY)
        assert kept.total.count > 0
        for name in ("years", "types", "areas", "nodes", "facilities"):
            assert _figures(getattr(kept, name)) == _figures(getattr(live, name)), (filters, name)
        assert {y: _figures(rows) for y, rows in kept.months.items()} == {
            y: _figures(rows) for y, rows in live.months.items()
        }
        assert (kept.total.count, kept.total.cost) == (live.total.count, live.total.cost)


def test_analysis_due_from_the_summary_equals_the_live_count(coordinator: User) -> None:
    start, end = statistics.period_of_years(3, TODAY)
    filters = StatisticsFilter(date_from=start, date_to=end, include_near_misses=False, include_false_alarms=False)
    for level in ("administration", "unit"):
        kept = statistics.analysis_due(coordinator, filters=dataclasses.replace(filters, node_level=level), years=3)
        live = statistics.analysis_due(
            coordinator, filters=_live(dataclasses.replace(filters, node_level=level)), years=3
        )
        assert kept.node_count > 0
        assert [(r.name, r.score, r.row.count, r.row.cost) for r in kept.nodes] == [
            (r.name, r.score, r.row.count, r.row.cost) for r in live.nodes
        ]
        assert [(r.name, r.row.count, r.row.cost) for r in kept.facilities] == [
            (r.name, r.row.count, r.row.cost) for r in live.facilities
        ]


def test_statistics_read_the_summary_and_the_live_count_reads_the_incidents(coordinator: User) -> None:
    """The summary serves every filter; ``live`` (a filter the summary cannot serve) counts the incidents."""
    filters = _filters(include_near_misses=False)
    assert statistics.summary_serves(filters)
    assert not statistics.summary_serves(_live(filters))
    for chosen, table, other in (
        (filters, SUMMARY_TABLE, INCIDENT_TABLE),
        (_live(filters), INCIDENT_TABLE, SUMMARY_TABLE),
    ):
        with CaptureQueriesContext(connection) as queries:
            statistics.statistics_page(coordinator, chosen, today=TODAY)
        sql = " ".join(q["sql"] for q in queries.captured_queries)
        assert table in sql
        assert f'"{other}"' not in sql and f"`{other}`" not in sql


def _tables_read(call: Callable[[], Any]) -> list[set[str]]:
    """The summary tables each query of ``call`` reads."""
    tables = (SUMMARY_TABLE, MONTH_TABLE, YEAR_NODE_TABLE, YEAR_FACILITY_TABLE, INCIDENT_TABLE)
    with CaptureQueriesContext(connection) as queries:
        call()
    read = [{t for t in tables if f'"{t}"' in q["sql"] or f"`{t}`" in q["sql"]} for q in queries.captured_queries]
    return [r for r in read if r]


def test_a_whole_organisations_page_reads_the_coarse_summaries(coordinator: User) -> None:
    """Five years for the coordinator: months, years by node and by facility; the daily rows only for this month's
    days up to today (the year-to-date comparison)."""
    read = _tables_read(lambda: statistics.statistics_page(coordinator, _filters(), today=TODAY))
    assert read == [{MONTH_TABLE}, {SUMMARY_TABLE}, {MONTH_TABLE}, {YEAR_NODE_TABLE}, {YEAR_FACILITY_TABLE}]
    api = _tables_read(lambda: statistics.aggregate(coordinator, group_by=("year", "type"), filters=_filters()))
    assert api == [{MONTH_TABLE}]
    to_today = StatisticsFilter(date_from=datetime.date(TODAY.year - 4, 1, 1), date_to=TODAY)  # the API's default
    edges = _tables_read(lambda: statistics.aggregate(coordinator, group_by=("year", "type"), filters=to_today))
    assert edges == [{MONTH_TABLE}] if TODAY.month == 12 and TODAY.day == 31 else [{MONTH_TABLE}, {SUMMARY_TABLE}]


def test_a_part_of_the_organisation_or_a_narrower_filter_reads_the_daily_summary(
    coordinator: User, persona: Persona
) -> None:
    """An officer of one administration: no month summary (it has no node); the years by node still serve."""
    officer = persona("handlaggare.bou")
    read = _tables_read(lambda: statistics.statistics_page(officer, _filters(), today=TODAY))
    assert read == [{SUMMARY_TABLE}, {SUMMARY_TABLE}, {YEAR_NODE_TABLE}, {SUMMARY_TABLE}]
    kind = Incident.objects.filter(organisation_id=coordinator.organisation_id or 0).values_list(
        "incident_type_id", flat=True
    )[0]
    narrowed = _tables_read(
        lambda: statistics.statistics_page(coordinator, _filters(incident_type_id=kind), today=TODAY)
    )
    assert narrowed == [{MONTH_TABLE}, {SUMMARY_TABLE}, {MONTH_TABLE}, {SUMMARY_TABLE}, {SUMMARY_TABLE}]
    officers_page = statistics.statistics_page(officer, _filters(), today=TODAY)
    live = statistics.statistics_page(officer, _live(_filters()), today=TODAY)
    assert officers_page.total.count > 0
    for name in ("years", "types", "nodes", "facilities"):
        assert _figures(getattr(officers_page, name)) == _figures(getattr(live, name)), name


def test_a_write_past_the_services_shows_only_in_the_live_count_until_the_rebuild(coordinator: User) -> None:
    filters = _filters()
    before = statistics.aggregate(coordinator, group_by="year", filters=filters)
    Incident.objects.filter(organisation_id=coordinator.organisation_id or 0, status=Status.CLOSED).update(
        status=Status.REJECTED
    )
    live = statistics.aggregate(coordinator, group_by="year", filters=_live(filters))
    assert _figures(statistics.aggregate(coordinator, group_by="year", filters=filters)) == _figures(before)
    assert sum(r.count for r in live) < sum(r.count for r in before)
    call_command("rebuild_incident_summary", "--organisation", "exempelkommun", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert _figures(statistics.aggregate(coordinator, group_by="year", filters=filters)) == _figures(live)


def test_the_rebuild_command_refuses_an_unknown_organisation(demo: None) -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("rebuild_incident_summary", "--organisation", "ingen-sadan")


def test_the_statistics_api_reads_the_summary(coordinator: User) -> None:
    client = Client(headers={"Authorization": f"Bearer {issue_token(user=coordinator, actor=coordinator)}"})
    with CaptureQueriesContext(connection) as queries:
        reply = client.get("/api/v1/statistics/incidents", {"group_by": ["year", "type"]})
    assert reply.status_code == 200
    body = reply.json()
    assert SUMMARY_TABLE in " ".join(q["sql"] for q in queries.captured_queries)
    live = statistics.aggregate(
        coordinator,
        group_by=("year", "type"),
        filters=_live(StatisticsFilter(date_from=datetime.date(TODAY.year - 4, 1, 1), date_to=TODAY)),
    )
    assert body["count"] == sum(r.count for r in live)
    assert Decimal(str(body["cost"])) == sum((r.cost for r in live), Decimal(0))


def test_the_schedules_damage_figures_read_the_summary(coordinator: User) -> None:
    """``damage_at_node`` (the schedule of risk analyses) counts as the damage statistics do, from the summary."""
    after = TODAY - datetime.timedelta(days=365)
    count, cost = damage_at_node(node=OuterRef("pk"), after=Value(after), until=TODAY)
    nodes = Node.objects.filter(organisation_id=coordinator.organisation_id or 0).annotate(n=count, c=cost)
    with CaptureQueriesContext(connection) as queries:
        found = {n.pk: (n.n, n.c) for n in nodes if n.n}
    assert SUMMARY_TABLE in queries.captured_queries[0]["sql"]
    assert found
    filters = StatisticsFilter(
        date_from=after + datetime.timedelta(days=1),
        date_to=TODAY,
        include_near_misses=False,
        include_false_alarms=False,
        node_level="unit",
        live=True,
    )
    live = {r.node_id: (r.count, r.cost) for r in statistics.aggregate(coordinator, group_by="node", filters=filters)}
    assert found == live


# --- charts ------------------------------------------------------------------------------------


def test_the_same_figures_draw_a_chart_once(monkeypatch: pytest.MonkeyPatch) -> None:
    drawn: list[str] = []
    draw = charts._draw_bar

    def counting(*args: Any) -> str:
        drawn.append(args[0])
        return draw(*args)

    counting.__name__ = draw.__name__
    monkeypatch.setattr(charts, "_draw_bar", counting)
    title = f"Provdiagram {timezone.now().timestamp()}"
    first = charts.bar_chart(title=title, labels=["Brand", "Stöld"], values=[3, 5], value_label="Antal")
    again = charts.bar_chart(title=title, labels=["Brand", "Stöld"], values=[3, 5], value_label="Antal")
    assert again.svg == first.svg
    assert drawn == [title]
    charts.bar_chart(title=title, labels=["Brand", "Stöld"], values=[3, 6], value_label="Antal")
    assert drawn == [title, title]


def test_summary_helpers_refuse_to_run_outside_the_writes_transaction() -> None:
    with pytest.raises(RuntimeError), summary.keeping_summary([1]):
        pass
