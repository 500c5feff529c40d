"""The life of records: the retention schedule ("Dokumenthanteringsplan"), gallring (what is due, the proposed
batch, holds, what was disposed of, the archive package) and the data subject's register extract."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from varna.core import access, archive, extract, retention, selectors_retention
from varna.core.access import Perm
from varna.core.forms import errors_to_messages
from varna.core.forms_retention import HoldForm, PersonForm, RuleForm
from varna.core.models import DisposalBatch, DisposalOperation, RecordLogKind, RetentionHold, RetentionRule


@access.require(Perm.MANAGE_RETENTION)
def schedule(request: HttpRequest) -> HttpResponse:
    user = access.actor(request)
    return render(request, "core/retention_schedule.html", {"rows": selectors_retention.schedule(user)})


@access.require(Perm.MANAGE_RETENTION, model=RetentionRule, methods=("GET", "POST"))
def rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = access.actor(request)
    rule = access.get_object_or_404(user, Perm.MANAGE_RETENTION, RetentionRule.objects.all(), pk=pk)
    kind = next((k for k, _r in selectors_retention.schedule(user) if k.key == rule.kind), None)
    initial = {
        "years": rule.years,
        "action": rule.action,
        "pseudonymise_after_years": rule.pseudonymise_after_years,
        "decision": rule.decision,
        "revision": rule.revision,
    }
    form = RuleForm(request.POST or None, initial=initial, free_text=kind is not None and kind.free_text is not None)
    if request.method == "POST" and form.is_valid():
        try:
            retention.update_rule(
                actor=user,
                rule=rule,
                years=form.cleaned_data["years"],
                action=form.cleaned_data["action"],
                pseudonymise_after_years=form.cleaned_data.get("pseudonymise_after_years"),
                decision=form.cleaned_data["decision"],
                revision=form.revision_value(),
            )
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("The retention schedule is saved."))
            return redirect("core:retention")
    return render(request, "core/retention_rule.html", {"form": form, "rule": rule, "kind": kind})


@access.require(Perm.MANAGE_RETENTION)
def due(request: HttpRequest) -> HttpResponse:
    user = access.actor(request)
    batch = selectors_retention.open_batch(user.organisation_id or 0)
    context = {
        "rows": selectors_retention.due(user),
        "batch": batch,
        "batch_counts": selectors_retention.batch_counts(batch) if batch else [],
        "pseudonymise_counts": selectors_retention.batch_counts(batch, pseudonymise=True) if batch else [],
        "holds": selectors_retention.holds(user)[:200],
        "hold_form": HoldForm(),
        "log": selectors_retention.disposal_log(user)[:50],
        "deliveries": selectors_retention.record_log(user, RecordLogKind.ARCHIVE_DELIVERY)[:20],
    }
    return render(request, "core/retention_due.html", context)


def _batch(request: HttpRequest) -> DisposalBatch | None:
    user = access.actor(request)
    pk = request.POST.get("batch", "")
    if not pk.isdigit() or len(pk) > 18:
        return None
    return access.scope(user, Perm.MANAGE_RETENTION, DisposalBatch.objects.filter(pk=int(pk)), narrow=False).first()


@access.require(Perm.MANAGE_RETENTION, methods=("POST",))
def batch_approve(request: HttpRequest) -> HttpResponse:
    user = access.actor(request)
    batch = _batch(request)
    if batch is None:
        messages.error(request, _("There is no such gallring proposal."))
        return redirect("core:retention_due")
    revision = request.POST.get("revision", "")
    try:
        done = retention.approve_batch(actor=user, batch=batch, revision=int(revision) if revision.isdigit() else None)
    except ValidationError as exc:
        errors_to_messages(request, exc)
    else:
        disposed = sum(d.count for d in done if d.operation == DisposalOperation.DISPOSED)
        pseudonymised = sum(d.count for d in done if d.operation == DisposalOperation.PSEUDONYMISED)
        if disposed or not pseudonymised:
            messages.success(request, _("Gallring is done: %(count)s records were disposed of.") % {"count": disposed})
        if pseudonymised:
            messages.success(
                request,
                _("The personal data in the free text of %(count)s records was pseudonymised.")
                % {"count": pseudonymised},
            )
    return redirect("core:retention_due")


@access.require(Perm.MANAGE_RETENTION, methods=("POST",))
def batch_discard(request: HttpRequest) -> HttpResponse:
    user = access.actor(request)
    batch = _batch(request)
    if batch is None:
        messages.error(request, _("There is no such gallring proposal."))
        return redirect("core:retention_due")
    try:
        retention.discard_batch(actor=user, batch=batch)
    except ValidationError as exc:
        errors_to_messages(request, exc)
    else:
        messages.success(request, _("The proposal is discarded; nothing was disposed of."))
    return redirect("core:retention_due")


@access.require(Perm.MANAGE_RETENTION, methods=("POST",))
def hold_place(request: HttpRequest) -> HttpResponse:
    user = access.actor(request)
    form = HoldForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, str(message))
        return redirect("core:retention_due")
    try:
        retention.place_hold(
            actor=user,
            kind=form.cleaned_data["kind"],
            reference=form.cleaned_data["reference"],
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as exc:
        errors_to_messages(request, exc)
    else:
        messages.success(request, _("The record is held: it will not be disposed of until the hold is lifted."))
    return redirect("core:retention_due")


@access.require(Perm.MANAGE_RETENTION, methods=("POST",))
def hold_lift(request: HttpRequest) -> HttpResponse:
    user = access.actor(request)
    pk = request.POST.get("hold", "")
    hold = None
    if pk.isdigit() and len(pk) < 19:
        hold = access.scope(user, Perm.MANAGE_RETENTION, RetentionHold.objects.active().filter(pk=int(pk))).first()
    if hold is None:
        messages.error(request, _("There is no such hold."))
    else:
        retention.lift_hold(actor=user, hold=hold)
        messages.success(request, _("The hold is lifted."))
    return redirect("core:retention_due")


@access.require(Perm.MANAGE_RETENTION, methods=("POST",))
def archive_package(request: HttpRequest) -> HttpResponse:
    user = access.actor(request)
    try:
        package = archive.deliver(actor=user)
    except ValidationError as exc:
        errors_to_messages(request, exc)
        return redirect("core:retention_due")
    response = HttpResponse(package.content, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{package.filename}"'
    return response


@access.require(Perm.REGISTER_EXTRACT)
def register_extract(request: HttpRequest) -> HttpResponse:
    user = access.actor(request)
    form = PersonForm(request.GET or None)
    person = found = answer = None
    if form.is_valid():
        person = extract.person_for(user, form.cleaned_data["person"])
        if person is None:
            form.add_error("person", _("No person in your organisation has that user name, e-mail or employee number."))
        else:
            found = extract.collect(person)
            answer = extract.erasure(person)
    context = {
        "form": form,
        "person": person,
        "extract": found,
        "erasure": answer,
        "log": selectors_retention.record_log(user, RecordLogKind.REGISTER_EXTRACT)[:20],
    }
    return render(request, "core/register_extract.html", context)


@access.require(Perm.REGISTER_EXTRACT, methods=("POST",))
def register_extract_produce(request: HttpRequest) -> HttpResponse:
    user = access.actor(request)
    form = PersonForm(request.POST)
    person = extract.person_for(user, form.cleaned_data["person"]) if form.is_valid() else None
    if person is None:
        messages.error(request, _("No person in your organisation has that user name, e-mail or employee number."))
        return redirect("core:register_extract")
    fmt = "json" if request.POST.get("format") == "json" else "pdf"
    content, content_type, filename = extract.produce(actor=user, person=person, fmt=fmt)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
