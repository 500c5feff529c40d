"""Writes of the self-inspection rounds (egenkontroll, systematic fire-safety work under LSO).

- **Checklists** per kind of facility belong to the organisation. A new organisation gets a default set
  (:func:`ensure_default_checklists`, run by core's set-up); the coordinator adds to it and takes points out of use
  (``CONFIGURE_PROTECTION``). Pages only read them.
- **A round** at a facility copies the checklist of its kind as it reads that day, so a later change of the
  checklist does not change a round already made. Each point is answered on its own (OK, deviation or does not
  apply), with a note and an optional photo, so that a round can be walked with a phone. A deviation needs a note.
  The round is completed when every point is answered.
- **A deviation becomes an action** in the action plan of the facility's unit in one step, through the registry
  (:data:`varna.protection.hooks.DEVIATION_ACTION`, answered by the action plans); the point keeps the action's id.

Photos are read by their first bytes (:mod:`varna.core.files`), at most ``VARNA_ATTACHMENT_MAX_BYTES``, kept with
the default storage under a random name, and shown only through the round's photo view after the access check.
"""

from __future__ import annotations

import datetime
import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from varna.core import access, registry
from varna.core.access import Perm
from varna.core.dates import add_months
from varna.core.files import HEAD_BYTES, HEIC, HEIF, JPEG, PNG, WEBP, FileKind, display_name, sniff
from varna.core.models import Organisation, User
from varna.core.services import lock_actor, recent_duplicate, stamp
from varna.protection.hooks import DEVIATION_ACTION
from varna.protection.models import (
    ChecklistItem,
    Facility,
    FacilityKind,
    InspectionRound,
    ItemResult,
    RoundItem,
)
from varna.protection.services.common import NOTE_LIMIT, limit, require, text
from varna.protection.services.systems import EARLIEST

PHOTO_KINDS = frozenset({JPEG, PNG, WEBP, HEIC, HEIF})
PHOTO_ACCEPT = "image/jpeg,image/png,image/webp,image/heic,image/heif,.heic,.heif"
ACTION_DUE_MONTHS = 1  # a deviation's action is due within a month unless the person says otherwise
MAX_WHAT = 300  # plans.Action.what

K = FacilityKind
# The default checklist: what every facility is checked for, then what its kind adds.
COMMON_POINTS = (
    "Utrymningsvägarna är fria och dörrarna i dem går lätt att öppna inifrån.",
    "Utrymningsskyltarna (vägledande markeringar) är hela och lyser.",
    "Brandsläckare och brandposter finns på sin plats, är kontrollerade och går att komma åt.",
    "Branddörrarna stänger och går i lås av sig själva. Ingen dörr är kilad eller uppställd.",
    "Utrymningsplanen sitter uppe och stämmer med hur lokalerna ser ut i dag.",
    "Brandlarmets larmknappar syns och går att nå. Larmet har provats enligt rutinen.",
    "Återsamlingsplatsen är skyltad och personalen vet var den är.",
    "Inget brännbart förvaras i trapphus, korridorer eller intill fasaden.",
    "Elektrisk utrustning är hel: inga skadade sladdar eller överbelastade grenuttag.",
)
KIND_POINTS: dict[str, tuple[str, ...]] = {
    K.SCHOOL: ("Personalen vet hur eleverna räknas in på återsamlingsplatsen.",),
    K.PRESCHOOL: (
        "Personalen vet hur barnen räknas in på återsamlingsplatsen.",
        "Det finns en rutin för att utrymma barn som sover.",
    ),
    K.CARE_HOME: (
        "Det finns en plan för att utrymma boende som inte kan ta sig ut själva, och hjälpmedlen finns på plats.",
        "Brandvarnarna i de boendes rum fungerar.",
    ),
    K.HOUSING: ("Brandvarnarna i lägenheterna fungerar.",),
    K.SPORTS: ("Högsta tillåtna antal personer är skyltat och följs.",),
    K.CULTURE: ("Högsta tillåtna antal personer är skyltat och följs.",),
    K.DEPOT: ("Brandfarliga varor förvaras i avsett skåp och enligt tillståndet.",),
    K.WATERWORKS: ("Kemikalier och brandfarliga varor förvaras enligt tillståndet.",),
}


def default_points(kind: str) -> tuple[str, ...]:
    return COMMON_POINTS + KIND_POINTS.get(kind, ())


def ensure_default_checklists(*, organisation: Organisation) -> int:
    """Give each kind of facility that has no checklist yet the default one; the number of points added."""
    existing = set(
        ChecklistItem.objects.filter(organisation=organisation).values_list("facility_kind", flat=True).distinct()
    )
    rows = [
        ChecklistItem(organisation=organisation, facility_kind=kind, text=point, position=(i + 1) * 10)
        for kind in FacilityKind.values
        if kind not in existing
        for i, point in enumerate(default_points(kind))
    ]
    ChecklistItem.objects.bulk_create(rows)
    return len(rows)


# --- the checklists --------------------------------------------------------------------


def _configure(actor: User) -> int:
    if actor.organisation_id is None or not access.has_perm(actor, Perm.CONFIGURE_PROTECTION):
        raise PermissionDenied
    return actor.organisation_id


@transaction.atomic
def add_checkpoint(*, actor: User, facility_kind: str, text_value: str) -> ChecklistItem:
    """Add a point at the end of the checklist of ``facility_kind``."""
    organisation_id = _configure(actor)
    if facility_kind not in FacilityKind.values:
        raise ValidationError({"facility_kind": _("Choose a kind of facility.")}, code="kind")
    cleaned = text(
        text_value, field="text", limit=limit(ChecklistItem, "text"), required=_("Write what is to be checked.")
    )
    rows = ChecklistItem.objects.filter(organisation_id=organisation_id, facility_kind=facility_kind)
    same = rows.filter(text=cleaned, is_active=True).first()
    if same is not None:  # a double submit, or the point is already there
        return same
    last = rows.order_by("-position").values_list("position", flat=True).first() or 0
    item = ChecklistItem(organisation_id=organisation_id, facility_kind=facility_kind, text=cleaned, position=last + 10)
    stamp(item, actor)
    item.save()
    return item


@transaction.atomic
def set_checkpoint_active(*, actor: User, item: ChecklistItem, active: bool) -> ChecklistItem:
    """Take a point out of use (new rounds no longer ask it) or into use again; rounds made keep theirs."""
    organisation_id = _configure(actor)
    locked = ChecklistItem.objects.select_for_update().get(pk=item.pk)
    if locked.organisation_id != organisation_id:
        raise PermissionDenied
    if locked.is_active != active:
        locked.is_active = active
        stamp(locked, actor)
        locked.save(update_fields=["is_active"])
    return locked


# --- rounds ----------------------------------------------------------------------------


def _day(value: Any, today: datetime.date) -> datetime.date:
    if value in (None, ""):
        return today
    if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
        raise ValidationError({"done_on": _("Write the date as YYYY-MM-DD.")}, code="date")
    if value > today:
        raise ValidationError({"done_on": _("The date cannot be later than today.")}, code="future")
    if value < EARLIEST:
        raise ValidationError({"done_on": _("Check the year: the date is too early.")}, code="past")
    return value


@transaction.atomic
def start_round(
    *, actor: User, facility: Facility, done_on: Any = None, today: datetime.date | None = None
) -> InspectionRound:
    """Start a round at ``facility`` with the checklist of its kind (the same round started twice within
    ``DUPLICATE_WINDOW`` by the same person is kept once)."""
    organisation_id = require(actor, facility.node)
    if facility.organisation_id != organisation_id:
        raise PermissionDenied
    day = _day(done_on, today or timezone.localdate())
    points = list(
        ChecklistItem.objects.filter(
            organisation_id=organisation_id, facility_kind=facility.kind, is_active=True
        ).order_by("position", "pk")
    )
    if not points:
        raise ValidationError(
            _("There is no checklist for this kind of facility. Ask the security coordinator to add one."),
            code="no_checklist",
        )
    lock_actor(actor)
    earlier = recent_duplicate(
        InspectionRound.objects.filter(facility_id=facility.pk, done_on=day, completed_at__isnull=True), actor=actor
    )
    if earlier is not None:
        return earlier
    inspection = InspectionRound(organisation_id=organisation_id, facility=facility, done_on=day, created_by=actor)
    stamp(inspection, actor)
    inspection.save()
    RoundItem.objects.bulk_create(
        [
            RoundItem(
                organisation_id=organisation_id,
                round=inspection,
                checkpoint=point,
                text=point.text,
                position=i + 1,
            )
            for i, point in enumerate(points)
        ]
    )
    return inspection


def check_photo(upload: UploadedFile[bytes]) -> FileKind:
    """The photo's kind, or a ``ValidationError`` that tells the person what is wrong with the file."""
    name = display_name(upload.name)
    size = upload.size or 0
    most = settings.VARNA_ATTACHMENT_MAX_BYTES
    if size == 0:
        raise ValidationError({"photo": _("“%(name)s” is empty.") % {"name": name}}, code="empty")
    if size > most:
        raise ValidationError(
            {
                "photo": _("“%(name)s” is too large (%(size)s). A photo can be at most %(limit)s.")
                % {"name": name, "size": filesizeformat(size), "limit": filesizeformat(most)}
            },
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    kind = sniff(head)
    if kind not in PHOTO_KINDS:
        raise ValidationError(
            {
                "photo": _("“%(name)s” is not a photo. You can add a photo in JPEG, PNG, HEIC or WebP format.")
                % {"name": name}
            },
            code="file_type",
        )
    assert kind is not None  # noqa: S101 - PHOTO_KINDS holds no None
    return kind


def _locked_item(actor: User, item: RoundItem) -> RoundItem:
    organisation_id = require(actor, item.round.facility.node)
    locked = RoundItem.objects.select_for_update().select_related("round__facility__node").get(pk=item.pk)
    if locked.organisation_id != organisation_id:
        raise PermissionDenied
    return locked


@transaction.atomic
def answer_item(
    *,
    actor: User,
    item: RoundItem,
    result: str,
    note: str = "",
    photo: UploadedFile[bytes] | None = None,
    remove_photo: bool = False,
) -> RoundItem:
    """Answer one point of a round (again, while the round is not completed): OK, deviation (with a note saying
    what is wrong) or does not apply, a note and an optional photo (a new photo replaces the old one)."""
    locked = _locked_item(actor, item)
    if locked.round.completed_at is not None:
        raise ValidationError(_("The round has been completed and can no longer be changed."), code="completed")
    if result not in ItemResult.values:
        raise ValidationError({"result": _("Choose OK, deviation or does not apply.")}, code="result")
    cleaned = text(note, field="note", limit=NOTE_LIMIT)
    if result == ItemResult.DEVIATION and not cleaned:
        raise ValidationError({"note": _("Describe the deviation, so that it can be put right.")}, code="note")
    if result != ItemResult.DEVIATION and locked.action_id is not None:
        raise ValidationError(
            {"result": _("The deviation has already become an action in the action plan; follow it up there.")},
            code="has_action",
        )
    kind = check_photo(photo) if photo is not None else None
    old_name = locked.photo.name if locked.photo and (kind is not None or remove_photo) else ""
    storage = locked.photo.storage
    new_name = ""
    try:
        if kind is not None and photo is not None:
            photo.seek(0)
            locked.photo.save(f"{secrets.token_hex(16)}{kind.extension}", photo, save=False)
            locked.photo_type = kind.content_type
            new_name = locked.photo.name or ""
        elif remove_photo:
            locked.photo = ""
            locked.photo_type = ""
        locked.result = result
        locked.note = cleaned
        locked.answered_at = timezone.now()
        locked.answered_by = actor
        stamp(locked, actor)
        locked.save()
    except BaseException:
        if new_name:  # the database rolls back: the file written must go too
            storage.delete(new_name)
        raise
    if old_name:
        transaction.on_commit(lambda: storage.delete(old_name))
    return locked


@transaction.atomic
def complete_round(*, actor: User, inspection: InspectionRound) -> InspectionRound:
    """Mark the round as done once every point has an answer."""
    organisation_id = require(actor, inspection.facility.node)
    locked = InspectionRound.objects.select_for_update().get(pk=inspection.pk)
    if locked.organisation_id != organisation_id:
        raise PermissionDenied
    if locked.completed_at is not None:
        return locked
    open_count = RoundItem.objects.filter(round_id=locked.pk, result="").count()
    if open_count:
        raise ValidationError(_("Answer every point first: %(count)s left.") % {"count": open_count}, code="unanswered")
    locked.completed_at = timezone.now()
    stamp(locked, actor)
    locked.save(update_fields=["completed_at"])
    return locked


@transaction.atomic
def deviation_to_action(
    *, actor: User, item: RoundItem, due: datetime.date | None = None, today: datetime.date | None = None
) -> RoundItem:
    """Make a deviation an action in the action plan of the facility's unit, and keep the action's id on the point
    (a point that already has its action keeps it: nothing is added twice)."""
    provider = registry.hook(DEVIATION_ACTION)
    if provider is None:
        raise ValidationError(_("The action plans are not in use, so no action can be added."), code="no_plans")
    locked = _locked_item(actor, item)
    if locked.action_id is not None:
        return locked
    if locked.result != ItemResult.DEVIATION:
        raise ValidationError(_("Only a deviation can become an action."), code="not_deviation")
    today = today or timezone.localdate()
    due = due or add_months(today, ACTION_DUE_MONTHS)
    if due < today:
        raise ValidationError({"due": _("The due date cannot be earlier than today.")}, code="due")
    facility = locked.round.facility
    what = f"{facility.name}: {locked.text}"
    if len(what) > MAX_WHAT:
        what = what[: MAX_WHAT - 1] + "…"
    how = _("Put right the deviation found on the self-inspection round of %(date)s: %(note)s") % {
        "date": locked.round.done_on.isoformat(),
        "note": locked.note,
    }
    locked.action_id = provider.create(actor=actor, node=facility.node, what=what, how=how, due=due)
    stamp(locked, actor)
    locked.save(update_fields=["action_id"])
    return locked
