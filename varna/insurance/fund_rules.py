"""What the deductible fund (självriskfond) pays for one damage under the organisation's rules (G12, G15).

A pure computation: no database, no clock. :func:`compute_payout` takes the rules, the figures of the damage
and what the unit has already been paid this year, and gives the amount with the lines of the computation in
plain language, in the active language (the services store them in Swedish)::

    Skadekostnad 48 000 kr. Självrisk enligt försäkringen 29 600 kr. Enhetens egen andel 10 000 kr.
    Fonden betalar 19 600 kr.

The rules:

- an insured damage: the fund pays the deductible (or the whole damage, when it is smaller than the
  deductible) above the unit's own share;
- an uninsured damage: the fund pays the cost above the unit's own share, when the rules say it pays
  uninsured damage, and nothing otherwise;
- never more than the cap per event, nor more than what is left of the cap per unit and year.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol

from django.utils.translation import gettext as _

from varna.core.formats import money

CENT = Decimal("0.01")
ZERO = Decimal(0)


class Rules(Protocol):
    """What the computation reads of :class:`varna.insurance.models.FundRules`."""

    own_share: Decimal
    pays_uninsured: bool
    cap_per_event: Decimal | None
    cap_per_year: Decimal | None


@dataclass(frozen=True)
class Computation:
    """The amount the fund pays (never negative) and the computation, one sentence per line."""

    amount: Decimal
    lines: tuple[str, ...]

    @property
    def text(self) -> str:
        return " ".join(self.lines)


def kr(amount: Decimal) -> str:
    """``4 500 kr``, with öre only when there are any (``4 500,50 kr``)."""
    return money(amount, 0 if amount == amount.to_integral_value() else 2)


def _cents(value: Decimal) -> Decimal:
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def compute_payout(
    rules: Rules, damage_cost: Decimal, deductible: Decimal, insured: bool, paid_this_year: Decimal
) -> Computation:
    """What the fund pays for a damage costing ``damage_cost``.

    ``deductible`` is the deductible under the policy (only read when ``insured``); ``paid_this_year`` is what
    the fund has already paid the unit this year (for the cap per unit and year). A negative figure is a
    programming error (:class:`ValueError`): the services refuse such input with a message first.
    """
    damage_cost, deductible, paid_this_year = _cents(damage_cost), _cents(deductible), _cents(paid_this_year)
    own_share = _cents(rules.own_share)
    if min(damage_cost, deductible, paid_this_year, own_share) < 0:
        raise ValueError("the figures of a payout cannot be negative")
    lines = [_("Damage cost %(amount)s.") % {"amount": kr(damage_cost)}]
    if insured:
        lines.append(_("Deductible under the policy %(amount)s.") % {"amount": kr(deductible)})
        if damage_cost < deductible:
            lines.append(_("The damage costs less than the deductible, so all of it falls within the deductible."))
        base = min(damage_cost, deductible)
    elif rules.pays_uninsured:
        lines.append(_("The damage is not insured; under the rules the fund also pays uninsured damage."))
        base = damage_cost
    else:
        lines.append(_("The damage is not insured, and under the rules the fund does not pay uninsured damage."))
        lines.append(_("The fund pays %(amount)s.") % {"amount": kr(ZERO)})
        return Computation(ZERO, tuple(lines))
    lines.append(_("The unit's own share %(amount)s.") % {"amount": kr(own_share)})
    amount = max(base - own_share, ZERO)
    if amount == 0 and base > 0:
        lines.append(_("The unit's own share covers all of it."))
    if rules.cap_per_event is not None and amount > _cents(rules.cap_per_event):
        amount = _cents(rules.cap_per_event)
        lines.append(_("The fund pays at most %(cap)s per event.") % {"cap": kr(amount)})
    if rules.cap_per_year is not None:
        cap = _cents(rules.cap_per_year)
        left = max(cap - paid_this_year, ZERO)
        if amount > left:
            amount = left
            lines.append(
                _(
                    "The fund pays at most %(cap)s per unit and year; the unit has already been paid %(paid)s "
                    "this year, so %(left)s is left."
                )
                % {"cap": kr(cap), "paid": kr(paid_this_year), "left": kr(left)}
            )
    lines.append(_("The fund pays %(amount)s.") % {"amount": kr(amount)})
    return Computation(amount, tuple(lines))
