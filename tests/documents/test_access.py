"""Who reads which governing document: everyone in the organisation the adopted public ones; drafts those who keep
documents for the owner unit; secret ones only those who may keep secret documents there; nothing of another
municipality."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from varna.core.models import User
from varna.documents import selectors
from varna.documents.models import DocumentVersion, GoverningDocument, VersionStatus

PUBLIC = "Säkerhetspolicy för Exempelkommun"
DRAFT_ONLY = "Instruktion vid ensamarbete – Hemtjänst Centrum"
SECRET = "Säkerhetsskyddsanalys"
ROUTINE = "Rutin för hot och våld"  # adopted, with a draft of the next version


def _titles(user: User) -> set[str]:
    return set(selectors.documents(user).values_list("title", flat=True))


@pytest.mark.parametrize(
    ("username", "public", "draft", "secret"),
    [
        ("anstalld", True, False, False),
        ("politiker", True, False, False),
        ("ombud.solrosen", True, False, False),
        ("chef.solrosen", True, False, False),  # keeps Solrosen's documents, not Hemtjänst's
        ("chef.hemtjanst", True, True, False),  # keeps Hemtjänst's documents, but no secret ones
        ("handlaggare.bou", True, False, False),  # keeps the school administration's, not the central ones
        ("samordnare", True, True, True),
    ],
)
def test_who_reads_public_draft_and_secret_documents(
    persona: Callable[[str], User], username: str, public: bool, draft: bool, secret: bool
) -> None:
    titles = _titles(persona(username))
    assert (PUBLIC in titles, DRAFT_ONLY in titles, SECRET in titles) == (public, draft, secret)


def test_another_municipality_reads_none_of_the_documents(persona: Callable[[str], User]) -> None:
    titles = _titles(persona("samordnare.grannby"))
    assert PUBLIC not in titles and "Säkerhetspolicy för Grannby kommun" in titles


def test_an_employee_sees_the_adopted_versions_but_not_the_draft(persona: Callable[[str], User]) -> None:
    routine = GoverningDocument.objects.get(title=ROUTINE)
    statuses = [v.status for v in selectors.versions(persona("anstalld"), routine)]
    assert statuses == [VersionStatus.ADOPTED]
    assert len(selectors.versions(persona("samordnare"), routine)) == 2


def test_a_draft_file_is_not_found_for_an_employee_but_downloads_for_its_keeper(
    client_for: Callable[[str], Client],
) -> None:
    draft = DocumentVersion.objects.get(document__title=DRAFT_ONLY, status=VersionStatus.DRAFT)
    assert client_for("anstalld").get(f"/documents/versions/{draft.pk}/file/").status_code == 404
    response = client_for("chef.hemtjanst").get(f"/documents/versions/{draft.pk}/file/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")  # type: ignore[attr-defined]


def test_a_secret_document_is_not_found_for_an_officer_of_another_administration(
    client_for: Callable[[str], Client],
) -> None:
    secret = GoverningDocument.objects.get(title=SECRET)
    assert client_for("handlaggare.bou").get(f"/documents/{secret.pk}/").status_code == 404
    assert client_for("samordnare").get(f"/documents/{secret.pk}/").status_code == 200


def test_an_employee_may_not_open_the_forms(client_for: Callable[[str], Client]) -> None:
    policy = GoverningDocument.objects.get(title=PUBLIC)
    client = client_for("anstalld")
    assert client.get("/documents/new/").status_code == 403
    assert client.get(f"/documents/{policy.pk}/edit/").status_code == 403
    assert client.get("/documents/preparedness/").status_code == 403
