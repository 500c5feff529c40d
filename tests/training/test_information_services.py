"""Recording the information given to staff after a security event (K24): who may, what is refused, double
submits."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.incidents.samples import make_sample_incidents
from varna.core.models import Node, User
from varna.incidents.models import Incident, Status
from varna.training.models import StaffInformation
from varna.training.services.information import record_information

Persona = Callable[[str], User]


@pytest.fixture
def incidents(demo: None) -> dict[str, Incident]:
    return make_sample_incidents()


def _record(actor: User, incident: Incident, **extra: object) -> tuple[StaffInformation, bool]:
    values: dict[str, object] = {
        "node": incident.incident_node,
        "given_on": timezone.localdate(),
        "recipients": "All personal på avdelning Blå",
        "content": "Vi gick igenom vad som hände och hur vi larmar om det händer igen.",
    }
    values.update(extra)
    return record_information(actor=actor, incident=incident, **values)  # type: ignore[arg-type]


def test_unit_manager_records_information_for_an_incident_at_the_unit(
    persona: Persona, incidents: dict[str, Incident]
) -> None:
    manager = persona("chef.solrosen")
    information, created = _record(manager, incidents["ordinary"])
    assert created
    assert information.recorded_by == manager
    assert information.node.name == "Solrosens förskola"
    assert information.organisation_id == incidents["ordinary"].organisation_id
    assert information.history.get().history_user == manager


def test_unit_manager_may_record_information_after_a_confidential_threat(
    persona: Persona, incidents: dict[str, Incident]
) -> None:
    _information, created = _record(persona("chef.solrosen"), incidents["threat"])
    assert created


def test_hr_may_not_record_information_after_an_event(persona: Persona, incidents: dict[str, Incident]) -> None:
    with pytest.raises(PermissionDenied):
        _record(persona("hr"), incidents["ordinary"])


def test_security_representative_may_not_record_information_after_a_confidential_threat(
    persona: Persona, incidents: dict[str, Incident]
) -> None:
    representative = persona("ombud.solrosen")
    with pytest.raises(PermissionDenied):
        _record(representative, incidents["threat"])
    _information, created = _record(representative, incidents["ordinary"])
    assert created


def test_manager_of_another_unit_may_not_record_information(persona: Persona, incidents: dict[str, Incident]) -> None:
    with pytest.raises(PermissionDenied):
        _record(persona("chef.hemtjanst"), incidents["ordinary"])


def test_another_municipality_may_not_record_information(persona: Persona, incidents: dict[str, Incident]) -> None:
    with pytest.raises(PermissionDenied):
        _record(persona("samordnare.grannby"), incidents["ordinary"])


def test_unit_outside_where_the_manager_handles_incidents_is_refused(
    persona: Persona, incidents: dict[str, Incident]
) -> None:
    with pytest.raises(ValidationError) as exc:
        _record(persona("chef.solrosen"), incidents["ordinary"], node=Node.objects.get(name="Hemtjänst Centrum"))
    assert exc.value.code == "node"
    assert not StaffInformation.objects.filter(incident=incidents["ordinary"]).exists()


@pytest.mark.parametrize(
    ("extra", "code"),
    [
        ({"given_on": datetime.date.today() + datetime.timedelta(days=2)}, "given_on"),  # noqa: DTZ011
        ({"given_on": datetime.date(2000, 1, 1)}, "given_on"),
        ({"recipients": "   "}, "recipients"),
        ({"recipients": "x" * 301}, "recipients"),
        ({"content": ""}, "content"),
        ({"content": "x" * 10_001}, "content"),
    ],
)
def test_impossible_information_is_refused_and_nothing_is_saved(
    persona: Persona, incidents: dict[str, Incident], extra: dict[str, object], code: str
) -> None:
    with pytest.raises(ValidationError) as exc:
        _record(persona("chef.solrosen"), incidents["ordinary"], **extra)
    assert exc.value.code == code
    assert not StaffInformation.objects.filter(incident=incidents["ordinary"]).exists()


def test_information_is_not_recorded_on_a_duplicate_case(persona: Persona, incidents: dict[str, Incident]) -> None:
    incident = incidents["ordinary"]
    Incident.objects.filter(pk=incident.pk).update(status=Status.DUPLICATE)
    incident.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        _record(persona("chef.solrosen"), incident)
    assert exc.value.code == "incident"


def test_the_same_information_sent_twice_is_saved_once(persona: Persona, incidents: dict[str, Incident]) -> None:
    manager = persona("chef.solrosen")
    first, created = _record(manager, incidents["ordinary"], once=True)
    again, created_again = _record(manager, incidents["ordinary"], once=True)
    assert created and not created_again
    assert again == first
    assert StaffInformation.objects.filter(incident=incidents["ordinary"]).count() == 1
