"""The organisation API at /api/v1/: authentication, access scoping, filters, pagination, tokens."""

from __future__ import annotations

import datetime
import json
from io import StringIO
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from tests.core.world import World, add_child, add_person, add_role
from varna.api import api
from varna.core import access
from varna.core.models import (
    ApiToken,
    Body,
    BodyFunction,
    BodyMembership,
    NodeKind,
    Role,
    User,
)
from varna.core.tokens import issue_token, revoke_token


class ApiClient:
    """A test client that sends a bearer token and decodes JSON."""

    def __init__(self, key: str | None) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {key}"} if key else {}

    def get(self, path: str, **params: Any) -> tuple[int, Any]:
        response = self.client.get(f"/api/v1{path}", params, headers=self.headers)
        assert response["Content-Type"].startswith("application/json"), response.content[:200]
        return response.status_code, response.json()


def api_as(user: User) -> ApiClient:
    return ApiClient(issue_token(user=user, actor=user))


def ids(items: list[dict[str, Any]]) -> set[int]:
    return {item["id"] for item in items}


# --- authentication -----------------------------------------------------------------


def test_request_without_token_is_401_json(world: World) -> None:
    response = Client().get("/api/v1/nodes")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "detail" in response.json()


def test_request_with_unknown_token_is_401(world: World) -> None:
    status, body = ApiClient("not-a-real-token").get("/nodes")
    assert status == 401
    assert "detail" in body


def test_session_login_does_not_authenticate_the_api(world: World) -> None:
    client = Client()
    client.force_login(world.coordinator)
    assert client.get("/api/v1/me").status_code == 401


def test_revoked_token_stops_working(world: World) -> None:
    key = issue_token(user=world.coordinator, actor=world.coordinator)
    assert ApiClient(key).get("/me")[0] == 200
    revoke_token(token=ApiToken.objects.get(key_hash=ApiToken.hash_key(key)), actor=world.coordinator)
    assert ApiClient(key).get("/me")[0] == 401


def test_token_of_deactivated_person_stops_working(world: World) -> None:
    key = issue_token(user=world.employee, actor=None)
    User.objects.filter(pk=world.employee.pk).update(is_active=False)
    assert ApiClient(key).get("/me")[0] == 401


def test_token_is_stored_only_as_its_hash(world: World) -> None:
    key = issue_token(user=world.employee, actor=world.employee, label="  telefon  ")
    token = ApiToken.objects.get(user=world.employee)
    assert token.key_hash == ApiToken.hash_key(key)
    assert key not in {token.key_hash, token.label}
    assert token.label == "telefon"
    assert token.organisation_id == world.org.pk


def test_use_of_token_is_recorded(world: World) -> None:
    key = issue_token(user=world.employee, actor=None)
    ApiClient(key).get("/me")
    assert ApiToken.objects.get(user=world.employee).last_used_at is not None


def test_person_cannot_issue_or_revoke_tokens_for_someone_else(world: World) -> None:
    with pytest.raises(PermissionDenied):
        issue_token(user=world.coordinator, actor=world.employee)
    issue_token(user=world.coordinator, actor=None)
    token = ApiToken.objects.get(user=world.coordinator)
    with pytest.raises(PermissionDenied):
        revoke_token(token=token, actor=world.employee)


# --- the caller ---------------------------------------------------------------------


def test_me_shows_the_caller_their_organisation_and_roles_in_force(world: World) -> None:
    status, me = api_as(world.manager).get("/me")
    assert status == 200
    assert me["username"] == "maja.chef"
    assert me["organisation"] == {"id": world.org.pk, "name": "Exempelkommun", "slug": "exempel"}
    assert me["employment_node"]["id"] == world.sun_school.pk
    assert [(r["role"], r["node"]["id"]) for r in me["roles"]] == [("unit_manager", world.sun_school.pk)]
    assert "view_people" in me["permissions"]
    assert "password" not in json.dumps(me)


# --- the node tree ------------------------------------------------------------------


def test_employee_can_list_nodes_but_gets_403_on_people(world: World) -> None:
    client = api_as(world.employee)
    status, page = client.get("/nodes")
    assert status == 200
    assert page["count"] == 6
    assert [n["code"] for n in page["items"]] == ["KS", "BUF", "BUF-1", "BUF-2", "SOC", "SOC-1"]
    for path in ("/people", "/role-assignments", f"/people/{world.employee.pk}"):
        status, body = client.get(path)
        assert status == 403, path
        assert "detail" in body


def test_node_list_gives_kind_parent_and_children_count(world: World) -> None:
    _, page = api_as(world.employee).get("/nodes")
    by_code = {n["code"]: n for n in page["items"]}
    assert by_code["KS"]["parent"] is None
    assert by_code["KS"]["children_count"] == 2
    assert by_code["BUF-1"] == {
        "id": world.sun_school.pk,
        "kind": "unit",
        "name": "Solskolan",
        "code": "BUF-1",
        "depth": 3,
        "parent": world.school_admin.pk,
        "children_count": 0,
    }


def test_nodes_can_be_filtered_by_kind_parent_and_name(world: World) -> None:
    client = api_as(world.employee)
    assert ids(client.get("/nodes", kind="administration")[1]["items"]) == {
        world.school_admin.pk,
        world.social_admin.pk,
    }
    assert ids(client.get("/nodes", parent=world.school_admin.pk)[1]["items"]) == {
        world.sun_school.pk,
        world.moon_school.pk,
    }
    assert ids(client.get("/nodes", q="skolan")[1]["items"]) == {world.sun_school.pk, world.moon_school.pk}
    assert ids(client.get("/nodes", q="soc-1")[1]["items"]) == {world.home_care.pk}


def test_node_list_paginates_with_limit_and_offset(world: World) -> None:
    client = api_as(world.employee)
    status, page = client.get("/nodes", limit=2, offset=1)
    assert status == 200
    assert page["count"] == 6
    assert [n["code"] for n in page["items"]] == ["BUF", "BUF-1"]
    assert client.get("/nodes", limit=500)[0] == 200


@pytest.mark.parametrize(
    "params",
    [
        {"limit": 501},
        {"limit": 0},
        {"offset": -1},
        {"offset": 2**31},
        {"parent": 2**63},
        {"parent": 0},
        {"parent": "abc"},
        {"kind": "castle"},
        {"q": "x" * 101},
        {"q": "Sol\x00skolan"},
    ],
    ids=str,
)
def test_invalid_node_filters_are_422_with_an_explanation(world: World, params: dict[str, Any]) -> None:
    status, body = api_as(world.employee).get("/nodes", **params)
    assert status == 422
    assert body["detail"][0]["msg"]


def test_filter_on_parent_in_another_organisation_is_404(world: World) -> None:
    assert api_as(world.employee).get("/nodes", parent=world.other_root.pk)[0] == 404


def test_node_detail_has_ancestors_root_first_and_children_count(world: World) -> None:
    status, node = api_as(world.employee).get(f"/nodes/{world.sun_school.pk}")
    assert status == 200
    assert [a["code"] for a in node["ancestors"]] == ["KS", "BUF"]
    assert node["parent"] == world.school_admin.pk
    assert node["children_count"] == 0
    _, admin = api_as(world.employee).get(f"/nodes/{world.school_admin.pk}")
    assert admin["children_count"] == 2


def test_other_organisations_node_is_404(world: World) -> None:
    client = api_as(world.coordinator)
    status, body = client.get(f"/nodes/{world.other_unit.pk}")
    assert status == 404
    assert "detail" in body
    assert client.get(f"/nodes/{world.other_unit.pk}/role-holders")[0] == 404


def test_unknown_and_enormous_ids_are_404_or_422_never_500(world: World) -> None:
    client = api_as(world.coordinator)
    assert client.get(f"/nodes/{2**63 - 1}")[0] == 404
    assert client.get(f"/nodes/{2**63}")[0] == 422
    assert client.get(f"/people/{2**70}")[0] == 422
    assert client.get("/nodes/0")[0] == 422


def test_role_holders_cover_the_node_and_its_ancestors_without_protected_people(world: World) -> None:
    status, holders = api_as(world.employee).get(f"/nodes/{world.sun_school.pk}/role-holders")
    assert status == 200
    found = {(h["person"]["id"], h["role"], h["node"]["id"]) for h in holders}
    assert found == {
        (world.coordinator.pk, "security_coordinator", world.root.pk),
        (world.officer.pk, "security_officer", world.school_admin.pk),
        (world.manager.pk, "unit_manager", world.sun_school.pk),
    }
    assert "Hemlig" not in json.dumps(holders)


def test_role_holders_of_another_branch_exclude_this_branch(world: World) -> None:
    _, holders = api_as(world.employee).get(f"/nodes/{world.home_care.pk}/role-holders")
    assert {h["person"]["id"] for h in holders} == {world.coordinator.pk}


# --- people -------------------------------------------------------------------------


def test_unit_manager_sees_only_people_in_their_subtree(world: World) -> None:
    status, page = api_as(world.manager).get("/people")
    assert status == 200
    assert ids(page["items"]) == {world.manager.pk, world.employee.pk, world.protected.pk}
    assert page["count"] == 3


def test_unit_manager_gets_404_for_a_person_outside_their_subtree(world: World) -> None:
    client = api_as(world.manager)
    assert client.get(f"/people/{world.employee.pk}")[0] == 200
    assert client.get(f"/people/{world.moon_teacher.pk}")[0] == 404  # the manager's role there has ended
    assert client.get(f"/people/{world.carer.pk}")[0] == 404
    assert client.get(f"/people/{world.outsider.pk}")[0] == 404


def test_staff_record_shows_protected_persons_name_to_their_manager(world: World) -> None:
    status, person = api_as(world.manager).get(f"/people/{world.protected.pk}")
    assert status == 200
    assert person["first_name"] == "Hemlig"
    assert person["protected_identity"] is True
    assert person["employment_node"]["id"] == world.sun_school.pk


def test_people_never_include_password_or_username(world: World) -> None:
    _, page = api_as(world.coordinator).get("/people")
    text = json.dumps(page)
    assert "password" not in text
    assert "pbkdf2" not in text and "md5$" not in text
    assert set(page["items"][0]) == {
        "id",
        "first_name",
        "last_name",
        "email",
        "employee_number",
        "job_title",
        "phone",
        "employment_node",
        "protected_identity",
        "is_active",
    }


def test_people_can_be_searched_and_filtered_by_subtree(world: World) -> None:
    client = api_as(world.coordinator)
    assert ids(client.get("/people", q="maja")[1]["items"]) == {world.manager.pk}
    assert ids(client.get("/people", q="1001")[1]["items"]) == {world.manager.pk}
    assert ids(client.get("/people", node=world.social_admin.pk)[1]["items"]) == {world.carer.pk}
    assert client.get("/people", node=world.other_root.pk)[0] == 404


def test_coordinator_does_not_see_other_organisations_people(world: World) -> None:
    _, page = api_as(world.coordinator).get("/people", limit=500)
    assert world.outsider.pk not in ids(page["items"])
    assert page["count"] == 7


# --- role assignments ----------------------------------------------------------------


def test_role_assignments_are_scoped_and_hide_protected_names(world: World) -> None:
    status, page = api_as(world.manager).get("/role-assignments")
    assert status == 200
    people = {(r["person"]["id"], r["role"]) for r in page["items"]}
    assert people == {
        (world.manager.pk, "unit_manager"),
        (world.employee.pk, "employee"),
        (world.protected.pk, "security_representative"),
    }
    protected = next(r for r in page["items"] if r["person"]["id"] == world.protected.pk)
    assert protected["person"]["first_name"] is None
    assert protected["person"]["last_name"] is None


def test_role_assignments_filter_on_role_node_and_whether_active(world: World) -> None:
    client = api_as(world.coordinator)
    managers = client.get("/role-assignments", role="unit_manager")[1]["items"]
    assert {(r["node"]["id"], r["active"]) for r in managers} == {
        (world.sun_school.pk, True),
        (world.moon_school.pk, False),
    }
    ended = client.get("/role-assignments", active="false")[1]["items"]
    assert [(r["person"]["id"], r["node"]["id"]) for r in ended] == [(world.manager.pk, world.moon_school.pk)]
    active = client.get("/role-assignments", active="true", node=world.school_admin.pk)[1]
    assert active["count"] == 5  # officer, manager, employee, moon teacher, protected representative
    assert client.get("/role-assignments", role="king")[0] == 422


# --- bodies -------------------------------------------------------------------------


def test_bodies_are_listed_for_the_callers_organisation_only(world: World) -> None:
    status, page = api_as(world.employee).get("/bodies")
    assert status == 200
    assert [b["name"] for b in page["items"]] == ["SÄKSAM"]
    assert page["items"][0]["kind"] == "security_group"


def test_body_detail_lists_members_but_never_protected_people(world: World) -> None:
    status, body = api_as(world.employee).get(f"/bodies/{world.security_group.pk}")
    assert status == 200
    members = {(m["person"]["id"], m["function"]) for m in body["members"]}
    assert members == {(world.coordinator.pk, "chair"), (world.officer.pk, "representative")}
    officer = next(m for m in body["members"] if m["function"] == "representative")
    assert officer["represents"]["id"] == world.school_admin.pk
    assert "Hemlig" not in json.dumps(body)


def test_other_organisations_body_is_404(world: World) -> None:
    other = Body.objects.get(organisation=world.other_org)
    assert api_as(world.coordinator).get(f"/bodies/{other.pk}")[0] == 404
    assert api_as(world.outsider).get(f"/bodies/{other.pk}")[0] == 200


# --- queries ------------------------------------------------------------------------


def _grow(world: World, count: int) -> None:
    for i in range(count):
        unit = add_child(world.home_care, organisation=world.org, kind=NodeKind.UNIT, name=f"Grupp {i}", code=f"G{i}")
        person = add_person(world.org, f"person.nummer{i}", unit)
        add_role(person, Role.EMPLOYEE, unit)
        add_role(person, Role.SECURITY_REPRESENTATIVE, unit)


@pytest.mark.parametrize("path", ["/nodes", "/people", "/role-assignments", "/bodies"])
def test_lists_use_a_fixed_number_of_queries(world: World, path: str, django_assert_max_num_queries: Any) -> None:
    client = api_as(world.coordinator)
    _grow(world, 20)
    with django_assert_max_num_queries(8):
        status, page = client.get(path, limit=500)
    assert status == 200
    assert page["count"] == len(page["items"])


def test_body_detail_and_role_holders_use_a_fixed_number_of_queries(
    world: World, django_assert_max_num_queries: Any
) -> None:
    client = api_as(world.coordinator)
    for user in User.objects.filter(organisation=world.org, protected_identity=False):
        BodyMembership.objects.get_or_create(
            organisation=world.org, body=world.security_group, user=user, function=BodyFunction.MEMBER
        )
        add_role(user, Role.SECURITY_OFFICER, world.sun_school)
    with django_assert_max_num_queries(8):
        assert client.get(f"/bodies/{world.security_group.pk}")[0] == 200
    with django_assert_max_num_queries(8):
        assert client.get(f"/nodes/{world.sun_school.pk}/role-holders")[0] == 200


# --- declarations -------------------------------------------------------------------


def test_every_operation_declares_its_access_requirement() -> None:
    for _prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for op in path_view.operations:
                requirement = access.requirement_of(op.view_func)
                assert requirement is not None, path
                assert requirement.perm is not None, path
                if "{id}" in path:
                    assert requirement.model is not None, path


# --- the token command --------------------------------------------------------------


def test_token_command_prints_only_a_token_that_works(world: World) -> None:
    out = StringIO()
    call_command("api_token", "sara.samordnare", "--label", "HR-synk", stdout=out)
    key = out.getvalue().strip()
    assert "\n" not in key and " " not in key and len(key) >= 40
    status, me = ApiClient(key).get("/me")
    assert status == 200
    assert me["id"] == world.coordinator.pk
    assert ApiToken.objects.get(user=world.coordinator).label == "HR-synk"


def test_token_command_refuses_unknown_user(world: World) -> None:
    with pytest.raises(CommandError, match="No user with the user name 'nobody'"):
        call_command("api_token", "nobody", stdout=StringIO())


def test_token_command_refuses_person_without_organisation(db: None) -> None:
    User.objects.create_user(username="root", password="x")
    with pytest.raises(CommandError, match="hör inte till någon organisation"):
        call_command("api_token", "root", stdout=StringIO())
    assert not ApiToken.objects.exists()


def test_token_for_a_person_whose_organisation_changed_stops_working(world: World) -> None:
    key = issue_token(user=world.employee, actor=None)
    User.objects.filter(pk=world.employee.pk).update(organisation=world.other_org)
    assert ApiClient(key).get("/me")[0] == 401


def test_last_used_is_written_at_most_once_a_minute(world: World, django_assert_num_queries: Any) -> None:
    key = issue_token(user=world.employee, actor=None)
    client = ApiClient(key)
    client.get("/me")
    first = ApiToken.objects.get(user=world.employee).last_used_at
    client.get("/me")
    assert ApiToken.objects.get(user=world.employee).last_used_at == first
    ApiToken.objects.filter(user=world.employee).update(last_used_at=timezone.now() - datetime.timedelta(hours=1))
    client.get("/me")
    assert ApiToken.objects.get(user=world.employee).last_used_at > first  # type: ignore[operator]
