"""Reads for handling cases, scoped by the access policy: the handler's list, candidates, the timeline,
the workflow's rules and what the handling panel on the case page shows."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.db.models import BooleanField, Count, ExpressionWrapper, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from varna.core import access, formats
from varna.core.access import Perm
from varna.core.models import Node, User
from varna.incidents.models import (
    AUTHORITY_REMINDER,
    FINAL_STATUSES,
    FOLLOW_UP_REMINDER,
    OPEN_STATUSES,
    SERIOUS_EVENT,
    TRANSITIONS,
    AccountingSegment,
    CostLine,
    Incident,
    Status,
    TimelineEntry,
    TimelineKind,
)
from varna.incidents.selectors import may_handle, visible_incidents

# A list counts its matches up to here (the page says "more than 10 000") and pages reach no further: counting
# every match of half a million cases costs more than the page itself, and the statistics count the rest.
COUNT_CAP = 10_000

# Attention filters of the list.
OVERDUE = "overdue"  # follow-up date passed, case still open
AUTHORITY = "authority"  # serious event, Arbetsmiljöverket's notification not recorded


@dataclass
class ListFilter:
    status: str = ""  # a Status value, "open" or "" (all)
    incident_type_id: int | None = None
    node: Node | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    number: str = ""
    attention: str = ""


def overdue_condition(today: datetime.date | None = None) -> Q:
    return Q(follow_up_on__lt=today or timezone.localdate(), status__in=OPEN_STATUSES)


def authority_condition() -> Q:
    return Q(is_serious=True, authority_notified_at__isnull=True) & ~Q(status__in=(Status.REJECTED, Status.DUPLICATE))


def handler_list(user: User, filters: ListFilter) -> QuerySet[Incident]:
    """The cases the person may see, filtered, newest first."""
    rows = visible_incidents(user, Perm.VIEW_INCIDENTS)
    if filters.status == "open":
        rows = rows.filter(status__in=OPEN_STATUSES)
    elif filters.status:
        rows = rows.filter(status=filters.status)
    if filters.incident_type_id:
        rows = rows.filter(incident_type_id=filters.incident_type_id)
    if filters.node is not None:
        # The unit's subtree by its node ids (the index on (incident_node, occurred_on) serves it) rather than
        # by a join to the node table on the path, unless the subtree is very large.
        ids = access.subtree_ids(user, [filters.node.path])
        if ids is None:
            rows = rows.filter(incident_node__path__startswith=filters.node.path)
        else:
            rows = rows.filter(incident_node_id__in=ids)
    if filters.date_from:
        rows = rows.filter(occurred_on__gte=filters.date_from)
    if filters.date_to:
        rows = rows.filter(occurred_on__lte=filters.date_to)
    if filters.number:
        rows = rows.filter(number__icontains=filters.number)
    if filters.attention == OVERDUE:
        rows = rows.filter(overdue_condition())
    elif filters.attention == AUTHORITY:
        rows = rows.filter(authority_condition())
    return rows.annotate(
        follow_up_overdue=ExpressionWrapper(overdue_condition(), output_field=BooleanField()),
        authority_due=ExpressionWrapper(authority_condition(), output_field=BooleanField()),
    ).order_by("-occurred_on", "-occurred_at", "-pk")  # occurred_on first: the (organisation, date) index


@dataclass(frozen=True)
class ListCounts:
    """The figures above the handler's list: the attention box and the confidential cases not shown."""

    attention: dict[str, int]
    hidden_confidential: int


def list_counts(user: User, *, today: datetime.date | None = None) -> ListCounts:
    """The attention box's two counts and the hidden confidential cases in two queries, each served by a
    partial index (migration 0006) rather than a pass over every case of the organisation.

    The first counts, in one pass with ``COUNT(*) FILTER (...)``, the visible cases that are confidential,
    serious without a notification or past their follow-up date: only those rows are read (the condition
    matches the partial indexes). The second counts the confidential cases under the person's nodes, as
    ``selectors.hidden_confidential_count`` does; the difference is what the list leaves out.
    """
    overdue, authority = overdue_condition(today), authority_condition()
    confidential = Q(is_confidential=True)
    rows = access.scope(user, Perm.VIEW_INCIDENTS, Incident.objects.all())
    if _reads_everything(user):
        # Every case of the organisation is listed for this person (the coordinator): nothing is hidden, so
        # the confidential cases (a quarter of all cases in the demo) are not read at all.
        visible = rows.filter(authority | overdue).aggregate(
            overdue=Count("pk", filter=overdue), authority=Count("pk", filter=authority)
        )
        return ListCounts(
            attention={OVERDUE: visible["overdue"], AUTHORITY: visible["authority"]}, hidden_confidential=0
        )
    visible = rows.filter(confidential | authority | overdue).aggregate(
        overdue=Count("pk", filter=overdue),
        authority=Count("pk", filter=authority),
        confidential=Count("pk", filter=confidential),
    )
    everything = access.scope(user, Perm.VIEW_STATISTICS, Incident.objects.filter(confidential)).count()
    return ListCounts(
        attention={OVERDUE: visible["overdue"], AUTHORITY: visible["authority"]},
        hidden_confidential=max(everything - visible["confidential"], 0),
    )


def _reads_everything(user: User) -> bool:
    """Whether the person may list every case of the organisation, confidential ones too: a role at the
    root that lets them see cases and one that lets them read confidential reports (the coordinator)."""
    step = Node.steplen

    def at_root(perm: Perm) -> bool:
        return perm in access.ORGANISATION_WIDE or any(
            perm in g.perms and len(g.node_path) == step for g in access.grants(user)
        )

    return at_root(Perm.VIEW_INCIDENTS) and at_root(Perm.VIEW_CONFIDENTIAL)


def attention_counts(user: User) -> dict[str, int]:
    """How many visible cases need attention (see :func:`list_counts`)."""
    return list_counts(user).attention


def filter_node(user: User, pk: int) -> Node | None:
    return access.scope(user, Perm.VIEW_INCIDENTS, Node.objects.all()).filter(pk=pk).first()


INDENT = "\u00a0\u00a0"


def filter_node_choices(user: User, selected: int | None = None) -> list[tuple[int, str]]:
    """(pk, indented name) of the units the list's filter offers, in tree order: a list that does not grow
    with the organisation (at 20,000 units a select of all of them took most of the page's time).

    Offered: each unit where the person's role lets them see cases and the level below it (for the
    coordinator: the organisation and its förvaltningar), and for the unit chosen now its units above it
    and the level below it, so that one can go down the tree a level at a time. One query (two with a
    chosen unit). A unit outside the person's scope is never offered.
    """
    step = Node.steplen
    holds = [g for g in access.grants(user) if Perm.VIEW_INCIDENTS in g.perms]
    if not holds:
        return []
    if Perm.VIEW_INCIDENTS in access.ORGANISATION_WIDE:
        near = Q(depth__lte=2)
    else:
        near = Q(pk__in=[])
        for g in holds:
            near |= Q(path__startswith=g.node_path, depth__lte=len(g.node_path) // step + 1)
    nodes = access.scope(user, Perm.VIEW_INCIDENTS, Node.objects.all())
    chosen = nodes.filter(pk=selected).first() if selected else None
    if chosen is not None:
        near |= Q(path__in=chosen.ancestor_paths()) | Q(path__startswith=chosen.path, depth=chosen.depth + 1)
    rows = list(nodes.filter(near).order_by("path").values_list("pk", "name", "depth"))
    top = min((depth for _pk, _name, depth in rows), default=1)
    return [(pk, INDENT * (depth - top) + name) for pk, name, depth in rows]


def eligible_handlers(incident: Incident) -> QuerySet[User]:
    """Everyone who may be the case's handler (``access.holders``): those whose role lets them handle
    incidents at its unit and, for threats and violence, also read them there. An elected official's
    role handles no incidents, so they are never among them."""
    node = incident.incident_node
    people = access.holders(Perm.HANDLE_INCIDENTS, node)
    if incident.is_confidential:
        people = people.filter(pk__in=access.holders(Perm.VIEW_CONFIDENTIAL, node).values("pk"))
    return people


def handler_candidates(incident: Incident) -> QuerySet[User]:
    """People to offer as case handler, by name: :func:`eligible_handlers` without those with protected
    personal data, who are never listed by name."""
    return (
        eligible_handlers(incident)
        .filter(access.people_visible_by_name(None))
        .order_by("last_name", "first_name", "pk")
    )


def find_case(user: User, number: str) -> Incident | None:
    """A case the person may see, by its number."""
    number = number.strip()
    if not number:
        return None
    return access.scope(user, Perm.VIEW_INCIDENTS, Incident.objects.all()).filter(number=number).first()


def timeline(incident: Incident) -> QuerySet[TimelineEntry]:
    return TimelineEntry.objects.filter(incident=incident).select_related("actor").order_by("at", "pk")


# --- the workflow's rules ---------------------------------------------------------------


def is_closed(incident: Incident) -> bool:
    """Closed, rejected or a duplicate: read-only until reopened."""
    return incident.status in FINAL_STATUSES


def allowed_transitions(incident: Incident) -> tuple[str, ...]:
    """The statuses that may follow; none for a closed case, which is reopened instead."""
    return () if is_closed(incident) else TRANSITIONS.get(incident.status, ())


def reopen_status(incident: Incident) -> str | None:
    """The status a closed case goes back to when it is reopened (``None``: it is not closed)."""
    if not is_closed(incident):
        return None
    return TRANSITIONS[incident.status][0]


def may_reopen(user: User, incident: Incident) -> bool:
    """Who may reopen a closed case: someone whose role lets them handle incidents at its unit
    (not only its named handler), and who may see the case."""
    return access.has_perm(user, Perm.HANDLE_INCIDENTS, incident.incident_node) and access.can(
        user, Perm.HANDLE_INCIDENTS, incident
    )


# --- the accounting code string ---------------------------------------------------------


def segments_for(organisation_id: int) -> list[AccountingSegment]:
    """The organisation's segments in order, each with its valid values prefetched (two queries)."""
    return list(
        AccountingSegment.objects.filter(organisation_id=organisation_id)
        .order_by("position", "pk")
        .prefetch_related("values")
    )


def segment_format(organisation_id: int) -> str:
    """:func:`code_format` of the organisation's segments, in one query (their values are not needed)."""
    return code_format(
        list(AccountingSegment.objects.filter(organisation_id=organisation_id).order_by("position", "pk"))
    )


def code_format(segments: list[AccountingSegment]) -> str:
    """How a code string is written, for help texts: ``Ansvar-Verksamhet-Konto[-Projekt]``."""
    parts = [s.name if s.required else f"[{s.name}]" for s in segments]
    return "-".join(parts)


# --- the handling panel on the case page -----------------------------------------------


@dataclass(frozen=True)
class TimelineRow:
    at: datetime.datetime
    who: str
    what: str
    text: str


# The services write a cost line on the timeline as ``+4500.00 <kodsträng>`` (or ``-`` when removed).
COST_NOTE = re.compile(r"^([+-])(\d+(?:\.\d+)?) (.*)$")


def _status_label(value: str) -> str:
    return str(Status(value).label) if value in Status.values else value


def describe(entry: TimelineEntry) -> tuple[str, str]:
    """(what happened, extra text) for one timeline entry, in the reader's language."""
    if entry.kind == TimelineKind.STATUS:
        what = _("Status changed from %(old)s to %(new)s") % {
            "old": _status_label(entry.from_status),
            "new": _status_label(entry.to_status),
        }
        return what, entry.note
    if entry.kind == TimelineKind.HANDLER:
        return _("Case handler: %(name)s") % {"name": entry.note}, ""
    if entry.kind == TimelineKind.NOTIFIED:
        reminders = {
            SERIOUS_EVENT: _("The unit manager and the coordinator were told to notify Arbetsmiljöverket today"),
            AUTHORITY_REMINDER: _("Reminder sent: Arbetsmiljöverket has not been recorded as notified"),
            FOLLOW_UP_REMINDER: _("Reminder sent: the follow-up date has been reached"),
        }
        if entry.note in reminders:
            return reminders[entry.note], ""
    if entry.kind == TimelineKind.COST and (cost := COST_NOTE.match(entry.note)):
        sign, amount, code = cost.groups()
        what = _("Cost added") if sign == "+" else _("Cost removed")
        return what, _("%(amount)s, accounting code %(code)s") % {"amount": formats.money(amount, 2), "code": code}
    return str(TimelineKind(entry.kind).label) if entry.kind in TimelineKind.values else entry.kind, entry.note


def timeline_rows(incident: Incident, entries: list[TimelineEntry] | None = None) -> list[TimelineRow]:
    """The timeline as the handling panel shows it; ``entries``: the case's entries already read (in order)."""
    rows = []
    for entry in timeline(incident) if entries is None else entries:
        what, text = describe(entry)
        who = str(entry.actor) if entry.actor is not None else _("Värna (automatic)")
        rows.append(TimelineRow(at=entry.at, who=who, what=what, text=text))
    return rows


@dataclass(frozen=True)
class HandlingPanel:
    """What the handling panel shows a person who may handle the case. The case page's view makes
    the forms from it (``views.handling.handling_forms``)."""

    closed: bool  # read-only until reopened
    may_reopen: bool
    transitions: tuple[str, ...]  # the statuses that may follow
    authority_due: bool  # a serious event, Arbetsmiljöverket's notification not recorded
    code_format: str  # how the accounting code string is written ("" when no segments are configured)
    cost_lines: list[CostLine]
    timeline: list[TimelineRow]
    original_number: str  # the original case of a duplicate
    follow_up_overdue: bool


def handling_panel(
    user: User,
    incident: Incident,
    *,
    today: datetime.date | None = None,
    entries: list[TimelineEntry] | None = None,
) -> HandlingPanel | None:
    """The handling panel for ``user``, or ``None`` when they may not handle the case. Only reads.

    ``entries``: the case's timeline entries when the caller has read them already (the case page does).
    """
    if not may_handle(user, incident):
        return None
    today = today or timezone.localdate()
    closed = is_closed(incident)
    return HandlingPanel(
        closed=closed,
        may_reopen=closed and may_reopen(user, incident),
        transitions=allowed_transitions(incident),
        authority_due=incident.is_serious and incident.authority_notified_at is None,
        code_format="" if closed else segment_format(incident.organisation_id),
        cost_lines=list(incident.cost_lines.all()),
        timeline=timeline_rows(incident, entries),
        original_number=incident.duplicate_of.number if incident.duplicate_of is not None else "",
        follow_up_overdue=bool(
            incident.follow_up_on and incident.follow_up_on < today and incident.status in OPEN_STATUSES
        ),
    )
