"""Every write of the insurance programme (G12, K19): policies, cover lines, the prisbasbelopp and procurement.

The programme is kept centrally: every function needs ``MANAGE_INSURANCE`` (the security coordinator and the
insurance handler), checked here again whatever the page or API did. Edits of a policy or a procurement take
the ``revision`` the form was shown with (:class:`StaleFormError` when someone saved in between); a create sent
twice by the same person within core's ``DUPLICATE_WINDOW`` gives back the first record instead of a copy.
The exposure (insured values per unit and facility) is written by its import, :mod:`varna.insurance.imports`.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from varna.core import access
from varna.core.access import Perm
from varna.core.models import Node, User
from varna.core.services import StaleFormError, check_revision, lock_actor, recent_duplicate, save_revision, stamp
from varna.insurance.models import CoverLine, DeductibleKind, InsurancePolicy, PriceBaseAmount, Procurement
from varna.protection.models import Facility

__all__ = [
    "POLICY_FIELDS",
    "PROCUREMENT_FIELDS",
    "StaleFormError",
    "create_cover_line",
    "create_policy",
    "create_procurement",
    "record_price_base_amount",
    "update_cover_line",
    "update_policy",
    "update_procurement",
]

logger = logging.getLogger(__name__)

FIRST_YEAR = 2000
LAST_YEAR = 2100
MAX_AMOUNT = Decimal("999999999999.99")  # DECIMAL(14, 2)
MAX_PRICE_BASE = Decimal("9999.99")  # DECIMAL(6, 2)
MAX_TEXT = 10_000
MAX_COVERED = 2_000  # units or facilities named on one policy
MAX_REMINDER_MONTHS = 36
MIN_PRICE_BASE_AMOUNT = 10_000  # a prisbasbelopp outside these bounds is a typing error
MAX_PRICE_BASE_AMOUNT = 1_000_000

POLICY_FIELDS = (
    "cover_line",
    "insurer",
    "is_captive",
    "policy_number",
    "valid_from",
    "valid_to",
    "premium",
    "sum_insured",
    "deductible_kind",
    "deductible_amount",
    "deductible_price_base",
    "conditions",
    "note",
)
PROCUREMENT_FIELDS = (
    "decided_on",
    "insurer",
    "contract_from",
    "contract_to",
    "next_procurement_on",
    "reminder_months",
    "note",
)


# --- helpers ---------------------------------------------------------------------------------


def _require(actor: User) -> int:
    """The actor's organisation, when they keep the insurance programme."""
    if actor.organisation_id is None or not access.has_perm(actor, Perm.MANAGE_INSURANCE):
        raise PermissionDenied
    return actor.organisation_id


def _text(value: Any, *, field: str, required: str | None = None, limit: int | None = None) -> str:
    text = str(value or "").replace("\x00", "").strip()
    if required and not text:
        raise ValidationError({field: required}, code="required")
    limit = limit or MAX_TEXT
    if len(text) > limit:
        raise ValidationError({field: _("Write at most %(limit)s characters.") % {"limit": limit}}, code="too_long")
    return text


def _limit(model: type[Any], name: str) -> int:
    return int(model._meta.get_field(name).max_length or MAX_TEXT)


def _amount(value: Any, *, field: str, message: str, limit: Decimal = MAX_AMOUNT) -> Decimal | None:
    """A non-negative amount with at most two decimals, or ``None`` when not given."""
    if value is None or value == "":
        return None
    try:
        amount = Decimal(str(value).replace(" ", "").replace("\u00a0", "").replace(",", "."))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({field: message}, code="number") from exc
    if not amount.is_finite() or amount < 0 or amount > limit or amount != amount.quantize(Decimal("0.01")):
        raise ValidationError({field: message}, code="number")
    return amount


def _date(value: Any, *, field: str, required: str) -> datetime.date:
    if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
        raise ValidationError({field: required}, code="required")
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValidationError({field: _("Check the date: it must be between 2000 and 2100.")}, code="date")
    return value


def _own(objects: Iterable[Any], organisation_id: int, model: type[Any]) -> list[Any]:
    """The given units or facilities, when every one of them belongs to the organisation."""
    wanted = list({obj.pk: obj for obj in objects}.values())
    if len(wanted) > MAX_COVERED:
        raise ValidationError(_("Name at most %(max)s units or facilities.") % {"max": MAX_COVERED}, code="covered")
    found = model._default_manager.filter(organisation_id=organisation_id, pk__in=[o.pk for o in wanted]).count()
    if found != len(wanted):
        raise ValidationError(_("Name only units and facilities of your own organisation."), code="covered")
    return wanted


# --- policies --------------------------------------------------------------------------------


def _clean_policy(organisation_id: int, fields: dict[str, Any], current: InsurancePolicy | None) -> dict[str, Any]:
    """Every field of a policy checked; the deductible is kept only in the kind chosen."""
    cleaned: dict[str, Any] = {}
    line = fields["cover_line"]
    if not isinstance(line, CoverLine) or line.organisation_id != organisation_id:
        raise ValidationError({"cover_line": _("Choose a cover line.")}, code="cover_line")
    if not line.is_active and (current is None or current.cover_line_id != line.pk):
        raise ValidationError(
            {"cover_line": _("The cover line %(line)s is no longer in use. Choose another.") % {"line": line.name}},
            code="cover_line",
        )
    cleaned["cover_line"] = line
    cleaned["insurer"] = _text(
        fields["insurer"],
        field="insurer",
        required=_("Write the insurer, or the name of the municipality's own captive."),
        limit=_limit(InsurancePolicy, "insurer"),
    )
    cleaned["is_captive"] = bool(fields["is_captive"])
    cleaned["policy_number"] = _text(
        fields["policy_number"],
        field="policy_number",
        required=_("Write the policy number."),
        limit=_limit(InsurancePolicy, "policy_number"),
    )
    valid_from = _date(fields["valid_from"], field="valid_from", required=_("Give the first day of the period."))
    valid_to = _date(fields["valid_to"], field="valid_to", required=_("Give the last day of the period."))
    if valid_to < valid_from:
        raise ValidationError({"valid_to": _("The period cannot end before it starts.")}, code="period")
    cleaned["valid_from"], cleaned["valid_to"] = valid_from, valid_to
    premium = _amount(
        fields["premium"],
        field="premium",
        message=_("Write the premium in kronor, 0 or more, with at most two decimals."),
    )
    cleaned["premium"] = premium if premium is not None else Decimal(0)
    cleaned["sum_insured"] = _amount(
        fields["sum_insured"],
        field="sum_insured",
        message=_("Write the sum insured in kronor, 0 or more, with at most two decimals."),
    )
    kind = fields["deductible_kind"]
    if kind not in DeductibleKind.values:
        raise ValidationError({"deductible_kind": _("Choose how the deductible is given.")}, code="deductible")
    cleaned["deductible_kind"] = kind
    if kind == DeductibleKind.AMOUNT:
        amount = _amount(
            fields["deductible_amount"],
            field="deductible_amount",
            message=_("Write the deductible in kronor, 0 or more, with at most two decimals."),
        )
        if amount is None:
            raise ValidationError(
                {"deductible_amount": _("Write the deductible in kronor (0 if the policy has none).")},
                code="deductible",
            )
        cleaned["deductible_amount"], cleaned["deductible_price_base"] = amount, None
    else:
        count = _amount(
            fields["deductible_price_base"],
            field="deductible_price_base",
            message=_("Write the deductible as a number of price base amounts, for example 0,5."),
            limit=MAX_PRICE_BASE,
        )
        if count is None:
            raise ValidationError(
                {
                    "deductible_price_base": _(
                        "Write the deductible as a number of price base amounts, for example 0,5."
                    )
                },
                code="deductible",
            )
        cleaned["deductible_amount"], cleaned["deductible_price_base"] = None, count
    cleaned["conditions"] = _text(fields["conditions"], field="conditions")
    cleaned["note"] = _text(fields["note"], field="note")
    return cleaned


def _policy_fields(values: dict[str, Any]) -> dict[str, Any]:
    unknown = set(values) - set(POLICY_FIELDS)
    if unknown:
        raise TypeError(f"not policy fields: {sorted(unknown)}")
    missing = set(POLICY_FIELDS) - set(values) - {"conditions", "note", "is_captive", "sum_insured"}
    if missing:
        raise TypeError(f"missing policy fields: {sorted(missing)}")
    return {"conditions": "", "note": "", "is_captive": False, "sum_insured": None, **values}


@transaction.atomic
def create_policy(
    *,
    actor: User,
    nodes: Iterable[Node] = (),
    facilities: Iterable[Facility] = (),
    **values: Any,
) -> InsurancePolicy:
    """Add a policy to the programme (any of ``POLICY_FIELDS``), with the units and facilities it covers.

    The same policy (cover line, insurer, number and period) sent twice by the same person within core's
    ``DUPLICATE_WINDOW`` is kept once: the first one is given back.
    """
    organisation_id = _require(actor)
    cleaned = _clean_policy(organisation_id, _policy_fields(values), None)
    covered_nodes = _own(nodes, organisation_id, Node)
    covered_facilities = _own(facilities, organisation_id, Facility)
    lock_actor(actor)
    earlier = recent_duplicate(
        InsurancePolicy.objects.filter(
            organisation_id=organisation_id,
            cover_line=cleaned["cover_line"],
            insurer=cleaned["insurer"],
            policy_number=cleaned["policy_number"],
            valid_from=cleaned["valid_from"],
            valid_to=cleaned["valid_to"],
        ),
        actor=actor,
    )
    if earlier is not None:
        return earlier
    policy = InsurancePolicy(organisation_id=organisation_id, created_by=actor, **cleaned)
    stamp(policy, actor)
    policy.save()
    policy.nodes.set(covered_nodes)
    policy.facilities.set(covered_facilities)
    return policy


@transaction.atomic
def update_policy(
    *,
    actor: User,
    policy: InsurancePolicy,
    revision: int | None,
    nodes: Iterable[Node] | None = None,
    facilities: Iterable[Facility] | None = None,
    **values: Any,
) -> InsurancePolicy:
    """Change a policy (all of ``POLICY_FIELDS``), and the units and facilities it covers when given."""
    organisation_id = _require(actor)
    if policy.organisation_id != organisation_id:
        raise PermissionDenied
    locked = InsurancePolicy.objects.select_for_update().get(pk=policy.pk)
    check_revision(locked, revision)
    cleaned = _clean_policy(organisation_id, _policy_fields(values), locked)
    covered_nodes = _own(nodes, organisation_id, Node) if nodes is not None else None
    covered_facilities = _own(facilities, organisation_id, Facility) if facilities is not None else None
    for name, value in cleaned.items():
        setattr(locked, name, value)
    stamp(locked, actor)  # the history of the covered units and facilities names who changed them
    if covered_nodes is not None:
        locked.nodes.set(covered_nodes)
    if covered_facilities is not None:
        locked.facilities.set(covered_facilities)
    save_revision(locked, actor, list(cleaned))
    return locked


# --- cover lines -------------------------------------------------------------------------------


def _line_name(organisation_id: int, name: Any, line: CoverLine | None) -> str:
    text = _text(name, field="name", required=_("Name the cover line."), limit=_limit(CoverLine, "name"))
    same = CoverLine.objects.filter(organisation_id=organisation_id, name__iexact=text)
    if line is not None:
        same = same.exclude(pk=line.pk)
    if same.exists():
        raise ValidationError(
            {"name": _("There is already a cover line named %(name)s.") % {"name": text}}, code="exists"
        )
    return text


def _order(value: Any) -> int | None:
    if value is None or value == "":
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 32_767:
        raise ValidationError({"order": _("Write the order as a whole number from 0 to 32767.")}, code="order")
    return value


def _free_code(organisation_id: int, name: str) -> str:
    base = (slugify(name) or "line")[:32]
    taken = set(
        CoverLine.objects.filter(organisation_id=organisation_id, code__startswith=base).values_list("code", flat=True)
    )
    code, n = base, 2
    while code in taken:
        code, n = f"{base}-{n}", n + 1
    return code


@transaction.atomic
def create_cover_line(*, actor: User, name: str, order: int | None = None) -> CoverLine:
    """Add a cover line of the organisation's own (it is given a code from its name); last unless ``order``.

    The same name sent twice by the same person within ``DUPLICATE_WINDOW`` gives back the first line.
    """
    organisation_id = _require(actor)
    lock_actor(actor)
    text = _text(name, field="name", required=_("Name the cover line."), limit=_limit(CoverLine, "name"))
    earlier = recent_duplicate(
        CoverLine.history.filter(organisation_id=organisation_id, name=text, history_type="+"),
        actor_field="history_user",
        at_field="history_date",
        actor=actor,
    )
    if earlier is not None and (line := CoverLine.objects.filter(pk=earlier.id).first()) is not None:
        return line
    text = _line_name(organisation_id, text, None)
    position = _order(order)
    if position is None:
        last = CoverLine.objects.filter(organisation_id=organisation_id).aggregate(last=Max("order"))["last"] or 0
        position = min(last + 10, 32_767)
    line = CoverLine(organisation_id=organisation_id, code=_free_code(organisation_id, text), name=text, order=position)
    stamp(line, actor)
    try:
        with transaction.atomic():
            line.save()
    except IntegrityError as exc:  # two people adding the same line at the same moment
        raise StaleFormError from exc
    return line


@transaction.atomic
def update_cover_line(*, actor: User, line: CoverLine, name: str, order: int, is_active: bool) -> CoverLine:
    """Rename a cover line, move it in the order, retire it (``is_active=False``) or take it into use again.

    A retired line keeps its policies and claims; it is no longer offered for new policies.
    """
    organisation_id = _require(actor)
    if line.organisation_id != organisation_id:
        raise PermissionDenied
    locked = CoverLine.objects.select_for_update().get(pk=line.pk)
    locked.name = _line_name(organisation_id, name, locked)
    position = _order(order)
    if position is None:
        raise ValidationError({"order": _("Write the order as a whole number from 0 to 32767.")}, code="order")
    locked.order = position
    locked.is_active = bool(is_active)
    stamp(locked, actor)
    locked.save(update_fields=["name", "order", "is_active"])
    return locked


# --- the prisbasbelopp ---------------------------------------------------------------------------


def price_base_years_open(today: datetime.date | None = None) -> tuple[int, int]:
    """The years whose prisbasbelopp may be added in the app: from 2000 to next year (decided each autumn)."""
    today = today or timezone.localdate()
    return FIRST_YEAR, today.year + 1


@transaction.atomic
def record_price_base_amount(*, actor: User, year: int, amount: Any) -> PriceBaseAmount:
    """Add the prisbasbelopp of a year that is missing, or correct this year's or a later year's amount.

    The table is national and shared by every organisation: anyone who keeps an insurance programme may add a
    missing year, but a past year is never changed here, because deductibles have been computed from it.
    """
    _require(actor)
    first, last = price_base_years_open()
    if not isinstance(year, int) or isinstance(year, bool) or not first <= year <= last:
        raise ValidationError(
            {"year": _("The year must be between %(first)s and %(last)s.") % {"first": first, "last": last}},
            code="year",
        )
    message = _("Write the prisbasbelopp in whole kronor, for example 59 200.")
    value = _amount(amount, field="amount", message=message)
    if (
        value is None
        or value != value.to_integral_value()
        or not MIN_PRICE_BASE_AMOUNT <= value <= MAX_PRICE_BASE_AMOUNT
    ):
        raise ValidationError({"amount": message}, code="amount")
    existing = PriceBaseAmount.objects.select_for_update().filter(year=year).first()
    if existing is None:
        try:
            with transaction.atomic():
                row = PriceBaseAmount.objects.create(year=year, amount=value)
        except IntegrityError:  # someone else added the year at the same moment
            row = PriceBaseAmount.objects.get(year=year)
            if row.amount != value:
                raise ValidationError(
                    {
                        "year": _("The prisbasbelopp of %(year)s has just been recorded by someone else.")
                        % {"year": year}
                    },
                    code="exists",
                ) from None
        logger.info("Prisbasbelopp %s added as %s by user %s", year, value, actor.pk)
        return row
    if existing.amount == value:
        return existing  # nothing to change (a double submit, or the same value again)
    if year < timezone.localdate().year:
        raise ValidationError(
            {
                "year": _(
                    "The prisbasbelopp of %(year)s is already recorded and the year has passed; deductibles have "
                    "been computed from it, so it cannot be changed here."
                )
                % {"year": year}
            },
            code="past",
        )
    logger.info("Prisbasbelopp %s corrected from %s to %s by user %s", year, existing.amount, value, actor.pk)
    existing.amount = value
    existing.save(update_fields=["amount"])
    return existing


# --- procurement -------------------------------------------------------------------------------


def _clean_procurement(organisation_id: int, fields: dict[str, Any]) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    decided_on = _date(fields["decided_on"], field="decided_on", required=_("Give the date of the decision."))
    if decided_on > timezone.localdate():
        raise ValidationError({"decided_on": _("The date of the decision cannot be in the future.")}, code="future")
    cleaned["decided_on"] = decided_on
    cleaned["insurer"] = _text(
        fields["insurer"],
        field="insurer",
        required=_("Write the insurer that was chosen."),
        limit=_limit(Procurement, "insurer"),
    )
    start = _date(fields["contract_from"], field="contract_from", required=_("Give the first day of the contract."))
    end = _date(fields["contract_to"], field="contract_to", required=_("Give the last day of the contract."))
    if end < start:
        raise ValidationError({"contract_to": _("The contract cannot end before it starts.")}, code="period")
    cleaned["contract_from"], cleaned["contract_to"] = start, end
    next_on = fields.get("next_procurement_on")
    if next_on is not None and next_on != "":
        next_on = _date(next_on, field="next_procurement_on", required=_("Check the date of the next procurement."))
        if next_on < decided_on:
            raise ValidationError(
                {"next_procurement_on": _("The next procurement cannot come before this one was decided.")},
                code="next",
            )
    else:
        next_on = None
    cleaned["next_procurement_on"] = next_on
    months = fields.get("reminder_months")
    if not isinstance(months, int) or isinstance(months, bool) or not 0 <= months <= MAX_REMINDER_MONTHS:
        raise ValidationError(
            {
                "reminder_months": _("Write how many months before to remind, from 0 to %(max)s.")
                % {"max": MAX_REMINDER_MONTHS}
            },
            code="months",
        )
    cleaned["reminder_months"] = months
    cleaned["note"] = _text(fields.get("note"), field="note")
    return cleaned


def _own_lines(cover_lines: Iterable[CoverLine], organisation_id: int) -> list[CoverLine]:
    lines = list({line.pk: line for line in cover_lines}.values())
    if any(line.organisation_id != organisation_id for line in lines):
        raise ValidationError({"cover_lines": _("Choose cover lines of your own organisation.")}, code="cover_lines")
    return lines


@transaction.atomic
def create_procurement(*, actor: User, cover_lines: Iterable[CoverLine] = (), **values: Any) -> Procurement:
    """Record a central procurement of insurance and when the next one is due (any of ``PROCUREMENT_FIELDS``)."""
    organisation_id = _require(actor)
    unknown = set(values) - set(PROCUREMENT_FIELDS)
    if unknown:
        raise TypeError(f"not procurement fields: {sorted(unknown)}")
    cleaned = _clean_procurement(organisation_id, values)
    lines = _own_lines(cover_lines, organisation_id)
    lock_actor(actor)
    earlier = recent_duplicate(
        Procurement.objects.filter(
            organisation_id=organisation_id,
            decided_on=cleaned["decided_on"],
            insurer=cleaned["insurer"],
            contract_from=cleaned["contract_from"],
            contract_to=cleaned["contract_to"],
        ),
        actor=actor,
    )
    if earlier is not None:
        return earlier
    procurement = Procurement(organisation_id=organisation_id, created_by=actor, **cleaned)
    stamp(procurement, actor)
    procurement.save()
    procurement.cover_lines.set(lines)
    return procurement


@transaction.atomic
def update_procurement(
    *,
    actor: User,
    procurement: Procurement,
    revision: int | None,
    cover_lines: Iterable[CoverLine] | None = None,
    **values: Any,
) -> Procurement:
    """Change a procurement. A new date of the next procurement, or a new reminder time, sends a new reminder."""
    organisation_id = _require(actor)
    if procurement.organisation_id != organisation_id:
        raise PermissionDenied
    unknown = set(values) - set(PROCUREMENT_FIELDS)
    if unknown:
        raise TypeError(f"not procurement fields: {sorted(unknown)}")
    locked = Procurement.objects.select_for_update().get(pk=procurement.pk)
    check_revision(locked, revision)
    cleaned = _clean_procurement(organisation_id, values)
    lines = _own_lines(cover_lines, organisation_id) if cover_lines is not None else None
    fields = list(cleaned)
    if (cleaned["next_procurement_on"], cleaned["reminder_months"]) != (
        locked.next_procurement_on,
        locked.reminder_months,
    ):
        locked.reminded_on = None
        fields.append("reminded_on")
    for name, value in cleaned.items():
        setattr(locked, name, value)
    stamp(locked, actor)
    if lines is not None:
        locked.cover_lines.set(lines)
    save_revision(locked, actor, fields)
    return locked
