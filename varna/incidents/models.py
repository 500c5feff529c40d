"""Incidents and damage (händelser och skador): reports, handling, costs, attachments."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from varna.core import formats
from varna.core.models import Dimension, Node, Organisation, SecurityArea
from varna.protection.models import Facility


class IncidentCategory(models.TextChoices):
    """What an incident type means for the rules; the type's name is the organisation's own."""

    ORDINARY = "ordinary", _("Ordinary")
    THREAT_VIOLENCE = "threat_violence", _("Threat or violence (confidential)")
    NEAR_MISS = "near_miss", _("Near miss")
    FALSE_ALARM = "false_alarm", _("False alarm")


class IncidentType(models.Model):
    """A configurable event type (händelsetyp, K7)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="incident_types")
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=120)
    category = models.CharField(
        _("category"), max_length=20, choices=IncidentCategory.choices, default=IncidentCategory.ORDINARY
    )
    security_area = models.ForeignKey(
        SecurityArea, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("security area")
    )
    ordering = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("in use"), default=True)
    history = HistoricalRecords()

    ACCESS_NODE_FIELD: ClassVar[str | None] = None

    class Meta:
        verbose_name = _("incident type")
        verbose_name_plural = _("incident types")
        ordering: ClassVar = ["ordering", "name"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["organisation", "code"], name="incident_type_code_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_confidential(self) -> bool:
        return self.category == IncidentCategory.THREAT_VIOLENCE


class Severity(models.IntegerChoices):
    NONE = 0, _("None")
    MINOR = 1, _("Minor")
    SERIOUS = 2, _("Serious")
    VERY_SERIOUS = 3, _("Very serious")


class Status(models.TextChoices):
    REPORTED = "reported", _("Reported")
    INVESTIGATING = "investigating", _("Under investigation")
    MEASURES_DECIDED = "measures_decided", _("Measures decided")
    CLOSED = "closed", _("Closed")
    REJECTED = "rejected", _("Rejected")
    DUPLICATE = "duplicate", _("Duplicate")


OPEN_STATUSES = (Status.REPORTED, Status.INVESTIGATING, Status.MEASURES_DECIDED)
FINAL_STATUSES = (Status.CLOSED, Status.REJECTED, Status.DUPLICATE)

# The workflow: which status may follow which.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    Status.REPORTED: (Status.INVESTIGATING, Status.MEASURES_DECIDED, Status.CLOSED, Status.REJECTED, Status.DUPLICATE),
    Status.INVESTIGATING: (Status.MEASURES_DECIDED, Status.CLOSED, Status.REJECTED, Status.DUPLICATE),
    Status.MEASURES_DECIDED: (Status.INVESTIGATING, Status.CLOSED),
    Status.CLOSED: (Status.INVESTIGATING,),
    Status.REJECTED: (Status.REPORTED,),
    Status.DUPLICATE: (Status.REPORTED,),
}

DIMENSION_FIELDS = ("people", "operations", "property", "economy", "environment")


class Incident(models.Model):
    """A reported incident or damage (händelse / skada)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="incidents")
    number = models.CharField(_("case number"), max_length=20)
    incident_type = models.ForeignKey(
        IncidentType, on_delete=models.PROTECT, related_name="incidents", verbose_name=_("type of event")
    )
    security_area = models.ForeignKey(
        SecurityArea, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("security area")
    )
    occurred_at = models.DateTimeField(_("when it happened"))
    occurred_on = models.DateField(_("date"), db_index=True)  # occurred_at's local date, for statistics
    reported_at = models.DateTimeField(_("reported"))
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="reported_incidents",
        verbose_name=_("reporter"),
    )
    employment_node = models.ForeignKey(
        Node, on_delete=models.PROTECT, related_name="+", verbose_name=_("reporter's unit")
    )
    incident_node = models.ForeignKey(
        Node, on_delete=models.PROTECT, related_name="incidents", verbose_name=_("unit where it happened")
    )
    facility = models.ForeignKey(
        Facility, on_delete=models.PROTECT, null=True, blank=True, related_name="incidents", verbose_name=_("facility")
    )
    address = models.CharField(_("address or place"), max_length=200, blank=True)
    description = models.TextField(_("what happened"))
    immediate_action = models.TextField(_("what was done at once"), blank=True)

    people_severity = models.PositiveSmallIntegerField(
        Dimension.PEOPLE.label, choices=Severity.choices, default=Severity.NONE
    )
    people_text = models.CharField(_("people: details"), max_length=500, blank=True)
    operations_severity = models.PositiveSmallIntegerField(
        Dimension.OPERATIONS.label, choices=Severity.choices, default=Severity.NONE
    )
    operations_text = models.CharField(_("operations: details"), max_length=500, blank=True)
    property_severity = models.PositiveSmallIntegerField(
        Dimension.PROPERTY.label, choices=Severity.choices, default=Severity.NONE
    )
    property_text = models.CharField(_("property: details"), max_length=500, blank=True)
    economy_severity = models.PositiveSmallIntegerField(
        Dimension.ECONOMY.label, choices=Severity.choices, default=Severity.NONE
    )
    economy_text = models.CharField(_("economy: details"), max_length=500, blank=True)
    environment_severity = models.PositiveSmallIntegerField(
        Dimension.ENVIRONMENT.label, choices=Severity.choices, default=Severity.NONE
    )
    environment_text = models.CharField(_("environment: details"), max_length=500, blank=True)

    injured_count = models.PositiveIntegerField(_("number of people injured"), default=0)
    estimated_cost = models.DecimalField(
        _("estimated cost (SEK)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    total_cost = models.DecimalField(
        _("total cost (SEK)"), max_digits=14, decimal_places=2, default=Decimal(0)
    )  # the sum of the cost lines, kept by the services for statistics

    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.REPORTED)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="handled_incidents",
        verbose_name=_("case handler"),
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    duplicate_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("duplicate of")
    )

    # Investigation
    causes = models.TextField(_("causes"), blank=True)
    contributing_factors = models.TextField(_("contributing factors"), blank=True)
    decided_measures = models.TextField(_("decided measures"), blank=True)
    follow_up_on = models.DateField(_("follow-up date"), null=True, blank=True)
    insurance_claim_reference = models.CharField(_("insurance claim reference"), max_length=60, blank=True)
    # People harmed, threats and violence: why no causes or measures are recorded, if so (AFS 2023:1)
    no_investigation_reason = models.TextField(_("why no causes or measures are recorded"), blank=True)

    # Threats and violence (G8, K11)
    is_confidential = models.BooleanField(_("confidential"), default=False)
    victim = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person affected"),
    )
    police_report_number = models.CharField(_("police report number"), max_length=40, blank=True)
    police_not_contacted_reason = models.TextField(_("why the police were not contacted"), blank=True)
    support_offered = models.BooleanField(_("support was offered"), default=False)
    crisis_group_alerted = models.BooleanField(_("the crisis support group was alerted"), default=False)

    # Serious events: Arbetsmiljöverket must be told the same day
    is_serious = models.BooleanField(_("serious event"), default=False)
    authority_notified_at = models.DateTimeField(_("Arbetsmiljöverket notified"), null=True, blank=True)

    idempotency_key = models.CharField(max_length=80, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    revision = models.PositiveIntegerField(default=1)  # raised by every change; a stale form is refused
    history = HistoricalRecords(excluded_fields=["idempotency_key", "revision", "updated_at"])

    ACCESS_NODE_FIELD: ClassVar[str | None] = "incident_node"
    ACCESS_OWNER_FIELD: ClassVar[str | None] = "reporter"
    ACCESS_HANDLER_FIELD: ClassVar[str | None] = "handler"
    ACCESS_SENSITIVE_FIELD: ClassVar[str | None] = "is_confidential"

    class Meta:
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        ordering: ClassVar = ["-occurred_at", "-pk"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["organisation", "number"], name="incident_number_unique"),
            models.UniqueConstraint(
                fields=["reporter", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="incident_idempotency_key_unique",
            ),
        ]
        indexes: ClassVar = [
            models.Index(fields=["organisation", "occurred_on"], name="incident_org_date"),
            models.Index(fields=["organisation", "status", "occurred_on"], name="incident_org_status_date"),
            models.Index(fields=["incident_node", "occurred_on"], name="incident_node_date"),
            # Partial indexes for the list's counts (selectors_handling.list_counts): only the few rows they count.
            models.Index(fields=["organisation"], condition=Q(is_confidential=True), name="incident_org_confidential"),
            models.Index(
                fields=["organisation"],
                condition=Q(is_serious=True, authority_notified_at__isnull=True),
                name="incident_org_not_notified",
            ),
            models.Index(
                fields=["organisation", "follow_up_on"],
                condition=Q(follow_up_on__isnull=False),
                name="incident_org_follow_up",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.incident_type}"


class TimelineKind(models.TextChoices):
    REPORTED = "reported", _("Reported")
    STATUS = "status", _("Status changed")
    HANDLER = "handler", _("Case handler assigned")
    NOTE = "note", _("Note")
    NOTIFIED = "notified", _("Notified")
    AUTHORITY = "authority", _("Arbetsmiljöverket notified")
    COST = "cost", _("Costs changed")
    ATTACHMENT = "attachment", _("Attachment added")


# The notes of ``TimelineKind.NOTIFIED`` entries the reminders write; the timeline shows them as sentences.
SERIOUS_EVENT = "reminder:serious-event"
AUTHORITY_REMINDER = "reminder:authority"
FOLLOW_UP_REMINDER = "reminder:follow-up"
REMINDER_NOTES = (SERIOUS_EVENT, AUTHORITY_REMINDER, FOLLOW_UP_REMINDER)


class TimelineEntry(models.Model):
    """One event in a case's timeline: who did what, when."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="timeline")
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    kind = models.CharField(max_length=20, choices=TimelineKind.choices)
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    note = models.TextField(blank=True)

    ACCESS_NODE_FIELD: ClassVar[str | None] = "incident__incident_node"

    class Meta:
        ordering: ClassVar = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.incident_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"


class AccountingSegment(models.Model):
    """One segment of the accounting code string (kodsträng), e.g. ansvar, verksamhet, konto, projekt."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="accounting_segments")
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=80)
    position = models.PositiveSmallIntegerField(_("position"))
    required = models.BooleanField(_("required"), default=True)

    ACCESS_NODE_FIELD: ClassVar[str | None] = None

    class Meta:
        verbose_name = _("accounting code segment")
        verbose_name_plural = _("accounting code segments")
        ordering: ClassVar = ["position"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["organisation", "code"], name="accounting_segment_code_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class AccountingValue(models.Model):
    """A valid value of one segment."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    segment = models.ForeignKey(AccountingSegment, on_delete=models.CASCADE, related_name="values")
    value = models.CharField(_("value"), max_length=20)
    name = models.CharField(_("name"), max_length=120, blank=True)

    ACCESS_NODE_FIELD: ClassVar[str | None] = None

    class Meta:
        ordering: ClassVar = ["segment", "value"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["segment", "value"], name="accounting_value_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.value} {self.name}".strip()


class CostLine(models.Model):
    """A cost of an incident with its accounting code string (AccountingCode)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="cost_lines")
    amount = models.DecimalField(
        _("amount (SEK)"), max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )
    accounting_code = models.CharField(_("accounting code string"), max_length=200)
    description = models.CharField(_("description"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    ACCESS_NODE_FIELD: ClassVar[str | None] = "incident__incident_node"

    class Meta:
        verbose_name = _("cost line")
        verbose_name_plural = _("cost lines")
        ordering: ClassVar = ["pk"]

    def __str__(self) -> str:
        return f"{formats.money(self.amount, 2)} {self.accounting_code}"


class Attachment(models.Model):
    """A photo or PDF attached to a report, stored outside the web root."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="incidents/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(get_user=lambda instance, **kwargs: instance.uploaded_by)  # who added the file

    ACCESS_NODE_FIELD: ClassVar[str | None] = "incident__incident_node"

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering: ClassVar = ["pk"]

    def __str__(self) -> str:
        return self.original_name


class ConfidentialRead(models.Model):
    """Every read of a confidential report is logged here and shown to the coordinator."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="confidential_reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    what = models.CharField(max_length=40)  # the page or API operation

    ACCESS_NODE_FIELD: ClassVar[str | None] = "incident__incident_node"

    class Meta:
        ordering: ClassVar = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.incident_id} at {self.at:%Y-%m-%d %H:%M}"


class SummaryFigures(models.Model):
    """What every row of the damage statistics' summaries holds (``services/summary.py`` keeps them)."""

    count = models.IntegerField(default=0)
    injured = models.IntegerField(default=0)  # the people harmed: the sum of ``injured_count``
    serious = models.IntegerField(default=0)  # serious events (Arbetsmiljöverket)
    cost = models.DecimalField(max_digits=16, decimal_places=2, default=Decimal(0))  # cost lines, else estimate
    estimated_cost = models.DecimalField(max_digits=16, decimal_places=2, default=Decimal(0))  # the estimated part

    class Meta:
        abstract = True


class IncidentDaySummary(SummaryFigures):
    """The damage statistics' figures per day, kept by the services (``services/summary.py``).

    One row per organisation, day (``occurred_on``), node where it happened, type, security area and
    facility: how many counted incidents (not rejected, not duplicates) and what they cost. It holds only
    numbers, never text or names, so threats and violence count like the rest. The same services that write
    incidents and cost lines move it, in the same transaction; ``rebuild_incident_summary`` counts it afresh.
    A row whose count falls to zero is deleted.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    node = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="+")
    incident_type = models.ForeignKey(IncidentType, on_delete=models.PROTECT, related_name="+")
    security_area = models.ForeignKey(SecurityArea, on_delete=models.PROTECT, null=True, related_name="+")
    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, null=True, related_name="+")

    ACCESS_NODE_FIELD: ClassVar[str | None] = "node"

    class Meta:
        constraints: ClassVar = [
            # A missing area or facility is one key, not a new NULL each time: the key as an expression.
            models.UniqueConstraint(
                "organisation",
                "day",
                "node",
                "incident_type",
                Coalesce("security_area", Value(0)),
                Coalesce("facility", Value(0)),
                name="incident_day_summary_key",
            ),
        ]
        indexes: ClassVar = [
            models.Index(fields=["organisation", "day"], name="incident_summary_org_day"),
            models.Index(fields=["node", "day"], name="incident_summary_node_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.node_id} {self.incident_type_id}: {self.count}"


class IncidentMonthSummary(SummaryFigures):
    """The damage statistics' figures per month, type and security area: the daily summary rolled up.

    One row per organisation, year, month, incident type and security area, with the same figures as
    :class:`IncidentDaySummary`. It has no node or facility, so it answers for a whole organisation only (the
    page and the API of a person who sees all of it, with no node or facility chosen), and nothing in it
    depends on the tree: moving nodes never makes it stale. Kept by the same ``apply`` in the same
    transaction as the daily rows (``services/summary.py``); about a thousand rows for five years.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    year = models.SmallIntegerField()
    month = models.SmallIntegerField()
    incident_type = models.ForeignKey(IncidentType, on_delete=models.PROTECT, related_name="+")
    security_area = models.ForeignKey(SecurityArea, on_delete=models.PROTECT, null=True, related_name="+")

    # No node: readable only with a role at the organisation's root (``access.scope``'s organisation-level rule).
    ACCESS_NODE_FIELD: ClassVar[str | None] = None

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                "organisation",
                "year",
                "month",
                "incident_type",
                Coalesce("security_area", Value(0)),
                name="incident_month_summary_key",  # its leading columns serve (organisation, year, month)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02} {self.incident_type_id}: {self.count}"


class IncidentYearNodeSummary(SummaryFigures):
    """The damage statistics' figures per year and node where it happened: the breakdown by node.

    One row per organisation, year and node, whatever the type, area or facility. It serves the page's
    breakdown by node (and a drill-down's) over whole years with no type, area or category left out; the
    roll-up along the tree is done when read (the node's path), so moving nodes never makes it stale.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    year = models.SmallIntegerField()
    node = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="+")

    ACCESS_NODE_FIELD: ClassVar[str | None] = "node"

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["organisation", "year", "node"], name="incident_year_node_summary_key"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.node_id}: {self.count}"


class IncidentYearFacilitySummary(SummaryFigures):
    """The damage statistics' figures per year and facility: the places with most incidents.

    One row per organisation, year and facility (no facility: one row too). It has no node, so like the month
    summary it answers for a whole organisation only, over whole years with no type, area or category left out.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    year = models.SmallIntegerField()
    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, null=True, related_name="+")

    ACCESS_NODE_FIELD: ClassVar[str | None] = None

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                "organisation", "year", Coalesce("facility", Value(0)), name="incident_year_facility_summary_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.facility_id}: {self.count}"
