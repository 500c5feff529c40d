"""The import page: upload, check, confirm (varna.core.imports.uploads and the import views)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests.core.import_samples import NODE_HEADER, make_csv, person
from varna.core.models import Node, Organisation, Role, User

pytestmark = pytest.mark.usefixtures("english", "media_root")


@pytest.fixture
def admin_client(admin: User) -> Client:
    client = Client()
    client.force_login(admin)
    return client


def post_file(client: Client, kind: str, name: str, data: bytes) -> Any:
    return client.post(reverse("core:import"), {"kind": kind, "file": SimpleUploadedFile(name, data)})


def test_import_page_needs_the_import_permission(org: Organisation, tree: dict[str, Node]) -> None:
    employee = person(org, "anstalld", Role.EMPLOYEE, tree["2101"])
    client = Client()
    client.force_login(employee)
    assert client.get(reverse("core:import")).status_code == 403
    assert post_file(client, "nodes", "n.csv", make_csv([NODE_HEADER])).status_code == 403


def test_anonymous_people_are_sent_to_log_in(db: None) -> None:
    response = Client().get(reverse("core:import"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_upload_check_confirm_and_a_second_confirm_is_refused(
    admin_client: Client, org: Organisation, tree: dict[str, Node], media_root: Path
) -> None:
    page = admin_client.get(reverse("core:import"))
    assert page.status_code == 200
    assert b'<label for="id_file">' in page.content

    data = make_csv([NODE_HEADER, ["2103", "Förskolan Ängen", "enhet", "2100"]], encoding="cp1252")
    checked = post_file(admin_client, "nodes", "noder.csv", data)
    assert checked.status_code == 302
    assert not Node.objects.filter(code="2103").exists()  # checking writes nothing

    confirm_url = checked["Location"]
    preview = admin_client.get(confirm_url)
    assert preview.status_code == 200
    assert b"Carry out the import" in preview.content

    done = admin_client.post(confirm_url)
    assert done.status_code == 200
    assert Node.objects.get(code="2103").history.get().history_user.username == "admin"
    assert not [p for p in (media_root / "imports").iterdir() if p.suffix in {".data", ".json"}]

    again = admin_client.post(confirm_url)
    assert again.status_code == 409
    assert b"The import has already been carried out" in again.content
    assert Node.objects.filter(code="2103").count() == 1
    assert admin_client.get(confirm_url).status_code == 200


def test_upload_with_errors_shows_the_error_table(admin_client: Client, tree: dict[str, Node]) -> None:
    data = make_csv([NODE_HEADER, ["2103", "Ängen", "enhet", "1109"]])
    response = post_file(admin_client, "nodes", "noder.csv", data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<caption>" in html and '<th scope="row">2</th>' in html
    assert "the parent unit “1109” does not exist" in html
    assert not Node.objects.filter(code="2103").exists()


def test_upload_of_garbage_shows_a_file_error(admin_client: Client, tree: dict[str, Node]) -> None:
    response = post_file(admin_client, "people", "bild.png", b"\x89PNG\r\n\x1a\n\x00\x00" * 20)
    assert response.status_code == 200
    assert "The whole file" in response.content.decode()


def test_someone_elses_import_token_is_not_found(
    admin_client: Client, org: Organisation, tree: dict[str, Node]
) -> None:
    checked = post_file(admin_client, "nodes", "noder.csv", make_csv([NODE_HEADER, ["2103", "Ängen", "enhet", "2100"]]))
    other_admin = person(org, "admin2", Role.ADMINISTRATOR, tree["1000"])
    other = Client()
    other.force_login(other_admin)
    assert other.get(checked["Location"]).status_code == 404
    assert other.post(checked["Location"]).status_code == 404
    assert not Node.objects.filter(code="2103").exists()


def test_confirm_checks_the_file_again(admin_client: Client, org: Organisation, tree: dict[str, Node]) -> None:
    checked = post_file(admin_client, "nodes", "noder.csv", make_csv([NODE_HEADER, ["2103", "Ängen", "enhet", "2102"]]))
    Node.objects.filter(code="2102").update(code="2102-old")  # the parent's code changed meanwhile
    response = admin_client.post(checked["Location"])
    assert response.status_code == 200
    assert "2102" in response.content.decode()
    assert not Node.objects.filter(code="2103").exists()
    assert admin_client.post(checked["Location"]).status_code == 404
