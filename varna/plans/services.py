"""Every write of action plans (handlingsplaner, P7, G6) and of their yearly review (G14).

Each function checks the access policy itself, so the pages, the API and the demo cannot write
around it. Updates take the ``revision`` the form was shown with: a stale form changes nothing
(:class:`StaleFormError`). A second identical "add action" within core's ``DUPLICATE_WINDOW``
gives back the first action instead of a copy.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from varna.core import access, pdf
from varna.core.access import Perm
from varna.core.models import Node, User
from varna.core.services import StaleFormError, check_revision, recent_duplicate, save_revision, stamp
from varna.incidents.models import Incident
from varna.plans import checklist as items
from varna.plans.models import ACTION_TRANSITIONS, Action, ActionPlan, ActionStatus, PlanReview
from varna.risks.models import Measure, Risk

__all__ = [
    "StaleFormError",
    "add_action",
    "change_action_status",
    "create_plan",
    "delete_action",
    "record_adoption",
    "save_review",
    "update_action",
    "update_plan",
]

FIRST_YEAR = 2000
LAST_YEAR = 2100
MAX_TITLE = 200
MAX_SUMMARY = 10_000
MAX_WHAT = 300
MAX_HOW = 4000
MAX_NOTE = 300
MAX_BODY = 200
MAX_PARAGRAPH = 40
MAX_REGISTRY = 60
MAX_COMMENT = 4000
MAX_BUDGET = Decimal("999999999999")  # DECIMAL(12, 0)
MAX_HOURS = Decimal("9999999.9")  # DECIMAL(8, 1)
MAX_LINKS = 200  # linked measures, risks or incidents of one action

ACTION_FIELDS = ("what", "how", "due", "responsible", "budget", "hours", "resources_note")
PLAN_PDF = "plans.plan"  # an adopted plan keeps a PDF made by the worker (core/pdf.py, plans/documents.py)


# --- helpers -------------------------------------------------------------------------


def _check_year(year: Any) -> int:
    if not isinstance(year, int) or not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError(
            _("The year must be between %(first)s and %(last)s.") % {"first": FIRST_YEAR, "last": LAST_YEAR},
            code="year",
        )
    return year


def _text(value: Any, *, limit: int, required: str | None = None) -> str:
    text = str(value or "").replace("\x00", "").strip()
    if required and not text:
        raise ValidationError(required, code="required")
    if len(text) > limit:
        raise ValidationError(_("Write at most %(limit)s characters.") % {"limit": limit}, code="too_long")
    return text


def _managed_plan(actor: User, plan: ActionPlan) -> ActionPlan:
    """The plan locked for this transaction, after checking that ``actor`` may change it."""
    if plan.organisation_id != actor.organisation_id or not access.can(actor, Perm.MANAGE_PLANS, plan):
        raise PermissionDenied
    return ActionPlan.objects.select_for_update().select_related("node").get(pk=plan.pk)


def _plan_changed(actor: User, plan: ActionPlan) -> None:
    """After a change of an adopted plan or its actions: the worker makes the plan's PDF again and keeps it."""
    if plan.is_adopted:
        pdf.request_store(PLAN_PDF, plan.pk, actor)


def _managed_action(actor: User, action: Action) -> Action:
    if action.organisation_id != actor.organisation_id or not access.can(actor, Perm.MANAGE_PLANS, action):
        raise PermissionDenied
    return Action.objects.select_for_update().select_related("plan__node").get(pk=action.pk)


# --- plans ---------------------------------------------------------------------------


@transaction.atomic
def create_plan(*, actor: User, node: Node, year: int, title: str, summary: str = "") -> ActionPlan:
    """Start the action plan of ``node`` for ``year``: one plan per node and year."""
    if node.organisation_id != actor.organisation_id or not access.has_perm(actor, Perm.MANAGE_PLANS, node):
        raise PermissionDenied
    year = _check_year(year)
    title = _text(title, limit=MAX_TITLE, required=_("Give the plan a title."))
    summary = _text(summary, limit=MAX_SUMMARY)
    if ActionPlan.objects.filter(organisation_id=node.organisation_id, node=node, year=year).exists():
        raise ValidationError(
            _("%(unit)s already has an action plan for %(year)s. Open it and add to it instead.")
            % {"unit": node.name, "year": year},
            code="exists",
        )
    plan = ActionPlan(
        organisation_id=node.organisation_id, node=node, year=year, title=title, summary=summary, created_by=actor
    )
    stamp(plan, actor)
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError as exc:  # two people creating the same plan at the same moment
        raise ValidationError(
            _("%(unit)s already has an action plan for %(year)s. Open it and add to it instead.")
            % {"unit": node.name, "year": year},
            code="exists",
        ) from exc
    return plan


@transaction.atomic
def update_plan(*, actor: User, plan: ActionPlan, revision: int | None, title: str, summary: str = "") -> ActionPlan:
    """Change the plan's title and summary."""
    locked = _managed_plan(actor, plan)
    check_revision(locked, revision)
    locked.title = _text(title, limit=MAX_TITLE, required=_("Give the plan a title."))
    locked.summary = _text(summary, limit=MAX_SUMMARY)
    save_revision(locked, actor, ["title", "summary"])
    _plan_changed(actor, locked)
    return locked


@transaction.atomic
def record_adoption(
    *,
    actor: User,
    plan: ActionPlan,
    adopted_by_body: str,
    adopted_on: datetime.date | None,
    minute_paragraph: str,
    registry_number: str,
    revision: int | None = None,
) -> ActionPlan:
    """Record the decision that adopted the plan: the body, the date, the paragraph (§) and the registry number."""
    locked = _managed_plan(actor, plan)
    check_revision(locked, revision)
    body = _text(adopted_by_body, limit=MAX_BODY, required=_("Write which body adopted the plan."))
    paragraph = _text(
        minute_paragraph, limit=MAX_PARAGRAPH, required=_("Write the paragraph of the minutes, e.g. § 45.")
    )
    registry = _text(registry_number, limit=MAX_REGISTRY, required=_("Write the registry number, e.g. BUN 2026/123."))
    if not isinstance(adopted_on, datetime.date):
        raise ValidationError(_("Give the date of the decision."), code="required")
    if adopted_on > timezone.localdate():
        raise ValidationError(_("The date of the decision cannot be in the future."), code="future")
    if adopted_on.year < FIRST_YEAR:
        raise ValidationError(_("Check the date of the decision."), code="date")
    if not paragraph.startswith("§"):
        paragraph = f"§ {paragraph}"[:MAX_PARAGRAPH]
    locked.adopted_by_body = body
    locked.adopted_on = adopted_on
    locked.minute_paragraph = paragraph
    locked.registry_number = registry
    save_revision(locked, actor, ["adopted_by_body", "adopted_on", "minute_paragraph", "registry_number"])
    _plan_changed(actor, locked)
    return locked


# --- actions -------------------------------------------------------------------------


def _money(value: Any, *, limit: Decimal, places: int, message: str) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        amount = Decimal(str(value).replace(" ", "").replace("\u00a0", "").replace(",", "."))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError(message, code="number") from exc
    if not amount.is_finite() or amount < 0 or amount > limit:
        raise ValidationError(message, code="number")
    if amount != amount.quantize(Decimal(1).scaleb(-places)):
        raise ValidationError(message, code="number")
    return amount


def _clean_action_fields(plan: ActionPlan, fields: dict[str, Any]) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    if "what" in fields:
        cleaned["what"] = _text(fields["what"], limit=MAX_WHAT, required=_("Write what is to be done."))
    if "how" in fields:
        cleaned["how"] = _text(fields["how"], limit=MAX_HOW, required=_("Write how it is to be done."))
    if "due" in fields:
        due = fields["due"]
        if not isinstance(due, datetime.date):
            raise ValidationError(_("Give the date by which the action is to be done."), code="required")
        if not FIRST_YEAR <= due.year <= LAST_YEAR:
            raise ValidationError(_("Check the due date."), code="date")
        cleaned["due"] = due
    if "responsible" in fields:
        person = fields["responsible"]
        if not isinstance(person, User) or person.organisation_id != plan.organisation_id or not person.is_active:
            raise ValidationError(_("Choose an active person in your organisation as responsible."), code="responsible")
        cleaned["responsible"] = person
    if "budget" in fields:
        cleaned["budget"] = _money(
            fields["budget"], limit=MAX_BUDGET, places=0, message=_("Write the budget in whole kronor, 0 or more.")
        )
    if "hours" in fields:
        cleaned["hours"] = _money(
            fields["hours"],
            limit=MAX_HOURS,
            places=1,
            message=_("Write the hours as a number with at most one decimal."),
        )
    if "resources_note" in fields:
        cleaned["resources_note"] = _text(fields["resources_note"], limit=MAX_NOTE)
    return cleaned


def _check_links[M: Model](
    actor: User, plan: ActionPlan, model: type[M], items: Iterable[M] | None, perm: Perm, *, subtree: bool
) -> list[M] | None:
    """The linked records, when all are visible to ``actor`` (and, for risks and measures, in the plan's subtree)."""
    if items is None:
        return None
    wanted = list({obj.pk: obj for obj in items}.values())
    if not wanted:
        return []
    if len(wanted) > MAX_LINKS:
        raise ValidationError(
            _("An action can be linked to at most %(max)s records of each kind.") % {"max": MAX_LINKS}
        )
    rows: QuerySet[M] = model._default_manager.filter(pk__in=[obj.pk for obj in wanted])
    if subtree:
        rows = rows.filter(node__path__startswith=plan.node.path)
    visible = access.scope(actor, perm, rows).count()
    if visible != len(wanted):
        if model is Measure:
            message = _("Link only measures from risk analyses of %(unit)s or the units below it that you may see.")
        elif model is Risk:
            message = _("Link only risks from risk analyses of %(unit)s or the units below it that you may see.")
        else:
            message = _("Link only incidents that you may see.")
        raise ValidationError(message % {"unit": plan.node.name}, code="links")
    return wanted


def _set_links(
    actor: User,
    plan: ActionPlan,
    action: Action,
    measures: Iterable[Measure] | None,
    risks: Iterable[Risk] | None,
    incidents: Iterable[Incident] | None,
) -> None:
    checked_measures = _check_links(actor, plan, Measure, measures, Perm.VIEW_RISKS, subtree=True)
    checked_risks = _check_links(actor, plan, Risk, risks, Perm.VIEW_RISKS, subtree=True)
    checked_incidents = _check_links(actor, plan, Incident, incidents, Perm.VIEW_INCIDENTS, subtree=False)
    if checked_measures is not None:
        action.measures.set(checked_measures)
    if checked_risks is not None:
        action.risks.set(checked_risks)
    if checked_incidents is not None:
        action.incidents.set(checked_incidents)


@transaction.atomic
def add_action(
    *,
    actor: User,
    plan: ActionPlan,
    what: str,
    how: str,
    due: datetime.date | None,
    responsible: User | None,
    budget: Decimal | int | str | None = None,
    hours: Decimal | int | str | None = None,
    resources_note: str = "",
    measures: Iterable[Measure] = (),
    risks: Iterable[Risk] = (),
    incidents: Iterable[Incident] = (),
) -> Action:
    """Add an action to the plan: what, how, when, who and with which resources (G6).

    The same action sent twice by the same person within core's ``DUPLICATE_WINDOW`` is kept once:
    the first one is given back (the plan's row lock serialises the two, so the second finds the first).
    """
    locked = _managed_plan(actor, plan)
    fields = _clean_action_fields(
        locked,
        {
            "what": what,
            "how": how,
            "due": due,
            "responsible": responsible,
            "budget": budget,
            "hours": hours,
            "resources_note": resources_note,
        },
    )
    earlier = recent_duplicate(
        Action.objects.filter(
            plan=locked, what=fields["what"], how=fields["how"], due=fields["due"], responsible=fields["responsible"]
        ),
        actor=actor,
    )
    if earlier is not None:
        return earlier
    action = Action(
        organisation_id=locked.organisation_id, plan=locked, node_id=locked.node_id, created_by=actor, **fields
    )
    stamp(action, actor)
    action.save()
    _set_links(actor, locked, action, measures, risks, incidents)
    _plan_changed(actor, locked)
    return action


@transaction.atomic
def update_action(
    *,
    actor: User,
    action: Action,
    revision: int | None,
    measures: Iterable[Measure] | None = None,
    risks: Iterable[Risk] | None = None,
    incidents: Iterable[Incident] | None = None,
    **fields: Any,
) -> Action:
    """Change an action (any of ``ACTION_FIELDS``, and its links when given)."""
    unknown = set(fields) - set(ACTION_FIELDS)
    if unknown:
        raise TypeError(f"not action fields: {sorted(unknown)}")
    locked = _managed_action(actor, action)
    check_revision(locked, revision)
    cleaned = _clean_action_fields(locked.plan, fields)
    for name, value in cleaned.items():
        setattr(locked, name, value)
    stamp(locked, actor)  # the history of changed links names who changed them
    _set_links(actor, locked.plan, locked, measures, risks, incidents)
    save_revision(locked, actor, list(cleaned))
    _plan_changed(actor, locked.plan)
    return locked


@transaction.atomic
def change_action_status(*, actor: User, action: Action, status: str, revision: int | None, reason: str = "") -> Action:
    """Move an action on: planned -> in progress -> done, or cancelled (with a reason).

    Done sets the completion date; sending the status the action already has changes nothing.
    """
    locked = _managed_action(actor, action)
    if status not in ActionStatus.values:
        raise ValidationError(_("Choose a status for the action."), code="status")
    if status == locked.status:
        return locked  # a double submit, or someone else did the same
    check_revision(locked, revision)
    if status not in ACTION_TRANSITIONS.get(locked.status, ()):
        raise ValidationError(
            _("An action that is %(current)s cannot become %(new)s.")
            % {"current": ActionStatus(locked.status).label, "new": ActionStatus(status).label},
            code="transition",
        )
    reason = _text(reason, limit=MAX_NOTE)
    if status == ActionStatus.CANCELLED and not reason:
        raise ValidationError(_("Write why the action is cancelled."), code="reason")
    locked.status = status
    locked.status_reason = reason if status == ActionStatus.CANCELLED else ""
    locked.completed_on = timezone.localdate() if status == ActionStatus.DONE else None
    save_revision(locked, actor, ["status", "status_reason", "completed_on"])
    _plan_changed(actor, locked.plan)
    return locked


@transaction.atomic
def delete_action(*, actor: User, action: Action) -> None:
    """Remove an action from its plan."""
    locked = _managed_action(actor, action)
    stamp(locked, actor)
    locked.delete()
    _plan_changed(actor, locked.plan)


# --- the yearly review (G14) -----------------------------------------------------------


@transaction.atomic
def save_review(
    *,
    actor: User,
    node: Node,
    year: int,
    checklist: dict[str, Any],
    comment: str = "",
    revision: int | None = None,
) -> PlanReview:
    """The security group's judgement of one nämnd's plan for ``year``: the score is the number of items met."""
    if node.organisation_id != actor.organisation_id or not access.has_perm(actor, Perm.REVIEW_PLANS, node):
        raise PermissionDenied
    if node.kind not in items.NAMND_KINDS:
        raise ValidationError(_("Only the plans of a committee or the executive board are reviewed."), code="kind")
    year = _check_year(year)
    unknown = set(checklist) - set(items.CODES)
    if unknown:
        raise ValidationError(_("Unknown checklist items: %(items)s.") % {"items": ", ".join(sorted(unknown))})
    values = {code: bool(checklist.get(code, False)) for code in items.CODES}
    comment = _text(comment, limit=MAX_COMMENT)
    plan = ActionPlan.objects.filter(organisation_id=node.organisation_id, node=node, year=year).first()
    review = (
        PlanReview.objects.select_for_update()
        .filter(organisation_id=node.organisation_id, node=node, year=year)
        .first()
    )
    if review is None:
        review = PlanReview(organisation_id=node.organisation_id, node=node, year=year)
    else:
        check_revision(review, revision)
        review.revision = F("revision") + 1
    review.plan = plan
    review.checklist = values
    review.score = items.score(values)
    review.comment = comment
    review.reviewed_at = timezone.now()
    review.reviewed_by = actor
    stamp(review, actor)
    try:
        with transaction.atomic():
            review.save()
    except IntegrityError as exc:  # two reviewers saving the first review at the same moment
        raise StaleFormError from exc
    review.refresh_from_db(fields=["revision"])
    return review
