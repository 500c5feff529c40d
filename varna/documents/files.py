"""The files of document versions: PDF or Word, recognised by their content, as incident attachments are.

A file's type is read from its bytes, never from its name or from what the browser says: a PDF starts with
``%PDF-``, a Word document (.docx) is a zip archive holding ``word/document.xml``, an older Word document (.doc)
is an OLE2 compound file. Files are kept with Django's default storage under ``MEDIA_ROOT`` (never served
statically) under random names, and reach a browser only through the download view after the access check.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from varna.core.files import DOC, DOCX, PDF, FileKind, display_name
from varna.core.files import sniff_document as sniff

__all__ = ["ACCEPT", "DOC", "DOCX", "KINDS", "PDF", "FileKind", "check_upload", "display_name", "max_bytes", "sniff"]

KINDS = {k.content_type: k for k in (PDF, DOCX, DOC)}
ACCEPT = ".pdf,.docx,.doc,application/pdf,application/msword," + DOCX.content_type


def max_bytes() -> int:
    return int(settings.VARNA_ATTACHMENT_MAX_BYTES)


def check_upload(upload: UploadedFile[bytes]) -> FileKind:
    """The file's kind, or a ``ValidationError`` that tells the person what is wrong with it."""
    name = display_name(upload.name)
    size = upload.size or 0
    limit = max_bytes()
    if size == 0:
        raise ValidationError(_("“%(name)s” is empty."), code="empty", params={"name": name})
    if size > limit:
        raise ValidationError(
            _("“%(name)s” is too large (%(size)s). A file can be at most %(limit)s."),
            code="too_large",
            params={"name": name, "size": filesizeformat(size), "limit": filesizeformat(limit)},
        )
    upload.seek(0)
    data = upload.read(limit + 1)
    upload.seek(0)
    kind = sniff(data)
    if kind is None:
        raise ValidationError(
            _("“%(name)s” is neither a PDF file nor a Word document. Save the document as PDF or Word and try again."),
            code="file_type",
            params={"name": name},
        )
    return kind
