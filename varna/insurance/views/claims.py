"""Pages of claims to the insurer (K19): start one from an incident, the claim with its decision, payments and
history, the list, and the follow-up list of claims without a decision.

Thin: the forms read the input, the services write, the selectors read. Every object is fetched through the
access policy (a 404 outside the person's scope). After a POST the page redirects, so a reload sends nothing
twice. Attachments stay on the incident: the claim page links to its case.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from varna.core import access, history
from varna.core.access import Perm
from varna.core.models import User
from varna.incidents.models import Incident
from varna.insurance.forms.claims import ClaimFilterForm, ClaimForm, DecisionForm, PaymentForm, WithdrawForm
from varna.insurance.models import Claim, ClaimPayment, ClaimStatus
from varna.insurance.selectors import claims as selectors
from varna.insurance.services import claims as services

PAGE_SIZE = 50
GET_POST = ("GET", "POST")
POST = ("POST",)


def _form_error(form: BaseForm, exc: ValidationError) -> None:
    """A service's refusal on the form: on the field it names (``code``), else above the form."""
    form.add_error("policy" if exc.code in ("policy", "price_base") and "policy" in form.fields else None, exc)


# --- the lists ---------------------------------------------------------------------------------


@access.require(Perm.VIEW_INSURANCE)
def claim_list(request: HttpRequest) -> HttpResponse:
    user = access.actor(request)
    form = ClaimFilterForm(request.GET or None, user=user)
    wanted = selectors.ClaimFilter()
    if form.is_bound and form.is_valid():
        wanted = selectors.ClaimFilter(status=form.cleaned_data["status"] or "", year=form.cleaned_data["year"])
    page = Paginator(selectors.claim_list(user, wanted), PAGE_SIZE).get_page(request.GET.get("page"))
    context: dict[str, Any] = {
        "form": form,
        "page": page,
        "follow_up_count": selectors.follow_up_claims(user).count(),
        "follow_up_days": selectors.follow_up_days(user.organisation_id),
    }
    return render(request, "insurance/claim_list.html", context)


@access.require(Perm.VIEW_INSURANCE)
def claim_follow_up(request: HttpRequest) -> HttpResponse:
    """Claims without a decision after the organisation's number of days: the insurer is to be reminded."""
    user = access.actor(request)
    page = Paginator(selectors.follow_up_claims(user), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "follow_up_days": selectors.follow_up_days(user.organisation_id)}
    return render(request, "insurance/claim_follow_up.html", context)


# --- a new claim from an incident ------------------------------------------------------------------


@access.require(Perm.MANAGE_INSURANCE, model=Incident, object_perm=Perm.VIEW_INCIDENTS, methods=GET_POST)
def claim_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Start a claim from the incident ``pk``: the policy is suggested and the claimed amount is its cost."""
    user = access.actor(request)
    incident = access.get_object_or_404(
        user, Perm.VIEW_INCIDENTS, Incident.objects.select_related("incident_type", "incident_node", "facility"), pk=pk
    )
    suggestion = selectors.suggest_policies(incident)
    form = ClaimForm(request.POST if request.method == "POST" else None, incident=incident, suggestion=suggestion)
    if request.method == "POST" and form.is_valid():
        try:
            claim = services.create_claim(actor=user, once=True, **form.values())
        except services.AlreadySaved as exc:
            messages.info(request, _("The claim had already been saved."))
            return redirect("insurance:claim", exc.record.pk)
        except PermissionDenied:
            form.add_error(None, _("You may not make claims for this incident's unit."))
        except ValidationError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Claim %(number)s has been saved.") % {"number": claim.number})
            return redirect("insurance:claim", claim.pk)
    context = {
        "form": form,
        "incident": incident,
        "suggestion": suggestion,
        "earlier_claims": list(selectors.claim_list(user, selectors.ClaimFilter(incident_id=incident.pk))),
    }
    return render(request, "insurance/claim_form.html", context, status=400 if form.errors else 200)


# --- one claim ---------------------------------------------------------------------------------------


def _claim_page(request: HttpRequest, user: User, claim: Claim, status: int = 200, **forms: Any) -> HttpResponse:
    """The claim page; ``forms`` replaces a form with the bound one that was refused."""
    may_manage = access.has_perm(user, Perm.MANAGE_INSURANCE, claim.node)
    open_for_decision = claim.status in (ClaimStatus.SUBMITTED, ClaimStatus.DECIDED, ClaimStatus.DENIED)
    payments = selectors.claim_payments(claim)
    paid = sum((p.amount for p in payments), Decimal(0))
    context: dict[str, Any] = {
        "claim": claim,
        "payments": payments,
        "remaining": (claim.compensation - paid) if claim.compensation is not None else None,
        "may_manage": may_manage,
        "incident_readable": access.can(user, Perm.VIEW_INCIDENTS, claim.incident),
        "decision_form": None,
        "payment_form": None,
        "withdraw_form": None,
        "history": history.entries(claim, children=[history.Children(ClaimPayment, {"claim_id": claim.pk})]),
    }
    if may_manage:
        if open_for_decision:
            context["decision_form"] = DecisionForm(claim=claim)
        if claim.status == ClaimStatus.DECIDED:
            context["payment_form"] = PaymentForm()
        if open_for_decision and not payments:
            context["withdraw_form"] = WithdrawForm(claim=claim)
    context.update(forms)
    return render(request, "insurance/claim_detail.html", context, status=status)


@access.require(Perm.VIEW_INSURANCE, model=Claim)
def claim_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = access.actor(request)
    return _claim_page(request, user, selectors.claim_for(user, pk))


@access.require(Perm.MANAGE_INSURANCE, model=Claim, methods=POST)
def claim_decision(request: HttpRequest, pk: int) -> HttpResponse:
    user = access.actor(request)
    claim = selectors.claim_for(user, pk, Perm.MANAGE_INSURANCE)
    form = DecisionForm(request.POST, claim=claim)
    if form.is_valid():
        try:
            services.record_decision(
                actor=user,
                claim=claim,
                revision=form.revision_value(),
                status=form.cleaned_data["status"],
                decided_on=form.cleaned_data["decided_on"],
                decision=form.cleaned_data["decision"],
                compensation=form.cleaned_data["compensation"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The insurer's decision has been saved."))
            return redirect("insurance:claim", claim.pk)
    return _claim_page(request, user, claim, status=400, decision_form=form)


@access.require(Perm.MANAGE_INSURANCE, model=Claim, methods=POST)
def claim_payment(request: HttpRequest, pk: int) -> HttpResponse:
    user = access.actor(request)
    claim = selectors.claim_for(user, pk, Perm.MANAGE_INSURANCE)
    form = PaymentForm(request.POST)
    if form.is_valid():
        try:
            services.record_payment(
                actor=user,
                claim=claim,
                paid_on=form.cleaned_data["paid_on"],
                amount=form.cleaned_data["amount"],
                note=form.cleaned_data["note"],
                once=True,
            )
        except services.AlreadySaved:
            messages.info(request, _("The payment had already been saved."))
            return redirect("insurance:claim", claim.pk)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The payment has been saved."))
            return redirect("insurance:claim", claim.pk)
    return _claim_page(request, user, claim, status=400, payment_form=form)


@access.require(Perm.MANAGE_INSURANCE, model=Claim, methods=POST)
def claim_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    user = access.actor(request)
    claim = selectors.claim_for(user, pk, Perm.MANAGE_INSURANCE)
    form = WithdrawForm(request.POST, claim=claim)
    if form.is_valid():
        try:
            services.withdraw_claim(
                actor=user, claim=claim, revision=form.revision_value(), reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The claim has been withdrawn."))
            return redirect("insurance:claim", claim.pk)
    return _claim_page(request, user, claim, status=400, withdraw_form=form)
