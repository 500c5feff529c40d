"""Payout requests and grant applications to the deductible fund (G12, G15): a unit asks, the coordinator decides.

- :func:`request_payout`, :func:`approve_payout`, :func:`reject_payout`: a unit asks the fund to pay for a
  damage (its deductible under a claim, or an uninsured damage); the computation under the rules is kept with
  the request; an approval books the payout through :func:`varna.insurance.services.fund.book_entry` in the
  same transaction, so the fund's floor holds.
- :func:`apply_for_grant`, :func:`approve_grant`, :func:`reject_grant`: the same for a grant to a preventive
  measure of a risk analysis.

Each function checks the access policy itself. The computation and the texts of the entries are stored in
Swedish, the language of the organisation's documents.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from varna.core import access
from varna.core.access import Perm
from varna.core.models import User
from varna.core.services import check_revision, lock_actor, recent_duplicate, save_revision, stamp
from varna.incidents.models import Incident
from varna.insurance.fund_rules import Computation, compute_payout, kr
from varna.insurance.models import Claim, FundEntryKind, FundRules, GrantApplication, PayoutRequest, RequestStatus
from varna.insurance.services.fund import (
    MAX_TEXT,
    book_entry,
    clean_amount,
    clean_text,
    locked_fund,
    may_approve,
    paid_this_year,
)
from varna.risks.models import Measure, MeasureStatus

__all__ = [
    "PayoutComputation",
    "apply_for_grant",
    "approve_grant",
    "approve_payout",
    "payout_computation",
    "reject_grant",
    "reject_payout",
    "request_payout",
]

MAX_REASON = 500
MAX_MOTIVATION = 4000


# --- payout requests -----------------------------------------------------------------------


@dataclass(frozen=True)
class PayoutComputation:
    """What the fund pays: the computation in the reader's language, and its text in Swedish to be kept."""

    computation: Computation
    swedish: str

    @property
    def amount(self) -> Decimal:
        return self.computation.amount


def payout_computation(
    rules: FundRules, *, incident: Incident, claim: Claim | None, damage_cost: Decimal, year: int
) -> PayoutComputation:
    """What the fund pays for ``incident`` today, under ``rules`` (the caps count this year's payouts)."""
    deductible = claim.deductible if claim is not None else Decimal(0)
    paid = paid_this_year(incident.incident_node, year)
    computation = compute_payout(rules, damage_cost, deductible, claim is not None, paid)
    with translation.override("sv"):
        swedish = compute_payout(rules, damage_cost, deductible, claim is not None, paid).text
    return PayoutComputation(computation, swedish)


def _rules(organisation_id: int) -> FundRules:
    rules = FundRules.objects.filter(organisation_id=organisation_id).first()
    if rules is None:
        raise ValidationError(
            _("The organisation has no fund rules yet. Ask the administrator to set up the organisation."),
            code="no_rules",
        )
    return rules


@transaction.atomic
def request_payout(
    *, actor: User, incident: Incident, damage_cost: Decimal, claim: Claim | None = None
) -> PayoutRequest:
    """A unit asks the fund to pay for the damage of ``incident`` (its deductible under ``claim``, or an uninsured
    damage). The computation under the rules is kept with the request. The same request sent again within core's
    ``DUPLICATE_WINDOW`` gives back the first; while one request for the incident waits, no other may be sent.
    """
    if incident.organisation_id != actor.organisation_id or not access.has_perm(
        actor, Perm.REQUEST_FUND, incident.incident_node
    ):
        raise PermissionDenied
    if claim is not None and (claim.organisation_id != incident.organisation_id or claim.incident_id != incident.pk):
        raise ValidationError(_("The claim does not belong to the incident."), code="claim")
    cost = clean_amount(damage_cost, message=_("Give the cost of the damage in kronor."))
    if cost <= 0:
        raise ValidationError(_("Give the cost of the damage in kronor."), code="number")
    # One request at a time per incident: the incident's row serialises two people asking at once.
    list(Incident.objects.select_for_update().filter(pk=incident.pk).values_list("pk", flat=True))
    lock_actor(actor)
    earlier = recent_duplicate(
        PayoutRequest.objects.filter(incident=incident, claim=claim, damage_cost=cost),
        actor_field="requested_by",
        at_field="requested_at",
        actor=actor,
    )
    if earlier is not None:
        return earlier
    _no_other_payout(incident)
    computed = payout_computation(
        _rules(incident.organisation_id),
        incident=incident,
        claim=claim,
        damage_cost=cost,
        year=timezone.localdate().year,
    )
    if computed.amount <= 0:
        raise ValidationError(
            _("Under the fund's rules the fund pays nothing for this damage. %(computation)s")
            % {"computation": computed.computation.text},
            code="nothing",
        )
    request = PayoutRequest(
        organisation_id=incident.organisation_id,
        node=incident.incident_node,
        incident=incident,
        claim=claim,
        damage_cost=cost,
        computed_amount=computed.amount,
        computation=computed.swedish,
        requested_by=actor,
    )
    stamp(request, actor)
    request.save()
    return request


def _no_other_payout(incident: Incident) -> None:
    others = PayoutRequest.objects.filter(
        incident=incident, status__in=[RequestStatus.REQUESTED, RequestStatus.APPROVED]
    )
    other = others.select_related("entry").order_by("-pk").first()
    if other is None:
        return
    if other.status == RequestStatus.REQUESTED:
        raise ValidationError(
            _("A request to the fund for this incident is already waiting for a decision."), code="waiting"
        )
    raise ValidationError(
        _(
            "The fund has already paid for this incident (entry %(number)s). If the cost has changed, ask the "
            "coordinator to correct the entry."
        )
        % {"number": other.entry.number if other.entry else "–"},
        code="paid",
    )


def _locked_request(actor: User, request: PayoutRequest, revision: int | None) -> PayoutRequest:
    organisation_id = may_approve(actor)
    if request.organisation_id != organisation_id:
        raise PermissionDenied
    # Only the request's row is locked: its claim is an outer join, which PostgreSQL does not lock.
    related = PayoutRequest.objects.select_related("incident__incident_node", "claim", "node")
    found = related.select_for_update(of=("self",)).get(pk=request.pk)
    check_revision(found, revision)
    if found.status != RequestStatus.REQUESTED:
        raise ValidationError(_("The request has already been decided."), code="decided")
    return found


@transaction.atomic
def approve_payout(
    *, actor: User, request: PayoutRequest, revision: int | None = None, note: str = ""
) -> PayoutRequest:
    """Approve a payout request and book the payout, in one transaction.

    The amount is computed again under today's rules and this year's payouts (the fund's row is locked
    first, so two approvals cannot both use what is left of a cap); the request keeps the computation it was
    paid by. The fund's floor is respected.
    """
    found = _locked_request(actor, request, revision)
    note = clean_text(note, limit=MAX_REASON)
    locked_fund(found.organisation_id)
    today = timezone.localdate()
    computed = payout_computation(
        _rules(found.organisation_id),
        incident=found.incident,
        claim=found.claim,
        damage_cost=found.damage_cost,
        year=today.year,
    )
    with translation.override("sv"):
        text = _("Payout for the damage %(number)s") % {"number": found.incident.number}
    if computed.amount <= 0:
        raise ValidationError(
            _("Under the fund's rules as they are today the fund pays nothing: %(computation)s Reject the request.")
            % {"computation": computed.computation.text},
            code="nothing",
        )
    entry = book_entry(
        actor=actor,
        kind=FundEntryKind.PAYOUT,
        amount=-computed.amount,
        booked_on=today,
        text=text,
        node=found.node,
        incident=found.incident,
        claim=found.claim,
    )
    found.status = RequestStatus.APPROVED
    found.decided_at = timezone.now()
    found.decided_by = actor
    found.decision_note = note
    found.entry = entry
    found.computed_amount = computed.amount
    found.computation = computed.swedish
    save_revision(
        found,
        actor,
        ["status", "decided_at", "decided_by", "decision_note", "entry", "computed_amount", "computation"],
    )
    return found


@transaction.atomic
def reject_payout(*, actor: User, request: PayoutRequest, reason: str, revision: int | None = None) -> PayoutRequest:
    """Reject a payout request, saying why. Nothing is booked."""
    found = _locked_request(actor, request, revision)
    found.decision_note = clean_text(reason, limit=MAX_REASON, required=_("Write why the request is rejected."))
    found.status = RequestStatus.REJECTED
    found.decided_at = timezone.now()
    found.decided_by = actor
    save_revision(found, actor, ["status", "decided_at", "decided_by", "decision_note"])
    return found


# --- grants to preventive measures ---------------------------------------------------------


@transaction.atomic
def apply_for_grant(*, actor: User, measure: Measure, amount: Decimal, motivation: str) -> GrantApplication:
    """A unit applies for a grant from the fund to a measure of one of its risk analyses (G12's incentive).

    The same application sent again within core's ``DUPLICATE_WINDOW`` gives back the first; while one
    application for the measure waits, no other may be sent.
    """
    if measure.organisation_id != actor.organisation_id or not access.has_perm(actor, Perm.REQUEST_FUND, measure.node):
        raise PermissionDenied
    if measure.status == MeasureStatus.REJECTED:
        raise ValidationError(
            _("The measure is marked as not carried out: the fund gives no grant to it."), code="measure"
        )
    applied = clean_amount(amount, message=_("Give the amount applied for in kronor."))
    if applied <= 0:
        raise ValidationError(_("Give the amount applied for in kronor."), code="number")
    motivation = clean_text(motivation, limit=MAX_MOTIVATION, required=_("Write how the measure prevents damage."))
    list(Measure.objects.select_for_update().filter(pk=measure.pk).values_list("pk", flat=True))
    lock_actor(actor)
    earlier = recent_duplicate(
        GrantApplication.objects.filter(measure=measure, amount=applied),
        actor_field="requested_by",
        at_field="requested_at",
        actor=actor,
    )
    if earlier is not None:
        return earlier
    if GrantApplication.objects.filter(measure=measure, status=RequestStatus.REQUESTED).exists():
        raise ValidationError(
            _("An application for a grant to this measure is already waiting for a decision."), code="waiting"
        )
    application = GrantApplication(
        organisation_id=measure.organisation_id,
        node=measure.node,
        measure=measure,
        amount=applied,
        motivation=motivation,
        requested_by=actor,
    )
    stamp(application, actor)
    application.save()
    return application


def _locked_application(actor: User, application: GrantApplication, revision: int | None) -> GrantApplication:
    organisation_id = may_approve(actor)
    if application.organisation_id != organisation_id:
        raise PermissionDenied
    related = GrantApplication.objects.select_related("measure", "node")
    found = related.select_for_update(of=("self",)).get(pk=application.pk)
    check_revision(found, revision)
    if found.status != RequestStatus.REQUESTED:
        raise ValidationError(_("The application has already been decided."), code="decided")
    return found


@transaction.atomic
def approve_grant(
    *,
    actor: User,
    application: GrantApplication,
    granted_amount: Decimal | None = None,
    revision: int | None = None,
    note: str = "",
) -> GrantApplication:
    """Grant the amount applied for (or less: ``granted_amount``) and book the grant, in one transaction."""
    found = _locked_application(actor, application, revision)
    granted = clean_amount(
        found.amount if granted_amount is None else granted_amount, message=_("Give the amount granted in kronor.")
    )
    if granted <= 0 or granted > found.amount:
        raise ValidationError(
            _("The amount granted must be above 0 and at most the %(amount)s applied for.")
            % {"amount": kr(found.amount)},
            code="number",
        )
    note = clean_text(note, limit=MAX_REASON)
    with translation.override("sv"):
        text = _("Grant to the measure %(number)s %(title)s") % {
            "number": found.measure.number,
            "title": found.measure.title,
        }
    entry = book_entry(
        actor=actor,
        kind=FundEntryKind.GRANT,
        amount=-granted,
        booked_on=timezone.localdate(),
        text=text[:MAX_TEXT],
        node=found.node,
        measure=found.measure,
    )
    found.status = RequestStatus.APPROVED
    found.granted_amount = granted
    found.decided_at = timezone.now()
    found.decided_by = actor
    found.decision_note = note
    found.entry = entry
    save_revision(found, actor, ["status", "granted_amount", "decided_at", "decided_by", "decision_note", "entry"])
    return found


@transaction.atomic
def reject_grant(
    *, actor: User, application: GrantApplication, reason: str, revision: int | None = None
) -> GrantApplication:
    """Reject an application for a grant, saying why. Nothing is booked."""
    found = _locked_application(actor, application, revision)
    found.decision_note = clean_text(reason, limit=MAX_REASON, required=_("Write why the application is rejected."))
    found.status = RequestStatus.REJECTED
    found.decided_at = timezone.now()
    found.decided_by = actor
    save_revision(found, actor, ["status", "decided_at", "decided_by", "decision_note"])
    return found
