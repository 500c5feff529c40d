"""API for the organisation: the caller, the node tree, people, roles and bodies.

Read-only. Every operation declares its access requirement with :func:`access.require_api`
directly under the router decorator, and fetches objects through the selectors, so that an
object outside the caller's scope is a 404.
"""

import datetime
from dataclasses import dataclass
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Left, Length
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.params import functions as params
from ninja.security import HttpBearer

from varna.core import access, selectors
from varna.core.access import Perm
from varna.core.models import ApiToken, Body, BodyMembership, Node, RoleAssignment, RoleAssignmentQuerySet, User
from varna.core.schemas import (
    MAX_ID,
    BodyDetailOut,
    BodyOut,
    ErrorOut,
    MeOut,
    NodeDetailOut,
    NodeFilters,
    NodeOut,
    PeopleFilters,
    PersonOut,
    RoleAssignmentFilters,
    RoleAssignmentOut,
    RoleHolderOut,
)

MAX_TOKEN_LENGTH = 200
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)  # at most one write per token and minute


class BearerToken(HttpBearer):
    """``Authorization: Bearer <token>``. Tokens are looked up by their SHA-256 hash."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        if not token or len(token) > MAX_TOKEN_LENGTH:
            return None
        row = (
            ApiToken.objects.select_related("user__organisation", "user__employment_node")
            .filter(
                key_hash=ApiToken.hash_key(token),
                revoked_at__isnull=True,
                user__is_active=True,
                user__organisation_id=F("organisation_id"),
            )
            .first()
        )
        if row is None:
            return None
        now = timezone.now()
        if row.last_used_at is None or row.last_used_at < now - LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        request.user = row.user
        return row.user


MAX_LIMIT = 500
MAX_OFFSET = 2**31 - 1


MAX_MESSAGE = 2000  # the longest validation message an API answer carries


def invalid(message: str) -> Status[dict[str, str]]:
    """A 422 answer with one message, as every app's API gives it for a refused write."""
    return Status(422, {"detail": message[:MAX_MESSAGE]})


def messages(exc: ValidationError) -> str:
    """A service's validation error as one line of text for an API answer."""
    return " ".join(exc.messages)[:MAX_MESSAGE]


def organisation_id(user: User) -> int:
    """The caller's organisation: a token only authenticates people of an organisation."""
    return user.organisation_id or 0


class PageParams(Schema):
    limit: int = Field(100, ge=1, le=MAX_LIMIT, description=f"How many items to return (at most {MAX_LIMIT}).")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="How many items to skip.")


class Pagination(LimitOffsetPagination):
    """Limit/offset pagination in the database, with both numbers bounded."""

    Input = PageParams  # type: ignore[assignment]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_limit=MAX_LIMIT, **kwargs)


ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
ObjectId = params.Path(..., ge=1, le=MAX_ID, description="The object's id.")

router = Router(tags=["organisation"])


def _with_parent(nodes: QuerySet[Node]) -> QuerySet[Node]:
    """Annotate ``parent_id``: the node whose path is this one's minus the last step (one indexed lookup)."""
    parent = Node.objects.filter(
        organisation_id=OuterRef("organisation_id"),
        path=Left(OuterRef("path"), Length(OuterRef("path")) - Node.steplen),
    ).values("pk")[:1]
    return nodes.annotate(parent_id=Subquery(parent))


@dataclass(frozen=True)
class NodeDetail:
    """One node for :class:`NodeDetailOut`: its fields, its parent and its ancestors (root first)."""

    id: int
    kind: str
    name: str
    code: str
    depth: int
    numchild: int
    parent_id: int | None
    ancestors: list[Node]


# --- the caller --------------------------------------------------------------------


@router.get("/me", response={200: MeOut, **ERRORS}, summary="The caller")
@access.require_api(Perm.USE_API)
def me(request: HttpRequest) -> dict[str, Any]:
    """The person the token belongs to, their organisation, roles in force today and permissions."""
    user = access.actor(request)
    roles = (
        RoleAssignment.objects.active()
        .filter(user=user, organisation=user.organisation, node__organisation=user.organisation)
        .select_related("node")
        .order_by("node__path", "role", "pk")
    )
    permissions = sorted({str(p) for grant in access.grants(user) for p in grant.perms})
    return {
        "id": user.pk,
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "organisation": user.organisation,
        "employment_node": user.employment_node,
        "roles": list(roles),
        "permissions": permissions,
    }


# --- the node tree -----------------------------------------------------------------


@router.get("/nodes", response={200: list[NodeOut], **ERRORS}, summary="Nodes of the organisation")
@access.require_api(Perm.VIEW_DIRECTORY)
@paginate(Pagination)
def list_nodes(request: HttpRequest, filters: Query[NodeFilters]) -> QuerySet[Node]:
    """The organisation's nodes in tree order (a parent before its children)."""
    user = access.actor(request)
    nodes = selectors.visible_nodes(user)
    if filters.kind is not None:
        nodes = nodes.filter(kind=filters.kind)
    if filters.parent is not None:
        parent = selectors.node_for(user, filters.parent)
        nodes = nodes.filter(path__startswith=parent.path, depth=parent.depth + 1)
    if filters.q:
        nodes = nodes.filter(Q(name__icontains=filters.q) | Q(code__iexact=filters.q))
    return _with_parent(nodes)


@router.get("/nodes/{id}", response={200: NodeDetailOut, **ERRORS}, summary="One node")
@access.require_api(Perm.VIEW_DIRECTORY, model=Node)
def get_node(request: HttpRequest, id: int = ObjectId) -> NodeDetail:
    """One node with its ancestors (root first) and its number of children."""
    node = selectors.node_for(access.actor(request), id)
    ancestors = selectors.ancestors(node)
    return NodeDetail(
        id=node.pk,
        kind=node.kind,
        name=node.name,
        code=node.code,
        depth=node.depth,
        numchild=node.numchild,
        parent_id=ancestors[-1].pk if ancestors else None,
        ancestors=ancestors,
    )


@router.get(
    "/nodes/{id}/role-holders", response={200: list[RoleHolderOut], **ERRORS}, summary="Security roles for a node"
)
@access.require_api(Perm.VIEW_DIRECTORY, model=Node)
def node_role_holders(request: HttpRequest, id: int = ObjectId) -> QuerySet[RoleAssignment]:
    """Who holds a security role in force today for the node or one of its ancestors.

    People with protected personal data are never listed here.
    """
    user = access.actor(request)
    node = selectors.node_for(user, id)
    return selectors.security_role_holders(user, node=node)


# --- people and roles --------------------------------------------------------------


@router.get("/people", response={200: list[PersonOut], **ERRORS}, summary="Staff records")
@access.require_api(Perm.VIEW_PEOPLE)
@paginate(Pagination)
def list_people(request: HttpRequest, filters: Query[PeopleFilters]) -> QuerySet[User]:
    """The staff records the caller may see: people employed in the subtrees where they may view people."""
    user = access.actor(request)
    node = selectors.node_for(user, filters.node) if filters.node is not None else None
    return selectors.visible_people(user, search=filters.q or "", node=node)


@router.get("/people/{id}", response={200: PersonOut, **ERRORS}, summary="One staff record")
@access.require_api(Perm.VIEW_PEOPLE, model=User)
def get_person(request: HttpRequest, id: int = ObjectId) -> User:
    return selectors.person_for(access.actor(request), id)


@router.get("/role-assignments", response={200: list[RoleAssignmentOut], **ERRORS}, summary="Role assignments")
@access.require_api(Perm.VIEW_PEOPLE)
@paginate(Pagination)
def list_role_assignments(request: HttpRequest, filters: Query[RoleAssignmentFilters]) -> QuerySet[RoleAssignment]:
    """Role assignments for nodes in the subtrees where the caller may view people.

    The names of people with protected personal data are null here.
    """
    user = access.actor(request)
    rows = selectors.role_assignments(user, include_ended=True)
    if filters.role is not None:
        rows = rows.filter(role=filters.role)
    if filters.node is not None:
        node = selectors.node_for(user, filters.node)
        rows = rows.filter(node__path__startswith=node.path)
    if filters.active is True:
        rows = cast(RoleAssignmentQuerySet, rows).active()
    elif filters.active is False:
        today = timezone.localdate()
        rows = rows.filter(Q(valid_from__gt=today) | Q(valid_to__lt=today))
    return rows.order_by("node__path", "role", "user__last_name", "pk")


# --- bodies ------------------------------------------------------------------------


@router.get("/bodies", response={200: list[BodyOut], **ERRORS}, summary="Bodies such as the security group")
@access.require_api(Perm.VIEW_DIRECTORY)
@paginate(Pagination)
def list_bodies(request: HttpRequest) -> QuerySet[Body]:
    return selectors.visible_bodies(access.actor(request)).prefetch_related(None).order_by("name", "pk")


@router.get("/bodies/{id}", response={200: BodyDetailOut, **ERRORS}, summary="One body with its members")
@access.require_api(Perm.VIEW_DIRECTORY, model=Body)
def get_body(request: HttpRequest, id: int = ObjectId) -> dict[str, Any]:
    """One body and its members. People with protected personal data are not listed."""
    user = access.actor(request)
    body = selectors.body_for(user, id)
    nameable = User.objects.filter(access.people_visible_by_name(user))
    members = (
        BodyMembership.objects.filter(body=body, user__in=nameable)
        .select_related("user", "represents")
        .order_by("function", "user__last_name", "user__first_name", "pk")
    )
    return {
        "id": body.pk,
        "kind": body.kind,
        "name": body.name,
        "description": body.description,
        "members": list(members),
    }
