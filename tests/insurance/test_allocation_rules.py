"""The pure computation of the cost allocation (allocation_rules.allocate): no database."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from varna.insurance.allocation_rules import (
    AllocationSettings,
    LineIn,
    NothingToAllocate,
    allocate,
    capped_shares,
    split_amount,
)

D = Decimal


def _settings(**kwargs: object) -> AllocationSettings:
    values: dict[str, object] = {
        "year": 2027,
        "premium_total": D(1_000_000),
        "contribution_total": D(250_000),
        "exposure_weight": 60,
        "history_years": 3,
        "max_change": 25,
        "analysis_discount": 5,
        "plan_discount": 5,
    }
    values.update(kwargs)
    return AllocationSettings(**values)  # type: ignore[arg-type]


def _line(node_id: int, **kwargs: object) -> LineIn:
    return LineIn(node_id=node_id, name=f"Förvaltning {node_id}", **kwargs)  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def _swedish() -> object:
    with translation.override("sv"):
        yield


def test_exposure_alone_shares_by_the_mean_of_insured_value_and_staff() -> None:
    lines = [
        _line(1, insured_value=D(300), staff=10),  # 75 % of value, 25 % of staff: 50 %
        _line(2, insured_value=D(100), staff=30),  # 25 % and 75 %: 50 %
    ]
    out = allocate(lines, _settings(exposure_weight=100, analysis_discount=0, plan_discount=0))
    assert [o.share for o in out] == [D("0.5"), D("0.5")]
    assert [o.premium_amount for o in out] == [D(500_000), D(500_000)]


def test_only_staff_recorded_shares_by_staff() -> None:
    lines = [_line(1, staff=1), _line(2, staff=3)]
    out = allocate(lines, _settings(exposure_weight=100, analysis_discount=0, plan_discount=0))
    assert [o.share for o in out] == [D("0.25"), D("0.75")]


def test_damage_history_weighs_by_the_remaining_weight() -> None:
    lines = [
        _line(1, staff=50, damage_cost=D(300_000)),
        _line(2, staff=50, damage_cost=D(100_000)),
    ]
    out = allocate(lines, _settings(exposure_weight=60, analysis_discount=0, plan_discount=0))
    # 0.6 x 0.5 + 0.4 x 0.75 = 0.6 and 0.6 x 0.5 + 0.4 x 0.25 = 0.4
    assert [o.share for o in out] == [D("0.6"), D("0.4")]


def test_without_any_damage_the_damage_part_follows_exposure() -> None:
    lines = [_line(1, staff=1), _line(2, staff=3)]
    out = allocate(lines, _settings(exposure_weight=20, analysis_discount=0, plan_discount=0))
    assert [o.share for o in out] == [D("0.25"), D("0.75")]
    assert "ingen skadekostnad" in out[0].explanation


def test_discount_lowers_the_share_and_the_others_pay_for_it() -> None:
    lines = [_line(1, staff=50, has_current_analysis=True), _line(2, staff=50)]
    out = allocate(lines, _settings(analysis_discount=10, plan_discount=0))
    # 0.5 x 0.9 = 0.45 against 0.5, renormalised: 0.45 / 0.95 and 0.5 / 0.95
    assert out[0].share == (D("0.45") / D("0.95")).quantize(D("0.000001"))
    assert out[0].share < D("0.5") < out[1].share
    assert out[0].discount == 10
    assert "10 % rabatt för en aktuell riskanalys" in out[0].explanation
    assert "Med en aktuell riskanalys" in out[1].explanation  # what would lower the share


def test_analysis_and_plan_discounts_add_up() -> None:
    lines = [_line(1, staff=50, has_current_analysis=True, has_adopted_plan=True), _line(2, staff=50)]
    out = allocate(lines, _settings(analysis_discount=5, plan_discount=5))
    assert out[0].discount == 10
    assert "10 % rabatt" in out[0].explanation


def test_evacuation_checks_give_nothing_while_the_rule_is_off() -> None:
    lines = [_line(1, staff=50, evacuation_checks_done=True), _line(2, staff=50)]
    out = allocate(lines, _settings(analysis_discount=0, plan_discount=0, evacuation_discount=10))
    assert [o.share for o in out] == [D("0.5"), D("0.5")]
    on = allocate(lines, _settings(analysis_discount=0, plan_discount=0, evacuation_discount=10, evacuation_rule=True))
    assert on[0].share < on[1].share


def test_change_from_last_year_is_capped_and_the_rest_is_renormalised() -> None:
    lines = [
        _line(1, staff=10, damage_cost=D(900_000), previous_share=D("0.2"), previous_amount=D(200_000)),
        _line(2, staff=45, previous_share=D("0.4"), previous_amount=D(400_000)),
        _line(3, staff=45, previous_share=D("0.4"), previous_amount=D(400_000)),
    ]
    out = allocate(lines, _settings(max_change=25, analysis_discount=0, plan_discount=0, has_previous=True))
    assert out[0].share == D("0.25")  # at most +25 % of 0.2
    assert out[0].capped
    assert out[0].uncapped_change is not None and out[0].uncapped_change > 25
    assert sum(o.share for o in out) == 1
    assert out[1].share == out[2].share == D("0.375")
    assert "Ökningen begränsas till 25 %" in out[0].explanation
    assert "Er andel ökar med 25 % jämfört med förra året, eftersom er del av skadekostnaden" in out[0].explanation


def test_a_falling_share_is_held_at_the_limit_too() -> None:
    lines = [
        _line(1, staff=1, previous_share=D("0.5")),
        _line(2, staff=99, previous_share=D("0.5")),
    ]
    out = allocate(lines, _settings(max_change=10, analysis_discount=0, plan_discount=0, has_previous=True))
    assert [o.share for o in out] == [D("0.45"), D("0.55")]
    assert out[0].capped and out[1].capped
    assert "Minskningen begränsas till 10 %" in out[0].explanation


def test_a_new_node_is_not_capped() -> None:
    lines = [_line(1, staff=50, previous_share=D("1")), _line(2, staff=50)]
    out = allocate(lines, _settings(max_change=25, analysis_discount=0, plan_discount=0, has_previous=True))
    assert out[0].share == D("0.75")
    assert out[1].share == D("0.25")
    assert "Ni hade ingen andel i förra årets fördelning." in out[1].explanation


def test_when_the_limits_cannot_all_be_held_the_explanation_says_so() -> None:
    # Last year's nodes held only 40 % between them; +25 % at most gives 50 %, not 100 %.
    lines = [_line(1, staff=50, previous_share=D("0.2")), _line(2, staff=50, previous_share=D("0.2"))]
    out = allocate(lines, _settings(max_change=25, analysis_discount=0, plan_discount=0, has_previous=True))
    assert sum(o.share for o in out) == 1
    assert all(o.cap_not_held for o in out)
    assert "kunde inte hållas fullt ut" in out[0].explanation


def test_a_node_with_nothing_this_year_gets_a_line_of_zero() -> None:
    lines = [_line(1, staff=10), _line(2, previous_share=D("0.3"), previous_amount=D(1000))]
    out = allocate(lines, _settings(has_previous=True))
    assert out[1].share == 0 and out[1].premium_amount == 0 and out[1].contribution_amount == 0
    assert out[0].share == 1
    assert "betalar ingenting i år" in out[1].explanation


def test_nothing_to_allocate_without_staff_values_or_damage() -> None:
    with pytest.raises(NothingToAllocate):
        allocate([_line(1), _line(2)], _settings())


def test_amounts_sum_exactly_to_the_totals_with_the_remainder_on_the_largest_line() -> None:
    lines = [_line(1, staff=1), _line(2, staff=1), _line(3, staff=1)]
    out = allocate(lines, _settings(premium_total=D(100), contribution_total=D(1000), analysis_discount=0))
    assert sum(o.premium_amount for o in out) == D(100)
    assert sum(o.contribution_amount for o in out) == D(1000)
    assert sorted(o.premium_amount for o in out) == [D(33), D(33), D(34)]


def test_split_amount_never_gives_a_negative_line() -> None:
    amounts = split_amount(D(1), [D("0.5"), D("0.5"), D(0)])
    assert sum(amounts) == 1
    assert min(amounts) >= 0


def test_explanation_names_the_damage_cost_and_its_years() -> None:
    lines = [_line(1, staff=10, damage_cost=D(184_000)), _line(2, staff=90, damage_cost=D(16_000))]
    out = allocate(lines, _settings())
    text = out[0].explanation
    assert "skadekostnad 2024–2026 (184\u00a0000\u00a0kr)" in text
    assert "Det blir" in text and "i premie" in text


def test_share_of_exactly_the_weights() -> None:
    lines = [_line(1, staff=1, damage_cost=D(1)), _line(2, staff=1)]
    out = allocate(lines, _settings(exposure_weight=0, analysis_discount=0, plan_discount=0))
    assert [o.share for o in out] == [D(1), D(0)]


def test_capped_shares_solves_exactly_between_break_points() -> None:
    shares = [D("0.7"), D("0.2"), D("0.1")]
    bounds: list[tuple[Decimal, Decimal | None]] = [(D("0.4"), D("0.5")), (D(0), None), (D(0), None)]
    result, clamped, held = capped_shares(shares, bounds)
    assert held
    assert result[0] == D("0.5") and clamped == [True, False, False]
    assert sum(result) == 1
    assert result[1] / result[2] == 2  # the free shares keep their proportions


money = st.decimals(min_value=0, max_value=10**9, places=0)


@settings(max_examples=60, deadline=None)
@given(
    data=st.lists(
        st.tuples(
            money,
            st.integers(min_value=0, max_value=5000),
            money,
            st.booleans(),
            st.booleans(),
            st.one_of(st.none(), st.decimals(min_value=D("0.001"), max_value=1, places=3)),
        ),
        min_size=1,
        max_size=12,
    ),
    weight=st.integers(min_value=0, max_value=100),
    cap=st.integers(min_value=0, max_value=100),
    premium=money,
    contribution=money,
)
def test_any_allocation_sums_exactly_and_keeps_its_limits(
    data: list[tuple[Decimal, int, Decimal, bool, bool, Decimal | None]],
    weight: int,
    cap: int,
    premium: Decimal,
    contribution: Decimal,
) -> None:
    lines = [
        _line(i, insured_value=v, staff=s, damage_cost=d, has_current_analysis=a, has_adopted_plan=p, previous_share=ps)
        for i, (v, s, d, a, p, ps) in enumerate(data)
    ]
    settings_ = _settings(
        exposure_weight=weight, max_change=cap, premium_total=premium, contribution_total=contribution
    )
    if not any(line.takes_part for line in lines):
        with pytest.raises(NothingToAllocate):
            allocate(lines, settings_)
        return
    with translation.override("sv"):
        out = allocate(lines, settings_)
    assert sum(o.premium_amount for o in out) == premium
    assert sum(o.contribution_amount for o in out) == contribution
    assert all(o.premium_amount >= 0 and o.contribution_amount >= 0 for o in out)
    assert abs(sum((o.share for o in out), D(0)) - 1) <= D("0.00001")
    for line, o in zip(lines, out, strict=True):
        assert o.explanation
        if line.takes_part and line.previous_share and not o.cap_not_held:
            low = line.previous_share * (1 - D(cap) / 100) - D("0.000001")
            high = line.previous_share * (1 + D(cap) / 100) + D("0.000001")
            assert low <= o.share <= high
