"""The access matrix: every URL and API operation, with every demo persona.

New URLs are covered without anyone remembering: the test walks Django's URL
resolver and django-ninja's routers. Each view must declare its requirement
through ``varna.core.access``; the test then checks that what the view does
matches what the policy grants, for objects inside and outside each persona's
part of the organisation and in another municipality.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import models
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter, UUIDConverter

from varna.api import api
from varna.core import access
from varna.core.access import Requirement
from varna.core.models import ApiToken, Node, Organisation, OutboxMail, User
from varna.demo.personas import PERSONAS as DEMO_PERSONAS
from varna.incidents.models import Incident

PERSONAS = [p.username for p in DEMO_PERSONAS]
SAMPLE_NODES = ["Solrosens förskola", "Hemtjänst Centrum", "Kommunstyrelsen"]


@dataclass
class Route:
    name: str
    route: str  # e.g. "organisation/<int:pk>/"
    pattern: URLPattern
    requirement: Requirement | None


def _walk(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, URLPattern, str]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            if p.namespace == "api":
                continue  # the API is walked through its routers below
            yield from _walk(p.url_patterns, prefix + str(p.pattern))
        else:
            namespace = ""
            yield prefix + str(p.pattern), p, namespace


def html_routes() -> list[Route]:
    routes = []
    for route, pattern, _ns in _walk(get_resolver().url_patterns):
        routes.append(Route(pattern.name or route, route, pattern, access.requirement_of(pattern.callback)))
    return routes


@dataclass
class ApiOperation:
    path: str
    method: str
    requirement: Requirement | None


def api_operations() -> list[ApiOperation]:
    ops = []
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for op in path_view.operations:
                for method in op.methods:
                    full = "/api/v1/" + "/".join(p.strip("/") for p in (prefix, path) if p.strip("/"))
                    ops.append(ApiOperation(full, method, access.requirement_of(op.view_func)))
    return ops


HTML_ROUTES = html_routes()
API_OPERATIONS = api_operations()


def test_every_url_declares_its_access_requirement() -> None:
    missing = [r.route for r in HTML_ROUTES if r.requirement is None]
    assert missing == [], f"views without an access declaration in varna.core.access: {missing}"


def test_every_api_operation_declares_its_access_requirement() -> None:
    assert API_OPERATIONS, "the API has no operations"
    missing = [f"{o.method} {o.path}" for o in API_OPERATIONS if o.requirement is None]
    assert missing == [], f"API operations without access.require_api: {missing}"


def _samples(model: type[models.Model]) -> list[models.Model]:
    """Objects of ``model`` in different parts of Exempelkommun and in Grannby."""
    if model is Incident and not Incident.objects.exists():
        from tests.incidents.samples import make_sample_incidents

        make_sample_incidents()  # the demo data in the test database has no incidents
    if model is OutboxMail and not OutboxMail.objects.exists():
        for org in Organisation.objects.order_by("pk"):  # the demo sends no mail: one failed mail per municipality
            OutboxMail.objects.create(
                organisation=org, recipients=["a@example.se"], subject="Prov", body="", status="failed"
            )
    field = getattr(model, "ACCESS_NODE_FIELD", None)
    manager = model._default_manager
    found: list[models.Model] = []
    if field is None:
        for org in Organisation.objects.order_by("pk"):
            obj = (manager.filter(pk=org.pk) if model is Organisation else manager.filter(organisation=org)).first()
            if obj is not None:
                found.append(obj)
        return found
    lookup = f"{field}__path" if field else "path"
    nodes = list(Node.objects.filter(name__in=SAMPLE_NODES)) + list(
        Node.objects.filter(organisation__slug="grannby", depth__gte=2).order_by("-depth", "path")[:1]
    )
    for node in nodes:
        obj = manager.filter(**{lookup: node.path}).order_by("pk").first()
        if obj is None:
            obj = manager.filter(**{f"{lookup}__startswith": node.path}).order_by("pk").first()
        if obj is not None and obj not in found:
            found.append(obj)
    return found


def _fill(pattern: URLPattern, route: str, obj: models.Model | None) -> str:
    url = "/" + route
    for name, converter in pattern.pattern.converters.items():
        if obj is not None and name == "pk":
            value: Any = obj.pk
        elif isinstance(converter, IntConverter):
            value = 2_000_000_000
        elif isinstance(converter, UUIDConverter):
            value = uuid.uuid4()
        else:
            value = "x"
        url = url.replace(f"<{type(converter).__name__.replace('Converter', '').lower()}:{name}>", str(value))
        url = url.replace(f"<{name}>", str(value))
    return url


def _request(client: Client, method: str, url: str, **extra: Any) -> int:
    if method == "POST":
        return client.post(url, {}, **extra).status_code
    if method == "GET":
        return client.get(url, **extra).status_code
    return client.generic(method, url, **extra).status_code  # PATCH, PUT, DELETE without a body


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
def test_page_access_matches_policy_for_every_persona(route: Route, demo: None) -> None:
    req = route.requirement
    assert req is not None
    objects: list[models.Model | None] = list(_samples(req.model)) if req.model else [None]
    assert objects, f"no sample objects of {req.model} in the demo data"
    method = "POST" if "POST" in req.methods and "GET" not in req.methods else "GET"
    failures = []
    for username in [None, *PERSONAS]:
        user = User.objects.get(username=username) if username else None
        client = Client()
        if user is not None:
            client.force_login(user)
        for obj in objects:
            url = _fill(route.pattern, route.route, obj)
            expected = _expect(user, req, obj)
            made_up = [n for n in route.pattern.pattern.converters if req.model is None or n != "pk"]
            if made_up and user and req.perm and 403 not in expected:
                expected = {404}  # a made-up key (an import token, an attachment of the case) never exists
            status = _request(client, method, url)
            if status not in expected:
                failures.append(
                    f"{username or 'anonymous'} {method} {url}: got {status}, policy says {sorted(expected)}"
                )
    assert failures == [], "\n".join(failures)


def _token_for(user: User) -> str:
    key = secrets.token_urlsafe(32)
    assert user.organisation_id is not None
    ApiToken.objects.create(organisation_id=user.organisation_id, user=user, key_hash=ApiToken.hash_key(key))
    return key


@pytest.mark.parametrize("op", API_OPERATIONS, ids=lambda o: f"{o.method} {o.path}")
def test_api_access_matches_policy_for_every_persona(op: ApiOperation, demo: None) -> None:
    req = op.requirement
    assert req is not None
    objects: list[models.Model | None] = list(_samples(req.model)) if req.model else [None]
    failures = []
    for username in [None, *PERSONAS]:
        user = User.objects.get(username=username) if username else None
        headers = {"HTTP_AUTHORIZATION": f"Bearer {_token_for(user)}"} if user else {}
        for obj in objects:
            url = op.path.replace("{id}", str(obj.pk)) if obj is not None else op.path
            expected = {401} if user is None else _expect(user, req, obj)
            status = _request(Client(), op.method, url, **headers)
            if op.method != "GET" and 200 in expected:
                expected = expected | {400, 409, 422}  # 409: let through, but without the case's revision
            if status not in expected:
                failures.append(
                    f"{username or 'anonymous'} {op.method} {url}: got {status}, policy says {sorted(expected)}"
                )
    assert failures == [], "\n".join(failures)
