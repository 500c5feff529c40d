"""Pages of the deductible fund (självriskfond, G12, G15): the fund, its ledger, a unit's ledger, the rules,
payout requests from an incident, grants to preventive measures and the coordinator's decisions.

Thin: the forms read the input, the services write, the selectors read. Every object is fetched through the
access policy (a 404 outside the person's scope). After a POST the page redirects, so a reload sends nothing
twice.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from varna.core import access
from varna.core import selectors as core_selectors
from varna.core.access import Perm
from varna.core.forms import errors_to_messages
from varna.core.models import Node, User
from varna.incidents.models import Incident
from varna.insurance.forms.fund import (
    DecisionForm,
    EntryFilterForm,
    EntryForm,
    GrantApplicationForm,
    GrantDecisionForm,
    PayoutRequestForm,
    RulesForm,
    as_input,
)
from varna.insurance.fund_rules import kr
from varna.insurance.models import FundEntryKind, RequestStatus
from varna.insurance.selectors import fund as selectors
from varna.insurance.services import fund as services
from varna.insurance.services import fund_requests as request_services
from varna.risks.models import Measure

PAGE_SIZE = 50
GET_POST = ("GET", "POST")
MONTHS_SHOWN = 12


def _form_errors(request: HttpRequest, form: DecisionForm) -> None:
    for errors in form.errors.as_data().values():
        for error in errors:
            for message in error.messages:
                messages.error(request, message)


def _status(request: HttpRequest) -> int:
    return 400 if request.method == "POST" else 200


# --- the fund and its ledger ---------------------------------------------------------------


@access.require(Perm.VIEW_INSURANCE)
def fund_overview(request: HttpRequest) -> HttpResponse:
    """The fund: its balance in total and per förvaltning, the latest entries, and for the coordinator the
    booking form and what waits for a decision."""
    user = access.actor(request)
    fund = selectors.fund_for(user)
    context: dict[str, Any] = {"fund": fund}
    if fund is not None:
        today = timezone.localdate()
        months_back = today.year * 12 + today.month - MONTHS_SHOWN  # the first month shown, counted from year 0
        first = datetime.date(months_back // 12, months_back % 12 + 1, 1)
        can_approve = access.has_perm(user, Perm.APPROVE_FUND)
        context.update(
            summary=selectors.fund_summary(user, fund),
            entries=list(selectors.entry_list(user)[: selectors.RECENT]),
            months=selectors.balance_by_month(user, date_from=first),
            can_approve=can_approve,
            can_request=access.has_perm(user, Perm.REQUEST_FUND),
            rules=selectors.rules_for(user),
            form=EntryForm(user=user) if can_approve else None,
            waiting_payouts=selectors.waiting_payouts(user).count() if can_approve else 0,
            waiting_grants=selectors.waiting_grants(user).count() if can_approve else 0,
        )
    return render(request, "insurance/fund.html", context)


@access.require(Perm.VIEW_INSURANCE)
def fund_entries(request: HttpRequest) -> HttpResponse:
    """Every entry the person may see, newest first, with a filter by unit, kind and date."""
    user = access.actor(request)
    form = EntryFilterForm(request.GET or None, user=user)
    filters: dict[str, Any] = {}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["node"]:
            node = core_selectors.node_in_scope(user, Perm.VIEW_INSURANCE, data["node"])
            filters["node"] = node
            if node is None:
                filters["kind"] = "-"  # a unit outside the person's scope: nothing
        filters.setdefault("kind", data["kind"] or None)
        filters.update(date_from=data["date_from"], date_to=data["date_to"])
    rows = selectors.entry_list(user, **filters)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    total = selectors.scope_balance(user) if not filters else None
    return render(request, "insurance/fund_entries.html", {"form": form, "page": page, "total": total})


@access.require(Perm.APPROVE_FUND, methods=GET_POST)
def fund_entry_new(request: HttpRequest) -> HttpResponse:
    """Book a contribution, interest or a correction (the coordinator)."""
    user = access.actor(request)
    form = EntryForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["kind"] == FundEntryKind.CORRECTION:
                entry = services.correct_entry(
                    actor=user,
                    entry=data["corrects"],
                    amount=data["amount"],
                    booked_on=data["booked_on"],
                    text=data["text"],
                    once=True,
                )
            else:
                entry = services.book_entry(
                    actor=user,
                    kind=data["kind"],
                    amount=data["amount"],
                    booked_on=data["booked_on"],
                    text=data["text"],
                    node=data["node"],
                    once=True,
                )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("Entry %(number)s has been booked: %(amount)s.")
                % {"number": entry.number, "amount": kr(entry.amount)},
            )
            return redirect("insurance:fund")
    return render(request, "insurance/fund_entry_form.html", {"form": form}, status=_status(request))


@access.require(Perm.VIEW_INSURANCE, model=Node)
def fund_node(request: HttpRequest, pk: int) -> HttpResponse:
    """A unit's ledger: its balance (with the units below it), its entries, requests and grants."""
    user = access.actor(request)
    node = selectors.node_for(user, pk)
    rows = selectors.entry_list(user, node=node)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    balances = selectors.node_balances(user, under=node)
    own = next((b for b in balances if b.node_id == node.pk), None)
    context: dict[str, Any] = {
        "node": node,
        "page": page,
        "balance": own.subtree if own else selectors.ZERO,
        "own": own.own if own else selectors.ZERO,
        "children": [b for b in balances if b.depth == node.depth + 1],
        "payouts": list(selectors.payout_requests(user, node=node)[:PAGE_SIZE]),
        "grants": list(selectors.grant_applications(user, node=node)[:PAGE_SIZE]),
        "can_request": access.has_perm(user, Perm.REQUEST_FUND, node),
    }
    return render(request, "insurance/fund_node.html", context)


@access.require(Perm.APPROVE_FUND, methods=GET_POST)
def fund_rules(request: HttpRequest) -> HttpResponse:
    """What the fund pays, and its lowest balance (the coordinator)."""
    user = access.actor(request)
    rules = selectors.rules_for(user)
    fund = selectors.fund_for(user)
    if rules is None or fund is None:
        messages.error(request, _("The organisation has no deductible fund yet. Ask the administrator to set it up."))
        return redirect("insurance:fund")
    initial = {
        "own_share": as_input(rules.own_share),
        "pays_uninsured": rules.pays_uninsured,
        "cap_per_event": as_input(rules.cap_per_event),
        "cap_per_year": as_input(rules.cap_per_year),
        "floor": as_input(fund.floor),
        "revision": rules.revision,
    }
    form = RulesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_rules(
                actor=user,
                revision=form.revision_value(),
                own_share=data["own_share"],
                pays_uninsured=data["pays_uninsured"],
                cap_per_event=data["cap_per_event"],
                cap_per_year=data["cap_per_year"],
                floor=data["floor"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The fund's rules have been saved."))
            return redirect("insurance:fund")
    return render(request, "insurance/fund_rules.html", {"form": form, "rules": rules}, status=_status(request))


# --- payout requests -----------------------------------------------------------------------


@access.require(Perm.APPROVE_FUND)
def fund_requests(request: HttpRequest) -> HttpResponse:
    """What waits for the coordinator's decision: payout requests and applications for grants, oldest first."""
    user = access.actor(request)
    context = {
        "payouts": list(selectors.waiting_payouts(user)[:PAGE_SIZE]),
        "grants": list(selectors.waiting_grants(user)[:PAGE_SIZE]),
        "payout_count": selectors.waiting_payouts(user).count(),
        "grant_count": selectors.waiting_grants(user).count(),
    }
    return render(request, "insurance/fund_requests.html", context)


def _incident_context(user: User, incident: Incident) -> dict[str, Any]:
    node = incident.incident_node
    asked = list(selectors.incident_requests(incident))
    return {
        "incident": incident,
        # The type of a confidential case (threats and violence) is shown only to those who may read such cases.
        "show_type": not incident.is_confidential or access.has_perm(user, Perm.VIEW_CONFIDENTIAL, node),
        "can_open_incident": access.has_perm(user, Perm.VIEW_INCIDENTS, node),
        "requests": asked,
        "waiting": next((r for r in asked if r.status == RequestStatus.REQUESTED), None),
        "paid": next((r for r in asked if r.status == RequestStatus.APPROVED), None),
        "can_approve": access.has_perm(user, Perm.APPROVE_FUND),
        "rules": selectors.rules_for(user),
    }


@access.require(Perm.REQUEST_FUND, model=Incident, methods=GET_POST)
def fund_payout(request: HttpRequest, pk: int) -> HttpResponse:
    """Ask the fund to pay for the damage of an incident: the computation is shown first, then sent."""
    user = access.actor(request)
    incident = selectors.incident_for_payout(user, pk)
    context = _incident_context(user, incident)
    initial = {"damage_cost": as_input(incident.total_cost or incident.estimated_cost)}
    claims = selectors.incident_claims(incident)
    first_claim = claims.first()
    initial["claim"] = str(first_claim.pk) if first_claim else "none"
    form = PayoutRequestForm(request.POST or None, incident=incident, initial=initial)
    computation = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        rules = context["rules"]
        if rules is None:
            form.add_error(None, _("The organisation has no fund rules yet. Ask the administrator to set it up."))
        elif "send" in request.POST:
            try:
                request_services.request_payout(
                    actor=user, incident=incident, claim=data["claim"], damage_cost=data["damage_cost"]
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The request has been sent to the coordinator of the fund."))
                return redirect("insurance:fund_payout", pk=incident.pk)
        else:
            computation = selectors.payout_preview(
                rules, incident=incident, claim=data["claim"], damage_cost=data["damage_cost"]
            )
            context.update(form=form, computation=computation)
            return render(request, "insurance/fund_payout.html", context)
    context.update(form=form, computation=computation, decision=_decision_form(context["waiting"]))
    return render(request, "insurance/fund_payout.html", context, status=_status(request))


def _decision_form(waiting: Any, form_class: type[DecisionForm] = DecisionForm) -> DecisionForm | None:
    if waiting is None:
        return None
    return form_class(initial={"revision": waiting.revision})


@access.require(Perm.APPROVE_FUND, model=Incident, methods=("POST",))
def fund_payout_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """The coordinator approves (and the payout is booked) or rejects the request waiting for the incident."""
    user = access.actor(request)
    incident = selectors.incident_for_payout(user, pk, Perm.APPROVE_FUND)
    waiting = selectors.waiting_payout(incident)
    form = DecisionForm(request.POST)
    if waiting is None:
        messages.error(request, _("No request for this incident is waiting for a decision."))
    elif not form.is_valid():
        _form_errors(request, form)
    else:
        data = form.cleaned_data
        try:
            if data["decision"] == "approve":
                decided = request_services.approve_payout(
                    actor=user, request=waiting, revision=form.revision_value(), note=data["reason"]
                )
                assert decided.entry is not None  # noqa: S101 - an approval books the payout
                messages.success(
                    request,
                    _("The request has been approved and %(amount)s has been paid out (entry %(number)s).")
                    % {"amount": kr(decided.computed_amount), "number": decided.entry.number},
                )
                if decided.computed_amount != waiting.computed_amount:
                    messages.warning(
                        request,
                        _(
                            "The amount differs from the request's %(asked)s: the rules or this year's payouts have "
                            "changed since it was sent."
                        )
                        % {"asked": kr(waiting.computed_amount)},
                    )
            else:
                request_services.reject_payout(
                    actor=user, request=waiting, reason=data["reason"], revision=form.revision_value()
                )
                messages.success(request, _("The request has been rejected."))
        except ValidationError as exc:
            errors_to_messages(request, exc)
    return redirect("insurance:fund_payout", pk=incident.pk)


# --- grants to preventive measures ---------------------------------------------------------


@access.require(Perm.REQUEST_FUND)
def fund_grants(request: HttpRequest) -> HttpResponse:
    """The applications for grants of the person's units, and the measures they may apply for a grant to."""
    user = access.actor(request)
    measures = Paginator(selectors.grantable_measures(user), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "applications": list(selectors.grant_applications(user)[:PAGE_SIZE]),
        "page": measures,
    }
    return render(request, "insurance/fund_grants.html", context)


@access.require(Perm.REQUEST_FUND, model=Measure, methods=GET_POST)
def fund_grant(request: HttpRequest, pk: int) -> HttpResponse:
    """Apply for a grant from the fund to a measure of a risk analysis; the coordinator's decision."""
    user = access.actor(request)
    measure = selectors.measure_for_grant(user, pk)
    initial = {"amount": as_input(measure.investment) if measure.investment else ""}
    form = GrantApplicationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            request_services.apply_for_grant(
                actor=user,
                measure=measure,
                amount=form.cleaned_data["amount"],
                motivation=form.cleaned_data["motivation"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The application has been sent to the coordinator of the fund."))
            return redirect("insurance:fund_grant", pk=measure.pk)
    waiting = selectors.waiting_application(measure)
    context = {
        "measure": measure,
        "form": form,
        "applications": list(selectors.measure_applications(measure)),
        "waiting": waiting,
        "can_approve": access.has_perm(user, Perm.APPROVE_FUND),
        "decision": _decision_form(waiting, GrantDecisionForm),
        "can_view_risks": access.has_perm(user, Perm.VIEW_RISKS, measure.node),
    }
    return render(request, "insurance/fund_grant.html", context, status=_status(request))


@access.require(Perm.APPROVE_FUND, model=Measure, methods=("POST",))
def fund_grant_decide(request: HttpRequest, pk: int) -> HttpResponse:
    """The coordinator grants (and the grant is booked) or rejects the application waiting for the measure."""
    user = access.actor(request)
    measure = selectors.measure_for_grant(user, pk, Perm.APPROVE_FUND)
    waiting = selectors.waiting_application(measure)
    form = GrantDecisionForm(request.POST)
    if waiting is None:
        messages.error(request, _("No application for this measure is waiting for a decision."))
    elif not form.is_valid():
        _form_errors(request, form)
    else:
        data = form.cleaned_data
        try:
            if data["decision"] == "approve":
                decided = request_services.approve_grant(
                    actor=user,
                    application=waiting,
                    granted_amount=data["granted_amount"],
                    revision=form.revision_value(),
                    note=data["reason"],
                )
                assert decided.entry is not None and decided.granted_amount is not None  # noqa: S101 - booked
                messages.success(
                    request,
                    _("The grant of %(amount)s has been approved and booked (entry %(number)s).")
                    % {"amount": kr(decided.granted_amount), "number": decided.entry.number},
                )
            else:
                request_services.reject_grant(
                    actor=user, application=waiting, reason=data["reason"], revision=form.revision_value()
                )
                messages.success(request, _("The application has been rejected."))
        except ValidationError as exc:
            errors_to_messages(request, exc)
    return redirect("insurance:fund_grant", pk=measure.pk)


__all__ = [
    "fund_entries",
    "fund_entry_new",
    "fund_grant",
    "fund_grant_decide",
    "fund_grants",
    "fund_node",
    "fund_overview",
    "fund_payout",
    "fund_payout_decide",
    "fund_requests",
    "fund_rules",
]
