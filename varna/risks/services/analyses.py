"""Writes of a risk analysis (G3, K9): start one, change its details, move it through its statuses.

Every write of risk management checks the access policy itself (``access.can`` / ``access.has_perm``),
so the pages, the API and the demo cannot write around it. An adopted analysis is closed for changes
until it is reopened (:func:`editable_analysis`, which the writes of risks and measures use too).
Updates take the ``revision`` the form was shown with: a stale form changes nothing. A create from a
page passes ``once=True``: the same person sending the same record again within
``core.services.DUPLICATE_WINDOW`` gets :class:`AlreadySaved` with the first record, never a second one.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max, Model
from django.utils import timezone
from django.utils.translation import gettext as _

from varna.core import access, pdf
from varna.core.access import Perm
from varna.core.models import Node, SecurityArea, User
from varna.core.services import (
    check_revision,
    lock_actor,
    next_case_number,
    recent_duplicate,
    save_revision,
    stamp,
)
from varna.protection.models import Facility
from varna.risks.exports import ANALYSIS_PDF
from varna.risks.models import (
    ANALYSIS_TRANSITIONS,
    AnalysisStatus,
    AnalysisTrigger,
    PlannedAnalysis,
    Risk,
    RiskAnalysis,
    RiskStatus,
)
from varna.risks.services.matrix import ensure_matrix

DEFAULT_REVIEW_MONTHS = 12  # G4: risk identification recurs yearly


class AlreadySaved[M: Model](Exception):
    """A create sent twice (double click, reload of the POST): ``record`` is what the first one made."""

    def __init__(self, record: M) -> None:
        super().__init__(f"already saved: {record.pk}")
        self.record = record


# --- shared by the writes of analyses, risks and measures ------------------------------


def same_org(actor: User, *objs: Any) -> None:
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


def check_people(actor: User, people: Iterable[User | None]) -> None:
    for person in people:
        if person is not None and (person.organisation_id != actor.organisation_id or not person.is_active):
            raise ValidationError(_("Choose people from your own organisation."))


def check_areas(actor: User, areas: Iterable[SecurityArea | None]) -> None:
    for area in areas:
        if area is not None and area.organisation_id != actor.organisation_id:
            raise ValidationError(_("Choose a security area of your own organisation."))


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
    check_people(actor, [fields.get("responsible")])
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
    once: bool = False,
) -> RiskAnalysis:
    """Start a risk analysis of ``node`` with the organisation's matrix in use.

    ``once``: the same person starting an analysis of the node with the same title and date again
    within the double-submit window gets :class:`AlreadySaved` with the first one.
    """
    if once:
        lock_actor(actor)
        earlier = recent_duplicate(
            RiskAnalysis.objects.filter(node=node, title=title.strip(), analysed_on=analysed_on), actor=actor
        )
        if earlier is not None:
            raise AlreadySaved(earlier)
    same_org(actor, node)
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
    check_people(actor, participants)
    check_areas(actor, security_areas)
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
    ).update(analysis=analysis, revision=F("revision") + 1, updated_at=timezone.now())
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
        check_people(actor, participants)
        locked.participants.set(participants)
    if security_areas is not None:
        security_areas = list(security_areas)
        check_areas(actor, security_areas)
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
    previous = locked.status
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
    if AnalysisStatus.ADOPTED in (status, previous):
        # The worker makes the adopted analysis's PDF and keeps it, or removes the kept one when it is reopened.
        pdf.request_store(ANALYSIS_PDF, locked.pk, actor)
    return locked
