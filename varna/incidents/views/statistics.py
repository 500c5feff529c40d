"""The statistics pages: damage statistics with charts and export, and where a risk analysis is due (G3).

Thin: the forms check the filters, ``statistics`` computes, ``charts`` and ``exports`` present.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from varna.core import access
from varna.core import exports as table_exports
from varna.core.access import Perm
from varna.incidents import charts, exports, statistics
from varna.incidents.forms_statistics import AnalysisDueForm, StatisticsFilterForm
from varna.incidents.statistics import COST_RULE, Row

EXPORT_FORMATS = ("xlsx", "csv")


def _node_link(form: StatisticsFilterForm | AnalysisDueForm, url: str, next_level: str) -> Any:
    """A link that looks closer at a node: the figures of its subtree, at ``next_level``."""
    roots = statistics.scope_roots(form.user)

    def link(row: Row) -> str | None:
        if row.node_id is None or row.node_id == getattr(form.chosen_node(), "pk", None):
            return None
        if row.node_path is not None and not any(row.node_path.startswith(r) for r in roots):
            return None  # above the person's part of the organisation: the filter would refuse it
        return f"{url}?{form.querystring(node=row.node_id, node_level=next_level)}"

    return link


def _invalid(request: HttpRequest, form: StatisticsFilterForm) -> HttpResponse:
    return render(request, "incidents/statistics.html", {"form": form}, status=400)


@access.require(Perm.VIEW_STATISTICS)
def statistics_page(request: HttpRequest) -> HttpResponse:
    user = access.actor(request)
    form = StatisticsFilterForm(request.GET, user=user)
    if not form.is_valid():
        return _invalid(request, form)
    page = statistics.statistics_page(user, form.filters(), today=form.today)
    url = reverse("incidents:statistics")
    tables = exports.page_tables(
        page,
        node_link=_node_link(form, url, "unit" if form.cleaned_data["node_level"] == "unit" else "children"),
        facility_link=lambda r: f"{url}?{form.querystring(facility=r.facility_id)}",
    )
    figures = charts.statistics_charts(page) if page.total.count else {}
    sections = [(table, [figures[table.key]] if table.key in figures else []) for table in tables]
    export = reverse("incidents:statistics_export")
    return render(
        request,
        "incidents/statistics.html",
        {
            "form": form,
            "page": page,
            "sections": sections,
            "summary": form.summary(),
            "xlsx_url": f"{export}?{form.querystring(format='xlsx')}",
            "csv_url": f"{export}?{form.querystring(format='csv')}",
            "without_facility_url": f"{url}?{form.querystring(facility=None)}",
            "cost_rule": COST_RULE,
            "what_counts": statistics.WHAT_COUNTS,
        },
    )


@access.require(Perm.VIEW_STATISTICS)
def statistics_export(request: HttpRequest) -> HttpResponse:
    """The statistics page's tables as an Excel workbook (``?format=xlsx``, the default) or CSV."""
    user = access.actor(request)
    form = StatisticsFilterForm(request.GET, user=user)
    fmt = request.GET.get("format") or "xlsx"
    if fmt not in EXPORT_FORMATS:
        form.is_valid()
        form.add_error(None, _("The export can be made as Excel (xlsx) or CSV."))
        return _invalid(request, form)
    if not form.is_valid():
        return _invalid(request, form)
    filters = form.filters()
    page = statistics.statistics_page(user, filters, today=form.today)
    tables = exports.page_tables(page)
    name = f"skadestatistik-{filters.year_from}-{filters.year_to}"
    if fmt == "csv":
        response = HttpResponse(table_exports.to_csv(tables), content_type=table_exports.CSV_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return response
    about = [
        *form.summary(),
        (_("Cost"), str(COST_RULE)),
        (_("Which incidents"), str(statistics.WHAT_COUNTS)),
    ]
    content = table_exports.to_xlsx(tables, title=_("Damage statistics"), about=about)
    response = HttpResponse(content, content_type=table_exports.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response


@access.require(Perm.VIEW_STATISTICS)
def analysis_due(request: HttpRequest) -> HttpResponse:
    """G3: where damage has been most frequent and costly, so a risk analysis is due first."""
    user = access.actor(request)
    form = AnalysisDueForm(request.GET, user=user)
    if not form.is_valid():
        return render(request, "incidents/analysis_due.html", {"form": form}, status=400)
    years = form.cleaned_data["years"]
    result = statistics.analysis_due(user, filters=form.filters(), years=years)
    url = reverse("incidents:analysis_due")
    tables = exports.analysis_tables(result, node_link=_node_link(form, url, "unit"))
    return render(
        request,
        "incidents/analysis_due.html",
        {"form": form, "result": result, "tables": tables, "period": result.filters},
    )
