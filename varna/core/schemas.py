"""Schemas of the core API: what goes in (query parameters) and what comes out.

Field names are English; enum values are the code values ("unit", "security_officer").
Every query parameter is bounded, so that no input can reach the database in a form it
cannot take: integers fit a signed 64-bit column and strings are short and free of NUL
characters (PostgreSQL rejects those).
"""

from __future__ import annotations

import datetime
from typing import Annotated, Any

from django.utils import timezone
from ninja import Field, Schema
from pydantic import AfterValidator

from varna.core.models import BodyFunction, BodyKind, NodeKind, Role

MAX_ID = 2**63 - 1  # primary keys are BigAutoFields: signed 64-bit on SQLite and PostgreSQL
MAX_SEARCH_LENGTH = 100


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL (\\x00) characters")
    return value


Id = Annotated[int, Field(ge=1, le=MAX_ID)]
SearchText = Annotated[
    str,
    Field(max_length=MAX_SEARCH_LENGTH, json_schema_extra={"pattern": "^[^\\x00]*$"}),
    AfterValidator(_no_nul),
]


# --- query parameters ------------------------------------------------------------


class NodeFilters(Schema):
    kind: NodeKind | None = Field(None, description="Only nodes of this kind.")
    parent: Id | None = Field(None, description="Only the direct children of this node.")
    q: SearchText | None = Field(None, description="Part of the name, or the whole code.")


class PeopleFilters(Schema):
    q: SearchText | None = Field(
        None, description="Words that must each be part of the name or user name, or the whole employee number."
    )
    node: Id | None = Field(None, description="Only people employed in this node or below it.")


class RoleAssignmentFilters(Schema):
    role: Role | None = Field(None, description="Only this role.")
    node: Id | None = Field(None, description="Only assignments for this node or a node below it.")
    active: bool | None = Field(
        None, description="true: only assignments in force today; false: only ended or future ones; unset: all."
    )


# --- output ------------------------------------------------------------------------


class OrganisationOut(Schema):
    id: int
    name: str
    slug: str


class NodeRef(Schema):
    id: int
    kind: NodeKind
    name: str
    code: str


class NodeOut(NodeRef):
    depth: int = Field(description="1 for a root node.")
    parent: int | None = Field(description="The parent node's id; null for a root node.")
    children_count: int

    @staticmethod
    def resolve_parent(obj: Any) -> int | None:
        return getattr(obj, "parent_id", None)

    @staticmethod
    def resolve_children_count(obj: Any) -> int:
        return int(obj.numchild)


class NodeDetailOut(NodeOut):
    ancestors: list[NodeRef] = Field(description="From the root down to the parent.")


class GrantOut(Schema):
    role: Role
    node: NodeRef
    valid_from: datetime.date
    valid_to: datetime.date | None


class MeOut(Schema):
    id: int
    username: str
    first_name: str
    last_name: str
    email: str
    organisation: OrganisationOut
    employment_node: NodeRef | None
    roles: list[GrantOut] = Field(description="The caller's role assignments in force today.")
    permissions: list[str] = Field(description="What the caller's roles allow, somewhere in the organisation.")


class PersonOut(Schema):
    """A staff record. Names are shown here even for people with protected personal data:
    only those who may see the record (Perm.VIEW_PEOPLE for the employment node) reach it."""

    id: int
    first_name: str
    last_name: str
    email: str
    employee_number: str
    job_title: str
    phone: str
    employment_node: NodeRef | None
    protected_identity: bool
    is_active: bool


class PersonRef(Schema):
    """A person named outside their staff record: no name for people with protected personal data."""

    id: int
    first_name: str | None
    last_name: str | None

    @staticmethod
    def resolve_first_name(obj: Any) -> str | None:
        return None if obj.protected_identity else obj.first_name

    @staticmethod
    def resolve_last_name(obj: Any) -> str | None:
        return None if obj.protected_identity else obj.last_name


class ContactRef(PersonRef):
    job_title: str | None

    @staticmethod
    def resolve_job_title(obj: Any) -> str | None:
        return None if obj.protected_identity else obj.job_title


class RoleAssignmentOut(Schema):
    id: int
    role: Role
    person: PersonRef
    node: NodeRef
    valid_from: datetime.date
    valid_to: datetime.date | None
    active: bool = Field(description="Whether the assignment is in force today.")

    @staticmethod
    def resolve_person(obj: Any) -> Any:
        return obj.user

    @staticmethod
    def resolve_active(obj: Any) -> bool:
        today = timezone.localdate()
        return bool(obj.valid_from <= today and (obj.valid_to is None or obj.valid_to >= today))


class RoleHolderOut(Schema):
    role: Role
    person: ContactRef
    node: NodeRef
    valid_from: datetime.date
    valid_to: datetime.date | None

    @staticmethod
    def resolve_person(obj: Any) -> Any:
        return obj.user


class BodyOut(Schema):
    id: int
    kind: BodyKind
    name: str
    description: str


class MemberOut(Schema):
    function: BodyFunction
    person: ContactRef
    represents: NodeRef | None

    @staticmethod
    def resolve_person(obj: Any) -> Any:
        return obj.user


class BodyDetailOut(BodyOut):
    members: list[MemberOut] = Field(description="Members, except people with protected personal data.")


class ErrorOut(Schema):
    detail: Any = Field(description="A message, or for 422 a list of what was wrong with which parameter.")
