"""Pages of a risk analysis: the list, creating and editing one, its page, its status and its history (G3, K9).

Thin: the forms shape the input, the services write, the selectors read. A page that does not exist
for the person (another unit's analysis) is a 404. An adopted analysis shows no edit buttons.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from varna.core import access, history, registry
from varna.core import selectors as core_selectors
from varna.core.access import Perm
from varna.core.models import User
from varna.core.services import StaleFormError
from varna.risks import costbenefit, effect, heatmap, selectors, services
from varna.risks.forms import AnalysisFilterForm, AnalysisForm, StatusForm
from varna.risks.models import ANALYSIS_TRANSITIONS, AnalysisStatus, Measure, Risk, RiskAnalysis, RiskAssessment

PAGE_SIZE = 50


# --- helpers shared by the risk pages ----------------------------------------------------


def show_errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def form_error(form: Any, exc: ValidationError) -> None:
    """A service's refusal, shown at the top of the form."""
    for message in exc.messages:
        form.add_error(None, message)


def is_adopted(analysis: RiskAnalysis) -> bool:
    return analysis.status == AnalysisStatus.ADOPTED


def adopted_page(request: HttpRequest, analysis: RiskAnalysis, title: str) -> HttpResponse:
    """What an edit page shows while the analysis is adopted: why nothing can be changed."""
    return render(request, "risks/analysis_locked.html", {"analysis": analysis, "title": title})


def _heat_maps(analysis: RiskAnalysis) -> list[Any]:
    return list(heatmap.analysis_heat_maps(analysis).values())


# --- the list ----------------------------------------------------------------------------


@access.require(Perm.VIEW_RISKS)
def analysis_list(request: HttpRequest) -> HttpResponse:
    user = access.actor(request)
    form = AnalysisFilterForm(request.GET or None, user=user)
    filters = selectors.AnalysisFilter()
    if form.is_bound and form.is_valid():
        cleaned = form.cleaned_data
        filters = selectors.AnalysisFilter(
            node=core_selectors.node_in_scope(user, Perm.VIEW_RISKS, cleaned["node"]) if cleaned["node"] else None,
            status=cleaned["status"],
            year=cleaned["year"],
            trigger=cleaned["trigger"],
            text=cleaned["q"].strip(),
        )
    page = Paginator(selectors.analysis_list(user, filters), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "can_create": access.has_perm(user, Perm.MANAGE_RISKS),
    }
    return render(request, "risks/analysis_list.html", context)


# --- create and edit -----------------------------------------------------------------------


@access.require(Perm.MANAGE_RISKS, methods=("GET", "POST"))
def analysis_new(request: HttpRequest) -> HttpResponse:
    user = access.actor(request)
    form = AnalysisForm(request.POST if request.method == "POST" else None, user=user, prefill=request.GET)
    if request.method == "POST" and form.is_valid():
        values = form.values()
        try:
            analysis = services.create_analysis(actor=user, once=True, **values)
        except services.AlreadySaved as exc:
            messages.info(request, _("The analysis had already been saved."))
            return redirect("risks:analysis", exc.record.pk)
        except PermissionDenied:
            form.add_error("node", _("Choose a unit where you may make risk analyses."))
        except ValidationError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Risk analysis %(number)s has been created.") % {"number": analysis.number})
            return redirect("risks:analysis", analysis.pk)
    return render(
        request, "risks/analysis_form.html", {"form": form, "analysis": None}, status=400 if form.errors else 200
    )


@access.require(Perm.MANAGE_RISKS, model=RiskAnalysis, methods=("GET", "POST"))
def analysis_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = access.actor(request)
    analysis = selectors.analysis_for(user, pk, Perm.MANAGE_RISKS)
    if is_adopted(analysis):
        return adopted_page(request, analysis, _("Change the analysis"))
    form = AnalysisForm(request.POST if request.method == "POST" else None, user=user, analysis=analysis)
    if request.method == "POST" and form.is_valid():
        values = form.values()
        try:
            services.update_analysis(
                actor=user,
                analysis=analysis,
                revision=form.cleaned_data["revision"],
                participants=values.pop("participants"),
                security_areas=values.pop("security_areas"),
                **values,
            )
        except StaleFormError as exc:
            show_errors(request, exc)
            return redirect("risks:analysis_edit", analysis.pk)
        except ValidationError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("The analysis has been saved."))
            return redirect("risks:analysis", analysis.pk)
    return render(
        request,
        "risks/analysis_form.html",
        {"form": form, "analysis": analysis},
        status=400 if form.errors else 200,
    )


# --- the analysis page ---------------------------------------------------------------------


def _transitions(user: User, analysis: RiskAnalysis) -> list[dict[str, str]]:
    """The status changes the person may make, as buttons."""
    if not access.has_perm(user, Perm.MANAGE_RISKS, analysis.node):
        return []
    may_adopt = access.has_perm(user, Perm.ADOPT_RISK_ANALYSES, analysis.node)
    buttons = []
    for status in ANALYSIS_TRANSITIONS.get(analysis.status, ()):
        if (status == AnalysisStatus.ADOPTED or analysis.status == AnalysisStatus.ADOPTED) and not may_adopt:
            continue
        labels = {
            AnalysisStatus.DRAFT: _("Back to draft"),
            AnalysisStatus.IN_PROGRESS: _("Reopen the analysis")
            if analysis.status in (AnalysisStatus.DONE, AnalysisStatus.ADOPTED)
            else _("Start the analysis"),
            AnalysisStatus.DONE: _("Mark as done"),
            AnalysisStatus.ADOPTED: _("Adopt the analysis"),
        }
        buttons.append({"status": status, "label": labels[AnalysisStatus(status)]})
    return buttons


@access.require(Perm.VIEW_RISKS, model=RiskAnalysis)
def analysis_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = access.actor(request)
    analysis = selectors.analysis_for(user, pk)
    can_manage = access.has_perm(user, Perm.MANAGE_RISKS, analysis.node)
    measures = selectors.analysis_measures(analysis)
    context: dict[str, Any] = {
        "analysis": analysis,
        "matrix": analysis.matrix,
        "participants": list(analysis.participants.all().order_by("last_name", "first_name")),
        "security_areas": list(analysis.security_areas.all()),
        "risks": selectors.analysis_risks(analysis),
        "measures": measures,
        "can_manage": can_manage,
        "can_edit": can_manage and not is_adopted(analysis),
        "transitions": _transitions(user, analysis),
        "status_form": StatusForm(initial={"revision": analysis.revision}),
        "heat_maps": _heat_maps(analysis),
        "ranking": costbenefit.rank_measures(analysis),
        "pdf_url": reverse("risks:analysis_pdf", args=[analysis.pk]),
        "xlsx_url": reverse("risks:analysis_xlsx", args=[analysis.pk]),
        "can_view_history": access.has_perm(user, Perm.VIEW_HISTORY, analysis.node),
        "follow_up": selectors.measure_follow_up(user, analysis) if measures else None,
        "effects": list(effect.effects(user, measures, today=timezone.localdate()).values()),
        "panels": registry.panels("risk_analysis", user, analysis),  # e.g. the governing documents it links to
    }
    return render(request, "risks/analysis_detail.html", context)


@access.require(Perm.MANAGE_RISKS, model=RiskAnalysis, methods=("POST",))
def analysis_status(request: HttpRequest, pk: int) -> HttpResponse:
    user = access.actor(request)
    analysis = selectors.analysis_for(user, pk, Perm.MANAGE_RISKS)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the new status."))
        return redirect("risks:analysis", analysis.pk)
    try:
        updated = services.change_analysis_status(
            actor=user, analysis=analysis, status=form.cleaned_data["status"], revision=form.cleaned_data["revision"]
        )
    except PermissionDenied:
        messages.error(request, _("You may not adopt risk analyses for this unit."))
    except ValidationError as exc:
        show_errors(request, exc)
    else:
        messages.success(
            request, _("The analysis is now: %(status)s.") % {"status": updated.get_status_display().lower()}
        )
    return redirect("risks:analysis", analysis.pk)


@access.require(Perm.VIEW_HISTORY, model=RiskAnalysis)
def analysis_history(request: HttpRequest, pk: int) -> HttpResponse:
    analysis = access.get_object_or_404(access.actor(request), Perm.VIEW_HISTORY, RiskAnalysis.objects.all(), pk=pk)
    return render(
        request,
        "core/history.html",
        {
            "object": analysis,
            "title": str(analysis),
            "back_url": reverse("risks:analysis", args=[analysis.pk]),
            "entries": history.entries(
                analysis,
                children=[
                    history.Children(Risk, {"analysis_id": analysis.pk}),
                    history.Children(RiskAssessment, {"risk__analysis_id": analysis.pk}),
                    history.Children(Measure, {"analysis_id": analysis.pk}),
                ],
            ),
        },
    )
