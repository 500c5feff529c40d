"""Self-inspection rounds (egenkontroll): the default checklists, a round answered point by point with notes and
photos, a deviation made an action in the unit's action plan through the registry, the pages and their access."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.protection.world import ProtectionWorld
from varna.core.models import User
from varna.plans.models import Action, ActionPlan
from varna.protection.models import ChecklistItem, FacilityKind, InspectionRound, ItemResult, RoundItem
from varna.protection.services import rounds as services

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 200


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


def client(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _items(inspection: InspectionRound) -> list[RoundItem]:
    return list(inspection.items.order_by("position"))


def test_a_new_organisation_has_a_default_checklist_for_every_kind_of_facility(pw: ProtectionWorld) -> None:
    kinds = set(ChecklistItem.objects.filter(organisation=pw.w.org).values_list("facility_kind", flat=True))
    assert kinds == set(FacilityKind.values)
    school = ChecklistItem.objects.filter(organisation=pw.w.org, facility_kind=FacilityKind.SCHOOL)
    assert school.filter(text__startswith="Utrymningsvägarna").exists()
    assert school.filter(text__contains="eleverna").exists()
    assert services.ensure_default_checklists(organisation=pw.w.org) == 0  # set up twice adds nothing


def test_a_round_copies_the_active_checklist_of_the_facility_kind(pw: ProtectionWorld) -> None:
    school = ChecklistItem.objects.filter(organisation=pw.w.org, facility_kind=FacilityKind.SCHOOL, is_active=True)
    first = school.order_by("position").first()
    assert first is not None
    services.set_checkpoint_active(actor=pw.w.coordinator, item=first, active=False)
    inspection = services.start_round(actor=pw.w.manager, facility=pw.sun)
    texts = [i.text for i in _items(inspection)]
    assert len(texts) == school.count() and first.text not in texts
    assert services.start_round(actor=pw.w.manager, facility=pw.sun).pk == inspection.pk  # a double submit


def test_a_unit_manager_cannot_start_a_round_at_another_units_facility(pw: ProtectionWorld) -> None:
    with pytest.raises(PermissionDenied):
        services.start_round(actor=pw.w.manager, facility=pw.care)


def test_a_deviation_needs_a_note_and_the_round_completes_only_when_every_point_is_answered(
    pw: ProtectionWorld,
) -> None:
    inspection = services.start_round(actor=pw.w.manager, facility=pw.sun)
    first, *rest = _items(inspection)
    with pytest.raises(ValidationError) as exc:
        services.answer_item(actor=pw.w.manager, item=first, result=ItemResult.DEVIATION, note="  ")
    assert "Describe the deviation" in str(exc.value) or "Beskriv avvikelsen" in str(exc.value)
    services.answer_item(actor=pw.w.manager, item=first, result=ItemResult.DEVIATION, note="Dörren var kilad.")
    with pytest.raises(ValidationError):
        services.complete_round(actor=pw.w.manager, inspection=inspection)
    for item in rest:
        services.answer_item(actor=pw.w.manager, item=item, result=ItemResult.OK)
    done = services.complete_round(actor=pw.w.manager, inspection=inspection)
    assert done.completed_at is not None
    with pytest.raises(ValidationError):
        services.answer_item(actor=pw.w.manager, item=rest[0], result=ItemResult.NOT_APPLICABLE)


def test_a_photo_is_kept_under_a_random_name_and_a_file_that_is_no_photo_is_refused(
    pw: ProtectionWorld, media_root: Path
) -> None:
    inspection = services.start_round(actor=pw.w.manager, facility=pw.sun)
    item = _items(inspection)[0]
    photo = SimpleUploadedFile("dörr.jpg", JPEG, content_type="image/jpeg")
    saved = services.answer_item(
        actor=pw.w.manager, item=item, result=ItemResult.DEVIATION, note="Kilad dörr.", photo=photo
    )
    assert saved.photo_type == "image/jpeg" and "dörr" not in (saved.photo.name or "")
    assert [p for p in media_root.rglob("*") if p.is_file()]
    fake = SimpleUploadedFile("bild.jpg", b"<html>not a photo</html>", content_type="image/jpeg")
    with pytest.raises(ValidationError) as exc:
        services.answer_item(actor=pw.w.manager, item=item, result=ItemResult.OK, photo=fake)
    assert "bild.jpg" in str(exc.value)
    pdf = SimpleUploadedFile("intyg.pdf", b"%PDF-1.7\n" + b"0" * 100, content_type="application/pdf")
    with pytest.raises(ValidationError):
        services.answer_item(actor=pw.w.manager, item=item, result=ItemResult.OK, photo=pdf)
    item.refresh_from_db()
    assert item.result == ItemResult.DEVIATION  # the refused answers changed nothing


def test_a_photo_over_the_limit_is_refused_with_its_size(pw: ProtectionWorld, settings) -> None:
    settings.VARNA_ATTACHMENT_MAX_BYTES = 1024
    inspection = services.start_round(actor=pw.w.manager, facility=pw.sun)
    big = SimpleUploadedFile("stor.jpg", JPEG + b"\x00" * 2000, content_type="image/jpeg")
    with pytest.raises(ValidationError) as exc:
        services.answer_item(actor=pw.w.manager, item=_items(inspection)[0], result=ItemResult.OK, photo=big)
    message = " ".join(exc.value.messages)
    assert "stor.jpg" in message and "1,0\xa0kB" in message


def test_a_deviation_becomes_an_action_in_the_units_plan_once(pw: ProtectionWorld) -> None:
    inspection = services.start_round(actor=pw.w.manager, facility=pw.sun)
    item = services.answer_item(
        actor=pw.w.manager, item=_items(inspection)[0], result=ItemResult.DEVIATION, note="Dörren var kilad."
    )
    due = timezone.localdate() + datetime.timedelta(days=14)
    linked = services.deviation_to_action(actor=pw.w.manager, item=item, due=due)
    assert linked.action_id is not None
    action = Action.objects.select_related("plan").get(pk=linked.action_id)
    assert action.plan.node_id == pw.w.sun_school.pk and action.plan.year == timezone.localdate().year
    assert action.due == due and action.responsible_id == pw.w.manager.pk
    assert "Solskolan" in action.what and "Dörren var kilad." in action.how
    again = services.deviation_to_action(actor=pw.w.manager, item=linked)
    assert again.action_id == action.pk and Action.objects.filter(plan=action.plan).count() == 1
    with pytest.raises(ValidationError):  # the point's answer is followed up in the plan now
        services.answer_item(actor=pw.w.manager, item=linked, result=ItemResult.OK)


def test_a_deviation_goes_into_this_years_plan_of_the_unit_when_it_has_one(pw: ProtectionWorld) -> None:
    from varna.plans.services import create_plan

    year = timezone.localdate().year
    plan = create_plan(actor=pw.w.manager, node=pw.w.sun_school, year=year, title="Solskolans plan")
    inspection = services.start_round(actor=pw.w.manager, facility=pw.sun)
    item = services.answer_item(
        actor=pw.w.manager, item=_items(inspection)[0], result=ItemResult.DEVIATION, note="Skylt trasig."
    )
    linked = services.deviation_to_action(actor=pw.w.manager, item=item)
    assert linked.action_id is not None
    assert Action.objects.get(pk=linked.action_id).plan_id == plan.pk
    assert ActionPlan.objects.filter(node=pw.w.sun_school, year=year).count() == 1


def test_only_a_deviation_becomes_an_action(pw: ProtectionWorld) -> None:
    inspection = services.start_round(actor=pw.w.manager, facility=pw.sun)
    item = services.answer_item(actor=pw.w.manager, item=_items(inspection)[0], result=ItemResult.OK)
    with pytest.raises(ValidationError):
        services.deviation_to_action(actor=pw.w.manager, item=item)
    assert not Action.objects.exists()


# --- pages ---------------------------------------------------------------------------------


def test_a_unit_manager_walks_a_round_on_the_pages_and_makes_a_deviation_an_action(pw: ProtectionWorld) -> None:
    c = client(pw.w.manager)
    facility_page = c.get(reverse("protection:facility", args=[pw.sun.pk])).content.decode()
    assert reverse("protection:round_new", args=[pw.sun.pk]) in facility_page
    response = c.post(reverse("protection:round_new", args=[pw.sun.pk]), {"done_on": timezone.localdate()})
    inspection = InspectionRound.objects.get(facility=pw.sun)
    assert response.status_code == 302 and response["Location"] == reverse("protection:round", args=[inspection.pk])
    first, second, *_rest = _items(inspection)
    photo = SimpleUploadedFile("dörr.jpg", JPEG, content_type="image/jpeg")
    response = c.post(
        reverse("protection:round_answer", args=[first.pk]),
        {f"i{first.pk}-result": "deviation", f"i{first.pk}-note": "Dörren var kilad.", f"i{first.pk}-photo": photo},
    )
    assert response.status_code == 302 and response["Location"].endswith(f"#point-{second.pk}")
    page = c.get(reverse("protection:round", args=[inspection.pk])).content.decode()
    assert "Dörren var kilad." in page and reverse("protection:round_photo", args=[inspection.pk, first.pk]) in page
    assert reverse("protection:round_action", args=[first.pk]) in page
    photo_response = c.get(reverse("protection:round_photo", args=[inspection.pk, first.pk]))
    assert photo_response.status_code == 200 and photo_response["Content-Type"] == "image/jpeg"
    response = c.post(
        reverse("protection:round_action", args=[first.pk]), {f"a{first.pk}-due": timezone.localdate().isoformat()}
    )
    first.refresh_from_db()
    assert first.action_id is not None
    page = c.get(reverse("protection:round", args=[inspection.pk])).content.decode()
    assert f"#action-{first.action_id}" in page


def test_a_bad_photo_on_the_page_gives_a_swedish_message_and_saves_nothing(pw: ProtectionWorld) -> None:
    c = client(pw.w.manager)
    inspection = services.start_round(actor=pw.w.manager, facility=pw.sun)
    first = _items(inspection)[0]
    fake = SimpleUploadedFile("virus.exe", b"MZ\x90\x00" + b"\x00" * 100, content_type="image/jpeg")
    response = c.post(
        reverse("protection:round_answer", args=[first.pk]),
        {f"i{first.pk}-result": "ok", f"i{first.pk}-photo": fake},
        follow=True,
    )
    assert response.status_code == 200
    assert "virus.exe” är inte ett foto" in response.content.decode()
    first.refresh_from_db()
    assert first.result == "" and not first.photo


def test_a_photo_over_the_limit_is_skipped_while_it_streams_in_and_the_page_says_so(
    pw: ProtectionWorld, settings, media_root: Path
) -> None:
    settings.VARNA_ATTACHMENT_MAX_BYTES = 1024
    c = client(pw.w.manager)
    inspection = services.start_round(actor=pw.w.manager, facility=pw.sun)
    first = _items(inspection)[0]
    big = SimpleUploadedFile("stor.jpg", JPEG + b"\x00" * 5000, content_type="image/jpeg")
    response = c.post(
        reverse("protection:round_answer", args=[first.pk]),
        {f"i{first.pk}-result": "ok", f"i{first.pk}-photo": big},
        follow=True,
    )
    assert response.status_code == 200
    # The upload handler's message (the file never reached the service, which would also name its size).
    assert "stor.jpg” är för stor. En fil får vara högst 1,0\xa0kB." in response.content.decode()
    first.refresh_from_db()
    assert first.result == "" and not first.photo
    assert not [p for p in media_root.rglob("*") if p.is_file()]


def test_another_units_round_and_photo_are_404_and_a_reader_gets_no_forms(pw: ProtectionWorld) -> None:
    inspection = services.start_round(actor=pw.w.coordinator, facility=pw.care)
    item = _items(inspection)[0]
    c = client(pw.w.manager)
    assert c.get(reverse("protection:round", args=[inspection.pk])).status_code == 404
    assert c.get(reverse("protection:round_photo", args=[inspection.pk, item.pk])).status_code == 404
    assert c.post(reverse("protection:round_answer", args=[item.pk]), {f"i{item.pk}-result": "ok"}).status_code == 404
    own = services.start_round(actor=pw.w.manager, facility=pw.sun)
    page = client(pw.w.protected).get(reverse("protection:round", args=[own.pk])).content.decode()
    assert "Solskolan" in page and reverse("protection:round_answer", args=[_items(own)[0].pk]) not in page


def test_the_coordinator_adds_a_checkpoint_and_a_unit_manager_may_not(pw: ProtectionWorld) -> None:
    url = reverse("protection:checklists")
    assert client(pw.w.manager).get(url).status_code == 403
    c = client(pw.w.coordinator)
    response = c.post(url, {"facility_kind": "school", "text": "Nödbelysningen fungerar."})
    assert response.status_code == 302
    assert ChecklistItem.objects.filter(organisation=pw.w.org, text="Nödbelysningen fungerar.").exists()
    assert "Nödbelysningen fungerar." in c.get(url).content.decode()
