"""Every write of governing documents: the documents, their versions (draft → adopted) and their links.

Each function checks the access policy itself, so the pages, the API and the demo cannot write around it. Edits
take the ``revision`` the form was shown with (a stale form changes nothing). An adopted version is never
changed: :func:`update_draft` and :func:`adopt_version` refuse it with :class:`VersionAdoptedError`, and a change
of an adopted document is a new version (:func:`add_version`). Files are written after every check and deleted
again if the transaction fails.
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from varna.core import access
from varna.core.access import Perm
from varna.core.models import Node, User
from varna.core.services import StaleFormError, check_revision, lock_actor, recent_duplicate, save_revision, stamp
from varna.documents import files
from varna.documents.models import (
    DocumentKind,
    DocumentLink,
    DocumentVersion,
    GoverningDocument,
    Operation,
    VersionStatus,
)
from varna.plans.models import Action
from varna.risks.models import Measure, Risk

__all__ = [
    "StaleFormError",
    "VersionAdoptedError",
    "add_link",
    "add_version",
    "adopt_version",
    "create_document",
    "remove_link",
    "update_document",
    "update_draft",
]

MAX_TITLE = 200
MAX_TEXT = 10_000
MAX_BODY = 200
MAX_PARAGRAPH = 40
MAX_REGISTRY = 60
FIRST_DAY = datetime.date(1950, 1, 1)
LAST_DAY = datetime.date(2100, 12, 31)
DOCUMENT_FIELDS = (
    "title",
    "description",
    "kind",
    "operation",
    "adopting_body",
    "owner",
    "secret",
    "next_revision_on",
)


class VersionAdoptedError(ValidationError):
    """The version has been adopted and is never changed: make a new version instead."""

    def __init__(self) -> None:
        super().__init__(
            _("This version has been adopted and can no longer be changed. Make a new version instead."),
            code="adopted",
        )


# --- checks --------------------------------------------------------------------------


def _text(value: Any, *, limit: int, required: str | None = None) -> str:
    text = str(value or "").replace("\x00", "").strip()
    if required and not text:
        raise ValidationError(required, code="required")
    if len(text) > limit:
        raise ValidationError(_("Write at most %(limit)s characters.") % {"limit": limit}, code="too_long")
    return text


def _day(value: Any, *, required: str | None = None) -> datetime.date | None:
    if value is None:
        if required:
            raise ValidationError(required, code="required")
        return None
    if not isinstance(value, datetime.date) or not FIRST_DAY <= value <= LAST_DAY:
        raise ValidationError(
            _("Give a date between %(first)s and %(last)s.") % {"first": FIRST_DAY, "last": LAST_DAY}, code="date"
        )
    return value


def _may_keep(actor: User, node: Node, *, secret: bool) -> bool:
    if node.organisation_id != actor.organisation_id or not access.has_perm(actor, Perm.MANAGE_DOCUMENTS, node):
        return False
    return not secret or access.has_perm(actor, Perm.VIEW_SECRET_DOCUMENTS, node)


def _clean_fields(actor: User, node: Node, fields: dict[str, Any]) -> dict[str, Any]:
    kind = fields.get("kind")
    if kind not in DocumentKind.values:
        raise ValidationError(_("Choose the kind of document."), code="kind")
    operation = str(fields.get("operation") or "")
    if kind == DocumentKind.PREPAREDNESS_SUBPLAN:
        if operation not in Operation.values:
            raise ValidationError(_("Choose the operation the sub-plan is for."), code="operation")
    else:
        operation = ""
    owner = fields.get("owner")
    if not isinstance(owner, User) or owner.organisation_id != node.organisation_id or not owner.is_active:
        raise ValidationError(_("Choose an active person of the organisation as document owner."), code="owner")
    return {
        "title": _text(fields.get("title"), limit=MAX_TITLE, required=_("Give the document a title.")),
        "description": _text(fields.get("description"), limit=MAX_TEXT),
        "kind": kind,
        "operation": operation,
        "adopting_body": _text(
            fields.get("adopting_body"), limit=MAX_BODY, required=_("Say which body adopts the document.")
        ),
        "owner": owner,
        "secret": bool(fields.get("secret")),
        "next_revision_on": _day(fields.get("next_revision_on")),
    }


def _managed(actor: User, document: GoverningDocument) -> GoverningDocument:
    """The document locked for this transaction, after checking that ``actor`` may keep it."""
    if document.organisation_id != actor.organisation_id or not access.can(actor, Perm.MANAGE_DOCUMENTS, document):
        raise PermissionDenied
    return GoverningDocument.objects.select_for_update().select_related("node").get(pk=document.pk)


def _refresh_openness(document: GoverningDocument) -> None:
    """Keep ``is_open`` (adopted and not secret) on the document and its versions, for the access policy."""
    is_open = document.current_version_id is not None and not document.secret
    if document.is_open != is_open:
        GoverningDocument.objects.filter(pk=document.pk).update(is_open=is_open)
        document.is_open = is_open
    versions = DocumentVersion.objects.filter(document_id=document.pk)
    versions.filter(status=VersionStatus.ADOPTED).exclude(is_open=not document.secret).update(
        is_open=not document.secret
    )
    versions.filter(status=VersionStatus.DRAFT, is_open=True).update(is_open=False)


def _store_file(version: DocumentVersion, upload: UploadedFile[bytes], kind: files.FileKind) -> Callable[[], None]:
    """Write the file of ``version`` and give back what deletes it again (if the transaction fails)."""
    upload.seek(0)
    version.file.save(f"{secrets.token_hex(16)}{kind.extension}", upload, save=False)
    version.original_name = files.display_name(upload.name)
    version.content_type = kind.content_type
    version.size = upload.size or 0
    name = version.file.name
    storage = version.file.storage
    return lambda: storage.delete(name) if name else None


# --- documents -----------------------------------------------------------------------


@transaction.atomic
def create_document(*, actor: User, node: Node, **fields: Any) -> GoverningDocument:
    """Start a governing document of ``node``: its kind, title, adopting body, owner, secrecy and revision date.

    The same document (title, kind and node) created twice within core's duplicate window is kept once.
    """
    cleaned = _clean_fields(actor, node, fields)
    if not _may_keep(actor, node, secret=cleaned["secret"]):
        raise PermissionDenied
    lock_actor(actor)
    earlier = recent_duplicate(
        GoverningDocument.objects.filter(node=node, kind=cleaned["kind"], title=cleaned["title"]), actor=actor
    )
    if earlier is not None:
        return earlier
    document = GoverningDocument(organisation_id=node.organisation_id, node=node, created_by=actor, **cleaned)
    stamp(document, actor)
    document.save()
    return document


@transaction.atomic
def update_document(
    *, actor: User, document: GoverningDocument, revision: int | None, **fields: Any
) -> GoverningDocument:
    """Change what is said about a document (not its versions): title, kind, owner, secrecy, revision date …"""
    document = _managed(actor, document)
    check_revision(document, revision)
    cleaned = _clean_fields(actor, document.node, fields)
    if cleaned["secret"] != document.secret and not _may_keep(actor, document.node, secret=True):
        raise PermissionDenied
    if cleaned["next_revision_on"] != document.next_revision_on:
        document.reminded_for = None
    for name, value in cleaned.items():
        setattr(document, name, value)
    save_revision(document, actor, [*DOCUMENT_FIELDS, "reminded_for"])
    _refresh_openness(document)
    return document


# --- versions ------------------------------------------------------------------------


@transaction.atomic
def add_version(
    *, actor: User, document: GoverningDocument, upload: UploadedFile[bytes], changes: str = ""
) -> DocumentVersion:
    """A new draft version with its file (PDF or Word) and what has changed. One draft at a time."""
    document = _managed(actor, document)
    kind = files.check_upload(upload)
    changes = _text(changes, limit=MAX_TEXT)
    if DocumentVersion.objects.filter(document=document, status=VersionStatus.DRAFT).exists():
        raise ValidationError(
            _("The document already has a draft. Change the draft or adopt it before you make another version."),
            code="draft_exists",
        )
    number = (DocumentVersion.objects.filter(document=document).aggregate(n=Max("number"))["n"] or 0) + 1
    version = DocumentVersion(
        organisation_id=document.organisation_id, document=document, number=number, changes=changes, created_by=actor
    )
    delete = _store_file(version, upload, kind)
    try:
        stamp(version, actor)
        version.save()
    except BaseException:
        delete()  # the database rolls back; the file already written must go too
        raise
    return version


@transaction.atomic
def update_draft(
    *,
    actor: User,
    version: DocumentVersion,
    revision: int | None,
    changes: str,
    upload: UploadedFile[bytes] | None = None,
) -> DocumentVersion:
    """Change a draft: what has changed and, if given, its file. An adopted version is refused."""
    _managed(actor, version.document)
    locked = DocumentVersion.objects.select_for_update().get(pk=version.pk)
    if locked.is_adopted:
        raise VersionAdoptedError
    check_revision(locked, revision)
    locked.changes = _text(changes, limit=MAX_TEXT)
    fields = ["changes"]
    old_name = locked.file.name
    storage = locked.file.storage
    if upload is not None:
        kind = files.check_upload(upload)
        delete = _store_file(locked, upload, kind)
        fields += ["file", "original_name", "content_type", "size"]
        if old_name:
            transaction.on_commit(lambda: storage.delete(old_name))
    try:
        save_revision(locked, actor, fields)
    except BaseException:
        if upload is not None:
            delete()
        raise
    return locked


@transaction.atomic
def adopt_version(
    *,
    actor: User,
    version: DocumentVersion,
    revision: int | None,
    adopted_by_body: str,
    decided_on: datetime.date | None,
    minute_paragraph: str,
    registry_number: str,
    valid_from: datetime.date | None = None,
    valid_until: datetime.date | None = None,
    next_revision_on: datetime.date | None = None,
) -> DocumentVersion:
    """Record the decision that adopts a draft: the body, the date, the minute paragraph (§) and the registry
    number (diarienummer), the period of validity and the next revision. The version becomes the one in force,
    and from now on it is never changed."""
    document = _managed(actor, version.document)
    locked = DocumentVersion.objects.select_for_update().get(pk=version.pk)
    if locked.is_adopted:
        raise VersionAdoptedError
    check_revision(locked, revision)
    decided = _day(decided_on, required=_("Give the date of the decision."))
    assert decided is not None  # noqa: S101 - required above
    start = _day(valid_from) or decided
    end = _day(valid_until)
    if end is not None and end < start:
        raise ValidationError(_("The document cannot be valid until a day before it is valid from."), code="period")
    next_revision = _day(next_revision_on)
    if next_revision is not None and next_revision <= decided:
        raise ValidationError(_("The next revision must come after the decision."), code="next_revision")
    if not locked.file:
        raise ValidationError(_("Add the document's file before it is adopted."), code="no_file")
    locked.adopted_by_body = _text(adopted_by_body, limit=MAX_BODY, required=_("Say which body adopted the document."))
    locked.minute_paragraph = _text(minute_paragraph, limit=MAX_PARAGRAPH, required=_("Give the minute paragraph (§)."))
    locked.registry_number = _text(registry_number, limit=MAX_REGISTRY)
    locked.decided_on = decided
    locked.valid_from = start
    locked.valid_until = end
    locked.status = VersionStatus.ADOPTED
    locked.adopted_at = timezone.now()
    locked.adopted_by = actor
    save_revision(
        locked,
        actor,
        [
            "adopted_by_body",
            "minute_paragraph",
            "registry_number",
            "decided_on",
            "valid_from",
            "valid_until",
            "status",
            "adopted_at",
            "adopted_by",
        ],
    )
    current = document.current_version
    if current is None or current.number < locked.number:
        document.current_version = locked
    document.next_revision_on = next_revision
    document.reminded_for = None
    stamp(document, actor, _("Version %(number)s adopted") % {"number": locked.number})
    document.save(update_fields=["current_version", "next_revision_on", "reminded_for", "updated_at"])
    _refresh_openness(document)
    locked.refresh_from_db(fields=["is_open"])
    return locked


# --- links from risks, measures and actions ----------------------------------------------------------


def _target_allowed(actor: User, target: Risk | Measure | Action) -> bool:
    perm = Perm.MANAGE_PLANS if isinstance(target, Action) else Perm.MANAGE_RISKS
    return target.organisation_id == actor.organisation_id and access.can(actor, perm, target)


@transaction.atomic
def add_link(*, actor: User, document: GoverningDocument, target: Risk | Measure | Action) -> DocumentLink:
    """Link a risk, a measure or an action to a document the person may read ("see the routine …").

    Who may change the risk or the action may link it; linking it twice keeps one link."""
    if not access.can(actor, Perm.VIEW_DOCUMENTS, document) or not _target_allowed(actor, target):
        raise PermissionDenied
    field = "action" if isinstance(target, Action) else "measure" if isinstance(target, Measure) else "risk"
    link, _created = DocumentLink.objects.get_or_create(
        document=document,
        **{field: target},
        defaults={"organisation_id": document.organisation_id, "created_by": actor},
    )
    return link


@transaction.atomic
def remove_link(*, actor: User, link: DocumentLink) -> None:
    target = link.action or link.measure or link.risk
    if target is None or not _target_allowed(actor, target):
        raise PermissionDenied
    stamp(link, actor)
    link.delete()
