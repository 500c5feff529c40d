"""The allocation's pages and API, as the coordinator, the insurance handler, a förvaltning's security officer
and people without access: the list, a draft's settings, fixing with a confirmation, a new version, Excel, a
node's own page, and GET /api/v1/insurance/allocations."""

from __future__ import annotations

import io
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.insurance import allocation_world as w
from varna.core.tokens import issue_token
from varna.insurance.models import Allocation, AllocationStatus, FundEntry
from varna.insurance.services import allocation as services

YEAR = timezone.localdate().year + 1
D = Decimal


@pytest.fixture(autouse=True)
def _own_figures(demo: None) -> None:
    w.without_demo_exposure_or_allocations()


def _draft(year: int = YEAR) -> Allocation:
    w.organisation()
    w.insured_value(w.BOU, year, 40_000_000)
    return services.create_draft(
        actor=w.user("samordnare"), year=year, premium_total=D(5_000_000), contribution_total=D(2_000_000)
    )


def _fixed(year: int = YEAR) -> Allocation:
    return services.fix_allocation(actor=w.user("samordnare"), allocation=_draft(year), revision=None)


def _api(username: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {issue_token(user=w.user(username), actor=None)}")


def test_coordinator_starts_a_draft_from_the_form(client_for: Callable[[str], Client]) -> None:
    w.organisation()
    client = client_for("samordnare")
    page = client.get(reverse("insurance:allocation_new"))
    assert page.status_code == 200
    assert "Beräkna utkastet" in page.content.decode()
    data = {
        "year": YEAR,
        "premium_total": "5000000",
        "contribution_total": "2000000",
        "exposure_weight": 60,
        "history_years": 3,
        "max_change": 25,
        "analysis_discount": 5,
        "plan_discount": 5,
    }
    response = client.post(reverse("insurance:allocation_new"), data)
    allocation = Allocation.objects.get(year=YEAR)
    assert response.status_code == 302 and response["Location"] == reverse("insurance:allocation", args=[allocation.pk])
    assert allocation.contribution_total == D(2_000_000)


def test_bad_input_on_the_form_is_a_swedish_message_and_no_draft(client_for: Callable[[str], Client]) -> None:
    response = client_for("samordnare").post(
        reverse("insurance:allocation_new"),
        {"year": YEAR, "contribution_total": "-1", "exposure_weight": 150, "history_years": 3, "max_change": 25,
         "analysis_discount": 5, "plan_discount": 5},
    )  # fmt: skip
    assert response.status_code == 400
    assert "Ingenting har sparats" in response.content.decode()
    assert not Allocation.objects.exists()


def test_draft_page_shows_every_line_with_its_explanation_and_the_settings(client_for: Callable[[str], Client]) -> None:
    allocation = _draft()
    page = client_for("samordnare").get(reverse("insurance:allocation", args=[allocation.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert f"Kostnadsfördelning {YEAR}, version 1" in html
    assert w.BOU in html and "Er andel av kostnaderna är" in html
    assert "Beräkna om" in html  # the settings form of a draft
    assert "Fastställ kostnadsfördelningen" in html
    assert "Rabatten för utrymningskontroller används inte än" in html


def test_draft_is_computed_again_from_the_page(client_for: Callable[[str], Client]) -> None:
    allocation = _draft()
    data = {
        "premium_total": "100", "contribution_total": "10", "exposure_weight": 100, "history_years": 2,
        "max_change": 10, "analysis_discount": 0, "plan_discount": 0, "revision": allocation.revision,
    }  # fmt: skip
    response = client_for("samordnare").post(reverse("insurance:allocation", args=[allocation.pk]), data)
    assert response.status_code == 302
    allocation.refresh_from_db()
    assert (allocation.premium_total, allocation.history_years) == (D(100), 2)


def test_fixing_asks_for_a_confirmation_and_books_the_contributions(client_for: Callable[[str], Client]) -> None:
    allocation = _draft()
    client = client_for("samordnare")
    url = reverse("insurance:allocation_fix", args=[allocation.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Poster i självriskfonden" in page.content.decode()
    refused = client.post(url, {"revision": allocation.revision, "booked_on": timezone.localdate()})
    assert refused.status_code == 400  # without the confirmation
    allocation.refresh_from_db()
    assert allocation.status == AllocationStatus.DRAFT
    done = client.post(url, {"revision": allocation.revision, "booked_on": timezone.localdate(), "confirm": "on"})
    assert done.status_code == 302
    allocation.refresh_from_db()
    assert allocation.status == AllocationStatus.FIXED
    assert (
        FundEntry.objects.filter(text__startswith=f"Kostnadsfördelning {YEAR}").count()
        == allocation.lines.filter(contribution_amount__gt=0).count()
    )
    page = client.get(reverse("insurance:allocation", args=[allocation.pk]))
    assert "Gör en ny version" in page.content.decode() and "Beräkna om" not in page.content.decode()


def test_the_insurance_handler_keeps_drafts_but_cannot_fix_them() -> None:
    allocation = _draft()
    client = Client()
    client.force_login(w.insurance_handler())
    assert client.get(reverse("insurance:allocation", args=[allocation.pk])).status_code == 200
    assert client.get(reverse("insurance:allocation_fix", args=[allocation.pk])).status_code == 403


def test_a_new_version_is_started_from_the_fixed_one(client_for: Callable[[str], Client]) -> None:
    fixed = _fixed()
    response = client_for("samordnare").post(reverse("insurance:allocation_new_version", args=[fixed.pk]))
    draft = Allocation.objects.get(replaces=fixed)
    assert response.status_code == 302 and response["Location"] == reverse("insurance:allocation", args=[draft.pk])
    assert draft.version == 2 and draft.status == AllocationStatus.DRAFT


def test_a_draft_is_removed_only_with_the_box_ticked(client_for: Callable[[str], Client]) -> None:
    allocation = _draft()
    client = client_for("samordnare")
    url = reverse("insurance:allocation_discard", args=[allocation.pk])
    client.post(url, {"revision": allocation.revision})
    assert Allocation.objects.filter(pk=allocation.pk).exists()
    client.post(url, {"revision": allocation.revision, "confirm": "on"})
    assert not Allocation.objects.filter(pk=allocation.pk).exists()


def test_excel_has_swedish_column_names_and_every_line(client_for: Callable[[str], Client]) -> None:
    allocation = _draft()
    response = client_for("samordnare").get(reverse("insurance:allocation_xlsx", args=[allocation.pk]))
    assert response.status_code == 200
    assert f"kostnadsfordelning-{YEAR}-v1.xlsx" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.worksheets[1]
    headers = [cell.value for cell in sheet[2]]
    assert headers[:3] == ["Enhet", "Försäkringsvärde (kr)", "Personal"]
    assert "Avgift till självriskfonden (kr)" in headers and "Förklaring" in headers
    names = [row[0].value for row in sheet.iter_rows(min_row=3)]
    assert w.BOU in names and "Totalt" in names
    assert len([n for n in names if n and n != "Totalt"]) == allocation.lines.count()


def test_unit_staff_and_other_municipalities_cannot_open_the_allocation(client_for: Callable[[str], Client]) -> None:
    allocation = _draft()
    assert client_for("chef.solrosen").get(reverse("insurance:allocations")).status_code == 403
    assert client_for("handlaggare.bou").get(reverse("insurance:allocation", args=[allocation.pk])).status_code == 403
    assert (
        client_for("samordnare.grannby").get(reverse("insurance:allocation", args=[allocation.pk])).status_code == 404
    )


def test_a_forvaltning_sees_its_own_share_with_its_explanation(client_for: Callable[[str], Client]) -> None:
    _fixed()
    page = client_for("handlaggare.bou").get(reverse("insurance:my_allocation"))
    html = page.content.decode()
    assert page.status_code == 200
    assert f"Er kostnadsfördelning {YEAR}" in html
    assert w.BOU in html and "Er andel av kostnaderna är" in html
    assert w.VOO not in html


def test_a_draft_is_not_shown_to_the_forvaltning(client_for: Callable[[str], Client]) -> None:
    _draft()
    html = client_for("handlaggare.bou").get(reverse("insurance:my_allocation")).content.decode()
    assert "Det finns ingen fastställd kostnadsfördelning" in html


def test_a_unit_manager_is_told_that_the_allocation_is_per_forvaltning(client_for: Callable[[str], Client]) -> None:
    _fixed()
    html = client_for("chef.solrosen").get(reverse("insurance:my_allocation")).content.decode()
    assert "Kostnaderna fördelas per förvaltning och bolag" in html
    assert "Er andel av kostnaderna är" not in html


def test_api_lists_every_line_for_the_coordinator_and_only_its_own_for_a_forvaltning() -> None:
    fixed = _fixed()
    everything = _api("samordnare").get("/api/v1/insurance/allocations").json()
    assert everything["count"] == 1
    assert len(everything["items"][0]["lines"]) == fixed.lines.count() > 1
    own = _api("handlaggare.bou").get("/api/v1/insurance/allocations").json()
    assert [line["node"]["name"] for line in own["items"][0]["lines"]] == [w.BOU]
    assert own["items"][0]["lines"][0]["explanation"].startswith("Er andel")


def test_api_hides_drafts_from_a_forvaltning_and_one_allocation_from_another_municipality() -> None:
    draft = _draft()
    assert _api("handlaggare.bou").get("/api/v1/insurance/allocations").json()["count"] == 0
    detail = _api("samordnare").get(f"/api/v1/insurance/allocations/{draft.pk}")
    assert detail.status_code == 200 and detail.json()["status"] == "draft"
    assert _api("samordnare.grannby").get(f"/api/v1/insurance/allocations/{draft.pk}").status_code == 404
    assert _api("chef.solrosen").get("/api/v1/insurance/allocations").status_code == 200
    assert _api("anstalld").get("/api/v1/insurance/allocations").status_code == 403
