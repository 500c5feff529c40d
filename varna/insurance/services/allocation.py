"""Every write of the yearly cost allocation (G12): drafts, recomputing them, fixing them, new versions.

- :func:`create_draft` starts the allocation of a year (one per year; later ones are new versions) and
  computes its lines from the organisation's figures (:mod:`varna.insurance.allocation_inputs`) by the
  rules of :mod:`varna.insurance.allocation_rules`.
- :func:`recompute_draft` changes a draft's settings and computes its lines again; :func:`discard_draft`
  removes a draft.
- :func:`fix_allocation` fixes a draft: from then on it never changes. The fund contributions are booked in
  the deductible fund's ledger in the same transaction (through ``services.fund.book_entry``), so fixing
  needs ``APPROVE_FUND`` as well as ``MANAGE_INSURANCE``. When the fixed allocation replaces an earlier
  version, only the difference per node is booked: a contribution for a rise, a correction of the node's
  earlier contribution entries for a fall; the earlier version becomes "replaced".
- :func:`new_version` starts version N+1 of a fixed allocation as a draft with the same settings.

Each function checks the access policy itself. The texts of ledger entries are written in Swedish, the
language of the organisation's documents.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from varna.core import access
from varna.core.access import Perm
from varna.core.models import User
from varna.core.services import StaleFormError, check_revision, lock_actor, recent_duplicate, save_revision, stamp
from varna.insurance import allocation_inputs
from varna.insurance.allocation_rules import AllocationSettings, NothingToAllocate, allocate
from varna.insurance.models import Allocation, AllocationLine, AllocationStatus, FundEntry, FundEntryKind
from varna.insurance.services import fund

__all__ = [
    "StaleFormError",
    "Weights",
    "create_draft",
    "discard_draft",
    "fix_allocation",
    "new_version",
    "recompute_draft",
]

FIRST_YEAR = 2000
LAST_YEAR = 2100
MAX_TOTAL = Decimal("999999999999")  # DECIMAL(14, 2) in whole kronor
MAX_HISTORY_YEARS = 10
MAX_DISCOUNT = 50
ENTRY_PREFIX = "Kostnadsfördelning"  # the start of every ledger text of an allocation (see _entry_text)
ENTRY_TEXT = "{prefix} {year}, version {version}: avgift till självriskfonden"


@dataclass(frozen=True)
class Weights:
    """The settings of an allocation besides the totals (percentages are whole numbers)."""

    exposure_weight: int = 60
    history_years: int = 3
    max_change: int = 25
    analysis_discount: int = 5
    plan_discount: int = 5
    evacuation_discount: int = 0

    @classmethod
    def of(cls, allocation: Allocation) -> Weights:
        return cls(
            exposure_weight=allocation.exposure_weight,
            history_years=allocation.history_years,
            max_change=allocation.max_change,
            analysis_discount=allocation.analysis_discount,
            plan_discount=allocation.plan_discount,
            evacuation_discount=allocation.evacuation_discount,
        )


# --- checks ----------------------------------------------------------------------------------


def _may_manage(actor: User) -> int:
    """The actor's organisation when they keep the allocation (MANAGE_INSURANCE); PermissionDenied otherwise."""
    if actor.organisation_id is None or not access.has_perm(actor, Perm.MANAGE_INSURANCE):
        raise PermissionDenied
    return actor.organisation_id


def _whole(value: Any, *, limit: int, low: int, message: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= limit:
        raise ValidationError(message, code="number")
    return value


def _year(value: Any) -> int:
    return _whole(
        value,
        low=FIRST_YEAR,
        limit=LAST_YEAR,
        message=_("The year must be between %(first)s and %(last)s.") % {"first": FIRST_YEAR, "last": LAST_YEAR},
    )


def _total(value: Any, *, what: str) -> Decimal:
    message = _("Give %(what)s in whole kronor, at least 0.") % {"what": what}
    if isinstance(value, bool) or value is None or value == "":
        raise ValidationError(message, code="number")
    try:
        amount = Decimal(str(value).replace(" ", "").replace("\u00a0", "").replace(",", "."))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError(message, code="number") from exc
    if not amount.is_finite() or amount < 0 or amount > MAX_TOTAL or amount != amount.to_integral_value():
        raise ValidationError(message, code="number")
    return amount.quantize(Decimal(1))


def _weights(weights: Weights) -> Weights:
    _whole(
        weights.exposure_weight,
        low=0,
        limit=100,
        message=_("The weight of exposure is a percentage from 0 to 100."),
    )
    _whole(
        weights.history_years,
        low=1,
        limit=MAX_HISTORY_YEARS,
        message=_("The damage history covers 1 to %(max)s years.") % {"max": MAX_HISTORY_YEARS},
    )
    _whole(weights.max_change, low=0, limit=100, message=_("The largest change is a percentage from 0 to 100."))
    for value in (weights.analysis_discount, weights.plan_discount, weights.evacuation_discount):
        _whole(
            value,
            low=0,
            limit=MAX_DISCOUNT,
            message=_("A discount is a percentage from 0 to %(max)s.") % {"max": MAX_DISCOUNT},
        )
    if weights.evacuation_discount and not allocation_inputs.EVACUATION_RULE:
        raise ValidationError(
            _(
                "The discount for evacuation checks cannot be used yet: Värna does not record evacuation checks "
                "until the technical protection part is in place."
            ),
            code="evacuation",
        )
    return weights


def _settings(allocation: Allocation, *, has_previous: bool) -> AllocationSettings:
    return AllocationSettings(
        year=allocation.year,
        premium_total=Decimal(allocation.premium_total),
        contribution_total=Decimal(allocation.contribution_total),
        exposure_weight=allocation.exposure_weight,
        history_years=allocation.history_years,
        max_change=allocation.max_change,
        analysis_discount=allocation.analysis_discount,
        plan_discount=allocation.plan_discount,
        evacuation_discount=allocation.evacuation_discount,
        evacuation_rule=allocation_inputs.EVACUATION_RULE,
        has_previous=has_previous,
    )


def _compute_lines(allocation: Allocation, *, today: datetime.date | None = None) -> list[AllocationLine]:
    """Replace the draft's lines with lines computed from today's figures."""
    organisation_id = allocation.organisation_id
    has_previous = allocation_inputs.previous_allocation(organisation_id, allocation.year) is not None
    settings = _settings(allocation, has_previous=has_previous)
    inputs = allocation_inputs.gather(organisation_id, settings, today=today)
    try:
        with translation.override("sv"):  # the explanations are stored: in the language of the documents
            computed = allocate(inputs.lines, settings)
    except NothingToAllocate as exc:
        raise ValidationError(
            _(
                "There is nothing to share the costs by: no unit has staff, insured values or damage. Record the "
                "insured values of the year first."
            ),
            code="empty",
        ) from exc
    AllocationLine.objects.filter(allocation=allocation).delete()
    lines = [
        AllocationLine(
            allocation=allocation,
            node_id=line.node_id,
            insured_value=line.insured_value,
            staff=line.staff,
            damage_cost=line.damage_cost,
            has_current_analysis=line.has_current_analysis,
            has_adopted_plan=line.has_adopted_plan,
            evacuation_checks_done=line.evacuation_checks_done,
            share=out.share,
            previous_amount=line.previous_amount,
            premium_amount=out.premium_amount,
            contribution_amount=out.contribution_amount,
            explanation=out.explanation,
        )
        for line, out in zip(inputs.lines, computed, strict=True)
    ]
    return AllocationLine.objects.bulk_create(lines)


def _locked(actor: User, allocation: Allocation, revision: int | None = None) -> Allocation:
    organisation_id = _may_manage(actor)
    if allocation.organisation_id != organisation_id:
        raise PermissionDenied
    locked = Allocation.objects.select_for_update().get(pk=allocation.pk)
    check_revision(locked, revision)
    return locked


def _draft_only(allocation: Allocation) -> None:
    if allocation.status != AllocationStatus.DRAFT:
        raise ValidationError(
            _("The allocation %(year)s version %(version)s is fixed and cannot be changed. Make a new version instead.")
            % {"year": allocation.year, "version": allocation.version},
            code="fixed",
        )


# --- drafts ----------------------------------------------------------------------------------


@transaction.atomic
def create_draft(
    *,
    actor: User,
    year: int,
    contribution_total: Decimal,
    premium_total: Decimal | None = None,
    weights: Weights | None = None,
    today: datetime.date | None = None,
) -> Allocation:
    """Start the allocation of ``year`` as a draft and compute its lines.

    ``premium_total`` defaults to the premiums of the policies in force that year (a policy for the days of
    the year it is in force). One allocation per year: later ones are new versions of the fixed one. The
    same draft sent twice within core's ``DUPLICATE_WINDOW`` gives back the first.
    """
    organisation_id = _may_manage(actor)
    year = _year(year)
    contribution = _total(contribution_total, what=_("the fund contributions"))
    if premium_total is None or premium_total == "":
        premium = allocation_inputs.premiums_of_year(organisation_id, year)
    else:
        premium = _total(premium_total, what=_("the premiums"))
    weights = _weights(weights or Weights())
    lock_actor(actor)
    earlier = recent_duplicate(
        Allocation.objects.filter(organisation_id=organisation_id, year=year, version=1), actor=actor
    )
    if earlier is not None:
        return earlier
    if Allocation.objects.filter(organisation_id=organisation_id, year=year).exists():
        raise ValidationError(
            _("There is already an allocation for %(year)s. Open it, or make a new version of the fixed one.")
            % {"year": year},
            code="exists",
        )
    allocation = Allocation(
        organisation_id=organisation_id,
        year=year,
        version=1,
        premium_total=premium,
        contribution_total=contribution,
        created_by=actor,
        **vars(weights),
    )
    stamp(allocation, actor)
    try:
        with transaction.atomic():
            allocation.save()
    except IntegrityError as exc:  # two people starting the same year at the same moment
        raise ValidationError(
            _("There is already an allocation for %(year)s. Open it, or make a new version of the fixed one.")
            % {"year": year},
            code="exists",
        ) from exc
    _compute_lines(allocation, today=today)
    return allocation


@transaction.atomic
def recompute_draft(
    *,
    actor: User,
    allocation: Allocation,
    revision: int | None,
    contribution_total: Decimal,
    premium_total: Decimal | None = None,
    weights: Weights | None = None,
    today: datetime.date | None = None,
) -> Allocation:
    """Change a draft's totals and settings and compute its lines again from today's figures."""
    locked = _locked(actor, allocation, revision)
    _draft_only(locked)
    contribution = _total(contribution_total, what=_("the fund contributions"))
    if premium_total is None or premium_total == "":
        premium = allocation_inputs.premiums_of_year(locked.organisation_id, locked.year)
    else:
        premium = _total(premium_total, what=_("the premiums"))
    weights = _weights(weights or Weights.of(locked))
    locked.premium_total = premium
    locked.contribution_total = contribution
    for name, value in vars(weights).items():
        setattr(locked, name, value)
    save_revision(locked, actor, ["premium_total", "contribution_total", *vars(weights)])
    _compute_lines(locked, today=today)
    return locked


@transaction.atomic
def discard_draft(*, actor: User, allocation: Allocation, revision: int | None) -> None:
    """Remove a draft and its lines (a fixed allocation is never removed)."""
    locked = _locked(actor, allocation, revision)
    _draft_only(locked)
    AllocationLine.objects.filter(allocation=locked).delete()
    stamp(locked, actor)
    locked.delete()


# --- fixing and new versions -----------------------------------------------------------------


def _entry_text(allocation: Allocation) -> str:
    """The ledger text of an allocation's contributions. Stored data, in Swedish whatever the person's language,
    and always starting with :data:`ENTRY_PREFIX` and the year: a later version finds the entries it corrects by
    that start."""
    return ENTRY_TEXT.format(prefix=ENTRY_PREFIX, year=allocation.year, version=allocation.version)


def _booked_entries(allocation: Allocation, node_id: int) -> list[tuple[FundEntry, Decimal]]:
    """The node's contribution entries of earlier versions of the allocation's year, newest first, each with
    what is left of it after its corrections."""
    entries = FundEntry.objects.filter(
        organisation_id=allocation.organisation_id,
        kind=FundEntryKind.CONTRIBUTION,
        node_id=node_id,
        text__startswith=f"{ENTRY_PREFIX} {allocation.year}, ",
    ).order_by("-booked_on", "-pk")
    result = []
    for entry in entries:
        corrected = FundEntry.objects.filter(corrects=entry).aggregate(total=Sum("amount"))["total"] or 0
        left = entry.amount + Decimal(corrected)
        if left > 0:
            result.append((entry, left))
    return result


def _book_contributions(
    actor: User, allocation: Allocation, replaced: Allocation | None, booked_on: datetime.date
) -> list[FundEntry]:
    """Book each node's contribution, or, for a new version, the difference from the version it replaces."""
    before: dict[int, Decimal] = {}
    if replaced is not None:
        before = dict(replaced.lines.values_list("node_id", "contribution_amount"))
    now = {line.node_id: line for line in allocation.lines.select_related("node").order_by("node__path")}
    text = _entry_text(allocation)
    booked: list[FundEntry] = []
    for node_id in sorted(set(now) | set(before), key=lambda pk: (pk not in now, pk)):
        line = now.get(node_id)
        amount = line.contribution_amount if line is not None else Decimal(0)
        difference = amount - before.get(node_id, Decimal(0))
        if difference > 0:
            node = line.node if line is not None else None
            booked.append(
                fund.book_entry(
                    actor=actor,
                    kind=FundEntryKind.CONTRIBUTION,
                    amount=difference,
                    booked_on=booked_on,
                    text=text,
                    node=node,
                )
            )
        elif difference < 0:
            booked.extend(_correct_contributions(actor, allocation, node_id, -difference, booked_on, text))
    return booked


def _correct_contributions(
    actor: User, allocation: Allocation, node_id: int, amount: Decimal, booked_on: datetime.date, text: str
) -> list[FundEntry]:
    """Take ``amount`` back from the node's earlier contribution entries of the year, newest first."""
    corrections = []
    for entry, left in _booked_entries(allocation, node_id):
        if amount <= 0:
            break
        part = min(left, amount)
        corrections.append(fund.correct_entry(actor=actor, entry=entry, amount=-part, booked_on=booked_on, text=text))
        amount -= part
    return corrections


@transaction.atomic
def fix_allocation(
    *, actor: User, allocation: Allocation, revision: int | None, booked_on: datetime.date | None = None
) -> Allocation:
    """Fix a draft: it never changes again. Books the fund contributions on ``booked_on`` (default today);
    an allocation that replaces an earlier version books only the differences and marks that one replaced."""
    if not access.has_perm(actor, Perm.APPROVE_FUND):
        raise PermissionDenied
    locked = _locked(actor, allocation, revision)
    _draft_only(locked)
    if not locked.lines.exists():
        raise ValidationError(_("The allocation has no lines to fix."), code="empty")
    replaced = None
    if locked.replaces_id is not None:
        replaced = Allocation.objects.select_for_update().get(pk=locked.replaces_id)
        if replaced.status != AllocationStatus.FIXED:
            raise ValidationError(
                _("The version this one replaces is no longer the fixed allocation of %(year)s.")
                % {"year": locked.year},
                code="replaced",
            )
    elif Allocation.objects.filter(
        organisation_id=locked.organisation_id, year=locked.year, status=AllocationStatus.FIXED
    ).exists():
        raise ValidationError(
            _("%(year)s already has a fixed allocation. Make a new version of it instead.") % {"year": locked.year},
            code="exists",
        )
    day = booked_on or timezone.localdate()
    _book_contributions(actor, locked, replaced, day)
    if replaced is not None:
        replaced.status = AllocationStatus.REPLACED
        save_revision(replaced, actor, ["status"])
    locked.status = AllocationStatus.FIXED
    locked.fixed_at = timezone.now()
    locked.fixed_by = actor
    save_revision(locked, actor, ["status", "fixed_at", "fixed_by"])
    return locked


@transaction.atomic
def new_version(*, actor: User, allocation: Allocation, today: datetime.date | None = None) -> Allocation:
    """Start the next version of a fixed allocation: a draft with the same totals and settings, its lines
    computed from today's figures. Asked again, it gives back the draft already started."""
    locked = _locked(actor, allocation)
    existing = Allocation.objects.filter(replaces=locked, status=AllocationStatus.DRAFT).first()
    if existing is not None:
        return existing
    if locked.status != AllocationStatus.FIXED:
        raise ValidationError(
            _("Only the fixed allocation of a year can get a new version."),
            code="not_fixed",
        )
    version = (
        Allocation.objects.filter(organisation_id=locked.organisation_id, year=locked.year).aggregate(v=Max("version"))[
            "v"
        ]
        or 0
    ) + 1
    draft = Allocation(
        organisation_id=locked.organisation_id,
        year=locked.year,
        version=version,
        premium_total=locked.premium_total,
        contribution_total=locked.contribution_total,
        replaces=locked,
        created_by=actor,
        **vars(Weights.of(locked)),
    )
    stamp(draft, actor)
    draft.save()
    _compute_lines(draft, today=today)
    return draft
