"""The access policy's rules, stated as facts about the demo personas (independent of any view)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.test import Client, RequestFactory
from django.urls import reverse

from varna.core import access, selectors, views_outbox
from varna.core import views as core_views
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


# --- the HTTP methods a view takes: access.require(methods=...) answers 405 itself ----------------


def _declared_view(**kwargs: Any) -> Callable[[HttpRequest], HttpResponseBase]:
    @access.require(Perm.VIEW_DASHBOARD, **kwargs)
    def view(request: HttpRequest) -> HttpResponse:
        return HttpResponse("ok")

    return view


def _methods(view: object) -> tuple[str, ...]:
    requirement = access.requirement_of(view)
    assert requirement is not None
    return requirement.methods


def test_require_records_the_methods_a_view_takes() -> None:
    assert access.requirement_of(_declared_view(methods=("POST",))) == access.Requirement(
        Perm.VIEW_DASHBOARD, methods=("POST",)
    )
    assert _methods(_declared_view(methods=("GET", "POST"))) == ("GET", "POST")
    assert _methods(_declared_view()) == ("GET",)
    assert _methods(core_views.role_end) == ("POST",)
    assert _methods(views_outbox.outbox_retry) == ("POST",)


@pytest.mark.parametrize("username", [None, "anstalld", "samordnare"])
def test_a_get_on_a_post_only_view_is_405_for_everyone_before_access_is_asked(
    username: str | None, client_for: Callable[[str], Client]
) -> None:
    client = client_for(username) if username else Client()

    for url in (reverse("core:role_end", args=[1]), reverse("core:outbox_retry", args=[1])):
        response = client.get(url)

        assert response.status_code == 405
        assert response["Allow"] == "POST"
        assert "Sidan kan inte öppnas så här" in response.content.decode()  # the 405 page, not an empty answer


def test_the_allowed_method_still_asks_for_login_and_the_permission(client_for: Callable[[str], Client]) -> None:
    url = reverse("core:role_end", args=[2_000_000_000])

    assert Client().post(url).status_code == 302  # to log in
    assert client_for("anstalld").post(url).status_code == 403  # may not manage roles
    assert client_for("samordnare").post(url).status_code == 404  # may, but there is no such assignment


def test_head_goes_with_get_and_the_allow_header_lists_the_declared_methods(
    rf: RequestFactory, persona: Callable[[str], User]
) -> None:
    view = _declared_view(methods=("GET", "POST"))
    head = rf.head("/")
    head.user = persona("anstalld")
    put = rf.put("/")
    put.user = AnonymousUser()

    assert view(head).status_code == 200
    refused = view(put)
    assert refused.status_code == 405
    assert refused["Allow"] == "GET, POST"


def test_without_methods_the_method_is_not_checked(rf: RequestFactory, persona: Callable[[str], User]) -> None:
    request = rf.post("/")
    request.user = persona("anstalld")

    assert _declared_view()(request).status_code == 200


def test_can_answers_what_a_read_of_the_request_already_decided_without_asking_the_database(
    persona, django_assert_num_queries: Any
) -> None:
    from varna.incidents.models import Incident

    chef = persona("chef.solrosen")
    case = access.scope(chef, Perm.HANDLE_INCIDENTS, Incident.objects.all()).first()
    assert case is not None
    access.remember(chef, Perm.HANDLE_INCIDENTS, case, False)  # what a read decided (here on purpose otherwise)
    with django_assert_num_queries(0):
        assert not access.can(chef, Perm.HANDLE_INCIDENTS, case)
    with django_assert_num_queries(1):  # another permission, or not as its owner, is asked as before
        assert access.can(chef, Perm.VIEW_INCIDENTS, case)
    vars(chef).pop("_varna_grants")  # the grants read again (a role changed): what was remembered goes with them
    with django_assert_num_queries(2):
        assert access.can(chef, Perm.HANDLE_INCIDENTS, case)


def test_the_organisations_name_comes_with_the_grants(persona, django_assert_num_queries: Any) -> None:
    chef = User.objects.get(pk=persona("chef.solrosen").pk)
    with django_assert_num_queries(1):  # the grants, and the name with them
        assert access.grants(chef)
        assert access.organisation_name(chef) == "Exempelkommun"
