"""Pages for handling cases: the handler's list, the workflow actions, the confidential log, accounting settings.

The actions are POST-only and answer with a redirect back to the case (its handling panel shows the
forms, made by :func:`handling_forms`). A form with errors is shown again on a page of its own, with what
the person wrote.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from varna.core import access
from varna.core.access import Perm
from varna.core.forms import errors_to_messages
from varna.core.models import User
from varna.core.services import StaleFormError
from varna.incidents import selectors, selectors_handling, services
from varna.incidents.forms_handling import (
    AssignForm,
    AuthorityForm,
    ConfidentialLogFilterForm,
    CostDeleteForm,
    CostLineForm,
    DeleteForm,
    InvestigationForm,
    ListFilterForm,
    NoteForm,
    ReopenForm,
    SegmentForm,
    TransitionForm,
    ValueForm,
)
from varna.incidents.models import AccountingSegment, AccountingValue, Incident
from varna.incidents.selectors_handling import COUNT_CAP, HandlingPanel, code_format, segments_for

PAGE_SIZE = 50


class CappedPaginator(Paginator):  # type: ignore[type-arg]
    """A paginator that counts the matches up to :data:`selectors_handling.COUNT_CAP`: ``count`` is at most
    that, and ``capped`` says whether more match (the page then says "more than 10 000 cases")."""

    capped = False

    @cached_property
    def count(self) -> int:
        rows: QuerySet[Incident] = self.object_list  # type: ignore[assignment]
        # Only the ids: no joins for the columns shown, no computed columns, in the subquery that is counted.
        counted = rows.order_by().values("pk")[: COUNT_CAP + 1].count()
        self.capped = counted > COUNT_CAP
        return min(counted, COUNT_CAP)


def case_url(incident: Incident) -> str:
    """The case page, at the handling panel."""
    return reverse("incidents:detail", args=[incident.pk]) + "#handling"


@dataclass(frozen=True)
class HandlingForms:
    """The forms of the handling panel on the case page; ``None`` where the panel offers none."""

    reopen: ReopenForm | None = None
    transition: TransitionForm | None = None
    assign: AssignForm | None = None
    investigation: InvestigationForm | None = None
    cost: CostLineForm | None = None
    authority: AuthorityForm | None = None
    note: NoteForm | None = None


def handling_forms(user: User, incident: Incident, panel: HandlingPanel) -> HandlingForms:
    """The forms the handling panel shows: a closed case only a reopening (for those who may reopen it)."""
    if panel.closed:
        return HandlingForms(reopen=ReopenForm(incident=incident) if panel.may_reopen else None)
    return HandlingForms(
        transition=TransitionForm(incident=incident, user=user) if panel.transitions else None,
        assign=AssignForm(incident=incident),
        investigation=InvestigationForm(instance=incident),
        cost=CostLineForm(incident=incident, code_format=panel.code_format),
        authority=AuthorityForm(incident=incident) if panel.authority_due else None,
        note=NoteForm(incident=incident),
    )


def _form_page(request: HttpRequest, incident: Incident, form: forms.BaseForm, title: str, action: str) -> HttpResponse:
    """Show a form with errors again, keeping what the person wrote."""
    return render(
        request,
        "incidents/handling_form.html",
        {"incident": incident, "form": form, "title": title, "action": action, "back_url": case_url(incident)},
        status=400,
    )


def _handled(request: HttpRequest, pk: int, what: str) -> Incident:
    """The case to act on, if the person may handle it; handling a confidential case reads it: logged."""
    user = access.actor(request)
    incident = selectors.incident_for(user, pk, perm=Perm.HANDLE_INCIDENTS)
    services.log_confidential_read(actor=user, incident=incident, what=what)
    return incident


def _revision(form: forms.BaseForm) -> int:
    """The revision the form was shown with; a post without one is treated as stale, never as unchecked."""
    revision = form.cleaned_data.get("revision")
    if revision is None:
        raise StaleFormError
    return int(revision)


def _refused(request: HttpRequest, incident: Incident, exc: ValidationError) -> HttpResponse:
    """A stale form or a closed case: nothing was saved; back to the case, which shows how it is now."""
    errors_to_messages(request, exc)
    return redirect(case_url(incident))


# --- the handler's list ----------------------------------------------------------------


@access.require(Perm.VIEW_INCIDENTS)
def incident_list(request: HttpRequest) -> HttpResponse:
    user = access.actor(request)
    data = request.GET.copy()
    data.setdefault("status", "open")  # open cases unless the person chose otherwise
    form = ListFilterForm(data, user=user)
    filters = selectors_handling.ListFilter(status="open")
    if form.is_valid():
        cleaned = form.cleaned_data
        filters = selectors_handling.ListFilter(
            status=cleaned["status"],
            incident_type_id=cleaned["incident_type"],
            node=selectors_handling.filter_node(user, cleaned["node"]) if cleaned["node"] else None,
            date_from=cleaned["date_from"],
            date_to=cleaned["date_to"],
            number=cleaned["q"].strip(),
            attention=cleaned["attention"],
        )
    rows = selectors_handling.handler_list(user, filters)
    page = CappedPaginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = selectors_handling.list_counts(user)
    context: dict[str, Any] = {
        "form": form,
        "page": page,
        "attention": counts.attention,
        "hidden_confidential": counts.hidden_confidential,
        "can_view_log": access.has_perm(user, Perm.VIEW_CONFIDENTIAL_LOG),
        "overdue_key": selectors_handling.OVERDUE,
        "authority_key": selectors_handling.AUTHORITY,
        "count_cap": COUNT_CAP,
    }
    return render(request, "incidents/list.html", context)


# --- actions on a case (POST) ---------------------------------------------------------


@access.require(Perm.HANDLE_INCIDENTS, model=Incident, methods=("POST",))
def transition(request: HttpRequest, pk: int) -> HttpResponse:
    user = access.actor(request)
    incident = _handled(request, pk, "handling: status")
    form = TransitionForm(request.POST, incident=incident, user=user)
    if not form.is_valid():
        return _form_page(request, incident, form, _("Change the status"), reverse("incidents:transition", args=[pk]))
    try:
        updated = services.change_status(
            actor=user,
            incident=incident,
            to_status=form.cleaned_data["to_status"],
            revision=_revision(form),
            note=form.cleaned_data["note"],
            duplicate_of=form.cleaned_data["duplicate_of"],
        )
    except ValidationError as exc:
        errors_to_messages(request, exc)
    else:
        messages.success(
            request,
            _("Case %(number)s is now: %(status)s.")
            % {"number": updated.number, "status": updated.get_status_display()},
        )
    return redirect(case_url(incident))


@access.require(Perm.HANDLE_INCIDENTS, model=Incident, methods=("POST",))
def reopen(request: HttpRequest, pk: int) -> HttpResponse:
    user = access.actor(request)
    incident = _handled(request, pk, "handling: reopen")
    form = ReopenForm(request.POST, incident=incident)
    if not form.is_valid():
        return _form_page(request, incident, form, _("Reopen the case"), reverse("incidents:reopen", args=[pk]))
    try:
        updated = services.reopen_case(
            actor=user, incident=incident, revision=_revision(form), reason=form.cleaned_data["reason"]
        )
    except ValidationError as exc:
        errors_to_messages(request, exc)
    else:
        messages.success(
            request,
            _("Case %(number)s has been reopened and is now: %(status)s.")
            % {"number": updated.number, "status": updated.get_status_display()},
        )
    return redirect(case_url(incident))


@access.require(Perm.HANDLE_INCIDENTS, model=Incident, methods=("POST",))
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    user = access.actor(request)
    incident = _handled(request, pk, "handling: handler")
    form = AssignForm(request.POST, incident=incident)
    if not form.is_valid():
        return _form_page(request, incident, form, _("Case handler"), reverse("incidents:assign", args=[pk]))
    try:
        services.assign_handler(
            actor=user, incident=incident, handler=form.cleaned_data["handler"], revision=_revision(form)
        )
    except ValidationError as exc:
        errors_to_messages(request, exc)
    else:
        messages.success(request, _("The case handler has been set."))
    return redirect(case_url(incident))


@access.require(Perm.HANDLE_INCIDENTS, model=Incident, methods=("POST",))
def investigation(request: HttpRequest, pk: int) -> HttpResponse:
    user = access.actor(request)
    incident = _handled(request, pk, "handling: investigation")
    form = InvestigationForm(request.POST, instance=incident)
    if form.is_valid():
        try:
            services.save_investigation(actor=user, incident=incident, revision=_revision(form), **form.values())
        except (StaleFormError, services.CaseClosedError) as exc:
            return _refused(request, incident, exc)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The investigation has been saved."))
            return redirect(case_url(incident))
    return _form_page(request, incident, form, _("Investigation"), reverse("incidents:investigation", args=[pk]))


@access.require(Perm.HANDLE_INCIDENTS, model=Incident, methods=("POST",))
def cost_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = access.actor(request)
    incident = _handled(request, pk, "handling: cost")
    fmt = code_format(segments_for(incident.organisation_id))
    form = CostLineForm(request.POST, incident=incident, code_format=fmt)
    if form.is_valid():
        try:
            services.add_cost_line(
                actor=user,
                incident=incident,
                amount=form.cleaned_data["amount"],
                accounting_code=form.cleaned_data["accounting_code"],
                description=form.cleaned_data["description"],
                revision=_revision(form),
            )
        except (StaleFormError, services.CaseClosedError) as exc:
            return _refused(request, incident, exc)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The cost has been added."))
            return redirect(case_url(incident))
    return _form_page(request, incident, form, _("Add a cost"), reverse("incidents:cost_add", args=[pk]))


@access.require(Perm.HANDLE_INCIDENTS, model=Incident, methods=("POST",))
def cost_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = access.actor(request)
    incident = _handled(request, pk, "handling: cost")
    form = CostDeleteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the cost to remove."))
        return redirect(case_url(incident))
    try:
        removed = services.delete_cost_line(
            actor=user, incident=incident, line_id=form.cleaned_data["line"], revision=_revision(form)
        )
    except ValidationError as exc:
        return _refused(request, incident, exc)
    if removed:
        messages.success(request, _("The cost has been removed."))
    else:
        messages.info(request, _("The cost had already been removed."))
    return redirect(case_url(incident))


@access.require(Perm.HANDLE_INCIDENTS, model=Incident, methods=("POST",))
def authority_notified(request: HttpRequest, pk: int) -> HttpResponse:
    user = access.actor(request)
    incident = _handled(request, pk, "handling: authority")
    form = AuthorityForm(request.POST, incident=incident)
    if form.is_valid():
        try:
            services.record_authority_notified(
                actor=user, incident=incident, at=form.cleaned_data["notified_at"], revision=_revision(form)
            )
        except (StaleFormError, services.CaseClosedError) as exc:
            return _refused(request, incident, exc)
        except ValidationError as exc:
            form.add_error("notified_at", exc)
        else:
            messages.success(request, _("It has been recorded that Arbetsmiljöverket was notified."))
            return redirect(case_url(incident))
    return _form_page(
        request, incident, form, _("Arbetsmiljöverket notified"), reverse("incidents:authority_notified", args=[pk])
    )


@access.require(Perm.HANDLE_INCIDENTS, model=Incident, methods=("POST",))
def note(request: HttpRequest, pk: int) -> HttpResponse:
    user = access.actor(request)
    incident = _handled(request, pk, "handling: note")
    form = NoteForm(request.POST, incident=incident)
    if form.is_valid():
        try:
            services.add_note(actor=user, incident=incident, text=form.cleaned_data["text"], revision=_revision(form))
        except (StaleFormError, services.CaseClosedError) as exc:
            return _refused(request, incident, exc)
        except ValidationError as exc:
            form.add_error("text", exc)
        else:
            messages.success(request, _("The note has been added."))
            return redirect(case_url(incident))
    return _form_page(request, incident, form, _("Add a note"), reverse("incidents:note", args=[pk]))


# --- the log of reads of confidential reports -----------------------------------------


@access.require(Perm.VIEW_CONFIDENTIAL_LOG)
def confidential_log(request: HttpRequest) -> HttpResponse:
    form = ConfidentialLogFilterForm(request.GET or None)
    rows = selectors.confidential_reads(access.actor(request))
    if form.is_bound and form.is_valid() and form.cleaned_data["q"].strip():
        rows = rows.filter(incident__number__icontains=form.cleaned_data["q"].strip())
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "incidents/confidential_log.html", {"form": form, "page": page})


# --- accounting code string settings (administrator) ------------------------------------


@access.require(Perm.CONFIGURE)
def accounting_settings(request: HttpRequest) -> HttpResponse:
    organisation = access.actor(request).organisation
    if organisation is None:
        raise PermissionDenied
    segments = segments_for(organisation.pk)
    return render(
        request,
        "incidents/settings_accounting.html",
        {"segments": segments, "format": code_format(segments), "segment_form": SegmentForm()},
    )


def _back_to_settings() -> HttpResponse:
    return redirect("incidents:accounting_settings")


@access.require(Perm.CONFIGURE, methods=("POST",))
def accounting_segment_add(request: HttpRequest) -> HttpResponse:
    form = SegmentForm(request.POST)
    if form.is_valid():
        try:
            services.add_accounting_segment(actor=access.actor(request), **form.cleaned_data)
        except ValidationError as exc:
            errors_to_messages(request, exc)
        else:
            messages.success(request, _("The segment has been added."))
    else:
        messages.error(request, _("Give the segment a code and a name."))
    return _back_to_settings()


@access.require(Perm.CONFIGURE, methods=("POST",))
def accounting_segment_delete(request: HttpRequest) -> HttpResponse:
    user = access.actor(request)
    form = DeleteForm(request.POST)
    segment = (
        access.scope(user, Perm.CONFIGURE, AccountingSegment.objects.all()).filter(pk=form.cleaned_data["id"]).first()
        if form.is_valid()
        else None
    )
    if segment is None:
        messages.info(request, _("The segment had already been removed."))
    else:
        services.delete_accounting_segment(actor=user, segment=segment)
        messages.success(request, _("The segment has been removed."))
    return _back_to_settings()


@access.require(Perm.CONFIGURE, methods=("POST",))
def accounting_value_add(request: HttpRequest) -> HttpResponse:
    user = access.actor(request)
    form = ValueForm(request.POST)
    segment = (
        access.scope(user, Perm.CONFIGURE, AccountingSegment.objects.all())
        .filter(pk=form.cleaned_data["segment"])
        .first()
        if form.is_valid()
        else None
    )
    if segment is None:
        messages.error(request, _("Write the value to add."))
        return _back_to_settings()
    try:
        services.add_accounting_value(
            actor=user, segment=segment, value=form.cleaned_data["value"], name=form.cleaned_data["name"]
        )
    except ValidationError as exc:
        errors_to_messages(request, exc)
    else:
        messages.success(request, _("The value has been added."))
    return _back_to_settings()


@access.require(Perm.CONFIGURE, methods=("POST",))
def accounting_value_delete(request: HttpRequest) -> HttpResponse:
    user = access.actor(request)
    form = DeleteForm(request.POST)
    value = (
        access.scope(user, Perm.CONFIGURE, AccountingValue.objects.all()).filter(pk=form.cleaned_data["id"]).first()
        if form.is_valid()
        else None
    )
    if value is None:
        messages.info(request, _("The value had already been removed."))
    else:
        services.delete_accounting_value(actor=user, value=value)
        messages.success(request, _("The value has been removed."))
    return _back_to_settings()
