"""The claim pages: the panel on the incident's case page, the new-claim form filled from the incident, the claim
page with its decision and payments, the list scoped to the person's part of the organisation, the follow-up
list."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.incidents.samples import report_at_solrosen
from tests.insurance.claim_samples import make_policy
from varna.core import formats
from varna.core.models import Node, User
from varna.incidents.models import Incident, IncidentType
from varna.incidents.services import ensure_defaults, report_incident
from varna.insurance.models import Claim, ClaimStatus, InsuranceSettings
from varna.insurance.services import claims as services

Clients = Callable[[str], Client]
LIABILITY_NOTE = "Kommunen medger inte skadeståndsansvar genom att anmäla skadan."


@pytest.fixture
def incident(demo: None) -> Incident:
    organisation = Node.objects.get(name="Solrosens förskola").organisation
    types: dict[str, IncidentType] = {t.code: t for t in ensure_defaults(organisation=organisation)}
    return report_at_solrosen(types, estimated_cost=Decimal(32000))


def _claim(persona: Callable[[str], User], incident: Incident, **extra: object) -> Claim:
    return services.create_claim(
        actor=persona("samordnare"),
        incident=incident,
        policy=make_policy(incident.organisation, number=str(extra.pop("number", "P-page"))),
        claimed_amount=Decimal(32000),
        **extra,  # type: ignore[arg-type]
    )


# --- the panel on the incident's case page -------------------------------------------------------


def test_case_page_offers_the_coordinator_to_start_a_claim(client_for: Clients, incident: Incident) -> None:
    html = client_for("samordnare").get(reverse("incidents:detail", args=[incident.pk])).content.decode()
    assert "Skadeanmälningar till försäkringsbolag" in html
    assert reverse("insurance:claim_new", args=[incident.pk]) in html


def test_case_page_lists_the_claims_to_the_unit_manager_without_the_link_to_start_one(
    client_for: Clients, persona: Callable[[str], User], incident: Incident
) -> None:
    claim = _claim(persona, incident)
    html = client_for("chef.solrosen").get(reverse("incidents:detail", args=[incident.pk])).content.decode()
    assert reverse("insurance:claim", args=[claim.pk]) in html
    assert claim.number in html
    assert reverse("insurance:claim_new", args=[incident.pk]) not in html


def test_case_page_shows_no_claims_to_the_reporter(
    client_for: Clients, persona: Callable[[str], User], incident: Incident
) -> None:
    claim = _claim(persona, incident)
    html = client_for("anstalld").get(reverse("incidents:detail", args=[incident.pk])).content.decode()
    assert claim.number not in html
    assert "Skadeanmälningar till försäkringsbolag" not in html


# --- the new claim ---------------------------------------------------------------------------------


def test_new_claim_form_is_filled_from_the_incident(client_for: Clients, incident: Incident) -> None:
    policy = make_policy(incident.organisation, number="P-form")
    response = client_for("samordnare").get(reverse("insurance:claim_new", args=[incident.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="claimed_amount" value="32000.00"' in html or 'name="claimed_amount" value="32000"' in html
    assert f'<option value="{policy.pk}"' in html
    assert LIABILITY_NOTE in html  # beside the third-party box, always
    assert f'value="{timezone.localdate():%Y-%m-%d}"' in html


def test_saving_the_form_makes_the_claim_once(
    client_for: Clients, incident: Incident, persona: Callable[[str], User]
) -> None:
    policy = make_policy(incident.organisation, number="P-save")
    client = client_for("samordnare")
    data = {
        "policy": policy.pk,
        "claimed_amount": "32000",
        "deductible": "",
        "insurer_reference": "KS-778",
        "third_party_involved": "on",
        "submitted_on": f"{timezone.localdate():%Y-%m-%d}",
        "note": "",
    }
    url = reverse("insurance:claim_new", args=[incident.pk])
    first = client.post(url, data)
    assert first.status_code == 302
    claim = Claim.objects.get(incident=incident, policy=policy)
    assert first["Location"] == reverse("insurance:claim", args=[claim.pk])
    assert claim.deductible == Decimal(10000)
    assert claim.third_party_involved
    again = client.post(url, data)
    assert again.status_code == 302 and again["Location"] == first["Location"]
    assert Claim.objects.filter(incident=incident).count() == 1
    page = client.get(first["Location"]).content.decode()
    assert LIABILITY_NOTE in page


def test_a_refused_claim_says_why_in_swedish_and_saves_nothing(client_for: Clients, incident: Incident) -> None:
    old = make_policy(incident.organisation, number="P-old", valid_from=datetime.date(2026, 1, 1))
    Incident.objects.filter(pk=incident.pk).update(occurred_on=datetime.date(2025, 6, 1))
    response = client_for("samordnare").post(
        reverse("insurance:claim_new", args=[incident.pk]),
        {"policy": old.pk, "claimed_amount": "100", "submitted_on": f"{timezone.localdate():%Y-%m-%d}"},
    )
    assert response.status_code == 400  # the policy is not offered: it was not in force on the day of the damage
    assert "policy" in response.context["form"].errors
    assert not Claim.objects.filter(incident=incident).exists()


def test_unit_manager_may_not_open_the_new_claim_form(client_for: Clients, incident: Incident) -> None:
    assert client_for("chef.solrosen").get(reverse("insurance:claim_new", args=[incident.pk])).status_code == 403


# --- the claim page: decision and payments -----------------------------------------------------------


def test_decision_and_payment_from_the_claim_page(
    client_for: Clients, persona: Callable[[str], User], incident: Incident
) -> None:
    claim = _claim(persona, incident)
    client = client_for("samordnare")
    today = f"{timezone.localdate():%Y-%m-%d}"
    decided = client.post(
        reverse("insurance:claim_decision", args=[claim.pk]),
        {"status": "decided", "decided_on": today, "compensation": "22000", "revision": claim.revision},
    )
    assert decided.status_code == 302
    paid = client.post(reverse("insurance:claim_payment", args=[claim.pk]), {"paid_on": today, "amount": "22000"})
    assert paid.status_code == 302
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.PAID
    html = client.get(reverse("insurance:claim", args=[claim.pk])).content.decode()
    assert formats.money(22000) in html  # 22 000 kr
    assert 'id="claim-history"' in html


def test_a_stale_decision_form_is_refused_on_the_page(
    client_for: Clients, persona: Callable[[str], User], incident: Incident
) -> None:
    claim = _claim(persona, incident)
    response = client_for("samordnare").post(
        reverse("insurance:claim_decision", args=[claim.pk]),
        {"status": "denied", "decided_on": f"{timezone.localdate():%Y-%m-%d}", "revision": claim.revision + 5},
    )
    assert response.status_code == 400
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.SUBMITTED


def test_unit_manager_reads_the_claim_but_gets_no_forms(
    client_for: Clients, persona: Callable[[str], User], incident: Incident
) -> None:
    claim = _claim(persona, incident)
    client = client_for("chef.solrosen")
    html = client.get(reverse("insurance:claim", args=[claim.pk])).content.decode()
    assert claim.number in html
    assert reverse("insurance:claim_decision", args=[claim.pk]) not in html
    assert client.post(reverse("insurance:claim_withdraw", args=[claim.pk]), {}).status_code == 403


# --- the lists -------------------------------------------------------------------------------------


def test_the_list_holds_only_the_persons_part_of_the_organisation(
    client_for: Clients, persona: Callable[[str], User], incident: Incident
) -> None:
    mine = _claim(persona, incident)
    hemtjanst = Node.objects.get(organisation=incident.organisation, name="Hemtjänst Centrum")
    elsewhere, _created = report_incident(
        actor=persona("samordnare"),
        incident_type=incident.incident_type,
        occurred_at=timezone.now() - datetime.timedelta(hours=2),
        incident_node=hemtjanst,
        description="Klotter på entrén.",
    )
    theirs = _claim(persona, elsewhere, number="P-theirs")
    solrosen = Node.objects.get(name="Solrosens förskola")
    visible = set(Claim.objects.filter(node__path__startswith=solrosen.path).values_list("number", flat=True))
    response = client_for("chef.solrosen").get(reverse("insurance:claims"), {"year": timezone.localdate().year})
    assert response.status_code == 200
    numbers = {c.number for c in response.context["page"].object_list}
    assert mine.number in numbers
    assert theirs.number not in numbers
    assert numbers <= visible
    everyone = client_for("samordnare").get(reverse("insurance:claims"), {"year": timezone.localdate().year})
    assert {c.number for c in everyone.context["page"].object_list} >= numbers | {theirs.number}


def test_the_list_filters_on_status(client_for: Clients, persona: Callable[[str], User], incident: Incident) -> None:
    claim = _claim(persona, incident)
    client = client_for("samordnare")
    submitted = client.get(reverse("insurance:claims"), {"status": "submitted"}).context["page"].object_list
    assert claim in list(submitted)
    assert all(c.status == ClaimStatus.SUBMITTED for c in submitted)
    denied = client.get(reverse("insurance:claims"), {"status": "denied"}).context["page"].object_list
    assert claim not in list(denied)


def test_follow_up_lists_claims_without_a_decision_after_the_organisations_days(
    client_for: Clients, persona: Callable[[str], User], incident: Incident
) -> None:
    Incident.objects.filter(pk=incident.pk).update(occurred_on=timezone.localdate() - datetime.timedelta(days=200))
    incident.refresh_from_db()
    InsuranceSettings.objects.filter(organisation=incident.organisation).update(claim_follow_up_days=30)
    old = _claim(persona, incident, submitted_on=timezone.localdate() - datetime.timedelta(days=31), number="P-old")
    recent = _claim(persona, incident, submitted_on=timezone.localdate() - datetime.timedelta(days=29), number="P-new")
    response = client_for("samordnare").get(reverse("insurance:claim_follow_up"))
    listed = list(response.context["page"].object_list)
    assert old in listed
    assert recent not in listed
    assert "30 dagar" in response.content.decode()
    services.record_decision(
        actor=persona("samordnare"),
        claim=old,
        revision=None,
        status=ClaimStatus.DENIED,
        decided_on=timezone.localdate(),
    )
    again = client_for("samordnare").get(reverse("insurance:claim_follow_up"))
    assert old not in list(again.context["page"].object_list)
