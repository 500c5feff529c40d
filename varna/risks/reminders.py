"""Reminders about the yearly plan of analyses (G4: risk identification recurs yearly, with reminders).

Run daily by the ``risk_reminders`` command or the ``run_risk_reminders`` task:

- **Planned analyses**: an entry of the plan whose planned date is within :data:`NOTICE_DAYS` days
  (or has passed) and that has no analysis yet: its responsible person is mailed.
- **Reviews that have passed**: a done or adopted analysis whose next review date has passed, with no
  newer analysis of the same node: the analysis's responsible person is mailed. The reminder goes
  through the node's entry in this year's plan (one is added, noted as added by the reminder, when the
  node is not yet planned), so the plan shows the review that is due.

An entry is reminded about at most once every :data:`REPEAT_DAYS` days (``reminded_on``), whichever
of the two rules finds it; running the command again the same day sends nothing twice.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from varna.core import outbox
from varna.core.models import User
from varna.risks.models import AnalysisTrigger, PlannedAnalysis, RiskAnalysis
from varna.risks.schedule import DONE_STATUSES

NOTICE_DAYS = 30  # remind this long before the planned date
REPEAT_DAYS = 30  # and not again within this many days


@dataclass
class ReminderCounts:
    planned: int = 0
    review: int = 0


def _send(template: str, recipient: User | None, **context: object) -> bool:
    """Put the reminder in core's outbox (in the caller's transaction); the worker sends it."""
    if recipient is None or not recipient.is_active or not recipient.email or recipient.organisation_id is None:
        return False
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"risks/mail/{template}_subject.txt", context).strip()
        body = render_to_string(f"risks/mail/{template}.txt", context)
    outbox.queue_mail(
        organisation_id=recipient.organisation_id, recipients=[recipient.email], subject=subject, body=body
    )
    return True


def _not_recently(today: datetime.date) -> Q:
    return Q(reminded_on__isnull=True) | Q(reminded_on__lte=today - datetime.timedelta(days=REPEAT_DAYS))


def _claim(entry_id: int, today: datetime.date) -> PlannedAnalysis | None:
    """Mark the entry as reminded today, unless another run has just done so (then ``None``).

    One conditional UPDATE: two runs at the same moment cannot both claim it, so a reminder is sent
    at most once (the mail enters the outbox in the same transaction as the mark).
    """
    claimed = PlannedAnalysis.objects.filter(pk=entry_id).filter(_not_recently(today)).update(reminded_on=today)
    if not claimed:
        return None
    return PlannedAnalysis.objects.select_related("node", "responsible", "organisation").get(pk=entry_id)


def remind_planned(today: datetime.date) -> int:
    """Entries due within the notice period that have no analysis yet."""
    ids = list(
        PlannedAnalysis.objects.filter(
            analysis__isnull=True,
            responsible__isnull=False,
            responsible__is_active=True,
            planned_for__lte=today + datetime.timedelta(days=NOTICE_DAYS),
        )
        .filter(_not_recently(today))
        .order_by("planned_for", "pk")
        .values_list("pk", flat=True)
    )
    sent = 0
    for entry_id in ids:
        with transaction.atomic():  # the mark and the mail in the outbox: both or neither
            entry = _claim(entry_id, today)
            if entry is None:  # reminded meanwhile by another run
                continue
            context = {"entry": entry, "node": entry.node, "overdue": entry.planned_for < today}
            if _send("planned", entry.responsible, **context):
                sent += 1
    return sent


def overdue_reviews(today: datetime.date) -> list[RiskAnalysis]:
    """Done or adopted analyses whose next review has passed and that no newer analysis of the node replaces."""
    newer = RiskAnalysis.objects.filter(node=OuterRef("node"), organisation=OuterRef("organisation")).filter(
        Q(analysed_on__gt=OuterRef("analysed_on")) | Q(analysed_on=OuterRef("analysed_on"), pk__gt=OuterRef("pk"))
    )
    return list(
        RiskAnalysis.objects.filter(status__in=DONE_STATUSES, next_review__lt=today)
        .exclude(Exists(newer))
        .select_related("node", "responsible", "organisation")
        .order_by("next_review", "pk")
    )


def _entry_for_review(analysis: RiskAnalysis, today: datetime.date) -> PlannedAnalysis:
    """The node's entry in this year's plan; added (dated today) when the node is not planned."""
    entry = PlannedAnalysis.objects.filter(
        organisation_id=analysis.organisation_id, node_id=analysis.node_id, year=today.year
    ).first()
    if entry is not None:
        return entry
    entry = PlannedAnalysis(
        organisation_id=analysis.organisation_id,
        node_id=analysis.node_id,
        year=today.year,
        planned_for=today,
        reason=AnalysisTrigger.YEARLY,
        responsible=analysis.responsible,
        note=_("Added by the reminder: the review date %(date)s of %(number)s has passed.")
        % {"date": analysis.next_review.isoformat() if analysis.next_review else "", "number": analysis.number},
        created_by_id=analysis.responsible_id or analysis.created_by_id,
    )
    entry.note = entry.note[:300]
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:  # added at the same moment by a planner or another run
        return PlannedAnalysis.objects.get(
            organisation_id=analysis.organisation_id, node_id=analysis.node_id, year=today.year
        )
    return entry


def remind_reviews(today: datetime.date) -> int:
    """Analyses whose review date has passed: mail the analysis's responsible person."""
    sent = 0
    for analysis in overdue_reviews(today):
        if analysis.responsible is None or not analysis.responsible.is_active or not analysis.responsible.email:
            continue
        with translation.override(settings.LANGUAGE_CODE):
            entry = _entry_for_review(analysis, today)
        with transaction.atomic():  # the mark and the mail in the outbox: both or neither
            if _claim(entry.pk, today) is None:  # reminded lately, through the plan or this rule
                continue
            context = {"analysis": analysis, "node": analysis.node, "entry": entry}
            if _send("review", analysis.responsible, **context):
                sent += 1
    return sent


def send_due_reminders(*, today: datetime.date | None = None) -> ReminderCounts:
    """Send today's reminders for every organisation; run again the same day, it sends nothing new."""
    today = today or timezone.localdate()
    planned = remind_planned(today)
    review = remind_reviews(today)
    return ReminderCounts(planned=planned, review=review)
