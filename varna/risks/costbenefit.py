"""Cost and benefit of an analysis's measures (K8): protection is justified only where it lowers damage costs.

For each measure:
- annual cost = yearly cost + investment / lifetime (linear, ``Measure.annual_cost``);
- yearly benefit = the expected reduction of damage cost when entered; otherwise derived from the
  damage history: the average yearly cost of the distinct incidents linked to the measure's risks over
  the last five full years and this year so far (counted from 1 January of the year of the earliest of
  them when that is later, in years to one decimal, at least one year), times the share of the damage
  cost the measure avoids (``effect_share``). This year's damage counts, so the incident that set off
  the analysis is part of the benefit;
- ratio = benefit / annual cost (shown with two significant digits: 0,092, 1,3, 12); a measure that
  costs nothing but lowers damage cost ranks first.

A measure whose yearly benefit is below its annual cost is not justified: its marginal effect is below
its marginal cost. The damage history of every measure of the analysis is read in one grouped query.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import connection
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from varna.core import formats
from varna.incidents.models import Incident
from varna.risks.models import Measure, Risk, RiskAnalysis

HISTORY_YEARS = 5

ENTERED, DERIVED, MISSING = "entered", "derived", "missing"


def kr(amount: Decimal | int | float) -> str:
    """An amount the Swedish way: whole kronor, spaces between thousands, "kr" (``12 000 kr``)."""
    return formats.money(amount)


@dataclass(frozen=True)
class History:
    """The damage history behind one measure: distinct linked incidents in the window."""

    incidents: int
    cost: Decimal
    first: datetime.date


@dataclass
class CostBenefitRow:
    measure: Measure
    annual_cost: Decimal
    benefit: Decimal | None
    basis: str  # entered / derived / missing
    ratio: float | None  # benefit / annual cost; math.inf when free and useful
    justified: bool | None  # None: nothing to judge
    explanation: list[str] = field(default_factory=list)
    history: History | None = None
    years: Decimal = Decimal(0)  # the years of history the benefit is averaged over, to one decimal
    rank: int | None = None

    @property
    def not_justified(self) -> bool:
        return self.justified is False

    @property
    def ratio_display(self) -> str:
        if self.ratio is None:
            return "–"
        if math.isinf(self.ratio):
            return "∞"
        return ratio_text(self.ratio)

    @property
    def annual_cost_display(self) -> str:
        return kr(self.annual_cost)

    @property
    def benefit_display(self) -> str:
        return kr(self.benefit) if self.benefit is not None else "–"

    @property
    def basis_label(self) -> str:
        return {
            ENTERED: _("entered"),
            DERIVED: _("from the damage history"),
            MISSING: _("missing"),
        }[self.basis]


@dataclass
class Ranking:
    """The analysis's measures, the best value for money first; measures lacking figures last."""

    rows: list[CostBenefitRow]
    window_start: datetime.date
    window_end: datetime.date
    total_cost: Decimal  # sum of the annual costs of all measures
    justified_cost: Decimal  # annual costs of the justified measures
    justified_benefit: Decimal  # yearly benefits of the justified measures

    @property
    def total_cost_display(self) -> str:
        return kr(self.total_cost)

    @property
    def justified_cost_display(self) -> str:
        return kr(self.justified_cost)

    @property
    def justified_benefit_display(self) -> str:
        return kr(self.justified_benefit)

    @property
    def not_justified_count(self) -> int:
        return sum(1 for r in self.rows if r.not_justified)

    @property
    def missing_count(self) -> int:
        return sum(1 for r in self.rows if r.basis == MISSING)


def ratio_text(ratio: float) -> str:
    """Benefit per krona with (at most) two significant digits, the Swedish way: ``0,092``, ``0,09``, ``1,3``, ``12``.

    Trailing zeros are left out; from 10 upwards the whole number is shown.
    """
    if ratio <= 0:
        return "0"
    if ratio >= 10:
        return str(number_format(round(ratio), 0, force_grouping=True))
    value = Decimal(repr(ratio))
    rounded = value.quantize(Decimal(1).scaleb(value.adjusted() - 1), rounding=ROUND_HALF_UP).normalize()
    decimals = max(0, -int(rounded.as_tuple().exponent))
    return str(number_format(rounded, decimals))


def history_window(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The last ``HISTORY_YEARS`` full calendar years before ``today``, and this year up to ``today``."""
    return datetime.date(today.year - HISTORY_YEARS, 1, 1), today


def history_years(first: datetime.date, window_start: datetime.date, today: datetime.date) -> Decimal:
    """The years the history covers: from 1 January of ``first``'s year (not before the window) up to ``today``.

    To one decimal and at least one year, so that a single incident this year counts as a year's damage
    rather than being multiplied up to a whole year.
    """
    start = max(window_start, datetime.date(first.year, 1, 1))
    days = (today - start).days + 1
    years = (Decimal(days) / Decimal("365.25")).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return max(Decimal(1), years)


def _as_date(value: Any) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value)[:10])


def damage_history(analysis: RiskAnalysis, start: datetime.date, end: datetime.date) -> dict[int, History]:
    """Per measure of ``analysis``: its distinct linked incidents in [start, end], their cost and the earliest date.

    One query: the distinct (measure, incident) pairs through the two many-to-many tables, grouped by measure.
    An incident linked to several risks of the same measure is counted once.

    The tables are joined with ``CROSS JOIN`` and the conditions put in ``WHERE``: the same inner join, but
    SQLite then keeps the order as written (the analysis's few measures, their risks, those risks' incidents
    by primary key). Without the planner's statistics SQLite otherwise starts from the organisation's
    incidents of the last five years (through ``incident_org_date``) and probes the link tables for each one:
    about 200 ms at ``varna demo --scale 15`` instead of well under a millisecond. PostgreSQL plans
    ``CROSS JOIN`` like any inner join (four tables: below ``join_collapse_limit``).
    """
    q = connection.ops.quote_name
    measure_risks = Measure.risks.through._meta
    risk_incidents = Risk.incidents.through._meta
    sql = (
        # Only quoted table and column names of the models are put in; the values are parameters.
        "SELECT pairs.measure_id, COUNT(*), SUM(pairs.cost), MIN(pairs.occurred_on) FROM ("  # noqa: S608
        f" SELECT DISTINCT mr.{q('measure_id')} AS measure_id, i.{q('id')} AS incident_id,"
        f" i.{q('total_cost')} AS cost, i.{q('occurred_on')} AS occurred_on"
        f" FROM {q(Measure._meta.db_table)} m"
        f" CROSS JOIN {q(measure_risks.db_table)} mr"
        f" CROSS JOIN {q(risk_incidents.db_table)} ri"
        f" CROSS JOIN {q(Incident._meta.db_table)} i"
        f" WHERE m.{q('analysis_id')} = %s AND mr.{q('measure_id')} = m.{q('id')}"
        f" AND ri.{q('risk_id')} = mr.{q('risk_id')} AND i.{q('id')} = ri.{q('incident_id')}"
        f" AND i.{q('organisation_id')} = m.{q('organisation_id')}"
        f" AND i.{q('occurred_on')} >= %s AND i.{q('occurred_on')} <= %s"
        ") pairs GROUP BY pairs.measure_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [analysis.pk, start, end])
        rows = cursor.fetchall()
    return {
        int(measure_id): History(
            incidents=int(n),
            cost=Decimal(str(cost or 0)).quantize(Decimal("0.01")),
            first=_as_date(first),
        )
        for measure_id, n, cost, first in rows
    }


def _cost_sentence(measure: Measure, annual: Decimal) -> str:
    values = {
        "annual": kr(annual),
        "investment": kr(measure.investment),
        "years": measure.lifetime_years,
        "yearly": kr(measure.yearly_cost),
    }
    if measure.investment > 0 and measure.yearly_cost > 0:
        return _("Cost %(annual)s a year = %(investment)s over %(years)s years + %(yearly)s a year.") % values
    if measure.investment > 0:
        return _("Cost %(annual)s a year = %(investment)s over %(years)s years.") % values
    if measure.yearly_cost > 0:
        return _("Cost %(annual)s a year (running cost, no investment).") % values
    return _("The measure has no cost entered.")


def _benefit(
    measure: Measure, history: History | None, start: datetime.date, today: datetime.date
) -> tuple[Decimal | None, str, Decimal]:
    """(yearly benefit, basis, years of history used)."""
    if measure.expected_reduction is not None:
        return Decimal(measure.expected_reduction), ENTERED, Decimal(0)
    if measure.effect_share is None or history is None:
        return None, MISSING, Decimal(0)
    years = history_years(history.first, start, today)
    benefit = history.cost / years * Decimal(measure.effect_share) / 100
    return benefit.quantize(Decimal(1), rounding=ROUND_HALF_UP), DERIVED, years


def _benefit_sentence(row: CostBenefitRow, start: datetime.date, end: datetime.date) -> str:
    measure = row.measure
    if row.basis == ENTERED:
        return _("Benefit %(benefit)s a year, as entered (expected reduction of the damage cost).") % {
            "benefit": kr(row.benefit or 0)
        }
    if row.basis == DERIVED and row.history is not None:
        values = {
            "benefit": kr(row.benefit or 0),
            "incidents": row.history.incidents,
            "cost": kr(row.history.cost),
            "years": number_format(row.years, 0 if row.years == row.years.to_integral_value() else 1),
            "share": measure.effect_share,
        }
        if row.history.incidents == 1:
            return (
                _(
                    "Benefit %(benefit)s a year, derived from 1 incident costing %(cost)s over %(years)s years "
                    "x %(share)s %% avoided."
                )
                % values
            )
        return (
            _(
                "Benefit %(benefit)s a year, derived from %(incidents)s incidents costing %(cost)s over "
                "%(years)s years x %(share)s %% avoided."
            )
            % values
        )
    if measure.effect_share is None:
        return _(
            "The benefit cannot be judged: enter the expected reduction of the damage cost, or the share of "
            "the damage cost the measure avoids."
        )
    return _(
        "The benefit cannot be judged: the risks have no linked incidents in %(start)s-%(end)s. "
        "Enter the expected reduction of the damage cost instead."
    ) % {"start": start.year, "end": end.year}


def _verdict(row: CostBenefitRow) -> str | None:
    if row.justified is None:
        return None
    if row.justified is False:
        return _(
            "The benefit is lower than the cost: the measure is not economically justified according to the "
            "guidelines (K8)."
        )
    if row.annual_cost == 0:
        return _("The measure costs nothing and lowers the damage cost: it is justified.")
    return _("The benefit is at least as high as the cost: the measure is economically justified (K8).")


def _sort_key(row: CostBenefitRow) -> tuple[int, float, int]:
    if row.ratio is None:
        group = 1 if row.basis != MISSING else 2
        return group, 0.0, row.measure.pk
    return 0, -row.ratio, row.measure.pk


def rank_measures(analysis: RiskAnalysis, *, today: datetime.date | None = None) -> Ranking:
    """The cost-benefit ranking of ``analysis``'s measures (K8). Two queries: the measures and their history."""
    today = today or timezone.localdate()
    start, end = history_window(today)
    measures = list(Measure.objects.filter(analysis_id=analysis.pk).order_by("priority", "pk"))
    histories = damage_history(analysis, start, end) if measures else {}
    rows = []
    for measure in measures:
        annual = measure.annual_cost
        history = histories.get(measure.pk)
        benefit, basis, years = _benefit(measure, history, start, today)
        ratio: float | None = None
        justified: bool | None = None
        if benefit is not None:
            if annual > 0:
                ratio = float(benefit / annual)
                justified = benefit >= annual
            elif benefit > 0:
                ratio = math.inf
                justified = True
        row = CostBenefitRow(
            measure=measure,
            annual_cost=annual,
            benefit=benefit,
            basis=basis,
            ratio=ratio,
            justified=justified,
            history=history if basis == DERIVED else None,
            years=years,
        )
        row.explanation = [_cost_sentence(measure, annual), _benefit_sentence(row, start, end)]
        verdict = _verdict(row)
        if verdict:
            row.explanation.append(verdict)
        rows.append(row)
    rows.sort(key=_sort_key)
    for number, row in enumerate(rows, start=1):
        row.rank = number if row.ratio is not None else None
    justified_rows = [r for r in rows if r.justified]
    return Ranking(
        rows=rows,
        window_start=start,
        window_end=end,
        total_cost=sum((r.annual_cost for r in rows), Decimal(0)),
        justified_cost=sum((r.annual_cost for r in justified_rows), Decimal(0)),
        justified_benefit=sum((r.benefit or Decimal(0) for r in justified_rows), Decimal(0)),
    )
