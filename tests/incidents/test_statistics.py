"""Damage statistics (G13, G15, K20) and where a risk analysis is due (G3)."""

from __future__ import annotations

import base64
import datetime
import re
from collections.abc import Callable
from decimal import Decimal
from html.parser import HTMLParser
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.translation import gettext

from bench.plain_sql import plain_sql_aggregate
from tests.incidents.statistics_data import add_incidents, clear_incidents, incident_types, node
from varna.core.models import User
from varna.incidents import statistics
from varna.incidents.models import Status
from varna.incidents.statistics import StatisticsFilter
from varna.protection.models import Facility

THIS_YEAR = timezone.localdate().year
URL = "/incidents/statistics/"
DUE_URL = "/incidents/statistics/analysis-due/"

Persona = Callable[[str], User]


def _filters(**kwargs: Any) -> StatisticsFilter:
    return StatisticsFilter.for_years(THIS_YEAR - 4, THIS_YEAR, **kwargs)


def _by_name(rows: list[statistics.Row]) -> dict[str | None, int]:
    return {r.node_name: r.count for r in rows}


@pytest.fixture(autouse=True)
def _only_these_incidents(demo: None) -> None:
    clear_incidents()


@pytest.fixture
def coordinator(persona: Persona) -> User:
    return persona("samordnare")


@pytest.fixture
def reporter(persona: Persona) -> User:
    return persona("anstalld")


# --- the figures -------------------------------------------------------------------------------


def test_incident_at_a_unit_counts_for_its_administration_and_committee(coordinator, reporter) -> None:
    add_incidents("Solrosens förskola", reporter=reporter, n=2)

    administrations = statistics.aggregate(coordinator, group_by="node", filters=_filters())
    assert _by_name(administrations)["Barn- och utbildningsförvaltningen"] == 2

    below_board = statistics.aggregate(
        coordinator, group_by="node", filters=_filters(node=node("Kommunstyrelsen"), node_level="children")
    )
    assert _by_name(below_board)["Barn- och utbildningsnämnden"] == 2

    below_committee = statistics.aggregate(
        coordinator,
        group_by="node",
        filters=_filters(node=node("Barn- och utbildningsnämnden"), node_level="children"),
    )
    assert _by_name(below_committee) == {"Barn- och utbildningsförvaltningen": 2}

    units = statistics.aggregate(coordinator, group_by="node", filters=_filters(node_level="unit"))
    assert _by_name(units) == {"Solrosens förskola": 2}


def test_incidents_directly_at_the_chosen_node_get_a_row_of_their_own(coordinator, reporter) -> None:
    add_incidents("Barn- och utbildningsförvaltningen", reporter=reporter)
    add_incidents("Solrosens förskola", reporter=reporter)
    rows = statistics.aggregate(
        coordinator,
        group_by="node",
        filters=_filters(node=node("Barn- och utbildningsförvaltningen"), node_level="children"),
    )
    direct = [r for r in rows if r.node_path == node("Barn- och utbildningsförvaltningen").path]
    assert [r.count for r in direct] == [1]
    assert sum(r.count for r in rows) == 2


def test_rate_per_100_employees_uses_the_active_staff_of_the_subtree(coordinator, reporter) -> None:
    admin = node("Barn- och utbildningsförvaltningen")
    add_incidents("Solrosens förskola", reporter=reporter, n=3)
    staff = User.objects.filter(is_active=True, employment_node__path__startswith=admin.path).count()
    assert staff > 0

    row = next(
        r
        for r in statistics.aggregate(coordinator, group_by="node", filters=_filters(), with_staff=True)
        if r.node_id == admin.pk
    )
    assert row.staff == staff
    assert row.per_100_staff == (Decimal(300) / staff).quantize(Decimal("0.1"))

    User.objects.filter(pk=reporter.pk).update(is_active=False)
    again = next(
        r
        for r in statistics.aggregate(coordinator, group_by="node", filters=_filters(), with_staff=True)
        if r.node_id == admin.pk
    )
    assert again.staff == staff - 1


def test_cost_is_the_cost_lines_total_or_else_the_estimate(coordinator, reporter) -> None:
    add_incidents("Solrosens förskola", reporter=reporter, total=1000, estimated=5000)  # cost lines win
    add_incidents("Solrosens förskola", reporter=reporter, total=0, estimated=700)  # no cost lines: the estimate
    add_incidents("Solrosens förskola", reporter=reporter)  # neither: zero
    (row,) = statistics.aggregate(coordinator, group_by="year", filters=_filters())
    assert row.count == 3
    assert row.cost == Decimal("1700.00")
    assert row.estimated_cost == Decimal("700.00")


def test_rejected_reports_and_duplicates_are_not_counted(coordinator, reporter) -> None:
    add_incidents("Solrosens förskola", reporter=reporter, status=Status.CLOSED)
    add_incidents("Solrosens förskola", reporter=reporter, status=Status.REJECTED)
    add_incidents("Solrosens förskola", reporter=reporter, status=Status.DUPLICATE)
    (row,) = statistics.aggregate(coordinator, group_by="year", filters=_filters())
    assert row.count == 1


def test_year_to_date_compares_the_same_period_of_every_year(coordinator, reporter) -> None:
    today = datetime.date(THIS_YEAR, 6, 15)
    add_incidents("Solrosens förskola", reporter=reporter, on=datetime.date(THIS_YEAR - 1, 6, 15), n=2)  # counted
    add_incidents("Solrosens förskola", reporter=reporter, on=datetime.date(THIS_YEAR - 1, 6, 16))  # after the day
    add_incidents("Solrosens förskola", reporter=reporter, on=datetime.date(THIS_YEAR - 2, 1, 1), n=4)
    add_incidents("Solrosens förskola", reporter=reporter, on=datetime.date(THIS_YEAR, 3, 1), n=6)

    page = statistics.statistics_page(coordinator, _filters(), today=today)
    by_year = {r.year: r for r in page.years}
    assert [r.year for r in page.years] == list(range(THIS_YEAR - 4, THIS_YEAR + 1))
    assert (by_year[THIS_YEAR - 1].count, by_year[THIS_YEAR - 1].ytd_count) == (3, 2)
    assert (by_year[THIS_YEAR - 2].count, by_year[THIS_YEAR - 2].ytd_count) == (4, 4)
    assert by_year[THIS_YEAR].ytd_count == 6
    assert page.previous_ytd_average == Decimal("1.5")  # (0 + 0 + 4 + 2) / 4 earlier years
    assert page.ytd_change_percent == Decimal("300")


def test_months_add_up_to_the_year(coordinator, reporter) -> None:
    add_incidents("Solrosens förskola", reporter=reporter, on=datetime.date(THIS_YEAR - 1, 2, 10), n=2)
    add_incidents("Solrosens förskola", reporter=reporter, on=datetime.date(THIS_YEAR - 1, 11, 3))
    page = statistics.statistics_page(coordinator, _filters(), today=timezone.localdate())
    months = [r.count for r in page.months[THIS_YEAR - 1]]
    assert months[1] == 2 and months[10] == 1 and sum(months) == 3


def test_filters_narrow_the_figures(coordinator, reporter) -> None:
    facility = Facility.objects.filter(organisation=coordinator.organisation).first()
    assert facility is not None
    add_incidents("Solrosens förskola", reporter=reporter, code="fire", facility=facility)
    add_incidents("Hemtjänst Centrum", reporter=reporter, code="theft")
    add_incidents("Hemtjänst Centrum", reporter=reporter, code="near-miss")
    add_incidents("Hemtjänst Centrum", reporter=reporter, code="false-alarm")
    add_incidents("Solrosens förskola", reporter=reporter, on=datetime.date(THIS_YEAR - 6, 5, 1))  # before the period
    types = incident_types(coordinator.organisation)

    def count(**kwargs: object) -> int:
        return sum(r.count for r in statistics.aggregate(coordinator, group_by="year", filters=_filters(**kwargs)))

    assert count() == 4
    assert count(incident_type_id=types["fire"].pk) == 1
    assert count(security_area_id=types["theft"].security_area_id) >= 1
    assert count(node=node("Vård- och omsorgsförvaltningen")) == 3
    assert count(facility_id=facility.pk) == 1
    assert count(include_near_misses=False) == 3
    assert count(include_near_misses=False, include_false_alarms=False) == 2
    assert (
        sum(
            r.count
            for r in statistics.aggregate(
                coordinator, group_by="year", filters=StatisticsFilter.for_years(THIS_YEAR - 6, THIS_YEAR)
            )
        )
        == 5
    )


def test_groupings_can_be_combined_and_unknown_ones_are_refused(coordinator, reporter) -> None:
    add_incidents("Solrosens förskola", reporter=reporter, code="fire", n=2)
    add_incidents("Solrosens förskola", reporter=reporter, code="theft")
    rows = statistics.aggregate(coordinator, group_by=("year", "type"), filters=_filters())
    assert {(r.year, r.incident_type_name, r.count) for r in rows} == {(THIS_YEAR, "Brand", 2), (THIS_YEAR, "Stöld", 1)}
    with pytest.raises(ValueError):
        statistics.aggregate(coordinator, group_by="name", filters=_filters())  # type: ignore[arg-type]


def test_plain_sql_aggregate_gives_the_same_figures_as_the_orm(coordinator, reporter) -> None:
    add_incidents("Solrosens förskola", reporter=reporter, code="fire", n=2, total=100, estimated=50)
    add_incidents("Hemtjänst Centrum", reporter=reporter, code="threat", estimated=250)
    add_incidents("Hemtjänst Centrum", reporter=reporter, code="near-miss", on=datetime.date(THIS_YEAR - 1, 3, 3))
    add_incidents("Hemtjänst Centrum", reporter=reporter, code="theft", status=Status.REJECTED)
    for include in (True, False):
        filters = _filters(include_near_misses=include)
        orm = statistics.aggregate(coordinator, group_by=("year", "type"), filters=filters)
        plain = plain_sql_aggregate(
            organisation_id=coordinator.organisation_id,
            date_from=filters.date_from,
            date_to=filters.date_to,
            include_near_misses=include,
        )

        def figures(rows: list[statistics.Row]) -> set[tuple[object, ...]]:
            return {(r.year, r.incident_type_id, r.incident_type_name, r.count, r.cost, r.estimated_cost) for r in rows}

        assert figures(orm) == figures(plain)
        assert len(plain) == (3 if include else 2)


# --- who sees what -------------------------------------------------------------------------------


def test_security_officer_sees_only_their_administration(persona, reporter) -> None:
    add_incidents("Solrosens förskola", reporter=reporter, n=2)
    add_incidents("Hemtjänst Centrum", reporter=reporter, n=5)
    officer = persona("handlaggare.bou")
    rows = statistics.aggregate(officer, group_by="node", filters=_filters(), with_staff=True)
    assert sum(r.count for r in rows) == 2
    assert {r.node_name for r in rows if r.count} == {"Barn- och utbildningsförvaltningen"}
    bou = node("Barn- och utbildningsförvaltningen")
    assert (
        sum(r.staff or 0 for r in rows)
        == User.objects.filter(is_active=True, employment_node__path__startswith=bou.path).count()
    )


def test_grannby_sees_nothing_of_exempelkommun(persona, reporter) -> None:
    add_incidents("Solrosens förskola", reporter=reporter, n=3)
    grannby = persona("samordnare.grannby")
    assert statistics.aggregate(grannby, group_by="year", filters=_filters()) == []
    page = statistics.statistics_page(grannby, _filters(), today=timezone.localdate())
    assert page.total.count == 0
    assert (
        page.staff
        == User.objects.filter(organisation__slug="grannby", is_active=True).exclude(employment_node=None).count()
    )


def test_grannby_cannot_filter_on_exempelkommuns_nodes_types_or_facilities(client_for, persona) -> None:
    client = client_for("samordnare.grannby")
    exempel = persona("samordnare").organisation
    types = incident_types(exempel)
    facility = Facility.objects.filter(organisation=exempel).first()
    assert facility is not None
    for query, field in (
        ({"node": node("Solrosens förskola").pk}, "node"),
        ({"node": node("Kommunstyrelsen").pk}, "node"),
        ({"incident_type": types["fire"].pk}, "incident_type"),
        ({"facility": facility.pk}, "facility"),
    ):
        response = client.get(URL, query)
        assert response.status_code == 400, query
        assert response.context["form"].errors.get(field), query
        assert "page" not in response.context


def test_politician_reads_the_statistics_of_the_executive_board(client_for, persona, reporter) -> None:
    add_incidents("Solrosens förskola", reporter=reporter, n=2)
    add_incidents("Exempel Energi AB", reporter=reporter)  # a company: outside Kommunstyrelsen
    response = client_for("politiker").get(URL)
    assert response.status_code == 200
    assert response.context["page"].total.count == 2
    assert client_for("politiker").get(DUE_URL).status_code == 200


def test_employee_and_administrator_may_not_see_statistics(client_for) -> None:
    for username in ("anstalld", "admin"):
        client = client_for(username)
        assert client.get(URL).status_code == 403
        assert client.get(DUE_URL).status_code == 403
        assert client.get("/incidents/statistics/export/").status_code == 403


def test_anonymous_people_are_sent_to_log_in(demo) -> None:
    assert Client().get(URL).status_code == 302


def test_threats_count_but_the_page_shows_no_text_or_names(client_for, persona, reporter) -> None:
    victim = persona("chef.solrosen")
    (threat,) = add_incidents("Solrosens förskola", reporter=reporter, code="threat", victim=victim, estimated=900)
    threat.description = "Hemlig beskrivning av hotet"
    threat.save(update_fields=["description"])
    response = client_for("politiker").get(URL)
    assert response.context["page"].total.count == 1
    html = response.content.decode()
    assert "Hemlig beskrivning" not in html
    assert victim.last_name not in html
    assert reporter.last_name not in html
    assert "Hot" in html  # the type and its count are shown


# --- the pages ------------------------------------------------------------------------------------


def _page_queries(client: Client, params: dict[str, Any] | None = None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, params or {})
    assert response.status_code == 200
    return len(queries)


def test_statistics_page_runs_a_bounded_number_of_queries_whatever_the_data(
    client_for, coordinator, reporter, django_assert_max_num_queries
) -> None:
    client = client_for("samordnare")
    facility = Facility.objects.filter(organisation=coordinator.organisation).first()
    assert facility is not None
    add_incidents("Solrosens förskola", reporter=reporter, n=10, facility=facility)
    few = _page_queries(client)
    for i, place in enumerate(["Solrosens förskola", "Hemtjänst Centrum", "Exempelbadet", "Kansliet"] * 5):
        add_incidents(place, reporter=reporter, n=10, on=datetime.date(THIS_YEAR - i % 5, 1 + i % 12, 1), total=i)
    many = _page_queries(client)
    assert few == many
    every_filter: dict[str, Any] = {
        "year_from": THIS_YEAR - 2,
        "incident_type": incident_types(coordinator.organisation)["fire"].pk,
        "security_area": incident_types(coordinator.organisation)["fire"].security_area_id,
        "node": node("Solrosens förskola").pk,  # a unit: one more query to check it
        "node_level": "unit",
        "facility": facility.pk,  # one more query to check it
        "near_misses": "exclude",
    }
    with django_assert_max_num_queries(15):
        assert client.get(URL).status_code == 200
    with django_assert_max_num_queries(15):
        assert client.get(URL, every_filter).status_code == 200
    with django_assert_max_num_queries(15):
        assert client.get(DUE_URL, {"node_level": "unit"}).status_code == 200
    with django_assert_max_num_queries(15):
        assert client.get("/incidents/statistics/export/", {**every_filter, "format": "xlsx"}).status_code == 200


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"year_from": "abc"}, "year_from", "Choose a year from the list."),
        ({"year_from": "1850"}, "year_from", "Choose a year from the list."),
        ({"year_to": str(THIS_YEAR + 5)}, "year_to", "Choose a year from the list."),
        (
            {"year_from": str(THIS_YEAR), "year_to": str(THIS_YEAR - 1)},
            "year_to",
            "The last year cannot be before the first year.",
        ),
        ({"node": "abc"}, "node", "Choose a part of the organisation from the list."),
        ({"node": "99999999999999999999"}, "node", "Choose a part of the organisation from the list."),
        ({"incident_type": "2000000000"}, "incident_type", "Choose a type of event from the list."),
        ({"security_area": "-1"}, "security_area", "Choose a security area from the list."),
        ({"facility": "x"}, "facility", "The facility does not exist. Remove the facility filter and try again."),
        ({"near_misses": "maybe"}, "near_misses", "Choose whether near misses are counted."),
        ({"node_level": "street"}, "node_level", "Choose a level from the list."),
    ],
)
def test_bad_filter_values_give_a_message_on_the_form(client_for, query, field, message) -> None:
    response = client_for("samordnare").get(URL, query)
    assert response.status_code == 400
    assert gettext(message) in response.context["form"].errors[field]
    assert gettext(message) in response.content.decode()
    assert "page" not in response.context


def test_security_officer_cannot_filter_on_another_administration(client_for) -> None:
    response = client_for("handlaggare.bou").get(URL, {"node": node("Vård- och omsorgsförvaltningen").pk})
    assert response.status_code == 400
    assert response.context["form"].errors["node"]
    ok = client_for("handlaggare.bou").get(URL, {"node": node("Solrosens förskola").pk})
    assert ok.status_code == 200


def test_drill_down_links_keep_the_filters_and_open_the_level_below(client_for, reporter) -> None:
    add_incidents("Solrosens förskola", reporter=reporter)
    response = client_for("samordnare").get(URL, {"near_misses": "exclude"})
    bou = node("Barn- och utbildningsförvaltningen")
    html = response.content.decode()
    match = re.search(rf'href="(/incidents/statistics/\?[^"]*node={bou.pk}[^"]*)"', html)
    assert match, "no link to the administration"
    link = match.group(1).replace("&amp;", "&")
    assert "near_misses=exclude" in link and "node_level=children" in link
    below = client_for("samordnare").get(link)
    assert below.status_code == 200
    assert {r.node_name for r in below.context["page"].nodes if r.count} == {"Förskoleområde Centrum"}


class _Tables(HTMLParser):
    """Collects what axe checks on data tables: a caption each, and a scope on every header cell."""

    def __init__(self) -> None:
        super().__init__()
        self.tables = 0
        self.captions = 0
        self.headers_without_scope = 0
        self.images: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.tables += 1
        elif tag == "caption":
            self.captions += 1
        elif tag == "th" and not dict(attrs).get("scope"):
            self.headers_without_scope += 1
        elif tag == "img":
            self.images.append(dict(attrs))


def test_every_chart_is_an_image_with_alt_text_beside_a_table_with_captions(client_for, reporter) -> None:
    add_incidents("Solrosens förskola", reporter=reporter, code="fire", n=3, total=1200)
    add_incidents("Hemtjänst Centrum", reporter=reporter, code="theft", on=datetime.date(THIS_YEAR - 1, 4, 2))
    response = client_for("samordnare").get(URL)
    parser = _Tables()
    parser.feed(response.content.decode())
    assert parser.tables >= 7 and parser.captions == parser.tables
    assert parser.headers_without_scope == 0
    charts = [i for i in parser.images if (i.get("src") or "").startswith("data:image/svg+xml;base64,")]
    assert len(charts) >= 4
    for image in charts:
        assert image.get("alt")
        svg = base64.b64decode((image["src"] or "").split(",", 1)[1]).decode()
        assert 'role="img"' in svg and "aria-label=" in svg and "<title>" in svg
        assert "<script" not in svg.lower() and "http://" not in svg.replace("http://www.w3.org", "")
        assert "<text" not in svg  # text is drawn as paths: no font is needed or fetched


def test_month_names_follow_the_language(client_for, reporter) -> None:
    add_incidents("Solrosens förskola", reporter=reporter)
    client = client_for("samordnare")
    assert "Januari" in client.get(URL, HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    client.cookies["django_language"] = "en"
    assert "January" in client.get(URL, HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_empty_statistics_page_renders_without_charts(client_for) -> None:
    response = client_for("samordnare").get(URL)
    assert response.status_code == 200
    assert "data:image/svg+xml" not in response.content.decode()


# --- where is a risk analysis due? (G3) -------------------------------------------------------------


def test_analysis_due_ranks_by_frequency_and_cost(coordinator, reporter) -> None:
    today = timezone.localdate()
    add_incidents("Solrosens förskola", reporter=reporter, n=6, total=50_000)  # often and costly
    add_incidents("Hemtjänst Centrum", reporter=reporter, n=1, total=100)
    add_incidents("Exempelbadet", reporter=reporter, n=2, total=20_000)
    add_incidents("Kansliet", reporter=reporter, on=today.replace(year=today.year - 5), n=9, total=9_999_999)  # too old
    start, end = statistics.period_of_years(3, today)
    result = statistics.analysis_due(
        coordinator, filters=StatisticsFilter(date_from=start, date_to=end, node_level="administration"), years=3
    )
    names = [r.name for r in result.nodes]
    assert names[0] == "Barn- och utbildningsförvaltningen"
    assert "Kommunledningsförvaltningen" not in names
    first = result.nodes[0]
    assert (first.frequency_rank, first.cost_rank) == (1, 1) or first.score <= result.nodes[1].score
    assert first.per_100_staff_per_year == statistics.rate_per_100(6, first.row.staff, 3)


def test_analysis_due_page_explains_the_order_and_leaves_out_near_misses(client_for, reporter) -> None:
    add_incidents("Solrosens förskola", reporter=reporter, code="near-miss", n=5)
    add_incidents("Hemtjänst Centrum", reporter=reporter, code="fire", total=3000)
    client = client_for("samordnare")
    response = client.get(DUE_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert gettext("How the list is ordered") in html
    assert [r.name for r in response.context["result"].nodes] == ["Vård- och omsorgsförvaltningen"]
    counted = client.get(DUE_URL, {"near_misses": "include", "node_level": "unit", "years": "1"})
    assert {r.name for r in counted.context["result"].nodes} == {"Solrosens förskola", "Hemtjänst Centrum"}
    bad = client.get(DUE_URL, {"years": "50"})
    assert bad.status_code == 400
    assert gettext("Choose a number of years between 1 and 10.") in bad.content.decode()


def test_the_node_filter_offers_the_levels_above_units_and_the_chosen_nodes_neighbours(coordinator: User) -> None:
    """Not every unit with units below it (thousands at scale): the levels above units, and once a node is
    chosen, the nodes above it and right below it."""
    from varna.core.models import Node, NodeKind
    from varna.incidents.forms_statistics import StatisticsFilterForm

    offered = StatisticsFilterForm({}, user=coordinator).nodes.values()
    org_nodes = Node.objects.filter(organisation_id=coordinator.organisation_id or 0)
    assert {n.pk for n in offered} == set(org_nodes.exclude(kind=NodeKind.UNIT).values_list("pk", flat=True))
    parent = org_nodes.filter(kind=NodeKind.UNIT, numchild__gt=0, depth__gte=4).order_by("path").first()
    assert parent is not None
    chosen = StatisticsFilterForm({"node": str(parent.pk)}, user=coordinator)
    assert chosen.is_valid(), chosen.errors
    assert chosen.chosen_node() == parent
    above = [parent.path[:end] for end in range(Node.steplen, len(parent.path) + 1, Node.steplen)]
    below = org_nodes.filter(path__startswith=parent.path, depth=parent.depth + 1)
    expected = set(org_nodes.filter(path__in=above).values_list("pk", flat=True)) | {c.pk for c in below}
    assert expected <= set(chosen.nodes)
    assert set(chosen.nodes) - expected <= set(org_nodes.exclude(kind=NodeKind.UNIT).values_list("pk", flat=True))
