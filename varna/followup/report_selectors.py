"""Every read of the yearly report (K4), scoped by the access policy.

The reports belong to the organisation's kommunstyrelse (:func:`varna.followup.report.report_node`): the
coordinator, who may manage follow-ups there, sees every version in every state; everyone else who may read
follow-ups there (the kommunstyrelse's elected officials) reads only the fixed ones.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from varna.core import access
from varna.core.access import Perm
from varna.core.models import User
from varna.followup.models_report import ReportStatus, YearlyReport, YearlyReportComment
from varna.followup.report_services import may_manage
from varna.followup.selectors import today

LATEST = 3  # fixed reports on the start page

__all__ = ["may_manage", "today"]


def visible_reports(user: User) -> QuerySet[YearlyReport]:
    rows = access.scope(user, Perm.VIEW_FOLLOW_UPS, YearlyReport.objects.all())
    writable = access.scope(user, Perm.MANAGE_FOLLOW_UPS, YearlyReport.objects.all()).values("pk")
    return rows.filter(Q(status=ReportStatus.FIXED) | Q(pk__in=writable))


def report_list(user: User) -> QuerySet[YearlyReport]:
    return visible_reports(user).select_related("created_by", "fixed_by").order_by("-year", "-version")


def report_for(user: User, pk: int) -> YearlyReport:
    """One report the person may read (a 404 otherwise)."""
    return access.get_object_or_404(user, Perm.VIEW_FOLLOW_UPS, visible_reports(user), pk=pk)


def writable_report(user: User, pk: int) -> YearlyReport:
    """One report the person may work on (a 404 otherwise)."""
    return access.get_object_or_404(user, Perm.MANAGE_FOLLOW_UPS, YearlyReport.objects.all(), pk=pk)


def comments(found: YearlyReport) -> dict[str, YearlyReportComment]:
    return {c.section: c for c in found.comments.select_related("updated_by")}


def comment_for(found: YearlyReport, section: str) -> YearlyReportComment | None:
    return found.comments.filter(section=section).first()


def versions(user: User, found: YearlyReport) -> list[YearlyReport]:
    return list(visible_reports(user).filter(year=found.year).order_by("-version"))


def latest_fixed(user: User) -> list[YearlyReport]:
    return list(visible_reports(user).filter(status=ReportStatus.FIXED).order_by("-year", "-version")[:LATEST])


def reports_panel(user: User, _obj: Any = None) -> dict[str, Any] | None:
    """The start page of the elected officials: the latest fixed yearly reports (K4)."""
    if not access.has_perm(user, Perm.VIEW_OVERVIEW) or user.organisation_id is None:
        return None
    return {"reports": latest_fixed(user)}
