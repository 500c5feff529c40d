"""Writes of the risks of an analysis: add, change and remove a risk, its judgements and its incidents (G3).

A risk is saved with its judgements and its incidents in one transaction, or nothing is saved. Its
number comes from a counter row, never from counting risks. Linking incidents never touches links to
incidents the person may not see.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from varna.core import access
from varna.core.access import Perm
from varna.core.models import SecurityArea, User
from varna.core.services import (
    check_revision,
    lock_actor,
    next_case_number,
    recent_duplicate,
    save_revision,
    stamp,
)
from varna.incidents.models import Incident
from varna.risks.models import (
    DIMENSIONS,
    Risk,
    RiskAnalysis,
    RiskAssessment,
    RiskStatus,
    Stage,
    Timeframe,
)
from varna.risks.services.analyses import AlreadySaved, check_areas, check_people, editable_analysis

RISK_FIELDS = ("security_area", "title", "description", "threat", "timeframe", "current_controls", "owner", "status")


@dataclass(frozen=True)
class Judgement:
    """One judgement of a risk: likelihood and consequence per dimension (``None``: not judged)."""

    likelihood: int
    consequences: dict[str, int | None] = field(default_factory=dict)
    rationale: str = ""

    def same_as(self, assessment: RiskAssessment | None) -> bool:
        if assessment is None:
            return False
        return (
            assessment.likelihood == self.likelihood
            and all(getattr(assessment, d) == (self.consequences.get(d) or None) for d in DIMENSIONS)
            and assessment.rationale == self.rationale
        )


def _check_risk_fields(actor: User, fields: dict[str, Any]) -> None:
    if "title" in fields and not str(fields["title"] or "").strip():
        raise ValidationError(_("Describe the risk in a few words."))
    if "security_area" in fields:
        if fields["security_area"] is None:
            raise ValidationError(_("Choose a security area."))
        check_areas(actor, [fields["security_area"]])
    if "timeframe" in fields and fields["timeframe"] not in Timeframe.values:
        raise ValidationError(_("Say whether the risk exists today or may arise in the future."))
    if "status" in fields and fields["status"] not in RiskStatus.values:
        raise ValidationError(_("Choose a status for the risk."))
    check_people(actor, [fields.get("owner")])


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
    judgements: dict[str, Judgement | None] | None = None,
    once: bool = False,
) -> Risk:
    """Add a risk to an analysis with its judgements and linked incidents, all or nothing.

    ``once``: the same person adding a risk with the same title and security area to the analysis
    again within the double-submit window gets :class:`AlreadySaved` with the first risk.
    """
    if once:
        lock_actor(actor)
        earlier = recent_duplicate(
            Risk.objects.filter(analysis=analysis, title=title.strip(), security_area=security_area), actor=actor
        )
        if earlier is not None:
            raise AlreadySaved(earlier)
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
        _link(actor, risk, incidents)
    if judgements is not None:
        _judge(actor, risk, judgements, clear=False)
        risk.refresh_from_db()
    return risk


@transaction.atomic
def update_risk(
    *,
    actor: User,
    risk: Risk,
    revision: int | None,
    judgements: dict[str, Judgement | None] | None = None,
    incidents: Iterable[Incident] | None = None,
    **fields: Any,
) -> Risk:
    """Change a risk (any of ``RISK_FIELDS``), its judgements (``None`` removes one) and its incidents."""
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
    if incidents is not None:
        _link(actor, locked, list(incidents))
    if judgements is not None:
        _judge(actor, locked, judgements, clear=True)
        locked.refresh_from_db()
    return locked


def _link(actor: User, risk: Risk, incidents: list[Incident]) -> None:
    """Set the linked incidents the person may see; links to incidents hidden from them are kept."""
    visible = access.scope(actor, Perm.VIEW_INCIDENTS, Incident.objects.all())
    chosen = {i.pk for i in incidents}
    if visible.filter(pk__in=chosen).count() != len(chosen):
        raise ValidationError(_("Link only incidents that you may see."))
    hidden = set(risk.incidents.exclude(pk__in=visible.values("pk")).values_list("pk", flat=True))
    risk.incidents.set(chosen | hidden)


@transaction.atomic
def link_incidents(*, actor: User, risk: Risk, incidents: Iterable[Incident]) -> Risk:
    """Set the incidents whose damage history supports the risk's likelihood (G3).

    Links to incidents the person may not see are kept.
    """
    editable_analysis(actor, risk.analysis)
    _link(actor, risk, list(incidents))
    return risk


def _judge(actor: User, risk: Risk, judgements: dict[str, Judgement | None], *, clear: bool) -> None:
    existing = {a.stage: a for a in RiskAssessment.objects.filter(risk=risk)}
    for stage in Stage.values:
        if stage not in judgements:
            continue
        judgement = judgements[stage]
        if judgement is None:
            if clear and stage in existing:
                _clear(actor, risk, stage)
            continue
        if judgement.same_as(existing.get(stage)):
            continue
        assess_risk(
            actor=actor,
            risk=risk,
            stage=stage,
            likelihood=judgement.likelihood,
            consequences=judgement.consequences,
            rationale=judgement.rationale,
        )


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


def _clear(actor: User, risk: Risk, stage: str) -> None:
    RiskAssessment.objects.filter(risk=risk, stage=stage).delete()
    locked = Risk.objects.select_for_update().get(pk=risk.pk)
    for part in ("likelihood", "consequence", "level"):
        setattr(locked, f"{stage}_{part}", None)
    save_revision(locked, actor, [f"{stage}_likelihood", f"{stage}_consequence", f"{stage}_level"])


@transaction.atomic
def clear_assessment(*, actor: User, risk: Risk, stage: str) -> None:
    """Remove one judgement of a risk (the analysis must be open for changes)."""
    if stage not in Stage.values:
        raise ValidationError(_("Choose which judgement this is."))
    editable_analysis(actor, risk.analysis)
    _clear(actor, risk, stage)


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
