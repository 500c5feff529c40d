"""Files people upload: what a file is, read from its first bytes (never from its name or from what the browser
says), and the name to show for it. Incidents' attachments and protection's round photos use it; each app keeps
its files with Django's default storage under random names and serves them only after its access check.
"""

from __future__ import annotations

import unicodedata
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
