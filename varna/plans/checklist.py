"""The security group's checklist for judging a nämnd's action plan (G14), and the facts beside it.

Each item is judged by hand; where the software can compute a fact that helps the judgement (the
share of complete actions, whether the plan is adopted, how many actions are overdue ...), the
review form shows it next to the item and suggests an answer. The score is the number of items met.

A nämnd's plans are those of the nämnd itself and of the nodes below it, except those below another
nämnd further down (the executive board does not answer for the committees' plans).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from varna.core.models import Node, NodeKind
from varna.plans.models import OPEN_ACTION_STATUSES, Action, ActionPlan, ActionStatus
from varna.risks.models import AnalysisStatus, Measure, MeasureStatus, RiskAnalysis

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

NAMND_KINDS = (NodeKind.EXECUTIVE_BOARD, NodeKind.COMMITTEE)


@dataclass(frozen=True)
class Item:
    code: str
    label: StrPromise
    help_text: StrPromise


ITEMS: tuple[Item, ...] = (
    Item(
        "analyses",
        gettext_lazy("The plan builds on current risk analyses"),
        gettext_lazy("Risk analyses of the nämnd's operations from this year or last year lie behind the actions."),
    ),
    Item(
        "complete",
        gettext_lazy("Every action says what, how, when, who and with which resources"),
        gettext_lazy("Look for actions without a clear responsible person, date or resources."),
    ),
    Item(
        "adopted",
        gettext_lazy("The plan is adopted by the nämnd, with paragraph and registry number"),
        gettext_lazy("The decision is recorded with the date, the paragraph (§) and the registry number."),
    ),
    Item(
        "measures",
        gettext_lazy("The plan covers the measures decided in the analyses"),
        gettext_lazy("Decided measures from the risk analyses have become actions in the plan."),
    ),
    Item(
        "follow_up",
        gettext_lazy("The plan follows up last year's plan"),
        gettext_lazy("Actions not finished last year are carried on, done or cancelled with a reason."),
    ),
    Item(
        "overdue",
        gettext_lazy("Overdue actions are dealt with"),
        gettext_lazy("Actions past their date are done, given a new date or cancelled with a reason."),
    ),
)
CODES = tuple(item.code for item in ITEMS)
MAX_SCORE = len(ITEMS)


def score(values: dict[str, bool]) -> int:
    """The number of checklist items met."""
    return sum(1 for code in CODES if values.get(code))


def complete_condition(prefix: str = "") -> Q:
    """Actions that state all five: what, how, when, who and resources (budget, hours or a note)."""
    return (
        ~Q(**{f"{prefix}what": ""})
        & ~Q(**{f"{prefix}how": ""})
        & Q(**{f"{prefix}due__isnull": False})
        & Q(**{f"{prefix}responsible__isnull": False})
        & (
            Q(**{f"{prefix}budget__isnull": False})
            | Q(**{f"{prefix}hours__isnull": False})
            | ~Q(**{f"{prefix}resources_note": ""})
        )
    )


def overdue_condition(today: datetime.date | None = None) -> Q:
    return Q(due__lt=today or timezone.localdate(), status__in=OPEN_ACTION_STATUSES)


def own_subtree(node: Node, lookup: str = "node__path") -> Q:
    """Rows at ``node`` or below it, but not below another nämnd further down."""
    below = (
        Node.objects.filter(organisation_id=node.organisation_id, path__startswith=node.path, kind__in=NAMND_KINDS)
        .exclude(pk=node.pk)
        .values_list("path", flat=True)
    )
    condition = Q(**{f"{lookup}__startswith": node.path})
    for path in below:
        condition &= ~Q(**{f"{lookup}__startswith": path})
    return condition


def nearest_below(node: Node, namnder: Sequence[Node]) -> list[Node]:
    """The nämnder below ``node`` with no other nämnd between them and ``node``."""
    below = [c for c in namnder if c.path != node.path and c.path.startswith(node.path)]
    return [d for d in below if not any(e.path != d.path and d.path.startswith(e.path) for e in below)]


def overdue_by_namnd(namnder: Sequence[Node], today: datetime.date | None = None) -> dict[int, int]:
    """How many actions each nämnd answers for are overdue today, whatever the year of their plan.

    The one count of overdue actions of the security group's review: the overview and the checklist's
    facts both read it. A nämnd answers for the actions at it and below it, except those below another
    nämnd further down. One grouped query per path length, whatever the amount of data.
    """
    if not namnder:
        return {}
    org = namnder[0].organisation_id
    every = list(Node.objects.filter(organisation_id=org, kind__in=NAMND_KINDS).only("pk", "path"))
    below = {n.pk: nearest_below(n, every) for n in namnder}
    paths = {n.path for n in namnder} | {d.path for nodes in below.values() for d in nodes}
    counts: dict[str, int] = {}
    for length in sorted({len(p) for p in paths}):
        rows = (
            Action.objects.filter(overdue_condition(today), organisation_id=org)
            .annotate(prefix=Substr("node__path", 1, length))
            .filter(prefix__in=[p for p in paths if len(p) == length])
            .values("prefix")
            .annotate(count=Count("pk"))
            .order_by()
        )
        counts.update({row["prefix"]: row["count"] for row in rows})
    return {n.pk: counts.get(n.path, 0) - sum(counts.get(d.path, 0) for d in below[n.pk]) for n in namnder}


@dataclass(frozen=True)
class Fact:
    text: str
    suggested: bool | None  # what the fact suggests for the item; None: nothing to say


def facts(node: Node, year: int) -> dict[str, Fact]:
    """The computed facts for each checklist item of ``node``'s plans for ``year`` (a handful of queries)."""
    today = timezone.localdate()
    own = own_subtree(node)
    org = node.organisation_id
    since = datetime.date(year - 1, 1, 1)
    analyses = RiskAnalysis.objects.filter(own, organisation_id=org, analysed_on__gte=since).aggregate(
        total=Count("pk"), adopted=Count("pk", filter=Q(status=AnalysisStatus.ADOPTED))
    )
    actions = Action.objects.filter(own, organisation_id=org, plan__year=year).aggregate(
        total=Count("pk"),
        complete=Count("pk", filter=complete_condition()),
        linked=Count("pk", filter=Q(measures__isnull=False), distinct=True),
    )
    overdue = overdue_by_namnd([node], today)[node.pk]
    plan = ActionPlan.objects.filter(organisation_id=org, node=node, year=year).first()
    decided = Measure.objects.filter(own, organisation_id=org, status=MeasureStatus.DECIDED).aggregate(
        total=Count("pk", distinct=True),
        planned=Count("pk", filter=Q(actions__plan__year=year), distinct=True),
    )
    last_year = Action.objects.filter(own, organisation_id=org, plan__year=year - 1).aggregate(
        plans=Count("plan", distinct=True),
        open=Count("pk", filter=Q(status__in=OPEN_ACTION_STATUSES)),
        cancelled_without_reason=Count("pk", filter=Q(status=ActionStatus.CANCELLED, status_reason="")),
    )

    total = actions["total"]
    share = round(100 * actions["complete"] / total) if total else 0
    adopted = bool(plan and plan.is_adopted and plan.minute_paragraph and plan.registry_number)
    if plan is None:
        adopted_text = _("No plan of the nämnd itself for %(year)s.") % {"year": year}
    elif adopted:
        adopted_text = _("Adopted %(date)s by %(body)s, %(paragraph)s, registry number %(number)s.") % {
            "date": plan.adopted_on.isoformat() if plan.adopted_on else "",
            "body": plan.adopted_by_body,
            "paragraph": plan.minute_paragraph,
            "number": plan.registry_number,
        }
    else:
        adopted_text = _("The plan is not recorded as adopted.")
    return {
        "analyses": Fact(
            _("%(count)s risk analyses since %(since)s, %(adopted)s of them adopted.")
            % {"count": analyses["total"], "since": since.isoformat(), "adopted": analyses["adopted"]},
            analyses["total"] > 0 and actions["linked"] > 0,
        ),
        "complete": Fact(
            _("%(complete)s of %(total)s actions (%(share)s %%) state what, how, when, who and resources.")
            % {"complete": actions["complete"], "total": total, "share": share},
            total > 0 and actions["complete"] == total,
        ),
        "adopted": Fact(adopted_text, adopted),
        "measures": Fact(
            _("%(planned)s of %(total)s decided measures are actions in this year's plans.")
            % {"planned": decided["planned"], "total": decided["total"]},
            decided["planned"] == decided["total"] if total else False,
        ),
        "follow_up": Fact(
            _("Last year: %(plans)s plans, %(open)s actions still open.")
            % {"plans": last_year["plans"], "open": last_year["open"]},
            None if not last_year["plans"] else last_year["open"] == 0 or total > 0,
        ),
        "overdue": Fact(
            ngettext("%(count)s overdue action today.", "%(count)s overdue actions today.", overdue)
            % {"count": overdue},
            overdue == 0,
        ),
    }
