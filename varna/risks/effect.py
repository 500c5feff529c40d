"""The effect of measures that were carried out (P8, G13): damage before and after, with an honest uncertainty.

For each measure carried out (``status`` done, with the day it was done, ``done_on``):

- **where:** the incidents at the analysis's node and below it, of the measure's security area when it has one;
  false alarms do not count (near misses do: they are the same events that did no harm this time);
- **when:** the period after the measure (from the day after it was done up to today, at most
  :data:`MAX_DAYS`) and a period of the same length right before it;
- **per 100 employees and year:** each period's staff are today's active staff of those nodes who were employed
  by the period's middle (people without an employment date count in both). Who left is not known, so the
  adjustment only takes growth into account;
- **the uncertainty:** the ratio of the two rates with a 95 % interval (the usual normal approximation on the
  log of a ratio of Poisson counts: ``exp(ln(ratio) ± 1.96·√(1/a + 1/b))``). Below :data:`MIN_EVENTS` incidents
  in the two periods together, or less than :data:`MIN_DAYS` after the measure, nothing is claimed. A change is
  called a change only when the whole interval lies on one side of 1, so three fewer falls are not sold as an
  effect.

The figures come from the damage statistics' daily summary (``incidents.statistics.counted``), read once for all
the measures asked about, and from one count of staff: the analysis page and the yearly report ask for many.
"""

from __future__ import annotations

import bisect
import datetime
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

import numpy
from django.db.models import CharField, Count, FloatField, Sum
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from varna.core import access
from varna.core.access import Perm
from varna.core.models import Node, User
from varna.incidents.statistics import SUMMARY, StatisticsFilter, counted
from varna.risks.models import Measure, MeasureStatus

MIN_EVENTS = 10  # fewer incidents in the two periods together: "too few to say anything"
MIN_DAYS = 90  # a shorter time since the measure: "too early to say anything"
MAX_DAYS = 730  # the periods compared are at most two years each
Z95 = 1.959964

# What :func:`effects` reads of a measure (and the pages show beside it).
EFFECT_FIELDS = (
    "pk",
    "organisation_id",
    "analysis_id",
    "node_id",
    "number",
    "title",
    "security_area_id",
    "status",
    "done_on",
)

Verdict = Literal["too_early", "too_few", "fewer", "more", "no_clear_change"]


@dataclass(slots=True)
class Period:
    start: datetime.date
    end: datetime.date  # inclusive
    count: int
    cost: Decimal
    staff: int

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def per_100_staff_per_year(self) -> Decimal | None:
        if not self.staff:
            return None
        rate = Decimal(self.count) * 100 * Decimal(365) / (Decimal(self.staff) * Decimal(self.days))
        return rate.quantize(Decimal("0.1"), ROUND_HALF_UP)


@dataclass(slots=True)
class Effect:
    measure: Measure
    before: Period
    after: Period
    verdict: Verdict
    ratio: float | None = None  # the rate after over the rate before
    low: float | None = None  # the 95 % interval of the ratio
    high: float | None = None

    @property
    def periods(self) -> tuple[Period, Period]:
        return self.before, self.after

    @property
    def change_percent(self) -> int | None:
        """The change of the rate, in per cent (negative: fewer)."""
        return None if self.ratio is None else round((self.ratio - 1) * 100)

    @property
    def interval_percent(self) -> tuple[int, int] | None:
        if self.low is None or self.high is None:
            return None
        return round((self.low - 1) * 100), round((self.high - 1) * 100)

    @property
    def summary(self) -> str:
        """What the figures say, in a sentence that does not claim more than they do."""
        if self.verdict == "too_early":
            return _("Too early to say anything: the measure was carried out less than %(days)s days ago.") % {
                "days": MIN_DAYS
            }
        if self.verdict == "too_few":
            return _("Too few incidents to say anything (%(count)s in the two periods together).") % {
                "count": self.before.count + self.after.count
            }
        low, high = self.interval_percent or (0, 0)
        figures = {"change": _signed(self.change_percent or 0), "low": _signed(low), "high": _signed(high)}
        if self.verdict == "fewer":
            text = _(
                "Fewer incidents after the measure: %(change)s %% per employee (95 %% interval %(low)s to %(high)s %%)."
            )
        elif self.verdict == "more":
            text = _(
                "More incidents after the measure: %(change)s %% per employee (95 %% interval %(low)s to %(high)s %%)."
            )
        else:
            text = _(
                "No certain change: %(change)s %% per employee, but the difference is within chance "
                "(95 %% interval %(low)s to %(high)s %%)."
            )
        return text % figures


def _signed(percent: int) -> str:
    return f"+{percent}" if percent > 0 else str(percent).replace("-", "−")


def rate_ratio(
    before: int, after: int, exposure_before: float, exposure_after: float
) -> tuple[float, float, float] | None:
    """The ratio of the rate after to the rate before and its 95 % interval, or ``None`` when it is not defined.

    Counts of zero get half an event each (the usual correction), so a period without incidents still gives an
    interval rather than an infinite one.
    """
    if exposure_before <= 0 or exposure_after <= 0:
        return None
    a, b = float(before), float(after)
    if a == 0 or b == 0:
        a, b = a + 0.5, b + 0.5
    ratio = (b / exposure_after) / (a / exposure_before)
    spread = Z95 * math.sqrt(1 / a + 1 / b)
    return ratio, ratio * math.exp(-spread), ratio * math.exp(spread)


def judge(before: Period, after: Period) -> tuple[Verdict, tuple[float, float, float] | None]:
    if after.days < MIN_DAYS:
        return "too_early", None
    if before.count + after.count < MIN_EVENTS:
        return "too_few", None
    staff_before = before.staff or after.staff or 1
    staff_after = after.staff or before.staff or 1
    found = rate_ratio(before.count, after.count, staff_before * before.days, staff_after * after.days)
    if found is None:
        return "too_few", None
    _ratio, low, high = found
    if high < 1:
        return "fewer", found
    if low > 1:
        return "more", found
    return "no_clear_change", found


def periods_of(done_on: datetime.date, today: datetime.date) -> tuple[tuple[datetime.date, datetime.date], ...]:
    """(before, after): the days after the measure up to today (at most :data:`MAX_DAYS`), and as many before."""
    after_start = done_on + datetime.timedelta(days=1)
    after_end = min(today, done_on + datetime.timedelta(days=MAX_DAYS))
    length = max((after_end - after_start).days + 1, 0)
    before_end = done_on
    before_start = done_on - datetime.timedelta(days=max(length, 1) - 1)
    return (before_start, before_end), (after_start, after_end)


def completed_measures(user: User) -> list[Measure]:
    """The measures carried out (with their day) that the person may see."""
    qs = access.scope(user, Perm.VIEW_RISKS, Measure.objects.all())
    return list(qs.filter(status=MeasureStatus.DONE, done_on__isnull=False).only(*EFFECT_FIELDS).order_by("pk"))


class _Tree:
    """Rows placed in the tree (numpy columns), sorted by the path of their node: a subtree is one slice.

    ``order`` holds the organisation's node paths in order; :meth:`part` gives the rows of a node and every node
    below it.
    """

    def __init__(self, order: _Order, node_ids: list[int], columns: list[numpy.ndarray]) -> None:
        ranks = numpy.array([order.rank.get(pk, -1) for pk in node_ids], dtype=numpy.int64)
        keep = numpy.flatnonzero(ranks >= 0)
        ordered = keep[numpy.argsort(ranks[keep], kind="stable")]
        self.order = order
        self.ranks = ranks[ordered]
        self.columns = [column[ordered] for column in columns]

    def part(self, node_id: int) -> list[numpy.ndarray]:
        low, high = self.order.span(node_id)
        i, j = numpy.searchsorted(self.ranks, (low, high))
        return [column[i:j] for column in self.columns]


class _Order:
    """The nodes by path: a node's subtree is the ranks ``span(node)``."""

    def __init__(self, paths: dict[int, str]) -> None:
        ordered = sorted(paths.items(), key=lambda item: item[1])
        self.paths = [path for _pk, path in ordered]
        self.rank = {pk: i for i, (pk, _path) in enumerate(ordered)}

    def span(self, node_id: int) -> tuple[int, int]:
        low = self.rank[node_id]
        return low, bisect.bisect_left(self.paths, self.paths[low] + "\uffff", low)


def _days(values: list[str]) -> numpy.ndarray:
    """ISO dates (as the databases give a date cast to text) as day numbers, parsed at once."""
    return numpy.array(values, dtype="datetime64[D]").astype(numpy.int64)


def _ordinal(day: datetime.date) -> int:
    """A day as :func:`_days` numbers it (days since 1970-01-01)."""
    return (day - EPOCH).days


EPOCH = datetime.date(1970, 1, 1)


def effects(user: User, measures: Sequence[Measure], *, today: datetime.date) -> dict[int, Effect]:
    """The effect of each measure carried out among ``measures`` (by id): three or four queries in all.

    The damage figures are the person's own (``VIEW_STATISTICS`` scope): the same as on the statistics page.
    The summary's rows and the staff are read once and laid out by the path of their node, so that each measure's
    subtree is one slice; the measures of one node and area are then summed together, by running totals per day.
    """
    done = [m for m in measures if m.status == MeasureStatus.DONE and m.done_on is not None and m.done_on < today]
    if not done or user.organisation_id is None:
        return {}
    windows = {m.pk: periods_of(m.done_on, today) for m in done if m.done_on is not None}
    first = min(before[0] for before, _after in windows.values())
    # One analysis's measures share a node: read only its subtree. Many nodes (the yearly report): the whole scope.
    roots = {m.node_id for m in done}
    node = Node.objects.get(pk=next(iter(roots))) if len(roots) == 1 else None
    nodes = Node.objects.filter(organisation_id=user.organisation_id)
    people = User.objects.filter(is_active=True, employment_node__isnull=False)
    if node is not None:
        nodes = nodes.filter(path__startswith=node.path)
        people = people.filter(employment_node__in=nodes.values("pk"))
    order = _Order(dict(nodes.order_by().values_list("pk", "path")))
    filters = StatisticsFilter(date_from=first, date_to=today, include_false_alarms=False, node=node)
    summary = list(
        counted(user, filters, SUMMARY)
        .values_list("node_id", "security_area_id", Cast("day", CharField()))
        .annotate(n=Sum("count"), c=Sum("cost", output_field=FloatField()))  # rounded to öre below
        .order_by()
    )
    node_ids, areas, days, counts, costs = zip(*summary, strict=True) if summary else ((), (), (), (), ())
    incidents = _Tree(
        order,
        list(node_ids),
        [
            _days(list(days)),
            numpy.array([a or 0 for a in areas], dtype=numpy.int64),
            numpy.array(counts, dtype=numpy.int64),
            numpy.rint(numpy.array(costs, dtype=numpy.float64) * 100).astype(numpy.int64),
        ],
    )
    employed = list(
        access.scope(user, Perm.VIEW_STATISTICS, people)
        .values_list("employment_node_id", Cast("employed_from", CharField()))
        .annotate(n=Count("pk"))
        .order_by()
    )
    staff_nodes, since, heads = zip(*employed, strict=True) if employed else ((), (), ())
    staff = _Tree(
        order,
        list(staff_nodes),
        [_days([s or "0001-01-01" for s in since]), numpy.array(heads, dtype=numpy.int64)],
    )
    groups: dict[tuple[int, int | None], list[Measure]] = defaultdict(list)
    for m in done:
        if m.node_id in order.rank:
            groups[(m.node_id, m.security_area_id)].append(m)
    staff_of: dict[int, tuple[numpy.ndarray, ...]] = {}
    found: dict[int, Effect] = {}
    for (root_id, area_id), members in groups.items():
        if root_id not in staff_of:
            staff_of[root_id] = _running(*staff.part(root_id))
        staff_since, staff_total = staff_of[root_id]
        day, area, count, cost = incidents.part(root_id)
        if area_id is not None:
            chosen = area == area_id
            day, count, cost = day[chosen], count[chosen], cost[chosen]
        day, count_total, cost_total = _running(day, count, cost)
        spans = [windows[m.pk] for m in members]
        bounds = numpy.array(
            [[_ordinal(d) + k for (b, a) in spans for d, k in ((b[0], 0), (b[1], 1), (a[0], 0), (a[1], 1))]]
        )
        bounds = bounds.reshape(len(members), 4)
        at = numpy.searchsorted(day, bounds)
        middles = numpy.array([[_ordinal(p[0] + (p[1] - p[0]) / 2) + 1 for p in span] for span in spans])
        heads_at = staff_total[numpy.searchsorted(staff_since, middles)].tolist()
        counts_at, costs_at = count_total[at].tolist(), cost_total[at].tolist()
        for measure, span, n, c, h in zip(members, spans, counts_at, costs_at, heads_at, strict=True):
            before = Period(span[0][0], span[0][1], n[1] - n[0], Decimal(c[1] - c[0]) / 100, h[0])
            after = Period(span[1][0], span[1][1], n[3] - n[2], Decimal(c[3] - c[2]) / 100, h[1])
            verdict, ratio = judge(before, after)
            found[measure.pk] = Effect(measure, before, after, verdict, *(ratio or (None, None, None)))
    return found


def _running(keys: numpy.ndarray, *values: numpy.ndarray) -> tuple[numpy.ndarray, ...]:
    """``keys`` sorted, and each of ``values`` in that order as running totals that start at 0.

    The sum of the values whose key lies in ``[a, b)`` is then ``total[j] - total[i]`` with ``i, j`` the
    ``searchsorted`` places of ``a`` and ``b``.
    """
    order = numpy.argsort(keys, kind="stable")
    totals = [numpy.concatenate(([0], numpy.cumsum(v[order]))) for v in values]
    return (keys[order], *totals)
