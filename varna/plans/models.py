"""Action plans (handlingsplaner, P7, G6) and the security group's yearly review of them (G14)."""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from varna.core.models import Node, Organisation


class ActionPlan(models.Model):
    """A node's action plan for one year: usually a nämnd's or a förvaltning's, possibly a unit's."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="action_plans")
    node = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="action_plans", verbose_name=_("unit"))
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    # The adoption record: which body adopted the plan, when, under which paragraph and registry number.
    adopted_by_body = models.CharField(_("adopted by"), max_length=200, blank=True)
    adopted_on = models.DateField(_("date of the decision"), null=True, blank=True)
    minute_paragraph = models.CharField(_("minute paragraph (§)"), max_length=40, blank=True)
    registry_number = models.CharField(_("registry number"), max_length=60, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    revision = models.PositiveIntegerField(default=1)
    history = HistoricalRecords(excluded_fields=["revision"])

    ACCESS_NODE_FIELD: ClassVar[str | None] = "node"

    class Meta:
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")
        ordering: ClassVar = ["-year", "node__path"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["organisation", "node", "year"], name="action_plan_node_year_unique"),
        ]
        indexes: ClassVar = [models.Index(fields=["organisation", "year"], name="plan_org_year")]

    def __str__(self) -> str:
        return f"{self.title} {self.year}"

    @property
    def is_adopted(self) -> bool:
        return self.adopted_on is not None


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_ACTION_STATUSES = (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS)

ACTION_TRANSITIONS: dict[str, tuple[str, ...]] = {
    ActionStatus.PLANNED: (ActionStatus.IN_PROGRESS, ActionStatus.DONE, ActionStatus.CANCELLED),
    ActionStatus.IN_PROGRESS: (ActionStatus.PLANNED, ActionStatus.DONE, ActionStatus.CANCELLED),
    ActionStatus.DONE: (ActionStatus.IN_PROGRESS,),
    ActionStatus.CANCELLED: (ActionStatus.PLANNED,),
}


class Action(models.Model):
    """One action (aktivitet) of a plan: what, how, when, who and with which resources (G6)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="actions")
    node = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="+")  # the plan's node
    what = models.CharField(_("what"), max_length=300)
    how = models.TextField(_("how"))
    due = models.DateField(_("when (due date)"))
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="actions", verbose_name=_("who (responsible)")
    )
    budget = models.DecimalField(
        _("budget (SEK)"), max_digits=12, decimal_places=0, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    hours = models.DecimalField(
        _("hours"), max_digits=8, decimal_places=1, null=True, blank=True, validators=[MinValueValidator(Decimal(0))]
    )
    resources_note = models.CharField(_("other resources"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.PLANNED)
    status_reason = models.CharField(_("reason"), max_length=300, blank=True)  # required when cancelled
    completed_on = models.DateField(_("completed"), null=True, blank=True)
    measures = models.ManyToManyField("risks.Measure", blank=True, related_name="actions", verbose_name=_("measures"))
    risks = models.ManyToManyField("risks.Risk", blank=True, related_name="actions", verbose_name=_("risks"))
    incidents = models.ManyToManyField(
        "incidents.Incident", blank=True, related_name="actions", verbose_name=_("incidents")
    )
    reminded_on = models.DateField(null=True, blank=True)  # last overdue reminder
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    revision = models.PositiveIntegerField(default=1)
    history = HistoricalRecords(m2m_fields=[measures, risks], excluded_fields=["revision", "reminded_on"])

    ACCESS_NODE_FIELD: ClassVar[str | None] = "node"

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering: ClassVar = ["due", "pk"]
        indexes: ClassVar = [
            models.Index(fields=["organisation", "status", "due"], name="action_org_status_due"),
            models.Index(fields=["responsible", "status", "due"], name="action_responsible_due"),
        ]

    def __str__(self) -> str:
        return self.what


class PlanReview(models.Model):
    """The security group's yearly judgement of one nämnd's plan (G14): checklist, score and comment."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    node = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="+", verbose_name=_("committee"))
    year = models.PositiveSmallIntegerField(_("year"))
    plan = models.ForeignKey(
        ActionPlan, on_delete=models.SET_NULL, null=True, blank=True, related_name="reviews", verbose_name=_("plan")
    )
    checklist = models.JSONField(_("checklist"), default=dict)  # item code -> True/False
    score = models.PositiveSmallIntegerField(_("score"))
    comment = models.TextField(_("comment"), blank=True)
    reviewed_at = models.DateTimeField(_("reviewed"))
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    revision = models.PositiveIntegerField(default=1)
    history = HistoricalRecords(excluded_fields=["revision"])

    ACCESS_NODE_FIELD: ClassVar[str | None] = "node"

    class Meta:
        verbose_name = _("plan review")
        verbose_name_plural = _("plan reviews")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["organisation", "node", "year"], name="plan_review_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.node_id} {self.year}"
