"""The rules of the action plan services: access, validation, stale forms and double submits."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.plans.helpers import make_action, make_measure, make_plan, node, this_year, user
from varna.core.models import User
from varna.plans import services
from varna.plans.models import Action, ActionStatus
from varna.plans.services import StaleFormError

pytestmark = pytest.mark.usefixtures("demo")


def test_unit_manager_creates_a_plan_for_own_unit() -> None:
    plan = make_plan("chef.solrosen", "Solrosens förskola")
    assert plan.node.name == "Solrosens förskola"
    assert plan.year == this_year()
    assert plan.organisation_id == plan.node.organisation_id
    assert plan.history.count() == 1


def test_second_plan_for_same_node_and_year_is_refused_with_a_message() -> None:
    make_plan("chef.solrosen", "Solrosens förskola")
    with pytest.raises(ValidationError) as exc:
        make_plan("chef.solrosen", "Solrosens förskola")
    assert exc.value.code == "exists"


def test_plan_for_next_year_is_allowed() -> None:
    make_plan("chef.solrosen", "Solrosens förskola")
    assert make_plan("chef.solrosen", "Solrosens förskola", year=this_year() + 1).year == this_year() + 1


def test_unit_manager_cannot_create_plan_for_another_unit() -> None:
    with pytest.raises(PermissionDenied):
        make_plan("chef.hemtjanst", "Solrosens förskola")


def test_representative_and_employee_and_politician_cannot_create_plans() -> None:
    for username in ("ombud.solrosen", "anstalld", "politiker"):
        with pytest.raises(PermissionDenied):
            make_plan(username, "Solrosens förskola")


def test_plan_needs_a_title_and_a_sensible_year() -> None:
    chef = user("chef.solrosen")
    with pytest.raises(ValidationError):
        services.create_plan(actor=chef, node=node("Solrosens förskola"), year=this_year(), title="  ")
    with pytest.raises(ValidationError):
        services.create_plan(actor=chef, node=node("Solrosens förskola"), year=1800, title="Plan")


def test_update_plan_with_stale_revision_changes_nothing() -> None:
    plan = make_plan("chef.solrosen", "Solrosens förskola")
    chef = user("chef.solrosen")
    services.update_plan(actor=chef, plan=plan, revision=1, title="Ny titel")
    with pytest.raises(StaleFormError):
        services.update_plan(actor=chef, plan=plan, revision=1, title="Gammal titel")
    plan.refresh_from_db()
    assert plan.title == "Ny titel"
    assert plan.revision == 2


def test_record_adoption_requires_every_part_of_the_decision() -> None:
    plan = make_plan("samordnare", "Barn- och utbildningsnämnden")
    officer = user("samordnare")
    today = timezone.localdate()
    good: dict[str, Any] = {
        "adopted_by_body": "Barn- och utbildningsnämnden",
        "adopted_on": today,
        "minute_paragraph": "§ 45",
        "registry_number": "BUN 2026/123",
    }
    for missing in good:
        with pytest.raises(ValidationError):
            services.record_adoption(
                actor=officer, plan=plan, **{**good, missing: "" if missing != "adopted_on" else None}
            )
    with pytest.raises(ValidationError) as exc:
        services.record_adoption(actor=officer, plan=plan, **{**good, "adopted_on": today + datetime.timedelta(days=1)})
    assert exc.value.code == "future"
    adopted = services.record_adoption(actor=officer, plan=plan, **{**good, "minute_paragraph": "45"})
    assert adopted.is_adopted
    assert adopted.minute_paragraph == "§ 45"
    assert adopted.registry_number == "BUN 2026/123"


def test_add_action_with_all_five_parts() -> None:
    plan = make_plan("chef.solrosen", "Solrosens förskola")
    action = make_action("chef.solrosen", plan, hours="12.5", resources_note="Vaktmästaren")
    assert action.status == ActionStatus.PLANNED
    assert action.node_id == plan.node_id
    assert str(action.hours) == "12.5"


def test_identical_action_posted_twice_is_kept_once() -> None:
    plan = make_plan("chef.solrosen", "Solrosens förskola")
    first = make_action("chef.solrosen", plan)
    second = make_action("chef.solrosen", plan)
    assert first.pk == second.pk
    assert Action.objects.filter(plan=plan).count() == 1
    make_action("chef.solrosen", plan, what="Något annat")
    assert Action.objects.filter(plan=plan).count() == 2


@pytest.mark.parametrize(
    "field,value",
    [
        ("what", ""),
        ("how", "  "),
        ("due", None),
        ("responsible", None),
        ("budget", -1),
        ("budget", "12.5"),
        ("hours", "1.25"),
        ("hours", "abc"),
        ("what", "x" * 301),
    ],
)
def test_bad_action_input_gives_a_message_and_writes_nothing(field: str, value: object) -> None:
    plan = make_plan("chef.solrosen", "Solrosens förskola")
    with pytest.raises(ValidationError):
        make_action("chef.solrosen", plan, **{field: value})
    assert not Action.objects.filter(plan=plan).exists()


def test_responsible_must_be_an_active_person_of_the_organisation() -> None:
    plan = make_plan("chef.solrosen", "Solrosens förskola")
    outsider = user("samordnare.grannby")
    with pytest.raises(ValidationError):
        make_action("chef.solrosen", plan, responsible=outsider)
    colleague = user("anstalld")
    User.objects.filter(pk=colleague.pk).update(is_active=False)
    colleague.refresh_from_db()
    with pytest.raises(ValidationError):
        make_action("chef.solrosen", plan, responsible=colleague)


def test_linked_measure_must_be_under_the_plans_node() -> None:
    measure = make_measure("chef.hemtjanst", "Hemtjänst Centrum")
    plan = make_plan("samordnare", "Solrosens förskola")
    with pytest.raises(ValidationError) as exc:
        make_action("samordnare", plan, measures=[measure])
    assert exc.value.code == "links"
    assert not Action.objects.filter(plan=plan).exists()


def test_linked_measure_and_risks_of_own_unit_are_kept() -> None:
    measure = make_measure("chef.solrosen", "Solrosens förskola")
    plan = make_plan("chef.solrosen", "Solrosens förskola")
    risks = list(measure.risks.all())
    action = make_action("chef.solrosen", plan, measures=[measure], risks=risks)
    assert list(action.measures.all()) == [measure]
    assert list(action.risks.all()) == risks


def test_administration_plan_may_link_measures_of_units_below() -> None:
    measure = make_measure("chef.solrosen", "Solrosens förskola")
    plan = make_plan("handlaggare.bou", "Barn- och utbildningsförvaltningen")
    action = make_action("handlaggare.bou", plan, measures=[measure])
    assert action.measures.count() == 1


def test_incident_link_needs_view_incidents(make_incident: Callable[..., object]) -> None:
    incident = make_incident("Hemtjänst Centrum")
    plan = make_plan("chef.solrosen", "Solrosens förskola")
    with pytest.raises(ValidationError):
        make_action("chef.solrosen", plan, incidents=[incident])
    visible = make_incident("Solrosens förskola")
    action = make_action("chef.solrosen", plan, incidents=[visible])
    assert action.incidents.count() == 1


def test_status_moves_on_and_done_sets_completion_date() -> None:
    plan = make_plan("chef.solrosen", "Solrosens förskola")
    chef = user("chef.solrosen")
    action = make_action(chef, plan)
    action = services.change_action_status(actor=chef, action=action, status=ActionStatus.IN_PROGRESS, revision=1)
    assert action.completed_on is None
    action = services.change_action_status(actor=chef, action=action, status=ActionStatus.DONE, revision=2)
    assert action.completed_on == timezone.localdate()
    action = services.change_action_status(actor=chef, action=action, status=ActionStatus.IN_PROGRESS, revision=3)
    assert action.completed_on is None


def test_cancelling_needs_a_reason() -> None:
    plan = make_plan("chef.solrosen", "Solrosens förskola")
    chef = user("chef.solrosen")
    action = make_action(chef, plan)
    with pytest.raises(ValidationError) as exc:
        services.change_action_status(actor=chef, action=action, status=ActionStatus.CANCELLED, revision=1)
    assert exc.value.code == "reason"
    action = services.change_action_status(
        actor=chef, action=action, status=ActionStatus.CANCELLED, revision=1, reason="Lokalen stängs"
    )
    assert action.status_reason == "Lokalen stängs"


def test_stale_status_change_is_refused() -> None:
    plan = make_plan("chef.solrosen", "Solrosens förskola")
    chef = user("chef.solrosen")
    action = make_action(chef, plan)
    services.change_action_status(actor=chef, action=action, status=ActionStatus.IN_PROGRESS, revision=1)
    with pytest.raises(StaleFormError):
        services.change_action_status(actor=chef, action=action, status=ActionStatus.DONE, revision=1)
    action.refresh_from_db()
    assert action.status == ActionStatus.IN_PROGRESS


def test_same_status_twice_is_a_harmless_double_submit() -> None:
    plan = make_plan("chef.solrosen", "Solrosens förskola")
    chef = user("chef.solrosen")
    action = make_action(chef, plan)
    services.change_action_status(actor=chef, action=action, status=ActionStatus.DONE, revision=1)
    again = services.change_action_status(actor=chef, action=action, status=ActionStatus.DONE, revision=1)
    assert again.revision == 2


def test_transition_not_allowed_is_refused() -> None:
    plan = make_plan("chef.solrosen", "Solrosens förskola")
    chef = user("chef.solrosen")
    action = make_action(chef, plan)
    action = services.change_action_status(actor=chef, action=action, status=ActionStatus.DONE, revision=1)
    with pytest.raises(ValidationError) as exc:
        services.change_action_status(
            actor=chef, action=action, status=ActionStatus.CANCELLED, revision=action.revision, reason="x"
        )
    assert exc.value.code == "transition"


def test_update_action_with_stale_revision_is_refused() -> None:
    plan = make_plan("chef.solrosen", "Solrosens förskola")
    chef = user("chef.solrosen")
    action = make_action(chef, plan)
    services.update_action(actor=chef, action=action, revision=1, what="Ny text")
    with pytest.raises(StaleFormError):
        services.update_action(actor=chef, action=action, revision=1, what="Gammal text")
    action.refresh_from_db()
    assert action.what == "Ny text"


def test_other_unit_manager_cannot_change_or_delete_the_action() -> None:
    plan = make_plan("chef.solrosen", "Solrosens förskola")
    action = make_action("chef.solrosen", plan)
    other = user("chef.hemtjanst")
    with pytest.raises(PermissionDenied):
        services.update_action(actor=other, action=action, revision=None, what="x")
    with pytest.raises(PermissionDenied):
        services.change_action_status(actor=other, action=action, status=ActionStatus.DONE, revision=None)
    with pytest.raises(PermissionDenied):
        services.delete_action(actor=other, action=action)
    with pytest.raises(PermissionDenied):
        make_action(other, plan)
    services.delete_action(actor=user("chef.solrosen"), action=action)
    assert not Action.objects.filter(pk=action.pk).exists()
