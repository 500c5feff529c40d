"""Reporting an incident: numbering, idempotency, receipts and notifications."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.worker import run_tasks
from varna.core.models import Node
from varna.incidents.models import Incident
from varna.incidents.services import report_incident


def _report(persona, types, *, code: str = "vandalism", key: str = "", **extra: Any) -> tuple[Incident, bool]:
    return report_incident(
        actor=persona("anstalld"),
        incident_type=types[code],
        occurred_at=timezone.now() - datetime.timedelta(hours=2),
        incident_node=Node.objects.get(name="Solrosens förskola"),
        description="Klotter på gaveln mot parkeringen.",
        idempotency_key=key,
        **extra,
    )


def test_default_types_follow_k7_and_threats_are_confidential(types) -> None:
    expected = {"fire", "burglary", "vandalism", "water-damage", "threat", "violence", "near-miss", "false-alarm"}
    assert expected <= set(types)
    assert types["threat"].is_confidential and types["violence"].is_confidential
    assert not types["vandalism"].is_confidential


def test_report_gets_a_case_number_in_sequence_for_the_year(persona, types) -> None:
    first, _ = _report(persona, types)
    second, _ = _report(persona, types)
    year, sequence = first.number.split("-")
    assert year == str(timezone.localdate().year)
    assert second.number == f"{year}-{int(sequence) + 1:05d}"


def test_same_idempotency_key_never_creates_a_second_report(persona, types) -> None:
    before = Incident.objects.count()
    first, created = _report(persona, types, key="abc-123")
    again, created_again = _report(persona, types, key="abc-123")
    assert created and not created_again
    assert again.pk == first.pk
    assert Incident.objects.count() == before + 1


def test_reporter_gets_a_receipt_and_the_unit_manager_is_told(persona, types) -> None:
    incident, _ = _report(persona, types)
    assert mail.outbox == []  # nothing is sent inside the service
    run_tasks()
    recipients = {addr for m in mail.outbox for addr in m.to}
    assert persona("anstalld").email in recipients
    assert persona("chef.solrosen").email in recipients
    assert persona("ombud.solrosen").email in recipients
    receipt = next(m for m in mail.outbox if persona("anstalld").email in m.to)
    assert incident.number in receipt.subject


def test_threat_report_is_confidential_and_not_mailed_to_the_representative(persona, types) -> None:
    incident, _ = _report(persona, types, code="threat")
    run_tasks()
    assert incident.is_confidential
    recipients = {addr for m in mail.outbox for addr in m.to}
    assert persona("ombud.solrosen").email not in recipients
    assert persona("chef.solrosen").email in recipients


def test_many_injured_makes_a_serious_event(persona, types) -> None:
    incident, _ = _report(persona, types, code="accident", injured_count=3)
    assert incident.is_serious


def test_event_in_the_future_is_refused(persona, types) -> None:
    before = Incident.objects.count()
    with pytest.raises(ValidationError):
        report_incident(
            actor=persona("anstalld"),
            incident_type=types["fire"],
            occurred_at=timezone.now() + datetime.timedelta(days=1),
            incident_node=Node.objects.get(name="Solrosens förskola"),
            description="x",
        )
    assert Incident.objects.count() == before
