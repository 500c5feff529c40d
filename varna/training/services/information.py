"""Information to staff after a security event (K24): what a manager told whom, when, for which unit.

Who may record it: those who may **handle the incident** (``Perm.HANDLE_INCIDENTS``) for the incident and for the
unit informed: unit managers, security officers, security representatives and the coordinator. Telling the staff
what happened and what to do now is a step in handling the event, and it needs the case itself: the permission
to handle incidents already carries the rule for confidential cases (threats and violence need
``VIEW_CONFIDENTIAL`` as well), while ``RECORD_TRAINING`` is also held by HR at the organisation's root, who do
not read incident reports. A head of administration, who follows incidents without handling them, sees the
information on the case page and in the list, and asks the unit's manager to record it.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from varna.core import access
from varna.core.access import Perm
from varna.core.models import Node, User
from varna.core.services import lock_actor, recent_duplicate, stamp
from varna.incidents.models import Incident, Status
from varna.training.models import StaffInformation

MAX_RECIPIENTS = 300  # the model's field
MAX_CONTENT = 10_000
# A case rejected or marked as a duplicate gets no information of its own: it belongs to the case it duplicates.
REFUSED_INCIDENT_STATUSES = (Status.REJECTED, Status.DUPLICATE)


@transaction.atomic
def record_information(
    *,
    actor: User,
    incident: Incident,
    node: Node,
    given_on: datetime.date,
    recipients: str,
    content: str,
    once: bool = False,
) -> tuple[StaffInformation, bool]:
    """Record that the staff of ``node`` were told ``content`` on ``given_on`` after ``incident``.

    Returns the record and whether it is new: with ``once``, the same information sent again by the same person
    within the double-submit window returns the first record instead of a second one.
    """
    if incident.organisation_id != actor.organisation_id or node.organisation_id != actor.organisation_id:
        raise PermissionDenied
    if not access.can(actor, Perm.HANDLE_INCIDENTS, incident):
        raise PermissionDenied
    if not access.has_perm(actor, Perm.HANDLE_INCIDENTS, node):
        raise ValidationError(_("Choose a unit where you handle incidents."), code="node")
    if incident.status in REFUSED_INCIDENT_STATUSES:
        raise ValidationError(
            _("The incident is marked as %(status)s. Record the information on the incident it duplicates.")
            % {"status": Status(incident.status).label.lower()},
            code="incident",
        )
    recipients, content = recipients.strip(), content.strip()
    if not recipients:
        raise ValidationError(_("Say whom the information was given to."), code="recipients")
    if len(recipients) > MAX_RECIPIENTS:
        raise ValidationError(
            _("Whom the information was given to may be at most 300 characters long."), code="recipients"
        )
    if not content:
        raise ValidationError(_("Write what the staff were told."), code="content")
    if len(content) > MAX_CONTENT:
        raise ValidationError(_("What the staff were told may be at most 10 000 characters long."), code="content")
    if given_on > timezone.localdate():
        raise ValidationError(_("The information cannot have been given in the future."), code="given_on")
    if given_on < incident.occurred_on:
        raise ValidationError(
            _("The information cannot have been given before the event (%(day)s).")
            % {"day": incident.occurred_on.isoformat()},
            code="given_on",
        )
    if once:
        lock_actor(actor)
        earlier = recent_duplicate(
            StaffInformation.objects.filter(incident=incident, node=node, given_on=given_on, content=content),
            actor_field="recorded_by",
            at_field="recorded_at",
            actor=actor,
        )
        if earlier is not None:
            return earlier, False
    information = StaffInformation(
        organisation_id=incident.organisation_id,
        incident=incident,
        node=node,
        given_on=given_on,
        recipients=recipients,
        content=content,
        recorded_by=actor,
    )
    stamp(information, actor)
    information.save()
    return information, True
