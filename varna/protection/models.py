"""Premises and facilities. Alarm systems and service arrive with the protection issue."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _
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
    history = HistoricalRecords()

    ACCESS_NODE_FIELD: ClassVar[str | None] = "node"

    class Meta:
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")
        ordering: ClassVar = ["name"]

    def __str__(self) -> str:
        return self.name
