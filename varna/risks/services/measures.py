"""Writes of the measures of an analysis (G1, G5, K8, K9): propose, change and remove a measure.

A measure serves one or more risks of its own analysis and carries its cost and expected effect.
Its number comes from a counter row.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from varna.core.models import SecurityArea, User
from varna.core.services import (
    check_revision,
    lock_actor,
    next_case_number,
    recent_duplicate,
    save_revision,
    stamp,
)
from varna.risks.models import Measure, MeasureStatus, MeasureType, Priority, Risk, RiskAnalysis
from varna.risks.services.analyses import AlreadySaved, check_areas, check_people, editable_analysis

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
    "done_on",
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
    if fields.get("done_on") is not None and fields["done_on"] > timezone.localdate():
        raise ValidationError(_("The day the measure was carried out cannot be in the future."))
    check_areas(actor, [fields.get("security_area")])
    check_people(actor, [fields.get("responsible")])


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
    done_on: datetime.date | None = None,
    once: bool = False,
) -> Measure:
    """Propose a measure against one or more risks of the analysis, with its cost and expected effect (K8).

    ``once``: the same person proposing a measure of the same type and title for the analysis again
    within the double-submit window gets :class:`AlreadySaved` with the first measure.
    """
    if once:
        lock_actor(actor)
        earlier = recent_duplicate(
            Measure.objects.filter(analysis=analysis, title=title.strip(), measure_type=measure_type), actor=actor
        )
        if earlier is not None:
            raise AlreadySaved(earlier)
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
        "done_on": done_on,
    }
    _check_measure_fields(actor, fields)
    _keep_done_on(fields)
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
    done = {"status": locked.status, "done_on": locked.done_on}
    _keep_done_on(done)
    if done["done_on"] != locked.done_on:
        locked.done_on = done["done_on"]
        fields["done_on"] = locked.done_on
    save_revision(locked, actor, list(fields))
    return locked


def _keep_done_on(fields: dict[str, Any]) -> None:
    """A measure carried out has the day it was (today unless given); any other status has none."""
    if fields["status"] == MeasureStatus.DONE:
        fields["done_on"] = fields.get("done_on") or timezone.localdate()
    else:
        fields["done_on"] = None


@transaction.atomic
def delete_measure(*, actor: User, measure: Measure) -> None:
    """Remove a measure from an analysis that is not adopted."""
    editable_analysis(actor, measure.analysis)
    stamp(measure, actor)
    measure.delete()
