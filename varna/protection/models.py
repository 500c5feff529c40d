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
