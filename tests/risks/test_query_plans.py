"""The risk pages' queries start from the few rows they need, also on SQLite without the planner's statistics.

A database as ``varna demo`` or a fresh installation leaves it has no ``sqlite_stat1``: SQLite then guesses, and
prefers an index that saves a sort even when it means reading every incident or risk of the organisation. These
tests read the plan (``EXPLAIN QUERY PLAN``) of each query that went wrong at ``varna demo --scale 15`` (see
``docs/performance.md``); they run only on SQLite. The answers themselves are checked on both databases.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from varna.core.models import User
from varna.core.tokens import issue_token
from varna.incidents.models import Incident
from varna.risks import costbenefit, selectors
from varna.risks.models import Measure, Risk, RiskAnalysis

pytestmark = pytest.mark.django_db

sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="the plans of SQLite's query planner")


def _plan(sql: str) -> list[str]:
    """The steps of SQLite's plan for ``sql`` (as captured, with its values written in)."""
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
        return [str(row[3]) for row in cursor.fetchall()]


def _query(captured: CaptureQueriesContext, *parts: str) -> str:
    """The one captured query holding every part."""
    matching = [q["sql"] for q in captured.captured_queries if all(p in q["sql"] for p in parts)]
    assert len(matching) == 1, matching
    return matching[0]


def _coordinator() -> User:
    return User.objects.get(username="samordnare")


def _organisation_id() -> int:
    organisation_id = _coordinator().organisation_id
    assert organisation_id is not None
    return organisation_id


def _risk_with_incidents() -> Risk:
    """A risk of the demo linked to three incidents of its organisation, of different dates."""
    risk = Risk.objects.filter(organisation_id=_organisation_id()).order_by("pk").first()
    assert risk is not None
    incidents = list(Incident.objects.filter(organisation_id=risk.organisation_id).order_by("occurred_on", "pk"))
    risk.incidents.add(incidents[0], incidents[len(incidents) // 2], incidents[-1])
    return risk


@sqlite_only
def test_cost_benefit_history_starts_from_the_analysis_measures_not_the_organisation_incidents(demo: None) -> None:
    analysis = RiskAnalysis.objects.filter(pk__in=Measure.objects.values("analysis_id")).order_by("pk").first()
    assert analysis is not None
    start, end = costbenefit.history_window(timezone.localdate())
    with CaptureQueriesContext(connection) as captured:
        costbenefit.damage_history(analysis, start, end)

    plan = _plan(_query(captured, "MIN(pairs.occurred_on)"))

    searches = [step for step in plan if step.startswith(("SEARCH", "SCAN"))]
    assert searches[0].startswith("SEARCH m ")  # the analysis's measures first
    assert any(step.startswith("SEARCH i USING INTEGER PRIMARY KEY") for step in searches)
    assert not any("incident_org_date" in step for step in plan)


@sqlite_only
def test_a_risk_page_reads_its_incidents_through_the_links_not_the_incident_date_index(demo: None) -> None:
    risk = _risk_with_incidents()
    with CaptureQueriesContext(connection) as captured:
        selectors.risk_incidents(_coordinator(), risk)

    plan = _plan(_query(captured, '"incidents_incident"."number"'))

    assert not any("incident_org_date" in step or step.startswith("SCAN") for step in plan), plan


def test_a_risk_page_lists_its_visible_incidents_newest_first(demo: None) -> None:
    risk = _risk_with_incidents()
    expected = list(risk.incidents.order_by("-occurred_on", "-pk").values_list("pk", flat=True))

    visible, hidden = selectors.risk_incidents(_coordinator(), risk)

    assert len(expected) == 3
    assert [i.pk for i in visible] == expected
    assert hidden == 0
    assert selectors.risk_incident_ids(_coordinator(), risk) == sorted(expected)


def _api(path: str, **params: Any) -> Any:
    coordinator = _coordinator()
    token = issue_token(user=coordinator, actor=None)
    return Client().get(f"/api/v1{path}", params, headers={"Authorization": f"Bearer {token}"})


def test_a_page_deep_in_the_risk_api_holds_the_same_risks_as_the_order_says(demo: None) -> None:
    risks = Risk.objects.filter(organisation_id=_organisation_id()).order_by("analysis_id", "pk")
    offset = risks.count() - 7

    body = _api("/risks", limit=5, offset=offset).json()
    last = _api("/risks", limit=5, offset=offset + 5).json()

    assert [r["id"] for r in body["items"]] == list(risks.values_list("pk", flat=True)[offset : offset + 5])
    assert [r["id"] for r in last["items"]] == list(risks.values_list("pk", flat=True)[offset + 5 :])
    assert body["count"] == last["count"] == risks.count()
    assert _api("/risks", limit=5, offset=risks.count() + 10).json()["items"] == []


@sqlite_only
def test_a_page_deep_in_the_risk_api_reads_its_ids_from_the_index_alone(demo: None) -> None:
    offset = Risk.objects.filter(organisation_id=_organisation_id()).count() // 2
    with CaptureQueriesContext(connection) as captured:
        assert len(_api("/risks", limit=5, offset=offset).json()["items"]) == 5

    ids = _query(captured, 'SELECT "risks_risk"."id" AS "pk" FROM "risks_risk"', f"OFFSET {offset}")

    assert _plan(ids) == ["SEARCH risks_risk USING COVERING INDEX risk_org_analysis (organisation_id=?)"]


@sqlite_only
def test_the_risk_list_page_is_read_in_the_index_order_without_sorting_the_organisation(demo: None) -> None:
    client = Client()
    client.force_login(_coordinator())
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("risks:risk_list")).status_code == 200

    plan = _plan(_query(captured, 'FROM "risks_risk" INNER JOIN', "LIMIT"))

    assert "SEARCH risks_risk USING INDEX risk_org_level (organisation_id=?)" in plan
    assert not any("TEMP B-TREE FOR ORDER BY" in step for step in plan), plan


@sqlite_only
def test_the_organisation_heat_map_counts_from_the_covering_index_without_reading_the_risks(demo: None) -> None:
    client = Client()
    client.force_login(_coordinator())
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("risks:heat_map")).status_code == 200

    per_branch = _plan(_query(captured, 'AS "branch"'))
    stages = _plan(_query(captured, "UNION ALL"))

    assert any(step.startswith("SEARCH risks_risk USING COVERING INDEX risk_org_open_cells") for step in per_branch)
    covering = [step for step in stages if "COVERING INDEX risk_org_open_cells" in step]
    assert len(covering) == 2, stages  # both stages, after measures and without controls
