"""The report pages: the form on a phone, the receipt, my reports and the case page."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.incidents.samples import make_sample_incidents
from tests.worker import run_tasks
from varna.core.models import Node, NodeKind, Organisation, Role, RoleAssignment, User
from varna.incidents.models import ConfidentialRead, Incident, IncidentType
from varna.protection.models import Facility

REPORT_URL = "/incidents/report/"


def _key(client: Client) -> str:
    """The idempotency key of a freshly rendered report form."""
    response = client.get(REPORT_URL)
    match = re.search(r'name="idempotency_key" value="([^"]+)"', response.content.decode())
    assert match, "the form carries no idempotency key"
    return match.group(1)


def _form(client: Client, types: dict[str, IncidentType], **overrides: Any) -> dict[str, Any]:
    when = timezone.localtime() - datetime.timedelta(hours=1)
    data: dict[str, Any] = {
        "incident_type": types["vandalism"].pk,
        "occurred_date": when.date().isoformat(),
        "occurred_time": when.strftime("%H:%M"),
        "facility": Facility.objects.get(name="Solrosens förskola").pk,
        "address": "",
        "incident_node": Node.objects.get(name="Solrosens förskola").pk,
        "description": "Någon har sprejat klotter på gaveln mot parkeringen.",
        "immediate_action": "Tog foton och spärrade av.",
        "property_severity": "1",
        "property_text": "Fasaden måste tvättas.",
        "estimated_cost": "4 500",
        "idempotency_key": _key(client),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_report_page_creates_the_default_types_once_when_the_organisation_has_none(demo) -> None:
    organisation = Organisation.objects.create(name="Nykommun", slug="nykommun")
    root = Node.objects.add_root(
        create_kwargs={
            "organisation": organisation,
            "kind": NodeKind.COUNCIL,
            "name": "Kommunfullmäktige",
            "code": "KF",
        }
    )
    person = User.objects.create_user("ny.anstalld", organisation=organisation, employment_node=root)
    RoleAssignment.objects.create(
        organisation=organisation, user=person, role=Role.EMPLOYEE, node=root, valid_from=timezone.localdate()
    )
    client = Client()
    client.force_login(person)
    response = client.get(REPORT_URL)
    assert response.status_code == 200
    count = IncidentType.objects.filter(organisation=organisation).count()
    assert count > 10
    client.get(REPORT_URL)
    assert IncidentType.objects.filter(organisation=organisation).count() == count
    assert "Skadegörelse" in response.content.decode()


def test_report_form_defaults_to_now_and_the_reporters_own_unit(client_for, persona, types) -> None:
    form = client_for("anstalld").get(REPORT_URL).context["form"]
    assert form.initial["occurred_date"] == timezone.localdate()
    assert form.initial["incident_node"] == persona("anstalld").employment_node_id
    assert form.initial["idempotency_key"]


def test_employee_reports_an_incident_and_gets_a_receipt_with_the_case_number(client_for, persona, types) -> None:
    client = client_for("anstalld")
    data = _form(client, types)
    response = client.post(REPORT_URL, data)
    incident = Incident.objects.get(idempotency_key=data["idempotency_key"])
    assert response.status_code == 302
    assert response["Location"] == reverse("incidents:report_done", args=[incident.pk])
    receipt = client.get(response["Location"])
    assert receipt.status_code == 200
    assert incident.number in receipt.content.decode()
    assert incident.reporter == persona("anstalld")
    assert incident.employment_node == persona("anstalld").employment_node
    assert incident.facility is not None and incident.facility.name == "Solrosens förskola"
    assert incident.property_severity == 1 and incident.property_text == "Fasaden måste tvättas."
    assert str(incident.estimated_cost) == "4500.00"
    assert mail.outbox == []  # nothing is sent inside the request
    run_tasks()
    assert any(incident.number in m.subject and persona("anstalld").email in m.to for m in mail.outbox)


def test_form_with_errors_keeps_every_value_links_the_errors_and_creates_nothing(client_for, types) -> None:
    client = client_for("anstalld")
    data = _form(client, types, description="", facility="", address="Parkeringen bakom huset")
    before = Incident.objects.count()
    response = client.post(REPORT_URL, data)
    html = response.content.decode()
    assert response.status_code == 400
    assert Incident.objects.count() == before
    # Everything written is still there, including the same idempotency key.
    assert "Parkeringen bakom huset" in html
    assert "Tog foton och spärrade av." in html
    assert "Fasaden måste tvättas." in html
    assert f'value="{data["idempotency_key"]}"' in html
    # The summary links to the field, and the field points at its message.
    assert 'class="error-summary"' in html
    assert 'href="#id_description"' in html
    assert re.search(r'<textarea[^>]*aria-describedby="[^"]*id_description_error', html)
    assert 'id="id_description_error"' in html
    # The consequences part is shown open, since it holds answers.
    assert re.search(r"<details[^>]*\bopen\b", html)


def test_double_submit_with_the_same_key_gives_one_incident_and_the_same_receipt(client_for, types) -> None:
    client = client_for("anstalld")
    data = _form(client, types)
    before = Incident.objects.count()
    first = client.post(REPORT_URL, data)
    second = client.post(REPORT_URL, data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Incident.objects.count() == before + 1


def test_two_forms_give_two_reports(client_for, types) -> None:
    client = client_for("anstalld")
    before = Incident.objects.count()
    client.post(REPORT_URL, _form(client, types))
    client.post(REPORT_URL, _form(client, types))
    assert Incident.objects.count() == before + 2


def test_event_in_the_future_is_refused_on_the_form(client_for, types) -> None:
    client = client_for("anstalld")
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    before = Incident.objects.count()
    response = client.post(REPORT_URL, _form(client, types, occurred_date=tomorrow.isoformat()))
    assert response.status_code == 400
    assert "occurred_date" in response.context["form"].errors
    assert Incident.objects.count() == before


def test_place_is_needed_either_from_the_register_or_written(client_for, types) -> None:
    client = client_for("anstalld")
    response = client.post(REPORT_URL, _form(client, types, facility=""))
    assert response.status_code == 400
    assert "facility" in response.context["form"].errors
    data = _form(client, types, facility="", address="Lekplatsen vid Ekvägen")
    assert client.post(REPORT_URL, data).status_code == 302
    assert Incident.objects.get(idempotency_key=data["idempotency_key"]).address == "Lekplatsen vid Ekvägen"


def test_facility_of_another_municipality_cannot_be_chosen(client_for, types) -> None:
    client = client_for("anstalld")
    other = Facility.objects.filter(organisation__slug="grannby").first()
    assert other is not None
    data = _form(client, types, facility=other.pk)
    response = client.post(REPORT_URL, data)
    assert response.status_code == 400
    assert not Incident.objects.filter(idempotency_key=data["idempotency_key"]).exists()


def test_threat_report_is_confidential_and_keeps_police_and_support_answers(client_for, persona, types) -> None:
    client = client_for("anstalld")
    data = _form(
        client,
        types,
        incident_type=types["threat"].pk,
        description="En förälder hotade mig vid hämtningen.",
        victim_is_me="on",
        police_not_contacted_reason="Chefen kontaktar polisen i morgon.",
        support_offered="on",
    )
    assert client.post(REPORT_URL, data).status_code == 302
    incident = Incident.objects.get(idempotency_key=data["idempotency_key"])
    assert incident.is_confidential
    assert incident.victim == persona("anstalld")
    assert incident.police_not_contacted_reason == "Chefen kontaktar polisen i morgon."
    assert incident.support_offered and not incident.crisis_group_alerted


def test_colleague_as_the_person_affected_is_found_by_user_name(client_for, persona, types) -> None:
    client = client_for("anstalld")
    data = _form(client, types, incident_type=types["violence"].pk, victim_colleague="ombud.solrosen")
    assert client.post(REPORT_URL, data).status_code == 302
    assert Incident.objects.get(idempotency_key=data["idempotency_key"]).victim == persona("ombud.solrosen")


def test_unknown_colleague_gives_a_message_and_no_report(client_for, types) -> None:
    client = client_for("anstalld")
    data = _form(client, types, victim_colleague="finns.inte")
    response = client.post(REPORT_URL, data)
    assert response.status_code == 400
    assert "victim_colleague" in response.context["form"].errors
    assert not Incident.objects.filter(idempotency_key=data["idempotency_key"]).exists()


def test_colleague_in_another_municipality_is_not_found(client_for, types) -> None:
    client = client_for("anstalld")
    response = client.post(REPORT_URL, _form(client, types, victim_colleague="samordnare.grannby"))
    assert response.status_code == 400
    assert "victim_colleague" in response.context["form"].errors


def test_bad_cost_gives_a_message(client_for, types) -> None:
    client = client_for("anstalld")
    response = client.post(REPORT_URL, _form(client, types, estimated_cost="ungefär mycket"))
    assert response.status_code == 400
    assert "estimated_cost" in response.context["form"].errors


def test_stale_form_gets_the_friendly_expired_page(persona, types) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(persona("anstalld"))
    before = Incident.objects.count()
    response = client.post(REPORT_URL, {"description": "x"})
    assert response.status_code == 403
    assert "403_csrf.html" in [t.name for t in response.templates]
    assert Incident.objects.count() == before


def test_request_too_large_gives_a_friendly_400_page(client_for, types, settings) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    client = client_for("anstalld")
    before = Incident.objects.count()
    response = client.post(REPORT_URL, _form(client, types, description="x" * 20_000))
    assert response.status_code == 400
    assert "400.html" in [t.name for t in response.templates]
    assert Incident.objects.count() == before


def test_my_reports_lists_only_my_own_with_their_status(client_for) -> None:
    samples = make_sample_incidents()
    html = client_for("anstalld").get("/incidents/mine/").content.decode()
    assert samples["threat"].number in html
    assert samples["ordinary"].number in html
    assert samples["hemtjanst"].number not in html
    assert samples["grannby"].number not in html
    other = client_for("chef.hemtjanst").get("/incidents/mine/").content.decode()
    assert samples["hemtjanst"].number in other
    assert samples["ordinary"].number not in other


def test_reporter_opens_their_own_confidential_report_and_the_read_is_logged(client_for) -> None:
    threat = make_sample_incidents()["threat"]
    response = client_for("anstalld").get(f"/incidents/{threat.pk}/")
    assert response.status_code == 200
    assert threat.description in response.content.decode()
    assert not response.context["can_handle"]
    assert ConfidentialRead.objects.filter(incident=threat, user__username="anstalld").exists()


def test_unit_manager_sees_the_threat_report_with_the_handling_panel(client_for) -> None:
    threat = make_sample_incidents()["threat"]
    response = client_for("chef.solrosen").get(f"/incidents/{threat.pk}/")
    assert response.status_code == 200
    assert response.context["can_handle"]
    assert "incidents/_handling_panel.html" in [t.name for t in response.templates]


@pytest.mark.parametrize("username", ["ombud.solrosen", "chef.hemtjanst", "samordnare.grannby", "politiker"])
def test_others_cannot_open_a_confidential_report(client_for, username: str) -> None:
    threat = make_sample_incidents()["threat"]
    response = client_for(username).get(f"/incidents/{threat.pk}/")
    assert response.status_code == 404
    assert threat.description not in response.content.decode()
    assert not ConfidentialRead.objects.filter(user__username=username).exists()


def test_employee_cannot_open_someone_elses_report(client_for) -> None:
    hemtjanst = make_sample_incidents()["hemtjanst"]
    assert client_for("anstalld").get(f"/incidents/{hemtjanst.pk}/").status_code == 404
    assert client_for("anstalld").get(f"/incidents/report/{hemtjanst.pk}/receipt/").status_code == 404


def test_representative_sees_an_ordinary_report_at_the_unit(client_for) -> None:
    ordinary = make_sample_incidents()["ordinary"]
    assert client_for("ombud.solrosen").get(f"/incidents/{ordinary.pk}/").status_code == 200


def test_report_menu_entries_are_shown_to_an_employee(client_for, types) -> None:
    html = client_for("anstalld").get("/").content.decode()
    assert 'href="/incidents/report/"' in html
    assert 'href="/incidents/mine/"' in html
