"""The import page of training records: upload, every problem row shown with nothing written, fix and upload again,
confirm once, see what was new and what was recorded already."""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests.training.record_samples import RecordWorld, build_record_world, provider_csv, record, records
from varna.core.models import User
from varna.training.models import TrainingRecord

URL = "/training/import/"


@pytest.fixture(autouse=True)
def media_root(settings: object, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"  # type: ignore[attr-defined]
    return tmp_path / "media"


@pytest.fixture
def rw(db: None) -> RecordWorld:
    return build_record_world()


def client(user: User) -> Client:
    c = Client(HTTP_ACCEPT_LANGUAGE="sv")
    c.force_login(user)
    return c


def upload(c: Client, data: bytes, name: str = "lista.csv") -> Any:
    return c.post(URL, {"file": SimpleUploadedFile(name, data, content_type="text/csv")})


def text(response: Any) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_the_url_and_the_navigation_line(rw: RecordWorld) -> None:
    assert reverse("training:import") == URL
    page = client(rw.w.manager).get(URL)
    assert page.status_code == 200
    body = text(page)
    assert "<h1>Importera utbildningar</h1>" in body
    assert f'href="{URL}"' in body
    assert '<label for="id_file">Leverantörens lista</label>' in body
    assert "<code>imp-brand</code> (Grundläggande brandskydd)" in body
    assert client(rw.w.employee).get(URL).status_code == 403
    assert client(rw.w.officer).get(URL).status_code == 403


def test_a_list_with_a_bad_row_shows_every_problem_and_saves_nothing_then_the_fixed_list_is_imported(
    rw: RecordWorld,
) -> None:
    c = client(rw.w.manager)
    bad = provider_csv(["1001", "", "imp-brand", "2025-03-14"], ["1002", "", "brandskydd", "2025-03-14"])
    response = upload(c, bad)
    assert response.status_code == 200
    body = text(response)
    assert 'class="error-summary" role="alert"' in body
    assert "“lista.csv” har 1 fel. Inget har sparats." in body
    assert (
        '<th scope="row">3</th> <td>kurs</td> <td>Rad 3: det finns ingen kurs med koden eller namnet “brandskydd”.'
        in body
    )
    assert not TrainingRecord.objects.exists()

    fixed = provider_csv(["1001", "", "imp-brand", "2025-03-14"], ["1002", "", "imp-brand", "2025-03-14"])
    response = upload(c, fixed)
    assert response.status_code == 302
    confirm = response["Location"]
    assert confirm.startswith(URL) and confirm != URL
    page = text(c.get(confirm))
    assert "Bekräfta importen av utbildningar" in page
    assert "<dt>Nya</dt><dd>2</dd>" in page
    assert not TrainingRecord.objects.exists()

    done = c.post(confirm)
    assert done.status_code == 200
    assert "“lista.csv”: 2 nya, 0 fanns redan." in text(done)
    assert f'href="{reverse("training:coverage")}">Se täckningsgraden</a>' in text(done)
    assert len(records()) == 2
    again = c.post(confirm)
    assert again.status_code == 409
    assert "Listan är redan importerad" in text(again)
    assert TrainingRecord.objects.count() == 2
    assert "“lista.csv”: 2 nya, 0 fanns redan." in text(c.get(confirm))


def test_a_list_imported_again_says_what_was_recorded_already(rw: RecordWorld) -> None:
    record(rw.w.manager, rw.w.manager, rw.fire, datetime.date(2025, 3, 14))
    c = client(rw.w.manager)
    response = upload(c, provider_csv(["1001", "", "imp-brand", "2025-03-14"], ["1002", "", "imp-hlr", "2025-01-02"]))
    confirm = response["Location"]
    assert "<dt>Fanns redan</dt><dd>1</dd>" in text(c.get(confirm))
    assert "“lista.csv”: 1 nya, 1 fanns redan." in text(c.post(confirm))


def test_a_file_that_is_not_a_list_gets_a_message_and_an_empty_upload_asks_for_a_file(rw: RecordWorld) -> None:
    c = client(rw.w.manager)
    body = text(upload(c, b"%PDF-1.4\n\x00\x01binary", name="lista.pdf"))
    assert "Filen är varken en CSV-fil eller en Excelfil (.xlsx)" in body
    assert '<th scope="row">Hela filen</th>' in body
    empty = c.post(URL, {})
    assert empty.status_code == 200
    assert 'class="error-summary" role="alert"' in text(empty)
    assert 'id="id_file_error"' in text(empty)


def test_someone_elses_upload_cannot_be_confirmed(rw: RecordWorld) -> None:
    response = upload(client(rw.w.manager), provider_csv(["1001", "", "imp-brand", "2025-03-14"]))
    confirm = response["Location"]
    assert client(rw.hr).get(confirm).status_code == 404
    assert client(rw.hr).post(confirm).status_code == 404
    assert not TrainingRecord.objects.exists()
