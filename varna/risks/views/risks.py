"""Pages of the risks of an analysis: add, show, change and remove a risk with its judgements; the list of risks.

The judgement "today" is made on the same page as the risk, and optionally the judgements
"without controls" and "after measures", each on the analysis's own matrix version.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from varna.core import access, history
from varna.core import selectors as core_selectors
from varna.core.access import Perm
from varna.core.models import User
from varna.core.services import StaleFormError
from varna.risks import effect, selectors, services
from varna.risks.forms import ConfirmDeleteForm, JudgementForm, RiskFilterForm, RiskForm, judgement_forms
from varna.risks.models import Measure, Risk, RiskAnalysis, RiskAssessment, Stage
from varna.risks.views.analysis import adopted_page, form_error, is_adopted, show_errors

PAGE_SIZE = 50


def _judgements(forms: dict[str, JudgementForm]) -> dict[str, services.Judgement | None]:
    return {stage: form.judgement() for stage, form in forms.items()}


def _form_page(
    request: HttpRequest,
    analysis: RiskAnalysis,
    form: RiskForm,
    judgements: dict[str, JudgementForm],
    risk: Risk | None,
) -> HttpResponse:
    failed = bool(form.errors or any(f.errors for f in judgements.values()))
    context = {
        "analysis": analysis,
        "risk": risk,
        "form": form,
        "today": judgements[Stage.CURRENT],
        "more": [judgements[Stage.INHERENT], judgements[Stage.RESIDUAL]],
        "more_open": any(
            f.is_bound and f.has_changed() for f in (judgements[Stage.INHERENT], judgements[Stage.RESIDUAL])
        )
        or any(f.initial for f in (judgements[Stage.INHERENT], judgements[Stage.RESIDUAL])),
        "matrix": analysis.matrix,
    }
    return render(request, "risks/risk_form.html", context, status=400 if failed else 200)


def _valid(form: RiskForm, judgements: dict[str, JudgementForm]) -> bool:
    results = [form.is_valid()] + [f.is_valid() for f in judgements.values()]
    return all(results)


@access.require(Perm.MANAGE_RISKS, model=RiskAnalysis, methods=("GET", "POST"))
def risk_new(request: HttpRequest, pk: int) -> HttpResponse:
    user = access.actor(request)
    analysis = selectors.analysis_for(user, pk, Perm.MANAGE_RISKS)
    if is_adopted(analysis):
        return adopted_page(request, analysis, _("Add a risk"))
    data = request.POST if request.method == "POST" else None
    can_link = access.has_perm(user, Perm.VIEW_INCIDENTS)
    form = RiskForm(data, user=user, analysis=analysis, can_link=can_link)
    judgements = judgement_forms(data, analysis.matrix)
    if data is not None and _valid(form, judgements):
        try:
            risk = services.add_risk(
                actor=user,
                analysis=analysis,
                judgements=_judgements(judgements),
                incidents=form.cleaned_data.get("incidents") or [],
                once=True,
                **form.values(),
            )
        except services.AlreadySaved:
            messages.info(request, _("The risk had already been saved."))
            return _after_save(request, analysis)
        except ValidationError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Risk %(number)s has been added.") % {"number": risk.number})
            return _after_save(request, analysis)
    return _form_page(request, analysis, form, judgements, None)


def _after_save(request: HttpRequest, analysis: RiskAnalysis) -> HttpResponse:
    """Back to the analysis's risks, or to a new risk form ("save and add another")."""
    if "add_another" in request.POST:
        return redirect("risks:risk_new", analysis.pk)
    return redirect(reverse("risks:analysis", args=[analysis.pk]) + "#risks")


@access.require(Perm.VIEW_RISKS, model=Risk)
def risk_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = access.actor(request)
    risk = selectors.risk_for(user, pk)
    assessments = selectors.risk_assessments(risk)
    incidents, hidden_incidents = selectors.risk_incidents(user, risk)
    stages = []
    for stage in (Stage.INHERENT, Stage.CURRENT, Stage.RESIDUAL):
        assessment = assessments.get(stage)
        matrix = assessment.matrix if assessment else risk.matrix
        stages.append(
            {
                "stage": stage,
                "label": Stage(stage).label,
                "assessment": assessment,
                "matrix": matrix,
                "likelihood_label": matrix.likelihood_label(assessment.likelihood) if assessment else "",
                "consequence_label": matrix.consequence_label(assessment.consequence) if assessment else "",
                "dimensions": [
                    {
                        "label": label,
                        "value": getattr(assessment, d),
                        "text": matrix.consequence_label(getattr(assessment, d)),
                    }
                    for d, label in _dimension_labels()
                ]
                if assessment
                else [],
                "level": selectors.level_of(matrix, assessment.level) if assessment else None,
            }
        )
    can_manage = access.has_perm(user, Perm.MANAGE_RISKS, risk.node)
    measures = selectors.risk_measures(risk)
    context: dict[str, Any] = {
        "risk": risk,
        "analysis": risk.analysis,
        "stages": stages,
        "incidents": incidents,
        "hidden_incidents": hidden_incidents,
        "incident_total": sum(i.total_cost for i in incidents),
        "measures": measures,
        "measure_rows": _with_effects(user, measures),
        "follow_up": selectors.measure_follow_up(user),
        "can_edit": can_manage and not is_adopted(risk.analysis),
        "is_adopted": is_adopted(risk.analysis),
        "can_view_history": access.has_perm(user, Perm.VIEW_HISTORY, risk.node),
    }
    return render(request, "risks/risk_detail.html", context)


def _with_effects(user: User, measures: list[Measure]) -> list[tuple[Measure, effect.Effect | None]]:
    """Each measure with the effect of it when it was carried out (P8)."""
    found = effect.effects(user, measures, today=timezone.localdate())
    return [(m, found.get(m.pk)) for m in measures]


def _dimension_labels() -> list[tuple[str, str]]:
    from varna.core.models import Dimension

    return [(d.value, str(d.label)) for d in Dimension]


@access.require(Perm.MANAGE_RISKS, model=Risk, methods=("GET", "POST"))
def risk_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = access.actor(request)
    risk = selectors.risk_for(user, pk, Perm.MANAGE_RISKS)
    analysis = risk.analysis
    if is_adopted(analysis):
        return adopted_page(request, analysis, _("Change the risk"))
    data = request.POST if request.method == "POST" else None
    can_link = access.has_perm(user, Perm.VIEW_INCIDENTS)
    form = RiskForm(data, user=user, analysis=analysis, risk=risk, can_link=can_link)
    judgements = judgement_forms(data, analysis.matrix, selectors.risk_assessments(risk))
    if data is not None and _valid(form, judgements):
        try:
            services.update_risk(
                actor=user,
                risk=risk,
                revision=form.cleaned_data["revision"],
                judgements=_judgements(judgements),
                incidents=form.cleaned_data["incidents"] if can_link else None,
                **form.values(),
            )
        except StaleFormError as exc:
            show_errors(request, exc)
            return redirect("risks:risk_edit", risk.pk)
        except ValidationError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("The risk has been saved."))
            return redirect("risks:risk", risk.pk)
    return _form_page(request, analysis, form, judgements, risk)


@access.require(Perm.MANAGE_RISKS, model=Risk, methods=("GET", "POST"))
def risk_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = access.actor(request)
    risk = selectors.risk_for(user, pk, Perm.MANAGE_RISKS)
    analysis = risk.analysis
    if is_adopted(analysis):
        return adopted_page(request, analysis, _("Remove the risk"))
    form = ConfirmDeleteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.delete_risk(actor=user, risk=risk)
        except ValidationError as exc:
            show_errors(request, exc)
            return redirect("risks:risk", risk.pk)
        messages.success(request, _("Risk %(number)s has been removed.") % {"number": risk.number})
        return redirect(reverse("risks:analysis", args=[analysis.pk]) + "#risks")
    orphans = [m for m in selectors.risk_measures(risk) if m.risks.count() == 1]
    return render(
        request,
        "risks/risk_delete.html",
        {"risk": risk, "analysis": analysis, "form": form, "orphans": orphans},
        status=400 if form.errors else 200,
    )


@access.require(Perm.VIEW_RISKS)
def risk_list(request: HttpRequest) -> HttpResponse:
    user = access.actor(request)
    form = RiskFilterForm(request.GET or None, user=user)
    filters = selectors.RiskFilter()
    if form.is_bound and form.is_valid():
        cleaned = form.cleaned_data
        filters = selectors.RiskFilter(
            node=core_selectors.node_in_scope(user, Perm.VIEW_RISKS, cleaned["node"]) if cleaned["node"] else None,
            security_area_id=cleaned["security_area"],
            level=cleaned["level"],
            status=cleaned["status"],
            timeframe=cleaned["timeframe"],
            text=cleaned["q"].strip(),
        )
    page = Paginator(selectors.risk_list(user, filters), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = selectors.risk_rows(list(page.object_list))
    return render(request, "risks/risk_list.html", {"form": form, "page": page, "rows": rows})


@access.require(Perm.VIEW_HISTORY, model=Risk)
def risk_history(request: HttpRequest, pk: int) -> HttpResponse:
    user: User = access.actor(request)
    risk = access.get_object_or_404(user, Perm.VIEW_HISTORY, Risk.objects.all(), pk=pk)
    return render(
        request,
        "core/history.html",
        {
            "object": risk,
            "title": str(risk),
            "back_url": reverse("risks:risk", args=[risk.pk]),
            "entries": history.entries(risk, children=[history.Children(RiskAssessment, {"risk_id": risk.pk})]),
        },
    )
