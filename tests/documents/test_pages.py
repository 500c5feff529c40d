"""The pages of governing documents, in Swedish: the list (with links to the adopted action plans), one document
with its versions and changes, the whole flow from a new document to an adopted version, the revision list, the
preparedness plan and the links from a risk analysis and an action plan."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from django.test import Client

from tests.documents.conftest import pdf
from varna.core.models import Node, User
from varna.documents.models import DocumentLink, GoverningDocument, VersionStatus
from varna.plans.models import ActionPlan
from varna.risks.models import Risk


def test_the_list_shows_the_documents_and_links_the_adopted_action_plans(client_for: Callable[[str], Client]) -> None:
    page = client_for("samordnare").get("/documents/").content.decode()
    assert "Styrdokument" in page and "Säkerhetspolicy för Exempelkommun" in page
    plan = ActionPlan.objects.filter(adopted_on__isnull=False, organisation__slug="exempelkommun").first()
    assert plan is not None
    assert f'href="/plans/{plan.pk}/"' in page  # linked, not copied


def test_an_employee_sees_the_list_without_drafts_and_without_action_plans(
    client_for: Callable[[str], Client],
) -> None:
    page = client_for("anstalld").get("/documents/").content.decode()
    assert "Rutin för hot och våld" in page
    assert "Instruktion vid ensamarbete" not in page and ">Säkerhetsskyddsanalys</a>" not in page
    assert "Nämndernas fastställda handlingsplaner" not in page


def test_the_document_page_shows_the_decision_and_the_changelog(client_for: Callable[[str], Client]) -> None:
    policy = GoverningDocument.objects.get(title="Säkerhetspolicy för Exempelkommun")
    page = client_for("anstalld").get(f"/documents/{policy.pk}/").content.decode()
    assert "Kommunfullmäktige" in page and "Gällande" in page and "Ersatt" in page
    assert "Reviderad efter den årliga uppföljningen." in page
    assert "Ny version" not in page  # an employee keeps no documents


def test_a_document_goes_from_new_to_adopted_through_the_pages(
    client_for: Callable[[str], Client], coordinator: User, media_root: Path
) -> None:
    client = client_for("samordnare")
    node = Node.objects.get(organisation=coordinator.organisation, name="Säkerhet och beredskap")
    response = client.post(
        "/documents/new/",
        {
            "node": node.pk,
            "kind": "crisis_management_plan",
            "title": "Plan för extraordinära händelser",
            "adopting_body": "Kommunfullmäktige",
            "owner": "samordnare",
        },
    )
    assert response.status_code == 302
    document = GoverningDocument.objects.get(title="Plan för extraordinära händelser")
    assert client.post(f"/documents/{document.pk}/versions/new/", {"file": pdf(), "changes": "Ny"}).status_code == 302
    version = document.versions.get()
    assert client.get(f"/documents/versions/{version.pk}/adopt/").status_code == 200
    response = client.post(
        f"/documents/versions/{version.pk}/adopt/",
        {
            "adopted_by_body": "Kommunfullmäktige",
            "decided_on": "2026-11-23",
            "minute_paragraph": "§ 102",
            "registry_number": "KS 2026/0345",
            "revision": version.revision,
        },
    )
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.status == VersionStatus.ADOPTED
    # An adopted version's edit page sends the person back with the reason.
    response = client.get(f"/documents/versions/{version.pk}/edit/", follow=True)
    assert "kan inte längre ändras" in response.content.decode()


def test_the_adoption_form_says_what_is_missing(client_for: Callable[[str], Client]) -> None:
    draft = GoverningDocument.objects.get(title="Rutin för hot och våld").versions.get(status="draft")
    response = client_for("samordnare").post(f"/documents/versions/{draft.pk}/adopt/", {"adopted_by_body": "KS"})
    assert response.status_code == 400
    draft.refresh_from_db()
    assert draft.status == VersionStatus.DRAFT


def test_the_revision_list_page(client_for: Callable[[str], Client]) -> None:
    page = client_for("samordnare").get("/documents/revision/").content.decode()
    assert "Riktlinjer för säkerhetsarbetet" in page and "Säkerhetspolicy för Exempelkommun" not in page


def test_the_preparedness_page_shows_what_is_missing(client_for: Callable[[str], Client]) -> None:
    page = client_for("samordnare").get("/documents/preparedness/").content.decode()
    assert "Vatten och avlopp" in page and "Saknas" in page and "Inaktuell" in page
    assert "Krisledningsplan" in page


def test_a_risk_is_linked_to_a_document_from_the_analysis_page(
    client_for: Callable[[str], Client], coordinator: User
) -> None:
    risk = Risk.objects.filter(organisation=coordinator.organisation).exclude(title__icontains="hot").first()
    assert risk is not None
    routine = GoverningDocument.objects.get(title="Rutin för hot och våld")
    client = client_for("samordnare")
    analysis_url = f"/risks/{risk.analysis_id}/"
    assert "Koppla dokumentet" in client.get(analysis_url).content.decode()
    response = client.post(
        "/documents/links/add/", {"document": routine.pk, "target": f"risk:{risk.pk}", "next": analysis_url}
    )
    assert response.status_code == 302 and response["Location"] == analysis_url
    link = DocumentLink.objects.get(document=routine, risk=risk)
    page = client.get(analysis_url).content.decode()
    assert "Rutin för hot och våld" in page
    client.post(f"/documents/links/{link.pk}/remove/", {"next": analysis_url})
    assert not DocumentLink.objects.filter(pk=link.pk).exists()


def test_an_employee_may_not_link_a_risk(client_for: Callable[[str], Client], coordinator: User) -> None:
    risk = Risk.objects.filter(organisation=coordinator.organisation).first()
    assert risk is not None
    routine = GoverningDocument.objects.get(title="Rutin för hot och våld")
    client_for("anstalld").post("/documents/links/add/", {"document": routine.pk, "target": f"risk:{risk.pk}"})
    assert not DocumentLink.objects.filter(document=routine, risk=risk).exists()


def test_the_action_plan_page_shows_the_linked_routine(client_for: Callable[[str], Client]) -> None:
    link = DocumentLink.objects.select_related("action").get(action__isnull=False)
    page = client_for("samordnare").get(f"/plans/{link.action.plan_id}/").content.decode()  # type: ignore[union-attr]
    assert "Rutin för hot och våld" in page
