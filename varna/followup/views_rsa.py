"""The RSA draft's pages: the list, a draft with its sections, the PDF and the history, and the list of critical
services. Thin views over ``selectors_rsa`` and ``services_rsa``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from varna.core import access, history
from varna.core import pdf as core_pdf
from varna.core.access import Perm
from varna.core.models import User
from varna.documents.models import Operation
from varna.followup import selectors_rsa as selectors
from varna.followup import services_rsa as services
from varna.followup.forms import RevisionForm
from varna.followup.forms_rsa import CriticalServiceForm, GenerateRsaForm, RegenerateForm, SectionForm
from varna.followup.models import CriticalService, RsaDraft, RsaSection


def _generate_form(user: User, data: Any = None) -> GenerateRsaForm | None:
    if not selectors.may_manage(user):
        return None
    day = selectors.today()
    return GenerateRsaForm(
        data, periods=selectors.period_choices(day), initial={"period_start": selectors.next_period_start(day)}
    )


@access.require(Perm.VIEW_RSA)
def rsa_list(request: HttpRequest) -> HttpResponse:
    """The organisation's RSA drafts, and the form to start one."""
    user = access.actor(request)
    context = {"drafts": selectors.drafts(user), "form": _generate_form(user)}
    return render(request, "followup/rsa_list.html", context)


@access.require(Perm.MANAGE_RSA, methods=("POST",))
def rsa_generate(request: HttpRequest) -> HttpResponse:
    """Generate the draft of a mandate period (or open the one there is)."""
    user = access.actor(request)
    form = _generate_form(user, request.POST)
    if form is None:  # pragma: no cover - the requirement lets only writers through
        raise Http404
    if form.is_valid():
        try:
            draft = services.generate(actor=user, period_start=form.cleaned_data["period_start"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("followup:rsa_detail", pk=draft.pk)
    context = {"drafts": selectors.drafts(user), "form": form}
    return render(request, "followup/rsa_list.html", context, status=400)


def _detail_context(request: HttpRequest, draft: RsaDraft, **forms: Any) -> dict[str, Any]:
    user = access.actor(request)
    editable = selectors.may_manage(user)
    rows = []
    for section in selectors.sections(draft):
        form = forms.get(f"text_{section.pk}")
        if form is None and editable:
            form = SectionForm(initial={"text": section.text, "revision": section.revision}, prefix=f"s{section.pk}")
        regenerate = None
        if editable:
            regenerate = RegenerateForm(initial={"revision": section.revision}, prefix=f"r{section.pk}")
        rows.append({"section": section, "form": form, "regenerate": regenerate})
    return {
        "draft": draft,
        "rows": rows,
        "editable": editable,
        "regenerate_all": RegenerateForm(initial={"revision": draft.revision}) if editable else None,
    }


@access.require(Perm.VIEW_RSA, model=RsaDraft)
def rsa_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One draft: each heading with its text and tables, and for the coordinator the forms to edit them."""
    draft = selectors.draft_for(access.actor(request), pk)
    return render(request, "followup/rsa_detail.html", _detail_context(request, draft))


def _section_url(section: RsaSection) -> str:
    return reverse("followup:rsa_detail", args=[section.draft_id]) + f"#section-{section.key}"


@access.require(Perm.MANAGE_RSA, model=RsaSection, methods=("POST",))
def rsa_section(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the text of one heading."""
    user = access.actor(request)
    section = selectors.section_for(user, pk)
    form = SectionForm(request.POST, prefix=f"s{section.pk}")
    if form.is_valid():
        try:
            services.save_section(
                actor=user, section=section, text=form.cleaned_data["text"], revision=form.cleaned_data["revision"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The text of section %(n)s has been saved.") % {"n": section.number})
            return redirect(_section_url(section))
    context = _detail_context(request, section.draft, **{f"text_{section.pk}": form})
    return render(request, "followup/rsa_detail.html", context, status=400)


def _report(request: HttpRequest, done: services.Regenerated) -> None:
    if done.replaced:
        messages.success(
            request,
            _("Generated again from today's data: %(sections)s.")
            % {"sections": ", ".join(str(s.number) for s in done.replaced)},
        )
    if done.kept:
        messages.warning(
            request,
            _(
                "Sections %(sections)s have edited text, which was kept: only their tables were updated. Tick "
                "“Replace the edited text too” to replace it."
            )
            % {"sections": ", ".join(str(s.number) for s in done.kept)},
        )


@access.require(Perm.MANAGE_RSA, model=RsaSection, methods=("POST",))
def rsa_section_regenerate(request: HttpRequest, pk: int) -> HttpResponse:
    """Generate one heading again from today's data (its edited text kept unless the person asks)."""
    user = access.actor(request)
    section = selectors.section_for(user, pk)
    form = RegenerateForm(request.POST, prefix=f"r{section.pk}")
    data = form.cleaned_data if form.is_valid() else {}
    try:
        done = services.regenerate_section(
            actor=user,
            section=section,
            replace_edits=bool(data.get("replace_edits")),
            revision=data.get("revision"),
        )
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    else:
        _report(request, done)
    return redirect(_section_url(section))


@access.require(Perm.MANAGE_RSA, model=RsaDraft, methods=("POST",))
def rsa_regenerate(request: HttpRequest, pk: int) -> HttpResponse:
    """Generate every heading again (edited texts kept unless the person asks)."""
    user = access.actor(request)
    draft = selectors.draft_for(user, pk, Perm.MANAGE_RSA)
    form = RegenerateForm(request.POST)
    data = form.cleaned_data if form.is_valid() else {}
    try:
        done = services.regenerate(
            actor=user, draft=draft, replace_edits=bool(data.get("replace_edits")), revision=data.get("revision")
        )
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    else:
        _report(request, done)
    return redirect("followup:rsa_detail", pk=draft.pk)


@access.require(Perm.VIEW_RSA, model=RsaDraft)
def rsa_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The draft as a PDF, marked as a draft on every page."""
    draft = selectors.draft_for(access.actor(request), pk)
    context = {"draft": draft, "sections": selectors.sections(draft), "printed_at": selectors.today()}
    name = f"RSA-utkast-{draft.period_start}-{draft.period_end}.pdf"
    return core_pdf.pdf_response("followup/rsa_pdf.html", context, name)


@access.require(Perm.VIEW_RSA, model=RsaDraft)
def rsa_history(request: HttpRequest, pk: int) -> HttpResponse:
    """Who generated and edited the draft, section by section."""
    draft = selectors.draft_for(access.actor(request), pk)
    return render(
        request,
        "core/history.html",
        {
            "object": draft,
            "title": str(draft),
            "back_url": reverse("followup:rsa_detail", args=[draft.pk]),
            "entries": history.entries(draft, children=[history.Children(RsaSection, {"draft_id": draft.pk})]),
        },
    )


# --- the list of critical services ---------------------------------------------------------------------------


@access.require(Perm.VIEW_RSA)
def services_list(request: HttpRequest) -> HttpResponse:
    """The services vital to society that the RSA draft reports."""
    user = access.actor(request)
    context = {
        "services": selectors.services(user),
        "can_manage": selectors.may_manage(user),
        "operations": dict(Operation.choices),
    }
    return render(request, "followup/rsa_services.html", context)


def _service_form(user: User, data: Any = None, **kwargs: Any) -> CriticalServiceForm:
    nodes = [(n.pk, "\u00a0\u00a0" * max(n.depth - 1, 0) + n.name) for n in selectors.service_nodes(user)]
    return CriticalServiceForm(data, nodes=nodes, **kwargs)


def _data(user: User, form: CriticalServiceForm) -> services.ServiceData | None:
    node = selectors.service_nodes(user).filter(pk=form.cleaned_data["node"]).first()
    if node is None:
        form.add_error("node", _("Choose a unit in the list."))
        return None
    return services.ServiceData(
        node=node,
        name=form.cleaned_data["name"],
        description=form.cleaned_data["description"],
        dependencies=form.cleaned_data["dependencies"],
        acceptable_downtime_hours=form.cleaned_data["acceptable_downtime_hours"],
        operation=form.cleaned_data["operation"],
    )


@access.require(Perm.MANAGE_RSA, methods=("GET", "POST"))
def service_new(request: HttpRequest) -> HttpResponse:
    """Add a service vital to society."""
    user = access.actor(request)
    form = _service_form(user, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = _data(user, form)
        if data is not None:
            try:
                services.create_service(actor=user, data=data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The service has been added."))
                return redirect("followup:rsa_services")
    status = 400 if request.method == "POST" else 200
    return render(request, "followup/rsa_service_form.html", {"form": form, "service": None}, status=status)


@access.require(Perm.MANAGE_RSA, model=CriticalService, methods=("GET", "POST"))
def service_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a service vital to society."""
    user = access.actor(request)
    service = selectors.service_for(user, pk, Perm.MANAGE_RSA)
    if request.method == "POST":
        form = _service_form(user, request.POST)
        if form.is_valid():
            data = _data(user, form)
            if data is not None:
                try:
                    services.update_service(
                        actor=user, service=service, data=data, revision=form.cleaned_data["revision"]
                    )
                except ValidationError as exc:
                    form.add_error(None, exc)
                else:
                    messages.success(request, _("The service has been saved."))
                    return redirect("followup:rsa_services")
        return render(request, "followup/rsa_service_form.html", {"form": form, "service": service}, status=400)
    initial = {
        "name": service.name,
        "node": service.node_id,
        "description": service.description,
        "dependencies": service.dependencies,
        "acceptable_downtime_hours": service.acceptable_downtime_hours,
        "operation": service.operation,
        "revision": service.revision,
    }
    form = _service_form(user, initial=initial)
    return render(request, "followup/rsa_service_form.html", {"form": form, "service": service})


@access.require(Perm.MANAGE_RSA, model=CriticalService, methods=("POST",))
def service_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove a service from the list."""
    user = access.actor(request)
    service = selectors.service_for(user, pk, Perm.MANAGE_RSA)
    form = RevisionForm(request.POST)
    revision = form.cleaned_data.get("revision") if form.is_valid() else None
    try:
        services.delete_service(actor=user, service=service, revision=revision)
    except ValidationError as exc:
        for text in exc.messages:
            messages.error(request, text)
    else:
        messages.success(request, _("%(name)s has been removed from the list.") % {"name": service.name})
    return redirect("followup:rsa_services")
