"""The yearly follow-up of a nämnd or förvaltning (P5, P8, G14): generated figures, comments, fixed versions."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from varna.core.models import Node, NodeKind, Organisation

# The nodes that answer for a follow-up: nämnder, förvaltningar and companies.
FOLLOW_UP_KINDS: tuple[str, ...] = (
    NodeKind.EXECUTIVE_BOARD,
    NodeKind.COMMITTEE,
    NodeKind.ADMINISTRATION,
    NodeKind.COMPANY,
    NodeKind.FEDERATION,
)
FIRST_YEAR = 2000
LAST_YEAR = 2100


class FollowUpStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    FIXED = "fixed", _("Fixed")


class FollowUp(models.Model):
    """One version of a node's follow-up of a year.

    ``figures`` holds what the generation computed, as JSON (numbers and money as text). A draft's figures
    are computed again only when someone asks for it (a POST); a fixed version is never recomputed: a new
    version is a new row.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    node = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    year = models.PositiveSmallIntegerField(_("year"))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    status = models.CharField(_("status"), max_length=10, choices=FollowUpStatus.choices, default=FollowUpStatus.DRAFT)
    figures = models.JSONField(_("figures"), default=dict)
    generated_at = models.DateTimeField(_("figures computed"))
    fixed_at = models.DateTimeField(_("fixed"), null=True, blank=True)
    fixed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    revision = models.PositiveIntegerField(default=1)

    ACCESS_NODE_FIELD: ClassVar[str | None] = "node"

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering: ClassVar = ["-year", "node__path", "-version"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["organisation", "node", "year", "version"], name="follow_up_version"),
            models.UniqueConstraint(
                fields=["organisation", "node", "year"],
                condition=models.Q(status="draft"),
                name="follow_up_one_draft",
            ),
        ]
        indexes: ClassVar = [models.Index(fields=["organisation", "year"], name="follow_up_org_year")]

    def __str__(self) -> str:
        return f"{self.node_id} {self.year} v{self.version}"

    @property
    def is_fixed(self) -> bool:
        return self.status == FollowUpStatus.FIXED


class FollowUpComment(models.Model):
    """The comment of one section of a follow-up, written before it is fixed (and copied to a new version)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    follow_up = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="comments")
    node = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="+")  # the follow-up's node
    section = models.CharField(_("section"), max_length=30)
    text = models.TextField(_("comment"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revision = models.PositiveIntegerField(default=1)
    history = HistoricalRecords(excluded_fields=["revision"])

    ACCESS_NODE_FIELD: ClassVar[str | None] = "node"

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering: ClassVar = ["pk"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["follow_up", "section"], name="follow_up_comment_section"),
        ]

    def __str__(self) -> str:
        return f"{self.follow_up_id} {self.section}"


class KeyFigureKind(models.TextChoices):
    """How a key figure is computed; its name, Swedish definition and target are the organisation's own."""

    DAMAGE_COST_PER_EMPLOYEE = "damage_cost_per_employee", _("Damage cost per employee")
    REPORTS_PER_100 = "reports_per_100", _("Reported incidents per 100 employees")
    CURRENT_ANALYSIS_SHARE = "current_analysis_share", _("Share of units with a current risk analysis")
    ACTIONS_ON_TIME_SHARE = "actions_on_time_share", _("Share of actions done on time")
    TRAINING_COVERAGE = "training_coverage", _("Training coverage")


class KeyFigure(models.Model):
    """One of an organisation's key figures (nyckeltal, P5): what it measures, in Swedish, and its target.

    The set-up hook gives every organisation the defaults; a person configures them. ``higher_is_better``
    says which side of the target is good.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("computed as"), max_length=40, choices=KeyFigureKind.choices)
    name = models.CharField(_("name"), max_length=120)
    definition = models.TextField(_("definition"))
    target = models.DecimalField(_("target"), max_digits=12, decimal_places=1, null=True, blank=True)
    higher_is_better = models.BooleanField(_("higher is better"), default=True)
    active = models.BooleanField(_("in use"), default=True)
    ordering = models.PositiveSmallIntegerField(default=0)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    revision = models.PositiveIntegerField(default=1)
    history = HistoricalRecords(excluded_fields=["revision"])

    ACCESS_NODE_FIELD: ClassVar[str | None] = None  # the organisation's own: at its root

    class Meta:
        verbose_name = _("key figure")
        verbose_name_plural = _("key figures")
        ordering: ClassVar = ["ordering", "pk"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["organisation", "kind"], name="key_figure_kind"),
        ]

    def __str__(self) -> str:
        return self.name


# --- the risk and vulnerability analysis (RSA, MSBFS 2015:5): critical services and the draft -------------------

RSA_CRISIS_AREA = "crisis-preparedness"  # the security area whose risks the RSA draft assembles (G2, K7)


class RsaHeading(models.TextChoices):
    """The headings of a municipality's RSA report, in the regulation's order (MSBFS 2015:5 5 §)."""

    MUNICIPALITY = "municipality", _("Description of the municipality and its geographical area")
    METHOD = "method", _("Description of the work process and method")
    CRITICAL_SERVICES = (
        "critical_services",
        _("Identified services vital to society within the municipality's geographical area"),
    )
    DEPENDENCIES = "dependencies", _("Identified critical dependencies of the municipality's services vital to society")
    RISKS = "risks", _("Identified and analysed risks for the municipality and its geographical area")
    VULNERABILITIES = (
        "vulnerabilities",
        _(
            "Description of identified vulnerabilities and shortcomings in crisis preparedness within the "
            "municipality and its geographical area"
        ),
    )
    MEASURES = "measures", _("Need for measures following the results of the risk and vulnerability analysis")


class CriticalService(models.Model):
    """A service vital to society (samhällsviktig verksamhet, MSBFS 2015:5 2 §) that the municipality runs or answers
    for: its node, what it is, what it depends on (its critical dependencies) and how long it may be down."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    node = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="+", verbose_name=_("responsible unit"))
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    dependencies = models.TextField(
        _("critical dependencies"),
        blank=True,
        help_text=_("What the service cannot run without: electricity, water, IT systems, transport, staff …"),
    )
    acceptable_downtime_hours = models.PositiveIntegerField(_("acceptable downtime (hours)"), null=True, blank=True)
    operation = models.CharField(
        _("operation with a sub-plan"),
        max_length=30,
        blank=True,
        help_text=_("The operation whose sub-plan for heightened readiness covers the service, if any."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    revision = models.PositiveIntegerField(default=1)
    history = HistoricalRecords(excluded_fields=["revision"])

    ACCESS_NODE_FIELD: ClassVar[str | None] = "node"

    class Meta:
        verbose_name = _("critical service")
        verbose_name_plural = _("critical services")
        ordering: ClassVar = ["name", "pk"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["organisation", "name"], name="critical_service_name"),
        ]

    def __str__(self) -> str:
        return self.name


class RsaDraft(models.Model):
    """A draft of the municipality's risk and vulnerability analysis for one mandate period, for people to finish.

    The municipality reports its RSA to the county administrative board by 31 October of the first year after the
    election (MSBFS 2015:5): ``period_start`` is that year, and the period runs four years. Its sections follow the
    regulation's headings; each is generated from the data and then edited by hand.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    period_start = models.PositiveSmallIntegerField(_("first year of the mandate period"))
    title = models.CharField(_("title"), max_length=200)
    generated_at = models.DateTimeField(_("generated"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    revision = models.PositiveIntegerField(default=1)
    history = HistoricalRecords(excluded_fields=["revision"])

    ACCESS_NODE_FIELD: ClassVar[str | None] = None  # the organisation's own: read with organisation-wide permissions

    class Meta:
        verbose_name = _("RSA draft")
        verbose_name_plural = _("RSA drafts")
        ordering: ClassVar = ["-period_start", "pk"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["organisation", "period_start"], name="rsa_draft_period"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def period_end(self) -> int:
        return self.period_start + 3


class RsaSection(models.Model):
    """One heading of an RSA draft: the text people edit, and the tables the last generation assembled.

    ``generated_text`` is what the generation last wrote: the text is the person's own once it differs, and a
    regeneration then keeps it unless the person asks to replace it.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    draft = models.ForeignKey(RsaDraft, on_delete=models.CASCADE, related_name="sections")
    key = models.CharField(_("heading"), max_length=30, choices=RsaHeading.choices)
    number = models.PositiveSmallIntegerField()
    text = models.TextField(_("text"), blank=True)
    generated_text = models.TextField(blank=True)
    tables = models.JSONField(default=list)
    generated_at = models.DateTimeField(_("generated"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revision = models.PositiveIntegerField(default=1)
    history = HistoricalRecords(excluded_fields=["revision", "tables", "generated_text"])

    ACCESS_NODE_FIELD: ClassVar[str | None] = None

    class Meta:
        verbose_name = _("RSA section")
        verbose_name_plural = _("RSA sections")
        ordering: ClassVar = ["draft", "number"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["draft", "key"], name="rsa_section_key"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.heading}"

    @property
    def heading(self) -> str:
        return str(RsaHeading(self.key).label)

    @property
    def is_edited(self) -> bool:
        return self.text != self.generated_text


# The security group's yearly report (K4) lives in its own module; imported here so that Django finds its models.
from varna.followup.models_report import YearlyReport, YearlyReportComment  # noqa: E402, F401
