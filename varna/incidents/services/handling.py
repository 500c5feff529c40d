"""Handling a case: the workflow, the handler, the investigation, costs, notes and Arbetsmiljöverket.

Every function takes ``actor=``, checks that the actor may handle the case, locks the case row
and writes the timeline in the same transaction. Mail goes into the outbox in the same transaction.

Every change takes the case's ``revision`` that the form was shown with (``core.services.check_revision``):
a stale form changes nothing and says so; every change raises the revision (``save_revision``). ``None``
means no check: the API checks the revision itself before its first change. A closed case (closed,
rejected or a duplicate) is read-only until it is reopened with a reason.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from varna.core import access
from varna.core.access import Perm
from varna.core.models import User
from varna.core.services import check_revision, recent_duplicate, save_revision, stamp
from varna.incidents import notifications, selectors_handling
from varna.incidents.models import (
    FINAL_STATUSES,
    TRANSITIONS,
    CostLine,
    Incident,
    Severity,
    Status,
    TimelineEntry,
    TimelineKind,
)
from varna.incidents.selectors_handling import allowed_transitions, is_closed, may_reopen, reopen_status
from varna.incidents.services.accounting import validate_accounting_code
from varna.incidents.services.summary import keeping_summary

__all__ = [
    "CaseClosedError",
    "add_cost_line",
    "add_note",
    "allowed_transitions",
    "assign_handler",
    "can_be_handler",
    "change_status",
    "delete_cost_line",
    "is_closed",
    "may_reopen",
    "needs_investigation",
    "record_authority_notified",
    "reopen_case",
    "reopen_status",
    "save_investigation",
]


class CaseClosedError(ValidationError):
    """The case is closed: nothing may change until it has been reopened."""

    def __init__(self) -> None:
        super().__init__(_("The case is closed and cannot be changed. Reopen it first, and write why."), code="closed")


def _lock(actor: User, incident: Incident) -> Incident:
    """The case row, locked for this transaction, after checking that ``actor`` may handle it."""
    if not access.can(actor, Perm.HANDLE_INCIDENTS, incident):
        raise PermissionDenied
    return Incident.objects.select_for_update().get(pk=incident.pk)


def _open(locked: Incident, revision: int | None) -> Incident:
    """Refuse a stale form, then a closed case; the locked case otherwise."""
    check_revision(locked, revision)
    if is_closed(locked):
        raise CaseClosedError
    return locked


def _timeline(incident: Incident, actor: User | None, kind: str, **fields: Any) -> TimelineEntry:
    return TimelineEntry.objects.create(
        organisation_id=incident.organisation_id,
        incident=incident,
        at=fields.pop("at", None) or timezone.now(),
        actor=actor,
        kind=kind,
        **fields,
    )


def _save(incident: Incident, actor: User, fields: list[str]) -> None:
    save_revision(incident, actor, fields)


def needs_investigation(incident: Incident) -> bool:
    """People were harmed, or it is a threat or violence: causes and measures before closing (AFS 2023:1)."""
    return bool(incident.is_confidential or incident.injured_count > 0 or incident.people_severity > Severity.NONE)


def _check_investigation(incident: Incident) -> None:
    if not needs_investigation(incident) or incident.no_investigation_reason.strip():
        return
    causes, measures = bool(incident.causes.strip()), bool(incident.decided_measures.strip())
    if causes and measures:
        return
    if not causes and not measures:
        message = _(
            "The case cannot be closed yet: people were harmed or threatened, so record the causes and the "
            "decided measures under Investigation, or write there why there are none."
        )
    elif not causes:
        message = _(
            "The case cannot be closed yet: people were harmed or threatened, so record the causes under "
            "Investigation, or write there why there are none."
        )
    else:
        message = _(
            "The case cannot be closed yet: people were harmed or threatened, so record the decided measures "
            "under Investigation, or write there why there are none."
        )
    raise ValidationError(message, code="investigation")


@transaction.atomic
def change_status(
    *,
    actor: User,
    incident: Incident,
    to_status: str,
    revision: int | None,
    note: str = "",
    duplicate_of: Incident | None = None,
) -> Incident:
    """Move the case on in the workflow (models.TRANSITIONS), recorded on the timeline.

    ``revision`` is the case's revision the person saw: if the case has changed since (another
    person, a second click), nothing changes and ``StaleFormError`` is raised. A closed case is
    reopened only through :func:`reopen_case`.
    """
    locked = _open(_lock(actor, incident), revision)
    return _move(actor, locked, to_status, note=note, duplicate_of=duplicate_of)


@transaction.atomic
def reopen_case(*, actor: User, incident: Incident, revision: int | None, reason: str) -> Incident:
    """Reopen a closed (or rejected, or duplicate) case; the reason goes on the timeline."""
    locked = _lock(actor, incident)
    check_revision(locked, revision)
    target = reopen_status(locked)
    if target is None:
        raise ValidationError(_("The case is not closed."), code="not_closed")
    if not may_reopen(actor, locked):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError(_("Write why the case is reopened."), code="reopen_reason")
    return _move(actor, locked, target, note=reason, reopening=True)


def _move(
    actor: User,
    locked: Incident,
    to_status: str,
    *,
    note: str,
    duplicate_of: Incident | None = None,
    reopening: bool = False,
) -> Incident:
    allowed = TRANSITIONS.get(locked.status, ()) if reopening else allowed_transitions(locked)
    if to_status not in allowed:
        raise ValidationError(
            _("A case that is %(current)s cannot be set to %(new)s.")
            % {"current": Status(locked.status).label.lower(), "new": _status_label(to_status).lower()},
            code="transition",
        )
    if to_status == Status.CLOSED and locked.is_confidential and not _police_recorded(locked):
        raise ValidationError(
            _(
                "A threat or violence case cannot be closed until the police report number, or the reason "
                "why the police were not contacted, has been recorded under Investigation."
            ),
            code="police",
        )
    if to_status == Status.CLOSED:
        _check_investigation(locked)
    fields = ["status", "closed_at", "duplicate_of"]
    if to_status == Status.DUPLICATE:
        if duplicate_of is None:
            raise ValidationError(_("Give the case number of the original case."), code="duplicate_missing")
        original = _check_original(actor, locked, duplicate_of)
        locked.duplicate_of = original
    else:
        locked.duplicate_of = None
    from_status = locked.status
    locked.status = to_status
    locked.closed_at = timezone.now() if to_status in FINAL_STATUSES else None
    with keeping_summary([locked.pk]):  # rejected and duplicate cases leave the statistics, reopened ones return
        _save(locked, actor, fields)
    _timeline(
        locked,
        actor,
        TimelineKind.STATUS,
        from_status=from_status,
        to_status=to_status,
        note=note.strip() or (locked.duplicate_of.number if locked.duplicate_of else ""),
    )
    if to_status == Status.CLOSED:
        notifications.incident_closed(locked.pk)  # into the outbox, in this transaction
    return locked


def _police_recorded(incident: Incident) -> bool:
    return bool(incident.police_report_number.strip() or incident.police_not_contacted_reason.strip())


def _status_label(value: str) -> str:
    return str(Status(value).label) if value in Status.values else value


def _check_original(actor: User, incident: Incident, original: Incident) -> Incident:
    if original.pk == incident.pk:
        raise ValidationError(_("A case cannot be a duplicate of itself."), code="duplicate_self")
    if original.organisation_id != incident.organisation_id or not access.can(actor, Perm.VIEW_INCIDENTS, original):
        raise ValidationError(_("You cannot see a case with that number."), code="duplicate_unknown")
    if original.status == Status.DUPLICATE:
        raise ValidationError(
            _("Case %(number)s is itself a duplicate. Point at the original case instead.")
            % {"number": original.number},
            code="duplicate_chain",
        )
    return original


def can_be_handler(person: User, incident: Incident) -> bool:
    """Whether ``person`` may be the case's handler: the same rule as the candidates the form offers."""
    return selectors_handling.eligible_handlers(incident).filter(pk=person.pk).exists()


@transaction.atomic
def assign_handler(*, actor: User, incident: Incident, handler: User, revision: int | None) -> Incident:
    """Hand the case to a named person (händelseansvarig), who is told by mail."""
    locked = _lock(actor, incident)
    if locked.handler_id == handler.pk and not is_closed(locked):
        return locked  # already theirs: a double submit
    _open(locked, revision)
    if not can_be_handler(handler, locked):
        if not handler.is_active or handler.organisation_id != locked.organisation_id:
            raise ValidationError(_("Choose an active person in the organisation."), code="handler_invalid")
        if locked.is_confidential:
            raise ValidationError(
                _(
                    "A threat or violence case can only be handed to a unit manager, security officer or "
                    "coordinator for the unit."
                ),
                code="handler_confidential",
            )
        raise ValidationError(
            _(
                "%(name)s may not handle incidents at %(unit)s. Choose a unit manager, security representative, "
                "security officer or coordinator for the unit."
            )
            % {"name": handler.get_full_name() or handler.username, "unit": locked.incident_node.name},
            code="handler_not_allowed",
        )
    locked.handler = handler
    _save(locked, actor, ["handler"])
    _timeline(locked, actor, TimelineKind.HANDLER, note=str(handler))
    if handler.pk != actor.pk:
        notifications.handler_assigned(locked.pk)  # into the outbox, in this transaction
    return locked


INVESTIGATION_FIELDS = (
    "causes",
    "contributing_factors",
    "decided_measures",
    "follow_up_on",
    "insurance_claim_reference",
    "no_investigation_reason",
    "police_report_number",
    "police_not_contacted_reason",
    "support_offered",
    "crisis_group_alerted",
)


@transaction.atomic
def save_investigation(*, actor: User, incident: Incident, revision: int | None, **values: Any) -> Incident:
    """Record causes, contributing factors, decided measures, the follow-up date and references.

    Decided measures are free text for now; links to risk-management measures and action plans
    come with the risk module.
    """
    unknown = set(values) - set(INVESTIGATION_FIELDS)
    if unknown:
        raise TypeError(f"unknown investigation fields: {sorted(unknown)}")
    locked = _lock(actor, incident)
    cleaned = {name: value.strip() if isinstance(value, str) else value for name, value in values.items()}
    changed = [name for name, value in cleaned.items() if getattr(locked, name) != value]
    if not changed:
        return locked  # nothing new (a double submit, too)
    _open(locked, revision)
    for name in changed:
        setattr(locked, name, cleaned[name])
    locked.full_clean(
        exclude=[f.name for f in Incident._meta.fields if f.name not in changed], validate_constraints=False
    )
    _save(locked, actor, changed)
    return locked


def _recount_total(incident: Incident, actor: User) -> Decimal:
    """Keep ``Incident.total_cost`` equal to the sum of the cost lines (read by the statistics)."""
    total = CostLine.objects.filter(incident=incident).aggregate(total=Sum("amount"))["total"] or Decimal(0)
    incident.total_cost = total
    with keeping_summary([incident.pk]):  # the statistics' daily summary follows the cost
        _save(incident, actor, ["total_cost"])
    return total


@transaction.atomic
def add_cost_line(
    *,
    actor: User,
    incident: Incident,
    amount: Decimal,
    accounting_code: str,
    revision: int | None,
    description: str = "",
) -> CostLine:
    """Add a cost with its accounting code string; the case's total cost follows.

    A second click on the same form carries the old revision and changes nothing.
    """
    locked = _open(_lock(actor, incident), revision)
    if amount <= 0:
        raise ValidationError(_("The amount must be more than zero."), code="amount")
    code = validate_accounting_code(organisation_id=locked.organisation_id, code=accounting_code)
    line = CostLine(
        organisation_id=locked.organisation_id,
        incident=locked,
        amount=amount,
        accounting_code=code,
        description=description.strip(),
        created_by=actor,
    )
    line.full_clean(exclude=["organisation", "incident", "created_by"])
    stamp(line, actor)
    line.save()
    _recount_total(locked, actor)
    _timeline(locked, actor, TimelineKind.COST, note=f"+{amount} {code}")
    return line


@transaction.atomic
def delete_cost_line(*, actor: User, incident: Incident, line_id: int, revision: int | None) -> bool:
    """Remove a cost line; ``False`` when it was already gone (a second click)."""
    locked = _lock(actor, incident)
    line = CostLine.objects.filter(incident=locked, pk=line_id).first()
    if line is None:
        return False
    _open(locked, revision)
    stamp(line, actor)
    line.delete()
    _recount_total(locked, actor)
    _timeline(locked, actor, TimelineKind.COST, note=f"-{line.amount} {line.accounting_code}")
    return True


@transaction.atomic
def record_authority_notified(
    *, actor: User, incident: Incident, revision: int | None, at: datetime.datetime | None = None
) -> Incident:
    """Record when Arbetsmiljöverket was told about a serious event; recording twice keeps the first."""
    locked = _lock(actor, incident)
    if locked.authority_notified_at is not None:
        return locked
    _open(locked, revision)
    now = timezone.now()
    at = at or now
    if at > now + datetime.timedelta(minutes=5):
        raise ValidationError(_("The time cannot be in the future."), code="future")
    if at < locked.occurred_at - datetime.timedelta(minutes=5):
        raise ValidationError(_("The time cannot be before the event happened."), code="before_event")
    locked.authority_notified_at = at
    _save(locked, actor, ["authority_notified_at"])
    _timeline(locked, actor, TimelineKind.AUTHORITY, at=at)
    return locked


@transaction.atomic
def add_note(*, actor: User, incident: Incident, text: str, revision: int | None) -> TimelineEntry:
    """A note on the timeline; the same note twice in a row from the same person is kept once.

    A note checks the revision but does not raise it: it adds to the timeline and changes nothing
    on the case, so it makes nobody else's form stale.
    """
    locked = _lock(actor, incident)
    text = text.strip()
    if not text:
        raise ValidationError(_("Write the note."), code="empty")
    latest = TimelineEntry.objects.filter(incident=locked).order_by("-at", "-pk").first()
    if latest is not None and latest.kind == TimelineKind.NOTE and latest.note == text:
        # The same note again as the case's latest entry: a double submit, if it is this person's and recent.
        again = recent_duplicate(
            TimelineEntry.objects.filter(pk=latest.pk), actor=actor, actor_field="actor", at_field="at"
        )
        if again is not None:
            return again
    _open(locked, revision)
    return _timeline(locked, actor, TimelineKind.NOTE, note=text)
