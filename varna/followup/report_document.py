"""The yearly report as a reader sees it (K4): the page and the PDF from the same frozen content.

The charts are drawn from the frozen figures when the report is shown (the same figures give the same SVG, and
the chart module keeps each drawn chart), each beside a table with its figures. A chart would show a group of one
or two incidents that the tables hide ("färre än 3"), so such a chart is left out and the table says why.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from varna.core import pdf
from varna.core.models import NodeKind, User
from varna.followup import suppression
from varna.followup.models_report import PROPOSALS, REPORT_SECTIONS, ReportStatus, YearlyReport, YearlyReportComment
from varna.followup.report_services import REPORT_PDF
from varna.incidents import charts


def _committee_rows(content: dict[str, Any]) -> list[dict[str, Any]]:
    """The nämnder's incidents of the report's year, for the chart and its table."""
    rows = []
    for c in content.get("committees", []):
        if c["kind"] != NodeKind.COMMITTEE:
            continue
        years = (c["figures"].get("damage") or {}).get("years") or []
        this = years[-1] if years else {"count": 0, "cost": "0.00", "per_100": None}
        rows.append({"name": c["name"], **this})
    return rows


def report_charts(content: dict[str, Any]) -> dict[str, charts.Chart | None]:
    found: dict[str, charts.Chart | None] = {"years": None, "costs": None, "committees": None, "effect": None}
    damage = (content.get("municipality") or {}).get("damage") or {}
    years = damage.get("years") or []
    if years and not any(suppression.is_small(y["count"]) for y in years):
        labels = [str(y["year"]) for y in years]
        found["years"] = charts.bar_chart(
            title=_("Incidents per year"), labels=labels, values=[y["count"] for y in years], value_label=_("Incidents")
        )
        found["costs"] = charts.bar_chart(
            title=_("Cost of damage per year"),
            labels=labels,
            values=[float(y["cost"] or 0) for y in years],
            value_label=_("Kronor"),
            money=True,
        )
    committees = _committee_rows(content)
    if committees and not any(suppression.is_small(r["count"]) for r in committees):
        found["committees"] = charts.bar_chart(
            title=_("Incidents per nämnd in %(year)s") % {"year": content.get("year")},
            labels=[r["name"] for r in committees],
            values=[r["count"] for r in committees],
            value_label=_("Incidents"),
            horizontal=True,
        )
    counts = (content.get("effect") or {}).get("counts") or {}
    if any(counts.values()):
        found["effect"] = charts.bar_chart(
            title=_("Measures carried out, by what the figures say"),
            labels=[str(label) for _key, label in verdict_labels()],
            values=[counts.get(key, 0) for key, _label in verdict_labels()],
            value_label=_("Measures"),
            horizontal=True,
        )
    return found


def verdict_labels() -> list[tuple[str, str]]:
    return [
        ("fewer", _("Fewer incidents")),
        ("more", _("More incidents")),
        ("no_clear_change", _("No certain change")),
        ("too_few", _("Too few incidents to say")),
        ("too_early", _("Too early to say")),
    ]


def context(found: YearlyReport, comments: dict[str, YearlyReportComment]) -> dict[str, Any]:
    """What the page and the PDF show of a ready or fixed report."""
    content = found.content or {}
    counts = (content.get("effect") or {}).get("counts") or {}
    return {
        "report": found,
        "c": content,
        "ready": found.status in (ReportStatus.DONE, ReportStatus.FIXED),
        "charts": report_charts(content) if content else {},
        "committee_rows": _committee_rows(content),
        "verdicts": [{"key": key, "label": label, "count": counts.get(key, 0)} for key, label in verdict_labels()],
        "comments": comments,
        "section_keys": REPORT_SECTIONS,
        "proposals": comments.get(PROPOSALS),
    }


def document(found: YearlyReport) -> pdf.Document:
    comments = {c.section: c for c in found.comments.all()}
    return pdf.Document("followup/report_pdf.html", {**context(found, comments), "pdf": True})


def file_name(found: YearlyReport) -> str:
    return f"arsrapport-sakerhetsarbetet-{found.year}-v{found.version}.pdf"


def made_report_pdf(object_id: int, _actor: User | None) -> pdf.Made | None:
    """The worker's PDF of a fixed report (``None``: not fixed, or gone)."""
    found = YearlyReport.objects.select_related("fixed_by").filter(pk=object_id, status=ReportStatus.FIXED).first()
    if found is None:
        return None
    return pdf.Made(found.organisation_id, document(found))


def fixed_reports() -> Any:
    return YearlyReport.objects.filter(status=ReportStatus.FIXED).values_list("pk", flat=True)


STORED_REPORTS = pdf.Source(REPORT_PDF, made_report_pdf, fixed_reports)
