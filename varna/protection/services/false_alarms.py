"""Writes of false alarms (obefogade larm, K12) and the follow-up of repeated ones.

A false alarm is recorded per protection system with its moment, cause (from the organisation's list), whether
there was a callout (utryckning) and its cost in kronor. ``MANAGE_PROTECTION`` for the facility's unit is
checked here again whatever the page, the API or the import did.

**Repeated false alarms** are flagged by the rule of the organisation's :class:`FalseAlarmSettings` (by default
3 within 90 days): when some ``repeat_days`` days long stretch holds ``repeat_threshold`` false alarms of one
system or more, the system gets an open :class:`RepeatedAlarmFlag`. The flag is a stored row, written by
:func:`keep_flag` under the system's row lock in the same transaction as the alarm (or the import) that reached
the threshold, so the list of flags is one query and a page never writes. Only the follow-up
(:func:`record_follow_up`: what was done) closes a flag; false alarms before that follow-up no longer count, so
a new flag needs new alarms. While a flag is open, later alarms are added to it.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from varna.core.imports.files import MAX_AMOUNT
from varna.core.models import User
from varna.core.services import check_revision, lock_actor, recent_duplicate, save_revision, stamp
from varna.protection.models import (
    FalseAlarm,
    FalseAlarmCause,
    FalseAlarmSettings,
    ProtectionSystem,
    RepeatedAlarmFlag,
)
from varna.protection.services.common import NOTE_LIMIT, require, text

EARLIEST = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
FUTURE_SLACK = datetime.timedelta(minutes=5)  # a clock a little ahead of the server's
DEFAULT_THRESHOLD, DEFAULT_DAYS = 3, 90


@dataclass(frozen=True)
class Rule:
    """When false alarms count as repeated: ``threshold`` within ``days`` days."""

    threshold: int
    days: int


def rule_for(organisation_id: int) -> Rule:
    """The organisation's rule (the defaults while it has none: reading never creates the settings)."""
    found = FalseAlarmSettings.objects.filter(organisation_id=organisation_id).first()
    if found is None:
        return Rule(DEFAULT_THRESHOLD, DEFAULT_DAYS)
    return Rule(found.repeat_threshold, found.repeat_days)


def repeated_stretch(
    moments: list[datetime.datetime], rule: Rule
) -> tuple[int, datetime.datetime, datetime.datetime] | None:
    """The latest stretch of at most ``rule.days`` days holding the most false alarms, if they reach the
    threshold: (how many, the first, the last); else ``None``. ``moments`` sorted, oldest first."""
    span = datetime.timedelta(days=rule.days)
    best: tuple[int, datetime.datetime, datetime.datetime] | None = None
    start = 0
    for end, moment in enumerate(moments):
        while moments[start] < moment - span:
            start += 1
        count = end - start + 1
        if count >= rule.threshold and (best is None or count >= best[0]):
            best = (count, moments[start], moment)
    return best


def keep_flag(
    system: ProtectionSystem, rule: Rule, now: datetime.datetime, actor: User | None = None
) -> RepeatedAlarmFlag | None:
    """Open, or bring up to date, the system's flag of repeated false alarms (call under the system's lock).

    Returns the flag when this call opened it.
    """
    alarms = FalseAlarm.objects.filter(system_id=system.pk)
    open_flag = RepeatedAlarmFlag.objects.filter(system_id=system.pk, closed_at__isnull=True).first()
    if open_flag is not None:
        since = alarms.filter(occurred_at__gte=open_flag.first_alarm_at)
        count = since.count()
        latest = since.order_by("-occurred_at").values_list("occurred_at", flat=True).first()
        if latest is not None and (count, latest) != (open_flag.alarm_count, open_flag.last_alarm_at):
            RepeatedAlarmFlag.objects.filter(pk=open_flag.pk).update(alarm_count=count, last_alarm_at=latest)
        return None
    followed_up = (
        RepeatedAlarmFlag.objects.filter(system_id=system.pk, closed_at__isnull=False)
        .order_by("-closed_at")
        .values_list("closed_at", flat=True)
        .first()
    )
    if followed_up is not None:
        alarms = alarms.filter(occurred_at__gt=followed_up)
    moments = list(alarms.order_by("occurred_at").values_list("occurred_at", flat=True))
    stretch = repeated_stretch(moments, rule)
    if stretch is None:
        return None
    count, first, last = stretch
    count = sum(1 for m in moments if m >= first)  # the later alarms belong to the flag too
    last = moments[-1]
    flag = RepeatedAlarmFlag(
        organisation_id=system.organisation_id,
        system=system,
        opened_at=now,
        alarm_count=count,
        first_alarm_at=first,
        last_alarm_at=last,
    )
    stamp(flag, actor)
    flag.save()
    return flag


# --- checking ------------------------------------------------------------------------------------------------


def check_moment(value: Any, *, now: datetime.datetime, field: str = "occurred_at") -> datetime.datetime:
    if value in (None, ""):
        raise ValidationError({field: _("Write the date and time of the false alarm.")}, code="required")
    if not isinstance(value, datetime.datetime):
        raise ValidationError({field: _("Write the date and time as YYYY-MM-DD HH:MM.")}, code="moment")
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    moment: datetime.datetime = value
    if moment > now + FUTURE_SLACK:
        raise ValidationError({field: _("The false alarm cannot be later than now.")}, code="future")
    if moment < EARLIEST:
        raise ValidationError({field: _("Check the year: the date is too early.")}, code="past")
    return moment


def check_cost(value: Any, *, field: str = "cost") -> Decimal:
    if value in (None, ""):
        return Decimal(0)
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({field: _("Write the cost in kronor, for example 4500.")}, code="cost") from exc
    if not amount.is_finite() or amount < 0:
        raise ValidationError({field: _("The cost cannot be negative.")}, code="cost")
    if amount > MAX_AMOUNT:
        raise ValidationError({field: _("The cost is too large.")}, code="cost")
    return amount.quantize(Decimal("0.01"))


def check_cause(value: Any, organisation_id: int, *, allow: FalseAlarmCause | None = None) -> FalseAlarmCause:
    """A cause in use on the organisation's list (``allow``: the cause the alarm already has, even if retired)."""
    if (
        not isinstance(value, FalseAlarmCause)
        or value.organisation_id != organisation_id
        or not (value.is_active or (allow is not None and value.pk == allow.pk))
    ):
        raise ValidationError({"cause": _("Choose a cause from the list.")}, code="cause")
    return value


def _locked_system(actor: User, system: ProtectionSystem) -> tuple[int, ProtectionSystem]:
    organisation_id = require(actor, system.facility.node)
    locked = ProtectionSystem.objects.select_for_update().get(pk=system.pk)
    if locked.organisation_id != organisation_id:
        raise PermissionDenied
    return organisation_id, locked


# --- writing -------------------------------------------------------------------------------------------------


@transaction.atomic
def record_false_alarm(
    *,
    actor: User,
    system: ProtectionSystem,
    occurred_at: Any,
    cause: Any,
    callout: bool = False,
    cost: Any = 0,
    note: str = "",
    now: datetime.datetime | None = None,
) -> FalseAlarm:
    """Record a false alarm of ``system``; a system that reaches the organisation's rule is flagged in the same
    transaction. The same alarm (system, moment, cause) sent twice within ``DUPLICATE_WINDOW`` is kept once."""
    now = now or timezone.now()
    organisation_id, locked = _locked_system(actor, system)
    moment = check_moment(occurred_at, now=now)
    chosen = check_cause(cause, organisation_id)
    amount = check_cost(cost)
    cleaned_note = text(note, field="note", limit=NOTE_LIMIT)
    lock_actor(actor)
    earlier = recent_duplicate(
        FalseAlarm.objects.filter(system_id=locked.pk, occurred_at=moment, cause_id=chosen.pk), actor=actor
    )
    if earlier is not None:
        return earlier
    alarm = FalseAlarm(
        organisation_id=organisation_id,
        system=locked,
        occurred_at=moment,
        cause=chosen,
        callout=bool(callout),
        cost=amount,
        note=cleaned_note,
        created_by=actor,
    )
    stamp(alarm, actor)
    alarm.save()
    keep_flag(locked, rule_for(organisation_id), now, actor)
    return alarm


@transaction.atomic
def update_false_alarm(
    *,
    actor: User,
    alarm: FalseAlarm,
    revision: int | None,
    occurred_at: Any,
    cause: Any,
    callout: bool,
    cost: Any,
    note: str = "",
    now: datetime.datetime | None = None,
) -> FalseAlarm:
    """Correct a false alarm. An open flag is brought up to date; it stays open until followed up."""
    now = now or timezone.now()
    organisation_id, system = _locked_system(actor, alarm.system)
    locked = FalseAlarm.objects.select_for_update().get(pk=alarm.pk)
    check_revision(locked, revision)
    locked.occurred_at = check_moment(occurred_at, now=now)
    locked.cause = check_cause(cause, organisation_id, allow=locked.cause)
    locked.cost = check_cost(cost)
    locked.callout = bool(callout)
    locked.note = text(note, field="note", limit=NOTE_LIMIT)
    save_revision(locked, actor, ["occurred_at", "cause", "cost", "callout", "note"])
    keep_flag(system, rule_for(organisation_id), now, actor)
    return locked


@dataclass(frozen=True)
class NewAlarm:
    """One checked row of an import."""

    system: ProtectionSystem
    occurred_at: datetime.datetime
    cause: FalseAlarmCause
    callout: bool
    cost: Decimal
    note: str = ""


def record_many(
    *, actor: User, alarms: Iterable[NewAlarm], reason: str, now: datetime.datetime | None = None
) -> tuple[int, int]:
    """Write checked false alarms (an import) and flag the systems that reach the rule: (alarms, flags opened).

    Call inside the import's transaction; ``MANAGE_PROTECTION`` is checked for every system's facility.
    """
    now = now or timezone.now()
    rows = list(alarms)
    systems = {a.system.pk: a.system for a in rows}
    for system in systems.values():
        require(actor, system.facility.node)
    locked = list(ProtectionSystem.objects.select_for_update().filter(pk__in=list(systems)).order_by("pk"))
    if len(locked) != len(systems) or any(s.organisation_id != actor.organisation_id for s in locked):
        raise PermissionDenied
    objects = [
        FalseAlarm(
            organisation_id=a.system.organisation_id,
            system_id=a.system.pk,
            occurred_at=a.occurred_at,
            cause=a.cause,
            callout=a.callout,
            cost=a.cost,
            note=a.note,
            created_by=actor,
        )
        for a in rows
    ]
    bulk_create_with_history(objects, FalseAlarm, batch_size=500, default_user=actor, default_change_reason=reason)
    assert actor.organisation_id is not None  # noqa: S101 - require() above
    rule = rule_for(actor.organisation_id)
    opened = sum(1 for system in locked if keep_flag(system, rule, now, actor) is not None)
    return len(objects), opened


@transaction.atomic
def record_follow_up(
    *, actor: User, flag: RepeatedAlarmFlag, follow_up: str, revision: int | None, now: datetime.datetime | None = None
) -> RepeatedAlarmFlag:
    """Record what was done about repeated false alarms; this closes the flag."""
    organisation_id = require(actor, flag.system.facility.node)
    locked = RepeatedAlarmFlag.objects.select_for_update().get(pk=flag.pk)
    if locked.organisation_id != organisation_id:
        raise PermissionDenied
    check_revision(locked, revision)
    if locked.closed_at is not None:
        raise ValidationError(_("The repeated false alarms have already been followed up."), code="closed")
    locked.follow_up = text(
        follow_up,
        field="follow_up",
        limit=NOTE_LIMIT,
        required=_("Write what was done about the false alarms, for example that a detector was moved."),
    )
    locked.closed_at = now or timezone.now()
    locked.closed_by = actor
    save_revision(locked, actor, ["follow_up", "closed_at", "closed_by"])
    return locked
