"""Writes of the yearly evacuation checks (K14): every unit checks its evacuation plans and its staff's knowledge of
what to do on an evacuation alarm at least once a year ("Varje enhet ... minst en årlig kontroll av
utrymningsplaner och de anställdas kunskaper").

A check is recorded for a unit (a node of kind ``UNIT``) by someone who keeps its facilities
(``MANAGE_PROTECTION``: the unit manager for their own units, the coordinator everywhere). The same check sent twice
by the same person within core's ``DUPLICATE_WINDOW`` is kept once.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from varna.core.models import Node, NodeKind, User
from varna.core.services import lock_actor, recent_duplicate, stamp
from varna.protection.models import EvacuationCheck
from varna.protection.services.common import NOTE_LIMIT, require, text
from varna.protection.services.systems import EARLIEST


@transaction.atomic
def record_evacuation_check(
    *,
    actor: User,
    node: Node,
    checked_on: Any,
    plan_checked: bool,
    drill_held: bool,
    staff_knowledge_checked: bool,
    findings: str = "",
    today: datetime.date | None = None,
) -> EvacuationCheck:
    """Record a unit's evacuation check: the date, what was checked, and what was found."""
    organisation_id = require(actor, node)
    if node.kind != NodeKind.UNIT:
        raise ValidationError({"node": _("Choose a unit: the evacuation check is made per unit.")}, code="node")
    today = today or timezone.localdate()
    if not isinstance(checked_on, datetime.date) or isinstance(checked_on, datetime.datetime):
        raise ValidationError({"checked_on": _("Write the date as YYYY-MM-DD.")}, code="date")
    if checked_on > today:
        raise ValidationError({"checked_on": _("The date cannot be later than today.")}, code="future")
    if checked_on < EARLIEST:
        raise ValidationError({"checked_on": _("Check the year: the date is too early.")}, code="past")
    if not (plan_checked or drill_held or staff_knowledge_checked):
        raise ValidationError(
            _("Tick what was done: the evacuation plan checked, a drill held or the staff's knowledge checked."),
            code="nothing",
        )
    cleaned = text(findings, field="findings", limit=NOTE_LIMIT)
    lock_actor(actor)
    earlier = recent_duplicate(EvacuationCheck.objects.filter(node_id=node.pk, checked_on=checked_on), actor=actor)
    if earlier is not None:
        return earlier
    check = EvacuationCheck(
        organisation_id=organisation_id,
        node=node,
        checked_on=checked_on,
        plan_checked=bool(plan_checked),
        drill_held=bool(drill_held),
        staff_knowledge_checked=bool(staff_knowledge_checked),
        findings=cleaned,
        created_by=actor,
    )
    stamp(check, actor)
    check.save()
    return check
