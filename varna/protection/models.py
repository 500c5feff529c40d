"""Premises and facilities (lokaler och anläggningar), their protection systems and the service of them (G11).

- :class:`Facility`: a building or site, its responsible unit (``node``), the other units that use it, and its
  owner (the municipal property company or a landlord) with a contact who is not a user of Värna. The insured
  values of a facility are the insurance app's (``insurance.InsuredValue``): they are not kept here.
- :class:`ProtectionSystem`: a fire alarm, intrusion alarm, operational alarm, access control, camera
  surveillance or lock and key system at a facility, with its alarm receiving centre, supplier and service
  interval. ``last_service_on`` and ``next_service_due`` are stored, kept by the services in the same
  transaction as the visits they come from, so that the overdue list is one indexed query.
- :class:`ServiceVisit`: one service or inspection of a system and its result.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from varna.core.models import Node, Organisation


class FacilityKind(models.TextChoices):
    SCHOOL = "school", _("School")
    PRESCHOOL = "preschool", _("Preschool")
    CARE_HOME = "care_home", _("Care home")
    OFFICE = "office", _("Office")
    SPORTS = "sports", _("Sports facility")
    LIBRARY = "library", _("Library")
    DEPOT = "depot", _("Depot")
    WATERWORKS = "waterworks", _("Water or sewage works")
    CULTURE = "culture", _("Culture venue")
    HOUSING = "housing", _("Housing")
    OTHER = "other", _("Other")


class OwnerKind(models.TextChoices):
    MUNICIPAL_COMPANY = "municipal_company", _("Municipal property company")
    LANDLORD = "landlord", _("Private landlord")
    OWN = "own", _("The municipality itself")
    UNKNOWN = "", _("Not recorded")


class Facility(models.Model):
    """A building or site the municipality uses (lokal / anläggning)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="facilities")
    node = models.ForeignKey(
        Node, on_delete=models.PROTECT, related_name="facilities", verbose_name=_("responsible unit")
    )
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=FacilityKind.choices, default=FacilityKind.OTHER)
    street_address = models.CharField(_("street address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    user_nodes = models.ManyToManyField(
        Node, blank=True, related_name="used_facilities", verbose_name=_("other units using it")
    )
    owner_kind = models.CharField(_("owner"), max_length=20, choices=OwnerKind.choices, blank=True, default="")
    owner_name = models.CharField(_("owner's name"), max_length=200, blank=True)
    owner_contact = models.CharField(_("owner's contact person"), max_length=200, blank=True)
    owner_phone = models.CharField(_("contact's telephone"), max_length=40, blank=True)
    owner_email = models.EmailField(_("contact's e-mail"), max_length=254, blank=True)
    note = models.TextField(_("note"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    revision = models.PositiveIntegerField(default=1)
    history = HistoricalRecords(m2m_fields=[user_nodes], excluded_fields=["revision", "updated_at"])

    ACCESS_NODE_FIELD: ClassVar[str | None] = "node"

    class Meta:
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")
        ordering: ClassVar = ["name"]

    def __str__(self) -> str:
        return self.name


class SystemKind(models.TextChoices):
    FIRE_ALARM = "fire_alarm", _("Fire alarm")
    INTRUSION_ALARM = "intrusion_alarm", _("Intrusion alarm")
    OPERATIONAL_ALARM = "operational_alarm", _("Operational alarm")
    ACCESS_CONTROL = "access_control", _("Access control and card readers")
    CAMERA = "camera", _("Camera surveillance")
    LOCKS = "locks", _("Locks and key system")


class CameraPermit(models.TextChoices):
    """Camera surveillance of a place the public has access to needs a permit from IMY (kamerabevakningslagen)."""

    NOT_APPLICABLE = "", _("Not a camera system")
    GRANTED = "granted", _("Permit granted")
    APPLIED = "applied", _("Permit applied for")
    NOT_NEEDED = "not_needed", _("No permit needed")
    MISSING = "missing", _("Permit missing")


class ProtectionSystem(models.Model):
    """A protection system at a facility and the service it needs (G11)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="systems", verbose_name=_("facility"))
    kind = models.CharField(_("kind"), max_length=20, choices=SystemKind.choices)
    description = models.CharField(_("description"), max_length=200, blank=True)
    alarm_centre = models.CharField(_("alarm receiving centre"), max_length=200, blank=True)
    supplier = models.CharField(_("supplier"), max_length=200, blank=True)
    installed_on = models.DateField(_("installed"), null=True, blank=True)
    service_interval_months = models.PositiveSmallIntegerField(_("service interval (months)"), null=True, blank=True)
    camera_permit = models.CharField(
        _("camera surveillance permit"), max_length=20, choices=CameraPermit.choices, blank=True, default=""
    )
    camera_note = models.TextField(_("note on the permit"), blank=True)
    is_active = models.BooleanField(_("in use"), default=True)
    # Kept by the services with the visits (never written elsewhere): the overdue list reads them.
    last_service_on = models.DateField(_("last service"), null=True, blank=True)
    next_service_due = models.DateField(_("next service due"), null=True, blank=True)
    reminded_for = models.DateField(null=True, blank=True)  # the due date the last overdue reminder was about
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    revision = models.PositiveIntegerField(default=1)
    history = HistoricalRecords(excluded_fields=["revision", "updated_at", "reminded_for"])

    ACCESS_NODE_FIELD: ClassVar[str | None] = "facility__node"

    class Meta:
        verbose_name = _("protection system")
        verbose_name_plural = _("protection systems")
        ordering: ClassVar = ["kind", "pk"]
        indexes: ClassVar = [
            models.Index(
                fields=["organisation", "next_service_due"],
                condition=Q(is_active=True, next_service_due__isnull=False),
                name="protection_system_due",
            ),
        ]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(service_interval_months__isnull=True) | Q(service_interval_months__gte=1),
                name="protection_interval_positive",
            ),
        ]

    def __str__(self) -> str:
        label = str(self.get_kind_display())
        return f"{label}: {self.description}" if self.description else label


class ServiceResult(models.TextChoices):
    PASSED = "passed", _("No remarks")
    REMARKS = "remarks", _("With remarks")
    FAILED = "failed", pgettext_lazy("service result", "Failed")  # "Failed" alone is the outbox's


class ServiceVisit(models.Model):
    """One service or inspection of a protection system. A failed visit does not count as the service done."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    system = models.ForeignKey(
        ProtectionSystem, on_delete=models.PROTECT, related_name="visits", verbose_name=_("system")
    )
    done_on = models.DateField(_("date"))
    result = models.CharField(_("result"), max_length=10, choices=ServiceResult.choices)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    ACCESS_NODE_FIELD: ClassVar[str | None] = "system__facility__node"

    class Meta:
        verbose_name = _("service visit")
        verbose_name_plural = _("service visits")
        ordering: ClassVar = ["-done_on", "-pk"]
        indexes: ClassVar = [models.Index(fields=["system", "-done_on"], name="protection_visit_system_date")]

    def __str__(self) -> str:
        return f"{self.system}, {self.done_on:%Y-%m-%d}"


# --- false alarms (K12) and theft-prone property (K13) --------------------------------------------------------------


class FalseAlarmCause(models.Model):
    """A cause of false alarms on the organisation's list (set up with Swedish defaults; the coordinator keeps it)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=100)
    order = models.PositiveSmallIntegerField(_("order"), default=100)
    is_active = models.BooleanField(_("in use"), default=True)
    history = HistoricalRecords()

    ACCESS_NODE_FIELD: ClassVar[str | None] = None

    class Meta:
        verbose_name = _("cause of false alarms")
        verbose_name_plural = _("causes of false alarms")
        ordering: ClassVar = ["order", "name"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["organisation", "name"], name="protection_cause_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name


class FalseAlarmSettings(models.Model):
    """When false alarms on one system count as repeated: ``repeat_threshold`` within ``repeat_days`` days."""

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="false_alarm_settings")
    repeat_threshold = models.PositiveSmallIntegerField(_("false alarms that count as repeated"), default=3)
    repeat_days = models.PositiveSmallIntegerField(_("within (days)"), default=90)
    history = HistoricalRecords()

    ACCESS_NODE_FIELD: ClassVar[str | None] = None

    class Meta:
        verbose_name = _("false alarm settings")
        verbose_name_plural = _("false alarm settings")
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(repeat_threshold__gte=2) & Q(repeat_days__gte=1), name="protection_repeat_sensible"
            ),
        ]

    def __str__(self) -> str:
        return str(self.organisation)


class FalseAlarm(models.Model):
    """A false alarm (obefogat larm) of a protection system: when, why, whether there was a callout, its cost."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    system = models.ForeignKey(
        ProtectionSystem, on_delete=models.PROTECT, related_name="false_alarms", verbose_name=_("system")
    )
    occurred_at = models.DateTimeField(_("date and time"))
    cause = models.ForeignKey(FalseAlarmCause, on_delete=models.PROTECT, related_name="+", verbose_name=_("cause"))
    callout = models.BooleanField(_("callout"), default=False)
    cost = models.DecimalField(_("cost"), max_digits=12, decimal_places=2, default=0)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    revision = models.PositiveIntegerField(default=1)
    history = HistoricalRecords(excluded_fields=["revision", "updated_at"])

    ACCESS_NODE_FIELD: ClassVar[str | None] = "system__facility__node"
    MONEY_FIELDS: ClassVar[tuple[str, ...]] = ("cost",)

    class Meta:
        verbose_name = _("false alarm")
        verbose_name_plural = _("false alarms")
        ordering: ClassVar = ["-occurred_at", "-pk"]
        indexes: ClassVar = [
            models.Index(fields=["system", "-occurred_at"], name="protection_alarm_system_time"),
            models.Index(fields=["organisation", "-occurred_at"], name="protection_alarm_org_time"),
        ]
        constraints: ClassVar = [
            models.CheckConstraint(condition=Q(cost__gte=0), name="protection_alarm_cost_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.system}, {self.occurred_at:%Y-%m-%d %H:%M}"


class RepeatedAlarmFlag(models.Model):
    """A system with repeated false alarms, flagged for follow-up (K12). Written by the false-alarm services in the
    transaction of the alarm that reached the threshold; the follow-up (what was done) closes it."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    system = models.ForeignKey(
        ProtectionSystem, on_delete=models.PROTECT, related_name="alarm_flags", verbose_name=_("system")
    )
    opened_at = models.DateTimeField(_("flagged"))
    alarm_count = models.PositiveIntegerField(_("false alarms"))
    first_alarm_at = models.DateTimeField(_("first false alarm"))
    last_alarm_at = models.DateTimeField(_("latest false alarm"))
    closed_at = models.DateTimeField(_("followed up"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    follow_up = models.TextField(_("follow-up"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    revision = models.PositiveIntegerField(default=1)
    history = HistoricalRecords(excluded_fields=["revision", "updated_at"])

    ACCESS_NODE_FIELD: ClassVar[str | None] = "system__facility__node"

    class Meta:
        verbose_name = _("repeated false alarms")
        verbose_name_plural = _("repeated false alarms")
        ordering: ClassVar = ["-opened_at", "-pk"]
        indexes: ClassVar = [
            models.Index(
                fields=["organisation", "opened_at"], condition=Q(closed_at__isnull=True), name="protection_flag_open"
            ),
        ]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["system"], condition=Q(closed_at__isnull=True), name="protection_flag_one_open"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.system}: {self.alarm_count}"


class AssetKind(models.TextChoices):
    COMPUTER = "computer", _("Computer")
    TABLET = "tablet", _("Tablet or phone")
    PROJECTOR = "projector", _("Projector")
    SCREEN = "screen", _("Screen or TV")
    CAMERA = "camera", _("Camera")
    AUDIO = "audio", _("Audio equipment")
    INSTRUMENT = "instrument", _("Musical instrument")
    TOOL = "tool", _("Tool or machine")
    OTHER = "other", _("Other")


class Marking(models.TextChoices):
    MARKED = "marked", _("Marked")
    UNMARKED = "unmarked", _("Unmarked")


class TheftProneAsset(models.Model):
    """A piece of theft-prone property (stöldbegärlig egendom) at a facility, and whether it is marked (K13)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="assets", verbose_name=_("facility"))
    kind = models.CharField(_("kind"), max_length=20, choices=AssetKind.choices)
    make = models.CharField(_("make and model"), max_length=200, blank=True)
    serial_number = models.CharField(_("serial number"), max_length=100, blank=True)
    marking = models.CharField(_("marking"), max_length=10, choices=Marking.choices, default=Marking.UNMARKED)
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=2, default=0)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    revision = models.PositiveIntegerField(default=1)
    history = HistoricalRecords(excluded_fields=["revision", "updated_at"])

    ACCESS_NODE_FIELD: ClassVar[str | None] = "facility__node"
    MONEY_FIELDS: ClassVar[tuple[str, ...]] = ("value",)

    class Meta:
        verbose_name = _("theft-prone property")
        verbose_name_plural = _("theft-prone property")
        ordering: ClassVar = ["kind", "make", "pk"]
        indexes: ClassVar = [models.Index(fields=["facility", "marking"], name="protection_asset_marking")]
        constraints: ClassVar = [
            models.CheckConstraint(condition=Q(value__gte=0), name="protection_asset_value_not_negative"),
        ]

    def __str__(self) -> str:
        label = str(self.get_kind_display())
        return f"{label}: {self.make}" if self.make else label


# --- evacuation checks and self-inspection rounds (K14, systematic fire-safety work under LSO) -------------------


class EvacuationCheck(models.Model):
    """A unit's yearly check of its evacuation plans and its staff's knowledge of what to do on an alarm (K14)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    node = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="evacuation_checks", verbose_name=_("unit"))
    checked_on = models.DateField(_("date"))
    plan_checked = models.BooleanField(_("evacuation plan checked"), default=False)
    drill_held = models.BooleanField(_("evacuation drill held"), default=False)
    staff_knowledge_checked = models.BooleanField(_("staff knowledge checked"), default=False)
    findings = models.TextField(_("findings"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    ACCESS_NODE_FIELD: ClassVar[str | None] = "node"

    class Meta:
        verbose_name = _("evacuation check")
        verbose_name_plural = _("evacuation checks")
        ordering: ClassVar = ["-checked_on", "-pk"]
        indexes: ClassVar = [models.Index(fields=["organisation", "node", "-checked_on"], name="protection_evac_node")]

    def __str__(self) -> str:
        return f"{self.node_id} {self.checked_on:%Y-%m-%d}"


class EvacuationReminder(models.Model):
    """That a unit without this year's check has been reminded for ``year`` (once per unit and year)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    node = models.ForeignKey(Node, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)

    ACCESS_NODE_FIELD: ClassVar[str | None] = "node"

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["node", "year"], name="protection_evac_reminder_once"),
        ]

    def __str__(self) -> str:
        return f"{self.node_id} {self.year}"


class ChecklistItem(models.Model):
    """One point of the self-inspection checklist for a kind of facility (configured per organisation)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    facility_kind = models.CharField(_("kind of facility"), max_length=20, choices=FacilityKind.choices)
    text = models.CharField(_("checkpoint"), max_length=300)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)
    history = HistoricalRecords()

    ACCESS_NODE_FIELD: ClassVar[str | None] = None  # the organisation's configuration

    class Meta:
        verbose_name = _("checkpoint")
        verbose_name_plural = _("checkpoints")
        ordering: ClassVar = ["facility_kind", "position", "pk"]
        indexes: ClassVar = [models.Index(fields=["organisation", "facility_kind"], name="protection_checklist_kind")]

    def __str__(self) -> str:
        return self.text


class InspectionRound(models.Model):
    """A self-inspection round (egenkontroll) at a facility: its checkpoints are answered one by one."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="rounds", verbose_name=_("facility"))
    done_on = models.DateField(_("date"))
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    ACCESS_NODE_FIELD: ClassVar[str | None] = "facility__node"

    class Meta:
        verbose_name = _("self-inspection round")
        verbose_name_plural = _("self-inspection rounds")
        ordering: ClassVar = ["-done_on", "-pk"]
        indexes: ClassVar = [models.Index(fields=["facility", "-done_on"], name="protection_round_facility")]

    def __str__(self) -> str:
        return f"{self.facility_id} {self.done_on:%Y-%m-%d}"


class ItemResult(models.TextChoices):
    OK = "ok", _("OK")
    DEVIATION = "deviation", _("Deviation")
    NOT_APPLICABLE = "na", _("Does not apply")


class RoundItem(models.Model):
    """One checkpoint of a round: its answer, a note and an optional photo; a deviation may become an action in the
    unit's action plan (``action_id``: the plans app's action, kept as an id since protection imports only core)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    round = models.ForeignKey(InspectionRound, on_delete=models.CASCADE, related_name="items")
    checkpoint = models.ForeignKey(ChecklistItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    text = models.CharField(_("checkpoint"), max_length=300)  # as it read when the round was started
    position = models.PositiveSmallIntegerField(default=0)
    result = models.CharField(_("result"), max_length=10, choices=ItemResult.choices, blank=True, default="")
    note = models.TextField(_("note"), blank=True)
    photo = models.FileField(upload_to="protection/%Y/%m/", blank=True)
    photo_type = models.CharField(max_length=60, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action_id = models.PositiveIntegerField(_("action in the action plan"), null=True, blank=True)
    history = HistoricalRecords()

    ACCESS_NODE_FIELD: ClassVar[str | None] = "round__facility__node"

    class Meta:
        verbose_name = _("round checkpoint")
        verbose_name_plural = _("round checkpoints")
        ordering: ClassVar = ["position", "pk"]

    def __str__(self) -> str:
        return self.text


# --- exposure (riskexponering) and the protection it calls for (G11) ----------------------------------------------


class ExposureLevel(models.TextChoices):
    """How exposed a facility is to damage: those with high exposure have technical protection (G11)."""

    LOW = "low", pgettext_lazy("exposure", "Low")
    MEDIUM = "medium", pgettext_lazy("exposure", "Medium")
    HIGH = "high", pgettext_lazy("exposure", "High")


class FacilityExposure(models.Model):
    """A facility's exposure: the level derived from its kind and its damage history (``derived_level`` and the
    figures it came from in ``basis``, written only by ``services/exposure.py`` ``refresh_exposure``), the
    coordinator's override with its reason, and the level in force (``level``: the override when there is one).
    The history of the override is this row's history."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    facility = models.OneToOneField(Facility, on_delete=models.CASCADE, related_name="exposure")
    derived_level = models.CharField(_("derived exposure"), max_length=10, choices=ExposureLevel.choices)
    # What the derivation read: {"kind", "since", "count", "cost", "types": [[name, count], ...]}
    basis = models.JSONField(default=dict, blank=True)
    derived_at = models.DateTimeField(_("derived"))
    override_level = models.CharField(
        _("exposure set by hand"), max_length=10, choices=ExposureLevel.choices, blank=True, default=""
    )
    override_reason = models.TextField(_("reason"), blank=True)
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    override_at = models.DateTimeField(_("set by hand"), null=True, blank=True)
    level = models.CharField(_("exposure"), max_length=10, choices=ExposureLevel.choices)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    revision = models.PositiveIntegerField(default=1)
    history = HistoricalRecords(excluded_fields=["revision", "updated_at"])

    ACCESS_NODE_FIELD: ClassVar[str | None] = "facility__node"

    class Meta:
        verbose_name = _("exposure")
        verbose_name_plural = _("exposure")
        indexes: ClassVar = [models.Index(fields=["organisation", "level"], name="protection_exposure_level")]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(override_level="") | ~Q(override_reason=""), name="protection_override_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.facility_id}: {self.level}"


class RequiredProtection(models.Model):
    """That a kind of facility with high exposure must have an active system of ``system_kind`` (configured per
    organisation; the set-up hook adds the defaults once, and a requirement taken away stays away:
    ``is_required`` false)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    facility_kind = models.CharField(_("kind of facility"), max_length=20, choices=FacilityKind.choices)
    system_kind = models.CharField(_("kind of system"), max_length=20, choices=SystemKind.choices)
    is_required = models.BooleanField(_("required"), default=True)
    history = HistoricalRecords()

    ACCESS_NODE_FIELD: ClassVar[str | None] = None  # the organisation's configuration

    class Meta:
        verbose_name = _("required protection")
        verbose_name_plural = _("required protection")
        ordering: ClassVar = ["facility_kind", "system_kind"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["organisation", "facility_kind", "system_kind"], name="protection_required_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.facility_kind}: {self.system_kind}"
