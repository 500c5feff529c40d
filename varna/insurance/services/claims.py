"""Writes of claims to the insurer (skadeanmälan, K19): start one from an incident, record the insurer's
decision and payments, withdraw it.

Every write checks the access policy itself (``MANAGE_INSURANCE`` for the incident's unit, and the incident
must be one the person may read), so the pages, the API and the demo cannot write around it. A change of a
claim takes the ``revision`` the form was shown with: a stale form changes nothing. A create from a page
passes ``once=True``: the same person sending the same claim again within ``core.services.DUPLICATE_WINDOW``
gets :class:`AlreadySaved` with the first claim, never a second one (the pattern of the risk services).
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from varna.core import access, formats
from varna.core.access import Perm
from varna.core.models import User
from varna.core.services import check_revision, lock_actor, next_case_number, recent_duplicate, save_revision, stamp
from varna.incidents.models import Incident, Status
from varna.insurance import deductibles
from varna.insurance.models import Claim, ClaimPayment, ClaimStatus, InsurancePolicy
from varna.risks.services.analyses import AlreadySaved

__all__ = [
    "MAX_AMOUNT",
    "AlreadySaved",
    "create_claim",
    "paid_total",
    "record_decision",
    "record_payment",
    "withdraw_claim",
]

CLAIM_SERIES = "claim"  # the case number series: S-2026-00001
MAX_AMOUNT = Decimal("999999999999.99")  # what the amount columns hold (14 digits, 2 decimals)
MAX_REFERENCE = 60
MAX_DECISION = 10_000
MAX_NOTE = 10_000
MAX_PAYMENT_NOTE = 300
REFUSED_INCIDENT_STATUSES = (Status.REJECTED, Status.DUPLICATE)
DECISION_STATUSES = (ClaimStatus.DECIDED, ClaimStatus.DENIED)


def _amount(value: object, message: str, *, positive: bool = False) -> Decimal:
    """A sum of money in kronor (at most two decimals, not negative, within the column); else ``message``."""
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError(message) from None
    exponent = amount.as_tuple().exponent
    if not amount.is_finite() or not isinstance(exponent, int) or exponent < -2:
        raise ValidationError(message)
    if amount < 0 or (positive and amount == 0) or amount > MAX_AMOUNT:
        raise ValidationError(message)
    return amount


def _text(value: str, limit: int, message: str) -> str:
    """``value`` without surrounding space; ``message`` when it is too long or holds a NUL character."""
    value = (value or "").strip()
    if "\x00" in value or len(value) > limit:
        raise ValidationError(message)
    return value


def _not_in_future(day: datetime.date, message: str) -> None:
    if day > timezone.localdate():
        raise ValidationError(message)


def _may_manage(actor: User, incident: Incident) -> None:
    """``MANAGE_INSURANCE`` for the incident's unit, and the incident is one the person may read."""
    if incident.organisation_id != actor.organisation_id:
        raise PermissionDenied
    if not access.has_perm(actor, Perm.MANAGE_INSURANCE, incident.incident_node):
        raise PermissionDenied
    if not access.can(actor, Perm.VIEW_INCIDENTS, incident):
        raise PermissionDenied


def _locked(actor: User, claim: Claim) -> Claim:
    """The claim locked for this transaction, after checking that ``actor`` may change it."""
    if claim.organisation_id != actor.organisation_id or not access.can(actor, Perm.MANAGE_INSURANCE, claim):
        raise PermissionDenied
    return Claim.objects.select_for_update().select_related("incident", "policy").get(pk=claim.pk)


def paid_total(claim: Claim) -> Decimal:
    """What the insurer has paid on the claim so far."""
    total = ClaimPayment.objects.filter(claim_id=claim.pk).aggregate(total=Sum("amount"))["total"]
    return Decimal(total or 0)


def check_policy(policy: InsurancePolicy, incident: Incident) -> None:
    """The policy belongs to the incident's organisation and was in force on the day of the damage."""
    if policy.organisation_id != incident.organisation_id:
        raise ValidationError(_("Choose a policy of your own organisation."), code="policy")
    if not policy.valid_from <= incident.occurred_on <= policy.valid_to:
        raise ValidationError(
            _(
                "The policy %(policy)s was valid from %(start)s to %(end)s and did not cover the day of the damage "
                "(%(day)s). Choose a policy that was in force then."
            )
            % {
                "policy": policy.policy_number,
                "start": formats.local_time(policy.valid_from),
                "end": formats.local_time(policy.valid_to),
                "day": formats.local_time(incident.occurred_on),
            },
            code="policy",
        )


def default_deductible(policy: InsurancePolicy, incident: Incident) -> Decimal:
    """The policy's deductible for the day of the damage; a Swedish message when the prisbasbelopp is missing."""
    try:
        return deductibles.deductible_for(policy, incident.occurred_on)
    except deductibles.MissingPriceBaseAmount as exc:
        raise ValidationError(
            _(
                "The deductible of this policy is given in prisbasbelopp, and no prisbasbelopp is recorded for "
                "%(year)s. Enter the deductible in kronor yourself, or ask the administrator to record the "
                "prisbasbelopp for %(year)s."
            )
            % {"year": exc.year},
            code="price_base",
        ) from None


@transaction.atomic
def create_claim(
    *,
    actor: User,
    incident: Incident,
    policy: InsurancePolicy,
    claimed_amount: Decimal,
    deductible: Decimal | None = None,
    insurer_reference: str = "",
    third_party_involved: bool = False,
    submitted_on: datetime.date | None = None,
    note: str = "",
    once: bool = False,
) -> Claim:
    """Start a claim to the insurer from ``incident`` (first notice of loss).

    The claim is placed on the incident's unit and numbered ``S-2026-00001`` in the year it is submitted.
    ``deductible=None`` applies the policy's deductible for the day of the damage (in prisbasbelopp: the
    prisbasbelopp of the damage's year). ``once``: the same claim sent again by the same person within the
    double-submit window raises :class:`AlreadySaved` with the first one.
    """
    if once:
        lock_actor(actor)
        earlier = recent_duplicate(
            Claim.objects.filter(incident=incident, policy=policy, claimed_amount=claimed_amount), actor=actor
        )
        if earlier is not None:
            raise AlreadySaved(earlier)
    _may_manage(actor, incident)
    if incident.status in REFUSED_INCIDENT_STATUSES:
        raise ValidationError(
            _("The incident is marked as %(status)s. A claim is made from the incident it duplicates or not at all.")
            % {"status": Status(incident.status).label.lower()}
        )
    check_policy(policy, incident)
    claimed_amount = _amount(
        claimed_amount,
        _("Enter the claimed amount in kronor: more than zero, with at most two decimals."),
        positive=True,
    )
    if deductible is None:
        deductible = default_deductible(policy, incident)
    deductible = _amount(deductible, _("Enter the deductible in kronor: zero or more, with at most two decimals."))
    submitted_on = submitted_on or timezone.localdate()
    _not_in_future(submitted_on, _("The claim cannot have been submitted in the future."))
    if submitted_on < incident.occurred_on:
        raise ValidationError(_("The claim cannot have been submitted before the damage occurred."))
    insurer_reference = _text(
        insurer_reference, MAX_REFERENCE, _("The insurer's reference may be at most 60 characters long.")
    )
    note = _text(note, MAX_NOTE, _("The note may be at most 10 000 characters long."))
    earlier_claim = Claim.objects.filter(incident=incident, policy=policy).exclude(status=ClaimStatus.WITHDRAWN).first()
    if earlier_claim is not None:
        raise ValidationError(
            _("The incident already has claim %(number)s on this policy. Follow that claim up instead.")
            % {"number": earlier_claim.number}
        )
    number = next_case_number(organisation_id=incident.organisation_id, series=CLAIM_SERIES, year=submitted_on.year)
    claim = Claim(
        organisation_id=incident.organisation_id,
        number=f"S-{number}",
        incident=incident,
        node_id=incident.incident_node_id,
        policy=policy,
        claimed_amount=claimed_amount,
        deductible=deductible,
        insurer_reference=insurer_reference,
        third_party_involved=third_party_involved,
        submitted_on=submitted_on,
        note=note,
        created_by=actor,
    )
    stamp(claim, actor)
    claim.save()
    return claim


@transaction.atomic
def record_decision(
    *,
    actor: User,
    claim: Claim,
    revision: int | None,
    status: str,
    decided_on: datetime.date,
    decision: str = "",
    compensation: Decimal | None = None,
) -> Claim:
    """Record (or change) the insurer's decision: ``decided`` with the compensation, or ``denied``.

    A paid or withdrawn claim is closed. When the payments already reach the compensation, the claim is paid.
    """
    locked = _locked(actor, claim)
    check_revision(locked, revision)
    if locked.status not in (ClaimStatus.SUBMITTED, ClaimStatus.DECIDED, ClaimStatus.DENIED):
        raise ValidationError(
            _("The claim is %(status)s: its decision can no longer be changed.")
            % {"status": ClaimStatus(locked.status).label.lower()}
        )
    if status not in DECISION_STATUSES:
        raise ValidationError(_("Choose whether the insurer paid compensation or denied the claim."))
    _not_in_future(decided_on, _("The date of the decision cannot be in the future."))
    if decided_on < locked.submitted_on:
        raise ValidationError(_("The decision cannot come before the claim was submitted."))
    decision = _text(decision, MAX_DECISION, _("The decision may be at most 10 000 characters long."))
    paid = paid_total(locked)
    if status == ClaimStatus.DENIED:
        if compensation:
            raise ValidationError(_("A denied claim has no compensation. Leave the compensation empty."))
        if paid:
            raise ValidationError(_("The insurer has already paid on this claim, so it cannot be marked as denied."))
        compensation = None
    else:
        if compensation is None:
            raise ValidationError(_("Enter the compensation the insurer decided."))
        compensation = _amount(
            compensation, _("Enter the compensation in kronor: zero or more, with at most two decimals.")
        )
        if paid > compensation:
            raise ValidationError(
                _("The insurer has already paid %(paid)s, more than the compensation you entered.")
                % {"paid": formats.money(paid)}
            )
    if status == ClaimStatus.DECIDED and compensation is not None and paid and paid >= compensation:
        locked.status = ClaimStatus.PAID  # the insurer paid before its decision was recorded
    else:
        locked.status = status
    locked.decided_on = decided_on
    locked.decision = decision
    locked.compensation = compensation
    save_revision(locked, actor, ["status", "decided_on", "decision", "compensation"])
    return locked


@transaction.atomic
def record_payment(
    *,
    actor: User,
    claim: Claim,
    paid_on: datetime.date,
    amount: Decimal,
    note: str = "",
    once: bool = False,
) -> ClaimPayment:
    """Record a payment from the insurer. The claim is paid when the payments reach the compensation.

    ``once``: the same payment sent again by the same person within the double-submit window raises
    :class:`AlreadySaved` with the first one.
    """
    if once:
        lock_actor(actor)
        earlier = recent_duplicate(
            ClaimPayment.objects.filter(claim_id=claim.pk, paid_on=paid_on, amount=amount), actor=actor
        )
        if earlier is not None:
            raise AlreadySaved(earlier)
    locked = _locked(actor, claim)
    if locked.status != ClaimStatus.DECIDED or locked.compensation is None:
        if locked.status == ClaimStatus.SUBMITTED:
            raise ValidationError(_("Record the insurer's decision before its payments."))
        raise ValidationError(
            _("The claim is %(status)s: no more payments can be recorded.")
            % {"status": ClaimStatus(locked.status).label.lower()}
        )
    amount = _amount(
        amount, _("Enter the amount paid in kronor: more than zero, with at most two decimals."), positive=True
    )
    _not_in_future(paid_on, _("The date of the payment cannot be in the future."))
    if paid_on < locked.submitted_on:
        raise ValidationError(_("The payment cannot come before the claim was submitted."))
    note = _text(note, MAX_PAYMENT_NOTE, _("The note may be at most 300 characters long."))
    paid = paid_total(locked)
    if paid + amount > locked.compensation:
        raise ValidationError(
            _(
                "The payments would come to more than the compensation decided (%(compensation)s; "
                "%(paid)s is paid already). If the insurer has changed its decision, record the new decision first."
            )
            % {"compensation": formats.money(locked.compensation), "paid": formats.money(paid)}
        )
    payment = ClaimPayment(claim=locked, paid_on=paid_on, amount=amount, note=note, created_by=actor)
    stamp(payment, actor)
    payment.save()
    if paid + amount >= locked.compensation:
        locked.status = ClaimStatus.PAID
        save_revision(locked, actor, ["status"])
    return payment


@transaction.atomic
def withdraw_claim(*, actor: User, claim: Claim, revision: int | None, reason: str = "") -> Claim:
    """Withdraw a claim the insurer has not paid on (for example when the damage turned out to be below the
    deductible). The reason is kept in the claim's history."""
    locked = _locked(actor, claim)
    check_revision(locked, revision)
    if locked.status not in (ClaimStatus.SUBMITTED, ClaimStatus.DECIDED, ClaimStatus.DENIED):
        raise ValidationError(
            _("The claim is %(status)s and cannot be withdrawn.") % {"status": ClaimStatus(locked.status).label.lower()}
        )
    if paid_total(locked):
        raise ValidationError(_("The insurer has already paid on this claim, so it cannot be withdrawn."))
    reason = _text(reason, MAX_PAYMENT_NOTE, _("The reason may be at most 300 characters long."))
    locked.status = ClaimStatus.WITHDRAWN
    stamp(locked, actor, reason or None)
    save_revision(locked, actor, ["status"])
    return locked
