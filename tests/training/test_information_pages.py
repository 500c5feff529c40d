"""The pages of information to staff (K24): the form reached from the incident, the panel on the case page, and
the list for a part of the organisation, where confidential events stay confidential."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.incidents.samples import make_sample_incidents
from varna.core.models import Node, User
from varna.incidents.models import ConfidentialRead, Incident
from varna.training.models import StaffInformation
from varna.training.services.information import record_information

Clients = Callable[[str], Client]
Persona = Callable[[str], User]


@pytest.fixture
def incidents(demo: None) -> dict[str, Incident]:
    return make_sample_incidents()


def _told(persona: Persona, incident: Incident, content: str) -> StaffInformation:
    information, _created = record_information(
        actor=persona("chef.solrosen"),
        incident=incident,
        node=incident.incident_node,
        given_on=timezone.localdate(),
        recipients="Personalen på förskolan",
        content=content,
    )
    return information


def _case_page(client: Client, incident: Incident) -> str:
    response = client.get(reverse("incidents:detail", args=[incident.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_manager_records_information_from_the_form_and_the_case_page_shows_it(
    client_for: Clients, incidents: dict[str, Incident]
) -> None:
    incident = incidents["ordinary"]
    client = client_for("chef.solrosen")
    url = reverse("training:information_new", args=[incident.pk])
    form = client.get(url)
    assert form.status_code == 200
    assert "Information till personalen" in form.content.decode()
    response = client.post(
        url,
        {
            "node": incident.incident_node_id,
            "given_on": timezone.localdate().isoformat(),
            "recipients": "Alla på kvällspasset",
            "content": "Klottret är anmält till polisen. Säg till om ni ser något.",
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith(reverse("incidents:detail", args=[incident.pk]) + "#staff-information")
    html = _case_page(client, incident)
    assert "Klottret är anmält till polisen." in html
    assert "till Alla på kvällspasset" in html


def test_bad_form_is_refused_in_swedish_and_saves_nothing(client_for: Clients, incidents: dict[str, Incident]) -> None:
    incident = incidents["ordinary"]
    response = client_for("chef.solrosen").post(
        reverse("training:information_new", args=[incident.pk]),
        {"node": incident.incident_node_id, "given_on": "2000-01-01", "recipients": "Alla", "content": "Text"},
    )
    assert response.status_code == 400
    assert "Informationen kan inte ha lämnats före händelsen" in response.content.decode()
    assert not StaffInformation.objects.filter(incident=incident).exists()


def test_case_page_offers_the_handler_to_record_information(
    client_for: Clients, incidents: dict[str, Incident]
) -> None:
    incident = incidents["ordinary"]
    html = _case_page(client_for("chef.solrosen"), incident)
    assert reverse("training:information_new", args=[incident.pk]) in html


def test_reporter_does_not_see_the_information_panel_on_their_own_report(
    client_for: Clients, persona: Persona, incidents: dict[str, Incident]
) -> None:
    incident = incidents["ordinary"]
    _told(persona, incident, "Klottret är anmält.")
    html = _case_page(client_for("anstalld"), incident)
    assert "Klottret är anmält." not in html
    assert reverse("training:information_new", args=[incident.pk]) not in html


def test_head_of_administration_cannot_open_the_form(client_for: Clients, incidents: dict[str, Incident]) -> None:
    # The security officer of the administration handles incidents; HR does not even see them.
    incident = incidents["ordinary"]
    assert client_for("handlaggare.bou").get(reverse("training:information_new", args=[incident.pk])).status_code == 200
    assert client_for("hr").get(reverse("training:information_new", args=[incident.pk])).status_code == 403


def test_form_for_a_confidential_case_is_a_404_for_those_who_may_not_read_it_and_logged_for_those_who_may(
    client_for: Clients, incidents: dict[str, Incident]
) -> None:
    threat = incidents["threat"]
    url = reverse("training:information_new", args=[threat.pk])
    assert client_for("ombud.solrosen").get(url).status_code == 404
    assert client_for("chef.solrosen").get(url).status_code == 200
    assert ConfidentialRead.objects.filter(incident=threat, user__username="chef.solrosen").exists()


def test_list_hides_information_after_a_confidential_event_from_hr(
    client_for: Clients, persona: Persona, incidents: dict[str, Incident]
) -> None:
    _told(persona, incidents["ordinary"], "Om klottret på gaveln.")
    _told(persona, incidents["threat"], "Om hotet vid hämtningen.")
    html = client_for("hr").get(reverse("training:information")).content.decode()
    assert "Om klottret på gaveln." in html
    assert "Om hotet vid hämtningen." not in html
    # HR does not handle incidents: the case number is shown without a link to the case.
    assert reverse("incidents:detail", args=[incidents["ordinary"].pk]) not in html


def test_list_shows_the_coordinator_confidential_information_marked_as_such(
    client_for: Clients, persona: Persona, incidents: dict[str, Incident]
) -> None:
    _told(persona, incidents["threat"], "Om hotet vid hämtningen.")
    html = client_for("samordnare").get(reverse("training:information")).content.decode()
    assert "Om hotet vid hämtningen." in html
    assert "Konfidentiell" in html
    assert reverse("incidents:detail", args=[incidents["threat"].pk]) in html


def test_list_is_limited_to_the_managers_part_of_the_organisation(
    client_for: Clients, persona: Persona, incidents: dict[str, Incident]
) -> None:
    _told(persona, incidents["ordinary"], "Om klottret på gaveln.")
    assert "Om klottret på gaveln." in client_for("chef.solrosen").get(reverse("training:information")).content.decode()
    assert (
        "Om klottret på gaveln."
        not in client_for("chef.hemtjanst").get(reverse("training:information")).content.decode()
    )
    assert client_for("anstalld").get(reverse("training:information")).status_code == 403


def test_list_narrowed_to_a_unit_shows_only_that_unit(
    client_for: Clients, persona: Persona, incidents: dict[str, Incident]
) -> None:
    _told(persona, incidents["ordinary"], "Om klottret på gaveln.")
    other = Node.objects.get(name="Hemtjänst Centrum")
    solrosen = Node.objects.get(name="Solrosens förskola")
    client = client_for("samordnare")
    assert (
        "Om klottret på gaveln." not in client.get(reverse("training:information"), {"node": other.pk}).content.decode()
    )
    assert (
        "Om klottret på gaveln." in client.get(reverse("training:information"), {"node": solrosen.pk}).content.decode()
    )
