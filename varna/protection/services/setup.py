"""What a new organisation gets from the protection app, and the coordinator's settings of false alarms (K12).

:func:`set_up_protection` is the set-up hook (core's ``set_up_organisation``): the Swedish default causes of
false alarms and the settings (3 false alarms within 90 days count as repeated). It only adds what is missing;
pages and selectors never create either. The causes and settings are kept with ``CONFIGURE_PROTECTION``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from varna.core import access
from varna.core.access import Perm
from varna.core.models import Organisation, User
from varna.core.services import stamp
from varna.protection.models import FalseAlarmCause, FalseAlarmSettings
from varna.protection.services.common import limit, text

# The causes an alarm receiving centre and a rescue service usually name, in the words of their reports.
DEFAULT_CAUSES = (
    "Matlagning (os eller rök)",
    "Damm eller byggarbete",
    "Ånga, dusch eller bastu",
    "Rökning eller tända ljus",
    "Tekniskt fel på larmet",
    "Handhavandefel (fel kod, dörr öppnad)",
    "Bristande underhåll",
    "Djur eller insekter",
    "Väder (åska, blåst)",
    "Okänd orsak",
)
MAX_THRESHOLD = 50
MAX_DAYS = 730


@transaction.atomic
def set_up_protection(organisation: Organisation) -> None:
    """Create what is missing; running it again changes nothing."""
    existing = set(FalseAlarmCause.objects.filter(organisation=organisation).values_list("name", flat=True))
    FalseAlarmCause.objects.bulk_create(
        [
            FalseAlarmCause(organisation=organisation, name=name, order=order * 10)
            for order, name in enumerate(DEFAULT_CAUSES, start=1)
            if name not in existing
        ]
    )
    FalseAlarmSettings.objects.get_or_create(organisation=organisation)


def _require(actor: User) -> int:
    if actor.organisation_id is None or not access.has_perm(actor, Perm.CONFIGURE_PROTECTION):
        raise PermissionDenied
    return actor.organisation_id


def _name(value: Any) -> str:
    return text(value, field="name", limit=limit(FalseAlarmCause, "name"), required=_("Write the name of the cause."))


@transaction.atomic
def create_cause(*, actor: User, name: str, order: int = 100) -> FalseAlarmCause:
    """Add a cause to the organisation's list (a name already on it is refused)."""
    organisation_id = _require(actor)
    cleaned = _name(name)
    if FalseAlarmCause.objects.filter(organisation_id=organisation_id, name__iexact=cleaned).exists():
        raise ValidationError({"name": _("The list already has that cause.")}, code="duplicate")
    cause = FalseAlarmCause(organisation_id=organisation_id, name=cleaned, order=max(0, min(int(order), 32_000)))
    stamp(cause, actor)
    try:
        with transaction.atomic():
            cause.save()
    except IntegrityError as exc:
        raise ValidationError({"name": _("The list already has that cause.")}, code="duplicate") from exc
    return cause


@transaction.atomic
def update_cause(*, actor: User, cause: FalseAlarmCause, name: str, order: int, is_active: bool) -> FalseAlarmCause:
    """Rename a cause, move it or take it out of use (the false alarms recorded with it keep it)."""
    organisation_id = _require(actor)
    locked = FalseAlarmCause.objects.select_for_update().get(pk=cause.pk)
    if locked.organisation_id != organisation_id:
        raise PermissionDenied
    cleaned = _name(name)
    clash = FalseAlarmCause.objects.filter(organisation_id=organisation_id, name__iexact=cleaned).exclude(pk=locked.pk)
    if clash.exists():
        raise ValidationError({"name": _("The list already has that cause.")}, code="duplicate")
    locked.name, locked.order, locked.is_active = cleaned, max(0, min(int(order), 32_000)), bool(is_active)
    stamp(locked, actor)
    locked.save()
    return locked


@transaction.atomic
def update_settings(*, actor: User, repeat_threshold: int, repeat_days: int) -> FalseAlarmSettings:
    """When false alarms on one system count as repeated. Flags already open stay open; the new rule applies
    from the next false alarm recorded."""
    organisation_id = _require(actor)
    if not isinstance(repeat_threshold, int) or not 2 <= repeat_threshold <= MAX_THRESHOLD:
        raise ValidationError(
            {"repeat_threshold": _("Write a number of false alarms from 2 to %(max)s.") % {"max": MAX_THRESHOLD}},
            code="threshold",
        )
    if not isinstance(repeat_days, int) or not 1 <= repeat_days <= MAX_DAYS:
        raise ValidationError(
            {"repeat_days": _("Write a number of days from 1 to %(max)s.") % {"max": MAX_DAYS}}, code="days"
        )
    found, _created = FalseAlarmSettings.objects.select_for_update().get_or_create(organisation_id=organisation_id)
    found.repeat_threshold, found.repeat_days = repeat_threshold, repeat_days
    stamp(found, actor)
    found.save()
    return found
