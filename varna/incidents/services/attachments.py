"""Attachments to incident reports: photos and PDF files, recognised by their content.

A file's type is read from its first bytes, never from its name or from what the browser
says. Files are kept with Django's default storage under ``MEDIA_ROOT`` (outside the web
root, never served statically) under random names, and reach a browser only through the
attachment view after the access check.
"""

from __future__ import annotations

import secrets
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from varna.core import access
from varna.core.models import User
from varna.incidents.models import Attachment, Incident, TimelineEntry, TimelineKind
from varna.incidents.services.handling import CaseClosedError, is_closed
from varna.incidents.services.reporting import report_incident

MAX_ATTACHMENTS = 10  # per incident
HEAD_BYTES = 256  # enough for every signature below, including an ISO-BMFF (HEIC) file-type box
NAME_LENGTH = 200  # Attachment.original_name


@dataclass(frozen=True)
class FileKind:
    content_type: str
    extension: str
    inline: bool  # a browser may show it in the page; PDF and HEIC files are downloaded instead


JPEG = FileKind("image/jpeg", ".jpg", inline=True)
PNG = FileKind("image/png", ".png", inline=True)
WEBP = FileKind("image/webp", ".webp", inline=True)
HEIC = FileKind("image/heic", ".heic", inline=False)
HEIF = FileKind("image/heif", ".heif", inline=False)
PDF = FileKind("application/pdf", ".pdf", inline=False)
KINDS = {k.content_type: k for k in (JPEG, PNG, WEBP, HEIC, HEIF, PDF)}

# What the file input offers on phones and computers (the check itself is :func:`sniff`).
ACCEPT = "image/jpeg,image/png,image/webp,image/heic,image/heif,.heic,.heif,application/pdf"

_HEIC_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs"}
_HEIF_BRANDS = {b"mif1", b"msf1", b"heif"}
_OTHER_ISO_IMAGES = {b"avif", b"avis"}  # AVIF shares HEIF's container but is not a format we take


def sniff(head: bytes) -> FileKind | None:
    """What a file is, from its first bytes: a photo (JPEG, PNG, WebP, HEIC/HEIF), a PDF, or ``None``."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"%PDF-"):
        return PDF
    if head[4:8] == b"ftyp":
        box_end = min(int.from_bytes(head[:4], "big"), len(head))
        brands = {head[8:12]} | {head[i : i + 4] for i in range(16, box_end - 3, 4)}
        if brands & _OTHER_ISO_IMAGES:
            return None
        if brands & _HEIC_BRANDS:
            return HEIC
        if brands & _HEIF_BRANDS:
            return HEIF
    return None


def display_name(name: str | None) -> str:
    """The file name as the person gave it, without any folder and control characters."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    clean = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip()
    return clean[-NAME_LENGTH:] or _("file")


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
