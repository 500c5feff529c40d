"""Every write of risk management: matrix versions, analyses, risks, assessments and measures.

Each function checks the access policy itself (``access.can`` / ``access.has_perm``), so the pages,
the API and the demo cannot write around it. An adopted analysis is closed for changes until it is
reopened. Updates take the ``revision`` the form was shown with: a stale form changes nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from varna.core import access
from varna.core.access import Perm
from varna.core.models import Node, Organisation, SecurityArea, User
from varna.core.services import (
    check_revision,
    ensure_security_areas,
    next_case_number,
    save_revision,
    stamp,
)
from varna.incidents.models import Incident
from varna.protection.models import Facility
from varna.risks import matrices
from varna.risks.models import (
    ANALYSIS_TRANSITIONS,
    DIMENSIONS,
    Aggregation,
    AnalysisStatus,
    AnalysisTrigger,
    Measure,
    MeasureStatus,
    MeasureType,
    PlannedAnalysis,
    Priority,
    Risk,
    RiskAnalysis,
    RiskAssessment,
    RiskMatrix,
    RiskStatus,
    Stage,
    Timeframe,
)

DEFAULT_REVIEW_MONTHS = 12  # G4: risk identification recurs yearly


def _same_org(actor: User, *objs: Any) -> None:
    for obj in objs:
        if obj is not None and getattr(obj, "organisation_id", actor.organisation_id) != actor.organisation_id:
            raise PermissionDenied


def editable_analysis(actor: User, analysis: RiskAnalysis) -> RiskAnalysis:
    """The analysis locked for this transaction, after checking that ``actor`` may change it."""
    if not access.can(actor, Perm.MANAGE_RISKS, analysis):
        raise PermissionDenied
    locked = RiskAnalysis.objects.select_for_update().get(pk=analysis.pk)
    if locked.status == AnalysisStatus.ADOPTED:
        raise ValidationError(_("The analysis is adopted. Reopen it before you change it."), code="adopted")
    return locked


# --- the matrix ------------------------------------------------------------------


@transaction.atomic
def ensure_matrix(*, organisation: Organisation) -> RiskMatrix:
    """The organisation's matrix in use; the 5x5 MSB matrix is put in use the first time."""
    matrix = RiskMatrix.objects.filter(organisation=organisation, is_active=True).first()
    if matrix is not None:
        return matrix
    Organisation.objects.select_for_update().get(pk=organisation.pk)
    matrix = RiskMatrix.objects.filter(organisation=organisation, is_active=True).first()
    if matrix is not None:
        return matrix
    t = matrices.MSB_5X5
    return _create_version(
        organisation=organisation,
        actor=None,
        name=t.name,
        likelihood_levels=t.likelihood_levels,
        consequence_levels=t.consequence_levels,
        risk_levels=t.risk_levels,
        aggregation=t.aggregation,
    )


def _create_version(
    *,
    organisation: Organisation,
    actor: User | None,
    name: str,
    likelihood_levels: Any,
    consequence_levels: Any,
    risk_levels: Any,
    aggregation: str,
) -> RiskMatrix:
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("The matrix needs a name."))
    if aggregation not in Aggregation.values:
        raise ValidationError(_("Choose how a risk's consequence is drawn from its dimensions."))
    likelihood = matrices.clean_scale(likelihood_levels, name=_("likelihood"))
    consequence = matrices.clean_scale(consequence_levels, name=_("consequence"), with_dimensions=True)
    levels = matrices.clean_risk_levels(risk_levels, max_score=len(likelihood) * len(consequence))
    latest = RiskMatrix.objects.filter(organisation=organisation).aggregate(v=Max("version"))["v"] or 0
    RiskMatrix.objects.filter(organisation=organisation, is_active=True).update(is_active=False)
    return RiskMatrix.objects.create(
        organisation=organisation,
        name=name[:120],
        version=latest + 1,
        is_active=True,
        likelihood_levels=likelihood,
        consequence_levels=consequence,
        risk_levels=levels,
        aggregation=aggregation,
        created_by=actor,
    )


def _same_content(
    matrix: RiskMatrix, name: str, likelihood: Any, consequence: Any, risk_levels: Any, aggregation: str
) -> bool:
    try:
        cleaned_likelihood = matrices.clean_scale(likelihood, name="")
        cleaned_consequence = matrices.clean_scale(consequence, name="", with_dimensions=True)
        cleaned_levels = matrices.clean_risk_levels(
            risk_levels, max_score=len(cleaned_likelihood) * len(cleaned_consequence)
        )
    except ValidationError:
        return False  # invalid content is reported by _create_version
    return (
        matrix.name == (name or "").strip()[:120]
        and matrix.aggregation == aggregation
        and matrix.likelihood_levels == cleaned_likelihood
        and matrix.consequence_levels == cleaned_consequence
        and matrix.risk_levels == cleaned_levels
    )


@transaction.atomic
def new_matrix_version(
    *,
    actor: User,
    name: str,
    likelihood_levels: Any,
    consequence_levels: Any,
    risk_levels: Any,
    aggregation: str = Aggregation.WORST,
) -> RiskMatrix:
    """Put a new version of the matrix in use. Analyses made earlier keep the version they were made with."""
    if not access.has_perm(actor, Perm.CONFIGURE_RISK_MATRIX):
        raise PermissionDenied
    if actor.organisation_id is None:
        raise PermissionDenied
    organisation = Organisation.objects.select_for_update().get(pk=actor.organisation_id)
    active = RiskMatrix.objects.filter(organisation=organisation, is_active=True).first()
    if active is not None and _same_content(
        active, name, likelihood_levels, consequence_levels, risk_levels, aggregation
    ):
        return active  # the same content again (a double submit): no second identical version
    return _create_version(
        organisation=organisation,
        actor=actor,
        name=name,
        likelihood_levels=likelihood_levels,
        consequence_levels=consequence_levels,
        risk_levels=risk_levels,
        aggregation=aggregation,
    )


def use_matrix_template(*, actor: User, code: str) -> RiskMatrix:
    """Put one of the shipped matrices (5x5 MSB, 4x4 internal control) in use as a new version."""
    template = matrices.TEMPLATES.get(code)
    if template is None:
        raise ValidationError(_("There is no such matrix."))
    return new_matrix_version(
        actor=actor,
        name=template.name,
        likelihood_levels=template.likelihood_levels,
        consequence_levels=template.consequence_levels,
        risk_levels=template.risk_levels,
        aggregation=template.aggregation,
    )


# --- analyses --------------------------------------------------------------------

ANALYSIS_FIELDS = (
    "title",
    "scope",
    "method",
    "analysed_on",
    "trigger",
    "facility",
    "responsible",
    "other_participants",
    "affected_staff",
    "next_review",
)


def _check_people(actor: User, people: Iterable[User | None]) -> None:
    for person in people:
        if person is not None and (person.organisation_id != actor.organisation_id or not person.is_active):
            raise ValidationError(_("Choose people from your own organisation."))


def _check_areas(actor: User, areas: Iterable[SecurityArea | None]) -> None:
    for area in areas:
        if area is not None and area.organisation_id != actor.organisation_id:
            raise ValidationError(_("Choose a security area of your own organisation."))


def _check_analysis_fields(actor: User, fields: dict[str, Any], node: Node) -> None:
    if "title" in fields and not str(fields["title"] or "").strip():
        raise ValidationError(_("The analysis needs a title."))
    if "trigger" in fields and fields["trigger"] not in AnalysisTrigger.values:
        raise ValidationError(_("Choose why the analysis is made."))
    facility: Facility | None = fields.get("facility")
    if facility is not None and (
        facility.organisation_id != actor.organisation_id or not access.can(actor, Perm.VIEW_FACILITIES, facility)
    ):
        raise ValidationError(_("Choose premises you are responsible for."))
    if fields.get("trigger") in (AnalysisTrigger.PREMISES, AnalysisTrigger.TECHNICAL_PROTECTION) and facility is None:
        raise ValidationError(
            _("An analysis before building work or an installation of technical protection must name the premises.")
        )
    _check_people(actor, [fields.get("responsible")])
    analysed_on = fields.get("analysed_on")
    next_review = fields.get("next_review")
    if analysed_on and next_review and next_review <= analysed_on:
        raise ValidationError(_("The next review must come after the date of the analysis."))


@transaction.atomic
def create_analysis(
    *,
    actor: User,
    node: Node,
    title: str,
    analysed_on: datetime.date,
    scope: str = "",
    method: str = "",
    trigger: str = AnalysisTrigger.YEARLY,
    facility: Facility | None = None,
    responsible: User | None = None,
    participants: Iterable[User] = (),
    other_participants: str = "",
    affected_staff: str = "",
    security_areas: Iterable[SecurityArea] = (),
    next_review: datetime.date | None = None,
) -> RiskAnalysis:
    """Start a risk analysis of ``node`` with the organisation's matrix in use."""
    _same_org(actor, node)
    if not access.has_perm(actor, Perm.MANAGE_RISKS, node):
        raise PermissionDenied
    fields = {
        "title": title.strip(),
        "scope": scope,
        "method": method,
        "analysed_on": analysed_on,
        "trigger": trigger,
        "facility": facility,
        "responsible": responsible or actor,
        "other_participants": other_participants,
        "affected_staff": affected_staff,
        "next_review": next_review,
    }
    _check_analysis_fields(actor, fields, node)
    participants = list(participants)
    security_areas = list(security_areas)
    _check_people(actor, participants)
    _check_areas(actor, security_areas)
    organisation = node.organisation
    analysis = RiskAnalysis(
        organisation=organisation,
        node=node,
        number="RA-" + next_case_number(organisation_id=organisation.pk, series="risk-analysis", year=analysed_on.year),
        matrix=ensure_matrix(organisation=organisation),
        created_by=actor,
        **fields,
    )
    stamp(analysis, actor)
    analysis.save()
    analysis.participants.set(participants)
    analysis.security_areas.set(security_areas)
    # The yearly plan (K6): an analysis of a planned node that year fulfils the plan entry.
    PlannedAnalysis.objects.filter(
        organisation=organisation, node=node, year=analysed_on.year, analysis__isnull=True
    ).update(analysis=analysis)
    return analysis


@transaction.atomic
def update_analysis(
    *,
    actor: User,
    analysis: RiskAnalysis,
    revision: int | None,
    participants: Iterable[User] | None = None,
    security_areas: Iterable[SecurityArea] | None = None,
    **fields: Any,
) -> RiskAnalysis:
    """Change an analysis's details (any of ``ANALYSIS_FIELDS``)."""
    unknown = set(fields) - set(ANALYSIS_FIELDS)
    if unknown:
        raise TypeError(f"not analysis fields: {sorted(unknown)}")
    locked = editable_analysis(actor, analysis)
    check_revision(locked, revision)
    merged = {name: getattr(locked, name) for name in ANALYSIS_FIELDS} | fields
    _check_analysis_fields(actor, merged, locked.node)
    for name, value in fields.items():
        setattr(locked, name, value.strip() if name == "title" else value)
    if participants is not None:
        participants = list(participants)
        _check_people(actor, participants)
        locked.participants.set(participants)
    if security_areas is not None:
        security_areas = list(security_areas)
        _check_areas(actor, security_areas)
        locked.security_areas.set(security_areas)
    save_revision(locked, actor, list(fields))
    return locked


def suggested_next_review(analysis: RiskAnalysis) -> datetime.date:
    """When the node should be analysed again: the review interval of its worst open risk (G4)."""
    worst = Risk.objects.filter(analysis=analysis, status=RiskStatus.OPEN, current_level__isnull=False).aggregate(
        m=Max("current_level")
    )["m"]
    level = analysis.matrix.level(worst)
    months = int(level["review_months"]) if level else DEFAULT_REVIEW_MONTHS
    months = min(months, DEFAULT_REVIEW_MONTHS) if worst is not None else DEFAULT_REVIEW_MONTHS
    start = analysis.analysed_on
    month = start.month - 1 + months
    year = start.year + month // 12
    day = min(start.day, 28)
    return datetime.date(year, month % 12 + 1, day)


@transaction.atomic
def change_analysis_status(*, actor: User, analysis: RiskAnalysis, status: str, revision: int | None) -> RiskAnalysis:
    """Move an analysis along draft → in progress → done → adopted (or back).

    Done needs at least one risk, and every open risk judged as it is today. Adopting needs
    ``ADOPT_RISK_ANALYSES`` for the node. Reopening an adopted analysis needs it as well.
    """
    if not access.can(actor, Perm.MANAGE_RISKS, analysis):
        raise PermissionDenied
    locked = RiskAnalysis.objects.select_for_update().get(pk=analysis.pk)
    check_revision(locked, revision)
    if status not in ANALYSIS_TRANSITIONS.get(locked.status, ()):
        raise ValidationError(
            _("An analysis that is %(current)s cannot be marked %(new)s.")
            % {
                "current": AnalysisStatus(locked.status).label.lower(),
                "new": AnalysisStatus(status).label.lower() if status in AnalysisStatus.values else status,
            }
        )
    if (status == AnalysisStatus.ADOPTED or locked.status == AnalysisStatus.ADOPTED) and not access.has_perm(
        actor, Perm.ADOPT_RISK_ANALYSES, locked.node
    ):
        raise PermissionDenied
    if status in (AnalysisStatus.DONE, AnalysisStatus.ADOPTED):
        risks = Risk.objects.filter(analysis=locked)
        if not risks.exists():
            raise ValidationError(_("Add at least one risk before you mark the analysis as done."))
        unjudged = risks.filter(status=RiskStatus.OPEN, current_level__isnull=True).count()
        if unjudged:
            raise ValidationError(
                _("Judge the likelihood and consequence of every open risk first (%(count)d left).")
                % {"count": unjudged}
            )
    now = timezone.now()
    locked.status = status
    locked.status_changed_at = now
    locked.status_changed_by = actor
    fields = ["status", "status_changed_at", "status_changed_by"]
    if status == AnalysisStatus.ADOPTED:
        locked.adopted_at = now
        locked.adopted_by = actor
        fields += ["adopted_at", "adopted_by"]
    if status in (AnalysisStatus.DONE, AnalysisStatus.ADOPTED) and locked.next_review is None:
        locked.next_review = suggested_next_review(locked)
        fields.append("next_review")
    save_revision(locked, actor, fields)
    return locked


# --- risks -----------------------------------------------------------------------

RISK_FIELDS = ("security_area", "title", "description", "threat", "timeframe", "current_controls", "owner", "status")


def _check_risk_fields(actor: User, fields: dict[str, Any]) -> None:
    if "title" in fields and not str(fields["title"] or "").strip():
        raise ValidationError(_("Describe the risk in a few words."))
    if "security_area" in fields:
        if fields["security_area"] is None:
            raise ValidationError(_("Choose a security area."))
        _check_areas(actor, [fields["security_area"]])
    if "timeframe" in fields and fields["timeframe"] not in Timeframe.values:
        raise ValidationError(_("Say whether the risk exists today or may arise in the future."))
    if "status" in fields and fields["status"] not in RiskStatus.values:
        raise ValidationError(_("Choose a status for the risk."))
    _check_people(actor, [fields.get("owner")])


@transaction.atomic
def add_risk(
    *,
    actor: User,
    analysis: RiskAnalysis,
    security_area: SecurityArea,
    title: str,
    description: str = "",
    threat: str = "",
    timeframe: str = Timeframe.EXISTING,
    current_controls: str = "",
    owner: User | None = None,
    incidents: Iterable[Incident] = (),
) -> Risk:
    """Add a risk to an analysis. Its number comes from a counter row, never from counting risks."""
    locked = editable_analysis(actor, analysis)
    fields = {
        "security_area": security_area,
        "title": title.strip(),
        "description": description,
        "threat": threat,
        "timeframe": timeframe,
        "current_controls": current_controls,
        "owner": owner,
    }
    _check_risk_fields(actor, fields)
    risk = Risk(
        organisation_id=locked.organisation_id,
        analysis=locked,
        node_id=locked.node_id,
        matrix_id=locked.matrix_id,
        number="R-"
        + next_case_number(organisation_id=locked.organisation_id, series="risk", year=timezone.localdate().year),
        created_by=actor,
        **fields,
    )
    stamp(risk, actor)
    risk.save()
    incidents = list(incidents)
    if incidents:
        _set_incidents(actor, risk, incidents)
    return risk


@transaction.atomic
def update_risk(*, actor: User, risk: Risk, revision: int | None, **fields: Any) -> Risk:
    """Change a risk's description, owner or status (any of ``RISK_FIELDS``)."""
    unknown = set(fields) - set(RISK_FIELDS)
    if unknown:
        raise TypeError(f"not risk fields: {sorted(unknown)}")
    editable_analysis(actor, risk.analysis)
    locked = Risk.objects.select_for_update().get(pk=risk.pk)
    check_revision(locked, revision)
    _check_risk_fields(actor, fields)
    for name, value in fields.items():
        setattr(locked, name, value.strip() if name == "title" else value)
    save_revision(locked, actor, list(fields))
    return locked


def _set_incidents(actor: User, risk: Risk, incidents: list[Incident]) -> None:
    visible = access.scope(actor, Perm.VIEW_INCIDENTS, Incident.objects.filter(pk__in=[i.pk for i in incidents]))
    if visible.count() != len({i.pk for i in incidents}):
        raise ValidationError(_("Link only incidents that you may see."))
    risk.incidents.set(incidents)


@transaction.atomic
def link_incidents(*, actor: User, risk: Risk, incidents: Iterable[Incident]) -> Risk:
    """Set the incidents whose damage history supports the risk's likelihood (G3)."""
    editable_analysis(actor, risk.analysis)
    _set_incidents(actor, risk, list(incidents))
    return risk


@transaction.atomic
def assess_risk(
    *,
    actor: User,
    risk: Risk,
    stage: str,
    likelihood: int,
    consequences: dict[str, int | None],
    rationale: str = "",
) -> RiskAssessment:
    """Judge a risk at one stage: likelihood and consequence per dimension, on the analysis's matrix version.

    The risk level follows from the matrix (worst dimension by default) and is kept on the risk for
    lists and heat maps.
    """
    if stage not in Stage.values:
        raise ValidationError(_("Choose which judgement this is."))
    locked_analysis = editable_analysis(actor, risk.analysis)
    matrix = locked_analysis.matrix
    if not isinstance(likelihood, int) or not 1 <= likelihood <= matrix.likelihood_count:
        raise ValidationError(_("Choose a likelihood between 1 and %(max)d.") % {"max": matrix.likelihood_count})
    unknown = set(consequences) - set(DIMENSIONS)
    if unknown:
        raise ValidationError(_("Unknown consequence dimension."))
    values = {d: consequences.get(d) or None for d in DIMENSIONS}
    for value in values.values():
        if value is not None and not 1 <= value <= matrix.consequence_count:
            raise ValidationError(_("Choose a consequence between 1 and %(max)d.") % {"max": matrix.consequence_count})
    consequence = matrix.aggregate(values)
    if consequence is None:
        raise ValidationError(_("Judge the consequence for at least one dimension."))
    level = matrix.level_index(likelihood, consequence)
    assert level is not None  # noqa: S101 - both values are set
    assessment = RiskAssessment.objects.filter(risk=risk, stage=stage).first() or RiskAssessment(
        organisation_id=risk.organisation_id, risk=risk, stage=stage
    )
    assessment.matrix = matrix
    assessment.likelihood = likelihood
    for d, value in values.items():
        setattr(assessment, d, value)
    assessment.consequence = consequence
    assessment.level = level
    assessment.rationale = rationale
    assessment.assessed_at = timezone.now()
    assessment.assessed_by = actor
    stamp(assessment, actor)
    assessment.save()
    locked = Risk.objects.select_for_update().get(pk=risk.pk)
    setattr(locked, f"{stage}_likelihood", likelihood)
    setattr(locked, f"{stage}_consequence", consequence)
    setattr(locked, f"{stage}_level", level)
    save_revision(locked, actor, [f"{stage}_likelihood", f"{stage}_consequence", f"{stage}_level"])
    return assessment


@transaction.atomic
def delete_risk(*, actor: User, risk: Risk) -> None:
    """Remove a risk from an analysis that is not adopted. Measures left without a risk go with it."""
    editable_analysis(actor, risk.analysis)
    orphaned = [m for m in risk.measures.all() if m.risks.count() == 1]
    for measure in orphaned:
        stamp(measure, actor)
        measure.delete()
    risk.incidents.clear()
    stamp(risk, actor)
    risk.delete()


# --- measures --------------------------------------------------------------------

MEASURE_FIELDS = (
    "measure_type",
    "is_continuity",
    "title",
    "description",
    "security_area",
    "investment",
    "yearly_cost",
    "lifetime_years",
    "likelihood_reduction",
    "consequence_reduction",
    "expected_reduction",
    "effect_share",
    "priority",
    "financing",
    "responsible",
    "status",
)


def _check_measure_fields(actor: User, fields: dict[str, Any]) -> None:
    if "measure_type" in fields and fields["measure_type"] not in MeasureType.values:
        raise ValidationError(
            _("Choose whether the measure eliminates the risk, prevents damage or limits the damage.")
        )
    if "title" in fields and not str(fields["title"] or "").strip():
        raise ValidationError(_("Describe the measure in a few words."))
    for name in ("investment", "yearly_cost", "expected_reduction"):
        value = fields.get(name)
        if value is not None and Decimal(value) < 0:
            raise ValidationError(_("Amounts cannot be negative."))
    if "lifetime_years" in fields and not 1 <= int(fields["lifetime_years"]) <= 100:
        raise ValidationError(_("The lifetime must be between 1 and 100 years."))
    share = fields.get("effect_share")
    if share is not None and not 0 <= int(share) <= 100:
        raise ValidationError(_("The share of damage cost avoided must be between 0 and 100 per cent."))
    if "priority" in fields and fields["priority"] not in Priority.values:
        raise ValidationError(_("Choose a priority."))
    if "status" in fields and fields["status"] not in MeasureStatus.values:
        raise ValidationError(_("Choose a status for the measure."))
    _check_areas(actor, [fields.get("security_area")])
    _check_people(actor, [fields.get("responsible")])


def _check_measure_risks(analysis: RiskAnalysis, risks: list[Risk]) -> None:
    if not risks:
        raise ValidationError(_("Choose at least one risk that the measure is for."))
    if any(r.analysis_id != analysis.pk for r in risks):
        raise ValidationError(_("A measure can only serve risks of its own analysis."))


@transaction.atomic
def add_measure(
    *,
    actor: User,
    analysis: RiskAnalysis,
    measure_type: str,
    title: str,
    risks: Iterable[Risk],
    description: str = "",
    is_continuity: bool = False,
    security_area: SecurityArea | None = None,
    investment: Decimal = Decimal(0),
    yearly_cost: Decimal = Decimal(0),
    lifetime_years: int = 10,
    likelihood_reduction: int = 0,
    consequence_reduction: int = 0,
    expected_reduction: Decimal | None = None,
    effect_share: int | None = None,
    priority: int = Priority.MEDIUM,
    financing: str = "",
    responsible: User | None = None,
    status: str = MeasureStatus.PROPOSED,
) -> Measure:
    """Propose a measure against one or more risks of the analysis, with its cost and expected effect (K8)."""
    locked = editable_analysis(actor, analysis)
    risks = list(risks)
    _check_measure_risks(locked, risks)
    fields: dict[str, Any] = {
        "measure_type": measure_type,
        "is_continuity": is_continuity,
        "title": title.strip(),
        "description": description,
        "security_area": security_area or risks[0].security_area,
        "investment": Decimal(investment or 0),
        "yearly_cost": Decimal(yearly_cost or 0),
        "lifetime_years": lifetime_years,
        "likelihood_reduction": likelihood_reduction,
        "consequence_reduction": consequence_reduction,
        "expected_reduction": expected_reduction,
        "effect_share": effect_share,
        "priority": priority,
        "financing": financing,
        "responsible": responsible,
        "status": status,
    }
    _check_measure_fields(actor, fields)
    measure = Measure(
        organisation_id=locked.organisation_id,
        analysis=locked,
        node_id=locked.node_id,
        number="Å-"
        + next_case_number(organisation_id=locked.organisation_id, series="measure", year=timezone.localdate().year),
        created_by=actor,
        **fields,
    )
    stamp(measure, actor)
    measure.save()
    measure.risks.set(risks)
    return measure


@transaction.atomic
def update_measure(
    *, actor: User, measure: Measure, revision: int | None, risks: Iterable[Risk] | None = None, **fields: Any
) -> Measure:
    """Change a measure (any of ``MEASURE_FIELDS``, and the risks it serves)."""
    unknown = set(fields) - set(MEASURE_FIELDS)
    if unknown:
        raise TypeError(f"not measure fields: {sorted(unknown)}")
    analysis = editable_analysis(actor, measure.analysis)
    locked = Measure.objects.select_for_update().get(pk=measure.pk)
    check_revision(locked, revision)
    _check_measure_fields(actor, fields)
    if risks is not None:
        risks = list(risks)
        _check_measure_risks(analysis, risks)
        locked.risks.set(risks)
    for name, value in fields.items():
        setattr(locked, name, value.strip() if name == "title" else value)
    save_revision(locked, actor, list(fields))
    return locked


@transaction.atomic
def delete_measure(*, actor: User, measure: Measure) -> None:
    """Remove a measure from an analysis that is not adopted."""
    editable_analysis(actor, measure.analysis)
    stamp(measure, actor)
    measure.delete()


def ensure_defaults(*, organisation: Organisation) -> RiskMatrix:
    """What risk management needs before the first analysis: security areas and a matrix."""
    ensure_security_areas(organisation=organisation)
    return ensure_matrix(organisation=organisation)
