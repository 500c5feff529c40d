"""The demo's insurance programme, claims and deductible fund: deterministic, consistent, and a ledger that
reconciles and never falls below the fund's floor."""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

import pytest
from django.db.models import Count, F, Max, Q, Sum
from django.utils import timezone

from tests.conftest import TEST_SCALE
from tests.demo.fingerprint import digest_of_generation, fingerprint
from varna.core.models import CaseCounter, Node, Organisation
from varna.core.services import next_case_number
from varna.demo import insurance as demo_insurance
from varna.demo import insurance_fund
from varna.demo.generator import generate
from varna.demo.personas import persona
from varna.insurance.models import (
    Claim,
    ClaimPayment,
    ClaimStatus,
    DeductibleFund,
    FundEntry,
    FundEntryKind,
    GrantApplication,
    InsurancePolicy,
    InsuredValue,
    PayoutRequest,
    Procurement,
    RequestStatus,
)

pytestmark = pytest.mark.django_db

MEDIUM = 0.5  # about 1,450 incidents and 90 claims in Exempelkommun: enough for every outcome to show


def _digest() -> str:
    return fingerprint(
        InsurancePolicy.objects.order_by("organisation__slug", "valid_from", "cover_line__code", "policy_number")
        .values_list("organisation__slug", "cover_line__code", "insurer", "policy_number", "valid_from",
                     "valid_to", "premium", "sum_insured", "deductible_amount", "deductible_price_base"),
        Procurement.objects.order_by("organisation__slug", "decided_on").values_list(
            "organisation__slug", "insurer", "contract_from", "contract_to", "next_procurement_on"
        ),
        InsuredValue.objects.order_by("node__path", "year", "facility__name", "building_value").values_list(
            "node__path", "year", "facility__name", "building_value", "contents_value"
        ),
        Claim.objects.order_by("organisation__slug", "number").values_list(
            "organisation__slug", "number", "incident__number", "policy__policy_number", "claimed_amount",
            "deductible", "status", "submitted_on", "decided_on", "compensation",
        ),
        ClaimPayment.objects.order_by("claim__organisation__slug", "claim__number", "paid_on").values_list(
            "claim__number", "paid_on", "amount"
        ),
        FundEntry.objects.order_by("organisation__slug", "number").values_list(
            "organisation__slug", "number", "booked_on", "kind", "amount", "node__path", "claim__number",
            "measure__number", "corrects__number", "text",
        ),
    )  # fmt: skip


def test_same_arguments_give_the_same_programme_claims_and_ledger() -> None:
    first = digest_of_generation(_digest, scale=TEST_SCALE, organisations=3, seed=3)
    assert first == digest_of_generation(_digest, scale=TEST_SCALE, organisations=3, seed=3)
    assert first != digest_of_generation(_digest, scale=TEST_SCALE, organisations=3, seed=4)


def test_every_municipality_has_a_programme_with_a_policy_per_main_cover_line_and_two_procurements(demo: None) -> None:
    today = timezone.localdate()
    for org in Organisation.objects.all():
        current = InsurancePolicy.objects.filter(organisation=org, valid_from__lte=today, valid_to__gte=today)
        general = current.filter(nodes__isnull=True)
        assert sorted(general.values_list("cover_line__code", flat=True)) == sorted(
            line.code for line in demo_insurance.LINES
        )
        assert all(p.premium > 0 for p in current)
        in_price_base = general.filter(deductible_price_base__isnull=False)
        assert {"property", "liability"} <= set(in_price_base.values_list("cover_line__code", flat=True))
        assert "inbrottslarm" in general.get(cover_line__code="property").conditions
        assert current.filter(nodes__kind="company", cover_line__code="property").count() == 1  # the housing company
        procurements = list(Procurement.objects.filter(organisation=org).order_by("contract_from"))
        assert len(procurements) == 2
        assert procurements[0].contract_to < procurements[1].contract_from <= today
        nxt = procurements[1].next_procurement_on
        assert nxt is not None and today < nxt < procurements[1].contract_to


def test_every_facility_has_insured_values_for_each_of_five_years(demo: None) -> None:
    years = set(InsuredValue.objects.values_list("year", flat=True))
    assert len(years) == demo_insurance.YEARS and max(years) == timezone.localdate().year
    with_values = InsuredValue.objects.filter(facility__isnull=False).values("facility").annotate(n=Count("year"))
    assert {row["n"] for row in with_values} == {demo_insurance.YEARS}
    assert not InsuredValue.objects.exclude(node=F("facility__node")).filter(facility__isnull=False).exists()
    assert not InsuredValue.objects.exclude(organisation=F("node__organisation")).exists()


def test_every_claim_comes_from_a_visible_incident_of_its_own_organisation_and_unit() -> None:
    generate(scale=MEDIUM, organisations=2, seed=1)
    claims = Claim.objects.all()
    assert claims.count() > 50
    assert not claims.exclude(organisation=F("incident__organisation")).exists()
    assert not claims.exclude(organisation=F("policy__organisation")).exists()
    assert not claims.exclude(node=F("incident__incident_node")).exists()
    assert not claims.filter(incident__is_confidential=True).exists()
    in_force = Q(policy__valid_from__lte=F("incident__occurred_on"), policy__valid_to__gte=F("incident__occurred_on"))
    assert not claims.exclude(in_force).exists()
    assert not claims.filter(submitted_on__lt=F("incident__occurred_on")).exists()
    statuses = dict(claims.values_list("status").annotate(n=Count("id")))
    assert statuses[ClaimStatus.PAID] > claims.count() / 2  # most are decided and paid ...
    assert statuses[ClaimStatus.DENIED] > 0 and statuses[ClaimStatus.SUBMITTED] > 0  # ... some denied, some open
    paid = claims.filter(status=ClaimStatus.PAID).annotate(paid=Sum("payments__amount"))
    assert all(c.paid == c.compensation for c in paid)
    assert not claims.filter(status=ClaimStatus.DENIED, compensation__isnull=False).exists()
    assert not claims.filter(status=ClaimStatus.SUBMITTED, decided_on__isnull=False).exists()
    # The fund pays the deductible above the unit's own share of paid claims, on the claim's unit.
    payouts = FundEntry.objects.filter(kind=FundEntryKind.PAYOUT, claim__isnull=False)
    assert payouts.exists()
    assert not payouts.exclude(incident=F("claim__incident")).exists()
    assert not payouts.filter(amount__lt=-F("claim__deductible")).exists()
    # Grants go to preventive measures of the same organisation, on the measure's unit.
    grants = FundEntry.objects.filter(kind=FundEntryKind.GRANT)
    assert grants.exists() and not grants.exclude(node=F("measure__node")).exists()
    assert not grants.exclude(organisation=F("measure__organisation")).exists()


def test_the_balance_per_node_is_the_sum_of_its_entries_and_never_below_the_floor(demo: None) -> None:
    for org in Organisation.objects.all():
        fund = DeductibleFund.objects.get(organisation=org)
        rows = list(FundEntry.objects.filter(fund=fund).values_list("node_id", "amount", "booked_on"))
        assert rows
        by_node: dict[int | None, Decimal] = defaultdict(Decimal)
        by_day: dict[datetime.date, Decimal] = defaultdict(Decimal)
        for node_id, amount, day in rows:
            by_node[node_id] += amount
            by_day[day] += amount
        grouped = dict(FundEntry.objects.filter(fund=fund).values_list("node").annotate(s=Sum("amount")))
        assert grouped == dict(by_node)
        paths = dict(Node.objects.filter(organisation=org).values_list("pk", "path"))
        for node in Node.objects.filter(organisation=org, kind__in=("administration", "company")):
            subtree = FundEntry.objects.filter(fund=fund, node__path__startswith=node.path).aggregate(s=Sum("amount"))
            expected = sum((s for n, s in by_node.items() if n and paths[n].startswith(node.path)), Decimal(0))
            assert (subtree["s"] or 0) == expected, node.name
        balance = Decimal(0)
        for day in sorted(by_day):
            balance += by_day[day]
            assert balance >= fund.floor, f"{org.slug}: {balance} below the floor {fund.floor} on {day}"
        assert balance == sum(by_node.values())


def test_the_fund_pages_balances_are_the_sums_of_the_demo_entries(demo: None) -> None:
    from varna.insurance.selectors.fund import fund_balance, node_balances

    for org in Organisation.objects.all():
        fund = DeductibleFund.objects.get(organisation=org)
        own = dict(
            FundEntry.objects.filter(fund=fund, node__isnull=False).values_list("node").annotate(s=Sum("amount"))
        )
        coordinator = persona("samordnare" if org.slug == "exempelkommun" else f"samordnare.{org.slug}")
        balances = {b.node_id: b for b in node_balances(coordinator)}
        assert {n: balances[n].own for n in own} == own
        assert not [b for n, b in balances.items() if n not in own and b.own]
        root = next(b for b in balances.values() if b.depth == 1)
        assert root.subtree == sum(own.values())
        assert fund_balance(fund) == FundEntry.objects.filter(fund=fund).aggregate(s=Sum("amount"))["s"]


def test_every_staffed_unit_pays_a_monthly_contribution_and_corrections_point_back(demo: None) -> None:
    entries = FundEntry.objects.filter(organisation__slug="exempelkommun")
    contributions = entries.filter(kind=FundEntryKind.CONTRIBUTION, node__isnull=False)
    per_node = set(contributions.values("node").annotate(n=Count("id")).values_list("n", flat=True))
    assert len(per_node) == 1 and per_node.pop() >= 12 * (demo_insurance.YEARS - 1)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    years = range(yesterday.year - demo_insurance.YEARS + 1, yesterday.year + 1)
    year_ends = [year for year in years if datetime.date(year, 12, 31) <= yesterday]
    assert sorted(entries.filter(kind=FundEntryKind.INTEREST).values_list("booked_on__year", flat=True)) == year_ends
    corrections = entries.filter(kind=FundEntryKind.CORRECTION)
    assert corrections.exists()
    assert not corrections.exclude(corrects__organisation=F("organisation")).exists()
    assert not corrections.exclude(node=F("corrects__node")).exists()
    assert not corrections.exclude(booked_on__gte=F("corrects__booked_on")).exists()
    for correction in corrections.select_related("corrects"):
        assert correction.corrects is not None
        assert correction.text.startswith(f"Rättelse av {correction.corrects.number}")


def test_every_approved_request_has_its_entry_and_some_wait_for_the_coordinator() -> None:
    generate(scale=MEDIUM, seed=1)
    for model in (PayoutRequest, GrantApplication):
        approved = model.objects.filter(status=RequestStatus.APPROVED)
        assert approved.exists()
        assert not approved.filter(entry__isnull=True).exists()
        assert not approved.exclude(entry__node=F("node")).exclude(entry__corrections__isnull=False).exists()
        assert not model.objects.exclude(status=RequestStatus.APPROVED).filter(entry__isnull=False).exists()
        assert not model.objects.filter(requested_at__gt=F("decided_at")).exists()
    approved_payouts = PayoutRequest.objects.filter(status=RequestStatus.APPROVED)
    assert not approved_payouts.exclude(computed_amount=-F("entry__amount")).exists()


def test_the_services_continue_the_claim_and_ledger_numbers(demo: None) -> None:
    org = Organisation.objects.get(slug="exempelkommun")
    for series, prefix, model in (
        (demo_insurance.CLAIM_SERIES, demo_insurance.CLAIM_PREFIX, Claim),
        (insurance_fund.FUND_SERIES, insurance_fund.FUND_PREFIX, FundEntry),
    ):
        last: dict[int, int] = defaultdict(int)
        for written in model.objects.filter(organisation=org).values_list("number", flat=True):
            year_text, seq = written.removeprefix(prefix).split("-")
            last[int(year_text)] = max(last[int(year_text)], int(seq))
        counters = dict(CaseCounter.objects.filter(organisation=org, series=series).values_list("year", "last"))
        assert counters == dict(last)
        year = max(last)
        number = prefix + next_case_number(organisation_id=org.pk, series=series, year=year)
        assert not model.objects.filter(organisation=org, number=number).exists()


def test_the_sample_units_and_the_insurance_handler_have_claims_to_work_with(demo: None) -> None:
    for name in ("Solrosens förskola", "Hemtjänst Centrum"):
        node = Node.objects.get(name=name)
        assert Claim.objects.filter(node=node).exists(), name
        assert FundEntry.objects.filter(node=node, kind=FundEntryKind.CONTRIBUTION).exists()
    deepest = Node.objects.filter(organisation__slug="grannby", depth__gte=2).order_by("-depth", "path").first()
    assert deepest is not None and Claim.objects.filter(node=deepest).exists()
    handler = persona("forsakring")
    assert Claim.objects.filter(created_by=handler).exists()
    assert not Claim.objects.filter(Q(organisation__slug="exempelkommun") & ~Q(created_by=handler)).exists()
    assert Claim.objects.aggregate(last=Max("submitted_on"))["last"] < timezone.localdate()
