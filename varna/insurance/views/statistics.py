"""The insurance statistics page (G12, G15): each chart an SVG with its figures in a table beside it, in the
style of the damage statistics (the chart functions of ``incidents.charts``), and the same tables in Excel."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from varna.core import access
from varna.core.access import Perm
from varna.core.exports import XLSX_TYPE, to_xlsx
from varna.incidents.charts import Chart, bar_chart, line_chart
from varna.insurance.selectors.statistics import MAX_YEARS, Period, StatisticsPage, statistics_page
from varna.insurance.services.allocation import FIRST_YEAR, LAST_YEAR

MAX_BARS = 15


class PeriodForm(forms.Form):
    year_from = forms.IntegerField(label=gettext_lazy("From year"), min_value=FIRST_YEAR, max_value=LAST_YEAR)
    year_to = forms.IntegerField(
        label=gettext_lazy("To year"),
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
        help_text=gettext_lazy("The total cost of risk is shown for this year."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("year_from"), data.get("year_to")
        if first is not None and last is not None:
            if first > last:
                raise forms.ValidationError(_("The first year must not come after the last."))
            if last - first >= MAX_YEARS:
                raise forms.ValidationError(_("Choose at most %(max)s years.") % {"max": MAX_YEARS})
        return data


def _period(request: HttpRequest) -> tuple[PeriodForm, Period]:
    default = Period.default(timezone.localdate())
    data = request.GET.copy()
    data.setdefault("year_from", str(default.year_from))
    data.setdefault("year_to", str(default.year_to))
    form = PeriodForm(data)
    if form.is_valid():
        return form, Period(form.cleaned_data["year_from"], form.cleaned_data["year_to"])
    return form, default


def _charts(page: StatisticsPage) -> dict[str, Chart]:
    money = _("SEK")
    years = [str(r.year) for r in page.damage]
    charts = {
        "damage": line_chart(
            title=_("Damage cost, insured and uninsured, per year"),
            x_labels=years,
            series=[
                (_("Insured"), [r.insured for r in page.damage]),
                (_("Uninsured"), [r.uninsured for r in page.damage]),
                (_("Deductibles"), [r.deductible for r in page.damage]),
            ],
            value_label=money,
        ),
        "fund": bar_chart(
            title=_("The deductible fund's balance at the end of each year"),
            labels=[str(r.year) for r in page.fund],
            values=[r.balance for r in page.fund],
            value_label=money,
            money=True,
        ),
    }
    if page.payouts:
        shown = page.payouts[:MAX_BARS]
        charts["payouts"] = bar_chart(
            title=_("The insurers' payouts per cover line"),
            labels=[r.name for r in shown],
            values=[r.amount for r in shown],
            value_label=money,
            horizontal=True,
            money=True,
        )
    if page.risk.rows:
        shown_risk = sorted(page.risk.rows, key=lambda r: -r.total)[:MAX_BARS]
        charts["risk"] = bar_chart(
            title=_("Total cost of risk per förvaltning %(year)s") % {"year": page.risk.year},
            labels=[r.name for r in shown_risk],
            values=[r.total for r in shown_risk],
            value_label=money,
            horizontal=True,
            money=True,
        )
    return charts


@access.require(Perm.MANAGE_INSURANCE)
def statistics(request: HttpRequest) -> HttpResponse:
    user = access.actor(request)
    form, period = _period(request)
    page = statistics_page(user, period)
    tables = page.tables()
    charts = _charts(page)
    sections = [(table, charts.get(key)) for key, table in tables.items()]
    context = {
        "form": form,
        "page": page,
        "sections": sections,
        "xlsx_query": f"year_from={period.year_from}&year_to={period.year_to}",
    }
    return render(request, "insurance/statistics.html", context)


@access.require(Perm.MANAGE_INSURANCE)
def statistics_xlsx(request: HttpRequest) -> HttpResponse:
    user = access.actor(request)
    _form, period = _period(request)
    page = statistics_page(user, period)
    title = _("Insurance statistics %(first)s–%(last)s") % {"first": period.year_from, "last": period.year_to}
    content = to_xlsx(list(page.tables().values()), title=title, about=[])
    response = HttpResponse(content, content_type=XLSX_TYPE)
    filename = f"forsakringsstatistik-{period.year_from}-{period.year_to}.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response
