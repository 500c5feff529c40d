"""Attachments to incident reports: photos and PDF files, recognised by their content.

A file's type is read from its first bytes, never from its name or from what the browser
says. Files are kept with Django's default storage under ``MEDIA_ROOT`` (outside the web
root, never served statically) under random names, and reach a browser only through the
attachment view after the access check.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from varna.core import access
from varna.core.files import ACCEPT, HEAD_BYTES, HEIC, HEIF, JPEG, KINDS, PDF, PNG, WEBP, FileKind, display_name, sniff
from varna.core.models import User
from varna.incidents.models import Attachment, Incident, TimelineEntry, TimelineKind
from varna.incidents.services.handling import CaseClosedError, is_closed
from varna.incidents.services.reporting import report_incident

__all__ = [
    "ACCEPT",
    "HEIC",
    "HEIF",
    "JPEG",
    "KINDS",
    "PDF",
    "PNG",
    "WEBP",
    "FileKind",
    "display_name",
    "sniff",
]

MAX_ATTACHMENTS = 10  # per incident


def check_upload(upload: UploadedFile[bytes]) -> FileKind:
    """The file's kind, or a ``ValidationError`` that tells the person what is wrong with it."""
    name = display_name(upload.name)
    size = upload.size or 0
    limit = settings.VARNA_ATTACHMENT_MAX_BYTES
    if size == 0:
        raise ValidationError(_("“%(name)s” is empty."), code="empty", params={"name": name})
    if size > limit:
        raise ValidationError(
            _("“%(name)s” is too large (%(size)s). A file can be at most %(limit)s."),
            code="too_large",
            params={"name": name, "size": filesizeformat(size), "limit": filesizeformat(limit)},
        )
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    kind = sniff(head)
    if kind is None:
        raise ValidationError(
            _(
                "“%(name)s” is not a photo or a PDF file. "
                "You can attach photos (JPEG, PNG, HEIC or WebP) and PDF files."
            ),
            code="file_type",
            params={"name": name},
        )
    return kind


def check_uploads(uploads: Sequence[UploadedFile[bytes]], *, existing: int = 0) -> list[FileKind]:
    """Check every file before anything is written; all problems are reported at once."""
    errors: list[ValidationError] = []
    if existing + len(uploads) > MAX_ATTACHMENTS:
        errors.append(
            ValidationError(
                _("A report can have at most %(max)s attachments. Choose fewer files."),
                code="too_many",
                params={"max": MAX_ATTACHMENTS},
            )
        )
    kinds: list[FileKind] = []
    for upload in uploads:
        try:
            kinds.append(check_upload(upload))
        except ValidationError as exc:
            errors.append(exc)
    if errors:
        raise ValidationError(errors)
    return kinds


def may_add_attachments(actor: User, incident: Incident) -> bool:
    """The reporter, and those who handle the case, may add files to it (the rule is the access policy's)."""
    return access.can_contribute(actor, incident)


@transaction.atomic
def add_attachments(*, actor: User, incident: Incident, uploads: Sequence[UploadedFile[bytes]]) -> list[Attachment]:
    """Attach photos or PDF files to an incident: all of them, or none if one is refused."""
    if not may_add_attachments(actor, incident):
        raise PermissionDenied
    locked = Incident.objects.select_for_update().get(pk=incident.pk)  # one upload at a time per case
    if is_closed(locked):
        raise CaseClosedError
    kinds = check_uploads(uploads, existing=incident.attachments.count())
    saved: list[Attachment] = []
    try:
        for upload, kind in zip(uploads, kinds, strict=True):
            attachment = Attachment(
                organisation_id=incident.organisation_id,
                incident=incident,
                original_name=display_name(upload.name),
                content_type=kind.content_type,
                size=upload.size or 0,
                uploaded_by=actor,
            )
            upload.seek(0)
            attachment.file.save(f"{secrets.token_hex(16)}{kind.extension}", upload, save=False)
            saved.append(attachment)
            attachment.save()
            TimelineEntry.objects.create(
                organisation_id=incident.organisation_id,
                incident=incident,
                at=timezone.now(),
                actor=actor,
                kind=TimelineKind.ATTACHMENT,
                note=attachment.original_name,
            )
    except BaseException:
        # The database rolls back; the files already written must go too.
        for attachment in saved:
            if attachment.file.name:
                attachment.file.storage.delete(attachment.file.name)
        raise
    return saved


def add_attachment(*, actor: User, incident: Incident, upload: UploadedFile[bytes]) -> Attachment:
    return add_attachments(actor=actor, incident=incident, uploads=[upload])[0]


@transaction.atomic
def report_incident_with_attachments(
    *, actor: User, uploads: Sequence[UploadedFile[bytes]] = (), **report: Any
) -> tuple[Incident, bool]:
    """Report an incident with its photos and PDF files in one transaction: all or nothing.

    The files are checked before anything is written. A repeat of the same report (the same
    ``idempotency_key``) gives back the first one and adds no files.
    """
    check_uploads(uploads)
    incident, created = report_incident(actor=actor, **report)
    if created and uploads:
        add_attachments(actor=actor, incident=incident, uploads=uploads)
    return incident, created
