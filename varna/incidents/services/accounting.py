"""The accounting code string (kodsträng): its segments and valid values per organisation, and validation.

An organisation's administrator sets the segments up on the accounting settings page; the demo gives its
municipalities a sample chart of accounts (``varna.demo.incidents``). Until an organisation has segments,
a cost cannot be added: the form says to ask the administrator to set them up.
"""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from varna.core import access
from varna.core.access import Perm
from varna.core.models import User
from varna.incidents.models import AccountingSegment, AccountingValue
from varna.incidents.selectors_handling import code_format, segments_for

__all__ = [
    "add_accounting_segment",
    "add_accounting_value",
    "code_format",
    "delete_accounting_segment",
    "delete_accounting_value",
    "segments_for",
    "validate_accounting_code",
]

# The parts of a code string are separated by hyphens or spaces: "1100-407-6420" or "1100 407 6420 P01".
SEPARATORS = re.compile(r"[\s\-]+")
VALUE_PATTERN = re.compile(r"^[0-9A-Za-z]{1,20}$")


def validate_accounting_code(*, organisation_id: int, code: str) -> str:
    """Check a code string segment by segment; return it normalised with hyphens.

    Each part is checked against the segment in the same position. A segment with configured
    values accepts only those; a segment without values accepts any letters and digits.
    Optional segments may be left out at the end.
    """
    segments = segments_for(organisation_id)
    if not segments:
        raise ValidationError(
            _("No accounting code segments are configured. Ask the administrator to set them up."),
            code="no_segments",
        )
    text = code.strip()
    parts = [p for p in SEPARATORS.split(text) if p] if text else []
    if not parts:
        raise ValidationError(
            _("Write the accounting code string, for example %(example)s.") % {"example": _example(segments)},
            code="empty",
        )
    if len(parts) > len(segments):
        raise ValidationError(
            _("The accounting code string has %(given)s parts but at most %(allowed)s are allowed (%(format)s).")
            % {"given": len(parts), "allowed": len(segments), "format": code_format(segments)},
            code="too_many",
        )
    errors: list[ValidationError] = []
    for position, segment in enumerate(segments):
        if position >= len(parts):
            if segment.required:
                errors.append(
                    ValidationError(
                        _("%(segment)s is missing from the accounting code string (%(format)s).")
                        % {"segment": segment.name, "format": code_format(segments)},
                        code="missing",
                    )
                )
            continue
        value = parts[position]
        valid = {v.value for v in segment.values.all()}
        if (valid and value not in valid) or (not valid and not VALUE_PATTERN.match(value)):
            errors.append(
                ValidationError(
                    _("%(segment)s: %(value)s is not a valid value.") % {"segment": segment.name, "value": value},
                    code="invalid_value",
                )
            )
    if errors:
        raise ValidationError(errors)
    return "-".join(parts)


def _example(segments: list[AccountingSegment]) -> str:
    parts = []
    for s in segments:
        if not s.required:
            break
        first = next(iter(s.values.all()), None)
        parts.append(first.value if first else "1")
    return "-".join(parts)


# --- configuration (administrator) ---------------------------------------------------


def _check_configure(actor: User) -> int:
    if actor.organisation_id is None or not access.has_perm(actor, Perm.CONFIGURE):
        raise PermissionDenied
    return actor.organisation_id


@transaction.atomic
def add_accounting_segment(*, actor: User, code: str, name: str, required: bool = True) -> AccountingSegment:
    """Add a segment at the end of the code string."""
    org_id = _check_configure(actor)
    code = code.strip().lower()
    if AccountingSegment.objects.filter(organisation_id=org_id, code=code).exists():
        raise ValidationError(_("There is already a segment with the code %(code)s.") % {"code": code})
    last = AccountingSegment.objects.filter(organisation_id=org_id).order_by("-position").first()
    segment = AccountingSegment(
        organisation_id=org_id,
        code=code,
        name=name.strip(),
        required=required,
        position=(last.position + 1) if last else 1,
    )
    segment.full_clean(exclude=["organisation"])
    segment.save()
    return segment


@transaction.atomic
def delete_accounting_segment(*, actor: User, segment: AccountingSegment) -> None:
    """Remove a segment and its values. Cost lines keep the code strings they were saved with."""
    org_id = _check_configure(actor)
    if segment.organisation_id != org_id:
        raise PermissionDenied
    segment.delete()
    for i, s in enumerate(AccountingSegment.objects.filter(organisation_id=org_id).order_by("position", "pk")):
        if s.position != i + 1:
            s.position = i + 1
            s.save(update_fields=["position"])


@transaction.atomic
def add_accounting_value(*, actor: User, segment: AccountingSegment, value: str, name: str = "") -> AccountingValue:
    org_id = _check_configure(actor)
    if segment.organisation_id != org_id:
        raise PermissionDenied
    value = value.strip()
    if not VALUE_PATTERN.match(value):
        raise ValidationError(_("A value is 1 to 20 letters or digits, without spaces or hyphens."))
    existing = AccountingValue.objects.filter(segment=segment, value=value).first()
    if existing is not None:
        return existing  # a double submit, or the value is already there: nothing to do
    row = AccountingValue(organisation_id=org_id, segment=segment, value=value, name=name.strip())
    row.full_clean(exclude=["organisation", "segment"])
    row.save()
    return row


@transaction.atomic
def delete_accounting_value(*, actor: User, value: AccountingValue) -> None:
    org_id = _check_configure(actor)
    if value.organisation_id != org_id:
        raise PermissionDenied
    value.delete()
