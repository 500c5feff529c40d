"""Who to contact about security, on the overview: the person's own chain first, never every politician."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client

from varna.core import selectors
from varna.core.models import Role, User


def test_employee_sees_own_manager_representative_officer_and_coordinator_first(
    persona: Callable[[str], User],
) -> None:
    employee = persona("anstalld")
    assert employee.employment_node is not None

    contacts = selectors.security_contacts(employee, employee.employment_node)

    people = [(a.role, a.user.username) for a in contacts]
    assert people[:2] == [
        (Role.UNIT_MANAGER, "chef.solrosen"),
        (Role.SECURITY_REPRESENTATIVE, "ombud.solrosen"),
    ]
    chain = [role for role, _username in people[:4]]
    assert chain == [Role.UNIT_MANAGER, Role.SECURITY_REPRESENTATIVE, Role.SECURITY_OFFICER, Role.SECURITY_COORDINATOR]
    assert ("security_officer", "handlaggare.bou") in people
    assert ("security_coordinator", "samordnare") in people
    assert all(a.role != Role.ELECTED_OFFICIAL for a in contacts)
    assert len(contacts) <= selectors.CONTACT_LIMIT


def test_overview_lists_the_employees_manager_and_no_politicians(client_for: Callable[[str], Client]) -> None:
    response = client_for("anstalld").get("/")

    html = response.content.decode()
    contacts = response.context["contacts"]
    assert contacts[0].user.username == "chef.solrosen"
    assert "Förtroendevald" not in html
    assert contacts[0].user.get_full_name() in html


def test_the_person_is_not_their_own_contact(persona: Callable[[str], User]) -> None:
    manager = persona("chef.solrosen")
    assert manager.employment_node is not None

    contacts = selectors.security_contacts(manager, manager.employment_node)

    assert all(a.user_id != manager.pk for a in contacts)
    assert ("security_representative", "ombud.solrosen") in [(a.role, a.user.username) for a in contacts]
