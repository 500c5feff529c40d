"""Fixtures of the governing documents' tests: the demo's documents and files to upload.

Files are written to a temporary ``MEDIA_ROOT`` (``media_root``); the demo's own files stay where the demo put
them, so a test that downloads a demo file asks for no ``media_root``.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from varna.core.models import User
from varna.demo.documents import tiny_pdf
from varna.documents.models import GoverningDocument


@pytest.fixture
def media_root(settings: pytest.FixtureRequest, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"  # type: ignore[attr-defined]
    return tmp_path / "media"


def pdf(name: str = "policy.pdf", title: str = "Policy") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, tiny_pdf(title), content_type="application/pdf")


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def docx(name: str = "rutin.docx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, docx_bytes(), content_type="application/octet-stream")


@pytest.fixture
def document(demo: None) -> Callable[[str], GoverningDocument]:
    """A demo document by its title."""

    def get(title: str) -> GoverningDocument:
        return GoverningDocument.objects.select_related("node", "current_version").get(title=title)

    return get


@pytest.fixture
def coordinator(persona: Callable[[str], User]) -> User:
    return persona("samordnare")
