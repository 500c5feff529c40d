"""The read API of governing documents: the same access as the pages, versions with their decisions, and the
files."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client

from tests.core.crawl import token_for
from varna.core.models import User
from varna.documents.models import DocumentVersion, GoverningDocument


def _get(user: User, path: str) -> object:
    return Client().get(path, HTTP_AUTHORIZATION=f"Bearer {token_for(user)}")


def test_the_list_holds_what_the_caller_may_read(persona: Callable[[str], User]) -> None:
    response = _get(persona("anstalld"), "/api/v1/documents?limit=100")
    titles = {row["title"] for row in response.json()["items"]}  # type: ignore[attr-defined]
    assert "Säkerhetspolicy för Exempelkommun" in titles
    assert "Säkerhetsskyddsanalys" not in titles and "Instruktion vid ensamarbete – Hemtjänst Centrum" not in titles


def test_one_document_with_its_versions_and_decision(persona: Callable[[str], User]) -> None:
    policy = GoverningDocument.objects.get(title="Säkerhetspolicy för Exempelkommun")
    body = _get(persona("anstalld"), f"/api/v1/documents/{policy.pk}").json()  # type: ignore[attr-defined]
    assert body["kind"] == "security_policy"
    assert [v["number"] for v in body["versions"]] == [2, 1]
    assert body["current_version"]["adopted_by_body"] == "Kommunfullmäktige"
    assert body["current_version"]["download"].endswith("/file")


def test_the_file_downloads_and_a_secret_one_is_not_found(persona: Callable[[str], User]) -> None:
    version = GoverningDocument.objects.get(title="Säkerhetspolicy för Exempelkommun").current_version
    assert version is not None
    response = _get(persona("anstalld"), f"/api/v1/document-versions/{version.pk}/file")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"  # type: ignore[attr-defined,index]
    secret = DocumentVersion.objects.get(document__title="Säkerhetsskyddsanalys")
    assert _get(persona("anstalld"), f"/api/v1/document-versions/{secret.pk}/file").status_code == 404  # type: ignore[attr-defined]
    assert _get(persona("samordnare"), f"/api/v1/document-versions/{secret.pk}").status_code == 200  # type: ignore[attr-defined]
