"""Every write of the yearly report (K4): ask for a version, comment it, write the proposals, fix it.

The figures are gathered by the worker (:mod:`varna.followup.report`); these functions never compute them.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from varna.core import access, pdf
from varna.core.access import Perm
from varna.core.models import User
from varna.core.services import check_revision, lock_actor, recent_duplicate, save_revision, stamp
from varna.followup import report
from varna.followup.models import FIRST_YEAR, LAST_YEAR
from varna.followup.models_report import (
    PROPOSALS,
    REPORT_SECTIONS,
    ReportStatus,
    YearlyReport,
    YearlyReportComment,
)

REPORT_PDF = "followup.yearly_report"
MAX_TEXT = 20_000


def may_manage(user: User) -> bool:
    node = report.report_node(user.organisation_id or 0) if user.organisation_id else None
    return node is not None and access.has_perm(user, Perm.MANAGE_FOLLOW_UPS, node)


def _check(actor: User) -> None:
    if not may_manage(actor):
        raise PermissionDenied


def _locked(found: YearlyReport) -> YearlyReport:
    locked = YearlyReport.objects.select_for_update().get(pk=found.pk)
    if locked.organisation_id != found.organisation_id:  # pragma: no cover - the same row
        raise PermissionDenied
    return locked


def create_version(*, actor: User, year: int) -> YearlyReport:
    """A new queued version of the year's report, with the comments and proposals of the latest one to start from.

    Does not ask the worker: :func:`request_report` does, once the transaction commits; the demo runs it itself.
    """
    node = report.report_node(actor.organisation_id or 0)
    if node is None:  # pragma: no cover - every organisation has a root
        raise ValidationError(_("The organisation has no units yet."))
    same = YearlyReport.objects.filter(organisation_id=node.organisation_id, year=year)
    latest = same.order_by("-version").first()
    last = same.aggregate(v=Max("version"))["v"]
    created = YearlyReport(
        organisation_id=node.organisation_id,
        node=node,
        year=year,
        version=(last or 0) + 1,
        created_by=actor,
    )
    stamp(created, actor)
    created.save()
    texts = {c.section: c.text for c in latest.comments.all()} if latest is not None else {}
    YearlyReportComment.objects.bulk_create(
        [
            YearlyReportComment(
                organisation_id=node.organisation_id,
                report=created,
                node=node,
                section=section,
                text=texts.get(section, ""),
                updated_by=actor if texts.get(section) else None,
            )
            for section in (*REPORT_SECTIONS, PROPOSALS)
        ]
    )
    return created


@transaction.atomic
def request_report(*, actor: User, year: int, newer_than: int = 0) -> YearlyReport:
    """Ask the worker for a new version of the year's report (K4); the page then shows its progress.

    While a version of the year is queued or being generated, that one is given back (a double submit, or a
    second person asking at the same time), as is one the person asked for within the double-submit window (of a
    version above ``newer_than``: the version a new one is asked after).
    """
    _check(actor)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError(
            _("Choose a year between %(first)s and %(last)s.") % {"first": FIRST_YEAR, "last": LAST_YEAR}
        )
    lock_actor(actor)
    same = YearlyReport.objects.filter(organisation_id=actor.organisation_id or 0, year=year)
    pending = same.filter(status__in=(ReportStatus.QUEUED, ReportStatus.RUNNING)).order_by("-version").first()
    if pending is not None:
        return pending
    duplicate = recent_duplicate(same.filter(version__gt=newer_than), actor=actor)
    if duplicate is not None:
        return duplicate
    created = create_version(actor=actor, year=year)
    from varna.followup.tasks import generate_yearly_report

    report_id = created.pk
    transaction.on_commit(lambda: generate_yearly_report.enqueue(report_id))
    return created


def _editable(found: YearlyReport) -> None:
    if found.is_fixed:
        raise ValidationError(_("The report is fixed: it can no longer be changed. Make a new version."))
    if found.status != ReportStatus.DONE:
        raise ValidationError(_("The report can be commented once its figures are ready."))


@transaction.atomic
def save_comment(*, actor: User, comment: YearlyReportComment, text: str, revision: int | None) -> YearlyReportComment:
    """Write the comment of one section of a report, or the group's proposals (the section "proposals")."""
    _check(actor)
    _editable(_locked(comment.report))
    comment = YearlyReportComment.objects.select_for_update().get(pk=comment.pk)
    check_revision(comment, revision)
    if len(text) > MAX_TEXT:
        raise ValidationError(_("A text can be at most 20,000 characters long."))
    comment.text = text.strip()
    comment.updated_by = actor
    save_revision(comment, actor, ["text", "updated_by"])
    return comment


@transaction.atomic
def fix_report(*, actor: User, found: YearlyReport, revision: int | None) -> YearlyReport:
    """Fix a ready report: its figures, comments and proposals never change after this; the worker makes its PDF."""
    _check(actor)
    locked = _locked(found)
    _editable(locked)
    check_revision(locked, revision)
    locked.status = ReportStatus.FIXED
    locked.fixed_at = timezone.now()
    locked.fixed_by = actor
    save_revision(locked, actor, ["status", "fixed_at", "fixed_by"])
    pdf.request_store(REPORT_PDF, locked.pk, actor)
    return locked
