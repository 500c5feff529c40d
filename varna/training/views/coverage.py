"""Coverage of training per node, rolled up the tree, and the gap lists with their Excel export (G7).

Thin: the figures and the lists come from :mod:`varna.training.selectors.coverage`, scoped by ``VIEW_TRAINING``
(a unit manager sees their subtree, HR and the coordinator everything); a node outside the person's scope is a
404.
"""

from __future__ import annotations

import io
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from varna.core import access
from varna.core.access import Perm
from varna.core.exports import XLSX_TYPE, Column, Table, TableRow, to_xlsx
from varna.core.formats import local_time
from varna.core.models import Node
from varna.training.forms.coverage import GapFilterForm
from varna.training.selectors import coverage as selectors
from varna.training.services import coverage as coverage_services

PAGE_SIZE = 50
DATE_FORMAT = "yyyy-mm-dd"


@access.require(Perm.VIEW_TRAINING)
def coverage(request: HttpRequest) -> HttpResponse:
    """The share of the staff with each required course valid, for the person's units or one node and the nodes
    below it; the headline figures for new employees and managers."""
    user = access.actor(request)
    node = selectors.node_in_scope(user, request.GET.get("node"))
    overview = selectors.overview(user, node=node)
    return render(request, "training/coverage_overview.html", {"overview": overview})


@access.require(Perm.VIEW_TRAINING, methods=("POST",))
def coverage_refresh(request: HttpRequest) -> HttpResponse:
    """Count the organisation's coverage afresh now (the night's count has not run today), then show it again."""
    user = access.actor(request)
    node = selectors.node_in_scope(user, request.POST.get("node"))
    if user.organisation_id is not None:
        state = coverage_services.refresh_coverage(organisation_id=user.organisation_id)
        messages.success(
            request, _("The figures have been counted afresh (%(when)s).") % {"when": local_time(state.counted_at)}
        )
    return redirect(reverse("training:coverage") + (f"?node={node.pk}" if node is not None else ""))


def _filters(request: HttpRequest) -> tuple[Node | None, GapFilterForm, int]:
    user = access.actor(request)
    node = selectors.node_in_scope(user, request.GET.get("node"))
    form = GapFilterForm(request.GET or None)
    return node, form, form.days_or_default()


@access.require(Perm.VIEW_TRAINING)
def gaps(request: HttpRequest) -> HttpResponse:
    """Who lacks a course they need, or holds one that expires within the days asked for, page by page."""
    user = access.actor(request)
    node, form, days = _filters(request)
    context: dict[str, Any] = {"node": node, "form": form, "days": days, "export_query": _export_query(node, days)}
    if node is None and selectors.scope_roots(user) is None:
        # The whole organisation is tens of thousands of rows: first choose the part to list.
        context["choices"] = selectors.parts_to_choose(user)
        return render(request, "training/coverage_gaps.html", context)
    rows = selectors.gap_list(user, node, days=days)
    context.update(page=Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")), count=len(rows))
    return render(request, "training/coverage_gaps.html", context)


def _export_query(node: Node | None, days: int) -> str:
    return f"?days={days}" + (f"&node={node.pk}" if node is not None else "")


@access.require(Perm.VIEW_TRAINING)
def gaps_export(request: HttpRequest) -> HttpResponse:
    """The gap list as an Excel workbook for the manager: one row per person and course, dates as dates."""
    user = access.actor(request)
    node, _form, days = _filters(request)
    rows = selectors.gap_list(user, node, days=days)
    today = timezone.localdate()
    where = node.name if node is not None else _("All your units")
    content = _workbook(rows, where=where, days=days)
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="utbildningsbrister-{today:%Y-%m-%d}.xlsx"'
    return response


def _workbook(rows: list[selectors.Gap], *, where: str, days: int) -> bytes:
    table = Table(
        key="gaps",
        title=_("Training gaps"),
        columns=[
            Column(_("Name"), "text"),
            Column(_("Employee number"), "text"),
            Column(_("Unit"), "text"),
            Column(_("Course"), "text"),
            Column(_("Status"), "text"),
            Column(_("Valid until"), "int"),  # a date; given the date format below
        ],
    )
    for gap in rows:
        name = _("Protected identity") if gap.protected else gap.name
        number = "" if gap.protected else gap.employee_number
        table.rows.append(TableRow((name, number, gap.unit, gap.course.name, gap.label, gap.on)))
    about = [
        (_("Units"), where),
        (_("Expiring within (days)"), str(days)),
        (_("Rows"), str(len(rows))),
    ]
    content = to_xlsx([table], title=_("Training gaps"), about=about)
    # core.exports writes numbers; the last column holds dates, shown as dates.
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook.worksheets[1]
    for (cell,) in sheet.iter_rows(min_row=3, min_col=6, max_col=6):
        cell.number_format = DATE_FORMAT
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
