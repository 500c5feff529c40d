"""A change history a person can read: names not ids, Swedish labels, local time, the children's changes."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.risks.schedule_samples import add_measure, area, clear_risk_data, make_analysis, user
from varna.core import formats
from varna.risks import services
from varna.risks.models import AnalysisStatus, RiskAnalysis


def _adopted_analysis_with_an_area() -> RiskAnalysis:
    clear_risk_data()
    actor = user("samordnare")
    analysis = make_analysis(analysed_on=timezone.localdate() - datetime.timedelta(days=2), status="in_progress")
    services.update_analysis(
        actor=actor, analysis=analysis, revision=None, security_areas=[area(analysis.organisation_id)]
    )
    add_measure(analysis)
    for status in (AnalysisStatus.DONE, AnalysisStatus.ADOPTED):
        analysis = services.change_analysis_status(actor=actor, analysis=analysis, status=status, revision=None)
    return analysis


def test_analysis_history_names_people_and_areas_in_swedish_with_its_risks_and_measures(
    client_for: Callable[[str], Client],
) -> None:
    analysis = _adopted_analysis_with_an_area()
    page = client_for("samordnare").get(reverse("risks:analysis_history", args=[analysis.pk])).content.decode()
    karin = user("samordnare").get_full_name()
    assert f"Fastställd av: – → {karin}" in page  # a name, not the person's id
    assert "status changed by" not in page  # bookkeeping fields without a label are left out
    assert "[{" not in page
    area_name = area(analysis.organisation_id).name
    assert f"Säkerhetsområden: lade till {area_name}" in page  # many-to-many as names added
    assert "Risk: " in page and "Brand i köket" in page  # the risk added to the analysis
    assert "Åtgärd: " in page and "Brandsläckare" in page  # and the measure
    assert "Riskbedömning: " in page  # and the judgement


def test_history_shows_local_time_to_the_minute() -> None:
    moment = datetime.datetime(2025, 6, 1, 10, 30, 15, 123456, tzinfo=datetime.UTC)
    assert formats.local_time(moment) == "2025-06-01 12:30"  # Europe/Stockholm, summer time


def test_history_page_has_no_seconds_or_utc_offsets(client_for: Callable[[str], Client]) -> None:
    analysis = _adopted_analysis_with_an_area()
    page = client_for("samordnare").get(reverse("risks:analysis_history", args=[analysis.pk])).content.decode()
    assert not re.search(r"\d{2}:\d{2}:\d{2}|\+00:00", page)


def test_money_and_numbers_are_written_the_swedish_way() -> None:
    assert formats.money("4500.00", 2) == "4\u00a0500,00\u00a0kr"
    assert formats.money(4500) == "4\u00a0500\u00a0kr"
    assert formats.money(-1234567.6) == "-1\u00a0234\u00a0568\u00a0kr"
    assert formats.number("3.25", 1) == "3,3"
    assert formats.money(None) == "–"
    assert formats.money("abc") == "–"


def test_history_shows_amounts_in_whole_kronor_and_ore_only_when_there_are_any() -> None:
    from decimal import Decimal

    from varna.core.history import _display
    from varna.insurance.models import Claim, InsurancePolicy

    assert _display(InsurancePolicy, "premium", Decimal("120400.00")) == "120\u00a0400\u00a0kr"
    assert _display(Claim, "claimed_amount", Decimal("4500.50")) == "4\u00a0500,50\u00a0kr"
    assert _display(Claim, "deductible", Decimal("25000.00")) == "25\u00a0000\u00a0kr"  # named in MONEY_FIELDS
    assert _display(InsurancePolicy, "deductible_price_base", Decimal("0.50")) == "0,50"  # prisbasbelopp, not kronor
