"""The crawl of every URL and API operation as every demo persona, shared by the access-matrix and read tests.

New URLs are covered without anyone remembering: the crawl walks Django's URL resolver and django-ninja's
routers, fills each route with objects inside and outside each persona's part of the organisation and in
another municipality, and visits it as an anonymous user and as each persona of the demo.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

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
from varna.insurance.models import Allocation, Claim
from varna.training.models import CourseSession

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


def samples(model: type[models.Model]) -> list[models.Model]:
    """Objects of ``model`` in different parts of Exempelkommun and in Grannby."""
    if model is Incident and not Incident.objects.exists():
        from tests.incidents.samples import make_sample_incidents

        make_sample_incidents()  # the demo data in the test database has no incidents
    if model is Claim and not Claim.objects.exists():
        from tests.insurance.claim_samples import make_sample_claims

        make_sample_claims()  # nor insurance data
    if model is Allocation and not Allocation.objects.exists():
        from tests.insurance.allocation_world import make_sample_allocations

        make_sample_allocations()  # a draft allocation per municipality
    if model is CourseSession and not CourseSession.objects.exists():
        from tests.training.session_samples import make_sample_sessions

        make_sample_sessions(SAMPLE_NODES)  # nor training sessions
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


def fill(pattern: URLPattern, route: str, obj: models.Model | None) -> str:
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


def request(client: Client, method: str, url: str, **extra: Any) -> int:
    if method == "POST":
        return client.post(url, {}, **extra).status_code
    if method == "GET":
        return client.get(url, **extra).status_code
    return client.generic(method, url, **extra).status_code  # PATCH, PUT, DELETE without a body


def token_for(user: User) -> str:
    key = secrets.token_urlsafe(32)
    assert user.organisation_id is not None
    ApiToken.objects.create(organisation_id=user.organisation_id, user=user, key_hash=ApiToken.hash_key(key))
    return key


def page_method(route: Route) -> str:
    """The method the crawl uses for a page: GET, unless the view only takes POST."""
    req = route.requirement
    assert req is not None
    return "POST" if "POST" in req.methods and "GET" not in req.methods else "GET"


@dataclass
class Visit:
    """One request of the crawl: who asks (None: anonymous), for which object, at which URL, with which client."""

    username: str | None
    user: User | None
    obj: models.Model | None
    url: str
    client: Client
    headers: dict[str, str]

    @property
    def who(self) -> str:
        return self.username or "anonymous"


def page_visits(route: Route) -> Iterator[Visit]:
    """Every visit of ``route``: anonymous and each persona (logged in), for each sample object."""
    req = route.requirement
    assert req is not None
    objects: list[models.Model | None] = list(samples(req.model)) if req.model else [None]
    assert objects, f"no sample objects of {req.model} in the demo data"
    for username in [None, *PERSONAS]:
        user = User.objects.get(username=username) if username else None
        client = Client()
        if user is not None:
            client.force_login(user)
        for obj in objects:
            yield Visit(username, user, obj, fill(route.pattern, route.route, obj), client, {})


def api_visits(op: ApiOperation) -> Iterator[Visit]:
    """Every call of ``op``: without a token and with a fresh token of each persona, for each sample object."""
    req = op.requirement
    assert req is not None
    objects: list[models.Model | None] = list(samples(req.model)) if req.model else [None]
    for username in [None, *PERSONAS]:
        user = User.objects.get(username=username) if username else None
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token_for(user)}"} if user else {}
        for obj in objects:
            url = op.path.replace("{id}", str(obj.pk)) if obj is not None else op.path
            yield Visit(username, user, obj, url, Client(), headers)
