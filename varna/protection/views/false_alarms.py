"""Pages of false alarms (K12): a facility's false alarms and the form to record one, the coordinator's list with
filters, the repeated false alarms and their follow-up, the cost per facility and year (with Excel), and the
coordinator's causes and rule.

Thin: the forms read the input, :mod:`varna.protection.services.false_alarms` writes and
:mod:`varna.protection.selectors.false_alarms` reads. After a POST the page redirects, so a reload sends nothing
twice.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from varna.core import access
from varna.core import selectors as core_selectors
from varna.core.access import Perm
from varna.core.exports import XLSX_TYPE, to_xlsx
from varna.protection.forms_false_alarms import (
    CauseForm,
    FalseAlarmFilterForm,
    FalseAlarmForm,
    FollowUpForm,
    PeriodForm,
    RuleForm,
)
from varna.protection.models import (
    Facility,
    FalseAlarm,
    FalseAlarmCause,
    ProtectionSystem,
    RepeatedAlarmFlag,
    SystemKind,
)
from varna.protection.selectors import facilities as facility_selectors
from varna.protection.selectors import false_alarms as selectors
from varna.protection.services import false_alarms as services
from varna.protection.services import setup as setup_services

GET_POST = ("GET", "POST")
PAGE_SIZE = 100
COST_ROWS_SHOWN = 300
ALARM_KINDS = frozenset({SystemKind.FIRE_ALARM, SystemKind.INTRUSION_ALARM, SystemKind.OPERATIONAL_ALARM})


def _status(request: HttpRequest) -> int:
    return 400 if request.method == "POST" else 200


def _organisation_id(request: HttpRequest) -> int:
    organisation_id = access.actor(request).organisation_id
    assert organisation_id is not None  # noqa: S101 - access.require let only people of an organisation in
    return organisation_id


@access.require(Perm.VIEW_FACILITIES)
def false_alarm_list(request: HttpRequest) -> HttpResponse:
    """Every false alarm in the person's units, the newest first, by unit, cause, callout and period."""
    user = access.actor(request)
    form = FalseAlarmFilterForm(request.GET or None, user=user)
    filters: dict[str, Any] = {}
    if form.is_valid():
        data = form.cleaned_data
        if data["node"]:
            filters["node"] = core_selectors.node_in_scope(user, Perm.VIEW_FACILITIES, data["node"])
        if data["cause"] is not None:
            filters["cause_id"] = data["cause"].pk
        filters["callout"] = data["callout"]
        filters["since"], filters["until"] = data["since"], data["until"]
    rows = selectors.false_alarms(user, **filters)
    context = {
        "form": form,
        "page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
        "flag_count": selectors.open_flags(user).count(),
        "rule": selectors.rule(user),
        "can_import": access.has_perm(user, Perm.IMPORT_DATA),
        "can_configure": access.has_perm(user, Perm.CONFIGURE_PROTECTION),
    }
    return render(request, "protection/false_alarm_list.html", context)


@access.require(Perm.VIEW_FACILITIES, model=Facility)
def facility_false_alarms(request: HttpRequest, pk: int) -> HttpResponse:
    """A facility's false alarms, the newest first, and its systems' flags of repeated false alarms."""
    user = access.actor(request)
    facility = facility_selectors.facility_for(user, pk)
    rows = selectors.false_alarms(user, facility_id=facility.pk)
    context = {
        "facility": facility,
        "page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
        "flags": selectors.open_flags(user).filter(system__facility_id=facility.pk),
        "can_manage": facility_selectors.may_manage(user, facility),
    }
    return render(request, "protection/facility_false_alarms.html", context)


def _alarm_systems(facility: Facility) -> list[ProtectionSystem]:
    """The systems of a facility that can give a false alarm: the alarms first, then the others."""
    rows = list(ProtectionSystem.objects.filter(facility_id=facility.pk, is_active=True).order_by("kind", "pk"))
    return sorted(rows, key=lambda s: (s.kind not in ALARM_KINDS, s.kind, s.pk))


@access.require(Perm.MANAGE_PROTECTION, model=Facility, methods=GET_POST)
def false_alarm_new(request: HttpRequest, pk: int) -> HttpResponse:
    user = access.actor(request)
    facility = facility_selectors.facility_for(user, pk, Perm.MANAGE_PROTECTION)
    systems = _alarm_systems(facility)
    form = FalseAlarmForm(
        request.POST or None,
        organisation_id=_organisation_id(request),
        systems=systems,
        initial={"occurred_at": timezone.localtime().replace(second=0, microsecond=0)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.record_false_alarm(actor=user, system=form.cleaned_data["system"], **form.values())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            flag = RepeatedAlarmFlag.objects.filter(
                system_id=form.cleaned_data["system"].pk, closed_at__isnull=True
            ).first()
            messages.success(request, _("The false alarm has been recorded."))
            if flag is not None:
                messages.warning(
                    request,
                    _("The system has had repeated false alarms (%(count)s) and is flagged for follow-up.")
                    % {"count": flag.alarm_count},
                )
            return redirect("protection:facility_false_alarms", pk=facility.pk)
    context = {"form": form, "facility": facility, "title": _("Record a false alarm"), "systems": systems}
    return render(request, "protection/false_alarm_form.html", context, status=_status(request))


@access.require(Perm.MANAGE_PROTECTION, model=FalseAlarm, methods=GET_POST)
def false_alarm_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = access.actor(request)
    alarm = selectors.false_alarm_for(user, pk, Perm.MANAGE_PROTECTION)
    form = FalseAlarmForm(request.POST or None, organisation_id=_organisation_id(request), alarm=alarm)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_false_alarm(actor=user, alarm=alarm, revision=form.revision_value(), **form.values())
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The false alarm has been saved."))
            return redirect("protection:facility_false_alarms", pk=alarm.system.facility_id)
    context = {
        "form": form,
        "facility": alarm.system.facility,
        "alarm": alarm,
        "title": _("Change the false alarm"),
    }
    return render(request, "protection/false_alarm_form.html", context, status=_status(request))


@access.require(Perm.VIEW_FACILITIES)
def flag_list(request: HttpRequest) -> HttpResponse:
    """The systems with repeated false alarms that wait for a follow-up, the oldest first."""
    user = access.actor(request)
    context = {
        "page": Paginator(selectors.open_flags(user), PAGE_SIZE).get_page(request.GET.get("page")),
        "rule": selectors.rule(user),
    }
    return render(request, "protection/flag_list.html", context)


@access.require(Perm.VIEW_FACILITIES, model=RepeatedAlarmFlag)
def flag_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A flag of repeated false alarms: the alarms since the first of them, and the follow-up or its form."""
    user = access.actor(request)
    flag = selectors.flag_for(user, pk)
    can_manage = facility_selectors.may_manage(user, flag.system.facility)
    alarms = selectors.false_alarms(user, system_id=flag.system_id).filter(occurred_at__gte=flag.first_alarm_at)
    if flag.closed_at is not None:
        alarms = alarms.filter(occurred_at__lte=flag.closed_at)
    context = {
        "flag": flag,
        "system": flag.system,
        "facility": flag.system.facility,
        "alarms": alarms[:PAGE_SIZE],
        "form": FollowUpForm(initial={"revision": flag.revision}) if can_manage and flag.closed_at is None else None,
    }
    return render(request, "protection/flag_detail.html", context)


@access.require(Perm.MANAGE_PROTECTION, model=RepeatedAlarmFlag, methods=GET_POST)
def flag_follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the follow-up of repeated false alarms (the form is also on the flag's page); it closes the flag."""
    user = access.actor(request)
    flag = selectors.flag_for(user, pk, Perm.MANAGE_PROTECTION)
    form = FollowUpForm(request.POST or None, initial={"revision": flag.revision})
    if request.method == "POST" and form.is_valid():
        try:
            services.record_follow_up(
                actor=user, flag=flag, follow_up=form.cleaned_data["follow_up"], revision=form.revision_value()
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The follow-up has been recorded and the flag closed."))
            return redirect("protection:flag", pk=flag.pk)
    context = {"form": form, "flag": flag, "system": flag.system, "facility": flag.system.facility}
    return render(request, "protection/flag_follow_up.html", context, status=_status(request))


# --- the cost per facility and year ----------------------------------------------------------------------------


def _cost(request: HttpRequest) -> tuple[PeriodForm, int, int, list[selectors.CostRow]]:
    user = access.actor(request)
    form, first, last = PeriodForm.period(request.GET, timezone.localdate())
    return form, first, last, selectors.cost_by_facility(user, year_from=first, year_to=last)


@access.require(Perm.VIEW_FACILITIES)
def false_alarm_cost(request: HttpRequest) -> HttpResponse:
    """The false alarms' cost per facility and year, the costliest first, with the same table in Excel."""
    form, first, last, rows = _cost(request)
    shown = rows[:COST_ROWS_SHOWN]
    hrefs = {r.facility_id: reverse("protection:facility_false_alarms", args=[r.facility_id]) for r in shown}
    table = selectors.cost_table(shown, year_from=first, year_to=last, href=hrefs)
    totals = selectors.cost_table(rows, year_from=first, year_to=last).footer
    table.footer = totals
    context = {
        "form": form,
        "table": table,
        "left_off": len(rows) - len(shown),
        "xlsx_query": f"year_from={first}&year_to={last}",
    }
    return render(request, "protection/false_alarm_cost.html", context)


@access.require(Perm.VIEW_FACILITIES)
def false_alarm_cost_xlsx(request: HttpRequest) -> HttpResponse:
    _form, first, last, rows = _cost(request)
    table = selectors.cost_table(rows, year_from=first, year_to=last)
    title = _("The cost of false alarms %(first)s–%(last)s") % {"first": first, "last": last}
    content = to_xlsx([table], title=title, about=[])
    response = HttpResponse(content, content_type=XLSX_TYPE)
    filename = f"obefogade-larm-kostnad-{first}-{last}.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


# --- the coordinator's causes and rule -------------------------------------------------------------------------


@access.require(Perm.CONFIGURE_PROTECTION, methods=GET_POST)
def false_alarm_settings(request: HttpRequest) -> HttpResponse:
    """The rule of repeated false alarms and the list of causes, with a form to add a cause."""
    user = access.actor(request)
    organisation_id = _organisation_id(request)
    rule = selectors.rule(user)
    posted = request.POST if request.method == "POST" else None
    which = request.POST.get("form") if posted else None
    rule_form = RuleForm(
        posted if which == "rule" else None,
        initial={"repeat_threshold": rule.threshold, "repeat_days": rule.days},
    )
    cause_form = CauseForm(posted if which == "cause" else None)
    if which == "rule" and rule_form.is_valid():
        try:
            setup_services.update_settings(actor=user, **rule_form.cleaned_data)
        except ValidationError as exc:
            rule_form.add_error(None, exc)
        else:
            messages.success(request, _("The rule has been saved."))
            return redirect("protection:false_alarm_settings")
    if which == "cause" and cause_form.is_valid():
        try:
            setup_services.create_cause(
                actor=user, name=cause_form.cleaned_data["name"], order=cause_form.cleaned_data["order"] or 100
            )
        except ValidationError as exc:
            cause_form.add_error(None, exc)
        else:
            messages.success(request, _("The cause has been added."))
            return redirect("protection:false_alarm_settings")
    context = {
        "rule_form": rule_form,
        "cause_form": cause_form,
        "causes": selectors.causes(organisation_id, active_only=False),
    }
    return render(request, "protection/false_alarm_settings.html", context, status=_status(request))


@access.require(Perm.CONFIGURE_PROTECTION, model=FalseAlarmCause, methods=GET_POST)
def cause_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = access.actor(request)
    cause = selectors.cause_for(user, pk)
    form = CauseForm(
        request.POST or None, initial={"name": cause.name, "order": cause.order, "is_active": cause.is_active}
    )
    if request.method == "POST" and form.is_valid():
        try:
            setup_services.update_cause(
                actor=user,
                cause=cause,
                name=form.cleaned_data["name"],
                order=form.cleaned_data["order"] or 0,
                is_active=form.cleaned_data["is_active"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The cause has been saved."))
            return redirect("protection:false_alarm_settings")
    context = {"form": form, "cause": cause, "title": _("Change the cause")}
    return render(request, "protection/cause_form.html", context, status=_status(request))
