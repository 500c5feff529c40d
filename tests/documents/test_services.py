"""The writes of governing documents: a version is a draft until adopted and never changed afterwards, a change is
a new version, the document's version in force follows the adoptions, and the revision list and the preparedness
plan's sub-plans say what is due, missing or out of date."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.documents.conftest import docx, pdf
from varna.core.models import Node, User
from varna.core.services import StaleFormError
from varna.documents import selectors, services
from varna.documents.models import DocumentKind, GoverningDocument, Operation, VersionStatus
from varna.documents.selectors import SubPlanState

DECIDED = datetime.date(2026, 5, 20)


def _new(actor: User, node: Node, **extra: object) -> GoverningDocument:
    fields: dict[str, object] = {
        "kind": DocumentKind.THREAT_AND_VIOLENCE,
        "title": "Rutin för hot och våld i hemtjänsten",
        "adopting_body": "Vård- och omsorgsnämnden",
        "owner": actor,
        **extra,
    }
    return services.create_document(actor=actor, node=node, **fields)


def _adopt(actor: User, version: object, **extra: object) -> object:
    fields: dict[str, object] = {
        "adopted_by_body": "Kommunstyrelsen",
        "decided_on": DECIDED,
        "minute_paragraph": "§ 112",
        "registry_number": "KS 2026/0417",
        **extra,
    }
    return services.adopt_version(actor=actor, version=version, revision=None, **fields)  # type: ignore[arg-type]


def test_a_new_version_is_a_draft_until_adopted_and_then_the_one_in_force(coordinator: User, media_root: Path) -> None:
    node = Node.objects.get(name="Säkerhet och beredskap", organisation=coordinator.organisation)
    document = _new(coordinator, node)
    first = services.add_version(actor=coordinator, document=document, upload=pdf(), changes="Första versionen.")
    document.refresh_from_db()
    assert first.status == VersionStatus.DRAFT and document.current_version is None and not document.is_open
    _adopt(coordinator, first, next_revision_on=datetime.date(2028, 5, 1))
    document.refresh_from_db()
    assert document.current_version == first and document.is_open
    assert document.next_revision_on == datetime.date(2028, 5, 1)

    second = services.add_version(actor=coordinator, document=document, upload=docx(), changes="Nytt avsnitt.")
    document.refresh_from_db()
    assert second.number == 2 and document.current_version == first  # the draft is not in force yet
    _adopt(coordinator, second, decided_on=datetime.date(2027, 1, 10), minute_paragraph="§ 3")
    document.refresh_from_db()
    first.refresh_from_db()
    assert document.current_version == second
    assert first.status == VersionStatus.ADOPTED and first.minute_paragraph == "§ 112"  # replaced, unchanged
    assert second.content_type.endswith("wordprocessingml.document")


def test_an_adopted_version_is_never_changed(coordinator: User, media_root: Path) -> None:
    node = Node.objects.get(name="Säkerhet och beredskap", organisation=coordinator.organisation)
    document = _new(coordinator, node)
    version = services.add_version(actor=coordinator, document=document, upload=pdf(), changes="Första.")
    _adopt(coordinator, version)
    version.refresh_from_db()
    with pytest.raises(services.VersionAdoptedError):
        services.update_draft(actor=coordinator, version=version, revision=None, changes="Ändrad i efterhand.")
    with pytest.raises(services.VersionAdoptedError):
        _adopt(coordinator, version, minute_paragraph="§ 999")
    version.refresh_from_db()
    assert version.changes == "Första." and version.minute_paragraph == "§ 112"


def test_a_draft_can_be_changed_and_only_one_draft_is_kept(coordinator: User, media_root: Path) -> None:
    node = Node.objects.get(name="Säkerhet och beredskap", organisation=coordinator.organisation)
    document = _new(coordinator, node)
    draft = services.add_version(actor=coordinator, document=document, upload=pdf(), changes="Utkast.")
    changed = services.update_draft(
        actor=coordinator, version=draft, revision=draft.revision, changes="Utkast 2.", upload=docx()
    )
    assert changed.changes == "Utkast 2." and changed.original_name == "rutin.docx"
    with pytest.raises(ValidationError) as refused:
        services.add_version(actor=coordinator, document=document, upload=pdf())
    assert refused.value.code == "draft_exists"
    with pytest.raises(StaleFormError):
        services.update_draft(actor=coordinator, version=draft, revision=draft.revision, changes="Gammalt formulär.")


def test_adoption_needs_the_decision_date_and_the_minute_paragraph(coordinator: User, media_root: Path) -> None:
    node = Node.objects.get(name="Säkerhet och beredskap", organisation=coordinator.organisation)
    version = services.add_version(actor=coordinator, document=_new(coordinator, node), upload=pdf())
    with pytest.raises(ValidationError):
        _adopt(coordinator, version, decided_on=None)
    with pytest.raises(ValidationError):
        _adopt(coordinator, version, minute_paragraph="  ")
    with pytest.raises(ValidationError):
        _adopt(coordinator, version, next_revision_on=DECIDED - datetime.timedelta(days=1))
    version.refresh_from_db()
    assert version.status == VersionStatus.DRAFT


def test_a_secret_document_is_never_open_and_a_unit_manager_may_not_make_one(
    coordinator: User, persona: Callable[[str], User], media_root: Path
) -> None:
    node = Node.objects.get(name="Hemtjänst Centrum", organisation=coordinator.organisation)
    with pytest.raises(PermissionDenied):
        _new(persona("chef.hemtjanst"), node, secret=True, title="Säkerhetsskyddsanalys Hemtjänst")
    secret = _new(coordinator, node, secret=True, title="Säkerhetsskyddsanalys Hemtjänst")
    _adopt(coordinator, services.add_version(actor=coordinator, document=secret, upload=pdf()))
    secret.refresh_from_db()
    assert secret.current_version is not None and not secret.is_open
    assert not secret.versions.filter(is_open=True).exists()


def test_a_person_outside_the_owner_unit_may_not_write(coordinator: User, persona: Callable[[str], User]) -> None:
    node = Node.objects.get(name="Hemtjänst Centrum", organisation=coordinator.organisation)
    with pytest.raises(PermissionDenied):
        _new(persona("chef.solrosen"), node, owner=persona("chef.solrosen"))
    document = GoverningDocument.objects.get(title="Instruktion vid ensamarbete – Hemtjänst Centrum")
    with pytest.raises(PermissionDenied):
        services.update_document(
            actor=persona("anstalld"),
            document=document,
            revision=None,
            kind=document.kind,
            title="Ändrad",
            adopting_body="X",
            owner=document.owner,
        )


def test_a_stale_edit_of_a_document_changes_nothing(
    document: Callable[[str], GoverningDocument], coordinator: User
) -> None:
    policy = document("Säkerhetspolicy för Exempelkommun")
    fields = {"kind": policy.kind, "adopting_body": policy.adopting_body, "owner": policy.owner}
    services.update_document(actor=coordinator, document=policy, revision=policy.revision, title="Ny titel", **fields)
    with pytest.raises(StaleFormError):
        services.update_document(actor=coordinator, document=policy, revision=1, title="Gammal titel", **fields)
    policy.refresh_from_db()
    assert policy.title == "Ny titel"


def test_the_revision_list_holds_the_documents_past_their_date(coordinator: User) -> None:
    titles = {d.title for d in selectors.past_revision(coordinator, datetime.date(2026, 12, 7))}
    assert "Riktlinjer för säkerhetsarbetet" in titles  # adopted 2021-03, revised every three years
    assert "Delplan för höjd beredskap – äldreomsorg" in titles
    assert "Säkerhetspolicy för Exempelkommun" not in titles  # next revision 2027-09


def test_the_revision_list_is_only_what_the_person_keeps(persona: Callable[[str], User]) -> None:
    assert not selectors.past_revision(persona("chef.solrosen"), datetime.date(2026, 12, 7)).exists()


def test_the_preparedness_plan_shows_missing_and_out_of_date_sub_plans(coordinator: User) -> None:
    states = {row.operation: row.state for row in selectors.preparedness(coordinator, datetime.date(2026, 12, 7))}
    assert states == {
        Operation.SOCIAL_SERVICES: SubPlanState.CURRENT,
        Operation.SCHOOL: SubPlanState.CURRENT,
        Operation.CHILDCARE: SubPlanState.CURRENT,
        Operation.ELDERLY_CARE: SubPlanState.OUT_OF_DATE,
        Operation.WATER_AND_SEWAGE: SubPlanState.MISSING,
    }


def test_a_sub_plan_without_an_adopted_version_is_not_current(coordinator: User, media_root: Path) -> None:
    node = Node.objects.get(name="Samhällsbyggnadsförvaltningen", organisation=coordinator.organisation)
    sub_plan = _new(
        coordinator,
        node,
        kind=DocumentKind.PREPAREDNESS_SUBPLAN,
        operation=Operation.WATER_AND_SEWAGE,
        title="Delplan för höjd beredskap – vatten och avlopp",
    )
    day = datetime.date(2026, 12, 7)
    rows = {row.operation: row.state for row in selectors.preparedness(coordinator, day)}
    assert rows[Operation.WATER_AND_SEWAGE] == SubPlanState.DRAFT
    _adopt(coordinator, services.add_version(actor=coordinator, document=sub_plan, upload=pdf()))
    rows = {row.operation: row.state for row in selectors.preparedness(coordinator, day)}
    assert rows[Operation.WATER_AND_SEWAGE] == SubPlanState.CURRENT


def test_a_sub_plan_needs_its_operation(coordinator: User) -> None:
    node = Node.objects.get(name="Samhällsbyggnadsförvaltningen", organisation=coordinator.organisation)
    with pytest.raises(ValidationError):
        _new(coordinator, node, kind=DocumentKind.PREPAREDNESS_SUBPLAN, title="Delplan utan verksamhet")
