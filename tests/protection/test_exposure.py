"""A facility's exposure (G11): derived from its kind and the damage of the last three years by the service (never by a
page), the coordinator's override with a reason, a revision and a history, the required protection per kind of
facility, and the flag of a high-exposure facility lacking it, which links to the premises' risk analysis (G3, K12)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from tests.protection.world import ProtectionWorld
from varna.core.models import User
from varna.core.services import StaleFormError, set_up_organisation
from varna.core.tokens import issue_token
from varna.incidents.models import IncidentType
from varna.incidents.services import report_incident
from varna.protection.models import (
    ExposureLevel,
    Facility,
    FacilityExposure,
    FacilityKind,
    RequiredProtection,
    SystemKind,
)
from varna.protection.selectors import exposure as selectors
from varna.protection.services.exposure import override_exposure, refresh_exposure, set_required
from varna.protection.services.systems import create_system
from varna.risks.services import create_analysis

HIGH, MEDIUM, LOW = ExposureLevel.HIGH, ExposureLevel.MEDIUM, ExposureLevel.LOW


def level(facility: Facility) -> str:
    return FacilityExposure.objects.get(facility=facility).level


def damage(
    pw: ProtectionWorld, facility: Facility, code: str, *, days_ago: int = 30, cost: int = 0, n: int = 1
) -> None:
    incident_type = IncidentType.objects.get(organisation=pw.w.org, code=code)
    for i in range(n):
        report_incident(
            actor=pw.w.coordinator,
            incident_type=incident_type,
            occurred_at=timezone.now() - datetime.timedelta(days=days_ago, hours=i),
            incident_node=facility.node,
            facility=facility,
            description="Inbrott genom fönstret mot skolgården.",
            estimated_cost=Decimal(cost) if cost else None,
        )


def sv(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


# --- derivation -----------------------------------------------------------------------------------------------------


def test_the_kind_of_facility_gives_the_starting_level_and_says_so(pw: ProtectionWorld) -> None:
    assert level(pw.sun) == MEDIUM  # a school
    assert level(pw.care) == LOW  # an office
    with translation.override("sv"):
        lines = selectors.reasons(FacilityExposure.objects.get(facility=pw.sun))
    assert lines[0] == "Skola: grundnivån är medel."
    assert "Ingen skada har registrerats" in lines[1]


def test_damage_of_the_last_three_years_raises_the_level_and_is_explained(pw: ProtectionWorld) -> None:
    damage(pw, pw.care, "burglary", n=2)
    damage(pw, pw.care, "burglary", days_ago=4 * 365)  # too old to count
    damage(pw, pw.care, "threat")  # threats and violence are not damage to the premises
    refresh_exposure(organisation_id=pw.w.org.pk)
    assert level(pw.care) == MEDIUM
    with translation.override("sv"):
        lines = selectors.reasons(FacilityExposure.objects.get(facility=pw.care))
    assert lines[1].startswith("2 inbrott de senaste tre åren")
    assert lines[2].startswith("Höjd ett steg")
    damage(pw, pw.care, "vandalism", cost=250_000)
    refresh_exposure(organisation_id=pw.w.org.pk)
    assert level(pw.care) == HIGH


def test_a_refresh_writes_only_what_changed(pw: ProtectionWorld) -> None:
    assert refresh_exposure(organisation_id=pw.w.org.pk) == 0
    damage(pw, pw.sun, "fire", cost=60_000)
    assert refresh_exposure(organisation_id=pw.w.org.pk) == 1
    assert level(pw.sun) == HIGH  # a school raised one step
    assert refresh_exposure(organisation_id=pw.w.org.pk) == 0


def test_a_change_of_kind_derives_the_level_again(pw: ProtectionWorld) -> None:
    from varna.protection.services.facilities import update_facility

    update_facility(
        actor=pw.w.coordinator, facility=pw.care, revision=None, name=pw.care.name, kind=FacilityKind.CARE_HOME,
        node=pw.care.node,
    )  # fmt: skip
    assert level(pw.care) == MEDIUM


# --- the override ---------------------------------------------------------------------------------------------------


def test_an_override_needs_a_reason_in_swedish(pw: ProtectionWorld) -> None:
    with translation.override("sv"), pytest.raises(ValidationError) as caught:
        override_exposure(actor=pw.w.coordinator, facility=pw.care, level=HIGH, reason="  ", revision=None)
    assert sv(caught.value) == "Skriv varför exponeringen sätts för hand eller ändras tillbaka."
    assert level(pw.care) == LOW


def test_a_stale_override_changes_nothing(pw: ProtectionWorld) -> None:
    shown = FacilityExposure.objects.get(facility=pw.care).revision
    override_exposure(actor=pw.w.coordinator, facility=pw.care, level=HIGH, reason="Ny verksamhet.", revision=shown)
    with pytest.raises(StaleFormError):
        override_exposure(actor=pw.w.coordinator, facility=pw.care, level=LOW, reason="Fel.", revision=shown)
    assert level(pw.care) == HIGH


def test_the_override_is_in_force_until_taken_away_and_kept_in_the_history(pw: ProtectionWorld) -> None:
    override_exposure(actor=pw.w.coordinator, facility=pw.care, level=HIGH, reason="Kassahantering.", revision=None)
    damage(pw, pw.care, "burglary", n=2)
    refresh_exposure(organisation_id=pw.w.org.pk)
    row = FacilityExposure.objects.get(facility=pw.care)
    assert (row.level, row.derived_level, row.override_by) == (HIGH, MEDIUM, pw.w.coordinator)
    override_exposure(actor=pw.w.coordinator, facility=pw.care, level="", reason="Kassan flyttad.", revision=None)
    assert level(pw.care) == MEDIUM
    history = selectors.override_history(FacilityExposure.objects.get(facility=pw.care))
    assert [(c.level, c.reason) for c in history] == [("", "Kassan flyttad."), (HIGH, "Kassahantering.")]


def test_only_the_coordinator_sets_the_exposure_by_hand(pw: ProtectionWorld) -> None:
    with pytest.raises(PermissionDenied):
        override_exposure(actor=pw.w.manager, facility=pw.sun, level=LOW, reason="Vi har lugnt.", revision=None)
    with pytest.raises(PermissionDenied):
        override_exposure(actor=pw.w.outsider, facility=pw.sun, level=LOW, reason="Fel kommun.", revision=None)
    assert level(pw.sun) == MEDIUM


# --- required protection and the flag -------------------------------------------------------------------------------


def test_the_set_up_gives_default_requirements_and_keeps_one_taken_away(pw: ProtectionWorld) -> None:
    assert selectors.required(pw.w.org.pk)[FacilityKind.SCHOOL] == {SystemKind.INTRUSION_ALARM, SystemKind.FIRE_ALARM}
    set_required(actor=pw.w.coordinator, required={FacilityKind.SCHOOL: {SystemKind.FIRE_ALARM}})
    set_up_organisation(pw.w.org)
    assert selectors.required(pw.w.org.pk) == {FacilityKind.SCHOOL: {SystemKind.FIRE_ALARM}}
    assert RequiredProtection.objects.filter(organisation=pw.w.org, is_required=False).exists()
    with pytest.raises(PermissionDenied):
        set_required(actor=pw.w.manager, required={})


def test_a_high_exposure_facility_without_a_required_system_is_flagged(pw: ProtectionWorld) -> None:
    assert not selectors.flagged(pw.w.coordinator).exists()  # a school at medium is not flagged
    override_exposure(actor=pw.w.coordinator, facility=pw.sun, level=HIGH, reason="Många inbrott.", revision=None)
    assert list(selectors.flagged(pw.w.coordinator)) == [pw.sun]
    with translation.override("sv"):
        assert selectors.missing([pw.sun]) == {pw.sun.pk: ["Inbrottslarm"]}
    create_system(actor=pw.w.coordinator, facility=pw.sun, kind=SystemKind.INTRUSION_ALARM)
    assert not selectors.flagged(pw.w.coordinator).exists()


def test_the_flagged_list_is_scoped_to_the_persons_facilities(pw: ProtectionWorld) -> None:
    for facility in (pw.sun, pw.care):
        override_exposure(actor=pw.w.coordinator, facility=facility, level=HIGH, reason="Utsatt läge.", revision=None)
    assert set(selectors.flagged(pw.w.coordinator)) == {pw.sun, pw.care}
    assert list(selectors.flagged(pw.w.manager)) == [pw.sun]
    assert not selectors.flagged(pw.w.outsider).exists()


def test_a_flag_links_to_the_premises_risk_analysis_or_to_starting_one(pw: ProtectionWorld) -> None:
    from varna.risks.selectors_facility import analysis_links

    link = analysis_links(pw.w.manager, [pw.sun])[pw.sun.pk]
    assert not link.exists
    assert f"node={pw.sun.node_id}" in link.url and f"facility={pw.sun.pk}" in link.url
    assert "trigger=technical_protection" in link.url
    analysis = create_analysis(
        actor=pw.w.manager, node=pw.sun.node, title="Solskolan 2026", analysed_on=datetime.date(2026, 3, 1)
    )
    link = analysis_links(pw.w.manager, [pw.sun])[pw.sun.pk]
    assert link.exists and link.url.endswith(f"/{analysis.pk}/")
    assert analysis_links(pw.w.outsider, [pw.sun]) == {}


# --- pages and API --------------------------------------------------------------------------------------------------


def _client(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_the_facility_page_shows_the_exposure_why_and_the_override_form_to_the_coordinator(pw: ProtectionWorld) -> None:
    url = reverse("protection:facility", args=[pw.sun.pk])
    text = _client(pw.w.coordinator).get(url, HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert "Exponering: Medel" in text and "Skola: grundnivån är medel." in text
    assert reverse("protection:exposure_override", args=[pw.sun.pk]) in text
    manager_text = _client(pw.w.manager).get(url).content.decode()
    assert "Exponering: Medel" in manager_text
    assert reverse("protection:exposure_override", args=[pw.sun.pk]) not in manager_text


def test_the_override_form_refuses_an_empty_reason_and_saves_a_given_one(pw: ProtectionWorld) -> None:
    c = _client(pw.w.coordinator)
    url = reverse("protection:exposure_override", args=[pw.sun.pk])
    revision = FacilityExposure.objects.get(facility=pw.sun).revision
    response = c.post(url, {"level": HIGH, "reason": "", "revision": revision})
    assert response.status_code == 400
    assert "Skriv varför exponeringen sätts för hand" in response.content.decode()
    assert level(pw.sun) == MEDIUM
    response = c.post(url, {"level": HIGH, "reason": "Tre inbrott i grannskapet.", "revision": revision})
    assert response.status_code == 302 and level(pw.sun) == HIGH
    stale = c.post(url, {"level": LOW, "reason": "Gammalt formulär.", "revision": revision})
    assert stale.status_code == 400 and level(pw.sun) == HIGH
    history = c.get(reverse("protection:exposure", args=[pw.sun.pk])).content.decode()
    assert "Tre inbrott i grannskapet." in history
    assert _client(pw.w.manager).post(url, {"level": LOW, "reason": "Lugnt."}).status_code == 403


def test_the_flagged_page_lists_the_facility_with_the_link_to_its_risk_analysis(pw: ProtectionWorld) -> None:
    override_exposure(actor=pw.w.coordinator, facility=pw.sun, level=HIGH, reason="Många inbrott.", revision=None)
    text = _client(pw.w.manager).get(reverse("protection:exposure_flags")).content.decode()
    assert "Solskolan" in text and "Inbrottslarm" in text
    assert f"{reverse('risks:analysis_new')}?node={pw.sun.node_id}&amp;facility={pw.sun.pk}" in text
    form = _client(pw.w.manager).get(f"{reverse('risks:analysis_new')}?node={pw.sun.node_id}&facility={pw.sun.pk}")
    assert "Riskanalys av Solskolan" in form.content.decode()


def test_the_coordinator_configures_the_required_protection_on_its_page(pw: ProtectionWorld) -> None:
    url = reverse("protection:required_protection")
    c = _client(pw.w.coordinator)
    assert c.get(url).status_code == 200
    response = c.post(url, {FacilityKind.SCHOOL: [SystemKind.FIRE_ALARM], FacilityKind.OFFICE: [SystemKind.CAMERA]})
    assert response.status_code == 302
    assert selectors.required(pw.w.org.pk) == {
        FacilityKind.SCHOOL: {SystemKind.FIRE_ALARM},
        FacilityKind.OFFICE: {SystemKind.CAMERA},
    }
    assert _client(pw.w.manager).get(url).status_code == 403


def _api(user: User) -> tuple[Client, dict[str, Any]]:
    return Client(), {"HTTP_AUTHORIZATION": f"Bearer {issue_token(user=user, actor=None)}"}


def test_the_api_gives_the_exposure_with_why_and_the_flags_in_the_callers_scope(pw: ProtectionWorld) -> None:
    override_exposure(actor=pw.w.coordinator, facility=pw.care, level=HIGH, reason="Kassahantering.", revision=None)
    c, h = _api(pw.w.coordinator)
    body = c.get(f"/api/v1/protection/facilities/{pw.care.pk}/exposure", **h).json()
    assert (body["level"], body["derived_level"], body["override"]["reason"]) == (HIGH, LOW, "Kassahantering.")
    assert body["flagged"] is True and body["damage_count"] == 0 and body["reasons"]
    flags = c.get("/api/v1/protection/exposure/flags", **h).json()
    assert [i["name"] for i in flags["items"]] == ["Hemtjänstens lokal"] and flags["count"] == 1
    assert flags["items"][0]["risk_analysis_exists"] is False
    m, mh = _api(pw.w.manager)
    assert m.get("/api/v1/protection/exposure/flags", **mh).json()["count"] == 0
    assert m.get(f"/api/v1/protection/facilities/{pw.care.pk}/exposure", **mh).status_code == 404


def test_the_demo_derives_every_facilitys_exposure_and_sets_a_few_by_hand(demo: None) -> None:
    facilities = Facility.objects.all()
    assert facilities.exists() and not facilities.filter(exposure__isnull=True).exists()
    overridden = FacilityExposure.objects.exclude(override_level="")
    assert overridden.exists() and not overridden.filter(override_reason="").exists()
    assert not overridden.filter(override_by__isnull=True).exists()
    assert RequiredProtection.objects.filter(facility_kind=FacilityKind.SCHOOL, is_required=True).exists()
