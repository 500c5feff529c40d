"""The action plan pages: access, the plan page, forms with bad input, stale forms and double submits."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.plans.helpers import make_action, make_measure, make_plan, node, overdue, this_year, user
from varna.plans import services
from varna.plans.models import Action, ActionPlan, ActionStatus

Clients = Callable[[str], Client]


def _action_post(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "what": "Öva utrymning",
        "how": "Utrymningsövning med alla barn och all personal.",
        "due": (timezone.localdate() + datetime.timedelta(days=60)).isoformat(),
        "responsible": user("chef.solrosen").pk,
        "budget": "2000",
        "hours": "",
        "resources_note": "",
    }
    data.update(overrides)
    return data


def test_unit_manager_of_hemtjanst_gets_404_on_solrosens_plan(client_for: Clients) -> None:
    plan = make_plan("chef.solrosen", "Solrosens förskola")
    action = make_action("chef.solrosen", plan)
    client = client_for("chef.hemtjanst")
    for name, pk in (("plans:detail", plan.pk), ("plans:edit", plan.pk), ("plans:pdf", plan.pk)):
        assert client.get(reverse(name, args=[pk])).status_code == 404
    assert client.get(reverse("plans:action_edit", args=[action.pk])).status_code == 404
    assert client.post(reverse("plans:action_status", args=[action.pk]), {}).status_code == 404


def test_elected_official_reads_but_cannot_write(client_for: Clients) -> None:
    plan = make_plan("chef.solrosen", "Solrosens förskola")
    action = make_action("chef.solrosen", plan)
    client = client_for("politiker")
    page = client.get(reverse("plans:detail", args=[plan.pk]))
    assert page.status_code == 200
    assert action.what in page.content.decode()
    assert reverse("plans:action_new", args=[plan.pk]) not in page.content.decode()
    assert client.get(reverse("plans:list")).status_code == 200
    assert client.get(reverse("plans:new")).status_code == 403
    assert client.get(reverse("plans:action_new", args=[plan.pk])).status_code == 403
    assert client.post(reverse("plans:action_status", args=[action.pk]), {}).status_code == 403
    assert client.get(reverse("plans:review")).status_code == 403


def test_employee_cannot_see_plans(client_for: Clients) -> None:
    plan = make_plan("chef.solrosen", "Solrosens förskola")
    client = client_for("anstalld")
    assert client.get(reverse("plans:list")).status_code == 403
    assert client.get(reverse("plans:detail", args=[plan.pk])).status_code == 403


def test_list_shows_plans_in_scope_with_overdue_flags(client_for: Clients) -> None:
    solrosen = make_plan("chef.solrosen", "Solrosens förskola")
    overdue(make_action("chef.solrosen", solrosen))
    hemtjanst = make_plan("chef.hemtjanst", "Hemtjänst Centrum")
    page = client_for("chef.solrosen").get(reverse("plans:list"))
    assert page.status_code == 200
    plans = list(page.context["page"].object_list)
    assert [p.pk for p in plans] == [solrosen.pk]
    assert plans[0].overdue_count == 1
    everything = client_for("samordnare").get(reverse("plans:list"), {"year": this_year()})
    assert {p.pk for p in everything.context["page"].object_list} == {solrosen.pk, hemtjanst.pk}
    only_overdue = client_for("samordnare").get(reverse("plans:list"), {"year": "", "overdue": "on"})
    assert [p.pk for p in only_overdue.context["page"].object_list] == [solrosen.pk]
    by_node = client_for("samordnare").get(reverse("plans:list"), {"node": node("Hemtjänst Centrum").pk})
    assert [p.pk for p in by_node.context["page"].object_list] == [hemtjanst.pk]


def test_node_choices_are_only_nodes_where_one_manages_plans(client_for: Clients) -> None:
    page = client_for("chef.solrosen").get(reverse("plans:new"))
    choices = [value for value, _label in page.context["form"].fields["node"].choices if value]
    assert choices == [node("Solrosens förskola").pk]


def test_create_plan_through_the_page_and_refuse_a_second(client_for: Clients) -> None:
    client = client_for("chef.solrosen")
    data = {"node": node("Solrosens förskola").pk, "year": this_year(), "title": "Trygg förskola"}
    response = client.post(reverse("plans:new"), data)
    plan = ActionPlan.objects.get(title="Trygg förskola")
    assert response.status_code == 302
    assert response["Location"] == reverse("plans:detail", args=[plan.pk])
    again = client.post(reverse("plans:new"), data)
    assert again.status_code == 400
    assert again.context["form"].non_field_errors()
    assert ActionPlan.objects.filter(title="Trygg förskola").count() == 1


def test_plan_for_a_node_outside_scope_is_refused_by_the_form(client_for: Clients) -> None:
    data = {"node": node("Hemtjänst Centrum").pk, "year": this_year(), "title": "Fel"}
    response = client_for("chef.solrosen").post(reverse("plans:new"), data)
    assert response.status_code == 400
    assert "node" in response.context["form"].errors
    assert not ActionPlan.objects.filter(title="Fel").exists()


def test_add_action_page_and_double_submit_creates_one_action(client_for: Clients) -> None:
    plan = make_plan("chef.solrosen", "Solrosens förskola")
    client = client_for("chef.solrosen")
    url = reverse("plans:action_new", args=[plan.pk])
    assert client.get(url).status_code == 200
    first = client.post(url, _action_post())
    second = client.post(url, _action_post())
    assert first.status_code == second.status_code == 302
    assert Action.objects.filter(plan=plan).count() == 1


def test_bad_action_input_shows_the_form_again(client_for: Clients) -> None:
    plan = make_plan("chef.solrosen", "Solrosens förskola")
    client = client_for("chef.solrosen")
    url = reverse("plans:action_new", args=[plan.pk])
    response = client.post(url, _action_post(what="", due="not a date", budget="-5", measure_numbers="Å-1-2"))
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert {"what", "due", "budget", "measure_numbers"} <= set(errors)
    assert not Action.objects.filter(plan=plan).exists()


def test_people_choices_are_the_units_staff_not_the_whole_municipality(client_for: Clients) -> None:
    plan = make_plan("chef.solrosen", "Solrosens förskola")
    page = client_for("chef.solrosen").get(reverse("plans:action_new", args=[plan.pk]))
    people = list(page.context["form"].fields["responsible"].queryset)
    unit = node("Solrosens förskola")
    assert user("chef.solrosen") in people
    assert all(p.employment_node_id == unit.pk or p.username == "chef.solrosen" for p in people)
    assert user("chef.hemtjanst") not in people


def test_someone_else_can_be_named_by_user_name(client_for: Clients) -> None:
    plan = make_plan("samordnare", "Barn- och utbildningsförvaltningen")
    client = client_for("samordnare")
    url = reverse("plans:action_new", args=[plan.pk])
    response = client.post(url, _action_post(responsible="", other_person="chef.hemtjanst"))
    assert response.status_code == 302
    assert Action.objects.get(plan=plan).responsible.username == "chef.hemtjanst"


def test_action_from_a_measure_prefills_and_links_it(client_for: Clients) -> None:
    measure = make_measure("chef.solrosen", "Solrosens förskola")
    plan = make_plan("chef.solrosen", "Solrosens förskola")
    client = client_for("chef.solrosen")
    url = reverse("plans:action_new", args=[plan.pk]) + f"?measure={measure.pk}"
    page = client.get(url)
    initial = page.context["form"].initial
    assert initial["what"] == measure.title
    assert initial["measure_numbers"] == measure.number
    risk = measure.risks.get()
    assert initial["risk_numbers"] == risk.number
    response = client.post(
        url, _action_post(what=measure.title, measure_numbers=measure.number, risk_numbers=risk.number)
    )
    assert response.status_code == 302
    action = Action.objects.get(plan=plan)
    assert list(action.measures.all()) == [measure]
    assert list(action.risks.all()) == [risk]


def test_measure_of_another_unit_is_not_prefilled(client_for: Clients) -> None:
    measure = make_measure("chef.hemtjanst", "Hemtjänst Centrum")
    plan = make_plan("chef.solrosen", "Solrosens förskola")
    page = client_for("chef.solrosen").get(reverse("plans:action_new", args=[plan.pk]) + f"?measure={measure.pk}")
    assert page.status_code == 200
    assert "measure_numbers" not in page.context["form"].initial


def test_status_change_through_the_page_and_stale_form(client_for: Clients) -> None:
    plan = make_plan("chef.solrosen", "Solrosens förskola")
    action = make_action("chef.solrosen", plan)
    client = client_for("chef.solrosen")
    url = reverse("plans:action_status", args=[action.pk])
    prefix = f"status-{action.pk}"
    response = client.post(url, {f"{prefix}-status": "in_progress", f"{prefix}-revision": "1"})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == ActionStatus.IN_PROGRESS
    stale = client.post(url, {f"{prefix}-status": "done", f"{prefix}-revision": "1"}, follow=True)
    action.refresh_from_db()
    assert action.status == ActionStatus.IN_PROGRESS
    assert any(m.level_tag == "error" for m in stale.context["messages"])
    no_reason = client.post(url, {f"{prefix}-status": "cancelled", f"{prefix}-revision": "2"})
    assert no_reason.status_code == 302
    action.refresh_from_db()
    assert action.status == ActionStatus.IN_PROGRESS


def test_edit_action_with_stale_revision_keeps_the_newer_text(client_for: Clients) -> None:
    plan = make_plan("chef.solrosen", "Solrosens förskola")
    action = make_action("chef.solrosen", plan)
    client = client_for("chef.solrosen")
    url = reverse("plans:action_edit", args=[action.pk])
    assert client.post(url, _action_post(what="Första ändringen", revision=1)).status_code == 302
    stale = client.post(url, _action_post(what="Andra ändringen", revision=1))
    assert stale.status_code == 400
    action.refresh_from_db()
    assert action.what == "Första ändringen"


def test_delete_action(client_for: Clients) -> None:
    plan = make_plan("chef.solrosen", "Solrosens förskola")
    action = make_action("chef.solrosen", plan)
    client = client_for("chef.solrosen")
    assert client.post(reverse("plans:action_delete", args=[action.pk])).status_code == 302
    assert not Action.objects.filter(pk=action.pk).exists()
    assert client.post(reverse("plans:action_delete", args=[action.pk])).status_code == 404


def test_record_adoption_through_the_page(client_for: Clients) -> None:
    plan = make_plan("chef.solrosen", "Solrosens förskola")
    client = client_for("chef.solrosen")
    url = reverse("plans:adopt", args=[plan.pk])
    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    data = {
        "adopted_by_body": "Barn- och utbildningsnämnden",
        "adopted_on": future,
        "minute_paragraph": "§ 45",
        "registry_number": "BUN 2026/123",
        "revision": 1,
    }
    assert client.post(url, data).status_code == 400
    data["adopted_on"] = timezone.localdate().isoformat()
    assert client.post(url, data).status_code == 302
    plan.refresh_from_db()
    assert plan.is_adopted
    assert plan.registry_number == "BUN 2026/123"
    page = client.get(reverse("plans:detail", args=[plan.pk]))
    assert "BUN 2026/123" in page.content.decode()


def test_plan_page_marks_overdue_actions(client_for: Clients) -> None:
    plan = make_plan("chef.solrosen", "Solrosens förskola")
    late = overdue(make_action("chef.solrosen", plan, what="Sen"))
    make_action("chef.solrosen", plan, what="I tid")
    page = client_for("chef.solrosen").get(reverse("plans:detail", args=[plan.pk]))
    assert page.context["overdue"] == 1
    assert f'id="action-{late.pk}" class="plan-overdue"' in page.content.decode()


def _plan_figures(page: Any) -> dict[str, Any]:
    """The data of the plans' panel on the overview page."""
    return next(p.data for p in page.context["panels"] if p.key == "plans")


def test_dashboard_shows_own_and_scope_overdue_actions(client_for: Clients) -> None:
    plan = make_plan("chef.solrosen", "Solrosens förskola")
    mine = overdue(make_action("chef.solrosen", plan, what="Min försenade"))
    theirs = overdue(make_action("chef.solrosen", plan, what="Ombudets försenade", responsible=user("ombud.solrosen")))
    chef_page = client_for("chef.solrosen").get(reverse("core:dashboard"))
    figures = _plan_figures(chef_page)
    assert [a.pk for a in figures["my_overdue"]] == [mine.pk]
    assert figures["scope_overdue_count"] == 2
    assert 'id="plans-overdue"' in chef_page.content.decode()
    ombud_page = client_for("ombud.solrosen").get(reverse("core:dashboard"))
    assert [a.pk for a in _plan_figures(ombud_page)["my_overdue"]] == [theirs.pk]
    assert "scope_overdue_count" not in _plan_figures(ombud_page)
    assert "plans-overdue" not in client_for("anstalld").get(reverse("core:dashboard")).content.decode()
    assert not mail.outbox


def test_own_action_in_a_plan_above_ones_scope_is_listed_without_a_dead_link(client_for: Clients) -> None:
    plan = make_plan("samordnare", "Barn- och utbildningsnämnden")
    action = overdue(make_action("samordnare", plan, what="Officerens försenade", responsible=user("chef.solrosen")))
    client = client_for("chef.solrosen")
    page = client.get(reverse("core:dashboard"))
    assert [a.pk for a in _plan_figures(page)["my_overdue"]] == [action.pk]
    html = page.content.decode()
    assert "Officerens försenade" in html
    assert reverse("plans:detail", args=[plan.pk]) not in html
    assert client.get(reverse("plans:detail", args=[plan.pk])).status_code == 404


def test_the_plans_covering_a_measure_are_those_above_it_nearest_first(demo: None) -> None:
    from varna.plans import selectors

    measure = make_measure("samordnare", "Solrosens förskola")
    coordinator = user("samordnare")
    assert selectors.plans_covering(coordinator, measure.node) == []
    administration = make_plan("samordnare", "Barn- och utbildningsförvaltningen")
    assert selectors.plans_covering(coordinator, measure.node) == [administration]
    unit = make_plan("samordnare", "Solrosens förskola")
    assert selectors.plans_covering(coordinator, measure.node) == [unit, administration]
    assert selectors.plans_covering(user("chef.hemtjanst"), measure.node) == []


def test_new_action_from_a_measure_defaults_who_to_the_measures_responsible(client_for: Clients) -> None:
    from varna.risks.models import Measure

    measure = make_measure("chef.solrosen", "Solrosens förskola")
    Measure.objects.filter(pk=measure.pk).update(responsible=user("ombud.solrosen"))
    plan = make_plan("chef.solrosen", "Solrosens förskola")

    page = client_for("chef.solrosen").get(reverse("plans:action_new", args=[plan.pk]) + f"?measure={measure.pk}")

    ombud = user("ombud.solrosen")
    assert page.context["form"].initial["responsible"] == ombud.pk
    assert f'<option value="{ombud.pk}" selected>' in page.content.decode()


def test_new_action_without_a_measure_defaults_who_to_the_person_writing_it(client_for: Clients) -> None:
    plan = make_plan("chef.solrosen", "Solrosens förskola")

    page = client_for("chef.solrosen").get(reverse("plans:action_new", args=[plan.pk]))

    assert page.context["form"].initial["responsible"] == user("chef.solrosen").pk


def test_measure_shows_the_status_of_its_action_on_the_analysis_and_risk_pages(client_for: Clients) -> None:
    measure = make_measure("chef.solrosen", "Solrosens förskola")
    plan = make_plan("chef.solrosen", "Solrosens förskola", title="Handlingsplan Solrosen")
    action = make_action(
        "chef.solrosen", plan, what=measure.title, measures=[measure], due=datetime.date(this_year(), 11, 30)
    )
    services.change_action_status(
        actor=user("chef.solrosen"), action=action, status=ActionStatus.IN_PROGRESS, revision=action.revision
    )
    client = client_for("chef.solrosen")
    expected = f"Aktivitet i Handlingsplan Solrosen {this_year()}: Pågår, ska vara klar senast {this_year()}-11-30"

    analysis_page = client.get(reverse("risks:analysis", args=[measure.analysis_id])).content.decode()
    risk_page = client.get(reverse("risks:risk", args=[measure.risks.get().pk])).content.decode()

    assert expected in analysis_page
    assert expected in risk_page
