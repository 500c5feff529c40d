"""The access policy's rules, stated as facts about the demo personas (independent of any view)."""

from __future__ import annotations

import datetime

import pytest

from varna.core import access, selectors
from varna.core.access import Perm
from varna.core.models import Node, RoleAssignment, User


def node(name: str) -> Node:
    return Node.objects.get(name=name)


def test_unit_manager_sees_staff_of_own_unit_but_not_other_administration(persona) -> None:
    chef = persona("chef.solrosen")
    assert access.can(chef, Perm.VIEW_PEOPLE, persona("anstalld"))
    assert not access.can(chef, Perm.VIEW_PEOPLE, persona("chef.hemtjanst"))


def test_security_officer_sees_whole_administration_but_not_home_care(persona) -> None:
    officer = persona("handlaggare.bou")
    assert access.can(officer, Perm.VIEW_PEOPLE, persona("chef.solrosen"))
    assert not access.can(officer, Perm.VIEW_PEOPLE, persona("chef.hemtjanst"))


def test_coordinator_sees_everyone_in_own_municipality_only(persona) -> None:
    coordinator = persona("samordnare")
    people = selectors.visible_people(coordinator)
    assert people.filter(username="chef.hemtjanst").exists()
    assert not people.filter(organisation__slug="grannby").exists()
    assert people.count() == User.objects.filter(organisation__slug="exempelkommun").count()


def test_other_municipality_coordinator_sees_nothing_of_exempelkommun(persona) -> None:
    outsider = persona("samordnare.grannby")
    assert not selectors.visible_nodes(outsider).filter(organisation__slug="exempelkommun").exists()
    assert not selectors.visible_people(outsider).filter(organisation__slug="exempelkommun").exists()
    assert not access.has_perm(outsider, Perm.VIEW_DIRECTORY, node("Solrosens förskola"))
    assert selectors.visible_nodes(outsider).exists()


def test_employee_and_politician_cannot_see_staff_records(persona) -> None:
    for username in ("anstalld", "politiker"):
        assert not access.has_perm(persona(username), Perm.VIEW_PEOPLE)
        assert selectors.visible_people(persona(username)).count() == 0


def test_everyone_in_the_municipality_sees_the_directory(persona) -> None:
    for username in ("anstalld", "politiker", "ombud.solrosen"):
        assert access.has_perm(persona(username), Perm.VIEW_DIRECTORY, node("Hemtjänst Centrum"))


def test_only_coordinator_and_administrator_manage_roles(persona) -> None:
    allowed = {
        u
        for u in ("samordnare", "admin", "handlaggare.bou", "chef.solrosen", "anstalld", "politiker")
        if access.has_perm(persona(u), Perm.MANAGE_ROLES)
    }
    assert allowed == {"samordnare", "admin"}


def test_ended_role_gives_no_access(persona) -> None:
    chef = persona("chef.solrosen")
    RoleAssignment.objects.filter(user=chef).update(valid_to=datetime.date(2021, 1, 1))
    chef = User.objects.get(pk=chef.pk)  # a new request: grants are cached per user object
    assert access.grants(chef) == []
    assert not access.can(chef, Perm.VIEW_PEOPLE, persona("anstalld"))


def test_future_role_gives_no_access_yet(persona) -> None:
    chef = persona("chef.solrosen")
    RoleAssignment.objects.filter(user=chef).update(valid_from=datetime.date(2999, 1, 1))
    chef = User.objects.get(pk=chef.pk)
    assert not access.has_perm(chef, Perm.VIEW_PEOPLE)


def test_inactive_account_has_no_grants(persona) -> None:
    chef = persona("chef.solrosen")
    chef.is_active = False
    assert access.grants(chef) == []


def test_object_outside_scope_is_404_not_403(persona) -> None:
    from django.http import Http404

    with pytest.raises(Http404):
        access.get_object_or_404(
            persona("chef.solrosen"), Perm.VIEW_PEOPLE, User.objects.all(), username="chef.hemtjanst"
        )
