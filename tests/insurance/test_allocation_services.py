"""The allocation's services and what they read: drafts, recomputing, fixing (with the fund's bookings), new
versions, and the figures per förvaltning."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from django.utils import timezone

from tests.insurance import allocation_world as w
from varna.insurance import allocation_inputs
from varna.insurance.models import Allocation, AllocationStatus, FundEntry, FundEntryKind
from varna.insurance.services import allocation as services
from varna.plans.models import ActionPlan
from varna.risks.models import AnalysisStatus, RiskAnalysis

YEAR = timezone.localdate().year + 1
D = Decimal

pytestmark = pytest.mark.usefixtures("demo")


@pytest.fixture(autouse=True)
def _own_figures(demo: None) -> None:
    w.without_demo_exposure_or_allocations()


def _draft(**kwargs: object) -> Allocation:
    values: dict[str, object] = {
        "actor": w.user("samordnare"),
        "year": YEAR,
        "premium_total": D(5_000_000),
        "contribution_total": D(2_000_000),
    }
    values.update(kwargs)
    w.organisation()
    return services.create_draft(**values)  # type: ignore[arg-type]


def _line(allocation: Allocation, name: str) -> object:
    return allocation.lines.get(node__name=name)


def test_draft_has_one_line_per_forvaltning_and_sums_exactly_to_the_totals() -> None:
    allocation = _draft()
    lines = list(allocation.lines.select_related("node"))
    assert allocation.status == AllocationStatus.DRAFT and allocation.version == 1
    assert {line.node.kind for line in lines} <= {"administration", "company", "federation", "council"}
    assert w.BOU in {line.node.name for line in lines}
    sums = allocation.lines.aggregate(p=Sum("premium_amount"), c=Sum("contribution_amount"))
    assert sums == {"p": D(5_000_000), "c": D(2_000_000)}
    assert all(line.explanation.startswith("Er andel av kostnaderna är") for line in lines)


def test_units_count_for_their_forvaltning_and_a_namnd_for_the_forvaltning_that_serves_it() -> None:
    nodes = allocation_inputs.NodeMap.build(w.organisation().pk)
    bou = w.node(w.BOU).pk
    assert nodes.group(w.node(w.SOLROSEN).pk) == bou
    assert nodes.group(w.node("Barn- och utbildningsnämnden").pk) == bou
    assert nodes.group(w.node("Valnämnden").pk) == w.node("Kommunledningsförvaltningen").pk
    assert nodes.group(w.node("Exempel Energi AB").pk) == w.node("Exempel Energi AB").pk


def test_insured_values_and_damage_roll_up_to_the_forvaltning() -> None:
    w.insured_value(w.BOU, YEAR, 40_000_000, 5_000_000)
    w.insured_value(w.SOLROSEN, YEAR, 10_000_000)
    w.insured_value(w.HEMTJANST, YEAR - 1, 99_000_000)  # another year: not counted
    w.damage(w.SOLROSEN, datetime.date(YEAR - 2, 3, 1), 184_000)
    w.damage(w.SOLROSEN, datetime.date(YEAR - 5, 3, 1), 1_000_000)  # before the three years
    before = allocation_inputs.gather(
        w.organisation().pk,
        services._settings(Allocation(year=YEAR, premium_total=0, contribution_total=0), has_previous=False),
    )
    baseline = next(line.damage_cost for line in before.lines if line.node_id == w.node(w.BOU).pk)
    allocation = _draft()
    bou = allocation.lines.get(node__name=w.BOU)
    assert bou.insured_value == D(55_000_000)
    assert bou.damage_cost == baseline
    assert baseline >= D(184_000)
    assert allocation.lines.get(node__name=w.VOO).insured_value == 0  # Hemtjänst's value is of last year


def test_insured_values_of_an_earlier_year_are_used_when_the_year_has_none() -> None:
    w.insured_value(w.BOU, YEAR - 1, 10_000_000)
    assert allocation_inputs.insured_value_year(w.organisation().pk, YEAR) == YEAR - 1
    allocation = _draft()
    assert allocation.lines.get(node__name=w.BOU).insured_value == D(10_000_000)


def test_current_analysis_and_adopted_plan_give_their_discount() -> None:
    today = timezone.localdate()
    analysis = RiskAnalysis.objects.filter(node__name=w.SOLROSEN).order_by("pk").first()
    assert analysis is not None
    RiskAnalysis.objects.filter(pk=analysis.pk).update(status=AnalysisStatus.ADOPTED, analysed_on=today)
    ActionPlan.objects.filter(node__organisation__slug="exempelkommun").update(adopted_on=None)
    ActionPlan.objects.filter(node__name="Vård- och omsorgsnämnden", year=today.year).update(adopted_on=today)
    allocation = _draft()
    bou = allocation.lines.get(node__name=w.BOU)
    voo = allocation.lines.get(node__name=w.VOO)
    assert bou.has_current_analysis and not bou.has_adopted_plan
    assert voo.has_adopted_plan  # the nämnd's plan counts for its förvaltning
    assert "Ni får 5 % rabatt för en aktuell riskanalys." in bou.explanation
    assert "Ni får 5 % rabatt för en antagen handlingsplan." in voo.explanation
    assert not allocation.lines.get(node__name="Kultur- och fritidsförvaltningen").has_adopted_plan


def test_premiums_default_to_the_policies_in_force_during_the_year_by_their_days() -> None:
    before = allocation_inputs.premiums_of_year(w.organisation().pk, YEAR)  # the demo's own policies
    w.policy(premium=365_000, valid_from=datetime.date(YEAR - 1, 7, 1), valid_to=datetime.date(YEAR, 3, 31))
    w.policy(
        premium=730_000, valid_from=datetime.date(YEAR, 4, 1), valid_to=datetime.date(YEAR + 1, 3, 31), number="P-2"
    )
    w.policy(premium=1_000_000, valid_from=datetime.date(YEAR - 3, 1, 1), valid_to=datetime.date(YEAR - 2, 12, 31))
    days_in_year = (datetime.date(YEAR, 12, 31) - datetime.date(YEAR, 1, 1)).days + 1
    expected = (D(365_000) * 90 + D(730_000) * (days_in_year - 90)) / days_in_year
    allocation = _draft(premium_total=None)
    assert abs(allocation.premium_total - before - expected) <= 1  # each sum is rounded to whole kronor
    assert allocation.lines.aggregate(p=Sum("premium_amount"))["p"] == allocation.premium_total


def test_a_second_submit_of_the_same_draft_gives_back_the_first() -> None:
    first = _draft()
    assert _draft() == first
    assert Allocation.objects.filter(year=YEAR).count() == 1


def test_another_draft_for_a_year_that_has_one_is_refused() -> None:
    _draft()
    with pytest.raises(ValidationError, match="Det finns redan en kostnadsfördelning"):
        services.create_draft(actor=w.insurance_handler(), year=YEAR, premium_total=D(1), contribution_total=D(1))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"year": 1999}, "Året måste vara mellan"),
        ({"contribution_total": D(-5)}, "Ange avgifterna till självriskfonden i hela kronor"),
        ({"premium_total": D("10.50")}, "Ange premierna i hela kronor"),
        ({"weights": services.Weights(exposure_weight=120)}, "Exponeringens vikt"),
        ({"weights": services.Weights(history_years=0)}, "Skadehistoriken kan omfatta"),
        ({"weights": services.Weights(analysis_discount=80)}, "En rabatt anges i procent"),
        ({"weights": services.Weights(evacuation_discount=5)}, "utrymningskontroller kan inte användas"),
    ],
)
def test_bad_settings_get_a_swedish_message_and_write_nothing(changes: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        _draft(**changes)
    assert not Allocation.objects.exists()


def test_only_those_who_keep_the_insurance_make_allocations() -> None:
    with pytest.raises(PermissionDenied):
        _draft(actor=w.user("chef.solrosen"))
    with pytest.raises(PermissionDenied):
        _draft(actor=w.user("handlaggare.bou"))


def test_recompute_changes_the_settings_and_a_stale_form_changes_nothing() -> None:
    allocation = _draft()
    updated = services.recompute_draft(
        actor=w.user("samordnare"),
        allocation=allocation,
        revision=allocation.revision,
        premium_total=D(100),
        contribution_total=D(10),
        weights=services.Weights(exposure_weight=100, analysis_discount=0, plan_discount=0),
    )
    assert updated.exposure_weight == 100
    assert updated.lines.aggregate(p=Sum("premium_amount"))["p"] == D(100)
    with pytest.raises(ValidationError, match="Någon annan har ändrat"):
        services.recompute_draft(
            actor=w.user("samordnare"),
            allocation=allocation,
            revision=allocation.revision,  # the revision before the change
            contribution_total=D(20),
        )


def test_fixing_books_each_contribution_in_the_fund_and_the_allocation_never_changes_again() -> None:
    allocation = _draft()
    fixed = services.fix_allocation(actor=w.user("samordnare"), allocation=allocation, revision=allocation.revision)
    assert fixed.status == AllocationStatus.FIXED and fixed.fixed_by == w.user("samordnare")
    entries = FundEntry.objects.filter(kind=FundEntryKind.CONTRIBUTION, text__startswith=f"Kostnadsfördelning {YEAR}")
    assert entries.aggregate(t=Sum("amount"))["t"] == D(2_000_000)
    bou = allocation.lines.get(node__name=w.BOU)
    assert entries.get(node__name=w.BOU).amount == bou.contribution_amount
    with pytest.raises(ValidationError, match="är fastställd och kan inte ändras"):
        services.recompute_draft(actor=w.user("samordnare"), allocation=fixed, revision=None, contribution_total=D(1))
    with pytest.raises(ValidationError, match="är fastställd"):
        services.discard_draft(actor=w.user("samordnare"), allocation=fixed, revision=None)


def test_fixing_needs_the_right_to_decide_for_the_fund() -> None:
    allocation = _draft()
    with pytest.raises(PermissionDenied):
        services.fix_allocation(actor=w.insurance_handler(), allocation=allocation, revision=None)
    assert not FundEntry.objects.filter(text__startswith=f"Kostnadsfördelning {YEAR}").exists()


def test_a_new_version_books_only_the_differences_and_replaces_the_old_one() -> None:
    coordinator = w.user("samordnare")
    first = _draft()
    services.fix_allocation(actor=coordinator, allocation=first, revision=None)
    draft = services.new_version(actor=coordinator, allocation=first)
    assert services.new_version(actor=coordinator, allocation=first) == draft  # asked again: the same draft
    assert (draft.version, draft.status, draft.replaces_id) == (2, AllocationStatus.DRAFT, first.pk)
    w.damage(w.SOLROSEN, datetime.date(YEAR - 1, 5, 1), 5_000_000)  # Barn och utbildning pays more now
    services.recompute_draft(
        actor=coordinator, allocation=draft, revision=None, premium_total=D(5_000_000), contribution_total=D(2_000_000)
    )
    services.fix_allocation(actor=coordinator, allocation=draft, revision=None)
    first.refresh_from_db()
    assert first.status == AllocationStatus.REPLACED
    entries = FundEntry.objects.filter(text__startswith=f"Kostnadsfördelning {YEAR}")
    assert entries.aggregate(t=Sum("amount"))["t"] == D(2_000_000)  # still the year's total in all
    assert entries.filter(kind=FundEntryKind.CORRECTION).exists()  # the others pay less: corrections
    for line in draft.lines.select_related("node"):
        booked = entries.filter(node=line.node).aggregate(t=Sum("amount"))["t"] or 0
        assert booked == line.contribution_amount
    with pytest.raises(ValidationError, match="Det är bara årets fastställda"):
        services.new_version(actor=coordinator, allocation=first)


def test_last_years_fixed_allocation_limits_the_change() -> None:
    coordinator = w.user("samordnare")
    last_year = _draft(year=YEAR - 1)
    services.fix_allocation(actor=coordinator, allocation=last_year, revision=None)
    w.damage(w.SOLROSEN, datetime.date(YEAR - 1, 5, 1), 50_000_000)
    allocation = _draft(weights=services.Weights(max_change=10))
    before = last_year.lines.get(node__name=w.BOU)
    now = allocation.lines.get(node__name=w.BOU)
    assert now.share <= before.share * D("1.1") + D("0.000001")
    assert now.previous_amount == before.premium_amount + before.contribution_amount
    assert "Ökningen begränsas till 10 %" in now.explanation


def test_a_draft_can_be_removed() -> None:
    allocation = _draft()
    services.discard_draft(actor=w.user("samordnare"), allocation=allocation, revision=allocation.revision)
    assert not Allocation.objects.filter(pk=allocation.pk).exists()


def test_the_figures_are_read_in_a_fixed_number_of_queries(django_assert_max_num_queries: object) -> None:
    organisation_id = w.organisation().pk
    settings = services._settings(Allocation(year=YEAR, premium_total=1, contribution_total=1), has_previous=False)
    with django_assert_max_num_queries(9):  # type: ignore[operator]
        allocation_inputs.gather(organisation_id, settings)
