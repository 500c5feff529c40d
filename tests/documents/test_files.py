"""Uploads of a version's file: PDF or Word, recognised by the content; anything else, an empty file or one too
large gets a clear Swedish message and writes nothing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.documents.conftest import docx_bytes, pdf
from varna.core.models import User
from varna.documents import files
from varna.documents.models import DocumentVersion, GoverningDocument


def test_pdf_and_word_files_are_recognised_by_their_content() -> None:
    assert files.sniff(pdf().read()) is files.PDF
    assert files.sniff(docx_bytes()) is files.DOCX
    assert files.sniff(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100) is files.DOC
    assert files.sniff(b"Just some text that calls itself a PDF") is None
    assert files.sniff(b"PK\x03\x04 not really a zip") is None


def test_a_zip_archive_that_is_not_a_word_document_is_refused() -> None:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    assert files.sniff(buffer.getvalue()) is None


@pytest.mark.parametrize(
    ("upload", "code"),
    [
        (SimpleUploadedFile("tom.pdf", b"", content_type="application/pdf"), "empty"),
        (
            SimpleUploadedFile("bild.pdf", b"\x89PNG\r\n\x1a\n" + b"0" * 100, content_type="application/pdf"),
            "file_type",
        ),
    ],
)
def test_a_bad_file_is_refused_with_a_reason(upload: SimpleUploadedFile, code: str) -> None:
    with pytest.raises(ValidationError) as refused:
        files.check_upload(upload)
    assert refused.value.code == code


def test_a_file_over_the_limit_is_refused(settings: pytest.FixtureRequest) -> None:
    settings.VARNA_ATTACHMENT_MAX_BYTES = 100  # type: ignore[attr-defined]
    with pytest.raises(ValidationError) as refused:
        files.check_upload(pdf())
    assert refused.value.code == "too_large"


def test_the_page_says_in_swedish_what_is_wrong_with_the_file_and_saves_nothing(
    client_for: Callable[[str], Client], coordinator: User, media_root: Path
) -> None:
    policy = GoverningDocument.objects.get(title="Säkerhetspolicy för Exempelkommun")
    before = DocumentVersion.objects.filter(document=policy).count()
    text = SimpleUploadedFile("policy.pdf", b"Det har ar ingen pdf.", content_type="application/pdf")
    response = client_for("samordnare").post(
        f"/documents/{policy.pk}/versions/new/", {"file": text, "changes": "Ny version"}
    )
    assert response.status_code == 400
    assert "är varken en PDF-fil eller ett Word-dokument" in response.content.decode()
    assert DocumentVersion.objects.filter(document=policy).count() == before
    assert not list(media_root.rglob("*.*"))


def test_the_page_refuses_a_version_without_a_file(client_for: Callable[[str], Client], coordinator: User) -> None:
    policy = GoverningDocument.objects.get(title="Säkerhetspolicy för Exempelkommun")
    response = client_for("samordnare").post(f"/documents/{policy.pk}/versions/new/", {"changes": "x"})
    assert response.status_code == 400
    assert "Välj filen." in response.content.decode()


def test_a_file_over_the_limit_is_skipped_while_it_streams_in_and_the_form_says_so(
    client_for: Callable[[str], Client], coordinator: User, media_root: Path, settings: pytest.FixtureRequest
) -> None:
    settings.VARNA_ATTACHMENT_MAX_BYTES = 100  # type: ignore[attr-defined]
    policy = GoverningDocument.objects.get(title="Säkerhetspolicy för Exempelkommun")
    before = DocumentVersion.objects.filter(document=policy).count()
    response = client_for("samordnare").post(
        f"/documents/{policy.pk}/versions/new/", {"file": pdf(), "changes": "Ny version"}
    )
    assert response.status_code == 400
    page = response.content.decode()
    # Only the upload handler's message: not "choose the file", though the skipped file is missing from the form.
    assert "är för stor. En fil får vara högst 100\xa0byte." in page
    assert "Välj filen." not in page
    assert DocumentVersion.objects.filter(document=policy).count() == before
    assert not list(media_root.rglob("*.*"))
