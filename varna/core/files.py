"""Files people upload: what a file is, read from its content (never from its name or from what the browser says),
and the name to show for it. Incidents' attachments, protection's round photos and the versions of governing
documents use it; each app keeps its files with Django's default storage under random names and serves them only
after its access check. (Uploads are limited in size while they stream in: :mod:`varna.core.uploads`.)
"""

from __future__ import annotations

import io
import unicodedata
import zipfile
from dataclasses import dataclass

from django.utils.translation import gettext as _

HEAD_BYTES = 256  # enough for every signature below, including an ISO-BMFF (HEIC) file-type box
NAME_LENGTH = 200  # the longest name kept


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
DOCX = FileKind("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx", inline=False)
DOC = FileKind("application/msword", ".doc", inline=False)

# What the file input offers on phones and computers (the check itself is :func:`sniff`).
ACCEPT = "image/jpeg,image/png,image/webp,image/heic,image/heif,.heic,.heif,application/pdf"

_HEIC_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"hevm", b"hevs"}
_HEIF_BRANDS = {b"mif1", b"msf1", b"heif"}
_OTHER_ISO_IMAGES = {b"avif", b"avis"}  # AVIF shares HEIF's container but is not a format we take
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an older Word document (.doc) is an OLE2 compound file


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


def sniff_document(data: bytes) -> FileKind | None:
    """What a document is, from its content: a PDF, a Word document (.docx or .doc), or ``None``.

    A .docx file is a zip archive that holds ``word/document.xml``, so the whole file is read for it.
    """
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(_OLE2):
        return DOC
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, ValueError, OSError):
            return None
        return DOCX if "word/document.xml" in names else None
    return None


def display_name(name: str | None) -> str:
    """The file name as the person gave it, without any folder and control characters."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    clean = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C").strip()
    return clean[-NAME_LENGTH:] or _("file")
