"""Training and information (G7, K14, K24): courses, what each person needs, records, sessions.

- :class:`Course` (kurs), configured per organisation, e-learning or classroom, with a validity in months
  (a refresher every three years) or none (once is enough).
- :class:`CourseRequirement` says who needs a course: every employee, managers or the holders of one role,
  optionally only in one part of the organisation or at units that run a facility of one kind (for example
  care homes), and within how many days of their employment start.
- :class:`TrainingRecord`: a person completed a course on a date; the expiry is computed from the course's
  validity when the record is saved. One record per person, course and date: a re-import changes nothing.
- :class:`CourseSession` (kurstillfälle) with its :class:`SessionParticipant`; marking attendance makes the
  records.
- :class:`StaffInformation` (K24): the special information a manager gave staff after a security event,
  linked to the incident.
"""

from __future__ import annotations

import datetime
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from varna.core.dates import add_months
from varna.core.models import Node, Organisation, Role
from varna.incidents.models import Incident
from varna.protection.models import FacilityKind


class CourseFormat(models.TextChoices):
    E_LEARNING = "e_learning", _("E-learning")
    CLASSROOM = "classroom", _("Classroom")


class Course(models.Model):
    """A course the organisation offers or requires (kurs)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="courses")
    code = models.SlugField(_("code"), max_length=40, help_text=_("The short name used in imports, e.g. brand-grund."))
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    format = models.CharField(_("format"), max_length=20, choices=CourseFormat.choices, default=CourseFormat.CLASSROOM)
    provider = models.CharField(_("provider"), max_length=200, blank=True)
    validity_months = models.PositiveSmallIntegerField(
        _("valid for (months)"),
        null=True,
        blank=True,
        help_text=_("Leave empty if the course never needs to be repeated."),
    )
    is_active = models.BooleanField(_("in use"), default=True)
    revision = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["revision", "updated_at"])

    ACCESS_NODE_FIELD: ClassVar[str | None] = None

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering: ClassVar = ["name"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["organisation", "code"], name="course_code_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    def expiry_for(self, completed_on: datetime.date) -> datetime.date | None:
        """The last day a course completed on ``completed_on`` is valid, or ``None`` if it never expires."""
        if self.validity_months is None:
            return None
        return add_months(completed_on, self.validity_months)


class Audience(models.TextChoices):
    EVERYONE = "everyone", _("Every employee")
    MANAGERS = "managers", _("Managers (unit managers and heads of administration)")
    ROLE = "role", _("Holders of one role")


# The roles counted as managers ("chefer") by a requirement for managers.
MANAGER_ROLES = (Role.UNIT_MANAGER, Role.HEAD_OF_ADMINISTRATION)


class CourseRequirement(models.Model):
    """Who must have a course: an audience, optionally narrowed to a subtree or to units running a facility kind."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="course_requirements")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="requirements", verbose_name=_("course"))
    audience = models.CharField(_("who"), max_length=20, choices=Audience.choices, default=Audience.EVERYONE)
    role = models.CharField(_("role"), max_length=40, choices=Role.choices, blank=True)
    node = models.ForeignKey(
        Node,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="course_requirements",
        verbose_name=_("only in"),
        help_text=_("Leave empty for the whole organisation."),
    )
    facility_kind = models.CharField(
        _("only at units running"),
        max_length=20,
        choices=FacilityKind.choices,
        blank=True,
        help_text=_("For example care homes: only staff at units responsible for a facility of this kind."),
    )
    within_days = models.PositiveSmallIntegerField(
        _("within (days of employment start)"),
        default=90,
        help_text=_("A new employee has this long to complete the course before it counts as missing."),
    )
    is_active = models.BooleanField(_("in use"), default=True)
    revision = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["revision", "updated_at"])

    ACCESS_NODE_FIELD: ClassVar[str | None] = None

    class Meta:
        verbose_name = _("course requirement")
        verbose_name_plural = _("course requirements")
        ordering: ClassVar = ["course__name", "pk"]

    def __str__(self) -> str:
        return f"{self.course}: {self.get_audience_display()}"


class RecordSource(models.TextChoices):
    MANUAL = "manual", _("Entered by hand")
    IMPORT = "import", _("Imported from a provider's list")
    SESSION = "session", _("Attendance at a session")
    API = "api", _("From a learning platform (API)")


class TrainingRecord(models.Model):
    """A person completed a course on a date (utbildningsnotering)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="training_records")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_records", verbose_name=_("person")
    )
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="records", verbose_name=_("course"))
    completed_on = models.DateField(_("completed"))
    expires_on = models.DateField(_("valid until"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=20, choices=RecordSource.choices, default=RecordSource.MANUAL)
    session = models.ForeignKey(
        "CourseSession", on_delete=models.SET_NULL, null=True, blank=True, related_name="records"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    history = HistoricalRecords()

    ACCESS_NODE_FIELD: ClassVar[str | None] = "person__employment_node"

    class Meta:
        verbose_name = _("training record")
        verbose_name_plural = _("training records")
        ordering: ClassVar = ["-completed_on", "pk"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["person", "course", "completed_on"], name="training_record_once_a_day"),
        ]
        indexes: ClassVar = [
            # Coverage asks, per requirement, which people hold a valid record of the course.
            models.Index(fields=["course", "person", "expires_on"], name="training_valid_idx"),
            models.Index(fields=["organisation", "expires_on"], name="training_expiry_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.course} ({self.completed_on:%Y-%m-%d})"

    def save(self, *args: object, **kwargs: object) -> None:
        self.expires_on = self.course.expiry_for(self.completed_on)
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class CourseSession(models.Model):
    """A time and place a course is given (kurstillfälle)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="course_sessions")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("course"))
    node = models.ForeignKey(
        Node, on_delete=models.PROTECT, related_name="course_sessions", verbose_name=_("arranged by")
    )
    starts_at = models.DateTimeField(_("starts"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    teacher = models.CharField(_("teacher"), max_length=200, blank=True)
    attendance_marked_at = models.DateTimeField(_("attendance marked"), null=True, blank=True)
    revision = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["revision", "updated_at"])

    ACCESS_NODE_FIELD: ClassVar[str | None] = "node"

    class Meta:
        verbose_name = _("course session")
        verbose_name_plural = _("course sessions")
        ordering: ClassVar = ["-starts_at", "pk"]

    def __str__(self) -> str:
        return f"{self.course}, {self.starts_at:%Y-%m-%d}"


class SessionParticipant(models.Model):
    """A person signed up for a session; ``attended`` is set when attendance is marked."""

    session = models.ForeignKey(CourseSession, on_delete=models.CASCADE, related_name="participants")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="course_sessions")
    attended = models.BooleanField(_("attended"), null=True)
    history = HistoricalRecords()

    ACCESS_NODE_FIELD: ClassVar[str | None] = "session__node"

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["session", "person"], name="session_participant_once"),
        ]

    def __str__(self) -> str:
        return str(self.person)


class StaffInformation(models.Model):
    """Special information given to staff after a security event (K24), linked to the incident."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="staff_information")
    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="staff_information", verbose_name=_("incident")
    )
    node = models.ForeignKey(
        Node, on_delete=models.PROTECT, related_name="staff_information", verbose_name=_("unit informed")
    )
    given_on = models.DateField(_("given on"))
    recipients = models.CharField(
        _("to whom"), max_length=300, help_text=_("For example: all staff on the evening shift.")
    )
    content = models.TextField(_("what was said"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    history = HistoricalRecords()

    ACCESS_NODE_FIELD: ClassVar[str | None] = "node"

    class Meta:
        verbose_name = _("information to staff")
        verbose_name_plural = _("information to staff")
        ordering: ClassVar = ["-given_on", "pk"]

    def __str__(self) -> str:
        return f"{self.incident}: {self.given_on:%Y-%m-%d}"


class GapMail(models.Model):
    """A unit manager was mailed their units' training gaps in a month: the monthly mail goes once a month.

    Bookkeeping of ``training.reminders`` only (no page shows or edits it); the reminder claims the row before the
    mail enters the outbox, in one transaction, so that a second run in the same month sends nothing.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    month = models.DateField(_("month"), help_text=_("The first day of the month the mail was for."))
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)

    ACCESS_NODE_FIELD: ClassVar[str | None] = None

    class Meta:
        verbose_name = _("monthly gap mail")
        verbose_name_plural = _("monthly gap mails")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["person", "month"], name="training_gap_mail_once_a_month"),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.month:%Y-%m}"


class CoverageState(models.Model):
    """When the organisation's stored coverage figures were counted (see :class:`CoverageFigure`)."""

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="+")
    counted_on = models.DateField(_("counted for"))
    counted_at = models.DateTimeField(_("counted"))
    # A count is asked of the worker (after a large import or a change of requirements): the figures may show the
    # state before that change until it has run.
    recount_pending = models.BooleanField(_("count pending"), default=False)

    ACCESS_NODE_FIELD: ClassVar[str | None] = None

    def __str__(self) -> str:
        return f"{self.organisation}: {self.counted_on:%Y-%m-%d}"


class CoverageFigure(models.Model):
    """A node's coverage for one course (``key`` is its id) or a headline group (``total``, ``new_employees``,
    ``managers``): its own staff's counts and its subtree's.

    Counted in full by ``services.coverage.refresh_coverage`` (each night, after a change of courses or
    requirements, on request) and kept current between counts by the one record writer, which adds what its
    write changed in the same transaction. Proven equal to the live count in tests/training/test_coverage_stored.py.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    node = models.ForeignKey(Node, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=20)
    own_covered = models.PositiveIntegerField(default=0)
    own_due = models.PositiveIntegerField(default=0)
    own_gaps = models.PositiveIntegerField(default=0)
    covered = models.PositiveIntegerField(default=0)
    due = models.PositiveIntegerField(default=0)
    gaps = models.PositiveIntegerField(default=0)

    ACCESS_NODE_FIELD: ClassVar[str | None] = "node"

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["node", "key"], name="coverage_figure_once"),
        ]

    def __str__(self) -> str:
        return f"{self.node} {self.key}: {self.covered}/{self.covered + self.gaps}"
