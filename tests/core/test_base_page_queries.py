"""The base cost of a page: the simplest page stays at a fixed number of queries, the person's grants are read
once per request, and the menu is built from them without further queries or URL look-ups, for the person of
that request only."""

from __future__ import annotations

from typing import Any
from unittest import mock

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.core.import_samples import TODAY, person
from varna.core import access, context_processors
from varna.core.access import Perm
from varna.core.models import Node, Organisation, Role, RoleAssignment, User

# The outgoing-mail page with no mail: the session, the person, their grants with the organisation's name (for the
# header) and the page's two counts. Nothing else runs per request.
SIMPLEST_PAGE_QUERIES = 5


def _logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_simplest_page_needs_at_most_five_queries(admin: User, django_assert_max_num_queries: Any) -> None:
    client = _logged_in(admin)
    client.get("/outbox/")  # the first request of a session warms nothing that a later one could rely on
    with django_assert_max_num_queries(SIMPLEST_PAGE_QUERIES):
        response = client.get("/outbox/")
    assert response.status_code == 200


def test_the_grants_are_read_once_per_request_and_again_on_the_next(admin: User) -> None:
    client = _logged_in(admin)
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/outbox/").status_code == 200
        grant_reads = [q for q in queries.captured_queries if 'FROM "core_roleassignment"' in q["sql"]]
        assert len(grant_reads) == 1


def test_the_menu_looks_up_no_url_once_it_has_been_shown(admin: User) -> None:
    client = _logged_in(admin)
    client.get("/outbox/")
    with mock.patch.object(context_processors, "reverse", side_effect=AssertionError("reversed again")):
        response = client.get("/outbox/")
    assert response.status_code == 200
    assert 'href="/outbox/" aria-current="page"' in response.content.decode()


def test_the_menu_of_one_person_never_shows_in_the_next_persons_page(org: Organisation, root: Node) -> None:
    administrator = _logged_in(person(org, "administrator", Role.ADMINISTRATOR, root))
    employee = _logged_in(person(org, "employee", Role.EMPLOYEE, root))
    for _ in range(2):  # alternating, so that anything kept from one request would show in the other's page
        assert 'href="/outbox/"' in administrator.get("/").content.decode()
        assert 'href="/outbox/"' not in employee.get("/").content.decode()


def test_a_role_given_in_the_same_request_is_held_once_the_grants_are_read_again(org: Organisation, root: Node) -> None:
    user = person(org, "newcomer", Role.EMPLOYEE, root)
    assert not access.has_perm(user, Perm.CONFIGURE)
    RoleAssignment.objects.create(organisation=org, user=user, role=Role.ADMINISTRATOR, node=root, valid_from=TODAY)
    vars(user).pop("_varna_grants")  # as a service does after changing the person's roles
    assert access.has_perm(user, Perm.CONFIGURE)
    assert access.held(user) == frozenset().union(*(access.ROLE_PERMISSIONS[r] for r in access.roles(user)))
