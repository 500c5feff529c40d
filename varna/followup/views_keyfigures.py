"""The key figures (nyckeltal, P5): per node and year, as a page and an Excel workbook; their configuration."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from varna.core import access
from varna.core.access import Perm
from varna.core.exports import XLSX_TYPE, Column, Table, TableRow, to_xlsx
from varna.core.models import Node, User
from varna.followup import keyfigures, selectors, services
from varna.followup.forms import KeyFigureChoiceForm, KeyFigureForm
from varna.followup.models import KeyFigure

XLSX_NODES = 200  # the nodes of one workbook


def _choice(request: HttpRequest, user: User) -> tuple[KeyFigureChoiceForm, list[Node], Node | None, int]:
    nodes = list(selectors.generation_nodes(user)[:XLSX_NODES])
    form = KeyFigureChoiceForm(request.GET or None, nodes=[(n.pk, n.name) for n in nodes])
    year = selectors.today().year - 1
    node = nodes[0] if nodes else None
    if form.is_bound and form.is_valid():
        year = form.cleaned_data["year"] or year
        wanted = form.cleaned_data["node"]
        node = next((n for n in nodes if n.pk == wanted), node)
    return form, nodes, node, year


@access.require(Perm.MANAGE_FOLLOW_UPS)
def key_figures(request: HttpRequest) -> HttpResponse:
    """The organisation's key figures for one nämnd or förvaltning and year, against their targets."""
    user = access.actor(request)
    form, _nodes, node, year = _choice(request, user)
    context: dict[str, Any] = {
        "form": form,
        "node": node,
        "year": year,
        "values": keyfigures.compute(user, node, year) if node is not None else [],
        "can_configure": access.has_perm(user, Perm.CONFIGURE_KEY_FIGURES),
        "figures": selectors.key_figures(user) if access.has_perm(user, Perm.CONFIGURE_KEY_FIGURES) else [],
    }
    return render(request, "followup/key_figures.html", context, status=400 if form.errors else 200)


@access.require(Perm.MANAGE_FOLLOW_UPS)
def key_figures_xlsx(request: HttpRequest) -> HttpResponse:
    """Every nämnd and förvaltning of the person's area with the year's key figures: one row each."""
    user = access.actor(request)
    _form, nodes, _node, year = _choice(request, user)
    wanted = keyfigures.active_figures(user)
    columns = [Column(_("Nämnd or förvaltning"), "text")] + [
        Column(f.name, "money" if f.kind == "damage_cost_per_employee" else "rate") for f in wanted
    ]
    rows = []
    for node in nodes:
        values = {v.figure.pk: v.value for v in keyfigures.compute(user, node, year)}
        rows.append(TableRow((node.name, *(values.get(f.pk) for f in wanted))))
    targets = TableRow((_("Target"), *(f.target for f in wanted)))
    table = Table("key_figures", _("Key figures %(year)s") % {"year": year}, columns, rows, footer=targets)
    about = [(f.name, f.definition) for f in wanted]
    content = to_xlsx([table], title=_("Key figures"), about=[(_("Year"), str(year)), *about])
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(f'nyckeltal-{year}.xlsx')}"
    return response


@access.require(Perm.CONFIGURE_KEY_FIGURES, model=KeyFigure, methods=("GET", "POST"))
def key_figure_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a key figure's name, definition, target and whether it is in use."""
    user = access.actor(request)
    figure = selectors.key_figure_for(user, pk)
    initial = {
        "name": figure.name,
        "definition": figure.definition,
        "target": figure.target,
        "higher_is_better": figure.higher_is_better,
        "active": figure.active,
        "revision": figure.revision,
    }
    form = KeyFigureForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.save_key_figure(
                actor=user,
                figure=figure,
                name=data["name"],
                definition=data["definition"],
                target=data["target"],
                higher_is_better=data["higher_is_better"],
                active=data["active"],
                revision=data["revision"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The key figure %(name)s has been saved.") % {"name": data["name"]})
            return redirect("followup:key_figures")
    status = 400 if request.method == "POST" else 200
    return render(request, "followup/key_figure_form.html", {"form": form, "figure": figure}, status=status)
