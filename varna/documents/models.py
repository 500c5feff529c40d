"""Governing documents (styrdokument, P1, P7, G12, K1-K2) and their versions, and their links to the risk work.

A document (the security policy, the guidelines, a routine, a preparedness sub-plan …) belongs to an owner node
and has a person responsible for it (dokumentansvarig). Its text lives in versions: a version is a draft until
it is adopted (the body, the decision date, the minute paragraph and the registry number are recorded then), and
an adopted version is never changed again: a change is a new version. The document's ``current_version`` is
the adopted version in force.

``is_open`` (an adopted document that is not secret) is kept by the services on the document and on each version:
the access policy lets everyone in the organisation read open rows (``ACCESS_OPEN_FIELD``), and only those who
keep documents for the node the rest (drafts; secret ones also need ``VIEW_SECRET_DOCUMENTS``).
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from varna.core.models import Node, Organisation


class DocumentKind(models.TextChoices):
    SECURITY_POLICY = "security_policy", _("Security policy")
    GUIDELINES = "guidelines", _("Guidelines for the security work")
    INSURANCE_STRATEGY = "insurance_strategy", _("Insurance strategy")
    THREAT_AND_VIOLENCE = "threat_and_violence", _("Routine for threats and violence")
    INFORMATION_SECURITY_POLICY = "information_security_policy", _("Information security policy")
    FIRE_PROTECTION_POLICY = "fire_protection_policy", _("Fire protection policy")
    CRISIS_MANAGEMENT_PLAN = "crisis_management_plan", _("Crisis management plan")
    UNIT_INSTRUCTION = "unit_instruction", _("Instruction for a unit")
    PREPAREDNESS_SUBPLAN = "preparedness_subplan", _("Sub-plan for heightened readiness")
    SECURITY_PROTECTION_ANALYSIS = "security_protection_analysis", _("Security protection analysis")
    OTHER = "other", _("Other governing document")


class Operation(models.TextChoices):
    """The operations that each keep a sub-plan of the preparedness plan (K: höjd beredskap)."""

    SOCIAL_SERVICES = "social_services", _("Social services")
    SCHOOL = "school", _("School")
    CHILDCARE = "childcare", _("Childcare")
    ELDERLY_CARE = "elderly_care", _("Elderly care")
    WATER_AND_SEWAGE = "water_and_sewage", _("Water and sewage")


class GoverningDocument(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    node = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="+", verbose_name=_("owner unit"))
    kind = models.CharField(_("kind"), max_length=40, choices=DocumentKind.choices)
    operation = models.CharField(_("operation"), max_length=30, choices=Operation.choices, blank=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    adopting_body = models.CharField(_("adopting body"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("document owner")
    )
    secret = models.BooleanField(_("secret"), default=False)
    next_revision_on = models.DateField(_("next revision"), null=True, blank=True)
    current_version = models.ForeignKey(
        "DocumentVersion", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    is_open = models.BooleanField(default=False)  # adopted and not secret: kept by the services
    reminded_for = models.DateField(null=True, blank=True)  # the revision date last reminded about
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    revision = models.PositiveIntegerField(default=1)
    history = HistoricalRecords(excluded_fields=["revision", "reminded_for", "is_open"])

    ACCESS_NODE_FIELD: ClassVar[str | None] = "node"
    ACCESS_SENSITIVE_FIELD: ClassVar[str] = "secret"
    ACCESS_OPEN_FIELD: ClassVar[str] = "is_open"

    class Meta:
        verbose_name = _("governing document")
        verbose_name_plural = _("governing documents")
        ordering: ClassVar = ["title", "pk"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(is_open=False) | Q(secret=False, current_version__isnull=False), name="document_open_rule"
            ),
            models.CheckConstraint(
                condition=Q(kind="preparedness_subplan") | Q(operation=""), name="document_operation_subplan_only"
            ),
        ]
        indexes: ClassVar = [
            models.Index(fields=["organisation", "is_open"], name="document_org_open"),
            models.Index(fields=["organisation", "next_revision_on"], name="document_org_revision"),
        ]

    def __str__(self) -> str:
        return self.title


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ADOPTED = "adopted", _("Adopted")


class DocumentVersion(models.Model):
    """One version of a document with its file and what changed; never changed once adopted."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    document = models.ForeignKey(GoverningDocument, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=10, choices=VersionStatus.choices, default=VersionStatus.DRAFT)
    changes = models.TextField(_("what has changed"), blank=True)
    file = models.FileField(upload_to="documents/governing/%Y/", max_length=200, blank=True)
    original_name = models.CharField(_("file name"), max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    # The decision, recorded when the version is adopted.
    adopted_by_body = models.CharField(_("adopted by"), max_length=200, blank=True)
    decided_on = models.DateField(_("date of the decision"), null=True, blank=True)
    minute_paragraph = models.CharField(_("minute paragraph (§)"), max_length=40, blank=True)
    registry_number = models.CharField(_("registry number"), max_length=60, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    adopted_at = models.DateTimeField(null=True, blank=True)
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    is_open = models.BooleanField(default=False)  # adopted and its document not secret: kept by the services
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    revision = models.PositiveIntegerField(default=1)
    history = HistoricalRecords(excluded_fields=["revision", "is_open"])

    ACCESS_NODE_FIELD: ClassVar[str | None] = "document__node"
    ACCESS_SENSITIVE_FIELD: ClassVar[str] = "document__secret"
    ACCESS_OPEN_FIELD: ClassVar[str] = "is_open"

    class Meta:
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")
        ordering: ClassVar = ["document_id", "-number"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["document", "number"], name="document_version_number_unique"),
            models.UniqueConstraint(
                fields=["document"], condition=Q(status="draft"), name="document_version_one_draft"
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(decided_on__isnull=False, file__gt=""),
                name="document_version_adopted_has_decision",
            ),
            models.CheckConstraint(condition=Q(is_open=False) | Q(status="adopted"), name="document_version_open_rule"),
        ]

    def __str__(self) -> str:
        return f"{self.document_id} v{self.number}"

    @property
    def is_adopted(self) -> bool:
        return self.status == VersionStatus.ADOPTED


class DocumentLink(models.Model):
    """A link from a risk, a measure or an action of a plan to a document ("see the routine for threats and
    violence"). Exactly one of the three is set; deleting it, or the document, deletes the link."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    document = models.ForeignKey(GoverningDocument, on_delete=models.CASCADE, related_name="links")
    risk = models.ForeignKey("risks.Risk", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    measure = models.ForeignKey("risks.Measure", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    action = models.ForeignKey("plans.Action", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    ACCESS_NODE_FIELD: ClassVar[str | None] = "document__node"
    ACCESS_SENSITIVE_FIELD: ClassVar[str] = "document__secret"
    ACCESS_OPEN_FIELD: ClassVar[str] = "document__is_open"

    class Meta:
        ordering: ClassVar = ["pk"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=(
                    Q(risk__isnull=False, measure__isnull=True, action__isnull=True)
                    | Q(risk__isnull=True, measure__isnull=False, action__isnull=True)
                    | Q(risk__isnull=True, measure__isnull=True, action__isnull=False)
                ),
                name="document_link_one_target",
            ),
            models.UniqueConstraint(fields=["document", "risk"], name="document_link_risk_unique"),
            models.UniqueConstraint(fields=["document", "measure"], name="document_link_measure_unique"),
            models.UniqueConstraint(fields=["document", "action"], name="document_link_action_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.document_id} → {self.risk_id or self.measure_id or self.action_id}"
