"""The deductible of a policy on a given day: in kronor, or in prisbasbelopp for the year of the damage."""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from varna.insurance.models import DeductibleKind, InsurancePolicy, PriceBaseAmount


class MissingPriceBaseAmount(LookupError):
    """No prisbasbelopp is recorded for the year: the administrator adds it under the insurance settings."""

    def __init__(self, year: int) -> None:
        super().__init__(year)
        self.year = year


def price_base_amount(year: int) -> Decimal:
    """The prisbasbelopp of ``year``; :class:`MissingPriceBaseAmount` when it is not recorded."""
    amount = PriceBaseAmount.objects.filter(year=year).values_list("amount", flat=True).first()
    if amount is None:
        raise MissingPriceBaseAmount(year)
    return Decimal(amount)


def deductible_for(policy: InsurancePolicy, on: datetime.date) -> Decimal:
    """The policy's deductible for a damage on ``on``, in whole kronor (0 when the policy has none)."""
    if policy.deductible_kind == DeductibleKind.PRICE_BASE:
        if policy.deductible_price_base is None:
            return Decimal(0)
        amount = policy.deductible_price_base * price_base_amount(on.year)
    else:
        amount = policy.deductible_amount or Decimal(0)
    return amount.quantize(Decimal(1), rounding=ROUND_HALF_UP)
