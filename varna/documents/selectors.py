"""Every read of governing documents, scoped by the access policy: the list, one document and its versions, the
revision list, the preparedness plan's sub-plans, the adopted action plans (kept in plans: linked, not copied)
and the links that the risk and plan pages show (registered as panels in ``DocumentsConfig.ready``)."""

from __future__ import annotations

import datetime
import enum
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from varna.core import access
from varna.core.access import Perm
from varna.core.models import User
from varna.documents.models import DocumentKind, DocumentLink, DocumentVersion, GoverningDocument, Operation
from varna.plans.models import Action, ActionPlan
from varna.risks.models import Measure, Risk, RiskAnalysis

MAX_LINK_CHOICES = 300  # documents offered in a panel's "link a document" list


def today() -> datetime.date:
    return timezone.localdate()


def documents(
    user: User, *, kind: str | None = None, query: str = "", perm: Perm = Perm.VIEW_DOCUMENTS
) -> QuerySet[GoverningDocument]:
    """The documents the person may read (adopted public ones, and what they keep), by title."""
    rows = access.scope(
        user, perm, GoverningDocument.objects.select_related("node", "current_version", "owner")
    ).order_by("title", "pk")
    if kind:
        rows = rows.filter(kind=kind)
    if query:
        rows = rows.filter(Q(title__icontains=query) | Q(current_version__registry_number__icontains=query))
    return rows


def document_for(user: User, pk: int, perm: Perm = Perm.VIEW_DOCUMENTS) -> GoverningDocument:
    """One document (a 404 outside what the person may read or, with ``perm``, keep)."""
    queryset = GoverningDocument.objects.select_related("node", "current_version", "owner")
    return access.get_object_or_404(user, perm, queryset, pk=pk)


def versions(user: User, document: GoverningDocument) -> QuerySet[DocumentVersion]:
    """The document's versions the person may read (drafts only for those who keep it), newest first."""
    rows = DocumentVersion.objects.filter(document=document).select_related("created_by", "adopted_by")
    return access.scope(user, Perm.VIEW_DOCUMENTS, rows, narrow=False).order_by("-number")


def version_for(user: User, pk: int, perm: Perm = Perm.VIEW_DOCUMENTS) -> DocumentVersion:
    queryset = DocumentVersion.objects.select_related("document__node", "document__current_version")
    return access.get_object_or_404(user, perm, queryset, pk=pk)


def is_overdue(document: GoverningDocument, day: datetime.date) -> bool:
    return document.next_revision_on is not None and document.next_revision_on < day


def past_revision(user: User, day: datetime.date | None = None) -> QuerySet[GoverningDocument]:
    """The documents the person keeps whose revision date has passed, the longest overdue first."""
    day = day or today()
    rows = documents(user, perm=Perm.MANAGE_DOCUMENTS).filter(next_revision_on__lt=day)
    return rows.order_by("next_revision_on", "title", "pk")


# --- the preparedness plan: one sub-plan per operation ---------------------------------------------


class SubPlanState(enum.StrEnum):
    MISSING = "missing"
    DRAFT = "draft"  # a document, but no adopted version yet
    OUT_OF_DATE = "out_of_date"  # its revision date or validity has passed
    CURRENT = "current"


STATE_LABELS = {
    SubPlanState.MISSING: _("Missing"),
    SubPlanState.DRAFT: _("Not adopted"),
    SubPlanState.OUT_OF_DATE: _("Out of date"),
    SubPlanState.CURRENT: _("Current"),
}


@dataclass(frozen=True)
class SubPlanRow:
    operation: str
    label: Any
    documents: list[GoverningDocument]
    state: SubPlanState

    @property
    def state_label(self) -> Any:
        return STATE_LABELS[self.state]


def sub_plan_state(document: GoverningDocument, day: datetime.date) -> SubPlanState:
    version = document.current_version
    if version is None:
        return SubPlanState.DRAFT
    if is_overdue(document, day) or (version.valid_until is not None and version.valid_until < day):
        return SubPlanState.OUT_OF_DATE
    return SubPlanState.CURRENT


def preparedness(user: User, day: datetime.date | None = None) -> list[SubPlanRow]:
    """For each operation: its sub-plans of the preparedness plan and whether they are current (K)."""
    day = day or today()
    found: dict[str, list[GoverningDocument]] = {}
    for document in documents(user).filter(kind=DocumentKind.PREPAREDNESS_SUBPLAN).order_by("node__path", "pk"):
        found.setdefault(document.operation, []).append(document)
    rows = []
    for operation in Operation:
        docs = found.get(operation.value, [])
        states = [sub_plan_state(d, day) for d in docs]
        # The operation is as good as its best sub-plan: one current sub-plan is enough.
        order = [SubPlanState.CURRENT, SubPlanState.OUT_OF_DATE, SubPlanState.DRAFT]
        state = next((s for s in order if s in states), SubPlanState.MISSING)
        rows.append(SubPlanRow(operation.value, operation.label, docs, state))
    return rows


def crisis_management_plans(user: User) -> QuerySet[GoverningDocument]:
    """The crisis management plan: the base of the preparedness plan (K)."""
    return documents(user, kind=DocumentKind.CRISIS_MANAGEMENT_PLAN)


def adopted_action_plans(user: User) -> QuerySet[ActionPlan] | None:
    """The nämnder's adopted action plans the person may see (kept in plans: the list links to them), the newest
    year first; ``None`` for a person who may not see action plans."""
    if not access.has_perm(user, Perm.VIEW_PLANS):
        return None
    rows = ActionPlan.objects.filter(adopted_on__isnull=False).select_related("node")
    return access.scope(user, Perm.VIEW_PLANS, rows).order_by("-year", "node__path")


# --- links from risks, measures and actions (panels on the risk analysis and action plan pages) -----------


def _link_choices(user: User) -> list[GoverningDocument]:
    return list(
        documents(user)
        .filter(current_version__isnull=False)
        .select_related(None)
        .only("pk", "title")[:MAX_LINK_CHOICES]
    )


def _links(user: User, condition: Q) -> list[DocumentLink]:
    rows = DocumentLink.objects.filter(condition).select_related("document", "risk", "measure", "action")
    return list(access.scope(user, Perm.VIEW_DOCUMENTS, rows, narrow=False).order_by("document__title", "pk"))


def analysis_links(user: User, analysis: RiskAnalysis) -> dict[str, Any] | None:
    """The documents the analysis's risks and measures link to; with a form for those who may change them."""
    if not isinstance(analysis, RiskAnalysis):
        return None
    links = _links(user, Q(risk__analysis=analysis) | Q(measure__analysis=analysis))
    can_link = access.can(user, Perm.MANAGE_RISKS, analysis)
    targets: list[tuple[str, str]] = []
    if can_link:
        targets += [(f"risk:{r.pk}", str(r.title)) for r in Risk.objects.filter(analysis=analysis).order_by("pk")]
        targets += [(f"measure:{m.pk}", str(m.title)) for m in Measure.objects.filter(analysis=analysis).order_by("pk")]
    if not links and not targets:
        return None
    return {"links": links, "targets": targets, "documents": _link_choices(user) if targets else []}


def plan_links(user: User, plan: ActionPlan) -> dict[str, Any] | None:
    """The documents the plan's actions link to; with a form for those who may change the plan."""
    if not isinstance(plan, ActionPlan):
        return None
    links = _links(user, Q(action__plan=plan))
    targets: list[tuple[str, str]] = []
    if access.can(user, Perm.MANAGE_PLANS, plan):
        targets = [(f"action:{a.pk}", str(a.what)) for a in Action.objects.filter(plan=plan).order_by("due", "pk")]
    if not links and not targets:
        return None
    return {"links": links, "targets": targets, "documents": _link_choices(user) if targets else []}


def link_target(user: User, value: str) -> Risk | Measure | Action | None:
    """A link form's target ("risk:12", "measure:3", "action:7") in the person's organisation, or ``None``."""
    kind, _sep, raw = value.partition(":")
    models: dict[str, type[Risk] | type[Measure] | type[Action]] = {"risk": Risk, "measure": Measure, "action": Action}
    model = models.get(kind)
    if model is None or not raw.isdigit() or len(raw) > 10:
        return None
    found: Risk | Measure | Action | None = model._default_manager.filter(
        organisation_id=user.organisation_id or 0, pk=int(raw)
    ).first()
    return found


def document_links(user: User, document: GoverningDocument) -> QuerySet[DocumentLink]:
    """The risks, measures and actions that link to the document, those the person may see."""
    visible = (
        Q(risk__in=access.scope(user, Perm.VIEW_RISKS, Risk.objects.all()))
        | Q(measure__in=access.scope(user, Perm.VIEW_RISKS, Measure.objects.all()))
        | Q(action__in=access.scope(user, Perm.VIEW_PLANS, Action.objects.all()))
    )
    rows = DocumentLink.objects.filter(document=document).filter(visible)
    return rows.select_related("risk", "measure", "action").order_by("pk")


def link_for(user: User, pk: int) -> DocumentLink:
    queryset = DocumentLink.objects.select_related("document", "risk", "measure", "action")
    return access.get_object_or_404(user, Perm.VIEW_DOCUMENTS, queryset, pk=pk)
