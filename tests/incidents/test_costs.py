"""Costs and the accounting code string, kodsträng (services/accounting.py, cost lines in services/handling.py),
and the accounting settings."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.incidents.samples import fresh, sv
from varna.core.models import Organisation
from varna.demo.incidents import ensure_accounting_defaults
from varna.incidents.models import (
    AccountingSegment,
    AccountingValue,
    CostLine,
    TimelineEntry,
    TimelineKind,
)
from varna.incidents.services import (
    add_cost_line,
    delete_cost_line,
    validate_accounting_code,
)

VALID_CODE = "2100-407-6420"
STALE = "Someone else has changed this meanwhile. Reload the page and try again."


def test_default_accounting_segments_are_ansvar_verksamhet_konto_and_optional_projekt(persona) -> None:
    organisation = Organisation.objects.get(slug="exempelkommun")
    ensure_accounting_defaults(organisation=organisation)
    ensure_accounting_defaults(organisation=organisation)  # twice: nothing more
    segments = list(AccountingSegment.objects.filter(organisation=organisation).order_by("position"))
    assert [(s.code, s.required) for s in segments] == [
        ("ansvar", True),
        ("verksamhet", True),
        ("konto", True),
        ("projekt", False),
    ]
    assert all(len(v.value) == 4 for v in AccountingValue.objects.filter(segment=segments[0]))
    assert all(len(v.value) == 3 for v in AccountingValue.objects.filter(segment=segments[1]))
    assert all(len(v.value) == 4 for v in AccountingValue.objects.filter(segment=segments[2]))


def test_accounting_code_is_checked_segment_by_segment_naming_the_segment_and_the_bad_value(persona) -> None:
    organisation = Organisation.objects.get(slug="exempelkommun")
    ensure_accounting_defaults(organisation=organisation)
    assert validate_accounting_code(organisation_id=organisation.pk, code=" 2100 407 6420 ") == VALID_CODE
    assert validate_accounting_code(organisation_id=organisation.pk, code="2100-407-6420-P17") == VALID_CODE + "-P17"
    with pytest.raises(ValidationError) as caught:
        validate_accounting_code(organisation_id=organisation.pk, code="9999-407-1")
    messages = caught.value.messages
    assert any("Ansvar" in m and "9999" in m for m in messages)
    assert any("Konto" in m and "1" in m for m in messages)
    assert not any("Verksamhet" in m for m in messages)
    with pytest.raises(ValidationError) as missing:
        validate_accounting_code(organisation_id=organisation.pk, code="2100-407")
    assert any("Konto" in m for m in missing.value.messages)
    with pytest.raises(ValidationError):
        validate_accounting_code(organisation_id=organisation.pk, code="2100-407-6420-P1-X")


def test_cost_lines_keep_the_total_cost_equal_to_their_sum(persona, samples) -> None:
    chef = persona("chef.solrosen")
    case = samples["ordinary"]
    first = add_cost_line(
        actor=chef, incident=case, revision=None, amount=Decimal("1200.50"), accounting_code=VALID_CODE
    )
    add_cost_line(actor=chef, incident=case, revision=None, amount=Decimal("800"), accounting_code="1100-900-7690")
    assert fresh(case).total_cost == Decimal("2000.50")
    assert delete_cost_line(actor=chef, incident=case, line_id=first.pk, revision=None)
    assert not delete_cost_line(actor=chef, incident=case, line_id=first.pk, revision=None)  # a second click
    assert fresh(case).total_cost == Decimal("800.00")
    assert TimelineEntry.objects.filter(incident=case, kind=TimelineKind.COST).count() == 3


def test_cost_form_accepts_swedish_amounts_and_shows_the_bad_segment(client_for, samples) -> None:
    client = client_for("chef.solrosen")
    url = reverse("incidents:cost_add", args=[samples["ordinary"].pk])
    bad = client.post(
        url,
        {
            "cost-revision": samples["ordinary"].revision,
            "cost-amount": "1 200,50",
            "cost-accounting_code": "2100-999-6420",
        },
    )
    assert bad.status_code == 400
    assert "Verksamhet: 999" in bad.content.decode()
    assert not CostLine.objects.filter(incident=samples["ordinary"]).exists()
    good = client.post(
        url,
        {"cost-revision": samples["ordinary"].revision, "cost-amount": "1 200,50", "cost-accounting_code": VALID_CODE},
    )
    assert good.status_code == 302
    assert fresh(samples["ordinary"]).total_cost == Decimal("1200.50")


def test_double_submitted_cost_line_is_added_once(client_for, samples) -> None:
    client = client_for("chef.solrosen")
    url = reverse("incidents:cost_add", args=[samples["ordinary"].pk])
    data = {"cost-revision": samples["ordinary"].revision, "cost-amount": "500", "cost-accounting_code": VALID_CODE}
    client.post(url, data)
    second = client.post(url, data, follow=True)
    assert CostLine.objects.filter(incident=samples["ordinary"]).count() == 1
    assert sv(STALE) in second.content.decode()
    assert fresh(samples["ordinary"]).total_cost == Decimal("500.00")


def test_case_page_shows_costs_in_swedish_form_with_kronor(client_for, persona, samples) -> None:
    case = samples["ordinary"]
    chef = persona("chef.solrosen")
    add_cost_line(actor=chef, incident=case, revision=None, amount=Decimal("4500"), accounting_code=VALID_CODE)
    add_cost_line(actor=chef, incident=case, revision=None, amount=Decimal("1200.50"), accounting_code=VALID_CODE)
    page = client_for("chef.solrosen").get(reverse("incidents:detail", args=[case.pk])).content.decode()
    assert "4\u00a0500,00" in page and "1\u00a0200,50" in page  # grouped by thousands with a comma, not 4500.00
    assert "Totalt: 5\u00a0700,50 kr" in page
    assert "5700.50" not in page and "5700,50" not in page


# --- accounting settings --------------------------------------------------------------------------


def test_administrator_configures_the_accounting_values(client_for) -> None:
    client = client_for("admin")
    assert client.get(reverse("incidents:accounting_settings")).status_code == 200
    konto = AccountingSegment.objects.get(organisation__slug="exempelkommun", code="konto")
    client.post(reverse("incidents:accounting_value_add"), {"segment": konto.pk, "value": "6999", "name": "Test"})
    assert AccountingValue.objects.filter(segment=konto, value="6999").exists()
    value = AccountingValue.objects.get(segment=konto, value="6999")
    client.post(reverse("incidents:accounting_value_delete"), {"id": value.pk})
    client.post(reverse("incidents:accounting_value_delete"), {"id": value.pk})  # twice: harmless
    assert not AccountingValue.objects.filter(segment=konto, value="6999").exists()
    client.post(reverse("incidents:accounting_segment_add"), {"code": "objekt", "name": "Objekt"})
    added = AccountingSegment.objects.get(organisation__slug="exempelkommun", code="objekt")
    assert added.position == 5 and not added.required


def test_only_the_administrator_may_configure_accounting(client_for) -> None:
    assert client_for("samordnare").get(reverse("incidents:accounting_settings")).status_code == 403
    assert client_for("chef.solrosen").post(reverse("incidents:accounting_segment_add"), {}).status_code == 403


def test_without_segments_a_cost_is_refused_with_a_message_to_ask_the_administrator(client_for, samples) -> None:
    AccountingSegment.objects.filter(organisation__slug="exempelkommun").delete()  # outside the demo: none yet
    case = samples["ordinary"]
    response = client_for("chef.solrosen").post(
        reverse("incidents:cost_add", args=[case.pk]),
        {"cost-revision": case.revision, "cost-amount": "500", "cost-accounting_code": VALID_CODE},
    )
    assert response.status_code == 400
    assert sv("No accounting code segments are configured. Ask the administrator to set them up.") in (
        response.content.decode()
    )
    assert not CostLine.objects.filter(incident=case).exists()
    assert client_for("admin").get(reverse("incidents:accounting_settings")).status_code == 200
    assert not AccountingSegment.objects.filter(organisation__slug="exempelkommun").exists()
