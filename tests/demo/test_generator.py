"""The demo generator: deterministic, complete at every scale, and a consistent tree."""

from __future__ import annotations

import io
import math

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Exists, F, OuterRef

from tests.demo.fingerprint import digest_of_generation, fingerprint
from varna.core import access
from varna.core.access import Perm
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
from varna.demo.generator import generate
from varna.demo.personas import PASSWORD, PERSONAS, Persona, persona
from varna.demo.tree import RESERVED_NAMES, large_skeleton
from varna.protection.models import Facility

SMALL = 0.05

pytestmark = pytest.mark.django_db


def _digest() -> str:
    """A fingerprint of everything generated, without database ids."""
    queries = [
        Organisation.objects.order_by("slug").values_list("slug", "name", "org_number"),
        Node.objects.order_by("path").values_list(
            "organisation__slug", "path", "depth", "numchild", "code", "name", "kind"
        ),
        User.objects.order_by("username").values_list(
            "username",
            "first_name",
            "last_name",
            "email",
            "employee_number",
            "job_title",
            "phone",
            "employment_node__path",
            "organisation__slug",
            "protected_identity",
        ),
        RoleAssignment.objects.order_by("user__username", "role", "node__path", "valid_from").values_list(
            "user__username", "role", "node__path", "valid_from", "valid_to"
        ),
        Facility.objects.order_by("node__path", "name").values_list(
            "node__path", "name", "kind", "street_address", "postal_code", "city"
        ),
        BodyMembership.objects.order_by(
            "body__organisation__slug", "body__name", "user__username", "function"
        ).values_list("body__name", "user__username", "function", "represents__path"),
    ]
    return fingerprint(*queries)


def _digest_of_generation(*, scale: float, organisations: int = 1, seed: int = 1) -> str:
    digest = digest_of_generation(_digest, scale=scale, organisations=organisations, seed=seed)
    assert not Organisation.objects.exists()
    return digest


@pytest.fixture
def small(demo: None) -> None:
    """A small demo: the one every test session builds once (``tests/conftest.py``, scale ``TEST_SCALE``, seed 1),
    not a new one per test."""


def _active_roles(user: User) -> set[tuple[str, str]]:
    return {(a.role, a.node.name) for a in RoleAssignment.objects.active().filter(user=user).select_related("node")}


def _node(name: str, slug: str = "exempelkommun") -> Node:
    return Node.objects.get(organisation__slug=slug, name=name)


def test_same_arguments_give_identical_data() -> None:
    first = _digest_of_generation(scale=SMALL, organisations=3, seed=7)
    second = _digest_of_generation(scale=SMALL, organisations=3, seed=7)
    assert first == second


def test_another_seed_gives_other_data() -> None:
    assert _digest_of_generation(scale=SMALL, seed=1) != _digest_of_generation(scale=SMALL, seed=2)


@pytest.mark.parametrize("stated", PERSONAS, ids=[p.username for p in PERSONAS])
def test_persona_holds_exactly_the_stated_roles_at_the_stated_nodes(small: None, stated: Persona) -> None:
    user = persona(stated.username)
    assert user.organisation is not None and user.organisation.slug == stated.organisation
    assert user.employment_node is not None and user.employment_node.name == stated.employment_node
    assert (user.first_name, user.last_name) == (stated.first_name, stated.last_name)
    assert user.check_password(PASSWORD)
    assert _active_roles(user) == set(stated.roles)
    for _role, node_name in stated.roles:
        assert Node.objects.filter(organisation=user.organisation, name=node_name).count() == 1


def test_employee_persona_is_only_an_employee_of_solrosens_forskola(small: None) -> None:
    assert _active_roles(persona("anstalld")) == {(Role.EMPLOYEE, "Solrosens förskola")}


def test_persona_units_lie_under_their_administrations(small: None) -> None:
    assert _node("Solrosens förskola").path.startswith(_node("Barn- och utbildningsförvaltningen").path)
    assert _node("Hemtjänst Centrum").path.startswith(_node("Vård- och omsorgsförvaltningen").path)
    assert _node("Kommunledningsförvaltningen") in Node.objects.get_children(_node("Kommunstyrelsen"))
    assert _node("Kommunstyrelsen") in Node.objects.get_children(_node("Kommunfullmäktige"))
    assert _node("Kommunfullmäktige").is_root()
    assert persona("samordnare").email == "karin.holm@exempelkommun.se"


def test_persona_units_have_one_node_across_all_municipalities() -> None:
    generate(scale=0.5, organisations=3, seed=1)
    for name in ("Solrosens förskola", "Hemtjänst Centrum"):
        assert Node.objects.filter(name=name).count() == 1
    assert not Node.objects.filter(name__in=RESERVED_NAMES).exclude(organisation__slug="exempelkommun").exists()


def test_every_named_node_exists_with_its_kind_at_small_scale() -> None:
    generate(scale=0.01, seed=3)
    for spec in large_skeleton().walk():
        node = _node(spec.name)
        assert node.kind == spec.kind
        if spec.code:
            assert node.code == spec.code
    kinds = set(Node.objects.filter(organisation__slug="exempelkommun").values_list("kind", flat=True))
    assert kinds == set(NodeKind.values)


def test_node_tree_is_consistent_for_every_municipality() -> None:
    generate(scale=SMALL, organisations=4, seed=1)
    assert Node.objects.find_problems() == ([], [], [], [], [])
    assert Node.objects.filter(depth=1).count() == 4
    for org in Organisation.objects.all():
        nodes = Node.objects.filter(organisation=org)
        root = nodes.get(depth=1)
        assert nodes.filter(path__startswith=root.path).count() == nodes.count()
        assert len(set(nodes.values_list("code", flat=True))) == nodes.count()


def test_generating_beside_an_existing_tree_keeps_both_consistent() -> None:
    other = Organisation.objects.create(name="Annan kommun", slug="annan")
    Node.objects.add_root({"organisation": other, "kind": NodeKind.COUNCIL, "name": "Kommunfullmäktige", "code": "KF"})
    generate(scale=SMALL, seed=1)
    assert Node.objects.find_problems() == ([], [], [], [], [])
    assert Node.objects.filter(depth=1).count() == 3


def test_generating_twice_is_refused() -> None:
    generate(scale=SMALL, seed=1)
    with pytest.raises(ValueError, match="already exist"):
        generate(scale=SMALL, seed=1)


@pytest.mark.parametrize("kwargs", [{"scale": 0}, {"scale": -1}, {"scale": math.nan}, {"organisations": 0}])
def test_generate_rejects_impossible_sizes(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        generate(**kwargs)  # type: ignore[arg-type]


def test_small_scale_gives_a_small_municipality() -> None:
    generate(scale=SMALL, seed=1)
    nodes = Node.objects.filter(organisation__slug="exempelkommun").count()
    staff = User.objects.filter(organisation__slug="exempelkommun").exclude(employee_number="").count()
    assert 60 <= nodes <= 80
    assert 140 <= staff <= 260
    assert Node.objects.filter(organisation__slug="grannby").count() >= 12


def test_scale_one_gives_a_mid_sized_municipality() -> None:
    summary = generate(scale=1, seed=1)
    org = Organisation.objects.get(slug="exempelkommun")
    nodes = Node.objects.filter(organisation=org).count()
    staff = User.objects.filter(organisation=org).exclude(employee_number="").count()
    assert 130 <= nodes <= 175
    assert 2_850 <= staff <= 3_150
    assert 100 <= Facility.objects.filter(organisation=org).count() <= 170
    assert summary.count("node") == Node.objects.count()
    grannby_staff = User.objects.filter(organisation__slug="grannby").exclude(employee_number="").count()
    assert 0.15 * staff <= grannby_staff <= 0.25 * staff
    # Some people handed a role over: ended assignments, all in the past.
    ended = RoleAssignment.objects.filter(valid_to__isnull=False)
    assert ended.exists()
    assert not ended.filter(valid_to__gte="2024-01-01").exists()


def test_every_staff_member_is_an_employee_of_their_employment_node(small: None) -> None:
    staff = User.objects.exclude(employee_number="")
    employed_there = RoleAssignment.objects.active().filter(
        user=OuterRef("pk"), role=Role.EMPLOYEE, node=OuterRef("employment_node")
    )
    assert staff.exists()
    assert not staff.filter(~Exists(employed_there)).exists()


def test_every_unit_has_a_manager_and_every_administration_a_head(small: None) -> None:
    active = RoleAssignment.objects.active()
    units = Node.objects.filter(kind=NodeKind.UNIT)
    managed = units.filter(Exists(active.filter(node=OuterRef("pk"), role=Role.UNIT_MANAGER)))
    assert managed.count() == units.count()
    administrations = Node.objects.filter(kind=NodeKind.ADMINISTRATION)
    headed = administrations.filter(Exists(active.filter(node=OuterRef("pk"), role=Role.HEAD_OF_ADMINISTRATION)))
    assert headed.count() == administrations.count()
    with_officer = administrations.filter(Exists(active.filter(node=OuterRef("pk"), role=Role.SECURITY_OFFICER)))
    assert with_officer.count() >= administrations.count() - 1
    assert active.filter(role=Role.SECURITY_REPRESENTATIVE).count() >= units.count() // 3
    assert active.filter(role=Role.ELECTED_OFFICIAL, node__kind=NodeKind.COMMITTEE).exists()


def test_every_row_belongs_to_the_organisation_of_its_node_and_person(small: None) -> None:
    assert not RoleAssignment.objects.exclude(organisation=F("node__organisation")).exists()
    assert not RoleAssignment.objects.exclude(organisation=F("user__organisation")).exists()
    assert not Facility.objects.exclude(organisation=F("node__organisation")).exists()
    assert not BodyMembership.objects.exclude(organisation=F("body__organisation")).exists()
    assert not BodyMembership.objects.exclude(organisation=F("user__organisation")).exists()
    assert not User.objects.exclude(organisation=F("employment_node__organisation")).exists()
    assert not User.objects.filter(employment_node__isnull=True).exists()
    assert not Facility.objects.filter(street_address="").exists()


def test_only_personas_can_log_in_with_a_password(small: None) -> None:
    usable = [u.username for u in User.objects.all() if u.has_usable_password()]
    assert sorted(usable) == sorted(p.username for p in PERSONAS)


def test_security_group_is_chaired_by_the_kommunchef_with_the_coordinator_as_secretary(small: None) -> None:
    group = Body.objects.get(organisation__slug="exempelkommun", kind=BodyKind.SECURITY_GROUP)
    assert group.name == "Säkerhetsgruppen (SÄKSAM)"
    members = BodyMembership.objects.filter(body=group).select_related("user", "represents")
    chair = members.get(function=BodyFunction.CHAIR).user
    assert chair.job_title == "Kommunchef"
    assert chair.employment_node is not None and chair.employment_node.name == "Kommunledningsförvaltningen"
    assert members.get(function=BodyFunction.SECRETARY).user == persona("samordnare")
    represented = {m.represents.name for m in members.filter(function=BodyFunction.REPRESENTATIVE) if m.represents}
    staffed = Node.objects.filter(
        organisation__slug="exempelkommun", kind__in=[NodeKind.ADMINISTRATION, NodeKind.COMPANY], numchild__gt=0
    ).exclude(name__in=["Kommunledningsförvaltningen", "Exempelkommuns Stadshus AB"])
    assert set(staffed.values_list("name", flat=True)) <= represented
    assert members.filter(function=BodyFunction.EXPERT).count() == 1
    assert members.filter(function=BodyFunction.INSURANCE_BROKER).count() == 1


def test_every_municipality_has_a_crisis_support_group_with_members() -> None:
    generate(scale=SMALL, seed=1)  # at the smallest scale Grannby has too few people for four members
    for org in Organisation.objects.all():
        group = Body.objects.get(organisation=org, kind=BodyKind.CRISIS_GROUP)
        assert group.memberships.filter(function=BodyFunction.CHAIR).count() == 1
        assert group.memberships.count() >= 4


def test_grannby_is_a_separate_smaller_municipality(small: None) -> None:
    grannby = Organisation.objects.get(slug="grannby")
    assert grannby.name == "Grannby kommun"
    assert (
        Node.objects.filter(organisation=grannby).count()
        < Node.objects.filter(organisation__slug="exempelkommun").count()
    )
    outsider = persona("samordnare.grannby")
    assert access.has_perm(outsider, Perm.VIEW_PEOPLE, _node("Kommunstyrelsen", "grannby"))
    assert not access.has_perm(outsider, Perm.VIEW_DIRECTORY, _node("Solrosens förskola"))
    assert not access.scope(outsider, Perm.VIEW_PEOPLE, User.objects.filter(organisation__slug="exempelkommun"))
    assert Facility.objects.filter(organisation=grannby).exclude(city="Grannby").count() == 0


def test_further_municipalities_each_get_their_own_coordinator() -> None:
    generate(scale=SMALL, organisations=4, seed=1)
    slugs = list(Organisation.objects.order_by("pk").values_list("slug", flat=True))
    assert slugs == ["exempelkommun", "grannby", "norrby", "soderby"]
    for slug in slugs[2:]:
        coordinator = User.objects.get(username=f"samordnare.{slug}")
        root = Node.objects.get(organisation__slug=slug, depth=1)
        assert (Role.SECURITY_COORDINATOR, root.name) in _active_roles(coordinator)
        assert User.objects.filter(organisation__slug=slug, username__startswith=f"{slug}.").exists()


def test_demo_command_generates_and_prints_the_logins() -> None:
    out = io.StringIO()
    call_command("demo", "--scale", "0.02", stdout=out)
    text = out.getvalue()
    assert Organisation.objects.count() == 2
    if connection.vendor == "sqlite":  # the planner's statistics, so that a newcomer's pages are planned well
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'incidents_incident'")
            assert cursor.fetchone()[0] > 0
    for p in PERSONAS:
        assert p.username in text
    assert PASSWORD in text


def test_demo_command_refuses_a_database_with_data() -> None:
    Organisation.objects.create(name="Annan kommun", slug="annan")
    with pytest.raises(CommandError, match="already holds"):
        call_command("demo", "--scale", "0.02", stdout=io.StringIO())
    assert Organisation.objects.count() == 1


def test_demo_command_if_empty_skips_a_database_with_data_but_prints_the_logins(small: None) -> None:
    users = User.objects.count()
    out = io.StringIO()
    call_command("demo", "--if-empty", stdout=out)
    assert User.objects.count() == users
    assert "samordnare.grannby" in out.getvalue()
