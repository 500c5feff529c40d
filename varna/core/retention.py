"""Writes of the life of records: the retention schedule (dokumenthanteringsplan), holds and gallring.

Every app registers its record kinds with :func:`varna.core.registry.register_record_kind`; this module knows
them only through the registry. Gallring is two steps: :func:`propose_batch` (the daily task and
``varna manage gallra``) lists what is due in a :class:`~varna.core.models.DisposalBatch`; the coordinator
approves it (:func:`approve_batch`), which deletes the records for real in one transaction (rows, what cascades
from them, their history rows, stored PDFs and, once the transaction commits, their files on disk) and records
what was disposed of (kind, count, date, decision, who approved), never the content. The same proposal lists the
records whose personal data in free text the schedule says to pseudonymise (``core/pseudonymise.py``); approving
carries that out too and records it in the same log.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.db import models, transaction
from django.db.models import QuerySet
from django.db.models.deletion import Collector, ProtectedError, RestrictedError
from django.utils import timezone
from django.utils.translation import gettext as _

from varna.core import access, pdf, registry, selectors_retention
from varna.core.access import Perm
from varna.core.history import history_model
from varna.core.models import (
    DisposalBatch,
    DisposalBatchStatus,
    DisposalOperation,
    DisposalRecord,
    Organisation,
    PseudonymisedRecord,
    RetentionAction,
    RetentionHold,
    RetentionRule,
    User,
)
from varna.core.pseudonymise import pseudonymise_records
from varna.core.registry import RecordKind
from varna.core.services import check_revision, stamp

DEFAULT_DECISION = "Värnas förval efter vanlig kommunal praxis; ersätt med kommunens beslut (organ, datum, §, dnr)."


@transaction.atomic
def ensure_schedule(*, organisation: Organisation) -> list[RetentionRule]:
    """Give the organisation a rule for every registered kind it has none for (the set-up hook)."""
    existing = set(RetentionRule.objects.filter(organisation=organisation).values_list("kind", flat=True))
    RetentionRule.objects.bulk_create(
        [
            RetentionRule(
                organisation=organisation,
                kind=kind.key,
                years=kind.default_years,
                action=kind.default_action,
                pseudonymise_after_years=kind.default_pseudonymise_years,
                decision=DEFAULT_DECISION,
            )
            for kind in registry.record_kinds()
            if kind.key not in existing
        ]
    )
    return list(RetentionRule.objects.filter(organisation=organisation))


@transaction.atomic
def update_rule(
    *,
    actor: User,
    rule: RetentionRule,
    years: int,
    action: str,
    pseudonymise_after_years: int | None,
    decision: str,
    revision: int | None = None,
) -> RetentionRule:
    """Change one row of the schedule; the decision it rests on is required. ``pseudonymise_after_years``: when
    the personal data in the records' free text is pseudonymised (``None``: never); before disposal, and only for
    kinds that say where their free text is."""
    rule = RetentionRule.objects.select_for_update().get(pk=rule.pk)
    if not access.can(actor, Perm.MANAGE_RETENTION, rule):
        raise PermissionDenied
    check_revision(rule, revision)
    decision = decision.strip()
    if not decision:
        raise ValidationError(
            _("Write the decision the rule rests on: body, date, minute paragraph and registry number.")
        )
    if action not in RetentionAction.values:
        raise ValidationError(_("Choose whether the records are disposed of or preserved."))
    if not 0 <= years <= 200:
        raise ValidationError(_("Write the number of years as a whole number from 0 to 200."))
    if pseudonymise_after_years is not None:
        kind = registry.record_kind(rule.kind)
        if kind is None or kind.free_text is None:
            raise ValidationError(_("Värna does not know where records of this kind hold personal data in free text."))
        if not 0 <= pseudonymise_after_years <= 200:
            raise ValidationError(_("Write the years before pseudonymisation as a whole number from 0 to 200."))
        if action == RetentionAction.DISPOSE and pseudonymise_after_years >= years:
            raise ValidationError(
                _(
                    "Pseudonymisation must come before gallring: write fewer years than the records are kept, "
                    "or leave the field empty."
                )
            )
    rule.years, rule.action, rule.decision = years, action, decision
    rule.pseudonymise_after_years = pseudonymise_after_years
    rule.revision += 1
    stamp(rule, actor)
    rule.save()
    return rule


# --- holds -------------------------------------------------------------------------------------------------


def _kind(key: str) -> RecordKind:
    kind = registry.record_kind(key)
    if kind is None:
        raise ValidationError(_("Unknown record kind."))
    return kind


@transaction.atomic
def place_hold(*, actor: User, kind: str, reference: str, reason: str) -> RetentionHold:
    """Stop the disposal of one record until the hold is lifted (a legal case, an insurance claim …).

    ``reference`` names the record: its number (a case number) where the kind's records have one, else its id.
    """
    if not access.has_perm(actor, Perm.MANAGE_RETENTION) or actor.organisation_id is None:
        raise PermissionDenied
    record_kind = _kind(kind)
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Write why the record is held."))
    records = record_kind.records(actor.organisation_id)
    reference = reference.strip()
    record = None
    if any(f.name == "number" for f in records.model._meta.concrete_fields):
        record = records.filter(number=reference).first()
    if record is None and reference.isdigit() and len(reference) < 19:
        record = records.filter(pk=int(reference)).first()
    if record is None:
        raise ValidationError(_("There is no such record of that kind in your organisation."))
    existing = RetentionHold.objects.active().filter(organisation_id=actor.organisation_id, kind=kind)
    if existing.filter(object_id=record.pk).exists():
        raise ValidationError(_("The record is already held."))
    label = record_kind.label_of(record) if record_kind.label_of else str(record)
    return RetentionHold.objects.create(
        organisation_id=actor.organisation_id,
        kind=kind,
        object_id=record.pk,
        label=label[:200],
        reason=reason,
        placed_by=actor,
    )


@transaction.atomic
def lift_hold(*, actor: User, hold: RetentionHold) -> RetentionHold:
    hold = RetentionHold.objects.select_for_update().get(pk=hold.pk)
    if not access.can(actor, Perm.MANAGE_RETENTION, hold):
        raise PermissionDenied
    if hold.lifted_at is None:
        hold.lifted_at, hold.lifted_by = timezone.now(), actor
        hold.save(update_fields=["lifted_at", "lifted_by"])
    return hold


# --- gallring ----------------------------------------------------------------------------------------------


@transaction.atomic
def propose_batch(*, organisation: Organisation, today: datetime.date | None = None) -> DisposalBatch | None:
    """List what is due for gallring in a proposed batch (the open proposal is brought up to date; ``None`` when
    nothing is due and no proposal is open). Only kinds whose rule says gallra; held records never. The same batch
    lists the records whose personal data in free text is due for pseudonymisation (and not for gallring)."""
    found = selectors_retention.rules(organisation.pk)
    items: dict[str, list[int]] = {}
    pseudonymise: dict[str, list[int]] = {}
    for kind in registry.record_kinds():
        rule = found.get(kind.key)
        if rule is None:
            continue
        if rule.action == RetentionAction.DISPOSE:
            ids = list(
                selectors_retention.due_records(organisation.pk, kind, rule, today)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            if ids:
                items[kind.key] = ids
        if kind.free_text is not None and rule.pseudonymise_after_years is not None:
            ids = list(
                selectors_retention.pseudonymisation_ids(organisation.pk, kind, rule, today)
                .order_by("pk")
                .values_list("pk", flat=True)
            )
            if ids:
                pseudonymise[kind.key] = ids
    batch = (
        DisposalBatch.objects.select_for_update()
        .filter(organisation=organisation, status=DisposalBatchStatus.PROPOSED)
        .order_by("-pk")
        .first()
    )
    if batch is None:
        if not items and not pseudonymise:
            return None
        return DisposalBatch.objects.create(organisation=organisation, items=items, pseudonymise=pseudonymise)
    if batch.items != items or batch.pseudonymise != pseudonymise:
        batch.items, batch.pseudonymise = items, pseudonymise
        batch.revision, batch.proposed_at = batch.revision + 1, timezone.now()
        batch.save(update_fields=["items", "pseudonymise", "revision", "proposed_at"])
    return batch


def propose_all(today: datetime.date | None = None) -> str:
    """The daily task's step: a proposal for every organisation with something due; the line to print."""
    proposed = 0
    for organisation in Organisation.objects.order_by("pk"):
        batch = propose_batch(organisation=organisation, today=today)
        if batch is not None and (batch.items or batch.pseudonymise):
            proposed += 1
    return _("Gallring proposed for %(count)s organisations.") % {"count": proposed}


@transaction.atomic
def discard_batch(*, actor: User, batch: DisposalBatch) -> DisposalBatch:
    batch = DisposalBatch.objects.select_for_update().get(pk=batch.pk)
    if not access.can(actor, Perm.MANAGE_RETENTION, batch):
        raise PermissionDenied
    if batch.status != DisposalBatchStatus.PROPOSED:
        raise ValidationError(_("The batch has already been decided."))
    batch.status, batch.decided_by, batch.decided_at = DisposalBatchStatus.DISCARDED, actor, timezone.now()
    batch.items, batch.pseudonymise = {}, {}
    batch.save(update_fields=["status", "decided_by", "decided_at", "items", "pseudonymise"])
    return batch


@transaction.atomic
def approve_batch(
    *, actor: User, batch: DisposalBatch, revision: int | None = None, today: datetime.date | None = None
) -> list[DisposalRecord]:
    """Carry out a proposed batch: every record in it that is still due (not held since, rule unchanged) is
    deleted for real, in this one transaction. A record that other records still refer to and protect (a fund
    entry refers to the incident) is kept and not counted. Then the personal data in the free text of the records
    listed for it is pseudonymised (those still due). Records what was done per kind and operation."""
    batch = DisposalBatch.objects.select_for_update().get(pk=batch.pk)
    if not access.can(actor, Perm.MANAGE_RETENTION, batch):
        raise PermissionDenied
    if batch.status != DisposalBatchStatus.PROPOSED:
        raise ValidationError(_("The batch has already been decided."))
    check_revision(batch, revision)
    found = selectors_retention.rules(batch.organisation_id)
    done = []
    for kind in registry.record_kinds():
        ids = batch.items.get(kind.key) or []
        rule = found.get(kind.key)
        if not ids or rule is None or rule.action != RetentionAction.DISPOSE:
            continue
        due = selectors_retention.due_records(batch.organisation_id, kind, rule, today).filter(pk__in=ids)
        count = _erase_kind(kind, due)
        if count:
            done.append(
                DisposalRecord.objects.create(
                    organisation_id=batch.organisation_id,
                    batch=batch,
                    operation=DisposalOperation.DISPOSED,
                    kind=kind.key,
                    kind_label=str(kind.label)[:200],
                    count=count,
                    years=rule.years,
                    decision=rule.decision,
                    approved_by=actor,
                )
            )
    for kind in registry.record_kinds():
        ids = batch.pseudonymise.get(kind.key) or []
        rule = found.get(kind.key)
        if not ids or rule is None or rule.pseudonymise_after_years is None:
            continue
        records = selectors_retention.due_for_pseudonymisation(batch.organisation_id, kind, rule, today)
        count = pseudonymise_records(actor=actor, kind=kind, records=records.filter(pk__in=ids), batch=batch)
        if count:
            done.append(
                DisposalRecord.objects.create(
                    organisation_id=batch.organisation_id,
                    batch=batch,
                    operation=DisposalOperation.PSEUDONYMISED,
                    kind=kind.key,
                    kind_label=str(kind.label)[:200],
                    count=count,
                    years=rule.pseudonymise_after_years,
                    decision=rule.decision,
                    approved_by=actor,
                )
            )
    batch.status, batch.decided_by, batch.decided_at = DisposalBatchStatus.DONE, actor, timezone.now()
    batch.items, batch.pseudonymise = {}, {}
    batch.save(update_fields=["status", "decided_by", "decided_at", "items", "pseudonymise"])
    return done


def _erase_kind(kind: RecordKind, records: QuerySet[Any]) -> int:
    """Delete ``records`` of ``kind`` for real; records that others protect are skipped (one at a time)."""
    eraser = kind.erase or erase
    ids = list(records.values_list("pk", flat=True))
    if not ids:
        return 0
    model = records.model
    try:
        with transaction.atomic():
            count = eraser(model._default_manager.filter(pk__in=ids))
    except (ProtectedError, RestrictedError):
        count = 0
        for pk in ids:
            try:
                with transaction.atomic():
                    count += eraser(model._default_manager.filter(pk=pk))
            except (ProtectedError, RestrictedError):
                continue
    gone = set(ids) - set(model._default_manager.filter(pk__in=ids).values_list("pk", flat=True))
    if kind.stored_pdf:
        for pk in sorted(gone):
            pdf.forget(kind.stored_pdf, pk)
    PseudonymisedRecord.objects.filter(kind=kind.key, object_id__in=gone).delete()  # nothing left to mark
    return count


def _file_names(model: type[models.Model], rows: QuerySet[Any]) -> set[str]:
    fields = [f.attname for f in model._meta.concrete_fields if isinstance(f, models.FileField)]
    names: set[str] = set()
    for field in fields:
        names.update(n for n in rows.values_list(field, flat=True) if n)
    return names


def _delete_files(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)


def erase(records: QuerySet[Any]) -> int:
    """Delete ``records`` for real: the rows and everything that cascades from them, the history rows of all of
    them (also those the deletion itself writes), and their files on disk once the transaction commits.

    Raises ``ProtectedError`` (nothing deleted) when another record protects one of them. Returns how many of
    ``records`` were deleted. Call inside a transaction.
    """
    model = records.model
    collector = Collector(using=records.db, origin=records)
    collector.collect(list(records))
    pks: dict[type[models.Model], set[Any]] = defaultdict(set)
    for collected_model, instances in collector.data.items():
        pks[collected_model].update(obj.pk for obj in instances)
    for fast in collector.fast_deletes:
        pks[fast.model].update(fast.values_list("pk", flat=True))
    files: set[str] = set()
    for collected_model, keys in pks.items():
        files |= _file_names(collected_model, collected_model._default_manager.filter(pk__in=keys))
    count = len(pks.get(model, ()))
    collector.delete()
    for collected_model, keys in pks.items():
        historical = history_model(collected_model)
        if historical is None:
            continue
        rows = historical._default_manager.filter(**{f"{collected_model._meta.pk.attname}__in": keys})
        files |= _file_names(historical, rows)
        rows.delete()
    if files:
        names = sorted(files)
        transaction.on_commit(lambda: _delete_files(names))
    return count
