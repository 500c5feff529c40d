"""Reads of one person's training: their own record (``VIEW_OWN_TRAINING``), and a person's page for those who
see the training of the people in a subtree (``VIEW_TRAINING``, through the person's employment unit).

What a person needs comes from :func:`varna.training.selectors.needs.person_needs`, the one rule.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from varna.core import access
from varna.core.access import Perm
from varna.core.formats import local_time
from varna.core.models import User
from varna.training.models import TrainingRecord
from varna.training.selectors.needs import Need, person_needs


@dataclass(frozen=True)
class TrainingPage:
    """A person's needs (gaps first) and every record they hold (latest first)."""

    person: User
    needs: list[Need]
    records: list[TrainingRecord]
    today: datetime.date

    @property
    def gaps(self) -> int:
        return sum(1 for need in self.needs if need.is_gap)


def records_of(person: User) -> QuerySet[TrainingRecord]:
    return TrainingRecord.objects.filter(person_id=person.pk).select_related("course", "session", "recorded_by")


def training_page(person: User, today: datetime.date | None = None) -> TrainingPage:
    day = today or timezone.localdate()
    return TrainingPage(
        person=person,
        needs=person_needs(person, day),
        records=list(records_of(person).order_by("-completed_on", "course__name", "pk")),
        today=day,
    )


def person_for(user: User, pk: int) -> User:
    """A person whose training ``user`` may see: employed where ``user`` holds ``VIEW_TRAINING``."""
    return access.get_object_or_404(user, Perm.VIEW_TRAINING, User.objects.select_related("employment_node"), pk=pk)


def record_for(user: User, person: User, pk: int | None) -> TrainingRecord | None:
    """One of ``person``'s records that ``user`` may change (``RECORD_TRAINING``), or ``None``."""
    if pk is None:
        return None
    return (
        access.scope(user, Perm.RECORD_TRAINING, TrainingRecord.objects.select_related("course", "person"))
        .filter(pk=pk, person_id=person.pk)
        .first()
    )


def may_record(user: User, person: User) -> bool:
    """Whether ``user`` may register or remove ``person``'s records."""
    node = person.employment_node
    return node is not None and access.has_perm(user, Perm.RECORD_TRAINING, node)


def person_training_rows(person: User) -> list[dict[str, str]]:
    """The register extract's rows: every training record of ``person`` (core's extract, GDPR)."""
    records = TrainingRecord.objects.filter(organisation_id=person.organisation_id or 0, person=person)
    return [
        {
            _("Course"): r.course.name,
            _("Completed"): local_time(r.completed_on),
            _("Valid until"): local_time(r.expires_on) if r.expires_on else "",
            _("Source"): str(r.get_source_display()),
        }
        for r in records.select_related("course").order_by("completed_on", "pk")
    ]
