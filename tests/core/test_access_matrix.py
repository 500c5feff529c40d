"""The access matrix: every URL and API operation, with every demo persona.

New URLs are covered without anyone remembering: the crawl (``tests.core.crawl``) walks Django's URL
resolver and django-ninja's routers. Each view must declare its requirement through ``varna.core.access``;
the test then checks that what the view does matches what the policy grants, for objects inside and outside
each persona's part of the organisation and in another municipality. Reads never write: each GET of the crawl
also runs under the write detector (``tests.core.writes``), and a GET that writes outside what it may fails too.
"""

from __future__ import annotations

import pytest
from django.db import models

from tests.core.crawl import (
    API_OPERATIONS,
    HTML_ROUTES,
    ApiOperation,
    Route,
    api_visits,
    page_method,
    page_visits,
    request,
)
from tests.core.writes import recorded_writes, write_failures
from varna.core import access
from varna.core.access import Requirement
from varna.core.models import User


def test_every_url_declares_its_access_requirement() -> None:
    missing = [r.route for r in HTML_ROUTES if r.requirement is None]
    assert missing == [], f"views without an access declaration in varna.core.access: {missing}"


def test_every_api_operation_declares_its_access_requirement() -> None:
    assert API_OPERATIONS, "the API has no operations"
    missing = [f"{o.method} {o.path}" for o in API_OPERATIONS if o.requirement is None]
    assert missing == [], f"API operations without access.require_api: {missing}"


def _expect(user: User | None, req: Requirement, obj: models.Model | None) -> set[int]:
    """The statuses the policy allows for this person and object."""
    if req.perm is None:
        return set(range(200, 500))
    if user is None:
        return {302}
    if not access.has_perm(user, req.perm):
        return {403}
    if obj is not None and not access.can(user, req.object_perm or req.perm, obj):
        return {404}
    if obj is None and req.model is not None:
        return {404}  # a pk that does not exist
    return {200, 302, 400} if "POST" in req.methods else {200}


@pytest.mark.parametrize("route", [r for r in HTML_ROUTES if r.requirement is not None], ids=lambda r: r.route or "/")
def test_page_access_matches_policy_and_a_get_writes_nothing_for_every_persona(route: Route, demo: None) -> None:
    req = route.requirement
    assert req is not None
    method = page_method(route)
    failures = []
    for visit in page_visits(route):
        expected = _expect(visit.user, req, visit.obj)
        made_up = [n for n in route.pattern.pattern.converters if req.model is None or n != "pk"]
        if made_up and visit.user and req.perm and 403 not in expected:
            expected = {404}  # a made-up key (an import token, an attachment of the case) never exists
        with recorded_writes() as writes:
            status = request(visit.client, method, visit.url)
        if status not in expected:
            failures.append(f"{visit.who} {method} {visit.url}: got {status}, policy says {sorted(expected)}")
        if method == "GET":
            failures += write_failures(visit.who, method, visit.url, writes)
    assert failures == [], "\n".join(failures)


@pytest.mark.parametrize("op", API_OPERATIONS, ids=lambda o: f"{o.method} {o.path}")
def test_api_access_matches_policy_and_a_get_writes_nothing_for_every_persona(op: ApiOperation, demo: None) -> None:
    req = op.requirement
    assert req is not None
    failures = []
    for visit in api_visits(op):
        expected = {401} if visit.user is None else _expect(visit.user, req, visit.obj)
        with recorded_writes() as writes:
            status = request(visit.client, op.method, visit.url, **visit.headers)
        if op.method == "GET":
            failures += write_failures(visit.who, op.method, visit.url, writes)
        if op.method != "GET" and 200 in expected:
            expected = expected | {400, 409, 422}  # 409: let through, but without the case's revision
        if status not in expected:
            failures.append(f"{visit.who} {op.method} {visit.url}: got {status}, policy says {sorted(expected)}")
    assert failures == [], "\n".join(failures)
