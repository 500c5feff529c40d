"""Writes of the yearly plan of analyses (K6: the security group keeps it), with their access checks.

Only those with ``PLAN_ANALYSES`` (the coordinator) change the plan. A node is in the plan at most
once a year (a unique constraint): adding it twice gives a clear message, never a second entry.
A change or removal carries the ``revision`` the form was shown with; a stale form changes nothing.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from varna.core import access
from varna.core.access import Perm
from varna.core.models import Node, User
from varna.core.services import StaleFormError, check_revision, save_revision, stamp
from varna.risks import schedule
from varna.risks.models import AnalysisTrigger, PlannedAnalysis, RiskAnalysis

EARLIEST_YEAR = 2000
LATEST_YEAR = 2100
MAX_NOTE = 300


def _check_planner(actor: User, node: Node | None = None) -> None:
    if not access.has_perm(actor, Perm.PLAN_ANALYSES):
        raise PermissionDenied
    if node is not None and (
        node.organisation_id != actor.organisation_id or not access.has_perm(actor, Perm.PLAN_ANALYSES, node)
    ):
        raise PermissionDenied


def _check_year(year: int) -> None:
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise ValidationError(
            _("Choose a year between %(first)d and %(last)d.") % {"first": EARLIEST_YEAR, "last": LATEST_YEAR}
        )


def _check_fields(
    actor: User, *, year: int, planned_for: datetime.date, reason: str, responsible: User | None, note: str
) -> None:
    _check_year(year)
    if planned_for.year != year:
        raise ValidationError(_("The planned date must be in %(year)d.") % {"year": year})
    if reason not in AnalysisTrigger.values:
        raise ValidationError(_("Choose why the analysis is made."))
    if responsible is not None and (responsible.organisation_id != actor.organisation_id or not responsible.is_active):
        raise ValidationError(_("Choose people from your own organisation."))
    if len(note) > MAX_NOTE:
        raise ValidationError(_("The note can be at most %(max)d characters.") % {"max": MAX_NOTE})


def _already_planned(node: Node, year: int) -> ValidationError:
    return ValidationError(
        _("%(node)s is already in the plan for %(year)d. Change that entry instead.")
        % {"node": node.name, "year": year},
        code="duplicate",
    )


def default_responsible(node: Node) -> User | None:
    """The node's unit manager (active role assignment), if it has one."""
    return schedule.unit_managers([node.pk]).get(node.pk)


def _analysis_of(node: Node, year: int) -> RiskAnalysis | None:
    """An analysis of ``node`` made in ``year``: it fulfils the plan entry."""
    return RiskAnalysis.objects.filter(node=node, analysed_on__year=year).order_by("-analysed_on", "-pk").first()


@transaction.atomic
def add_to_plan(
    *,
    actor: User,
    node: Node,
    year: int,
    planned_for: datetime.date,
    reason: str = AnalysisTrigger.YEARLY,
    responsible: User | None = None,
    note: str = "",
) -> PlannedAnalysis:
    """Put ``node`` in the plan of analyses for ``year``. The responsible defaults to its unit manager."""
    _check_planner(actor, node)
    note = (note or "").strip()
    if responsible is None:
        responsible = default_responsible(node)
    _check_fields(actor, year=year, planned_for=planned_for, reason=reason, responsible=responsible, note=note)
    if PlannedAnalysis.objects.filter(organisation_id=node.organisation_id, node=node, year=year).exists():
        raise _already_planned(node, year)
    entry = PlannedAnalysis(
        organisation_id=node.organisation_id,
        node=node,
        year=year,
        planned_for=planned_for,
        reason=reason,
        responsible=responsible,
        note=note,
        analysis=_analysis_of(node, year),
        created_by=actor,
    )
    stamp(entry, actor)
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError as exc:  # someone added it at the same moment
        raise _already_planned(node, year) from exc
    return entry


@transaction.atomic
def update_plan_entry(
    *,
    actor: User,
    entry: PlannedAnalysis,
    revision: int | None,
    planned_for: datetime.date,
    reason: str,
    responsible: User | None,
    note: str = "",
) -> PlannedAnalysis:
    """Change an entry's date, reason, responsible or note."""
    _check_planner(actor, entry.node)
    locked = PlannedAnalysis.objects.select_for_update().filter(pk=entry.pk).first()
    if locked is None:
        raise ValidationError(_("The entry has been removed from the plan meanwhile."), code="gone")
    check_revision(locked, revision)
    note = (note or "").strip()
    _check_fields(actor, year=locked.year, planned_for=planned_for, reason=reason, responsible=responsible, note=note)
    locked.planned_for = planned_for
    locked.reason = reason
    locked.responsible = responsible
    locked.note = note
    save_revision(locked, actor, ["planned_for", "reason", "responsible", "note"])
    return locked


@transaction.atomic
def remove_from_plan(*, actor: User, entry: PlannedAnalysis, revision: int | None) -> None:
    """Take an entry out of the plan."""
    _check_planner(actor, entry.node)
    locked = PlannedAnalysis.objects.select_for_update().filter(pk=entry.pk).first()
    if locked is None:
        return  # already removed: a second click changes nothing
    check_revision(locked, revision)
    stamp(locked, actor)
    locked.delete()


def _planned_date(due_on: datetime.date, year: int, today: datetime.date) -> datetime.date:
    """The due date, moved into ``year`` and not before today."""
    day = max(due_on, datetime.date(year, 1, 1), today)
    return min(day, datetime.date(year, 12, 31))


@transaction.atomic
def add_all_suggestions(
    *, actor: User, year: int, expected: int | None = None, today: datetime.date | None = None
) -> list[PlannedAnalysis]:
    """Put every node due in ``year`` and not yet planned into the plan: all of them or none.

    ``expected`` is how many suggestions the person saw; when the list has changed meanwhile,
    nothing is added and the person is asked to look again.
    """
    _check_planner(actor)
    organisation_id = actor.organisation_id
    if organisation_id is None:
        raise PermissionDenied
    _check_year(year)
    today = today or timezone.localdate()
    if year < today.year:
        raise ValidationError(_("A year that has passed cannot be planned."))
    rows = schedule.suggestions(actor, year=year, today=today)
    if not rows:
        raise ValidationError(_("Every suggestion for %(year)d is already in the plan.") % {"year": year}, code="none")
    if expected is not None and expected != len(rows):
        raise StaleFormError
    managers = schedule.unit_managers([row.node_id for row in rows])
    entries = [
        PlannedAnalysis(
            organisation_id=organisation_id,
            node_id=row.node_id,
            year=year,
            planned_for=_planned_date(row.due_on, year, today),
            reason=AnalysisTrigger.DAMAGE if row.damage_count and row.never_analysed else AnalysisTrigger.YEARLY,
            responsible=managers.get(row.node_id),
            created_by=actor,
        )
        for row in rows
    ]
    try:
        with transaction.atomic():
            created = bulk_create_with_history(entries, PlannedAnalysis, default_user=actor)
    except IntegrityError as exc:  # someone planned one of them at the same moment: add none
        raise StaleFormError from exc
    return list(created)
