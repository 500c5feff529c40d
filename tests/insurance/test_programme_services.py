"""The insurance programme's services: policies, cover lines, the prisbasbelopp and procurement (G12, K19)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.database import app_tables, delete_rows
from varna.core.models import Node, Organisation, User
from varna.core.services import StaleFormError
from varna.insurance.models import CoverLine, DeductibleKind, InsurancePolicy, PriceBaseAmount, Procurement
from varna.insurance.selectors import programme as selectors
from varna.insurance.services import programme as services
from varna.insurance.services.setup import set_up_insurance
from varna.protection.models import Facility

ORG = "exempelkommun"
NBSP = "\u00a0"


@pytest.fixture(autouse=True)
def programme_from_scratch(demo: None) -> None:
    """The demo with an empty insurance programme: the demo's own policies, procurements, exposure, claims and
    fund are removed (inside the test's transaction; the prisbasbelopp stays) and every organisation is set up."""
    delete_rows(t for t in app_tables("insurance") if t != PriceBaseAmount._meta.db_table)
    for organisation in Organisation.objects.order_by("pk"):
        set_up_insurance(organisation)


# --- helpers, shared by the other programme tests -------------------------------------------------------


def user(username: str) -> User:
    return User.objects.get(username=username)


def node(name: str, org: str = ORG) -> Node:
    return Node.objects.get(name=name, organisation__slug=org)


def line(code: str = "property", org: str = ORG) -> CoverLine:
    return CoverLine.objects.get(organisation__slug=org, code=code)


def facility(name: str, node_name: str = "Solrosens förskola", org: str = ORG) -> Facility:
    unit = node(node_name, org)
    return Facility.objects.create(organisation_id=unit.organisation_id, node=unit, name=name)


def policy_values(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "cover_line": line(),
        "insurer": "Kommunassurans Syd",
        "is_captive": False,
        "policy_number": "KA-2026-001",
        "valid_from": datetime.date(2026, 1, 1),
        "valid_to": datetime.date(2026, 12, 31),
        "premium": Decimal("1250000"),
        "sum_insured": Decimal("900000000"),
        "deductible_kind": DeductibleKind.AMOUNT,
        "deductible_amount": Decimal("50000"),
        "deductible_price_base": None,
        "conditions": "Stöld ersätts bara där lokalen har godkänt inbrottslarm.",
        "note": "",
    }
    values.update(overrides)
    return values


def make_policy(actor: str = "samordnare", **overrides: Any) -> InsurancePolicy:
    return services.create_policy(actor=user(actor), **policy_values(**overrides))


def procurement_values(**overrides: Any) -> dict[str, Any]:
    today = timezone.localdate()
    values: dict[str, Any] = {
        "decided_on": today - datetime.timedelta(days=400),
        "insurer": "Kommunassurans Syd",
        "contract_from": today - datetime.timedelta(days=365),
        "contract_to": today + datetime.timedelta(days=365),
        "next_procurement_on": today + datetime.timedelta(days=200),
        "reminder_months": 6,
        "note": "",
    }
    values.update(overrides)
    return values


def make_procurement(actor: str = "samordnare", **overrides: Any) -> Procurement:
    return services.create_procurement(actor=user(actor), cover_lines=[line()], **procurement_values(**overrides))


def messages_of(exc: pytest.ExceptionInfo[ValidationError]) -> str:
    return " ".join(exc.value.messages)


# --- policies ----------------------------------------------------------------------------------------


def test_coordinator_adds_a_policy_with_the_units_and_facilities_it_covers() -> None:
    school = facility("Solrosens förskola, huvudbyggnad")
    policy = services.create_policy(
        actor=user("samordnare"),
        nodes=[node("Solrosens förskola"), node("Hemtjänst Centrum")],
        facilities=[school],
        **policy_values(),
    )
    assert policy.organisation.slug == ORG
    assert policy.created_by == user("samordnare")
    assert set(policy.nodes.values_list("name", flat=True)) == {"Solrosens förskola", "Hemtjänst Centrum"}
    assert list(policy.facilities.all()) == [school]
    assert policy.history.first().history_user == user("samordnare")


@pytest.mark.parametrize("username", ["anstalld", "chef.solrosen", "handlaggare.bou", "admin", "politiker"])
def test_only_those_who_keep_the_programme_add_policies(username: str) -> None:
    with pytest.raises(PermissionDenied):
        make_policy(username)
    assert not InsurancePolicy.objects.exists()


def test_a_policy_of_another_municipality_cannot_be_changed() -> None:
    policy = make_policy()
    with pytest.raises(PermissionDenied):
        services.update_policy(
            actor=user("samordnare.grannby"),
            policy=policy,
            revision=policy.revision,
            **policy_values(cover_line=line(org="grannby")),
        )


def test_a_cover_line_of_another_municipality_is_refused() -> None:
    with pytest.raises(ValidationError) as exc:
        make_policy(cover_line=line(org="grannby"))
    assert "försäkringsgren" in messages_of(exc)


def test_units_of_another_municipality_are_refused() -> None:
    with pytest.raises(ValidationError):
        services.create_policy(
            actor=user("samordnare"), nodes=[node("Kommunfullmäktige", "grannby")], **policy_values()
        )
    assert not InsurancePolicy.objects.exists()


def test_the_period_must_not_end_before_it_starts() -> None:
    with pytest.raises(ValidationError) as exc:
        make_policy(valid_from=datetime.date(2026, 6, 1), valid_to=datetime.date(2026, 5, 31))
    assert exc.value.message_dict["valid_to"] == ["Perioden kan inte sluta innan den börjar."]


def test_negative_amounts_are_refused_in_swedish() -> None:
    with pytest.raises(ValidationError) as exc:
        make_policy(premium="-5")
    assert "premie" in messages_of(exc).lower()
    with pytest.raises(ValidationError) as exc:
        make_policy(sum_insured="-1")
    assert "försäkringsbelopp" in messages_of(exc).lower()
    with pytest.raises(ValidationError) as exc:
        make_policy(deductible_amount="-100")
    assert "självrisk" in messages_of(exc).lower()
    assert not InsurancePolicy.objects.exists()


def test_the_deductible_must_be_given_in_the_kind_chosen() -> None:
    with pytest.raises(ValidationError) as exc:
        make_policy(deductible_kind=DeductibleKind.PRICE_BASE, deductible_amount=Decimal(5000))
    assert "deductible_price_base" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        make_policy(deductible_amount=None, deductible_price_base=Decimal("0.5"))
    assert "deductible_amount" in exc.value.message_dict


def test_only_the_deductible_of_the_chosen_kind_is_kept() -> None:
    policy = make_policy(
        deductible_kind=DeductibleKind.PRICE_BASE, deductible_amount="5 000", deductible_price_base="0,5"
    )
    policy.refresh_from_db()
    assert policy.deductible_amount is None
    assert policy.deductible_price_base == Decimal("0.5")


def test_the_deductible_in_price_base_amounts_is_shown_with_this_years_amount() -> None:
    policy = make_policy(deductible_kind=DeductibleKind.PRICE_BASE, deductible_amount=None, deductible_price_base="0.5")
    text = selectors.deductible_text(policy, datetime.date(2026, 3, 1))
    assert text == f"0,5 prisbasbelopp (29{NBSP}600{NBSP}kr i år)"
    in_kronor = make_policy(policy_number="KA-2", deductible_amount=Decimal(50000))
    assert selectors.deductible_text(in_kronor, datetime.date(2026, 3, 1)) == f"50{NBSP}000{NBSP}kr"


def test_a_missing_price_base_amount_is_said_plainly() -> None:
    policy = make_policy(deductible_kind=DeductibleKind.PRICE_BASE, deductible_amount=None, deductible_price_base="2")
    text = selectors.deductible_text(policy, datetime.date(2090, 3, 1))
    assert text.startswith("2 prisbasbelopp")
    assert "2090" in text


def test_a_stale_edit_of_a_policy_changes_nothing() -> None:
    policy = make_policy()
    shown = policy.revision
    services.update_policy(
        actor=user("samordnare"), policy=policy, revision=shown, **policy_values(insurer="Länsförsäkringar")
    )
    with pytest.raises(StaleFormError):
        services.update_policy(actor=user("samordnare"), policy=policy, revision=shown, **policy_values(insurer="If"))
    policy.refresh_from_db()
    assert policy.insurer == "Länsförsäkringar"
    assert policy.revision == shown + 1


def test_an_edit_changes_the_units_covered_and_raises_the_revision() -> None:
    policy = make_policy()
    updated = services.update_policy(
        actor=user("samordnare"),
        policy=policy,
        revision=policy.revision,
        nodes=[node("Hemtjänst Centrum")],
        **policy_values(premium="1 300 000,50"),
    )
    assert updated.premium == Decimal("1300000.50")
    assert list(updated.nodes.values_list("name", flat=True)) == ["Hemtjänst Centrum"]
    assert updated.revision == 2


def test_the_same_policy_sent_twice_is_kept_once() -> None:
    first = make_policy()
    second = make_policy()
    assert first.pk == second.pk
    assert InsurancePolicy.objects.count() == 1


# --- cover lines -------------------------------------------------------------------------------------


def test_a_cover_line_is_added_renamed_moved_and_retired() -> None:
    coordinator = user("samordnare")
    added = services.create_cover_line(actor=coordinator, name="Cyberförsäkring")
    assert added.code == "cyberforsakring"
    assert added.order > line("other").order  # last
    services.update_cover_line(actor=coordinator, line=added, name="Cyber- och dataskydd", order=5, is_active=False)
    added.refresh_from_db()
    assert (added.name, added.order, added.is_active) == ("Cyber- och dataskydd", 5, False)
    assert added not in selectors.cover_line_choices(coordinator)


def test_a_retired_cover_line_is_not_offered_for_a_new_policy() -> None:
    motor = line("motor")
    services.update_cover_line(
        actor=user("samordnare"), line=motor, name=motor.name, order=motor.order, is_active=False
    )
    with pytest.raises(ValidationError) as exc:
        make_policy(cover_line=line("motor"))
    assert "används inte längre" in messages_of(exc)


def test_two_cover_lines_cannot_share_a_name() -> None:
    with pytest.raises(ValidationError) as exc:
        services.create_cover_line(actor=user("samordnare"), name="egendom")
    assert "Det finns redan en försäkringsgren" in messages_of(exc)


def test_a_cover_line_added_twice_at_once_is_kept_once() -> None:
    first = services.create_cover_line(actor=user("samordnare"), name="Cyberförsäkring")
    second = services.create_cover_line(actor=user("samordnare"), name="Cyberförsäkring")
    assert first.pk == second.pk


def test_an_employee_cannot_change_cover_lines() -> None:
    with pytest.raises(PermissionDenied):
        services.create_cover_line(actor=user("anstalld"), name="Cyber")
    with pytest.raises(PermissionDenied):
        services.update_cover_line(actor=user("samordnare.grannby"), line=line(), name="X", order=1, is_active=True)


# --- the prisbasbelopp -----------------------------------------------------------------------------


def test_a_missing_year_of_the_prisbasbelopp_is_added() -> None:
    year = timezone.localdate().year + 1
    PriceBaseAmount.objects.filter(year=year).delete()
    row = services.record_price_base_amount(actor=user("samordnare"), year=year, amount="61 000")
    assert (row.year, row.amount) == (year, Decimal(61000))


def test_a_past_year_of_the_prisbasbelopp_cannot_be_changed() -> None:
    with pytest.raises(ValidationError) as exc:
        services.record_price_base_amount(actor=user("samordnare"), year=2020, amount="50000")
    assert "2020" in messages_of(exc)
    assert PriceBaseAmount.objects.get(year=2020).amount == 47300


def test_this_years_prisbasbelopp_may_be_corrected() -> None:
    year = timezone.localdate().year
    services.record_price_base_amount(actor=user("samordnare"), year=year, amount="60100")
    assert PriceBaseAmount.objects.get(year=year).amount == 60100


def test_the_prisbasbelopp_is_checked() -> None:
    with pytest.raises(ValidationError) as exc:
        services.record_price_base_amount(actor=user("samordnare"), year=timezone.localdate().year, amount="59,5")
    assert "hela kronor" in messages_of(exc)
    with pytest.raises(ValidationError):
        services.record_price_base_amount(actor=user("samordnare"), year=timezone.localdate().year + 2, amount="60000")


@pytest.mark.parametrize("username", ["anstalld", "admin"])
def test_only_those_who_keep_a_programme_record_the_prisbasbelopp(username: str) -> None:
    with pytest.raises(PermissionDenied):
        services.record_price_base_amount(actor=user(username), year=timezone.localdate().year, amount="1")


# --- procurement -------------------------------------------------------------------------------------


def test_a_procurement_is_recorded_with_its_cover_lines() -> None:
    procurement = make_procurement()
    assert list(procurement.cover_lines.all()) == [line()]
    assert selectors.next_procurement(user("samordnare")) is not None


def test_a_procurement_contract_must_not_end_before_it_starts() -> None:
    today = timezone.localdate()
    with pytest.raises(ValidationError) as exc:
        make_procurement(contract_from=today, contract_to=today - datetime.timedelta(days=1))
    assert "contract_to" in exc.value.message_dict


def test_a_procurement_decided_in_the_future_is_refused() -> None:
    with pytest.raises(ValidationError) as exc:
        make_procurement(decided_on=timezone.localdate() + datetime.timedelta(days=3))
    assert "framtiden" in messages_of(exc)


def test_a_new_date_of_the_next_procurement_sends_a_new_reminder() -> None:
    procurement = make_procurement()
    Procurement.objects.filter(pk=procurement.pk).update(reminded_on=timezone.localdate())
    procurement.refresh_from_db()
    values = procurement_values(next_procurement_on=timezone.localdate() + datetime.timedelta(days=500))
    updated = services.update_procurement(
        actor=user("samordnare"), procurement=procurement, revision=procurement.revision, **values
    )
    assert updated.reminded_on is None
    with pytest.raises(StaleFormError):
        services.update_procurement(
            actor=user("samordnare"), procurement=procurement, revision=procurement.revision, **values
        )


def test_an_employee_cannot_record_a_procurement() -> None:
    with pytest.raises(PermissionDenied):
        make_procurement("anstalld")
