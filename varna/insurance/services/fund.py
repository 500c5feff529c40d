"""Every write of the deductible fund's ledger and rules (självriskfond, G12, G15).

- :func:`book_entry` is the one way an entry enters the ledger (the allocation books its contributions through
  it too). It locks the fund's row, so bookings of one fund happen one at a time: no two payouts together can
  take the fund below its floor. Entries are never changed or deleted; :func:`correct_entry` books a
  correction that points to the entry it corrects.
- :func:`update_rules` changes what the fund pays and its lowest balance (revision-checked).
- Payout requests and grant applications, whose approvals book through :func:`book_entry`, are in
  :mod:`varna.insurance.services.fund_requests`.

Each function checks the access policy itself. The helpers that clean input and lock the fund are shared with
:mod:`~varna.insurance.services.fund_requests`.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from varna.core import access
from varna.core.access import Perm
from varna.core.models import Node, User
from varna.core.services import check_revision, lock_actor, next_case_number, recent_duplicate, save_revision, stamp
from varna.incidents.models import Incident
from varna.insurance.fund_rules import kr
from varna.insurance.models import Claim, DeductibleFund, FundEntry, FundEntryKind, FundNodeBalance, FundRules
from varna.risks.models import Measure

__all__ = ["SERIES", "book_entry", "correct_entry", "paid_this_year", "update_rules"]

SERIES = "fund"  # the case-number series of the ledger's entries
FIRST_YEAR = 2000
LAST_YEAR = 2100
MAX_AMOUNT = Decimal("999999999999.99")  # DECIMAL(14, 2)
CENT = Decimal("0.01")
MAX_TEXT = 300

# The sign an entry of each kind has, as the fund sees it (a correction has the sign that sets its entry right).
SIGN = {
    FundEntryKind.CONTRIBUTION: 1,
    FundEntryKind.INTEREST: 1,
    FundEntryKind.PAYOUT: -1,
    FundEntryKind.GRANT: -1,
}
NEEDS_NODE = (FundEntryKind.CONTRIBUTION, FundEntryKind.PAYOUT, FundEntryKind.GRANT)


# --- helpers -------------------------------------------------------------------------------


def clean_text(value: Any, *, limit: int, required: str | None = None) -> str:
    text = str(value or "").replace("\x00", "").strip()
    if required and not text:
        raise ValidationError(required, code="required")
    if len(text) > limit:
        raise ValidationError(_("Write at most %(limit)s characters.") % {"limit": limit}, code="too_long")
    return text


def clean_amount(value: Any, *, message: str) -> Decimal:
    """A sum in kronor with at most two decimals (öre), within the columns; ``message`` when it is not."""
    if isinstance(value, bool) or value is None or value == "":
        raise ValidationError(message, code="number")
    try:
        amount = Decimal(str(value).replace(" ", "").replace("\u00a0", "").replace(",", "."))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError(message, code="number") from exc
    if not amount.is_finite() or abs(amount) > MAX_AMOUNT or amount != amount.quantize(CENT):
        raise ValidationError(message, code="number")
    return amount.quantize(CENT)


def _optional_cap(value: Any, *, message: str) -> Decimal | None:
    if value is None or value == "":
        return None
    amount = clean_amount(value, message=message)
    if amount <= 0:
        raise ValidationError(message, code="number")
    return amount


def _day(value: Any) -> datetime.date:
    if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
        raise ValidationError(_("Give the date of the entry."), code="required")
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValidationError(
            _("The date must be between %(first)s and %(last)s.") % {"first": FIRST_YEAR, "last": LAST_YEAR},
            code="date",
        )
    if value > timezone.localdate():
        raise ValidationError(_("An entry cannot be booked on a date in the future."), code="future")
    return value


def _same_organisation(organisation_id: int, *objects: Any) -> None:
    for obj in objects:
        if obj is not None and obj.organisation_id != organisation_id:
            raise ValidationError(_("A linked record belongs to another organisation."), code="organisation")


def locked_fund(organisation_id: int) -> DeductibleFund:
    """The organisation's fund, its row locked until the transaction ends: bookings happen one at a time."""
    fund = DeductibleFund.objects.select_for_update().filter(organisation_id=organisation_id).first()
    if fund is None:
        raise ValidationError(
            _("The organisation has no deductible fund yet. Ask the administrator to set up the organisation."),
            code="no_fund",
        )
    return fund


def _cents(total: Any) -> Decimal:
    """A sum of amounts from the database, to the öre (SQLite adds decimals as floating point numbers)."""
    return Decimal(total or 0).quantize(CENT)


def _balance(fund: DeductibleFund) -> Decimal:
    """The fund's balance: the sum of its nodes' running balances (each kept equal to its entries' sum)."""
    return _cents(FundNodeBalance.objects.filter(fund=fund).aggregate(total=Sum("balance"))["total"])


def _add_to_balance(fund: DeductibleFund, node_id: int | None, amount: Decimal) -> None:
    """Move the node's running balance by ``amount``; call under the fund's lock, in the entry's transaction."""
    rows = FundNodeBalance.objects.filter(fund=fund)
    rows = rows.filter(node__isnull=True) if node_id is None else rows.filter(node_id=node_id)
    if not rows.update(balance=F("balance") + amount):
        FundNodeBalance.objects.create(organisation_id=fund.organisation_id, fund=fund, node_id=node_id, balance=amount)


@transaction.atomic
def rebuild_balances(fund: DeductibleFund) -> None:
    """Set every node's running balance from the ledger: after entries were written in bulk (the demo)."""
    locked_fund(fund.organisation_id)
    FundNodeBalance.objects.filter(fund=fund).delete()
    totals = FundEntry.objects.filter(fund=fund).order_by().values_list("node_id").annotate(total=Sum("amount"))
    FundNodeBalance.objects.bulk_create(
        FundNodeBalance(organisation_id=fund.organisation_id, fund=fund, node_id=node_id, balance=total)
        for node_id, total in totals
    )


def may_approve(actor: User) -> int:
    """The actor's organisation, when they may decide for the fund (APPROVE_FUND); PermissionDenied otherwise."""
    if actor.organisation_id is None or not access.has_perm(actor, Perm.APPROVE_FUND):
        raise PermissionDenied
    return actor.organisation_id


def paid_this_year(node: Node, year: int) -> Decimal:
    """What the fund has paid ``node`` for damage in ``year`` (payouts and their corrections), as a positive sum."""
    paid = FundEntry.objects.filter(
        Q(kind=FundEntryKind.PAYOUT) | Q(kind=FundEntryKind.CORRECTION, corrects__kind=FundEntryKind.PAYOUT),
        organisation_id=node.organisation_id,
        node=node,
        booked_on__year=year,
    ).aggregate(total=Sum("amount"))["total"]
    return -_cents(paid)


# --- the ledger ----------------------------------------------------------------------------


@transaction.atomic
def book_entry(
    *,
    actor: User,
    kind: str,
    amount: Decimal,
    booked_on: datetime.date,
    text: str,
    node: Node | None = None,
    incident: Incident | None = None,
    claim: Claim | None = None,
    measure: Measure | None = None,
    corrects: FundEntry | None = None,
    once: bool = False,
) -> FundEntry:
    """Book one entry in the fund of ``actor``'s organisation and give it the next number of the year.

    ``amount`` is signed as the fund sees it: a contribution or interest adds (> 0), a payout or a grant takes
    (< 0); a correction (``corrects`` the entry it sets right) may have either sign, but the entry and its
    corrections together never change sign. A contribution, payout or grant names its unit (``node``), a
    payout its incident, a grant its measure. No entry may take the balance below the fund's floor.
    ``once``: the same entry booked again by the same person within core's ``DUPLICATE_WINDOW`` (a double
    submit) gives back the first instead of a second.
    """
    organisation_id = may_approve(actor)
    if kind not in FundEntryKind.values:
        raise ValidationError(_("Unknown kind of entry."), code="kind")
    amount = clean_amount(amount, message=_("Give the amount in kronor, for example 4500 or 4500,50."))
    if amount == 0:
        raise ValidationError(_("The amount cannot be zero."), code="zero")
    booked_on = _day(booked_on)
    text = clean_text(text, limit=MAX_TEXT, required=_("Write what the entry is for."))
    _same_organisation(organisation_id, node, incident, claim, measure, corrects)
    fund = locked_fund(organisation_id)
    if kind == FundEntryKind.CORRECTION:
        node, incident, claim, measure = _check_correction(fund, corrects, amount, (node, incident, claim, measure))
        assert corrects is not None  # noqa: S101 - checked by _check_correction
    else:
        if corrects is not None:
            raise ValidationError(_("Only a correction points to another entry."), code="corrects")
        _check_kind(kind, amount, node=node, incident=incident, claim=claim, measure=measure)
    if once:
        lock_actor(actor)
        same = FundEntry.objects.filter(
            fund=fund, kind=kind, amount=amount, node=node, booked_on=booked_on, text=text, corrects=corrects
        )
        earlier = recent_duplicate(same, actor_field="approved_by", actor=actor)
        if earlier is not None:
            return earlier
    if amount < 0:
        balance = _balance(fund)
        if balance + amount < fund.floor:
            raise ValidationError(
                _(
                    "The fund cannot pay out %(amount)s: the balance is %(balance)s and may not go below "
                    "%(floor)s, so at most %(room)s can be paid out now."
                )
                % {
                    "amount": kr(-amount),
                    "balance": kr(balance),
                    "floor": kr(fund.floor),
                    "room": kr(max(balance - fund.floor, Decimal(0))),
                },
                code="floor",
            )
    entry = FundEntry(
        organisation_id=organisation_id,
        fund=fund,
        number=next_case_number(organisation_id=organisation_id, series=SERIES, year=booked_on.year),
        booked_on=booked_on,
        kind=kind,
        amount=amount,
        node=node,
        incident=incident,
        claim=claim,
        measure=measure,
        corrects=corrects,
        text=text,
        approved_by=actor,
    )
    stamp(entry, actor)
    entry.save()
    _add_to_balance(fund, entry.node_id, amount)
    return entry


def _check_kind(
    kind: str, amount: Decimal, *, node: Node | None, incident: Incident | None, claim: Claim | None, measure: Any
) -> None:
    if SIGN[FundEntryKind(kind)] > 0 and amount < 0:
        raise ValidationError(_("A contribution or interest adds to the fund: give a positive amount."), code="sign")
    if SIGN[FundEntryKind(kind)] < 0 and amount > 0:
        raise ValidationError(
            _("A payout or a grant takes from the fund: give the amount with a minus sign."), code="sign"
        )
    if kind in NEEDS_NODE and node is None:
        raise ValidationError(_("Choose the unit the entry concerns."), code="node")
    if kind == FundEntryKind.PAYOUT and incident is None:
        raise ValidationError(_("A payout is made for a damage: link it to the incident."), code="incident")
    if kind == FundEntryKind.GRANT and measure is None:
        raise ValidationError(_("A grant is made to a measure: link it to the measure."), code="measure")
    if claim is not None and incident is not None and claim.incident_id != incident.pk:
        raise ValidationError(_("The claim does not belong to the incident."), code="claim")


def _check_correction(
    fund: DeductibleFund, corrects: FundEntry | None, amount: Decimal, links: tuple[Any, Any, Any, Any]
) -> tuple[Node | None, Incident | None, Claim | None, Measure | None]:
    """Check a correction of ``corrects`` by ``amount``; the links it takes over from the corrected entry."""
    if corrects is None:
        raise ValidationError(_("Choose the entry the correction sets right."), code="corrects")
    original = FundEntry.objects.filter(pk=corrects.pk, fund=fund).first()
    if original is None:
        raise ValidationError(_("The entry to correct is not in this fund."), code="corrects")
    if original.kind == FundEntryKind.CORRECTION:
        assert original.corrects_id is not None  # noqa: S101 - a correction always points back (a constraint)
        first = FundEntry.objects.only("number").get(pk=original.corrects_id)
        raise ValidationError(
            _("%(number)s is itself a correction: correct the original entry %(original)s instead.")
            % {"number": original.number, "original": first.number},
            code="corrects",
        )
    own = (original.node_id, original.incident_id, original.claim_id, original.measure_id)
    for given, kept in zip(links, own, strict=True):
        if given is not None and given.pk != kept:
            raise ValidationError(
                _("A correction concerns the same unit, incident, claim and measure as the entry it corrects."),
                code="links",
            )
    corrected = original.amount + _cents(
        FundEntry.objects.filter(corrects=original).aggregate(total=Sum("amount"))["total"]
    )
    after = corrected + amount
    if after != 0 and (after > 0) != (original.amount > 0):
        raise ValidationError(
            _(
                "A correction cannot turn the entry into its opposite: %(number)s is %(now)s after its "
                "corrections so far, and this correction would make it %(after)s."
            )
            % {"number": original.number, "now": kr(corrected), "after": kr(after)},
            code="sign",
        )
    return original.node, original.incident, original.claim, original.measure


@transaction.atomic
def correct_entry(
    *, actor: User, entry: FundEntry, amount: Decimal, booked_on: datetime.date, text: str, once: bool = False
) -> FundEntry:
    """Set ``entry`` right with a new entry of ``amount`` (signed as the fund sees it) that points to it.

    The correction concerns the same unit, incident, claim and measure as the entry it corrects.
    """
    return book_entry(
        actor=actor,
        kind=FundEntryKind.CORRECTION,
        amount=amount,
        booked_on=booked_on,
        text=text,
        corrects=entry,
        once=once,
    )


# --- the rules -----------------------------------------------------------------------------


@transaction.atomic
def update_rules(
    *,
    actor: User,
    revision: int | None,
    own_share: Decimal,
    pays_uninsured: bool,
    cap_per_event: Decimal | None,
    cap_per_year: Decimal | None,
    floor: Decimal,
) -> FundRules:
    """Change what the fund pays (the unit's own share, uninsured damage, the caps) and its lowest balance."""
    organisation_id = may_approve(actor)
    rules = FundRules.objects.select_for_update().filter(organisation_id=organisation_id).first()
    if rules is None:
        raise ValidationError(
            _("The organisation has no fund rules yet. Ask the administrator to set up the organisation."),
            code="no_rules",
        )
    check_revision(rules, revision)
    fund = locked_fund(organisation_id)
    own = clean_amount(own_share, message=_("Give the unit's own share in kronor (0 or more)."))
    if own < 0:
        raise ValidationError(_("Give the unit's own share in kronor (0 or more)."), code="number")
    new_floor = clean_amount(floor, message=_("Give the lowest balance in kronor (0 or more)."))
    if new_floor < 0:
        raise ValidationError(_("Give the lowest balance in kronor (0 or more)."), code="number")
    rules.own_share = own
    rules.pays_uninsured = bool(pays_uninsured)
    rules.cap_per_event = _optional_cap(cap_per_event, message=_("A cap is an amount above 0, or empty for none."))
    rules.cap_per_year = _optional_cap(cap_per_year, message=_("A cap is an amount above 0, or empty for none."))
    save_revision(rules, actor, ["own_share", "pays_uninsured", "cap_per_event", "cap_per_year"])
    if fund.floor != new_floor:
        fund.floor = new_floor
        stamp(fund, actor)
        fund.save(update_fields=["floor"])
    return rules
