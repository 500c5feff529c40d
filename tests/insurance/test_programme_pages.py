"""The insurance programme's pages: GET and POST as the coordinator, refused for an employee (G12, K19)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.insurance.test_programme_services import (
    facility,
    line,
    make_policy,
    make_procurement,
    node,
    programme_from_scratch,  # noqa: F401 - the autouse fixture of the programme tests
    user,
)
from varna.core.formats import money
from varna.core.models import Role, RoleAssignment
from varna.insurance.models import (
    CoverLine,
    DeductibleKind,
    InsurancePolicy,
    InsuredValue,
    PriceBaseAmount,
    Procurement,
)

Clients = Callable[[str], Client]

PAGES = [
    "insurance:policies",
    "insurance:policy_new",
    "insurance:cover_lines",
    "insurance:price_base",
    "insurance:procurements",
    "insurance:procurement_new",
    "insurance:exposure",
]


def policy_post(**overrides: str) -> dict[str, str]:
    data = {
        "cover_line": str(line().pk),
        "insurer": "Kommunassurans Syd",
        "policy_number": "KA-2026-007",
        "valid_from": "2026-01-01",
        "valid_to": "2026-12-31",
        "premium": "1 250 000",
        "sum_insured": "",
        "deductible_kind": DeductibleKind.PRICE_BASE,
        "deductible_amount": "",
        "deductible_price_base": "0,5",
        "conditions": "Stöld ersätts bara där lokalen har godkänt inbrottslarm.",
        "units": "",
        "facilities": "",
        "note": "",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("name", PAGES)
def test_the_coordinator_opens_every_programme_page(client_for: Clients, name: str) -> None:
    response = client_for("samordnare").get(reverse(name))
    assert response.status_code == 200
    assert "Försäkringar" in response.content.decode()  # the navigation line


@pytest.mark.parametrize("name", PAGES)
def test_an_employee_is_refused_every_programme_page(client_for: Clients, name: str) -> None:
    assert client_for("anstalld").get(reverse(name)).status_code == 403
    assert client_for("chef.solrosen").get(reverse(name)).status_code == 403


def test_an_insurance_handler_keeps_the_programme(client_for: Clients) -> None:
    handler = user("handlaggare.bou")
    RoleAssignment.objects.create(
        organisation=node("Kommunfullmäktige").organisation,
        user=handler,
        role=Role.INSURANCE_HANDLER,
        node=node("Kommunfullmäktige"),
        valid_from=timezone.localdate(),
    )
    response = client_for("handlaggare.bou").post(reverse("insurance:policy_new"), policy_post())
    assert response.status_code == 302


def test_the_list_groups_policies_by_cover_line_with_the_deductible_computed(client_for: Clients) -> None:
    make_policy(
        deductible_kind=DeductibleKind.PRICE_BASE,
        deductible_amount=None,
        deductible_price_base="0.5",
        valid_from=timezone.localdate().replace(month=1, day=1),
        valid_to=timezone.localdate().replace(month=12, day=31),
    )
    make_policy(cover_line=line("motor"), policy_number="M-1", deductible_amount=Decimal(5000))
    page = client_for("samordnare").get(reverse("insurance:policies")).content.decode()
    amount = PriceBaseAmount.objects.get(year=timezone.localdate().year).amount / 2
    assert f"0,5 prisbasbelopp ({money(amount)} i år)" in page
    assert "5\u00a0000\u00a0kr" in page
    assert page.index("Egendom") < page.index("KA-2026-001") < page.index("Motor") < page.index("M-1")


def test_the_coordinator_adds_a_policy_on_the_page(client_for: Clients) -> None:
    school = facility("Solrosens förskola, huvudbyggnad")
    data = policy_post(units=f"{node('Solrosens förskola').code}\nHemtjänst Centrum", facilities=school.name)
    response = client_for("samordnare").post(reverse("insurance:policy_new"), data)
    policy = InsurancePolicy.objects.get(policy_number="KA-2026-007")
    assert response.status_code == 302
    assert response["Location"] == reverse("insurance:policy", args=[policy.pk])
    assert policy.deductible_price_base == Decimal("0.5") and policy.deductible_amount is None
    assert policy.premium == Decimal(1250000)
    assert set(policy.nodes.values_list("name", flat=True)) == {"Solrosens förskola", "Hemtjänst Centrum"}
    assert list(policy.facilities.all()) == [school]


def test_a_policy_page_shows_conditions_units_facilities_and_claims(client_for: Clients) -> None:
    school = facility("Solrosens förskola, huvudbyggnad")
    policy = make_policy()
    policy.nodes.set([node("Hemtjänst Centrum")])
    policy.facilities.set([school])
    page = client_for("samordnare").get(reverse("insurance:policy", args=[policy.pk])).content.decode()
    assert "godkänt inbrottslarm" in page
    assert "Hemtjänst Centrum" in page and school.name in page
    assert 'id="claim-count">0<' in page


def test_a_wrong_period_is_shown_in_swedish_and_nothing_is_saved(client_for: Clients) -> None:
    data = policy_post(valid_from="2026-06-01", valid_to="2026-05-31")
    response = client_for("samordnare").post(reverse("insurance:policy_new"), data)
    assert response.status_code == 400
    assert "Perioden kan inte sluta innan den börjar." in response.content.decode()
    assert not InsurancePolicy.objects.exists()


def test_an_unknown_unit_is_named_in_the_message(client_for: Clients) -> None:
    response = client_for("samordnare").post(reverse("insurance:policy_new"), policy_post(units="Finns inte"))
    assert response.status_code == 400
    assert "Finns inte" in response.content.decode()
    assert not InsurancePolicy.objects.exists()


def test_the_coordinator_edits_a_policy_and_a_stale_form_changes_nothing(client_for: Clients) -> None:
    policy = make_policy()
    client = client_for("samordnare")
    form = client.get(reverse("insurance:policy_edit", args=[policy.pk]))
    assert form.status_code == 200
    assert 'name="revision" value="1"' in form.content.decode()
    data = policy_post(policy_number="KA-2026-001", revision="1", deductible_kind="amount", deductible_amount="25 000")
    assert client.post(reverse("insurance:policy_edit", args=[policy.pk]), data).status_code == 302
    stale = client.post(reverse("insurance:policy_edit", args=[policy.pk]), {**data, "deductible_amount": "1"})
    assert stale.status_code == 400
    assert "Någon annan har ändrat" in stale.content.decode()
    policy.refresh_from_db()
    assert policy.deductible_amount == Decimal(25000)


def test_another_municipality_sees_no_policy(client_for: Clients) -> None:
    policy = make_policy()
    client = client_for("samordnare.grannby")
    assert client.get(reverse("insurance:policy", args=[policy.pk])).status_code == 404
    assert client.get(reverse("insurance:policy_edit", args=[policy.pk])).status_code == 404
    assert "KA-2026-001" not in client.get(reverse("insurance:policies")).content.decode()


def test_an_employee_cannot_post_a_policy(client_for: Clients) -> None:
    assert client_for("anstalld").post(reverse("insurance:policy_new"), policy_post()).status_code == 403
    assert not InsurancePolicy.objects.exists()


def test_the_coordinator_adds_renames_and_retires_a_cover_line(client_for: Clients) -> None:
    client = client_for("samordnare")
    response = client.post(reverse("insurance:cover_lines"), {"name": "Cyberförsäkring", "order": ""})
    assert response.status_code == 302
    added = CoverLine.objects.get(organisation=user("samordnare").organisation, name="Cyberförsäkring")
    url = reverse("insurance:cover_line_edit", args=[added.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"name": "Cyber", "order": "15"}).status_code == 302  # "is_active" unticked: retired
    added.refresh_from_db()
    assert (added.name, added.order, added.is_active) == ("Cyber", 15, False)
    duplicate = client.post(reverse("insurance:cover_lines"), {"name": "egendom"})
    assert duplicate.status_code == 400
    assert "Det finns redan en försäkringsgren" in duplicate.content.decode()


def test_a_cover_line_of_another_municipality_is_not_found(client_for: Clients) -> None:
    url = reverse("insurance:cover_line_edit", args=[line(org="grannby").pk])
    assert client_for("samordnare").get(url).status_code == 404


def test_the_price_base_page_says_who_may_add_a_year_and_adds_one(client_for: Clients) -> None:
    client = client_for("samordnare")
    page = client.get(reverse("insurance:price_base")).content.decode()
    assert "delas av alla organisationer" in page
    assert "47\u00a0300\u00a0kr" in page  # 2020
    year = timezone.localdate().year + 1
    PriceBaseAmount.objects.filter(year=year).delete()
    response = client.post(reverse("insurance:price_base"), {"year": str(year), "amount": "61 000"})
    assert response.status_code == 302
    assert PriceBaseAmount.objects.get(year=year).amount == 61000
    refused = client.post(reverse("insurance:price_base"), {"year": "2020", "amount": "1"})
    assert refused.status_code == 400
    assert PriceBaseAmount.objects.get(year=2020).amount == 47300


def test_an_employee_cannot_add_a_price_base_amount(client_for: Clients) -> None:
    year = timezone.localdate().year + 1
    PriceBaseAmount.objects.filter(year=year).delete()
    assert (
        client_for("anstalld").post(reverse("insurance:price_base"), {"year": year, "amount": "61000"}).status_code
        == 403
    )
    assert not PriceBaseAmount.objects.filter(year=year).exists()


def test_the_procurement_page_shows_the_history_and_the_next_date(client_for: Clients) -> None:
    procurement = make_procurement()
    page = client_for("samordnare").get(reverse("insurance:procurements")).content.decode()
    assert procurement.next_procurement_on is not None
    assert procurement.next_procurement_on.isoformat() in page
    assert "Kommunassurans Syd" in page and "Egendom" in page


def test_the_coordinator_records_and_edits_a_procurement(client_for: Clients) -> None:
    client = client_for("samordnare")
    today = timezone.localdate()
    data = {
        "cover_lines": [str(line().pk), str(line("liability").pk)],
        "decided_on": (today - datetime.timedelta(days=30)).isoformat(),
        "insurer": "Protector",
        "contract_from": today.isoformat(),
        "contract_to": (today + datetime.timedelta(days=3 * 365)).isoformat(),
        "next_procurement_on": (today + datetime.timedelta(days=2 * 365)).isoformat(),
        "reminder_months": "9",
        "note": "Tre år med option på ett.",
    }
    assert client.post(reverse("insurance:procurement_new"), data).status_code == 302
    procurement = Procurement.objects.get(insurer="Protector")
    assert procurement.cover_lines.count() == 2 and procurement.reminder_months == 9
    url = reverse("insurance:procurement_edit", args=[procurement.pk])
    assert client.get(url).status_code == 200
    bad = client.post(url, {**data, "contract_to": (today - datetime.timedelta(days=1)).isoformat(), "revision": "1"})
    assert bad.status_code == 400
    assert "Avtalet kan inte sluta innan det börjar." in bad.content.decode()
    assert client.post(url, {**data, "reminder_months": "12", "revision": "1"}).status_code == 302
    procurement.refresh_from_db()
    assert procurement.reminder_months == 12


def test_the_exposure_page_totals_the_values_per_administration(client_for: Clients) -> None:
    year = timezone.localdate().year
    preschool, home_care = node("Solrosens förskola"), node("Hemtjänst Centrum")
    school = facility("Solrosens förskola, huvudbyggnad")
    organisation_id = preschool.organisation_id
    InsuredValue.objects.create(
        organisation_id=organisation_id, year=year, node=preschool, facility=school, building_value=Decimal(12_000_000)
    )
    InsuredValue.objects.create(
        organisation_id=organisation_id, year=year, node=preschool, contents_value=Decimal(800_000)
    )
    InsuredValue.objects.create(
        organisation_id=organisation_id, year=year, node=home_care, contents_value=Decimal(300_000)
    )
    response = client_for("samordnare").get(reverse("insurance:exposure"), {"year": year})
    page = response.content.decode()
    totals = page[page.index('id="exposure-totals"') : page.index("</table>", page.index('id="exposure-totals"'))]
    assert "Barn- och utbildningsförvaltningen" in totals and "Vård- och omsorgsförvaltningen" in totals
    assert "12\u00a0800\u00a0000\u00a0kr" in totals  # the school administration: building and contents
    assert "13\u00a0100\u00a0000\u00a0kr" in totals  # in all
    assert school.name in page
