"""The access policy: the one place that decides who may see or do what.

A person holds roles (``RoleAssignment``) for a node and its whole subtree
during a validity period. A role grants a set of permissions. Each permission
is either *scoped* (it reaches the records of the assignment's subtree) or
*organisation-wide* (holding it anywhere gives it for the whole organisation).

Views and API operations declare what they need with :func:`require` (or
:func:`public`); lists are filtered in the database with :func:`scope`; a
single object is fetched and checked in one call with :func:`get_object_or_404`.
An object the person may not see is a 404, never a 403.

People are typed as :class:`~varna.core.models.User`. A view takes ``request: HttpRequest`` and reads the
person with ``user = access.actor(request)`` (a ``User``: :func:`require` has let only people through).
A helper that is handed the request after that check may annotate it :class:`AuthenticatedRequest`.
Who holds a permission for a node is asked with :func:`holders`, never with a list of roles; who holds
any role but employee (only to shorten a list of candidates) with :func:`role_holders`.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Concatenate, Literal

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import models
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponseNotAllowed
from django.http.response import HttpResponseBase
from django.utils.log import log_response

from varna.core.models import Node, Role, RoleAssignment, User


class Perm(enum.StrEnum):
    VIEW_DASHBOARD = "view_dashboard"
    VIEW_DIRECTORY = "view_directory"  # the node tree, bodies and who holds security roles
    VIEW_PEOPLE = "view_people"  # staff records (employee number, e-mail, employment unit)
    MANAGE_ROLES = "manage_roles"
    VIEW_HISTORY = "view_history"
    IMPORT_DATA = "import_data"
    CONFIGURE = "configure"
    VIEW_FACILITIES = "view_facilities"
    USE_API = "use_api"
    REPORT_INCIDENT = "report_incident"  # report, and follow one's own reports
    VIEW_INCIDENTS = "view_incidents"
    HANDLE_INCIDENTS = "handle_incidents"
    VIEW_CONFIDENTIAL = "view_confidential"  # threats and violence (G8, K11) in full
    VIEW_CONFIDENTIAL_LOG = "view_confidential_log"
    VIEW_STATISTICS = "view_statistics"
    VIEW_RISKS = "view_risks"  # risk analyses, risks, measures, heat maps and the schedule of analyses
    MANAGE_RISKS = "manage_risks"  # write analyses, risks and measures
    ADOPT_RISK_ANALYSES = "adopt_risk_analyses"  # mark an analysis as adopted (fastställd)
    CONFIGURE_RISK_MATRIX = "configure_risk_matrix"
    PLAN_ANALYSES = "plan_analyses"  # keep the yearly plan of analyses (K6)
    VIEW_PLANS = "view_plans"
    MANAGE_PLANS = "manage_plans"  # write action plans, their actions and the adoption record
    REVIEW_PLANS = "review_plans"  # the security group's yearly review of the plans (G14)
    VIEW_INSURANCE = "view_insurance"  # a node's claims, fund ledger and share of the allocation
    MANAGE_INSURANCE = "manage_insurance"  # the insurance programme, claims, exposure and the allocation (G12, K19)
    REQUEST_FUND = "request_fund"  # ask the deductible fund for a payout or a grant for a preventive measure
    APPROVE_FUND = "approve_fund"  # decide payouts and grants, book contributions and corrections (G15)
    VIEW_OWN_TRAINING = "view_own_training"  # one's own training record and what one needs next
    VIEW_TRAINING = "view_training"  # the training records, coverage and gaps of the people in a subtree (G7)
    RECORD_TRAINING = "record_training"  # register completed courses, import providers' lists, sessions
    CONFIGURE_TRAINING = "configure_training"  # the courses and who needs them
    MANAGE_PROTECTION = "manage_protection"  # facilities, their protection systems and service visits (G11)
    MANAGE_RETENTION = "manage_retention"  # the retention schedule, holds, approving gallring, the archive package
    REGISTER_EXTRACT = "register_extract"  # the data subject's register extract and erasure requests (GDPR)
    CONFIGURE_PROTECTION = "configure_protection"  # false-alarm causes and rule (K12), self-inspection checklists
    VIEW_DOCUMENTS = "view_documents"  # the governing documents: adopted public ones, and what the person manages
    MANAGE_DOCUMENTS = "manage_documents"  # write governing documents, their versions and adoptions (P1, K1-K2)
    VIEW_SECRET_DOCUMENTS = "view_secret_documents"  # noqa: S105 - a permission, not a password; secret documents (e.g. a security-protection analysis)
    REVIEW_PREPAREDNESS = "review_preparedness"  # which preparedness sub-plans are missing or out of date (K)
    VIEW_FOLLOW_UPS = "view_follow_ups"  # the yearly follow-ups of the nämnder and förvaltningar (P5, G14)
    MANAGE_FOLLOW_UPS = "manage_follow_ups"  # generate a follow-up, comment it, fix it, make a new version
    VIEW_OVERVIEW = "view_overview"  # the elected officials' start page: aggregates, small counts suppressed
    CONFIGURE_KEY_FIGURES = "configure_key_figures"  # the organisation's key figures: definitions and targets (P5)
    # The RSA (MSBFS 2015:5): the security group reads its drafts and the list of critical services; the coordinator
    # writes them. Elected officials see the RSA when it is adopted, never a draft.
    VIEW_RSA = "view_rsa"
    MANAGE_RSA = "manage_rsa"


# Permissions that, once held anywhere, reach the whole organisation.
ORGANISATION_WIDE = frozenset(
    {
        Perm.VIEW_DASHBOARD,
        Perm.VIEW_DIRECTORY,
        Perm.IMPORT_DATA,
        Perm.CONFIGURE,
        Perm.USE_API,
        Perm.REPORT_INCIDENT,
        Perm.VIEW_CONFIDENTIAL_LOG,
        Perm.CONFIGURE_RISK_MATRIX,
        Perm.PLAN_ANALYSES,
        Perm.REVIEW_PLANS,
        Perm.MANAGE_INSURANCE,
        Perm.APPROVE_FUND,
        Perm.CONFIGURE_TRAINING,
        Perm.VIEW_OWN_TRAINING,
        Perm.MANAGE_RETENTION,
        Perm.REGISTER_EXTRACT,
        Perm.CONFIGURE_PROTECTION,
        Perm.VIEW_DOCUMENTS,
        Perm.REVIEW_PREPAREDNESS,
        Perm.CONFIGURE_KEY_FIGURES,
        Perm.VIEW_RSA,
        Perm.MANAGE_RSA,
    }
)

_EVERYONE = {
    Perm.VIEW_DASHBOARD,
    Perm.VIEW_DIRECTORY,
    Perm.USE_API,
    Perm.REPORT_INCIDENT,
    Perm.VIEW_OWN_TRAINING,
    Perm.VIEW_DOCUMENTS,
}
_HANDLERS = {Perm.VIEW_INCIDENTS, Perm.HANDLE_INCIDENTS, Perm.VIEW_STATISTICS}
_RISK_WORKERS = {Perm.VIEW_RISKS, Perm.MANAGE_RISKS, Perm.VIEW_PLANS}
_RESPONSIBLE = _RISK_WORKERS | {Perm.ADOPT_RISK_ANALYSES, Perm.MANAGE_PLANS}
_FUND_APPLICANTS = {Perm.VIEW_INSURANCE, Perm.REQUEST_FUND}
_TRAINING_MANAGERS = {Perm.VIEW_TRAINING, Perm.RECORD_TRAINING}
# Governing documents: their owners keep them (drafts, new versions, adoptions); secret ones only with the second.
_DOCUMENT_KEEPERS = {Perm.MANAGE_DOCUMENTS, Perm.VIEW_SECRET_DOCUMENTS}
_FOLLOW_UP_WRITERS = {Perm.VIEW_FOLLOW_UPS, Perm.MANAGE_FOLLOW_UPS}

ROLE_PERMISSIONS: dict[str, frozenset[Perm]] = {
    Role.SECURITY_COORDINATOR: frozenset(
        _EVERYONE
        | _HANDLERS
        | {
            Perm.VIEW_PEOPLE,
            Perm.MANAGE_ROLES,
            Perm.VIEW_HISTORY,
            Perm.IMPORT_DATA,
            Perm.VIEW_FACILITIES,
            Perm.VIEW_CONFIDENTIAL,
            Perm.VIEW_CONFIDENTIAL_LOG,
        }
        | _RESPONSIBLE
        | {Perm.CONFIGURE_RISK_MATRIX, Perm.PLAN_ANALYSES, Perm.REVIEW_PLANS}
        | _FUND_APPLICANTS
        | {Perm.MANAGE_INSURANCE, Perm.APPROVE_FUND}
        | _TRAINING_MANAGERS
        | {Perm.CONFIGURE_TRAINING}
        | {Perm.MANAGE_PROTECTION, Perm.CONFIGURE_PROTECTION}
        | _DOCUMENT_KEEPERS
        | {Perm.REVIEW_PREPAREDNESS}
        # The coordinator keeps the security work's records (the administrative security: archive rules) and
        # answers for them: the retention schedule, approving gallring and the data subject's extract.
        | {Perm.MANAGE_RETENTION, Perm.REGISTER_EXTRACT}
        | _FOLLOW_UP_WRITERS
        | {Perm.CONFIGURE_KEY_FIGURES}
        | {Perm.VIEW_RSA, Perm.MANAGE_RSA}
    ),
    Role.SECURITY_OFFICER: frozenset(
        _EVERYONE
        | _HANDLERS
        | _RESPONSIBLE
        | _FUND_APPLICANTS
        | _FOLLOW_UP_WRITERS
        | {Perm.VIEW_PEOPLE, Perm.VIEW_FACILITIES, Perm.VIEW_CONFIDENTIAL, Perm.VIEW_TRAINING}
        | _DOCUMENT_KEEPERS
        | {Perm.VIEW_RSA}  # the administrations' members of the security group read the RSA draft
    ),
    Role.HEAD_OF_ADMINISTRATION: frozenset(
        _EVERYONE
        | _RESPONSIBLE
        | _FUND_APPLICANTS
        | _TRAINING_MANAGERS
        | _DOCUMENT_KEEPERS
        | {Perm.VIEW_PEOPLE, Perm.VIEW_FACILITIES, Perm.VIEW_INCIDENTS, Perm.VIEW_STATISTICS}
        | _FOLLOW_UP_WRITERS
        | {Perm.VIEW_RSA}  # the kommunchef chairs the security group; the förvaltningschefer answer for preparedness
    ),
    Role.UNIT_MANAGER: frozenset(
        _EVERYONE
        | _HANDLERS
        | _RESPONSIBLE
        | _FUND_APPLICANTS
        | _TRAINING_MANAGERS
        | {Perm.VIEW_PEOPLE, Perm.VIEW_FACILITIES, Perm.VIEW_CONFIDENTIAL}
        | {Perm.MANAGE_PROTECTION}  # their own facilities: systems and service visits
        | {Perm.MANAGE_DOCUMENTS}  # their unit's instructions and sub-plans, but no secret documents
    ),
    Role.SECURITY_REPRESENTATIVE: frozenset(_EVERYONE | _HANDLERS | _RISK_WORKERS | {Perm.VIEW_FACILITIES}),
    Role.EMPLOYEE: frozenset(_EVERYONE),
    # Förtroendevald: reads the plans, the fixed follow-ups and the aggregate overview of their nämnd and the
    # municipality (small counts suppressed); never a case, a name or a text.
    Role.ELECTED_OFFICIAL: frozenset(
        _EVERYONE | {Perm.VIEW_STATISTICS, Perm.VIEW_PLANS, Perm.VIEW_FOLLOW_UPS, Perm.VIEW_OVERVIEW}
    ),
    # Försäkringshandläggare: keeps the insurance programme and the claims, sees the damage they come from.
    Role.INSURANCE_HANDLER: frozenset(
        _EVERYONE
        | {Perm.VIEW_INSURANCE, Perm.MANAGE_INSURANCE, Perm.VIEW_INCIDENTS, Perm.VIEW_STATISTICS, Perm.VIEW_FACILITIES}
    ),
    # HR-handläggare: keeps the courses and every person's training record, and sees who works where.
    Role.HR: frozenset(_EVERYONE | _TRAINING_MANAGERS | {Perm.CONFIGURE_TRAINING, Perm.VIEW_PEOPLE}),
    Role.ADMINISTRATOR: frozenset(
        _EVERYONE
        | {
            Perm.VIEW_PEOPLE,
            Perm.MANAGE_ROLES,
            Perm.VIEW_HISTORY,
            Perm.IMPORT_DATA,
            Perm.CONFIGURE,
            Perm.CONFIGURE_RISK_MATRIX,
        }
    ),
}


@dataclass(frozen=True)
class Grant:
    role: str
    node_id: int
    node_path: str
    perms: frozenset[Perm]


def grants(user: User | AnonymousUser) -> list[Grant]:
    """The person's active grants, cached on the user object for the request (none for an anonymous visitor).

    The same query reads the organisation's name for the page's header (:func:`organisation_name`).
    """
    if not isinstance(user, User) or not user.is_active or user.organisation_id is None:
        return []
    cached: list[Grant] | None = vars(user).get("_varna_grants")
    if cached is None:
        rows = list(
            RoleAssignment.objects.active()
            .filter(user_id=user.pk, organisation_id=user.organisation_id, node__organisation_id=user.organisation_id)
            .values_list("role", "node_id", "node__path", "organisation__name")
        )
        cached = [Grant(role, node, path, ROLE_PERMISSIONS.get(role, frozenset())) for role, node, path, _org in rows]
        vars(user)["_varna_grants"] = cached
        if rows:
            vars(user)["_varna_organisation_name"] = rows[0][3]
    return cached


def organisation_name(user: User) -> str:
    """The name of the person's organisation, for the page's header: read with the grants (no query of its own
    for anyone who holds a role), else from the organisation."""
    grants(user)
    name: str | None = vars(user).get("_varna_organisation_name")
    if name is None:
        name = user.organisation.name if user.organisation is not None else ""
    return name


def held(user: User | AnonymousUser) -> frozenset[Perm]:
    """Every permission the person holds somewhere, from the grants of the request (none for an anonymous visitor).

    Kept beside the grants it was computed from: dropping the cached grants (a role given or ended in the
    same request) drops this too.
    """
    current = grants(user)
    cached: tuple[list[Grant], frozenset[Perm]] | None = vars(user).get("_varna_held")
    if cached is None or cached[0] is not current:
        cached = (current, frozenset().union(*(g.perms for g in current)))
        if current:  # an anonymous visitor's empty list is a new one each time: nothing to keep
            vars(user)["_varna_held"] = cached
    return cached[1]


def roles(user: User | AnonymousUser) -> set[str]:
    """The roles the person holds today, anywhere (none for an anonymous visitor)."""
    return {g.role for g in grants(user)}


def has_perm(user: User | AnonymousUser, perm: Perm, node: Node | None = None) -> bool:
    """True when the person holds ``perm`` at all (``node=None``) or for ``node``.

    An anonymous visitor holds nothing: the navigation asks before anyone has logged in.
    """
    if node is None:
        return perm in held(user)
    for g in grants(user):
        if perm not in g.perms:
            continue
        if not isinstance(user, User) or node.organisation_id != user.organisation_id:
            return False
        if perm in ORGANISATION_WIDE or node.path.startswith(g.node_path):
            return True
    return False


def _paths(user: User, perm: Perm) -> list[str] | None:
    """Subtree roots where ``perm`` holds; ``None`` means the whole organisation."""
    paths = [g.node_path for g in grants(user) if perm in g.perms]
    if not paths:
        return []
    if perm in ORGANISATION_WIDE:
        return None
    # Drop paths covered by a shorter one: fewer OR branches for the database.
    paths.sort(key=len)
    kept: list[str] = []
    for p in paths:
        if not any(p.startswith(k) for k in kept):
            kept.append(p)
    return kept


def _organisation_filter(model: type[models.Model]) -> str:
    if model is Node or any(f.name == "organisation" for f in model._meta.get_fields()):
        return "organisation_id"
    if model._meta.label == "core.Organisation":
        return "pk"
    raise TypeError(f"{model.__name__} is not tenant-owned and cannot be scoped")


def _node_condition(model: type[models.Model], paths: list[str] | None) -> Q | None:
    """``Q`` placing rows of ``model`` under one of ``paths``; ``None`` means no restriction."""
    if paths is None:
        return None
    node_field = getattr(model, "ACCESS_NODE_FIELD", None)
    if node_field is None:
        # Organisation-level records: visible only with an assignment at the organisation's root.
        return Q() if any(len(p) == Node.steplen for p in paths) else Q(pk__in=[])
    if any(len(p) == Node.steplen for p in paths):
        # A role at the root reaches the whole organisation (one tree per organisation), which the
        # organisation filter already says: no path condition, so no join to the node table.
        return None
    lookup = f"{node_field}__path__startswith" if node_field else "path__startswith"
    condition = Q(pk__in=[])
    for p in paths:
        condition |= Q(**{lookup: p})
    return condition


def _or(a: Q | None, b: Q) -> Q | None:
    """``a`` or ``b``; ``None`` (no restriction) stays ``None``."""
    return None if a is None else a | b


def _and(a: Q | None, b: Q | None) -> Q | None:
    if a is None:
        return b
    if b is None:
        return a
    return a & b


# Permissions whose rows may be sensitive: a sensitive row needs VIEW_CONFIDENTIAL for its node as well.
_SENSITIVE_PERMS = frozenset({Perm.VIEW_INCIDENTS, Perm.HANDLE_INCIDENTS})
# What a sensitive row (the model's ``ACCESS_SENSITIVE_FIELD``) needs for its node besides the permission asked:
# a threat-and-violence case VIEW_CONFIDENTIAL, a secret governing document VIEW_SECRET_DOCUMENTS.
_SENSITIVE_ROWS_NEED = {
    Perm.VIEW_INCIDENTS: Perm.VIEW_CONFIDENTIAL,
    Perm.HANDLE_INCIDENTS: Perm.VIEW_CONFIDENTIAL,
    Perm.VIEW_DOCUMENTS: Perm.VIEW_SECRET_DOCUMENTS,
    Perm.MANAGE_DOCUMENTS: Perm.VIEW_SECRET_DOCUMENTS,
}
# Models with an open flag (``ACCESS_OPEN_FIELD``: an adopted governing document that is public): with the read
# permission named here, an open row is visible throughout the organisation, and a closed one (a draft) needs
# the permission it maps to for the row's node.
_CLOSED_ROWS_NEED = {Perm.VIEW_DOCUMENTS: Perm.MANAGE_DOCUMENTS}

# A person whose roles reach more units than this is placed by the tree path alone (see :func:`scope`).
SUBTREE_IDS_LIMIT = 2000


def subtree_ids(user: User, paths: list[str]) -> list[int] | None:
    """The ids of the nodes of the person's organisation in the subtrees of ``paths`` (``None``: more than
    :data:`SUBTREE_IDS_LIMIT`), for ``node_id IN (…)``, which an index on the node column serves, where
    ``node.path LIKE '…%'`` needs a join to the node table.

    One query on the node table's path index, kept on the user object for the request beside the grants
    (dropping the grants drops it too).
    """
    current = grants(user)
    cached: tuple[list[Grant], dict[tuple[str, ...], list[int] | None]] | None = vars(user).get("_varna_subtree_ids")
    if cached is None or cached[0] is not current:
        cached = (current, {})
        vars(user)["_varna_subtree_ids"] = cached
    key = tuple(paths)
    if key not in cached[1]:
        subtree = Q(pk__in=[])
        for p in paths:
            subtree |= Q(path__startswith=p)
        ids = list(
            Node.objects.filter(subtree, organisation_id=user.organisation_id or 0)
            .order_by()
            .values_list("pk", flat=True)[: SUBTREE_IDS_LIMIT + 1]
        )
        cached[1][key] = ids if len(ids) <= SUBTREE_IDS_LIMIT else None
    return cached[1][key]


def scope[M: models.Model](
    user: User, perm: Perm, queryset: QuerySet[M], *, as_owner: bool = True, narrow: bool = True
) -> QuerySet[M]:
    """Filter ``queryset`` in the database to what ``user`` may see with ``perm``.

    All rules are applied in SQL:
    - the person's organisation only;
    - rows under a node where one of the person's roles grants ``perm`` (organisation-wide permissions: all rows);
    - sensitive rows (the model's ``ACCESS_SENSITIVE_FIELD``: threats and violence, secret documents) also need
      ``VIEW_CONFIDENTIAL`` (``VIEW_SECRET_DOCUMENTS``) for their node;
    - open rows (the model's ``ACCESS_OPEN_FIELD``: an adopted public governing document) are visible with
      ``VIEW_DOCUMENTS`` throughout the organisation; closed ones (drafts) need ``MANAGE_DOCUMENTS`` for their node;
    - a case's named handler (``ACCESS_HANDLER_FIELD``) may view and handle it, and its reporter
      (``ACCESS_OWNER_FIELD``) may view it, whatever their roles (``as_owner=False``: not as its owner, e.g. a
      case's history, which shows its handling, is not for its reporter as such).

    Said so that an index can serve it, for the cases (the models with a handler, an owner or a sensitive
    flag: the largest tables): "under one of these nodes (``node.path LIKE '…%'``) or its handler or its
    reporter" is an OR that no index serves, so PostgreSQL would join every case of the organisation to its
    node (a unit manager's 160 cases out of 500,000 by a scan of all of them). So the ids of the nodes in
    the person's subtrees are read first (:func:`subtree_ids`, once per request) and
    ``node_id IN (…) OR handler_id = … OR reporter_id = …`` is added: it holds for every row the rule lets
    through, so the rows are the same, and it is three indexes and a bitmap OR (without the OR, one index).
    Not added for a role at the organisation's root (no node condition at all), past
    :data:`SUBTREE_IDS_LIMIT` nodes, or with ``narrow=False`` (a query that picks its rows by key, such as
    one object by its id, needs no help and so saves the query of the ids).
    """
    model = queryset.model
    if not grants(user):
        return queryset.none()
    open_field: str | None = getattr(model, "ACCESS_OPEN_FIELD", None)
    closed_perm = _CLOSED_ROWS_NEED.get(perm) if open_field else None
    paths = _paths(user, closed_perm or perm)
    condition = _node_condition(model, paths) if paths != [] else Q(pk__in=[])
    sensitive = getattr(model, "ACCESS_SENSITIVE_FIELD", None)
    if sensitive and perm in _SENSITIVE_ROWS_NEED:
        confidential_paths = _paths(user, _SENSITIVE_ROWS_NEED[perm])
        confidential = _node_condition(model, confidential_paths) if confidential_paths != [] else Q(pk__in=[])
        if confidential is not None:  # None: the person may read sensitive rows throughout the organisation
            condition = _and(condition, Q(**{sensitive: False}) | confidential)
    people: list[Q] = []  # the rows the person reaches as themselves, whatever their roles
    if perm in _SENSITIVE_PERMS and (handler := getattr(model, "ACCESS_HANDLER_FIELD", None)) and condition is not None:
        people.append(Q(**{handler: user.pk}))
    owner = getattr(model, "ACCESS_OWNER_FIELD", None) if as_owner else None
    if perm == Perm.VIEW_INCIDENTS and owner and condition is not None:
        people.append(Q(**{owner: user.pk}))
    for person in people:
        condition = _or(condition, person)
    if open_field and closed_perm is not None and perm in held(user):
        condition = _or(condition, Q(**{open_field: True}))
    queryset = queryset.filter(**{_organisation_filter(model): user.organisation_id})
    if condition is None:
        return queryset
    queryset = queryset.filter(condition)
    node_field = getattr(model, "ACCESS_NODE_FIELD", None)
    below_root = bool(paths) and not any(len(p) == Node.steplen for p in paths or ())
    narrowable = closed_perm is None and node_field and "__" not in node_field
    if narrow and (people or sensitive) and below_root and paths and narrowable:
        ids = subtree_ids(user, paths)
        if ids is not None:
            indexed = Q(**{f"{node_field}_id__in": ids})
            for person in people:
                indexed |= person
            queryset = queryset.filter(indexed)
    return queryset


def get_object_or_404[M: models.Model](user: User, perm: Perm, queryset: QuerySet[M], **lookup: Any) -> M:
    """Fetch one object and check access in one call; invisible objects are a 404."""
    try:
        return scope(user, perm, queryset, narrow=False).get(**lookup)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc


type _Decision = tuple[Perm, str, Any, bool]  # permission, model label, primary key, as owner


def _decisions(user: User) -> dict[_Decision, bool]:
    """What :func:`remember` recorded for the request, kept beside the grants it was decided with."""
    current = grants(user)
    cached: tuple[list[Grant], dict[_Decision, bool]] | None = vars(user).get("_varna_decisions")
    if cached is None or cached[0] is not current:
        cached = (current, {})
        vars(user)["_varna_decisions"] = cached
    return cached[1]


def can(user: User, perm: Perm, obj: models.Model, *, as_owner: bool = True) -> bool:
    """Whether ``user`` may act on ``obj`` with ``perm``; the same rule as :func:`scope`.

    One query, unless a read of this request has already computed it and said so with :func:`remember`.
    """
    known = _decisions(user).get((perm, obj._meta.label, obj.pk, as_owner))
    if known is not None:
        return known
    return scope(user, perm, type(obj)._default_manager.filter(pk=obj.pk), as_owner=as_owner, narrow=False).exists()


def remember(user: User, perm: Perm, obj: models.Model, allowed: bool, *, as_owner: bool = True) -> None:
    """Record what :func:`can` would answer for ``obj``, computed by a read of this request with the rule of
    :func:`scope` (for instance ``Exists(scope(user, perm, Model.objects.filter(pk=OuterRef("pk"))))``
    annotated on the object), so that a later :func:`can` in the same request (a panel of another app) does
    not ask the database again. Kept on the user object for the request only, beside the grants."""
    _decisions(user)[(perm, obj._meta.label, obj.pk, as_owner)] = bool(allowed)


def is_owner(user: User, obj: models.Model) -> bool:
    """Whether ``user`` is the row's owner (the model's ``ACCESS_OWNER_FIELD``, e.g. an incident's reporter)."""
    owner = getattr(type(obj), "ACCESS_OWNER_FIELD", None)
    if not owner or user.organisation_id is None or user.organisation_id != getattr(obj, "organisation_id", None):
        return False
    return bool(getattr(obj, f"{owner}_id", None) == user.pk)


def can_contribute(user: User, obj: models.Model) -> bool:
    """Whether ``user`` may add to a case (files, for instance): its owner, or someone who may handle it."""
    return is_owner(user, obj) or can(user, Perm.HANDLE_INCIDENTS, obj)


def holders(perm: Perm, node: Node) -> QuerySet[User]:
    """The active people who hold ``perm`` for ``node`` today through a role: at the node or above it
    (anywhere in the organisation for an organisation-wide permission).

    This is the one way to ask who may do something for a node (whom to notify, whom to offer as a
    handler, who reviews): never list roles outside this module, so that a change to
    :data:`ROLE_PERMISSIONS` reaches every such list. The same rule as :func:`has_perm`, asked the other
    way round: who may, rather than may this person. One query; the candidates are filtered in the
    database. Narrow it further as needed (``holders(...).filter(...)``, ``.exclude(pk=actor.pk)``).
    """
    roles = [role for role, perms in ROLE_PERMISSIONS.items() if perm in perms]
    assignments = RoleAssignment.objects.active().filter(
        organisation_id=node.organisation_id, node__organisation_id=node.organisation_id, role__in=roles
    )
    if perm not in ORGANISATION_WIDE:
        assignments = assignments.filter(node__path__in=node.ancestor_paths())
    return User.objects.filter(
        organisation_id=node.organisation_id, is_active=True, pk__in=assignments.values("user_id")
    )


def role_holders(node: Node, *, within: Literal["subtree", "above"]) -> QuerySet[RoleAssignment, int]:
    """The ids of the people who hold any role other than employee today (not only
    :data:`~varna.core.models.SECURITY_ROLES`): in ``node``'s subtree (``within="subtree"``) or at ``node``
    or above it (``within="above"``).

    Only to shorten a list of candidates (the people a form offers when a subtree has too many staff to list
    them all), never to decide access: who may do something for a node is :func:`holders`. A subquery for
    ``pk__in=``; narrow the people it is used on (active, visible by name) there.
    """
    assignments = RoleAssignment.objects.active().filter(organisation_id=node.organisation_id)
    if within == "subtree":
        assignments = assignments.filter(node__path__startswith=node.path)
    else:
        assignments = assignments.filter(node__path__in=node.ancestor_paths())
    return assignments.exclude(role=Role.EMPLOYEE).values_list("user_id", flat=True)


def people_visible_by_name(user: User | None) -> Q:
    """People whose names may be listed to ``user``: never those with protected personal data.

    The rule does not depend on the person today; ``None`` asks it for a list shown to no one in particular
    (a mail, a read that serves several people).
    """
    return Q(protected_identity=False)


# --- declarations on views -------------------------------------------------------


class AuthenticatedRequest(HttpRequest):
    """A request that :func:`require` or :func:`require_api` has let through: its ``user`` is a ``User``.

    For typing only: nothing is ever an instance of it. Views take ``request: HttpRequest`` and get the
    person with :func:`actor`; a helper that receives the request after the check may annotate it with
    this type and read ``request.user`` as a ``User``.
    """

    user: User


@dataclass(frozen=True)
class Requirement:
    perm: Perm | None  # None: public
    model: type[models.Model] | None = None  # the object model the URL's ``pk`` refers to
    methods: tuple[str, ...] = ("GET",)  # the HTTP methods the view takes (HEAD goes with GET)
    object_perm: Perm | None = None  # what the object itself needs, when not ``perm`` (e.g. one's own report)


# A view: the request first, then the URL's arguments; it answers with a response.
type View[Rq: HttpRequest, **P] = Callable[Concatenate[Rq, P], HttpResponseBase]


def _declare(view: object, requirement: Requirement) -> None:
    vars(view)["access_requirement"] = requirement


def _method_allowed(request: HttpRequest, methods: tuple[str, ...]) -> bool:
    return request.method in methods or (request.method == "HEAD" and "GET" in methods)


def _not_allowed(request: HttpRequest, methods: tuple[str, ...]) -> HttpResponseNotAllowed:
    """Django's own 405 (as ``require_POST`` gives it): the ``Allow`` header, logged, and an empty body
    that :class:`varna.core.errors.MethodNotAllowedPageMiddleware` turns into the 405 page."""
    response = HttpResponseNotAllowed(methods)
    log_response("Method Not Allowed (%s): %s", request.method, request.path, response=response, request=request)
    return response


def require[Rq: HttpRequest, **P](
    perm: Perm,
    *,
    model: type[models.Model] | None = None,
    methods: Iterable[str] | None = None,
    object_perm: Perm | None = None,
) -> Callable[[View[Rq, P]], View[Rq, P]]:
    """Declare and enforce that a view needs ``perm``, and which HTTP methods it takes.

    In this order:
    1. a method outside ``methods`` is a 405 with an ``Allow`` header (the 405 page), for everyone,
       logged in or not, exactly as ``@require_POST`` on top of the view gave it; HEAD goes with GET.
       Do not stack ``@require_POST`` or ``@require_http_methods`` on the view as well;
    2. anonymous people are sent to log in;
    3. people without the permission anywhere get 403 (the page exists for everyone, so nothing leaks).

    ``methods=("POST",)`` for a view that only acts, ``methods=("GET", "POST")`` for a form page.
    Without ``methods`` the view is declared a GET view and the method is not checked.

    Object views must fetch their object with :func:`get_object_or_404`, which gives 404 outside the
    person's scope. ``object_perm`` names the permission the object is fetched with when it differs
    from ``perm``: a reporter opens their own report (``VIEW_INCIDENTS`` scope) with ``REPORT_INCIDENT``.
    """
    allowed = tuple(methods) if methods is not None else None
    requirement = Requirement(perm, model, allowed or ("GET",), object_perm)

    def decorator(view: View[Rq, P]) -> View[Rq, P]:
        @functools.wraps(view)
        def wrapped(request: Rq, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponseBase:
            if allowed is not None and not _method_allowed(request, allowed):
                return _not_allowed(request, allowed)
            user = request.user
            if not isinstance(user, User):  # AnonymousUser: a User is always authenticated
                return redirect_to_login(request.get_full_path())
            if not has_perm(user, perm):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        _declare(wrapped, requirement)
        return wrapped

    return decorator


def public[V: Callable[..., Any]](view: V) -> V:
    """Declare that a view is open to everyone (log-in page, language switch, health check)."""
    _declare(view, Requirement(None))
    return view


def require_api[Rq: HttpRequest, **P, R](
    perm: Perm, *, model: type[models.Model] | None = None, object_perm: Perm | None = None
) -> Callable[[Callable[Concatenate[Rq, P], R]], Callable[Concatenate[Rq, P], R]]:
    """The API twin of :func:`require`: the bearer token is checked by the router's auth.

    ``object_perm`` is, as for :func:`require`, the permission the object is fetched with when
    it differs from ``perm``. The router declares the method, so there is no ``methods``.
    """
    requirement = Requirement(perm, model, object_perm=object_perm)

    def decorator(func: Callable[Concatenate[Rq, P], R]) -> Callable[Concatenate[Rq, P], R]:
        @functools.wraps(func)
        def wrapped(request: Rq, /, *args: P.args, **kwargs: P.kwargs) -> R:
            if not has_perm(request.user, perm):
                raise PermissionDenied
            return func(request, *args, **kwargs)

        _declare(wrapped, requirement)
        return wrapped

    return decorator


def actor(request: HttpRequest) -> User:
    """The person behind a request that :func:`require` has let through: how a view gets its ``User``.

    ``user = access.actor(request)`` at the top of the view; pass ``user`` on to selectors and services.
    """
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def requirement_of(view: object) -> Requirement | None:
    """The access declaration of a URL's view (a function, a class-based view, or a wrapper of one)."""
    for candidate in (view, getattr(view, "view_class", None), getattr(view, "__wrapped__", None)):
        req = getattr(candidate, "access_requirement", None)
        if isinstance(req, Requirement):
            return req
    return None
