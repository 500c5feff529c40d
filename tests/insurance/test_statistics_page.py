"""The insurance statistics: damage insured and uninsured, payouts per cover line, the fund over time and the
total cost of risk per förvaltning, each a chart with its table. The figures are built in 2010-2011, years the
demo leaves empty."""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from tests.insurance import allocation_world as w
from varna.insurance.models import ClaimStatus, FundEntryKind
from varna.insurance.selectors import statistics
from varna.insurance.services import allocation as allocation_services

D = Decimal
PERIOD = statistics.Period(2010, 2011)


@pytest.fixture
def figures(demo: None) -> dict[str, object]:
    org = w.organisation()
    w.without_demo_exposure_or_allocations()
    insurance = w.policy(valid_from=datetime.date(2009, 1, 1), valid_to=datetime.date(2012, 12, 31), number="S-1")
    motor = w.policy(
        line="motor", valid_from=datetime.date(2009, 1, 1), valid_to=datetime.date(2012, 12, 31), number="S-2"
    )
    insured = w.damage(w.SOLROSEN, datetime.date(2010, 3, 1), 150_000)
    w.claim(insured, insurance, deductible=10_000, paid=[(datetime.date(2010, 6, 1), 140_000)])
    crash = w.damage(w.HEMTJANST, datetime.date(2010, 4, 1), 60_000)
    w.claim(crash, motor, deductible=5_000, paid=[(datetime.date(2011, 2, 1), 55_000)])
    denied = w.damage(w.SOLROSEN, datetime.date(2010, 5, 1), 30_000)
    w.claim(denied, insurance, deductible=10_000, status=ClaimStatus.DENIED)
    w.damage(w.SOLROSEN, datetime.date(2010, 9, 1), 20_000)  # no claim at all
    w.damage(w.HEMTJANST, datetime.date(2011, 1, 10), 7_000)
    w.fund_entry(FundEntryKind.CONTRIBUTION, 100_000, datetime.date(2010, 1, 15), name=w.BOU)
    payout = w.fund_entry(FundEntryKind.PAYOUT, -30_000, datetime.date(2010, 8, 1), name=w.BOU)
    w.fund_entry(FundEntryKind.CORRECTION, 5_000, datetime.date(2010, 9, 1), corrects=payout)
    w.fund_entry(FundEntryKind.GRANT, -20_000, datetime.date(2011, 3, 1), name=w.SOLROSEN)
    w.insured_value(w.BOU, 2011, 10_000_000)
    w.insured_value(w.VOO, 2011, 10_000_000)
    allocation = allocation_services.create_draft(
        actor=w.user("samordnare"), year=2011, premium_total=D(1_000_000), contribution_total=D(0)
    )
    allocation_services.fix_allocation(actor=w.user("samordnare"), allocation=allocation, revision=None)
    return {"org": org, "allocation": allocation}


def test_damage_is_split_into_insured_and_uninsured_with_the_deductibles(figures: dict[str, object]) -> None:
    rows = statistics.damage_by_year(w.organisation().pk, PERIOD)
    y2010, y2011 = rows
    assert (y2010.year, y2010.count, y2010.cost) == (2010, 4, D(260_000))
    assert y2010.insured == D(210_000)  # the denied claim leaves its damage uninsured
    assert y2010.uninsured == D(50_000)
    assert y2010.deductible == D(15_000)
    assert (y2011.cost, y2011.insured, y2011.deductible) == (D(7_000), D(0), D(0))


def test_payouts_are_summed_per_cover_line(figures: dict[str, object]) -> None:
    rows = statistics.payouts_by_cover_line(w.organisation().pk, PERIOD)
    assert [(r.name, r.claims, r.amount) for r in rows] == [("Egendom", 1, D(140_000)), ("Motor", 1, D(55_000))]


def test_the_fund_balance_at_the_end_of_each_year_is_the_sum_of_its_entries(figures: dict[str, object]) -> None:
    rows = statistics.fund_by_year(w.organisation().pk, PERIOD)
    assert [r.balance for r in rows] == [D(75_000), D(55_000)]
    assert rows[0].by_kind[FundEntryKind.PAYOUT] == D(-30_000)
    assert rows[0].by_kind[FundEntryKind.CORRECTION] == D(5_000)
    assert rows[1].by_kind[FundEntryKind.GRANT] == D(-20_000)


def test_total_cost_of_risk_adds_premium_share_deductibles_uninsured_damage_and_grants(
    figures: dict[str, object],
) -> None:
    risk = statistics.cost_of_risk(w.organisation().pk, 2011)
    by_name = {r.name: r for r in risk.rows}
    bou = by_name[w.BOU]
    allocation = figures["allocation"]
    premium = allocation.lines.get(node__name=w.BOU).premium_amount  # type: ignore[attr-defined]
    assert bou.premium == premium
    assert bou.prevention == D(20_000)
    assert bou.total == premium + D(20_000)
    voo = by_name[w.VOO]
    assert voo.uninsured == D(7_000)
    earlier = {r.name: r for r in statistics.cost_of_risk(w.organisation().pk, 2010).rows}
    assert earlier[w.BOU].deductible == D(10_000) and earlier[w.BOU].uninsured == D(50_000)
    assert earlier[w.VOO].deductible == D(5_000)
    assert earlier[w.BOU].premium == 0  # 2010 has no fixed allocation


def test_the_page_shows_each_chart_with_its_table(client_for: Callable[[str], Client], figures: object) -> None:
    page = client_for("samordnare").get(reverse("insurance:statistics"), {"year_from": 2010, "year_to": 2011})
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count("data:image/svg+xml;base64,") == 4
    for table in ("table-damage", "table-payouts", "table-fund", "table-risk"):
        assert f'id="{table}"' in html
    assert "Total riskkostnad per förvaltning 2011" in html
    assert "Självriskfonden per år" in html


def test_a_bad_period_falls_back_to_the_last_five_years(client_for: Callable[[str], Client], demo: None) -> None:
    page = client_for("samordnare").get(reverse("insurance:statistics"), {"year_from": 2020, "year_to": 2001})
    assert page.status_code == 200
    assert "Det första året kan inte komma efter det sista." in page.content.decode()


def test_the_statistics_download_as_excel(client_for: Callable[[str], Client], figures: object) -> None:
    response = client_for("samordnare").get(reverse("insurance:statistics_xlsx"), {"year_from": 2010, "year_to": 2011})
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert len(book.worksheets) == 5  # the selection and four tables
    assert book.worksheets[1]["A1"].value == "Skadekostnad per år, försäkrad och oförsäkrad"


def test_only_those_who_keep_the_insurance_see_the_statistics(client_for: Callable[[str], Client], demo: None) -> None:
    assert client_for("chef.solrosen").get(reverse("insurance:statistics")).status_code == 403
    assert client_for("handlaggare.bou").get(reverse("insurance:statistics")).status_code == 403
    client = Client()
    client.force_login(w.insurance_handler())
    assert client.get(reverse("insurance:statistics")).status_code == 200


def test_the_figures_take_a_fixed_number_of_queries(
    figures: object, django_assert_max_num_queries: Callable[[int], object]
) -> None:
    user = w.user("samordnare")
    with django_assert_max_num_queries(12):  # type: ignore[attr-defined]
        statistics.statistics_page(user, PERIOD)
