"""Reads shared by views and the API, already scoped by the access policy."""

from __future__ import annotations

from django import forms
from django.db.models import Q, QuerySet

from varna.core import access
from varna.core.access import Perm
from varna.core.models import Body, Node, Role, RoleAssignment, User


def visible_nodes(user: User) -> QuerySet[Node]:
    """The organisation's node tree, in tree order."""
    return access.scope(user, Perm.VIEW_DIRECTORY, Node.objects.all()).order_by("path")


def node_for(user: User, pk: int) -> Node:
    return access.get_object_or_404(user, Perm.VIEW_DIRECTORY, Node.objects.all(), pk=pk)


def subtree(node: Node) -> QuerySet[Node]:
    return Node.objects.filter(organisation_id=node.organisation_id, path__startswith=node.path)


def ancestors(node: Node) -> list[Node]:
    """The node's ancestors, root first (one query)."""
    paths = node.ancestor_paths(include_self=False)
    return list(Node.objects.filter(organisation_id=node.organisation_id, path__in=paths).order_by("depth"))


def visible_people(user: User, *, search: str = "", node: Node | None = None) -> QuerySet[User]:
    people = access.scope(user, Perm.VIEW_PEOPLE, User.objects.select_related("employment_node"))
    if node is not None:
        people = people.filter(employment_node__path__startswith=node.path)
    if search:
        for word in search.split()[:5]:
            people = people.filter(
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(username__icontains=word)
                | Q(employee_number__iexact=word)
            )
    return people.order_by("last_name", "first_name", "pk")


def person_for(user: User, pk: int) -> User:
    return access.get_object_or_404(user, Perm.VIEW_PEOPLE, User.objects.select_related("employment_node"), pk=pk)


def security_role_holders(user: User, *, node: Node | None = None) -> QuerySet[RoleAssignment]:
    """Active security roles (not 'employee') visible in the directory, optionally for one node's ancestry."""
    rows = access.scope(
        user,
        Perm.VIEW_DIRECTORY,
        RoleAssignment.objects.active().exclude(role__in=["employee"]).select_related("user", "node"),
    ).filter(user__protected_identity=False)
    if node is not None:
        rows = rows.filter(node__path__in=node.ancestor_paths())
    return rows.order_by("node__path", "role", "user__last_name")


# Whom a person contacts about security, in this order: their own chain, nearest first, then the others.
CONTACT_CHAIN = (Role.UNIT_MANAGER, Role.SECURITY_REPRESENTATIVE, Role.SECURITY_OFFICER, Role.SECURITY_COORDINATOR)
CONTACT_OTHERS = (Role.HEAD_OF_ADMINISTRATION,)
CONTACT_LIMIT = 8
_CONTACT_CANDIDATES = 100  # role holders on one chain of the tree: a handful of levels with a few each


def security_contacts(user: User, node: Node, *, limit: int = CONTACT_LIMIT) -> list[RoleAssignment]:
    """Who the person contacts about security, for the overview: never every elected official.

    First the chain: the nearest unit manager, the security representative, the security officer of the
    förvaltning and the coordinator (for each, the holders nearest the person's unit). Then the other
    holders of those roles higher up and the heads of administration, nearest first. The person
    themself, elected officials, administrators and people with protected personal data are left out.
    """
    rows = list(
        security_role_holders(user, node=node)
        .filter(role__in=[*CONTACT_CHAIN, *CONTACT_OTHERS])
        .exclude(user_id=user.pk)[:_CONTACT_CANDIDATES]
    )
    nearest: dict[str, int] = {
        role: max((a.node.depth for a in rows if a.role == role), default=0) for role in CONTACT_CHAIN
    }
    order: list[str] = [*CONTACT_CHAIN, *CONTACT_OTHERS]

    def key(a: RoleAssignment) -> tuple[int, int, int, str]:
        in_chain = a.role in nearest and a.node.depth == nearest[a.role]
        return (0 if in_chain else 1, order.index(a.role), -a.node.depth, a.user.last_name)

    return sorted(rows, key=key)[:limit]


def role_assignments(user: User, *, include_ended: bool = False) -> QuerySet[RoleAssignment]:
    base = RoleAssignment.objects.all() if include_ended else RoleAssignment.objects.active()
    rows = access.scope(user, Perm.VIEW_PEOPLE, base.select_related("user", "node"))
    return rows.order_by("node__path", "role", "user__last_name")


def visible_bodies(user: User) -> QuerySet[Body]:
    return access.scope(user, Perm.VIEW_DIRECTORY, Body.objects.all()).prefetch_related(
        "memberships__user", "memberships__represents"
    )


def body_for(user: User, pk: int) -> Body:
    return access.get_object_or_404(user, Perm.VIEW_DIRECTORY, Body.objects.all(), pk=pk)


# Above this many nodes a filter list offers only the branches (nodes with units below), so that a
# municipality-wide list stays short enough to render and to use; units are reached from the branch or
# from the links in the list itself.
FILTER_CHOICE_LIMIT = 200
INDENT = "\u00a0\u00a0"


def node_choices(
    user: User, perm: Perm, *, for_filter: bool = False, selected: int | None = None
) -> list[tuple[int, str]]:
    """(pk, indented name) of the nodes where the person holds ``perm``, in tree order.

    ``for_filter``: a long list is cut to the nodes that have nodes below them (plus ``selected``).
    """
    rows = list(
        access.scope(user, perm, Node.objects.all()).order_by("path").values_list("pk", "name", "depth", "numchild")
    )
    if for_filter and len(rows) > FILTER_CHOICE_LIMIT:
        rows = [r for r in rows if r[3] > 0 or r[0] == selected]
    top = min((depth for _pk, _name, depth, _n in rows), default=1)
    return [(pk, INDENT * (depth - top) + name) for pk, name, depth, _n in rows]


def selected_node(form: forms.BaseForm) -> int | None:
    """The node a bound filter form was sent with (``node``), so that it stays in its list."""
    value = form.data.get("node") if form.is_bound else None
    return int(value) if isinstance(value, str) and value.isdigit() else None


def node_in_scope(user: User, perm: Perm, pk: int) -> Node | None:
    """The node ``pk`` if it lies where the person holds ``perm``."""
    return access.scope(user, perm, Node.objects.all()).filter(pk=pk).first()


def find_person(organisation_id: int, text: str, *, among: QuerySet[User] | None = None) -> User | None:
    """An active person of the organisation by user name, e-mail or employee number.

    ``among`` narrows the search (for example to a node's staff); it must already be of the organisation.
    """
    text = text.strip()
    if not text:
        return None
    people = among if among is not None else User.objects.filter(organisation_id=organisation_id, is_active=True)
    return (
        people.filter(Q(username__iexact=text) | Q(email__iexact=text) | Q(employee_number__iexact=text))
        .order_by("pk")
        .first()
    )
