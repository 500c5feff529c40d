"""Reads of the life of records: the retention schedule, what is due for gallring or archive delivery, holds,
proposed batches and what was disposed of. Scoped by the access policy (``MANAGE_RETENTION``); never writes.

A record of a kind is *due* when the kind's clock (closing or adoption) lies at least the rule's years back
and no hold stops it: a hold placed by hand (:class:`~varna.core.models.RetentionHold`) or one another app
registers (:func:`varna.core.registry.register_hold_source`: an open insurance claim holds its incident).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone

from varna.core import access, registry
from varna.core.access import Perm
from varna.core.dates import add_months
from varna.core.models import (
    DisposalBatch,
    DisposalBatchStatus,
    DisposalRecord,
    PseudonymisedRecord,
    RecordLog,
    RetentionAction,
    RetentionHold,
    RetentionRule,
    User,
)
from varna.core.registry import RecordKind


def cutoff(years: int, today: datetime.date | None = None) -> datetime.date:
    """The last day a clock may have started on for a record kept ``years`` to be due today."""
    return add_months(today or timezone.localdate(), -12 * years)


def _clock_field(model: type[models.Model], path: str) -> models.Field[Any, Any]:
    parts = path.split("__")
    current: Any = model
    for part in parts[:-1]:
        current = current._meta.get_field(part).related_model
    field = current._meta.get_field(parts[-1])
    if not isinstance(field, models.Field):
        raise TypeError(f"{path} is not a field of {model.__name__}")
    return field


def clock_reached(kind: RecordKind, model: type[models.Model], last_day: datetime.date) -> Q:
    """Records whose clock started on ``last_day`` or before (a time: before the next local midnight)."""
    if isinstance(_clock_field(model, kind.clock), models.DateTimeField):
        midnight = datetime.datetime.combine(last_day + datetime.timedelta(days=1), datetime.time.min)
        return Q(**{f"{kind.clock}__lt": timezone.make_aware(midnight)})
    return Q(**{f"{kind.clock}__lte": last_day})


def held_ids(organisation_id: int, kind_key: str) -> list[Any]:
    """The ids of the records of a kind that a hold stops, as subqueries: holds placed by hand, and those of other
    apps (an open claim holds its incident). For a kind whose records belong to another kind's (attachments)."""
    manual = RetentionHold.objects.active().filter(organisation_id=organisation_id, kind=kind_key)
    return [manual.values("object_id")] + [s.held(organisation_id) for s in registry.hold_sources(kind_key)]


def held_condition(organisation_id: int, kind: RecordKind) -> Q:
    """Records of ``kind`` that a hold stops."""
    condition = Q(pk__in=[])
    for ids in held_ids(organisation_id, kind.key):
        condition |= Q(pk__in=ids)
    return condition


def rules(organisation_id: int) -> dict[str, RetentionRule]:
    return {r.kind: r for r in RetentionRule.objects.filter(organisation_id=organisation_id)}


def due_records(
    organisation_id: int, kind: RecordKind, rule: RetentionRule, today: datetime.date | None = None
) -> QuerySet[Any]:
    """The records of ``kind`` whose time under ``rule`` has run out and that no hold stops."""
    records = kind.records(organisation_id)
    reached = records.filter(clock_reached(kind, records.model, cutoff(rule.years, today)))
    return reached.exclude(held_condition(organisation_id, kind))


def due_for_pseudonymisation(
    organisation_id: int, kind: RecordKind, rule: RetentionRule, today: datetime.date | None = None
) -> QuerySet[Any]:
    """The records of ``kind`` whose personal data in free text is due to be pseudonymised under ``rule``: past
    its years for that, not held, not done already. Empty where the rule says never or the kind has no free text."""
    records = kind.records(organisation_id)
    if kind.free_text is None or rule.pseudonymise_after_years is None:
        return records.none()
    reached = records.filter(clock_reached(kind, records.model, cutoff(rule.pseudonymise_after_years, today)))
    done = PseudonymisedRecord.objects.filter(kind=kind.key).values("object_id")
    return reached.exclude(held_condition(organisation_id, kind)).exclude(pk__in=done)


@dataclass(frozen=True)
class KindDue:
    kind: RecordKind
    rule: RetentionRule | None
    due: int  # past the time and not held
    held: int  # past the time, but held
    pseudonymise: int = 0  # due for pseudonymisation (and not for gallring)

    @property
    def dispose(self) -> bool:
        return self.rule is not None and self.rule.action == RetentionAction.DISPOSE


def due_for(organisation_id: int, today: datetime.date | None = None) -> list[KindDue]:
    """Per registered kind: how many records are due (for gallring or archive delivery, by the rule) and how
    many more would be but are held. A kind without a rule (not set up yet) has nothing due."""
    found = rules(organisation_id)
    out = []
    for kind in registry.record_kinds():
        rule = found.get(kind.key)
        if rule is None:
            out.append(KindDue(kind, None, 0, 0))
            continue
        records = kind.records(organisation_id)
        reached = records.filter(clock_reached(kind, records.model, cutoff(rule.years, today)))
        held = reached.filter(held_condition(organisation_id, kind)).count()
        pseudonymise = 0
        if kind.free_text is not None and rule.pseudonymise_after_years is not None:
            pseudonymise = pseudonymisation_ids(organisation_id, kind, rule, today).count()
        out.append(KindDue(kind, rule, reached.count() - held, held, pseudonymise))
    return out


def pseudonymisation_ids(
    organisation_id: int, kind: RecordKind, rule: RetentionRule, today: datetime.date | None = None
) -> QuerySet[Any]:
    """The records due for pseudonymisation that are not due for gallring at the same time (those go entirely)."""
    found = due_for_pseudonymisation(organisation_id, kind, rule, today)
    if rule.action == RetentionAction.DISPOSE:
        found = found.exclude(pk__in=due_records(organisation_id, kind, rule, today).values("pk"))
    return found


def schedule(user: User) -> list[tuple[RecordKind, RetentionRule | None]]:
    """The organisation's retention schedule, one row per registered kind, in the kinds' order."""
    found = {r.kind: r for r in access.scope(user, Perm.MANAGE_RETENTION, RetentionRule.objects.all())}
    return [(kind, found.get(kind.key)) for kind in registry.record_kinds()]


def due(user: User, today: datetime.date | None = None) -> list[KindDue]:
    if not access.has_perm(user, Perm.MANAGE_RETENTION) or user.organisation_id is None:
        return []
    return due_for(user.organisation_id, today)


def rule_for(user: User, kind: str) -> RetentionRule:
    return access.get_object_or_404(user, Perm.MANAGE_RETENTION, RetentionRule.objects.all(), kind=kind)


def open_batch(organisation_id: int) -> DisposalBatch | None:
    return (
        DisposalBatch.objects.filter(organisation_id=organisation_id, status=DisposalBatchStatus.PROPOSED)
        .order_by("-pk")
        .first()
    )


def batch_for(user: User, pk: int) -> DisposalBatch:
    return access.get_object_or_404(user, Perm.MANAGE_RETENTION, DisposalBatch.objects.all(), pk=pk)


def batch_counts(batch: DisposalBatch, pseudonymise: bool = False) -> list[tuple[str, str, int]]:
    """A batch's kinds: key, label and how many records, in the kinds' order: those to dispose of, or with
    ``pseudonymise`` those whose free text is to be pseudonymised."""
    items = batch.pseudonymise if pseudonymise else batch.items
    out = []
    for kind in registry.record_kinds():
        ids = items.get(kind.key) or []
        if ids:
            out.append((kind.key, str(kind.label), len(ids)))
    return out


def holds(user: User) -> QuerySet[RetentionHold]:
    return access.scope(user, Perm.MANAGE_RETENTION, RetentionHold.objects.active()).order_by("-placed_at", "-pk")


def hold_for(user: User, pk: int) -> RetentionHold:
    return access.get_object_or_404(user, Perm.MANAGE_RETENTION, RetentionHold.objects.active(), pk=pk)


def disposal_log(user: User) -> QuerySet[DisposalRecord]:
    return access.scope(user, Perm.MANAGE_RETENTION, DisposalRecord.objects.select_related("approved_by"))


def record_log(user: User, kind: str) -> QuerySet[RecordLog]:
    perm = Perm.REGISTER_EXTRACT if kind == "register_extract" else Perm.MANAGE_RETENTION
    rows = access.scope(user, perm, RecordLog.objects.filter(kind=kind))
    return rows.select_related("produced_by", "subject")
