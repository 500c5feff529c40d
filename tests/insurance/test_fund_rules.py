"""What the deductible fund pays for one damage (varna.insurance.fund_rules): a pure computation, no database."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from varna.insurance.fund_rules import compute_payout, kr


@dataclass
class Rules:
    own_share: Decimal = Decimal(10000)
    pays_uninsured: bool = True
    cap_per_event: Decimal | None = None
    cap_per_year: Decimal | None = None


def plain(text: str) -> str:
    return text.replace("\u00a0", " ")


def test_insured_damage_the_fund_pays_the_deductible_above_the_own_share_in_plain_swedish() -> None:
    with translation.override("sv"):
        result = compute_payout(Rules(), Decimal(48000), Decimal(29600), True, Decimal(0))
    assert result.amount == Decimal(19600)
    assert plain(result.text) == (
        "Skadekostnad 48 000 kr. Självrisk enligt försäkringen 29 600 kr. Enhetens egen andel 10 000 kr. "
        "Fonden betalar 19 600 kr."
    )


def test_damage_smaller_than_the_deductible_is_paid_above_the_own_share_and_says_why() -> None:
    with translation.override("en"):
        result = compute_payout(Rules(), Decimal(18000), Decimal(29600), True, Decimal(0))
    assert result.amount == Decimal(8000)
    assert "costs less than the deductible" in result.text


def test_own_share_larger_than_the_damage_pays_nothing() -> None:
    with translation.override("en"):
        result = compute_payout(Rules(), Decimal(6000), Decimal(29600), True, Decimal(0))
    assert result.amount == 0
    assert plain(result.lines[-1]) == "The fund pays 0 kr."
    assert "covers all of it" in result.text


def test_uninsured_damage_is_paid_above_the_own_share_when_the_rules_say_so() -> None:
    with translation.override("en"):
        result = compute_payout(Rules(), Decimal(25000), Decimal(0), False, Decimal(0))
    assert result.amount == Decimal(15000)
    assert "not insured" in result.text


def test_uninsured_damage_is_not_paid_when_the_rules_say_no() -> None:
    with translation.override("en"):
        result = compute_payout(Rules(pays_uninsured=False), Decimal(25000), Decimal(0), False, Decimal(0))
    assert result.amount == 0
    assert "does not pay uninsured damage" in result.text


def test_cap_per_event_limits_the_payout() -> None:
    with translation.override("en"):
        result = compute_payout(Rules(cap_per_event=Decimal(15000)), Decimal(48000), Decimal(29600), True, Decimal(0))
    assert result.amount == Decimal(15000)
    assert "at most 15\u00a0000\u00a0kr per event" in result.text


def test_cap_per_year_counts_what_the_unit_has_been_paid_this_year() -> None:
    rules = Rules(cap_per_year=Decimal(50000))
    with translation.override("en"):
        result = compute_payout(rules, Decimal(48000), Decimal(29600), True, Decimal(40000))
    assert result.amount == Decimal(10000)
    assert "already been paid 40\u00a0000\u00a0kr this year, so 10\u00a0000\u00a0kr is left" in result.text
    spent = compute_payout(rules, Decimal(48000), Decimal(29600), True, Decimal(60000))
    assert spent.amount == 0


def test_ore_are_kept_and_shown_only_when_there_are_any() -> None:
    assert plain(kr(Decimal("4500.00"))) == "4 500 kr"
    assert plain(kr(Decimal("4500.50"))) == "4 500,50 kr"
    result = compute_payout(Rules(own_share=Decimal(0)), Decimal("1234.56"), Decimal(5000), True, Decimal(0))
    assert result.amount == Decimal("1234.56")


def test_negative_figures_are_a_programming_error() -> None:
    with pytest.raises(ValueError, match="negative"):
        compute_payout(Rules(), Decimal(-1), Decimal(0), False, Decimal(0))


amounts = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False)
caps = st.none() | st.decimals(min_value=Decimal("0.01"), max_value=10**9, places=2)


@given(
    cost=amounts,
    deductible=amounts,
    own=amounts,
    insured=st.booleans(),
    pays_uninsured=st.booleans(),
    per_event=caps,
    per_year=caps,
    paid=amounts,
)
def test_the_payout_never_exceeds_what_the_rules_allow(
    cost: Decimal,
    deductible: Decimal,
    own: Decimal,
    insured: bool,
    pays_uninsured: bool,
    per_event: Decimal | None,
    per_year: Decimal | None,
    paid: Decimal,
) -> None:
    rules = Rules(own, pays_uninsured, per_event, per_year)
    result = compute_payout(rules, cost, deductible, insured, paid)
    assert 0 <= result.amount <= max(cost - own, Decimal(0))
    if insured:
        assert result.amount <= max(min(cost, deductible) - own, Decimal(0))
    elif not pays_uninsured:
        assert result.amount == 0
    if per_event is not None:
        assert result.amount <= per_event
    if per_year is not None:
        assert result.amount <= max(per_year - paid, Decimal(0))
    assert result.lines[-1].startswith(("The fund pays", "Fonden betalar"))
