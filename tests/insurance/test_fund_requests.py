"""Payout requests and grant applications: a unit asks, the coordinator decides, an approval books the entry."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from tests.insurance.fund_world import FundWorld, build_fund_world, contribute, report
from varna.core.services import StaleFormError
from varna.insurance.models import FundEntry, FundEntryKind, GrantApplication, PayoutRequest, RequestStatus
from varna.insurance.selectors import fund as selectors
from varna.insurance.services import fund as services
from varna.insurance.services import fund_requests as requests
from varna.risks.models import MeasureStatus


@pytest.fixture
def fw(db: None) -> FundWorld:
    world = build_fund_world()
    contribute(world, world.w.sun_school, 200000)
    return world


def code(exc: pytest.ExceptionInfo[ValidationError]) -> str | None:
    return exc.value.error_list[0].code


def test_a_unit_asks_with_its_claim_and_the_swedish_computation_is_kept(fw: FundWorld) -> None:
    with translation.override("en"):  # the page may be in English; the kept computation is in Swedish
        request = requests.request_payout(
            actor=fw.w.manager, incident=fw.sun_incident, claim=fw.claim, damage_cost=Decimal(48000)
        )
    assert request.status == RequestStatus.REQUESTED
    assert request.node == fw.w.sun_school and request.requested_by == fw.w.manager
    assert request.computed_amount == Decimal(19600)
    assert request.computation.replace("\u00a0", " ").endswith("Fonden betalar 19 600 kr.")
    assert not FundEntry.objects.filter(kind=FundEntryKind.PAYOUT).exists()


def test_only_a_unit_that_may_ask_for_the_incident_asks(fw: FundWorld) -> None:
    for person, incident in (
        (fw.w.employee, fw.sun_incident),
        (fw.w.manager, fw.home_incident),  # another administration's unit
        (fw.w.outsider, fw.sun_incident),
    ):
        with pytest.raises(PermissionDenied):
            requests.request_payout(actor=person, incident=incident, damage_cost=Decimal(20000))
    # The security officer of the administration may ask for any of its units.
    assert requests.request_payout(actor=fw.w.officer, incident=fw.moon_incident, damage_cost=Decimal(20000)).pk


def test_a_request_the_fund_would_pay_nothing_for_is_not_sent(fw: FundWorld) -> None:
    with pytest.raises(ValidationError) as refused:
        requests.request_payout(actor=fw.w.manager, incident=fw.sun_incident, damage_cost=Decimal(9000))
    assert code(refused) == "nothing"
    assert not PayoutRequest.objects.exists()


def test_the_same_request_sent_twice_is_kept_once_and_a_second_waits_for_the_first(fw: FundWorld) -> None:
    first = requests.request_payout(actor=fw.w.manager, incident=fw.sun_incident, damage_cost=Decimal(30000))
    again = requests.request_payout(actor=fw.w.manager, incident=fw.sun_incident, damage_cost=Decimal(30000))
    assert first == again
    with pytest.raises(ValidationError) as waiting:
        requests.request_payout(actor=fw.w.officer, incident=fw.sun_incident, damage_cost=Decimal(31000))
    assert code(waiting) == "waiting"
    assert PayoutRequest.objects.count() == 1


def test_approval_books_the_payout_linked_to_incident_claim_and_unit_in_one_go(fw: FundWorld) -> None:
    request = requests.request_payout(
        actor=fw.w.manager, incident=fw.sun_incident, claim=fw.claim, damage_cost=Decimal(48000)
    )
    before = selectors.fund_balance(fw.fund)
    decided = requests.approve_payout(actor=fw.w.coordinator, request=request, revision=request.revision)
    assert decided.status == RequestStatus.APPROVED and decided.decided_by == fw.w.coordinator
    entry = decided.entry
    assert entry is not None
    assert (entry.kind, entry.amount) == (FundEntryKind.PAYOUT, Decimal(-19600))
    assert (entry.node, entry.incident, entry.claim) == (fw.w.sun_school, fw.sun_incident, fw.claim)
    assert entry.approved_by == fw.w.coordinator
    assert selectors.fund_balance(fw.fund) == before - Decimal(19600)
    with pytest.raises(ValidationError) as paid:
        requests.request_payout(actor=fw.w.manager, incident=fw.sun_incident, damage_cost=Decimal(48000))
    assert code(paid) == "paid"


def test_only_the_coordinator_decides_and_a_decision_is_made_once(fw: FundWorld) -> None:
    request = requests.request_payout(actor=fw.w.manager, incident=fw.sun_incident, damage_cost=Decimal(30000))
    for person in (fw.w.manager, fw.w.officer, fw.w.outsider):
        with pytest.raises(PermissionDenied):
            requests.approve_payout(actor=person, request=request)
    requests.approve_payout(actor=fw.w.coordinator, request=request)
    with pytest.raises(ValidationError) as twice:
        requests.approve_payout(actor=fw.w.coordinator, request=request)
    assert code(twice) == "decided"
    assert FundEntry.objects.filter(kind=FundEntryKind.PAYOUT).count() == 1


def test_a_stale_decision_changes_nothing(fw: FundWorld) -> None:
    request = requests.request_payout(actor=fw.w.manager, incident=fw.sun_incident, damage_cost=Decimal(30000))
    with pytest.raises(StaleFormError):
        requests.approve_payout(actor=fw.w.coordinator, request=request, revision=request.revision + 1)
    request.refresh_from_db()
    assert request.status == RequestStatus.REQUESTED and request.entry is None


def test_approval_below_the_floor_is_refused_and_nothing_is_written(fw: FundWorld) -> None:
    request = requests.request_payout(actor=fw.w.manager, incident=fw.sun_incident, damage_cost=Decimal(30000))
    fw.fund.floor = Decimal(190000)
    fw.fund.save()
    with pytest.raises(ValidationError) as floor:
        requests.approve_payout(actor=fw.w.coordinator, request=request)
    assert code(floor) == "floor"
    request.refresh_from_db()
    assert request.status == RequestStatus.REQUESTED
    assert not FundEntry.objects.filter(kind=FundEntryKind.PAYOUT).exists()


def test_approval_uses_what_is_left_of_the_yearly_cap(fw: FundWorld) -> None:
    fw.rules.cap_per_year = Decimal(25000)
    fw.rules.save()
    first = requests.request_payout(actor=fw.w.manager, incident=fw.sun_incident, damage_cost=Decimal(30000))
    requests.approve_payout(actor=fw.w.coordinator, request=first)  # 20 000 of the 25 000
    theft = report(fw.w.coordinator, fw.w.sun_school, "Stöld av surfplattor.")
    other = requests.request_payout(actor=fw.w.manager, incident=theft, damage_cost=Decimal(30000))
    assert other.computed_amount == Decimal(5000)
    assert "25 000 kr" in other.computation.replace("\u00a0", " ")


def test_rejection_needs_a_reason_and_books_nothing(fw: FundWorld) -> None:
    request = requests.request_payout(actor=fw.w.manager, incident=fw.sun_incident, damage_cost=Decimal(30000))
    with pytest.raises(ValidationError):
        requests.reject_payout(actor=fw.w.coordinator, request=request, reason="  ")
    rejected = requests.reject_payout(actor=fw.w.coordinator, request=request, reason="Skadan är ersatt av motparten.")
    assert rejected.status == RequestStatus.REJECTED and rejected.decision_note.startswith("Skadan")
    assert not FundEntry.objects.filter(kind=FundEntryKind.PAYOUT).exists()
    again = requests.request_payout(actor=fw.w.officer, incident=fw.sun_incident, damage_cost=Decimal(25000))
    assert again.status == RequestStatus.REQUESTED


def test_a_unit_applies_for_a_grant_and_the_approval_books_it_against_the_measure(fw: FundWorld) -> None:
    application = requests.apply_for_grant(
        actor=fw.w.manager, measure=fw.measure, amount=Decimal(40000), motivation="Larmet stoppar inbrotten."
    )
    assert application.node == fw.w.sun_school and application.status == RequestStatus.REQUESTED
    assert (
        requests.apply_for_grant(
            actor=fw.w.manager, measure=fw.measure, amount=Decimal(40000), motivation="Larmet stoppar inbrotten."
        )
        == application
    )
    with pytest.raises(ValidationError) as too_much:
        requests.approve_grant(actor=fw.w.coordinator, application=application, granted_amount=Decimal(40001))
    assert code(too_much) == "number"
    decided = requests.approve_grant(actor=fw.w.coordinator, application=application, granted_amount=Decimal(30000))
    assert decided.granted_amount == Decimal(30000)
    assert decided.entry is not None
    assert (decided.entry.kind, decided.entry.amount) == (FundEntryKind.GRANT, Decimal(-30000))
    assert (decided.entry.measure, decided.entry.node) == (fw.measure, fw.w.sun_school)


def test_grants_are_for_measures_of_ones_own_units_and_not_for_rejected_ones(fw: FundWorld) -> None:
    with pytest.raises(PermissionDenied):
        requests.apply_for_grant(actor=fw.w.manager, measure=fw.other_measure, amount=Decimal(100), motivation="x")
    with pytest.raises(PermissionDenied):
        requests.apply_for_grant(actor=fw.w.employee, measure=fw.measure, amount=Decimal(100), motivation="x")
    fw.measure.status = MeasureStatus.REJECTED
    fw.measure.save()
    with pytest.raises(ValidationError) as rejected:
        requests.apply_for_grant(actor=fw.w.manager, measure=fw.measure, amount=Decimal(100), motivation="x")
    assert code(rejected) == "measure"
    assert not GrantApplication.objects.exists()
    assert fw.measure not in selectors.grantable_measures(fw.w.manager)


def test_rules_are_changed_by_the_coordinator_with_the_revision_shown(fw: FundWorld) -> None:
    rules = services.update_rules(
        actor=fw.w.coordinator,
        revision=fw.rules.revision,
        own_share=Decimal(5000),
        pays_uninsured=False,
        cap_per_event=Decimal(100000),
        cap_per_year=None,
        floor=Decimal(20000),
    )
    assert (rules.own_share, rules.pays_uninsured, rules.cap_per_event, rules.cap_per_year) == (
        Decimal(5000),
        False,
        Decimal(100000),
        None,
    )
    fw.fund.refresh_from_db()
    assert fw.fund.floor == Decimal(20000)
    with pytest.raises(StaleFormError):
        services.update_rules(
            actor=fw.w.coordinator,
            revision=fw.rules.revision,
            own_share=Decimal(1),
            pays_uninsured=True,
            cap_per_event=None,
            cap_per_year=None,
            floor=Decimal(0),
        )
    with pytest.raises(PermissionDenied):
        services.update_rules(
            actor=fw.w.officer,
            revision=None,
            own_share=Decimal(1),
            pays_uninsured=True,
            cap_per_event=None,
            cap_per_year=None,
            floor=Decimal(0),
        )
    kept = selectors.rules_for(fw.w.coordinator)
    assert kept is not None and kept.own_share == Decimal(5000)
