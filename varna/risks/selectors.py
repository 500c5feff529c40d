"""Reads of risk analyses, risks and measures, scoped by the access policy.

Lists are filtered in the database and fetch only what the pages show; a page of risks costs the
same number of queries whatever its size (the matrix versions of a page are fetched in one query).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils import timezone

from varna.core import access, registry
from varna.core import selectors as core_selectors
from varna.core.access import Perm
from varna.core.models import Node, SecurityArea, User
from varna.incidents.models import Incident
from varna.protection.models import Facility
from varna.risks import costbenefit
from varna.risks.models import Measure, Risk, RiskAnalysis, RiskAssessment, RiskMatrix

PEOPLE_LIMIT = 300  # more people than this are never listed in one form field
INCIDENT_YEARS = 5
INCIDENT_LIMIT = 100


# --- risk levels as the pages show them ---------------------------------------------


@dataclass(frozen=True)
class Level:
    """A risk level as shown: its label and colour (the colour as a swatch image: the CSP allows no inline style)."""

    index: int
    label: str
    colour: str

    @property
    def swatch(self) -> str:
        svg = (
            "<svg xmlns='http://www.w3.org/2000/svg' width='14' height='14'>"
            f"<rect width='14' height='14' rx='3' fill='{self.colour}'/></svg>"
        )
        return "data:image/svg+xml," + quote(svg)


def level_of(matrix: RiskMatrix | None, index: int | None) -> Level | None:
    if matrix is None or index is None:
        return None
    band = matrix.level(index)
    if band is None:
        return None
    return Level(index, str(band["label"]), str(band["colour"]))


@dataclass(frozen=True)
class RiskRow:
    """A risk in a list with its three levels as shown, on the risk's own matrix version."""

    risk: Risk
    inherent: Level | None  # without controls
    current: Level | None  # today
    residual: Level | None  # after the measures

    @classmethod
    def of(cls, risk: Risk, matrix: RiskMatrix | None) -> RiskRow:
        return cls(
            risk,
            level_of(matrix, risk.inherent_level),
            level_of(matrix, risk.current_level),
            level_of(matrix, risk.residual_level),
        )


# --- analyses ----------------------------------------------------------------------


@dataclass
class AnalysisFilter:
    node: Node | None = None
    status: str = ""
    year: int | None = None
    trigger: str = ""
    text: str = ""


def analyses(user: User, filters: AnalysisFilter) -> QuerySet[RiskAnalysis]:
    """The analyses the person may see, filtered, newest first: the list page and the API read them here."""
    rows = access.scope(user, Perm.VIEW_RISKS, RiskAnalysis.objects.all())
    if filters.node is not None:
        rows = rows.filter(node__path__startswith=filters.node.path)
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.year:
        rows = rows.filter(
            analysed_on__gte=datetime.date(filters.year, 1, 1), analysed_on__lte=datetime.date(filters.year, 12, 31)
        )
    if filters.trigger:
        rows = rows.filter(trigger=filters.trigger)
    if filters.text:
        rows = rows.filter(Q(title__icontains=filters.text) | Q(number__icontains=filters.text))
    return rows.order_by("-analysed_on", "-pk")


def analysis_list(user: User, filters: AnalysisFilter) -> QuerySet[RiskAnalysis]:
    """The list page: :func:`analyses` with their unit and number of risks."""
    return analyses(user, filters).select_related("node").annotate(risk_count=Count("risks", distinct=True))


ANALYSIS_RELATED = (
    "node",
    "matrix",
    "facility",
    "responsible",
    "status_changed_by",
    "adopted_by",
    "created_by",
)


def analysis_for(user: User, pk: int, perm: Perm = Perm.VIEW_RISKS) -> RiskAnalysis:
    return access.get_object_or_404(user, perm, RiskAnalysis.objects.select_related(*ANALYSIS_RELATED), pk=pk)


def analysis_risks(analysis: RiskAnalysis) -> list[RiskRow]:
    """The analysis's risks with their security area, owner, number of measures (``measure_count``) and levels."""
    rows = (
        Risk.objects.filter(analysis=analysis)
        .select_related("security_area", "owner")
        .annotate(measure_count=Count("measures"))
        .order_by("pk")
    )
    return [RiskRow.of(risk, analysis.matrix) for risk in rows]


# --- how the work on measures goes on in a later app (the action plans), asked through a hook ---


@dataclass(frozen=True)
class MeasureFollowUp:
    """What a later app shows beside the measures, registered for :data:`MEASURE_FOLLOW_UP` (risks never imports it).

    ``prefetch()`` is fetched with every list of measures (one query for the page, whatever its size), and
    ``status_template`` is included after each measure's status with ``m`` set to the measure. On an analysis
    page ``context(person, analysis)`` gives the ``data`` of ``offer_template`` (in each measure's last column,
    with ``m``) and of ``footer_template`` (after the table of measures).
    """

    prefetch: Callable[[], Prefetch[Any]]
    status_template: str
    offer_template: str
    footer_template: str
    context: Callable[[User, RiskAnalysis], dict[str, Any]]


MEASURE_FOLLOW_UP: registry.Hook[MeasureFollowUp] = registry.Hook("risks.measure_follow_up")


@dataclass(frozen=True)
class ShownFollowUp:
    status_template: str
    offer_template: str
    footer_template: str
    data: dict[str, Any]


def _follow_up_prefetch() -> list[Prefetch[Any]]:
    follow_up = registry.hook(MEASURE_FOLLOW_UP)
    return [follow_up.prefetch()] if follow_up is not None else []


def measure_follow_up(user: User, analysis: RiskAnalysis | None = None) -> ShownFollowUp | None:
    """What the page shows beside its measures of their follow-up (``analysis``: with what to offer there)."""
    follow_up = registry.hook(MEASURE_FOLLOW_UP)
    if follow_up is None:
        return None
    data = follow_up.context(user, analysis) if analysis is not None else {}
    return ShownFollowUp(follow_up.status_template, follow_up.offer_template, follow_up.footer_template, data)


def analysis_measures(analysis: RiskAnalysis) -> list[Measure]:
    return list(
        Measure.objects.filter(analysis=analysis)
        .select_related("responsible")
        .prefetch_related(
            Prefetch("risks", queryset=Risk.objects.only("pk", "number", "title", "analysis_id")),
            *_follow_up_prefetch(),
        )
        .order_by("priority", "pk")
    )


# --- risks -------------------------------------------------------------------------


RISK_RELATED = ("analysis", "analysis__node", "matrix", "security_area", "owner", "node")


def risk_for(user: User, pk: int, perm: Perm = Perm.VIEW_RISKS) -> Risk:
    return access.get_object_or_404(user, perm, Risk.objects.select_related(*RISK_RELATED), pk=pk)


def risk_assessments(risk: Risk) -> dict[str, RiskAssessment]:
    """The risk's judgements by stage, each with its matrix version: the risk's own (already read with the risk) or,
    for a judgement made on an earlier version, that version (read once; usually there is none)."""
    rows = list(RiskAssessment.objects.filter(risk=risk).select_related("assessed_by"))
    older = {a.matrix_id for a in rows} - {risk.matrix_id}
    matrices = {risk.matrix_id: risk.matrix} | (RiskMatrix.objects.in_bulk(older) if older else {})
    for assessment in rows:
        assessment.matrix = matrices[assessment.matrix_id]
    return {a.stage: a for a in rows}


def risk_incidents(user: User, risk: Risk) -> tuple[list[Incident], int]:
    """The risk's linked incidents the person may see, newest first, and how many others are linked (two queries).

    Sorted here, not in the query: asked to sort by date, SQLite without the planner's statistics (a database as
    ``varna demo`` leaves it) walks the organisation's incidents in date order through ``incident_org_date`` and
    probes the link table for each (about 10-20 ms at ``--scale 15``), where reading the few links first takes
    well under a millisecond.
    """
    linked = Incident.objects.filter(risks=risk)
    shown = linked.select_related("incident_type").only(  # what the page shows of each
        "pk", "organisation_id", "number", "occurred_on", "total_cost", "incident_type__name"
    )
    visible = sorted(
        access.scope(user, Perm.VIEW_INCIDENTS, shown.order_by()),
        key=lambda i: (i.occurred_on, i.pk),
        reverse=True,
    )
    hidden = linked.count() - len(visible)
    return visible, hidden


def risk_incident_ids(user: User, risk: Risk) -> list[int]:
    """The ids of the risk's linked incidents that the person may see, lowest first (one query; sorted here, as in
    :func:`risk_incidents`)."""
    visible = access.scope(user, Perm.VIEW_INCIDENTS, Incident.objects.filter(risks=risk))
    return sorted(visible.order_by().values_list("pk", flat=True))


def risk_measures(risk: Risk) -> list[Measure]:
    """The measures against the risk, with what the risk's page shows of each and of its follow-up."""
    return list(
        Measure.objects.filter(risks=risk)
        .only(
            "pk",
            "organisation_id",
            "analysis_id",
            "node_id",
            "number",
            "title",
            "measure_type",
            "status",
            "priority",
            "done_on",
            "security_area_id",
        )
        .prefetch_related(*_follow_up_prefetch())
        .order_by("priority", "pk")
    )


@dataclass
class RiskFilter:
    analysis_id: int | None = None
    node: Node | None = None
    security_area_id: int | None = None
    level: int | None = None  # index of the level today
    status: str = ""
    timeframe: str = ""
    text: str = ""


def risks(user: User, filters: RiskFilter) -> QuerySet[Risk]:
    """Every risk the person may see, filtered: the list page and the API read them here."""
    rows = access.scope(user, Perm.VIEW_RISKS, Risk.objects.all())
    if filters.analysis_id is not None:
        rows = rows.filter(analysis_id=filters.analysis_id)
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.level is not None:
        rows = rows.filter(current_level=filters.level)
    if filters.node is not None:
        rows = rows.filter(node__path__startswith=filters.node.path)
    if filters.security_area_id:
        rows = rows.filter(security_area_id=filters.security_area_id)
    if filters.timeframe:
        rows = rows.filter(timeframe=filters.timeframe)
    if filters.text:
        rows = rows.filter(title__icontains=filters.text)
    return rows


def risk_list(user: User, filters: RiskFilter) -> QuerySet[Risk]:
    """The list page: :func:`risks` with what a row shows, the highest level today first, then the newest."""
    return (
        risks(user, filters)
        .select_related("node", "security_area", "analysis")
        .only(
            "pk",
            "number",
            "title",
            "status",
            "timeframe",
            "inherent_level",
            "current_level",
            "residual_level",
            "matrix_id",
            "node",
            "security_area",
            "analysis",
            "node__name",
            "security_area__name",
            "analysis__number",
            "analysis__title",
        )
        .order_by(F("current_level").desc(nulls_last=True), "-pk")
    )


# --- measures ----------------------------------------------------------------------


@dataclass
class MeasureFilter:
    analysis_id: int | None = None
    measure_type: str = ""
    status: str = ""


def measures(user: User, filters: MeasureFilter) -> QuerySet[Measure]:
    """The measures of the analyses the person may see, filtered, by analysis and priority (the API's list)."""
    rows = access.scope(user, Perm.VIEW_RISKS, Measure.objects.all())
    if filters.analysis_id is not None:
        rows = rows.filter(analysis_id=filters.analysis_id)
    if filters.measure_type:
        rows = rows.filter(measure_type=filters.measure_type)
    if filters.status:
        rows = rows.filter(status=filters.status)
    return rows.order_by("analysis_id", "priority", "pk")


def measure_cost_benefit(measure: Measure) -> costbenefit.CostBenefitRow | None:
    """The measure's row in its analysis's cost-benefit ranking (K8)."""
    ranking = costbenefit.rank_measures(measure.analysis)
    return next((row for row in ranking.rows if row.measure.pk == measure.pk), None)


def risk_rows(risks: list[Risk]) -> list[RiskRow]:
    """The risks of a page with their levels, fetching the page's matrix versions in one query."""
    matrices = {m.pk: m for m in RiskMatrix.objects.filter(pk__in={r.matrix_id for r in risks})}
    return [RiskRow.of(risk, matrices.get(risk.matrix_id)) for risk in risks]


def active_matrix(organisation_id: int | None) -> RiskMatrix | None:
    """The organisation's matrix in use (every organisation gets one when it is set up), or ``None``."""
    if organisation_id is None:
        return None
    return RiskMatrix.objects.filter(organisation_id=organisation_id, is_active=True).first()


def matrix_versions(organisation_id: int | None) -> list[RiskMatrix]:
    """Every version of the organisation's matrix, newest first, with how many analyses use each."""
    if organisation_id is None:
        return []
    return list(
        RiskMatrix.objects.filter(organisation_id=organisation_id)
        .annotate(analysis_count=Count("analyses"))
        .select_related("created_by")
        .order_by("-version")
    )


def level_choices(user: User) -> list[tuple[int, str]]:
    """The levels of the organisation's matrix in use, for the filter (index, label)."""
    matrix = active_matrix(user.organisation_id)
    if matrix is None:
        return []
    return [(i, str(band["label"])) for i, band in enumerate(matrix.risk_levels)]


# --- choices for the forms -----------------------------------------------------------


def security_areas(organisation_id: int | None) -> QuerySet[SecurityArea]:
    if organisation_id is None:
        return SecurityArea.objects.none()
    return SecurityArea.objects.filter(organisation_id=organisation_id, active=True).order_by("ordering", "name")


def staff_of(node: Node) -> QuerySet[User]:
    """Active people employed in ``node`` or below it (never people with protected personal data)."""
    return (
        User.objects.filter(
            organisation_id=node.organisation_id, is_active=True, employment_node__path__startswith=node.path
        )
        .filter(access.people_visible_by_name(None))
        .order_by("last_name", "first_name", "pk")
    )


def staff_to_list(node: Node, selected: list[int]) -> list[User]:
    """The people to list in a form: the whole subtree's staff when it is small enough.

    A large subtree (an administration with thousands of staff) lists the node's own staff, the
    people holding a role other than employee in the subtree, and those already chosen.
    """
    staff = staff_of(node)
    rows = list(staff[: PEOPLE_LIMIT + 1])
    if len(rows) <= PEOPLE_LIMIT:
        return rows
    role_holders = access.role_holders(node, within="subtree")
    return list(
        staff.filter(Q(employment_node_id=node.pk) | Q(pk__in=role_holders) | Q(pk__in=selected))[:PEOPLE_LIMIT]
    )


def find_staff(node: Node, text: str) -> User | None:
    """A person of the subtree by user name, e-mail or employee number."""
    return core_selectors.find_person(node.organisation_id, text, among=staff_of(node))


def facilities_for(user: User) -> QuerySet[Facility]:
    """Premises the person may name in an analysis: those they may see, by name."""
    return access.scope(user, Perm.VIEW_FACILITIES, Facility.objects.all()).only("pk", "name").order_by("name", "pk")


def incidents_for_linking(user: User, node: Node, include: list[int] | None = None) -> QuerySet[Incident]:
    """Incidents of the node's subtree over the last five years that the person may see, newest first.

    ``include``: incidents already linked, offered whatever their date or unit (still only if visible).
    """
    today = timezone.localdate()
    since = today - datetime.timedelta(days=round(365.25 * INCIDENT_YEARS))
    condition = Q(incident_node__path__startswith=node.path, occurred_on__gte=since)
    if include:
        condition |= Q(pk__in=include)
    rows = Incident.objects.filter(condition, organisation_id=node.organisation_id)
    return access.scope(user, Perm.VIEW_INCIDENTS, rows).select_related("incident_type").order_by("-occurred_on", "-pk")


def incident_risks(user: User, incident: Incident) -> dict[str, Any] | None:
    """The risks that cite ``incident`` in their damage history, for its case page (registered in
    ``RisksConfig.ready``); ``None``: none that the person may see, and nothing is queried without ``VIEW_RISKS``.
    """
    if not access.has_perm(user, Perm.VIEW_RISKS):
        return None
    linked = Risk.objects.filter(incidents=incident)
    risks = list(access.scope(user, Perm.VIEW_RISKS, linked).select_related("analysis").order_by("pk")[:20])
    return {"risks": risks} if risks else None
