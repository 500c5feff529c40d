"""The protection pages: the facility list and page, the forms to add and change a facility and a system, recording
a service visit (once, even when sent twice), the overdue list, and a stale form refused in Swedish."""

from __future__ import annotations

import datetime

from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from tests.protection.world import ProtectionWorld
from varna.core.models import User
from varna.protection.models import Facility, ProtectionSystem, ServiceVisit


def client(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_a_unit_manager_lists_their_own_facilities_only(pw: ProtectionWorld) -> None:
    text = client(pw.w.manager).get(reverse("protection:facilities")).content.decode()
    assert "Solskolan" in text and "Hemtjänstens lokal" not in text and "Grannskolan" not in text


def test_the_coordinator_lists_every_facility_and_searches_them(pw: ProtectionWorld) -> None:
    c = client(pw.w.coordinator)
    text = c.get(reverse("protection:facilities")).content.decode()
    assert "Solskolan" in text and "Hemtjänstens lokal" in text
    found = c.get(reverse("protection:facilities"), {"q": "hemtjänst"}).content.decode()
    assert "Hemtjänstens lokal" in found and "Solvägen" not in found


def test_the_facility_pages_are_in_the_menu_of_a_unit_manager_and_not_of_an_employee(pw: ProtectionWorld) -> None:
    url = reverse("protection:facilities")
    assert url in client(pw.w.manager).get(reverse("core:dashboard")).content.decode()
    assert url not in client(pw.w.employee).get(reverse("core:dashboard")).content.decode()


def test_the_facility_page_gathers_its_systems_and_their_service(pw: ProtectionWorld) -> None:
    response = client(pw.w.manager).get(reverse("protection:facility", args=[pw.sun.pk]))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Solvägen 1" in text and "Brandskyddsbolaget AB" in text and "2025-01-10" in text
    assert reverse("protection:system_new", args=[pw.sun.pk]) in text


def test_another_units_facility_is_a_404_for_a_unit_manager(pw: ProtectionWorld) -> None:
    c = client(pw.w.manager)
    assert c.get(reverse("protection:facility", args=[pw.care.pk])).status_code == 404
    assert c.get(reverse("protection:facility_edit", args=[pw.care.pk])).status_code == 404
    assert c.get(reverse("protection:system", args=[pw.other_fire.pk])).status_code == 404


def test_a_security_representative_reads_the_system_but_is_offered_no_visit_form(pw: ProtectionWorld) -> None:
    response = client(pw.w.protected).get(reverse("protection:system", args=[pw.sun_fire.pk]))
    assert response.status_code == 200
    assert response.context["form"] is None
    assert client(pw.w.protected).get(reverse("protection:service_new", args=[pw.sun_fire.pk])).status_code == 403


def test_a_unit_manager_adds_a_facility(pw: ProtectionWorld) -> None:
    response = client(pw.w.manager).post(
        reverse("protection:facility_new"),
        {"name": "Solskolans paviljong", "kind": "school", "node": pw.w.sun_school.pk, "owner_kind": "landlord"},
    )
    facility = Facility.objects.get(name="Solskolans paviljong")
    assert response.status_code == 302 and response["Location"] == reverse("protection:facility", args=[facility.pk])
    assert facility.owner_kind == "landlord"


def test_a_facility_form_without_a_name_is_shown_again_with_the_error(pw: ProtectionWorld) -> None:
    response = client(pw.w.manager).post(reverse("protection:facility_new"), {"kind": "school"})
    assert response.status_code == 400
    assert response.context["form"].errors["name"]
    assert not Facility.objects.filter(node=pw.w.sun_school).exclude(pk=pw.sun.pk).exists()


def test_a_stale_facility_form_changes_nothing_and_says_so_in_swedish(pw: ProtectionWorld) -> None:
    url = reverse("protection:facility_edit", args=[pw.sun.pk])
    c = client(pw.w.manager)
    data = {"name": "Solskolan", "kind": "school", "node": pw.w.sun_school.pk, "revision": pw.sun.revision}
    assert c.post(url, {**data, "owner_name": "Först AB"}).status_code == 302
    response = c.post(url, {**data, "owner_name": "Sedan AB"})  # the same, older revision
    assert response.status_code == 400
    assert "Någon annan har ändrat detta under tiden" in response.content.decode()
    pw.sun.refresh_from_db()
    assert pw.sun.owner_name == "Först AB"


def test_a_unit_manager_adds_a_system_and_its_due_date_is_computed(pw: ProtectionWorld) -> None:
    installed = timezone.localdate() - datetime.timedelta(days=30)
    response = client(pw.w.manager).post(
        reverse("protection:system_new", args=[pw.sun.pk]),
        {"kind": "intrusion_alarm", "installed_on": installed.isoformat(), "service_interval_months": "12"},
    )
    system = ProtectionSystem.objects.get(facility=pw.sun, kind="intrusion_alarm")
    assert response.status_code == 302
    assert system.next_service_due == installed.replace(year=installed.year + 1)


def test_a_recorded_visit_takes_the_system_off_the_overdue_list(pw: ProtectionWorld) -> None:
    c = client(pw.w.manager)
    assert "Solskolan" in c.get(reverse("protection:overdue")).content.decode()
    today = timezone.localdate()
    response = c.post(
        reverse("protection:service_new", args=[pw.sun_fire.pk]),
        {"done_on": today.isoformat(), "result": "passed", "note": ""},
        follow=True,
    )
    with translation.override("sv"):
        expected = gettext("The service visit has been recorded. Next service is due on %(date)s.") % {
            "date": today.replace(year=today.year + 1).isoformat()
        }
    assert expected in response.content.decode()
    assert "Solskolan" not in c.get(reverse("protection:overdue")).content.decode()


def test_a_visit_sent_twice_is_recorded_once(pw: ProtectionWorld) -> None:
    c = client(pw.w.manager)
    data = {"done_on": timezone.localdate().isoformat(), "result": "remarks", "note": "Dörrstängare justerad."}
    url = reverse("protection:service_new", args=[pw.sun_fire.pk])
    assert c.post(url, data).status_code == 302
    assert c.post(url, data).status_code == 302
    assert ServiceVisit.objects.filter(system=pw.sun_fire).count() == 1


def test_a_failed_visit_without_a_note_is_refused_on_the_form(pw: ProtectionWorld) -> None:
    url = reverse("protection:service_new", args=[pw.sun_fire.pk])
    response = client(pw.w.manager).post(url, {"done_on": timezone.localdate().isoformat(), "result": "failed"})
    assert response.status_code == 400
    assert not ServiceVisit.objects.exists()


def test_the_facility_page_lists_the_incidents_there_for_those_who_see_incidents(pw: ProtectionWorld) -> None:
    from varna.incidents.services import ensure_defaults, report_incident

    types = {t.code: t for t in ensure_defaults(organisation=pw.w.org)}
    incident, _created = report_incident(
        actor=pw.w.employee,
        incident_type=types["vandalism"],
        occurred_at=timezone.now() - datetime.timedelta(days=2),
        incident_node=pw.w.sun_school,
        description="Klotter på skolans fasad.",
        facility=pw.sun,
    )
    url = reverse("protection:facility", args=[pw.sun.pk])
    text = client(pw.w.manager).get(url).content.decode()
    assert incident.number in text and reverse("incidents:detail", args=[incident.pk]) in text
    assert not Facility.objects.get(pk=pw.care.pk).incidents.exists()
    care_page = client(pw.w.coordinator).get(reverse("protection:facility", args=[pw.care.pk])).content.decode()
    assert incident.number not in care_page


def test_a_unit_manager_saving_the_facility_keeps_a_using_unit_outside_her_units(pw: ProtectionWorld) -> None:
    from varna.protection.services.facilities import update_facility

    update_facility(
        actor=pw.w.coordinator,
        facility=pw.sun,
        revision=pw.sun.revision,
        name="Solskolan",
        kind="school",
        node=pw.w.sun_school,
        user_nodes=[pw.w.home_care],
    )
    url = reverse("protection:facility_edit", args=[pw.sun.pk])
    c = client(pw.w.manager)
    form = c.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None}
    data["node"] = pw.w.sun_school.pk
    assert c.post(url, {**data, "owner_name": "Kommunfastigheter AB"}).status_code == 302
    assert list(Facility.objects.get(pk=pw.sun.pk).user_nodes.all()) == [pw.w.home_care]
