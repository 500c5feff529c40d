"""Exempelkommun and Grannby built by hand for the API tests: a small tree, people in each role, a security group."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from varna.core.models import (
    Body,
    BodyFunction,
    BodyKind,
    BodyMembership,
    Node,
    NodeKind,
    Organisation,
    Role,
    RoleAssignment,
    User,
)

START = datetime.date(2020, 1, 1)


@dataclass
class World:
    """Exempelkommun (a tree of two administrations and three units) and Grannby."""

    org: Organisation
    root: Node
    school_admin: Node
    sun_school: Node
    moon_school: Node
    social_admin: Node
    home_care: Node
    other_org: Organisation
    other_root: Node
    other_unit: Node
    coordinator: User
    officer: User
    manager: User
    employee: User
    moon_teacher: User
    carer: User
    protected: User
    outsider: User
    security_group: Body


def add_person(org: Organisation, username: str, node: Node, **extra: Any) -> User:
    first, _, last = username.partition(".")
    return User.objects.create_user(
        username=username,
        password="not-used-by-the-api",
        organisation=org,
        employment_node=node,
        first_name=first.capitalize(),
        last_name=last.capitalize() or "Testsson",
        email=f"{username}@example.se",
        **extra,
    )


def add_role(user: User, role: str, node: Node, *, valid_to: datetime.date | None = None) -> RoleAssignment:
    return RoleAssignment.objects.create(
        organisation=node.organisation, user=user, role=role, node=node, valid_from=START, valid_to=valid_to
    )


def add_root(**fields: Any) -> Node:
    return Node.objects.add_root(create_kwargs=fields)


def add_child(parent: Node, **fields: Any) -> Node:
    child = Node.objects.add_child(parent, create_kwargs=fields)
    parent.refresh_from_db()  # numchild and the path counter changed
    return child


def build_world() -> World:
    org = Organisation.objects.create(name="Exempelkommun", slug="exempel")
    root = add_root(organisation=org, kind=NodeKind.EXECUTIVE_BOARD, name="Kommunstyrelsen", code="KS")
    school_admin = add_child(
        root, organisation=org, kind=NodeKind.ADMINISTRATION, name="Barn- och utbildningsförvaltningen", code="BUF"
    )
    sun_school = add_child(school_admin, organisation=org, kind=NodeKind.UNIT, name="Solskolan", code="BUF-1")
    moon_school = add_child(school_admin, organisation=org, kind=NodeKind.UNIT, name="Månskolan", code="BUF-2")
    social_admin = add_child(
        root, organisation=org, kind=NodeKind.ADMINISTRATION, name="Socialförvaltningen", code="SOC"
    )
    home_care = add_child(social_admin, organisation=org, kind=NodeKind.UNIT, name="Hemtjänst Norr", code="SOC-1")

    other_org = Organisation.objects.create(name="Grannby kommun", slug="grannby")
    other_root = add_root(organisation=other_org, kind=NodeKind.COUNCIL, name="Kommunfullmäktige", code="KF")
    other_unit = add_child(other_root, organisation=other_org, kind=NodeKind.UNIT, name="Grannskolan", code="G-1")

    coordinator = add_person(org, "sara.samordnare", root)
    add_role(coordinator, Role.SECURITY_COORDINATOR, root)
    officer = add_person(org, "olle.handlaggare", school_admin)
    add_role(officer, Role.SECURITY_OFFICER, school_admin)
    manager = add_person(org, "maja.chef", sun_school, employee_number="1001")
    add_role(manager, Role.UNIT_MANAGER, sun_school)
    add_role(manager, Role.UNIT_MANAGER, moon_school, valid_to=datetime.date(2021, 12, 31))  # ended
    employee = add_person(org, "erik.anstalld", sun_school)
    add_role(employee, Role.EMPLOYEE, sun_school)
    moon_teacher = add_person(org, "mona.larare", moon_school)
    add_role(moon_teacher, Role.EMPLOYEE, moon_school)
    carer = add_person(org, "karl.vardare", home_care)
    add_role(carer, Role.EMPLOYEE, home_care)
    protected = add_person(org, "hemlig.person", sun_school, protected_identity=True, job_title="Lärare")
    add_role(protected, Role.SECURITY_REPRESENTATIVE, sun_school)
    outsider = add_person(other_org, "gustav.granne", other_unit)
    add_role(outsider, Role.SECURITY_COORDINATOR, other_root)

    security_group = Body.objects.create(organisation=org, kind=BodyKind.SECURITY_GROUP, name="SÄKSAM")
    BodyMembership.objects.create(organisation=org, body=security_group, user=coordinator, function=BodyFunction.CHAIR)
    BodyMembership.objects.create(
        organisation=org,
        body=security_group,
        user=officer,
        function=BodyFunction.REPRESENTATIVE,
        represents=school_admin,
    )
    BodyMembership.objects.create(organisation=org, body=security_group, user=protected, function=BodyFunction.MEMBER)
    Body.objects.create(organisation=other_org, kind=BodyKind.CRISIS_GROUP, name="Grannby krisgrupp")

    return World(
        org=org,
        root=root,
        school_admin=Node.objects.get(pk=school_admin.pk),
        sun_school=sun_school,
        moon_school=moon_school,
        social_admin=Node.objects.get(pk=social_admin.pk),
        home_care=home_care,
        other_org=other_org,
        other_root=other_root,
        other_unit=other_unit,
        coordinator=coordinator,
        officer=officer,
        manager=manager,
        employee=employee,
        moon_teacher=moon_teacher,
        carer=carer,
        protected=protected,
        outsider=outsider,
        security_group=security_group,
    )
