"""Writes the risk pages need on top of :mod:`varna.risks.services`: whole-form saves and double-submit guards.

Each function is one transaction: a risk is saved with its judgements and its incidents, or nothing is
saved. A create that arrives twice (double click, reload of the POST) gives back the record the first
one made: the same person creating an identical record within ``DUPLICATE_WINDOW`` is the same record.
The person's row is locked first, so two simultaneous copies of one submit are handled one after the other.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from varna.core import access
from varna.core.access import Perm
from varna.core.models import User
from varna.core.services import save_revision
from varna.incidents.models import Incident
from varna.risks import services
from varna.risks.models import DIMENSIONS, Measure, Risk, RiskAnalysis, RiskAssessment, Stage

DUPLICATE_WINDOW = datetime.timedelta(minutes=2)


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


def _lock_actor(actor: User) -> None:
    """Serialise this person's creates, so that two copies of one submit cannot both pass the check."""
    list(User.objects.select_for_update().filter(pk=actor.pk).values_list("pk", flat=True))


def _recent[M: Model](queryset: QuerySet[M], actor: User) -> M | None:
    since = timezone.now() - DUPLICATE_WINDOW
    return queryset.filter(created_by=actor, created_at__gte=since).order_by("-pk").first()


@transaction.atomic
def create_analysis_once(*, actor: User, **fields: Any) -> tuple[RiskAnalysis, bool]:
    """:func:`services.create_analysis`, unless the same person just created the same analysis."""
    _lock_actor(actor)
    earlier = _recent(
        RiskAnalysis.objects.filter(
            node=fields["node"], title=str(fields.get("title", "")).strip(), analysed_on=fields["analysed_on"]
        ),
        actor,
    )
    if earlier is not None:
        return earlier, False
    return services.create_analysis(actor=actor, **fields), True


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
        services.assess_risk(
            actor=actor,
            risk=risk,
            stage=stage,
            likelihood=judgement.likelihood,
            consequences=judgement.consequences,
            rationale=judgement.rationale,
        )


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
    services.editable_analysis(actor, risk.analysis)
    _clear(actor, risk, stage)


def _link_visible(actor: User, risk: Risk, incidents: list[Incident]) -> None:
    """Set the linked incidents the person may see; links to incidents hidden from them are kept."""
    visible = access.scope(actor, Perm.VIEW_INCIDENTS, Incident.objects.all())
    chosen = {i.pk for i in incidents}
    if visible.filter(pk__in=chosen).count() != len(chosen):
        raise ValidationError(_("Link only incidents that you may see."))
    hidden = set(risk.incidents.exclude(pk__in=visible.values("pk")).values_list("pk", flat=True))
    risk.incidents.set(chosen | hidden)


@transaction.atomic
def link_visible_incidents(*, actor: User, risk: Risk, incidents: Iterable[Incident]) -> Risk:
    """Set the incidents behind a risk without touching links to incidents the person may not see."""
    services.editable_analysis(actor, risk.analysis)
    _link_visible(actor, risk, list(incidents))
    return risk


@transaction.atomic
def add_risk_with_judgements(
    *,
    actor: User,
    analysis: RiskAnalysis,
    judgements: dict[str, Judgement | None],
    incidents: Iterable[Incident] = (),
    **fields: Any,
) -> tuple[Risk, bool]:
    """Add a risk with its judgements and linked incidents, all or nothing.

    The same person adding a risk with the same title and security area to the analysis within
    ``DUPLICATE_WINDOW`` gets the first risk back (``created`` is False).
    """
    _lock_actor(actor)
    earlier = _recent(
        Risk.objects.filter(
            analysis=analysis, title=str(fields.get("title", "")).strip(), security_area=fields.get("security_area")
        ),
        actor,
    )
    if earlier is not None:
        return earlier, False
    risk = services.add_risk(actor=actor, analysis=analysis, **fields)
    incidents = list(incidents)
    if incidents:
        _link_visible(actor, risk, incidents)
    _judge(actor, risk, judgements, clear=False)
    risk.refresh_from_db()
    return risk, True


@transaction.atomic
def update_risk_with_judgements(
    *,
    actor: User,
    risk: Risk,
    revision: int | None,
    judgements: dict[str, Judgement | None],
    incidents: Iterable[Incident] | None = None,
    **fields: Any,
) -> Risk:
    """Change a risk, its judgements (``None`` removes one) and its incidents, all or nothing."""
    updated = services.update_risk(actor=actor, risk=risk, revision=revision, **fields)
    if incidents is not None:
        _link_visible(actor, updated, list(incidents))
    _judge(actor, updated, judgements, clear=True)
    updated.refresh_from_db()
    return updated


@transaction.atomic
def add_measure_once(*, actor: User, analysis: RiskAnalysis, **fields: Any) -> tuple[Measure, bool]:
    """:func:`services.add_measure`, unless the same person just proposed the same measure."""
    _lock_actor(actor)
    earlier = _recent(
        Measure.objects.filter(
            analysis=analysis,
            title=str(fields.get("title", "")).strip(),
            measure_type=fields.get("measure_type", ""),
        ),
        actor,
    )
    if earlier is not None:
        return earlier, False
    return services.add_measure(actor=actor, analysis=analysis, **fields), True
