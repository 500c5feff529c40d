"""The deductible fund's pages in the running app: the fund, a unit's ledger, booking, the rules, a payout request
from an incident with its computation shown first, the coordinator's decision, grants, the overview panel and
the API."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from tests.insurance.fund_world import FundWorld, build_fund_world, contribute
from varna.core.models import User
from varna.core.tokens import issue_token
from varna.insurance.models import FundEntry, FundEntryKind, GrantApplication, PayoutRequest, RequestStatus
from varna.insurance.services import fund_requests as requests


@pytest.fixture
def fw(db: None) -> FundWorld:
    world = build_fund_world()
    contribute(world, world.w.sun_school, 100000)
    contribute(world, world.w.home_care, 50000)
    return world


def client(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


def text(response: object) -> str:
    return response.content.decode().replace("\u00a0", " ")  # type: ignore[attr-defined]


def test_the_fund_page_shows_the_balance_per_administration_in_swedish(fw: FundWorld) -> None:
    page = text(client(fw.w.coordinator).get("/insurance/fund/"))
    assert "Självriskfond" in page
    assert 'id="fund-balance">150 000 kr' in page
    assert "Barn- och utbildningsförvaltningen" in page and "Socialförvaltningen" in page
    assert "Saldo per förvaltning" in page
    assert "Bokför en post" in page  # the coordinator books


def test_a_unit_manager_sees_only_the_units_balance_and_entries(fw: FundWorld) -> None:
    page = text(client(fw.w.manager).get("/insurance/fund/"))
    assert 'id="fund-balance">100 000 kr' in page
    assert "Socialförvaltningen" not in page and "Hemtjänst Norr" not in page
    assert "Bokför en post" not in page
    ledger = client(fw.w.manager).get(f"/insurance/fund/units/{fw.w.sun_school.pk}/")
    assert ledger.status_code == 200 and 'id="node-balance">100 000 kr' in text(ledger)
    assert client(fw.w.manager).get(f"/insurance/fund/units/{fw.w.home_care.pk}/").status_code == 404
    assert client(fw.w.employee).get("/insurance/fund/").status_code == 403
    assert client(fw.w.outsider).get(f"/insurance/fund/units/{fw.w.sun_school.pk}/").status_code == 404


def test_the_coordinator_books_a_contribution_once_and_a_correction(fw: FundWorld) -> None:
    c = client(fw.w.coordinator)
    data = {
        "kind": "contribution",
        "amount": "12 500",
        "booked_on": timezone.localdate().isoformat(),
        "node": str(fw.w.moon_school.pk),
        "text": "Avgift 2026",
    }
    assert c.post("/insurance/fund/entries/new/", data).status_code == 302
    assert c.post("/insurance/fund/entries/new/", data).status_code == 302  # a double submit
    booked = FundEntry.objects.get(node=fw.w.moon_school)
    assert booked.amount == Decimal(12500)
    correction = {**data, "kind": "correction", "amount": "-2 500", "corrects": booked.number, "node": ""}
    assert c.post("/insurance/fund/entries/new/", correction).status_code == 302
    fixed = FundEntry.objects.get(kind=FundEntryKind.CORRECTION)
    assert fixed.corrects == booked and fixed.amount == Decimal(-2500) and fixed.node == fw.w.moon_school


def test_a_refused_booking_shows_the_swedish_message_and_books_nothing(fw: FundWorld) -> None:
    c = client(fw.w.coordinator)
    before = FundEntry.objects.count()
    bad = c.post(
        "/insurance/fund/entries/new/",
        {"kind": "contribution", "amount": "-5", "booked_on": timezone.localdate().isoformat(), "text": "x"},
    )
    assert bad.status_code == 400
    assert "En avgift eller ränta ökar fonden" in text(bad)
    nonsense = c.post("/insurance/fund/entries/new/", {"kind": "correction", "amount": "abc", "corrects": "nej"})
    assert nonsense.status_code == 400
    assert "Skriv beloppet i kronor" in text(nonsense) and "Det finns ingen post med det numret" in text(nonsense)
    assert FundEntry.objects.count() == before
    assert client(fw.w.manager).post("/insurance/fund/entries/new/", {}).status_code == 403


def test_a_unit_sees_the_computation_before_it_sends_and_the_coordinator_approves(fw: FundWorld) -> None:
    url = f"/insurance/fund/incidents/{fw.sun_incident.pk}/payout/"
    manager = client(fw.w.manager)
    form = {"claim": str(fw.claim.pk), "damage_cost": "48 000"}
    first = manager.get(url)
    assert first.status_code == 200 and "Visa beräkningen" in text(first) and "Skicka ansökan" not in text(first)
    preview = manager.post(url, {**form, "preview": "1"})
    assert preview.status_code == 200
    for line in (
        "Skadekostnad 48 000 kr.",
        "Självrisk enligt försäkringen 29 600 kr.",
        "Enhetens egen andel 10 000 kr.",
        "Fonden betalar 19 600 kr.",
    ):
        assert f"<p>{line}</p>" in text(preview)
    assert "Skicka ansökan" in text(preview)
    assert not PayoutRequest.objects.exists()  # the preview writes nothing
    assert manager.post(url, {**form, "send": "1"}).status_code == 302
    request = PayoutRequest.objects.get()
    waiting = text(manager.get(url))
    assert "Väntar på beslut" in waiting and "Besluta om ansökan" not in waiting

    coordinator = client(fw.w.coordinator)
    assert "Ansökningar om utbetalning som väntar" in text(coordinator.get("/"))
    assert fw.sun_incident.number in text(coordinator.get("/insurance/fund/requests/"))
    assert "Besluta om ansökan" in text(coordinator.get(url))
    decided = coordinator.post(f"{url}decide/", {"decision": "approve", "revision": str(request.revision)}, follow=True)
    assert "Ansökan har beviljats och 19 600 kr har betalats ut" in text(decided)
    request.refresh_from_db()
    assert request.status == RequestStatus.APPROVED and request.entry is not None
    paid = text(manager.get(url))
    assert "Fonden har betalat för den här skadan." in paid and "Visa beräkningen" not in paid
    ledger = text(manager.get(f"/insurance/fund/units/{fw.w.sun_school.pk}/"))
    assert request.entry.number in ledger and 'id="node-balance">80 400 kr' in ledger
    assert 'id="fund-balance">130 400 kr' in text(coordinator.get("/insurance/fund/"))


def test_an_empty_decision_decides_nothing_and_a_rejection_needs_a_reason(fw: FundWorld) -> None:
    request = requests.request_payout(actor=fw.w.manager, incident=fw.sun_incident, damage_cost=Decimal(30000))
    url = f"/insurance/fund/incidents/{fw.sun_incident.pk}/payout/decide/"
    coordinator = client(fw.w.coordinator)
    assert coordinator.post(url, {}).status_code == 302
    refused = coordinator.post(url, {"decision": "reject", "reason": ""}, follow=True)
    assert "Skriv varför ansökan avslås." in text(refused)
    request.refresh_from_db()
    assert request.status == RequestStatus.REQUESTED
    assert client(fw.w.manager).post(url, {"decision": "approve"}).status_code == 403
    coordinator.post(url, {"decision": "reject", "reason": "Ersatt av motparten."})
    request.refresh_from_db()
    assert request.status == RequestStatus.REJECTED


def test_the_incident_page_offers_to_ask_the_fund(fw: FundWorld) -> None:
    page = text(client(fw.w.manager).get(f"/incidents/{fw.sun_incident.pk}/"))
    assert f"/insurance/fund/incidents/{fw.sun_incident.pk}/payout/" in page
    assert "Ansök om utbetalning från självriskfonden för skadan" in page


def test_a_unit_applies_for_a_grant_and_the_coordinator_grants_less(fw: FundWorld) -> None:
    manager = client(fw.w.manager)
    listing = text(manager.get("/insurance/fund/grants/"))
    assert fw.measure.title in listing and fw.other_measure.title not in listing
    assert "följs upp" in listing  # the effect is for the follow-up, said modestly
    url = f"/insurance/fund/measures/{fw.measure.pk}/grant/"
    assert manager.post(url, {"amount": "40 000", "motivation": "Larmet stoppar inbrotten."}).status_code == 302
    application = GrantApplication.objects.get()
    coordinator = client(fw.w.coordinator)
    coordinator.post(
        f"{url}decide/", {"decision": "approve", "granted_amount": "25 000", "revision": str(application.revision)}
    )
    application.refresh_from_db()
    assert application.status == RequestStatus.APPROVED and application.granted_amount == Decimal(25000)
    assert application.entry is not None and application.entry.measure == fw.measure
    assert manager.get(f"/insurance/fund/measures/{fw.other_measure.pk}/grant/").status_code == 404


def test_the_rules_form_saves_and_refuses_a_stale_form(fw: FundWorld) -> None:
    c = client(fw.w.coordinator)
    page = c.get("/insurance/fund/rules/")
    assert page.status_code == 200 and 'value="10000"' in text(page)
    data = {"own_share": "5 000", "cap_per_event": "", "cap_per_year": "200 000", "floor": "25 000", "revision": "1"}
    assert c.post("/insurance/fund/rules/", data).status_code == 302
    fw.rules.refresh_from_db()
    fw.fund.refresh_from_db()
    assert (fw.rules.own_share, fw.rules.pays_uninsured, fw.rules.cap_per_year) == (
        Decimal(5000),
        False,
        Decimal(200000),
    )
    assert fw.fund.floor == Decimal(25000)
    stale = c.post("/insurance/fund/rules/", {**data, "own_share": "1"})
    assert stale.status_code == 400 and "Någon annan har ändrat" in text(stale)
    assert client(fw.w.officer).get("/insurance/fund/rules/").status_code == 403


def test_the_entries_page_filters(fw: FundWorld) -> None:
    c = client(fw.w.coordinator)
    every = text(c.get("/insurance/fund/entries/"))
    assert "2 poster" in every and "Summa: 150 000 kr." in every
    sun, home = FundEntry.objects.get(node=fw.w.sun_school), FundEntry.objects.get(node=fw.w.home_care)
    social = text(c.get(f"/insurance/fund/entries/?node={fw.w.social_admin.pk}"))
    assert "1 post" in social and f'id="entry-{home.number}"' in social and f'id="entry-{sun.number}"' not in social
    assert c.get("/insurance/fund/entries/?node=abc&kind=nonsense&date_from=x").status_code == 200


def api(user: User, path: str) -> object:
    token = issue_token(user=user, actor=None)
    return Client().get(f"/api/v1{path}", HTTP_AUTHORIZATION=f"Bearer {token}")


def test_the_api_gives_the_balance_and_the_entries_scoped(fw: FundWorld) -> None:
    whole = api(fw.w.coordinator, "/insurance/fund").json()  # type: ignore[attr-defined]
    assert whole["whole_fund"] is True and Decimal(whole["balance"]) == Decimal(150000)
    by_name = {n["name"]: n for n in whole["nodes"]}
    assert Decimal(by_name["Barn- och utbildningsförvaltningen"]["subtree_balance"]) == Decimal(100000)
    mine = api(fw.w.manager, "/insurance/fund").json()  # type: ignore[attr-defined]
    assert mine["whole_fund"] is False and Decimal(mine["balance"]) == Decimal(100000) and mine["floor"] is None
    assert [n["name"] for n in mine["nodes"]] == ["Solskolan"]
    entries = api(fw.w.manager, "/insurance/fund/entries").json()  # type: ignore[attr-defined]
    assert entries["count"] == 1 and entries["items"][0]["node"]["name"] == "Solskolan"
    outside = api(fw.w.manager, f"/insurance/fund/entries?node={fw.w.home_care.pk}").json()  # type: ignore[attr-defined]
    assert outside["count"] == 0
    assert api(fw.w.employee, "/insurance/fund").status_code == 403  # type: ignore[attr-defined]
