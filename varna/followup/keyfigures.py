"""Key figures (nyckeltal, P5) per node and year, for the goals-and-budget process.

Each figure is computed from the same reads as the follow-up (``figures.py``), with the person's scope:

- **damage cost per employee**: the damage statistics' cost of the year divided by the staff counted today;
- **reported incidents per 100 employees**: the damage statistics' count of the year per 100 of the staff;
- **share of units with a current risk analysis**: units (enheter) in the subtree with a risk analysis done or
  adopted in the twelve months up to the year's end (or today, this year), in per cent;
- **share of actions done on time**: of the year's plans' actions whose due date has passed, those done by it;
- **training coverage**: the training coverage today, in per cent.

A figure without a base (no staff, no units, no actions due) has no value.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q
from django.utils import timezone

from varna.core import access
from varna.core.access import Perm
from varna.core.models import Node, NodeKind, User
from varna.followup import figures
from varna.followup.models import KeyFigure, KeyFigureKind
from varna.incidents import statistics
from varna.plans import checklist
from varna.plans.models import Action, ActionStatus
from varna.risks import schedule
from varna.risks.selectors import AnalysisFilter, analyses

TENTH = Decimal("0.1")


def _share(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(TENTH, ROUND_HALF_UP)


def _period_end(year: int, today: datetime.date) -> datetime.date:
    return min(datetime.date(year, 12, 31), today)


def damage(user: User, node: Node, year: int) -> tuple[int, Decimal, int]:
    """(incidents, cost, staff) of the year from the damage statistics."""
    filters = statistics.StatisticsFilter.for_years(year, year, node=node)
    rows = statistics.aggregate(user, group_by="year", filters=filters, with_staff=True)
    staff = rows[0].staff if rows and rows[0].staff is not None else statistics.staff_counts(user, filters)[None]
    return sum(r.count for r in rows), sum((r.cost for r in rows), statistics.ZERO), int(staff or 0)


def current_analysis_share(user: User, node: Node, year: int, today: datetime.date) -> Decimal | None:
    end = _period_end(year, today)
    units = access.scope(
        user, Perm.VIEW_RISKS, Node.objects.filter(kind=NodeKind.UNIT, path__startswith=node.path)
    ).count()
    done = (
        analyses(user, AnalysisFilter(node=node))
        .filter(
            status__in=schedule.DONE_STATUSES,
            analysed_on__gt=end - datetime.timedelta(days=365),
            analysed_on__lte=end,
            node__kind=NodeKind.UNIT,
        )
        .values("node_id")
        .distinct()
        .count()
    )
    return _share(done, units)


def actions_on_time_share(user: User, node: Node, year: int, today: datetime.date) -> Decimal | None:
    rows = access.scope(
        user,
        Perm.VIEW_PLANS,
        Action.objects.filter(checklist.own_subtree(node), plan__year=year, due__lte=_period_end(year, today)),
    ).exclude(status=ActionStatus.CANCELLED)
    counts = rows.aggregate(
        n_due=Count("pk"),
        n_on_time=Count("pk", filter=Q(status=ActionStatus.DONE, completed_on__lte=F("due"))),
    )
    return _share(counts["n_on_time"], counts["n_due"])


@dataclass(frozen=True)
class Value:
    figure: KeyFigure
    value: Decimal | None

    @property
    def met(self) -> bool | None:
        """Whether the target is met (``None``: no target or no value)."""
        if self.value is None or self.figure.target is None:
            return None
        if self.figure.higher_is_better:
            return self.value >= self.figure.target
        return self.value <= self.figure.target


def active_figures(user: User) -> list[KeyFigure]:
    return list(KeyFigure.objects.filter(organisation_id=user.organisation_id or 0, active=True))


def compute(user: User, node: Node, year: int, *, today: datetime.date | None = None) -> list[Value]:
    """The organisation's key figures in use for ``node`` and ``year``, as ``user`` may see them."""
    today = today or timezone.localdate()
    wanted = active_figures(user)
    kinds = {f.kind for f in wanted}
    values: dict[str, Decimal | None] = {}
    if kinds & {KeyFigureKind.DAMAGE_COST_PER_EMPLOYEE, KeyFigureKind.REPORTS_PER_100}:
        count, cost, staff = damage(user, node, year)
        values[KeyFigureKind.DAMAGE_COST_PER_EMPLOYEE] = (
            (cost / staff).quantize(Decimal("1"), ROUND_HALF_UP) if staff else None
        )
        values[KeyFigureKind.REPORTS_PER_100] = statistics.rate_per_100(count, staff)
    if KeyFigureKind.CURRENT_ANALYSIS_SHARE in kinds:
        values[KeyFigureKind.CURRENT_ANALYSIS_SHARE] = current_analysis_share(user, node, year, today)
    if KeyFigureKind.ACTIONS_ON_TIME_SHARE in kinds:
        values[KeyFigureKind.ACTIONS_ON_TIME_SHARE] = actions_on_time_share(user, node, year, today)
    if KeyFigureKind.TRAINING_COVERAGE in kinds:
        training = figures.training_section(node)
        values[KeyFigureKind.TRAINING_COVERAGE] = Decimal(training["share"]) if training.get("share") else None
    return [Value(f, values.get(f.kind)) for f in wanted]
