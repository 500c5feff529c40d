"""Attachments: photos and PDF files, checked by content, written with the report, served after the access check."""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from django.utils.translation import gettext, override

from tests.incidents.samples import make_sample_incidents
from varna.core.models import Node
from varna.incidents.models import Attachment, Incident, IncidentType, TimelineKind
from varna.incidents.services import add_attachment
from varna.incidents.services.attachments import MAX_ATTACHMENTS, check_upload, sniff
from varna.protection.models import Facility

REPORT_URL = "/incidents/report/"

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 200
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 200
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 200
HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 200
HEIF = b"\x00\x00\x00\x18ftypmif1\x00\x00\x00\x00mif1miaf" + b"\x00" * 200
AVIF = b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf" + b"\x00" * 200
MP4 = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + b"\x00" * 200
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n" + b"\x00" * 100
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200
TEXT = b"Det h\xc3\xa4r \xc3\xa4r ingen pdf utan vanlig text.\n" * 5
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path: Path) -> Path:
    """Files go to a temporary folder, never the real MEDIA_ROOT."""
    root = tmp_path / "media"
    settings.MEDIA_ROOT = root
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": root}},
    }
    return root


def _stored_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def _form(client: Client, types: dict[str, IncidentType], files: list[Any], **overrides: Any) -> dict[str, Any]:
    page = client.get(REPORT_URL).content.decode()
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page)
    assert key
    when = timezone.localtime() - datetime.timedelta(hours=1)
    data: dict[str, Any] = {
        "incident_type": types["vandalism"].pk,
        "occurred_date": when.date().isoformat(),
        "occurred_time": when.strftime("%H:%M"),
        "facility": Facility.objects.get(name="Solrosens förskola").pk,
        "incident_node": Node.objects.get(name="Solrosens förskola").pk,
        "description": "Fönstret mot gården är krossat.",
        "idempotency_key": key.group(1),
        "attachments": files,
    }
    data.update(overrides)
    return data


def _upload(name: str, content: bytes, content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


# --- recognising files by their content ------------------------------------------------


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (JPEG, "image/jpeg"),
        (PNG, "image/png"),
        (WEBP, "image/webp"),
        (HEIC, "image/heic"),
        (HEIF, "image/heif"),
        (PDF, "application/pdf"),
        (AVIF, None),
        (MP4, None),
        (EXE, None),
        (TEXT, None),
        (SVG, None),
        (b"", None),
    ],
)
def test_file_type_is_read_from_the_content(content: bytes, expected: str | None) -> None:
    kind = sniff(content[:256])
    assert (kind.content_type if kind else None) == expected


def test_the_name_does_not_decide_the_type(db) -> None:
    assert check_upload(_upload("bild.pdf", PNG, "application/pdf")).content_type == "image/png"
    with pytest.raises(ValidationError) as exc:
        check_upload(_upload("program.jpg", EXE))
    assert exc.value.code == "file_type"


def test_empty_and_oversized_files_are_refused(db, settings) -> None:
    settings.VARNA_ATTACHMENT_MAX_BYTES = 100
    with pytest.raises(ValidationError) as empty:
        check_upload(_upload("tom.jpg", b""))
    assert empty.value.code == "empty"
    with pytest.raises(ValidationError) as big:
        check_upload(_upload("stor.jpg", JPEG))
    assert big.value.code == "too_large"
    assert "stor.jpg" in big.value.messages[0]


# --- on the report form ----------------------------------------------------------------


def test_report_with_photos_stores_them_under_random_names_with_the_type_from_the_content(
    client_for, types, media_root
) -> None:
    client = client_for("anstalld")
    data = _form(client, types, [_upload("Fönstret.JPG", JPEG), _upload("kvitto.pdf", PDF, "application/pdf")])
    response = client.post(REPORT_URL, data)
    assert response.status_code == 302
    incident = Incident.objects.get(idempotency_key=data["idempotency_key"])
    stored = list(incident.attachments.order_by("pk"))
    assert [a.original_name for a in stored] == ["Fönstret.JPG", "kvitto.pdf"]
    assert [a.content_type for a in stored] == ["image/jpeg", "application/pdf"]
    for a in stored:
        assert re.fullmatch(r"incidents/\d{4}/\d{2}/[0-9a-f]{32}\.(jpg|pdf)", a.file.name or "")
        assert (media_root / a.file.name).read_bytes() in (JPEG, PDF)
    assert incident.timeline.filter(kind=TimelineKind.ATTACHMENT).count() == 2


@pytest.mark.parametrize(
    ("name", "content"), [("semester.jpg", EXE), ("faktura.pdf", TEXT), ("ritning.svg", SVG), ("film.jpg", MP4)]
)
def test_wrong_file_type_is_refused_with_a_message_and_nothing_is_written(
    client_for, types, media_root, name: str, content: bytes
) -> None:
    client = client_for("anstalld")
    before = (Incident.objects.count(), Attachment.objects.count())
    data = _form(client, types, [_upload("ok.jpg", JPEG), _upload(name, content)])
    response = client.post(REPORT_URL, data)
    assert response.status_code == 400
    assert (Incident.objects.count(), Attachment.objects.count()) == before
    assert _stored_files(media_root) == []
    form = response.context["form"]
    assert [e.code for e in form.errors.as_data()["attachments"]] == ["file_type"]
    with override("sv"):
        message = gettext(
            "“%(name)s” is not a photo or a PDF file. You can attach photos (JPEG, PNG, HEIC or WebP) and PDF files."
        ) % {"name": name}
    html = response.content.decode()
    assert message in html
    # What was written is kept; the files must be chosen again, and the page says so.
    assert "Fönstret mot gården är krossat." in html
    assert form.files_were_chosen()


def test_oversized_file_is_skipped_while_it_streams_in_and_the_form_keeps_its_values(
    client_for, types, settings, media_root
) -> None:
    settings.VARNA_ATTACHMENT_MAX_BYTES = 1024
    client = client_for("anstalld")
    before = Incident.objects.count()
    data = _form(client, types, [_upload("jättebild.jpg", JPEG + b"\x00" * 5000)])
    response = client.post(REPORT_URL, data)
    assert response.status_code == 400
    assert Incident.objects.count() == before
    assert _stored_files(media_root) == []
    errors = response.context["form"].errors["attachments"]
    assert any("jättebild.jpg" in e for e in errors)
    assert "Fönstret mot gården är krossat." in response.content.decode()


def test_more_than_the_maximum_number_of_files_is_refused(client_for, types, media_root) -> None:
    client = client_for("anstalld")
    files = [_upload(f"bild{i}.jpg", JPEG) for i in range(MAX_ATTACHMENTS + 1)]
    response = client.post(REPORT_URL, _form(client, types, files))
    assert response.status_code == 400
    assert "too_many" in [e.code for e in response.context["form"].errors.as_data()["attachments"]]
    assert _stored_files(media_root) == []


def test_double_submit_with_files_adds_them_once(client_for, types) -> None:
    client = client_for("anstalld")
    data = _form(client, types, [_upload("bild.jpg", JPEG)])
    client.post(REPORT_URL, data)
    data["attachments"] = [_upload("bild.jpg", JPEG)]
    client.post(REPORT_URL, data)
    incident = Incident.objects.get(idempotency_key=data["idempotency_key"])
    assert incident.attachments.count() == 1


# --- downloading -----------------------------------------------------------------------


@pytest.fixture
def threat_with_files(persona) -> tuple[Incident, Attachment, Attachment]:
    threat = make_sample_incidents()["threat"]
    photo = add_attachment(actor=persona("anstalld"), incident=threat, upload=_upload("hotbrev.jpg", JPEG))
    pdf = add_attachment(actor=persona("anstalld"), incident=threat, upload=_upload("polisanmälan.pdf", PDF))
    return threat, photo, pdf


@pytest.mark.parametrize("username", ["anstalld", "chef.solrosen", "samordnare"])
def test_reporter_and_those_who_may_read_the_case_download_the_attachment(
    client_for, threat_with_files, username: str
) -> None:
    threat, photo, _pdf = threat_with_files
    response = client_for(username).get(f"/incidents/{threat.pk}/attachments/{photo.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == JPEG
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("username", ["ombud.solrosen", "chef.hemtjanst", "samordnare.grannby", "politiker"])
def test_others_get_404_for_an_attachment_of_a_confidential_report(
    client_for, threat_with_files, username: str
) -> None:
    threat, photo, _pdf = threat_with_files
    assert client_for(username).get(f"/incidents/{threat.pk}/attachments/{photo.pk}/").status_code == 404


def test_pdf_is_downloaded_and_a_photo_is_shown_inline(client_for, threat_with_files) -> None:
    threat, photo, pdf = threat_with_files
    client = client_for("anstalld")
    pdf_response = client.get(f"/incidents/{threat.pk}/attachments/{pdf.pk}/")
    assert pdf_response["Content-Type"] == "application/pdf"
    assert pdf_response["Content-Disposition"].startswith("attachment;")
    assert "polisanm" in pdf_response["Content-Disposition"]
    photo_response = client.get(f"/incidents/{threat.pk}/attachments/{photo.pk}/")
    assert photo_response["Content-Disposition"].startswith("inline;")


def test_attachment_under_another_case_is_404(client_for, threat_with_files) -> None:
    _threat, photo, _pdf = threat_with_files
    ordinary = Incident.objects.filter(reporter__username="anstalld", is_confidential=False).first()
    assert ordinary is not None
    assert client_for("anstalld").get(f"/incidents/{ordinary.pk}/attachments/{photo.pk}/").status_code == 404


def test_reading_an_attachment_of_a_confidential_report_is_logged(client_for, threat_with_files) -> None:
    threat, photo, _pdf = threat_with_files
    client_for("chef.solrosen").get(f"/incidents/{threat.pk}/attachments/{photo.pk}/")
    assert threat.confidential_reads.filter(user__username="chef.solrosen", what="attachment").exists()


def test_case_page_lists_the_attachments(client_for, threat_with_files) -> None:
    threat, photo, pdf = threat_with_files
    html = client_for("anstalld").get(f"/incidents/{threat.pk}/").content.decode()
    assert f"/incidents/{threat.pk}/attachments/{photo.pk}/" in html
    assert f"/incidents/{threat.pk}/attachments/{pdf.pk}/" in html
    assert "polisanmälan.pdf" in html


# --- adding later, on the case page ------------------------------------------------------


def test_reporter_adds_a_photo_later_on_the_case_page(client_for) -> None:
    ordinary = make_sample_incidents()["ordinary"]
    response = client_for("anstalld").post(
        f"/incidents/{ordinary.pk}/attachments/", {"attachments": [_upload("efteråt.png", PNG, "image/png")]}
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"/incidents/{ordinary.pk}/#attachments")
    assert ordinary.attachments.get().original_name == "efteråt.png"


def test_adding_a_wrong_file_later_adds_nothing_and_says_why(client_for, media_root) -> None:
    ordinary = make_sample_incidents()["ordinary"]
    client = client_for("anstalld")
    response = client.post(
        f"/incidents/{ordinary.pk}/attachments/",
        {"attachments": [_upload("bild.png", PNG), _upload("virus.jpg", EXE)]},
        follow=True,
    )
    assert response.status_code == 200
    assert ordinary.attachments.count() == 0
    assert _stored_files(media_root) == []
    assert any("virus.jpg" in str(m) for m in response.context["messages"])


def test_a_case_holds_at_most_ten_files(client_for, persona) -> None:
    ordinary = make_sample_incidents()["ordinary"]
    for i in range(MAX_ATTACHMENTS):
        add_attachment(actor=persona("anstalld"), incident=ordinary, upload=_upload(f"b{i}.jpg", JPEG))
    with pytest.raises(ValidationError):
        add_attachment(actor=persona("anstalld"), incident=ordinary, upload=_upload("en-till.jpg", JPEG))
    assert ordinary.attachments.count() == MAX_ATTACHMENTS


def test_those_who_handle_the_case_add_files_and_others_get_404(client_for) -> None:
    ordinary = make_sample_incidents()["ordinary"]
    assert (
        client_for("ombud.solrosen")
        .post(f"/incidents/{ordinary.pk}/attachments/", {"attachments": [_upload("a.jpg", JPEG)]})
        .status_code
        == 302
    )
    assert ordinary.attachments.count() == 1
    response = client_for("chef.hemtjanst").post(
        f"/incidents/{ordinary.pk}/attachments/", {"attachments": [_upload("b.jpg", JPEG)]}
    )
    assert response.status_code == 404
    assert ordinary.attachments.count() == 1
