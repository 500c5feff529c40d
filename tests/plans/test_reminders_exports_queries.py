"""The daily reminder, the plan exports and the query counts of the plan page and the overview."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.plans.helpers import make_action, make_measure, make_plan, overdue, this_year, user
from tests.worker import run_tasks
from varna.plans import reminders, tasks
from varna.plans.models import Action

Clients = Callable[[str], Client]


def test_overdue_reminder_is_mailed_once_a_day() -> None:
    plan = make_plan("chef.solrosen", "Solrosens förskola")
    overdue(make_action("chef.solrosen", plan, what="Första"))
    overdue(make_action("chef.solrosen", plan, what="Andra"), days=10)
    make_action("chef.solrosen", plan, what="I tid")
    overdue(make_action("chef.solrosen", plan, what="Ombudets", responsible=user("ombud.solrosen")))
    mail.outbox.clear()
    assert reminders.send_overdue_reminders() == 2
    run_tasks()
    assert len(mail.outbox) == 2
    to_chef = next(m for m in mail.outbox if m.to == [user("chef.solrosen").email])
    assert "Första" in to_chef.body and "Andra" in to_chef.body and "I tid" not in to_chef.body
    assert Action.objects.filter(reminded_on=timezone.localdate()).count() == 3
    call_command("action_reminders", stdout=io.StringIO())
    tasks.run_reminders.enqueue()
    assert run_tasks() == 1  # the enqueued reminder task ran, and queued no mail
    assert len(mail.outbox) == 2


def test_done_actions_are_not_reminded_about() -> None:
    plan = make_plan("chef.solrosen", "Solrosens förskola")
    action = overdue(make_action("chef.solrosen", plan))
    Action.objects.filter(pk=action.pk).update(status="done")
    mail.outbox.clear()
    assert reminders.send_overdue_reminders() == 0
    assert run_tasks() == 0
    assert mail.outbox == []


def test_pdf_export_is_a_pdf_with_the_adoption_record(client_for: Clients) -> None:
    plan = make_plan("chef.solrosen", "Solrosens förskola")
    make_action("chef.solrosen", plan)
    response = client_for("politiker").get(reverse("plans:pdf", args=[plan.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_xlsx_export_opens_and_neutralises_formulas(client_for: Clients) -> None:
    plan = make_plan("chef.solrosen", "Solrosens förskola")
    make_action("chef.solrosen", plan, what='=HYPERLINK("http://evil")', resources_note="+1+2")
    response = client_for("chef.solrosen").get(reverse("plans:xlsx", args=[plan.pk]))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    values = [c.value for ws in workbook.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    assert '\'=HYPERLINK("http://evil")' in values
    assert "'+1+2" in values
    assert not any(isinstance(v, str) and v.startswith(("=", "+")) for v in values)


def test_exports_are_404_outside_scope(client_for: Clients) -> None:
    plan = make_plan("chef.solrosen", "Solrosens förskola")
    client = client_for("chef.hemtjanst")
    assert client.get(reverse("plans:pdf", args=[plan.pk])).status_code == 404
    assert client.get(reverse("plans:xlsx", args=[plan.pk])).status_code == 404


def _fill(plan: Any, count: int, measure: Any, incident: Any) -> None:
    for i in range(count):
        action = make_action(
            "samordnare", plan, what=f"Aktivitet {i}", measures=[measure], risks=list(measure.risks.all())
        )
        action.incidents.add(incident)
        if i % 3 == 0:
            overdue(action)


def test_plan_page_query_count_does_not_grow_with_actions(
    client_for: Clients, make_incident: Callable[..., Any], django_assert_max_num_queries: Any
) -> None:
    measure = make_measure("samordnare", "Solrosens förskola")
    incident = make_incident("Solrosens förskola")
    small = make_plan("samordnare", "Solrosens förskola")
    large = make_plan("samordnare", "Blåklockans förskola")
    _fill(small, 2, measure, incident)
    large_measure = make_measure("samordnare", "Blåklockans förskola", title="Larm")
    _fill(large, 25, large_measure, incident)
    client = client_for("samordnare")
    client.get(reverse("plans:detail", args=[small.pk]))  # warm the session and caches
    with django_assert_max_num_queries(14):
        assert client.get(reverse("plans:detail", args=[small.pk])).status_code == 200
    with django_assert_max_num_queries(14):
        page = client.get(reverse("plans:detail", args=[large.pk]))
    assert len(page.context["rows"]) == 25


def test_review_overview_query_count_does_not_grow_with_plans(
    client_for: Clients, django_assert_max_num_queries: Any
) -> None:
    client = client_for("samordnare")
    client.get(reverse("plans:review"))
    make_plan("samordnare", "Barn- och utbildningsnämnden")
    with django_assert_max_num_queries(14):
        small = client.get(reverse("plans:review"), {"year": this_year()})
    for name in ("Solrosens förskola", "Blåklockans förskola", "Ekbackeskolan", "Hemtjänst Centrum"):
        plan = make_plan("samordnare", name)
        for i in range(3):
            make_action("samordnare", plan, what=f"Aktivitet {i}")
    with django_assert_max_num_queries(14):
        large = client.get(reverse("plans:review"), {"year": this_year()})
    assert sum(r.totals.plans for r in small.context["rows"]) == 1
    assert sum(r.totals.plans for r in large.context["rows"]) == 5
    assert sum(r.totals.actions for r in large.context["rows"]) == 12


def test_plan_list_query_count_does_not_grow_with_plans(
    client_for: Clients, django_assert_max_num_queries: Any
) -> None:
    client = client_for("samordnare")
    make_plan("samordnare", "Solrosens förskola")
    client.get(reverse("plans:list"))
    with django_assert_max_num_queries(14):
        client.get(reverse("plans:list"))
    for name in ("Blåklockans förskola", "Ekbackeskolan", "Hemtjänst Centrum", "Barn- och utbildningsnämnden"):
        make_plan("samordnare", name)
    with django_assert_max_num_queries(14):
        page = client.get(reverse("plans:list"))
    assert page.context["page"].paginator.count == 5


pytestmark = pytest.mark.usefixtures("demo")
