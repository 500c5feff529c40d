"""A plan's change history: the plan with its actions, names not ids, local time, only for those who may read it."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.test import Client
from django.urls import reverse

from tests.plans.helpers import make_action, make_measure, make_plan, user
from varna.core import formats
from varna.plans import services
from varna.plans.models import Action, ActionPlan, ActionStatus

NBSP = "\u00a0"
Clients = Callable[[str], Client]


def _history(client: Client, plan: ActionPlan) -> str:
    response = client.get(reverse("plans:history", args=[plan.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_plan_history_lists_its_actions_with_names_money_and_local_time(client_for: Clients) -> None:
    plan = make_plan("chef.solrosen", "Solrosens förskola", title="Handlingsplan Solrosen")
    action = make_action("chef.solrosen", plan, budget=5000)
    action = services.update_action(
        actor=user("chef.solrosen"),
        action=action,
        revision=action.revision,
        budget=7500,
        responsible=user("ombud.solrosen"),
    )
    services.change_action_status(
        actor=user("chef.solrosen"), action=action, status=ActionStatus.IN_PROGRESS, revision=action.revision
    )

    page = _history(client_for("samordnare"), plan)

    maria, ahmed = user("chef.solrosen").get_full_name(), user("ombud.solrosen").get_full_name()
    assert "Skapad: Aktivitet: Se över utrymningsvägarna" in page  # the action is in its plan's history
    assert f"Budget (kr): 5{NBSP}000{NBSP}kr → 7{NBSP}500{NBSP}kr" in page
    assert f"Vem (ansvarig): {maria} → {ahmed}" in page  # names, not ids
    assert "Status: Planerad → Pågår" in page
    assert "Skapad: Handlingsplan" in page  # and the plan itself
    created = Action.history.get(id=action.pk, history_type="+").history_date
    assert formats.local_time(created) in page  # Europe/Stockholm, to the minute
    assert not re.search(r"\d{2}:\d{2}:\d{2}|\+00:00", page)
    plan_page = client_for("samordnare").get(reverse("plans:detail", args=[plan.pk])).content.decode()
    assert reverse("plans:history", args=[plan.pk]) in plan_page  # linked from the plan


def test_linked_measures_show_in_the_plan_history_only_for_those_who_may_see_risks(client_for: Clients) -> None:
    measure = make_measure("chef.solrosen", "Solrosens förskola", title="Byt lås i entrén")
    plan = make_plan("chef.solrosen", "Solrosens förskola")
    action = make_action("chef.solrosen", plan)
    services.update_action(actor=user("chef.solrosen"), action=action, revision=action.revision, measures=[measure])

    page = _history(client_for("chef.solrosen"), plan)
    maria = user("chef.solrosen").get_full_name()
    assert re.search(rf"{maria}\s*</td>\s*<td>Ändrad: Aktivitet: Se över utrymningsvägarna", page)  # who linked it
    assert f"Åtgärder: lade till {measure}" in page
    politician = _history(client_for("politiker"), plan)  # reads plans, not risk analyses
    assert "Se över utrymningsvägarna" in politician
    assert "Byt lås i entrén" not in politician
    assert str(measure.number) not in politician


def test_outsider_gets_404_for_a_plan_history(client_for: Clients) -> None:
    plan = make_plan("chef.solrosen", "Solrosens förskola")
    make_action("chef.solrosen", plan)
    for outsider in ("chef.hemtjanst", "samordnare.grannby"):
        assert client_for(outsider).get(reverse("plans:history", args=[plan.pk])).status_code == 404
    assert client_for("anstalld").get(reverse("plans:history", args=[plan.pk])).status_code == 403
