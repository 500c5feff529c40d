"""What the plans add to the risk and incident pages through the registry (risks and incidents never import plans)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.plans.helpers import make_action, make_measure, make_plan, user
from varna.core import registry
from varna.incidents.models import Incident
from varna.plans import selectors
from varna.plans.models import Action

Clients = Callable[[str], Client]


def test_the_analysis_page_offers_each_plan_covering_the_unit_and_shows_the_measures_actions(
    client_for: Clients,
) -> None:
    measure = make_measure("chef.solrosen", "Solrosens förskola")
    plan = make_plan("chef.solrosen", "Solrosens förskola", title="Handlingsplan Solrosen")
    action = make_action("chef.solrosen", plan, what=measure.title, measures=[measure])

    html = client_for("chef.solrosen").get(reverse("risks:analysis", args=[measure.analysis_id])).content.decode()

    offer = reverse("plans:action_new", args=[plan.pk]) + f"?measure={measure.pk}"
    assert f'<a href="{offer}" class="plan-link">' in html
    assert f'<span class="measure-action" data-action="{action.pk}">' in html
    assert 'id="no-plan"' not in html


def test_the_analysis_page_offers_to_start_a_plan_when_none_covers_the_unit(client_for: Clients) -> None:
    measure = make_measure("chef.solrosen", "Solrosens förskola")

    html = client_for("chef.solrosen").get(reverse("risks:analysis", args=[measure.analysis_id])).content.decode()

    assert 'id="no-plan"' in html and f'href="{reverse("plans:new")}"' in html
    assert "plan-link" not in html


def test_the_risk_pages_work_without_the_plans(client_for: Clients, monkeypatch: pytest.MonkeyPatch) -> None:
    measure = make_measure("chef.solrosen", "Solrosens förskola")
    plan = make_plan("chef.solrosen", "Solrosens förskola")
    make_action("chef.solrosen", plan, what=measure.title, measures=[measure])
    monkeypatch.setattr(registry, "_hooks", {})  # as if no app answered the risk pages' hook
    client = client_for("chef.solrosen")

    for url in (
        reverse("risks:analysis", args=[measure.analysis_id]),
        reverse("risks:risk", args=[measure.risks.get().pk]),
    ):
        page = client.get(url)
        assert page.status_code == 200
        html = page.content.decode()
        assert measure.title in html
        assert "measure-action" not in html and "plan-link" not in html and "no-plan" not in html


def test_the_case_page_lists_the_plan_actions_that_answer_the_incident(
    client_for: Clients, make_incident: Callable[..., Incident]
) -> None:
    incident = make_incident("Solrosens förskola")
    plan = make_plan("chef.solrosen", "Solrosens förskola")
    action = make_action("chef.solrosen", plan, what="Byt till härdat glas", incidents=[incident])

    html = client_for("chef.solrosen").get(reverse("incidents:detail", args=[incident.pk])).content.decode()

    assert 'id="risk-work-h"' in html
    assert f'<a href="{reverse("plans:detail", args=[plan.pk])}">{action.what}</a>' in html
    assert selectors.incident_actions(user("chef.hemtjanst"), incident) is None  # outside their scope


def test_the_case_page_asks_nothing_of_risks_or_plans_for_one_who_may_see_neither(
    persona: Callable[[str], Any], make_incident: Callable[..., Incident]
) -> None:
    incident = make_incident("Solrosens förskola")
    plan = make_plan("chef.solrosen", "Solrosens förskola")
    make_action("chef.solrosen", plan, incidents=[incident])
    reporter = persona("anstalld")

    with CaptureQueriesContext(connection) as queries:
        shown = registry.panels("incident", reporter, incident)

    assert shown == []
    tables = " ".join(q["sql"] for q in queries)
    assert Action._meta.db_table not in tables and "risks_risk" not in tables
