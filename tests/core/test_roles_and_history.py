"""Role assignment through the UI and services, change history, and log-in lock-out."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from varna import settings as production_settings
from varna.core import history, services
from varna.core.models import Node, Role, RoleAssignment


def test_coordinator_assigns_a_security_representative_through_the_person_page(client_for, persona) -> None:
    client = client_for("samordnare")
    employee = persona("anstalld")
    unit = Node.objects.get(name="Solrosens förskola")
    response = client.post(
        f"/people/{employee.pk}/roles/",
        {"role": Role.SECURITY_REPRESENTATIVE, "node": unit.pk, "valid_from": "2026-01-01"},
    )
    assert response.status_code == 302
    assert RoleAssignment.objects.filter(user=employee, role=Role.SECURITY_REPRESENTATIVE, node=unit).exists()
    page = client.get(f"/people/{employee.pk}/")
    assert "Säkerhetsombud" in page.content.decode()


def test_invalid_role_form_is_shown_again_with_a_swedish_message(client_for, persona) -> None:
    client = client_for("samordnare")
    employee = persona("anstalld")
    before = RoleAssignment.objects.count()
    response = client.post(
        f"/people/{employee.pk}/roles/",
        {"role": Role.UNIT_MANAGER, "node": "", "valid_from": "2026-05-01", "valid_to": "2026-01-01"},
    )
    assert response.status_code == 400
    assert "Slutdatumet kan inte vara före startdatumet." in response.content.decode()
    assert RoleAssignment.objects.count() == before


def test_same_role_twice_for_the_same_period_is_refused(persona) -> None:
    chef = persona("chef.solrosen")
    with pytest.raises(ValidationError):
        services.assign_role(
            actor=persona("samordnare"),
            user=chef,
            role=Role.UNIT_MANAGER,
            node=Node.objects.get(name="Solrosens förskola"),
            valid_from=datetime.date(2024, 1, 1),
        )


def test_unit_manager_cannot_assign_roles(persona) -> None:
    with pytest.raises(PermissionDenied):
        services.assign_role(
            actor=persona("chef.solrosen"),
            user=persona("anstalld"),
            role=Role.SECURITY_REPRESENTATIVE,
            node=Node.objects.get(name="Solrosens förskola"),
            valid_from=datetime.date(2026, 1, 1),
        )


def test_ending_a_role_removes_access_from_the_next_day(persona) -> None:
    chef = persona("chef.solrosen")
    assignment = RoleAssignment.objects.get(user=chef, role=Role.UNIT_MANAGER)
    services.end_role(actor=persona("samordnare"), assignment=assignment, valid_to=datetime.date(2024, 12, 31))
    assert not RoleAssignment.objects.active().filter(pk=assignment.pk).exists()
    assert RoleAssignment.objects.active(on=datetime.date(2024, 12, 31)).filter(pk=assignment.pk).exists()


def test_history_shows_who_ended_a_role_and_the_changed_date(client_for, persona) -> None:
    chef = persona("chef.solrosen")
    assignment = RoleAssignment.objects.get(user=chef, role=Role.UNIT_MANAGER)
    services.end_role(actor=persona("samordnare"), assignment=assignment, valid_to=datetime.date(2025, 6, 30))
    entries = history.entries(chef)
    changed = [e for e in entries if e.changes]
    assert changed, "the end of the role is in the person's history"
    assert changed[0].who == str(persona("samordnare"))
    assert any(c.new == "2025-06-30" for c in changed[0].changes)
    page = client_for("samordnare").get(f"/people/{chef.pk}/history/")
    assert page.status_code == 200
    assert "2025-06-30" in page.content.decode()


def test_history_is_only_for_the_coordinator_and_administrator(client_for, persona) -> None:
    chef = persona("chef.solrosen")
    assert client_for("handlaggare.bou").get(f"/people/{chef.pk}/history/").status_code == 403
    assert client_for("admin").get(f"/people/{chef.pk}/history/").status_code == 200


def test_account_is_locked_after_repeated_failed_log_ins(persona) -> None:
    persona("anstalld")
    client = Client()
    for _ in range(5):
        client.post("/login/", {"username": "anstalld", "password": "wrong"})
    response = client.post("/login/", {"username": "anstalld", "password": "varna-demo"})
    assert response.status_code in (403, 429)
    assert "För många misslyckade inloggningar" in response.content.decode()


def test_production_hashes_passwords_with_argon2() -> None:
    assert production_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
