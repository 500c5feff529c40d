"""The cost allocation that rewards prevention (G12): the pure computation, no database.

:func:`allocate` shares a year's premiums and fund contributions out to the allocation's nodes (the
förvaltningar, municipal companies and federations: see :mod:`varna.insurance.allocation_inputs`). It
works in :class:`~decimal.Decimal` throughout; percentages in the settings are whole numbers.

The rules, in order (also explained on the allocation page, ``insurance/allocation_rules.html``):

1. **Who takes part.** A node with staff, insured values or damage in the period. A node that had a
   share last year but has none of them now gets a line of zero, so that it sees why.
2. **Exposure share.** Insured value (building and contents, from the insured values of the year) and
   staff are two measures of what can be damaged: property and operations. The exposure share is the
   mean of the node's share of the insured value and its share of the staff. When the organisation has
   recorded only one of them, that one alone; when neither, every node counts equally.
3. **Damage share.** The node's share of the damage cost over the last ``history_years`` years. When
   nobody had any damage, the damage share is the exposure share.
4. **Weighed share** = exposure_weight % * exposure share + (100 - exposure_weight) % * damage share.
5. **Discount for prevention.** The weighed share is lowered by ``analysis_discount`` % for a current
   risk analysis and ``plan_discount`` % for an adopted action plan (``evacuation_discount`` % for
   evacuation checks done, only when the rule is on: it stays off until the technical-protection app
   records evacuation checks). The shares are then renormalised to 100 %, so the discount of one node is
   paid by those without it: the discount is relative to what the node would otherwise pay.
6. **Cap on the change.** A node's share may differ from its share in last year's fixed allocation by at
   most ``max_change`` % of that share (up or down). Shares held at a limit stay there; the others are
   scaled together so the shares again sum to 100 % (one exact solution of a piecewise-linear equation,
   no iteration). A node without a share last year is not limited. When the limits cannot all be held
   (the nodes have changed a great deal since last year), the limited shares are scaled as well, and the
   explanation says so.
7. **Amounts.** Premium and contribution = share * total, rounded to whole kronor; what the rounding
   leaves (a few kronor, up or down) goes to the line with the largest amount, so the lines sum exactly
   to the totals.

Each line gets an explanation in plain Swedish (through gettext) of how its figure came about and what
would lower it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

from varna.core import formats

ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)
KRONA = Decimal(1)
SHARE_PLACES = Decimal("0.000001")  # AllocationLine.share has six decimals
UNCHANGED = Decimal("0.05")  # a change of the share below this (in %) is "the same as last year"


@dataclass(frozen=True)
class AllocationSettings:
    """What the coordinator decides for one allocation (the fields of ``Allocation``)."""

    year: int
    premium_total: Decimal
    contribution_total: Decimal
    exposure_weight: int = 60
    history_years: int = 3
    max_change: int = 25
    analysis_discount: int = 5
    plan_discount: int = 5
    evacuation_discount: int = 0
    evacuation_rule: bool = False  # off until the protection app records evacuation checks
    has_previous: bool = False  # last year has a fixed allocation to compare with

    @property
    def damage_years(self) -> tuple[int, int]:
        """The first and last year of the damage history: the ``history_years`` years before ``year``."""
        return self.year - self.history_years, self.year - 1


@dataclass(frozen=True)
class LineIn:
    """One node's figures: exposure, damage, preventive work, and its share and amount last year."""

    node_id: int
    name: str
    insured_value: Decimal = ZERO
    staff: int = 0
    damage_cost: Decimal = ZERO
    has_current_analysis: bool = False
    has_adopted_plan: bool = False
    evacuation_checks_done: bool = False
    previous_share: Decimal | None = None  # in last year's fixed allocation (0 to 1)
    previous_amount: Decimal | None = None  # premium and contribution last year

    @property
    def takes_part(self) -> bool:
        return self.staff > 0 or self.insured_value > 0 or self.damage_cost > 0


@dataclass(frozen=True)
class LineOut:
    node_id: int
    exposure_share: Decimal  # 0 to 1
    damage_share: Decimal  # 0 to 1
    weighed_share: Decimal  # before the discount
    discount: int  # percent
    uncapped_share: Decimal  # after the discount, renormalised
    share: Decimal  # the final share (0 to 1, six decimals)
    capped: bool  # held at the limit on the change from last year
    cap_not_held: bool  # the limits could not all be held
    change: Decimal | None  # the change of the share from last year, in %
    uncapped_change: Decimal | None
    premium_amount: Decimal
    contribution_amount: Decimal
    explanation: str

    @property
    def amount(self) -> Decimal:
        return self.premium_amount + self.contribution_amount


class NothingToAllocate(ValueError):
    """No node has staff, insured values or damage: there is nothing to share the totals by."""


# --- the steps -------------------------------------------------------------------------------


def _ratio(part: Decimal, whole: Decimal) -> Decimal:
    return part / whole if whole > 0 else ZERO


def exposure_shares(lines: Sequence[LineIn]) -> list[Decimal]:
    """Step 2: the mean of the share of insured value and the share of staff (or the one recorded)."""
    value_total = sum((line.insured_value for line in lines), ZERO)
    staff_total = Decimal(sum(line.staff for line in lines))
    shares = []
    for line in lines:
        by_value = _ratio(line.insured_value, value_total)
        by_staff = _ratio(Decimal(line.staff), staff_total)
        if value_total > 0 and staff_total > 0:
            shares.append((by_value + by_staff) / 2)
        elif value_total > 0:
            shares.append(by_value)
        elif staff_total > 0:
            shares.append(by_staff)
        else:
            shares.append(ONE / len(lines))
    return shares


def damage_shares(lines: Sequence[LineIn], exposure: Sequence[Decimal]) -> list[Decimal]:
    """Step 3: the share of the damage cost; the exposure share when nobody had any damage."""
    total = sum((line.damage_cost for line in lines), ZERO)
    if total <= 0:
        return list(exposure)
    return [line.damage_cost / total for line in lines]


def discount_of(line: LineIn, settings: AllocationSettings) -> int:
    """Step 5: the discount in % for the node's preventive work (at most 100)."""
    discount = 0
    if line.has_current_analysis:
        discount += settings.analysis_discount
    if line.has_adopted_plan:
        discount += settings.plan_discount
    if settings.evacuation_rule and line.evacuation_checks_done:
        discount += settings.evacuation_discount
    return min(discount, 100)


def _normalised(values: Sequence[Decimal]) -> list[Decimal]:
    total = sum(values, ZERO)
    return [v / total for v in values] if total > 0 else list(values)


def _clamp(value: Decimal, low: Decimal, high: Decimal | None) -> Decimal:
    if value < low:
        return low
    if high is not None and value > high:
        return high
    return value


def capped_shares(
    shares: Sequence[Decimal], bounds: Sequence[tuple[Decimal, Decimal | None]]
) -> tuple[list[Decimal], list[bool], bool]:
    """Step 6: shares within their bounds that sum to one, as close to ``shares`` as the bounds allow.

    Finds λ with Σ clamp(λ·sᵢ, lowᵢ, highᵢ) = 1: the sum is piecewise linear and never falls as λ grows,
    so λ lies between two neighbouring break points and is solved exactly there. ``high`` ``None`` is no
    upper limit. Gives (shares, held at a bound, all held): the last is False when no λ meets every bound,
    and the shares at the nearest λ have then been scaled to sum to one.
    """

    def total(lam: Decimal) -> Decimal:
        return sum((_clamp(lam * s, lo, hi) for s, (lo, hi) in zip(shares, bounds, strict=True)), ZERO)

    points = {ZERO}
    for s, (lo, hi) in zip(shares, bounds, strict=True):
        if s > 0:
            points.add(lo / s)
            if hi is not None:
                points.add(hi / s)
    ordered = sorted(points)
    lam = ZERO
    if total(ZERO) <= ONE:
        previous = ZERO
        for point in ordered:
            at = total(point)
            if at >= ONE:
                before = total(previous)
                lam = point if at == before else previous + (ONE - before) * (point - previous) / (at - before)
                break
            previous = point
        else:
            # Beyond the last break point only the shares without an upper limit still grow (linearly).
            last = ordered[-1]
            growing = sum((s for s, (_lo, hi) in zip(shares, bounds, strict=True) if hi is None), ZERO)
            lam = last + (ONE - total(last)) / growing if growing > 0 else last
    result = [_clamp(lam * s, lo, hi) for s, (lo, hi) in zip(shares, bounds, strict=True)]
    clamped = [r != lam * s for r, s in zip(result, shares, strict=True)]
    held = abs(sum(result, ZERO) - ONE) < Decimal("1e-20")
    if not held:
        result = _normalised(result)
    return result, clamped, held


def split_amount(total: Decimal, shares: Sequence[Decimal]) -> list[Decimal]:
    """Step 7: ``total`` in whole kronor by ``shares``; the rounding's remainder to the largest line."""
    if not shares:
        return []
    for rounding in (ROUND_HALF_UP, ROUND_FLOOR):
        amounts = [(total * s).quantize(KRONA, rounding=rounding) for s in shares]
        largest = max(range(len(amounts)), key=lambda i: (amounts[i], shares[i], -i))
        amounts[largest] += total - sum(amounts, ZERO)
        if amounts[largest] >= 0:
            return amounts
    return amounts  # pragma: no cover - flooring never leaves a negative remainder


def _change(share: Decimal, previous: Decimal | None) -> Decimal | None:
    if previous is None or previous <= 0:
        return None
    return (share / previous - ONE) * HUNDRED


# --- the whole computation -----------------------------------------------------------------


def allocate(lines_in: Sequence[LineIn], settings: AllocationSettings) -> list[LineOut]:
    """The allocation of ``settings``' totals to ``lines_in``, one :class:`LineOut` each, in the same order.

    Raises :class:`NothingToAllocate` when no line takes part (no staff, insured values or damage).
    """
    taking_part = [line for line in lines_in if line.takes_part]
    if not taking_part:
        raise NothingToAllocate
    exposure = exposure_shares(taking_part)
    damage = damage_shares(taking_part, exposure)
    weight = Decimal(settings.exposure_weight) / HUNDRED
    weighed = [weight * e + (ONE - weight) * d for e, d in zip(exposure, damage, strict=True)]
    discounts = [discount_of(line, settings) for line in taking_part]
    discounted = [w * (HUNDRED - d) / HUNDRED for w, d in zip(weighed, discounts, strict=True)]
    uncapped = _normalised(discounted) if sum(discounted, ZERO) > 0 else _normalised(weighed)

    limit = Decimal(settings.max_change) / HUNDRED
    bounds: list[tuple[Decimal, Decimal | None]] = []
    for line in taking_part:
        previous = line.previous_share
        if previous is not None and previous > 0:
            bounds.append((previous * (ONE - limit), previous * (ONE + limit)))
        else:
            bounds.append((ZERO, None))
    final, _clamped, held = capped_shares(uncapped, bounds)
    final = [s.quantize(SHARE_PLACES, rounding=ROUND_HALF_UP) for s in final]
    totals = LineIn(
        node_id=0,
        name="",
        insured_value=sum((line.insured_value for line in taking_part), ZERO),
        staff=sum(line.staff for line in taking_part),
        damage_cost=sum((line.damage_cost for line in taking_part), ZERO),
    )
    premiums = split_amount(settings.premium_total, final)
    contributions = split_amount(settings.contribution_total, final)

    computed: dict[int, LineOut] = {}
    for i, line in enumerate(taking_part):
        lo, hi = bounds[i]
        limited = line.previous_share is not None and line.previous_share > 0
        # Held at a limit that the share without any limit lies beyond (not merely pushed there by the others).
        at_low = uncapped[i] < lo and final[i] <= lo.quantize(SHARE_PLACES) + SHARE_PLACES
        at_high = hi is not None and uncapped[i] > hi and final[i] >= hi.quantize(SHARE_PLACES) - SHARE_PLACES
        at_limit = limited and (at_low or at_high)
        out = LineOut(
            node_id=line.node_id,
            exposure_share=exposure[i],
            damage_share=damage[i],
            weighed_share=weighed[i],
            discount=discounts[i],
            uncapped_share=uncapped[i],
            share=final[i],
            capped=at_limit,
            cap_not_held=limited and not held,
            change=_change(final[i], line.previous_share),
            uncapped_change=_change(uncapped[i], line.previous_share),
            premium_amount=premiums[i],
            contribution_amount=contributions[i],
            explanation="",
        )
        computed[line.node_id] = replace(out, explanation=explain(line, out, settings, totals=totals))
    result = []
    for line in lines_in:
        if line.node_id in computed:
            result.append(computed[line.node_id])
        else:
            result.append(_empty_line(line, settings))
    return result


def _empty_line(line: LineIn, settings: AllocationSettings) -> LineOut:
    out = LineOut(
        node_id=line.node_id,
        exposure_share=ZERO,
        damage_share=ZERO,
        weighed_share=ZERO,
        discount=0,
        uncapped_share=ZERO,
        share=ZERO,
        capped=False,
        cap_not_held=False,
        change=_change(ZERO, line.previous_share),
        uncapped_change=None,
        premium_amount=ZERO,
        contribution_amount=ZERO,
        explanation="",
    )
    text = _("You have no staff, insured values or damage in this allocation, so you pay nothing this year.")
    return replace(out, explanation=text)


# --- the explanation -----------------------------------------------------------------------


def percent(share: Decimal) -> str:
    """A share (0 to 1) as a percentage the Swedish way: ``9,2 %``, with two decimals below one per cent."""
    value = share * HUNDRED
    places = 2 if ZERO < abs(value) < ONE else 1
    return f"{formats.number(value, places)} %"


def change_percent(change: Decimal) -> str:
    """A change in % without its sign: ``12 %``, with one decimal below ten per cent."""
    value = abs(change)
    return f"{formats.number(value, 1 if value < 10 else 0)} %"


def _exposure_sentence(line: LineIn, out: LineOut, lines_value: bool, lines_staff: bool, weight: int) -> str:
    figures = {
        "weight": weight,
        "value": formats.money(line.insured_value),
        "staff": formats.number(line.staff),
        "exposure": percent(out.exposure_share),
    }
    if lines_value and lines_staff:
        text = _(
            "Exposure weighs %(weight)s %%: your insured values (%(value)s) and your staff (%(staff)s people) "
            "make %(exposure)s of the total."
        )
    elif lines_value:
        text = _("Exposure weighs %(weight)s %%: your insured values (%(value)s) make %(exposure)s of the total.")
    elif lines_staff:
        text = _("Exposure weighs %(weight)s %%: your staff (%(staff)s people) make %(exposure)s of the total.")
    else:
        text = _(
            "Exposure weighs %(weight)s %%: no insured values or staff are recorded, so every unit counts equally."
        )
    return text % figures


def _damage_sentence(line: LineIn, out: LineOut, any_damage: bool, settings: AllocationSettings) -> str:
    first, last = settings.damage_years
    figures = {
        "weight": 100 - settings.exposure_weight,
        "first": first,
        "last": last,
        "cost": formats.money(line.damage_cost),
        "damage": percent(out.damage_share),
    }
    if any_damage:
        return (
            _(
                "The damage history weighs %(weight)s %%: your damage cost %(first)s–%(last)s (%(cost)s) makes "
                "%(damage)s of the total."
            )
            % figures
        )
    return (
        _(
            "The damage history weighs %(weight)s %%, but no damage cost is recorded for %(first)s–%(last)s, so "
            "that part also follows exposure."
        )
        % figures
    )


def _change_sentence(line: LineIn, out: LineOut, settings: AllocationSettings, any_damage: bool) -> str | None:
    if not settings.has_previous:
        return None
    if out.change is None:
        return _("You had no share in last year's allocation.")
    if abs(out.change) < UNCHANGED:
        return _("Your share is the same as last year.")
    figures = {
        "change": change_percent(out.change),
        "damage": percent(out.damage_share),
        "exposure": percent(out.exposure_share),
    }
    damage_counts = any_damage and settings.exposure_weight < 100
    if out.change > 0:
        if damage_counts and out.damage_share > out.exposure_share:
            text = _(
                "Your share rises by %(change)s from last year, because your part of the damage cost (%(damage)s) "
                "is larger than your part of the exposure (%(exposure)s)."
            )
        else:
            text = _("Your share rises by %(change)s from last year.")
    elif damage_counts and out.damage_share < out.exposure_share:
        text = _(
            "Your share falls by %(change)s from last year, because your part of the damage cost (%(damage)s) "
            "is smaller than your part of the exposure (%(exposure)s)."
        )
    else:
        text = _("Your share falls by %(change)s from last year.")
    return text % figures


def _discount_sentences(line: LineIn, settings: AllocationSettings) -> list[str]:
    sentences = []
    analysis = settings.analysis_discount if line.has_current_analysis else 0
    plan = settings.plan_discount if line.has_adopted_plan else 0
    evacuation = settings.evacuation_discount if settings.evacuation_rule and line.evacuation_checks_done else 0
    given = [p for p in (analysis, plan, evacuation) if p > 0]
    if len(given) > 1:
        sentences.append(
            _(
                "You get %(total)s %% discount for your preventive work: %(analysis)s %% for a current risk analysis, "
                "%(plan)s %% for an adopted action plan and %(evacuation)s %% for evacuation checks done."
            )
            % {"total": sum(given), "analysis": analysis, "plan": plan, "evacuation": evacuation}
            if evacuation
            else _(
                "You get %(total)s %% discount for your preventive work: %(analysis)s %% for a current risk analysis "
                "and %(plan)s %% for an adopted action plan."
            )
            % {"total": sum(given), "analysis": analysis, "plan": plan}
        )
    elif analysis:
        sentences.append(_("You get %(percent)s %% discount for a current risk analysis.") % {"percent": analysis})
    elif plan:
        sentences.append(_("You get %(percent)s %% discount for an adopted action plan.") % {"percent": plan})
    elif evacuation:
        sentences.append(_("You get %(percent)s %% discount for evacuation checks done.") % {"percent": evacuation})
    if not line.has_current_analysis and settings.analysis_discount > 0:
        sentences.append(
            _(
                "A current risk analysis (done or adopted in the last twelve months) would give you %(percent)s %% "
                "discount."
            )
            % {"percent": settings.analysis_discount}
        )
    if not line.has_adopted_plan and settings.plan_discount > 0:
        sentences.append(
            _("An adopted action plan for this year or last year would give you %(percent)s %% discount.")
            % {"percent": settings.plan_discount}
        )
    if settings.evacuation_rule and not line.evacuation_checks_done and settings.evacuation_discount > 0:
        sentences.append(
            _("Evacuation checks done would give you %(percent)s %% discount.")
            % {"percent": settings.evacuation_discount}
        )
    return sentences


def _cap_sentence(out: LineOut, settings: AllocationSettings) -> str | None:
    if out.cap_not_held:
        return _(
            "The limit of %(max)s %% on the change from last year could not be held in full, because the units "
            "in the allocation have changed a great deal since last year."
        ) % {"max": settings.max_change}
    if not out.capped or out.uncapped_change is None:
        return None
    figures = {"max": settings.max_change, "uncapped": change_percent(out.uncapped_change)}
    if out.uncapped_change > 0:
        return (
            _(
                "The rise is limited to %(max)s %% of last year's share; without the limit your share would have "
                "risen by %(uncapped)s."
            )
            % figures
        )
    return (
        _(
            "The fall is limited to %(max)s %% of last year's share; without the limit your share would have "
            "fallen by %(uncapped)s."
        )
        % figures
    )


def _amount_sentence(line: LineIn, out: LineOut) -> str:
    figures = {
        "premium": formats.money(out.premium_amount),
        "contribution": formats.money(out.contribution_amount),
        "total": formats.money(out.amount),
        "previous": formats.money(line.previous_amount),
    }
    if line.previous_amount is not None:
        return (
            _(
                "That makes %(premium)s in premiums and %(contribution)s to the deductible fund, %(total)s in all "
                "(last year %(previous)s)."
            )
            % figures
        )
    return _("That makes %(premium)s in premiums and %(contribution)s to the deductible fund, %(total)s in all.") % (
        figures
    )


def explain(line: LineIn, out: LineOut, settings: AllocationSettings, *, totals: LineIn) -> str:
    """The line's explanation: its share and how it was weighed, the change from last year and why, the
    discounts given and those within reach, the limit on the change, and the amounts.

    ``totals`` holds the sums of all lines taking part (which measures of exposure are recorded at all,
    and whether anyone had damage).
    """
    sentences = [_("Your share of the allocation is %(share)s.") % {"share": percent(out.share)}]
    any_damage = totals.damage_cost > 0
    change = _change_sentence(line, out, settings, any_damage)
    if change:
        sentences.append(change)
    if settings.exposure_weight > 0:
        sentences.append(
            _exposure_sentence(line, out, totals.insured_value > 0, totals.staff > 0, settings.exposure_weight)
        )
    if settings.exposure_weight < 100:
        sentences.append(_damage_sentence(line, out, any_damage, settings))
    sentences.extend(_discount_sentences(line, settings))
    cap = _cap_sentence(out, settings)
    if cap:
        sentences.append(cap)
    sentences.append(_amount_sentence(line, out))
    return " ".join(sentences)
