"""Pages for the risk overview (heat maps rolled up by node) and for the organisation's risk matrix."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from varna.core import access
from varna.core.access import Perm
from varna.core.models import Dimension, User
from varna.risks import matrices, selectors, services
from varna.risks.forms_matrix import MatrixForm, TemplateForm, same_as, template_content
from varna.risks.heatmap import matrix_svg
from varna.risks.models import DIMENSIONS, RiskMatrix
from varna.risks.selectors_overview import overview


@access.require(Perm.VIEW_RISKS)
def heat_map(request: HttpRequest) -> HttpResponse:
    """The heat maps of the open risks in the person's scope, today and after measures, with a table per node."""
    user = access.actor(request)
    data = overview(user, node_id=request.GET.get("node"))
    return render(
        request,
        "risks/heat_map.html",
        {
            "overview": data,
            "maps": list(data.maps.values()),
            "levels": data.matrix.risk_levels,
            "can_configure": access.has_perm(user, Perm.CONFIGURE_RISK_MATRIX),
        },
    )


def _active_matrix(user: User) -> RiskMatrix:
    """The organisation's matrix in use; 404 when it has none (it gets one when it is set up)."""
    active = selectors.active_matrix(user.organisation_id)
    if active is None:
        raise Http404
    return active


def _matrix_page(request: HttpRequest, *, status: int = 200) -> HttpResponse:
    user = access.actor(request)
    active = _active_matrix(user)
    versions = selectors.matrix_versions(user.organisation_id)
    dimension_labels = {d.value: str(d.label) for d in Dimension}
    consequences = [
        {
            "number": number,
            "label": level["label"],
            "definition": level.get("definition", ""),
            "dimensions": [
                (dimension_labels[d], level["dimensions"][d])
                for d in DIMENSIONS
                if (level.get("dimensions") or {}).get(d)
            ],
        }
        for number, level in enumerate(active.consequence_levels, start=1)
    ]
    return render(
        request,
        "risks/matrix.html",
        {
            "matrix": active,
            "grid": matrix_svg(active),
            "likelihoods": list(enumerate(active.likelihood_levels, start=1)),
            "consequences": consequences,
            "levels": active.risk_levels,
            "versions": versions,
            "templates": list(matrices.TEMPLATES.values()),
        },
        status=status,
    )


@access.require(Perm.CONFIGURE_RISK_MATRIX, methods=("GET", "POST"))
def matrix(request: HttpRequest) -> HttpResponse:
    """The matrix in use, its history, and (POST) putting a shipped matrix in use."""
    if request.method != "POST":
        return _matrix_page(request)
    user = access.actor(request)
    form = TemplateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the matrices that come with Värna."))
        return _matrix_page(request, status=400)
    code = form.cleaned_data["template"]
    if same_as(selectors.active_matrix(user.organisation_id), template_content(code)):
        messages.info(request, _("That matrix is already in use. Nothing was changed."))
        return redirect("risks:matrix")
    try:
        new = services.use_matrix_template(actor=user, code=code)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return _matrix_page(request, status=400)
    messages.success(
        request,
        _("Version %(version)s of the matrix is now in use. Analyses already made keep their version.")
        % {"version": new.version},
    )
    return redirect("risks:matrix")


@access.require(Perm.CONFIGURE_RISK_MATRIX, methods=("GET", "POST"))
def matrix_edit(request: HttpRequest) -> HttpResponse:
    """A new version of the matrix, written as lines; analyses already made keep their version."""
    user = access.actor(request)
    active = _active_matrix(user)
    if request.method != "POST":
        form = MatrixForm(initial=MatrixForm.initial_from(active))
        return render(request, "risks/matrix_form.html", {"form": form, "matrix": active})
    form = MatrixForm(request.POST)
    if form.is_valid():
        content = form.content()
        if same_as(active, content):
            messages.info(request, _("The matrix is the same as the version in use. No new version was made."))
            return redirect("risks:matrix")
        based_on = form.cleaned_data.get("based_on")
        if based_on is not None and based_on != active.version:
            form.add_error(
                None,
                _(
                    "Someone else has put version %(version)s in use meanwhile. Reload the page and make your "
                    "changes to that version."
                )
                % {"version": active.version},
            )
        else:
            try:
                new = services.new_matrix_version(actor=user, **content)
            except ValidationError as exc:
                for message in exc.messages:
                    form.add_error(None, message)
            else:
                messages.success(
                    request,
                    _("Version %(version)s of the matrix is now in use. Analyses already made keep their version.")
                    % {"version": new.version},
                )
                return redirect("risks:matrix")
    return render(request, "risks/matrix_form.html", {"form": form, "matrix": active}, status=400)
