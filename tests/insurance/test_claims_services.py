"""Claims to the insurer: who may make them, the deductible for the day of the damage, a double submit, and the
insurer's decision and payments."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from tests.incidents.samples import report_at_solrosen
from tests.insurance.claim_samples import make_policy
from varna.core.models import Node, Role, RoleAssignment, User
from varna.core.services import StaleFormError
from varna.incidents.models import Incident, IncidentType
from varna.incidents.services import ensure_defaults
from varna.insurance.models import ClaimStatus, PriceBaseAmount
from varna.insurance.selectors import claims as selectors
from varna.insurance.services import claims as services
from varna.protection.models import Facility


@pytest.fixture
def types(demo: None) -> dict[str, IncidentType]:
    organisation = Node.objects.get(name="Solrosens förskola").organisation
    return {t.code: t for t in ensure_defaults(organisation=organisation)}


@pytest.fixture
def incident(types: dict[str, IncidentType]) -> Incident:
    return report_at_solrosen(types, estimated_cost=Decimal(30000))


def _on(incident: Incident, day: datetime.date) -> Incident:
    """The incident moved to ``day`` (as if it had been reported then)."""
    Incident.objects.filter(pk=incident.pk).update(occurred_on=day)
    return Incident.objects.select_related("incident_node", "incident_type").get(pk=incident.pk)


def insurance_handler(persona: Callable[[str], User]) -> User:
    """The administrator, made insurance handler for the whole municipality."""
    user = persona("admin")
    root = Node.objects.get(organisation=user.organisation, depth=1)
    RoleAssignment.objects.create(
        organisation=root.organisation,
        user=user,
        role=Role.INSURANCE_HANDLER,
        node=root,
        valid_from=datetime.date(2020, 1, 1),
    )
    return User.objects.get(pk=user.pk)


def test_coordinator_makes_a_claim_numbered_by_the_year_on_the_incidents_unit(persona, incident) -> None:
    policy = make_policy(incident.organisation)
    claim = services.create_claim(
        actor=persona("samordnare"), incident=incident, policy=policy, claimed_amount=Decimal(30000)
    )
    year = timezone.localdate().year
    assert re.fullmatch(rf"S-{year}-\d{{5}}", claim.number)
    assert claim.node_id == incident.incident_node_id
    assert claim.deductible == Decimal(10000)
    assert claim.status == ClaimStatus.SUBMITTED
    assert claim.history.first().history_user == persona("samordnare")
    second = services.create_claim(
        actor=persona("samordnare"),
        incident=incident,
        policy=make_policy(incident.organisation, line="liability", number="A-1"),
        claimed_amount=Decimal(5000),
    )
    assert second.number == f"S-{year}-{int(claim.number[-5:]) + 1:05d}"  # the next in the year's series


def test_insurance_handler_may_make_a_claim(persona, incident) -> None:
    handler = insurance_handler(persona)
    claim = services.create_claim(
        actor=handler, incident=incident, policy=make_policy(incident.organisation), claimed_amount=Decimal(1)
    )
    assert claim.created_by == handler


@pytest.mark.parametrize("username", ["chef.solrosen", "handlaggare.bou", "anstalld", "samordnare.grannby"])
def test_people_without_manage_insurance_for_the_unit_cannot_make_a_claim(persona, incident, username) -> None:
    policy = make_policy(incident.organisation)
    with pytest.raises(PermissionDenied):
        services.create_claim(actor=persona(username), incident=incident, policy=policy, claimed_amount=Decimal(1))
    assert not incident.claims.exists()


def test_deductible_in_prisbasbelopp_is_computed_for_the_year_of_the_damage(persona, incident) -> None:
    damage_day = datetime.date(2024, 3, 15)
    policy = make_policy(
        incident.organisation,
        price_base=Decimal("0.5"),
        valid_from=datetime.date(2024, 1, 1),
        valid_to=datetime.date(2027, 12, 31),
    )
    claim = services.create_claim(
        actor=persona("samordnare"), incident=_on(incident, damage_day), policy=policy, claimed_amount=Decimal(90000)
    )
    assert claim.deductible == Decimal(28650)  # half of 2024's 57 300 kr, not of this year's


def test_a_missing_prisbasbelopp_is_a_swedish_message_and_saves_nothing(persona, incident) -> None:
    policy = make_policy(incident.organisation, price_base=Decimal(1))
    PriceBaseAmount.objects.filter(year=incident.occurred_on.year).delete()
    with pytest.raises(ValidationError) as exc:
        services.create_claim(actor=persona("samordnare"), incident=incident, policy=policy, claimed_amount=Decimal(1))
    assert f"inget prisbasbelopp registrerat för {incident.occurred_on.year}" in exc.value.messages[0]
    assert not incident.claims.exists()
    # A deductible entered by hand does not need the prisbasbelopp.
    claim = services.create_claim(
        actor=persona("samordnare"),
        incident=incident,
        policy=policy,
        claimed_amount=Decimal(1),
        deductible=Decimal(50000),
    )
    assert claim.deductible == Decimal(50000)


def test_the_policy_must_be_in_force_on_the_day_of_the_damage(persona, incident) -> None:
    expired = make_policy(
        incident.organisation, valid_from=datetime.date(2020, 1, 1), valid_to=datetime.date(2020, 12, 31)
    )
    with pytest.raises(ValidationError) as exc:
        services.create_claim(actor=persona("samordnare"), incident=incident, policy=expired, claimed_amount=Decimal(1))
    assert "omfattade inte skadedagen" in exc.value.messages[0]


def test_a_policy_of_another_municipality_is_refused(persona, incident) -> None:
    grannby = persona("samordnare.grannby").organisation
    assert grannby is not None
    with pytest.raises(ValidationError):
        services.create_claim(
            actor=persona("samordnare"), incident=incident, policy=make_policy(grannby), claimed_amount=Decimal(1)
        )


@pytest.mark.parametrize("amount", [Decimal(0), Decimal(-5), Decimal("1.234"), Decimal("1e15"), Decimal("NaN")])
def test_a_claimed_amount_that_is_not_a_sum_of_money_is_refused(persona, incident, amount) -> None:
    with pytest.raises(ValidationError):
        services.create_claim(
            actor=persona("samordnare"),
            incident=incident,
            policy=make_policy(incident.organisation),
            claimed_amount=amount,
        )


def test_a_double_submit_gives_back_the_first_claim(persona, incident) -> None:
    policy = make_policy(incident.organisation)
    first = services.create_claim(
        actor=persona("samordnare"), incident=incident, policy=policy, claimed_amount=Decimal(30000), once=True
    )
    with pytest.raises(services.AlreadySaved) as exc:
        services.create_claim(
            actor=persona("samordnare"), incident=incident, policy=policy, claimed_amount=Decimal(30000), once=True
        )
    assert exc.value.record == first
    assert incident.claims.count() == 1


def test_a_second_claim_on_the_same_policy_is_refused_until_the_first_is_withdrawn(persona, incident) -> None:
    coordinator = persona("samordnare")
    policy = make_policy(incident.organisation)
    first = services.create_claim(actor=coordinator, incident=incident, policy=policy, claimed_amount=Decimal(100))
    with pytest.raises(ValidationError) as exc:
        services.create_claim(actor=coordinator, incident=incident, policy=policy, claimed_amount=Decimal(200))
    assert first.number in exc.value.messages[0]
    services.withdraw_claim(actor=coordinator, claim=first, revision=first.revision, reason="Under självrisken.")
    second = services.create_claim(actor=coordinator, incident=incident, policy=policy, claimed_amount=Decimal(200))
    assert second.status == ClaimStatus.SUBMITTED
    first.refresh_from_db()
    assert first.status == ClaimStatus.WITHDRAWN
    assert first.history.first().history_change_reason == "Under självrisken."


def test_decision_then_payments_until_the_claim_is_paid(persona, incident) -> None:
    coordinator = persona("samordnare")
    claim = services.create_claim(
        actor=coordinator, incident=incident, policy=make_policy(incident.organisation), claimed_amount=Decimal(30000)
    )
    today = timezone.localdate()
    with pytest.raises(ValidationError) as early:
        services.record_payment(actor=coordinator, claim=claim, paid_on=today, amount=Decimal(100))
    assert "beslut innan du registrerar utbetalningar" in early.value.messages[0]
    claim = services.record_decision(
        actor=coordinator,
        claim=claim,
        revision=claim.revision,
        status=ClaimStatus.DECIDED,
        decided_on=today,
        decision="Ersättning efter självrisk.",
        compensation=Decimal(20000),
    )
    assert claim.status == ClaimStatus.DECIDED
    services.record_payment(actor=coordinator, claim=claim, paid_on=today, amount=Decimal(15000))
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.DECIDED
    with pytest.raises(ValidationError) as too_much:
        services.record_payment(actor=coordinator, claim=claim, paid_on=today, amount=Decimal(6000))
    assert "större än den beslutade ersättningen" in too_much.value.messages[0]
    services.record_payment(actor=coordinator, claim=claim, paid_on=today, amount=Decimal(5000))
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PAID
    assert services.paid_total(claim) == Decimal(20000)
    with pytest.raises(ValidationError):
        services.withdraw_claim(actor=coordinator, claim=claim, revision=claim.revision)


def test_a_stale_decision_form_changes_nothing(persona, incident) -> None:
    coordinator = persona("samordnare")
    claim = services.create_claim(
        actor=coordinator, incident=incident, policy=make_policy(incident.organisation), claimed_amount=Decimal(300)
    )
    shown = claim.revision
    services.record_decision(
        actor=coordinator,
        claim=claim,
        revision=shown,
        status=ClaimStatus.DENIED,
        decided_on=timezone.localdate(),
        decision="Ej ersättningsbar skada.",
    )
    with pytest.raises(StaleFormError):
        services.record_decision(
            actor=coordinator,
            claim=claim,
            revision=shown,
            status=ClaimStatus.DECIDED,
            decided_on=timezone.localdate(),
            compensation=Decimal(100),
        )
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.DENIED
    assert claim.compensation is None


def test_a_decision_needs_its_compensation_and_a_denial_has_none(persona, incident) -> None:
    coordinator = persona("samordnare")
    claim = services.create_claim(
        actor=coordinator, incident=incident, policy=make_policy(incident.organisation), claimed_amount=Decimal(300)
    )
    today = timezone.localdate()
    with pytest.raises(ValidationError):
        services.record_decision(
            actor=coordinator, claim=claim, revision=None, status=ClaimStatus.DECIDED, decided_on=today
        )
    with pytest.raises(ValidationError):
        services.record_decision(
            actor=coordinator,
            claim=claim,
            revision=None,
            status=ClaimStatus.DENIED,
            decided_on=today,
            compensation=Decimal(10),
        )
    with pytest.raises(ValidationError):
        services.record_decision(
            actor=coordinator, claim=claim, revision=None, status=ClaimStatus.PAID, decided_on=today
        )


def test_unit_manager_may_not_record_a_decision(persona, incident) -> None:
    claim = services.create_claim(
        actor=persona("samordnare"),
        incident=incident,
        policy=make_policy(incident.organisation),
        claimed_amount=Decimal(300),
    )
    with pytest.raises(PermissionDenied):
        services.record_decision(
            actor=persona("chef.solrosen"),
            claim=claim,
            revision=None,
            status=ClaimStatus.DENIED,
            decided_on=timezone.localdate(),
        )


# --- the policy suggested for an incident ---------------------------------------------------------


def test_suggestion_puts_the_facility_then_the_unit_then_the_rest_with_the_types_cover_line_first(
    demo: None, types: dict[str, IncidentType]
) -> None:
    solrosen = Node.objects.get(name="Solrosens förskola")
    organisation = solrosen.organisation
    facility = Facility.objects.filter(node=solrosen).order_by("pk").first()
    assert facility is not None
    incident = report_at_solrosen(types, code="theft", facility=facility)
    elsewhere = Node.objects.get(organisation=organisation, name="Hemtjänst Centrum")
    administration = Node.objects.get(organisation=organisation, name="Barn- och utbildningsförvaltningen")
    whole_liability = make_policy(organisation, line="liability", number="L-whole")
    whole_property = make_policy(organisation, line="property", number="E-whole")
    admin_property = make_policy(organisation, line="property", number="E-admin", nodes=[administration])
    at_facility = make_policy(organisation, line="property", number="E-facility", facilities=[facility])
    crime = make_policy(organisation, line="crime", number="F-whole")
    other_unit = make_policy(organisation, line="property", number="E-other", nodes=[elsewhere])
    make_policy(
        organisation, number="E-old", valid_from=datetime.date(2019, 1, 1), valid_to=datetime.date(2019, 12, 31)
    )

    suggestion = selectors.suggest_policies(incident)

    mine = {"L-whole", "E-whole", "E-admin", "E-facility", "F-whole", "E-other", "E-old"}  # the demo has its own
    assert [p.policy_number for p in suggestion.policies if p.policy_number in mine] == [
        at_facility.policy_number,
        admin_property.policy_number,
        whole_property.policy_number,
        crime.policy_number,
        whole_liability.policy_number,
        other_unit.policy_number,
    ]
    assert suggestion.covers[at_facility.pk] == selectors.COVERS_FACILITY
    assert suggestion.covers[other_unit.pk] == selectors.COVERS_NOTHING
    assert suggestion.suggested is not None
    assert suggestion.covers[suggestion.suggested.pk] == selectors.COVERS_FACILITY
    assert suggestion.cover_line is not None and suggestion.cover_line.code == "property"


def test_an_unknown_type_of_event_falls_back_to_property(demo: None, types: dict[str, IncidentType]) -> None:
    organisation = types["other"].organisation
    own = IncidentType.objects.create(organisation=organisation, code="egen-typ", name="Egen typ")
    incident = report_at_solrosen({"egen-typ": own}, code="egen-typ")
    assert selectors.cover_line_codes(incident) == selectors.FALLBACK_COVER_LINES
    suggestion = selectors.suggest_policies(incident)
    assert suggestion.cover_line is not None and suggestion.cover_line.code == "property"


def test_the_claimed_amount_is_the_incidents_cost_or_else_its_estimate(incident) -> None:
    assert selectors.default_claimed_amount(incident) == Decimal(30000)
    Incident.objects.filter(pk=incident.pk).update(total_cost=Decimal(41000))
    incident.refresh_from_db()
    assert selectors.default_claimed_amount(incident) == Decimal(41000)


def test_refusals_are_in_english_for_a_person_who_chose_english(persona, incident) -> None:
    expired = make_policy(
        incident.organisation, valid_from=datetime.date(2020, 1, 1), valid_to=datetime.date(2020, 12, 31)
    )
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        services.create_claim(actor=persona("samordnare"), incident=incident, policy=expired, claimed_amount=Decimal(1))
    assert "did not cover the day of the damage" in exc.value.messages[0]
