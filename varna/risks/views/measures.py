"""Pages of the measures of an analysis: propose, change and remove a measure (G1, G5, K8, K9)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from varna.core import access
from varna.core.access import Perm
from varna.core.services import StaleFormError
from varna.risks import selectors, services
from varna.risks.forms import ConfirmDeleteForm, MeasureForm
from varna.risks.models import Measure, RiskAnalysis
from varna.risks.views.analysis import adopted_page, form_error, is_adopted, show_errors


def _measures_url(analysis: RiskAnalysis) -> str:
    return reverse("risks:analysis", args=[analysis.pk]) + "#measures"


def _form_page(
    request: HttpRequest, analysis: RiskAnalysis, form: MeasureForm, measure: Measure | None
) -> HttpResponse:
    return render(
        request,
        "risks/measure_form.html",
        {"analysis": analysis, "form": form, "measure": measure},
        status=400 if form.errors else 200,
    )


def _measure_for(request: HttpRequest, pk: int) -> Measure:
    return access.get_object_or_404(
        access.actor(request),
        Perm.MANAGE_RISKS,
        Measure.objects.select_related("analysis", "analysis__node", "analysis__matrix"),
        pk=pk,
    )


@access.require(Perm.MANAGE_RISKS, model=RiskAnalysis, methods=("GET", "POST"))
def measure_new(request: HttpRequest, pk: int) -> HttpResponse:
    user = access.actor(request)
    analysis = selectors.analysis_for(user, pk, Perm.MANAGE_RISKS)
    if is_adopted(analysis):
        return adopted_page(request, analysis, _("Propose a measure"))
    initial = {}
    risk_pk = request.GET.get("risk", "")
    if risk_pk.isdigit():
        initial["risks"] = [int(risk_pk)]
    form = MeasureForm(request.POST if request.method == "POST" else None, analysis=analysis, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            measure = services.add_measure(actor=user, analysis=analysis, once=True, **form.values())
        except services.AlreadySaved:
            messages.info(request, _("The measure had already been saved."))
            return _after_save(request, analysis)
        except ValidationError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("Measure %(number)s has been added.") % {"number": measure.number})
            return _after_save(request, analysis)
    return _form_page(request, analysis, form, None)


def _after_save(request: HttpRequest, analysis: RiskAnalysis) -> HttpResponse:
    """Back to the analysis's measures, or to a new measure form ("save and add another")."""
    if "add_another" in request.POST:
        return redirect("risks:measure_new", analysis.pk)
    return redirect(_measures_url(analysis))


@access.require(Perm.MANAGE_RISKS, model=Measure, methods=("GET", "POST"))
def measure_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = access.actor(request)
    measure = _measure_for(request, pk)
    analysis = measure.analysis
    if is_adopted(analysis):
        return adopted_page(request, analysis, _("Change the measure"))
    form = MeasureForm(request.POST if request.method == "POST" else None, analysis=analysis, measure=measure)
    if request.method == "POST" and form.is_valid():
        values = form.values()
        try:
            services.update_measure(
                actor=user, measure=measure, revision=form.cleaned_data["revision"], risks=values.pop("risks"), **values
            )
        except StaleFormError as exc:
            show_errors(request, exc)
            return redirect("risks:measure_edit", measure.pk)
        except ValidationError as exc:
            form_error(form, exc)
        else:
            messages.success(request, _("The measure has been saved."))
            return redirect(_measures_url(analysis))
    return _form_page(request, analysis, form, measure)


@access.require(Perm.MANAGE_RISKS, model=Measure, methods=("GET", "POST"))
def measure_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = access.actor(request)
    measure = _measure_for(request, pk)
    analysis = measure.analysis
    if is_adopted(analysis):
        return adopted_page(request, analysis, _("Remove the measure"))
    form = ConfirmDeleteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.delete_measure(actor=user, measure=measure)
        except ValidationError as exc:
            show_errors(request, exc)
        else:
            messages.success(request, _("Measure %(number)s has been removed.") % {"number": measure.number})
        return redirect(_measures_url(analysis))
    return render(
        request,
        "risks/measure_delete.html",
        {"measure": measure, "analysis": analysis, "form": form},
        status=400 if form.errors else 200,
    )
