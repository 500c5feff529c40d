"""Risk management (riskhantering): the risk matrix, risk analyses, risks, measures and the schedule.

The matrix is versioned data: an analysis keeps the matrix version it was made with, and a changed
matrix is a new version, so old assessments are never silently rewritten.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from varna.core.models import Dimension, Node, Organisation, SecurityArea
from varna.protection.models import Facility

DIMENSIONS = tuple(d.value for d in Dimension)  # people, operations, property, economy, environment


class Aggregation(models.TextChoices):
    """How a risk's consequence is drawn from its per-dimension judgements."""

    WORST = "worst", _("The worst dimension")
    AVERAGE = "average", _("The average of the judged dimensions, rounded up")


class RiskMatrix(models.Model):
    """One version of an organisation's risk matrix (riskmatris).

    ``likelihood_levels`` and ``consequence_levels`` are lists, lowest level first; level ``n`` is
    item ``n - 1``. Each item is ``{"label": ..., "definition": ...}``; a consequence level may also
    have ``"dimensions": {dimension: text}`` describing it per dimension. ``risk_levels`` are the
    matrix's bands, lowest first: ``{"label", "colour", "min_score", "review_months"}``, where the
    score is likelihood * consequence and ``review_months`` is how often a node with an open risk of
    that level should be analysed again (G4).
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="risk_matrices")
    name = models.CharField(_("name"), max_length=120)
    version = models.PositiveIntegerField(_("version"))
    is_active = models.BooleanField(_("in use"), default=False)
    likelihood_levels = models.JSONField(_("likelihood levels"))
    consequence_levels = models.JSONField(_("consequence levels"))
    risk_levels = models.JSONField(_("risk levels"))
    aggregation = models.CharField(
        _("consequence of a risk"), max_length=10, choices=Aggregation.choices, default=Aggregation.WORST
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    ACCESS_NODE_FIELD: ClassVar[str | None] = None

    class Meta:
        verbose_name = _("risk matrix")
        verbose_name_plural = _("risk matrices")
        ordering: ClassVar = ["-version"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["organisation", "version"], name="risk_matrix_version_unique"),
            models.UniqueConstraint(
                fields=["organisation"], condition=Q(is_active=True), name="risk_matrix_one_active"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"

    @property
    def likelihood_count(self) -> int:
        return len(self.likelihood_levels)

    @property
    def consequence_count(self) -> int:
        return len(self.consequence_levels)

    @property
    def size_label(self) -> str:
        return f"{self.likelihood_count}×{self.consequence_count}"

    def likelihood_label(self, value: int | None) -> str:
        if value is None or not 1 <= value <= self.likelihood_count:
            return ""
        return str(self.likelihood_levels[value - 1]["label"])

    def consequence_label(self, value: int | None) -> str:
        if value is None or not 1 <= value <= self.consequence_count:
            return ""
        return str(self.consequence_levels[value - 1]["label"])

    def aggregate(self, consequences: dict[str, int | None]) -> int | None:
        """The risk's consequence from its per-dimension judgements (``None`` when none is judged)."""
        judged = [v for v in consequences.values() if v]
        if not judged:
            return None
        if self.aggregation == Aggregation.AVERAGE:
            return -(-sum(judged) // len(judged))  # rounded up
        return max(judged)

    def level_index(self, likelihood: int | None, consequence: int | None) -> int | None:
        """The index into ``risk_levels`` of the cell (likelihood, consequence), or ``None``."""
        if not likelihood or not consequence:
            return None
        score = likelihood * consequence
        index = 0
        for i, band in enumerate(self.risk_levels):
            if score >= int(band["min_score"]):
                index = i
        return index

    def level(self, index: int | None) -> dict[str, Any] | None:
        if index is None or not 0 <= index < len(self.risk_levels):
            return None
        return dict(self.risk_levels[index])


class AnalysisStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    ADOPTED = "adopted", _("Adopted")


ANALYSIS_TRANSITIONS: dict[str, tuple[str, ...]] = {
    AnalysisStatus.DRAFT: (AnalysisStatus.IN_PROGRESS, AnalysisStatus.DONE),
    AnalysisStatus.IN_PROGRESS: (AnalysisStatus.DRAFT, AnalysisStatus.DONE),
    AnalysisStatus.DONE: (AnalysisStatus.IN_PROGRESS, AnalysisStatus.ADOPTED),
    AnalysisStatus.ADOPTED: (AnalysisStatus.IN_PROGRESS,),
}


class AnalysisTrigger(models.TextChoices):
    """Why an analysis is made (G3, G4, K10, K12)."""

    YEARLY = "yearly", _("Yearly routine")
    DAMAGE = "damage", _("Damage or incident")
    PREMISES = "premises", _("New build, rebuild or change of use of premises")
    TECHNICAL_PROTECTION = "technical_protection", _("Installation of technical protection")
    OTHER = "other", _("Other")


class RiskAnalysis(models.Model):
    """A risk analysis (riskanalys) of one node (G3, K9)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="risk_analyses")
    number = models.CharField(_("number"), max_length=20)
    node = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="risk_analyses", verbose_name=_("unit"))
    title = models.CharField(_("title"), max_length=200)
    scope = models.TextField(_("scope"), blank=True)
    method = models.CharField(_("method"), max_length=200, blank=True)
    analysed_on = models.DateField(_("date of the analysis"))
    trigger = models.CharField(
        _("reason for the analysis"), max_length=30, choices=AnalysisTrigger.choices, default=AnalysisTrigger.YEARLY
    )
    facility = models.ForeignKey(
        Facility,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="risk_analyses",
        verbose_name=_("premises"),
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible"),
    )
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="risk_analyses", verbose_name=_("participants")
    )
    other_participants = models.TextField(
        _("other participants and their roles"),
        blank=True,
        help_text=_("For example the safety representative or the property manager."),
    )
    affected_staff = models.TextField(_("affected staff"), blank=True)
    security_areas = models.ManyToManyField(
        SecurityArea, blank=True, related_name="+", verbose_name=_("security areas")
    )
    matrix = models.ForeignKey(RiskMatrix, on_delete=models.PROTECT, related_name="analyses")
    status = models.CharField(_("status"), max_length=20, choices=AnalysisStatus.choices, default=AnalysisStatus.DRAFT)
    status_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    adopted_at = models.DateTimeField(_("adopted"), null=True, blank=True)
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("adopted by"),
    )
    next_review = models.DateField(_("next review"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    revision = models.PositiveIntegerField(default=1)  # raised by every change; a stale form is refused
    history = HistoricalRecords(m2m_fields=[participants, security_areas], excluded_fields=["revision"])

    ACCESS_NODE_FIELD: ClassVar[str | None] = "node"

    class Meta:
        verbose_name = _("risk analysis")
        verbose_name_plural = _("risk analyses")
        ordering: ClassVar = ["-analysed_on", "-pk"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["organisation", "number"], name="risk_analysis_number_unique"),
        ]
        indexes: ClassVar = [
            models.Index(fields=["organisation", "status", "analysed_on"], name="analysis_org_status_date"),
            models.Index(fields=["node", "analysed_on"], name="analysis_node_date"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class Timeframe(models.TextChoices):
    EXISTING = "existing", _("Existing")
    FUTURE = "future", _("Future")


class RiskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACCEPTED = "accepted", _("Accepted")
    ELIMINATED = "eliminated", _("Eliminated")


class Stage(models.TextChoices):
    """Which judgement of a risk: without any controls, today, and after the proposed measures."""

    INHERENT = "inherent", _("Without controls")
    CURRENT = "current", _("Today")
    RESIDUAL = "residual", _("After measures")


class Risk(models.Model):
    """A risk or threat found in an analysis.

    The per-stage likelihood, consequence and level are kept on the row (written by the services from
    its :class:`RiskAssessment` rows) so that lists, filters and heat maps need no join.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="risks")
    analysis = models.ForeignKey(RiskAnalysis, on_delete=models.PROTECT, related_name="risks")
    node = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="risks")  # the analysis's node
    matrix = models.ForeignKey(RiskMatrix, on_delete=models.PROTECT, related_name="+")  # the analysis's version
    number = models.CharField(_("number"), max_length=20)
    security_area = models.ForeignKey(
        SecurityArea, on_delete=models.PROTECT, related_name="+", verbose_name=_("security area")
    )
    title = models.CharField(_("risk"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    threat = models.TextField(_("threat or cause"), blank=True)
    timeframe = models.CharField(
        _("existing or future"), max_length=10, choices=Timeframe.choices, default=Timeframe.EXISTING
    )
    current_controls = models.TextField(_("controls in place today"), blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_risks",
        verbose_name=_("risk owner"),
    )
    status = models.CharField(_("status"), max_length=12, choices=RiskStatus.choices, default=RiskStatus.OPEN)
    incidents = models.ManyToManyField(
        "incidents.Incident", blank=True, related_name="risks", verbose_name=_("linked incidents")
    )

    inherent_likelihood = models.PositiveSmallIntegerField(null=True, blank=True)
    inherent_consequence = models.PositiveSmallIntegerField(null=True, blank=True)
    inherent_level = models.PositiveSmallIntegerField(null=True, blank=True)
    current_likelihood = models.PositiveSmallIntegerField(null=True, blank=True)
    current_consequence = models.PositiveSmallIntegerField(null=True, blank=True)
    current_level = models.PositiveSmallIntegerField(null=True, blank=True)
    residual_likelihood = models.PositiveSmallIntegerField(null=True, blank=True)
    residual_consequence = models.PositiveSmallIntegerField(null=True, blank=True)
    residual_level = models.PositiveSmallIntegerField(null=True, blank=True)

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    revision = models.PositiveIntegerField(default=1)
    history = HistoricalRecords(excluded_fields=["revision"])

    ACCESS_NODE_FIELD: ClassVar[str | None] = "node"

    class Meta:
        verbose_name = _("risk")
        verbose_name_plural = _("risks")
        ordering: ClassVar = ["analysis", "pk"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["organisation", "number"], name="risk_number_unique"),
        ]
        indexes: ClassVar = [
            models.Index(fields=["organisation", "status", "current_level"], name="risk_org_status_level"),
            models.Index(fields=["node", "status"], name="risk_node_status"),
            models.Index(fields=["organisation", "-id"], name="risk_org_newest"),
            # The API's order (analysis, id): a page deep in the list reads its ids from this index alone.
            models.Index(fields=["organisation", "analysis", "id"], name="risk_org_analysis"),
            # The risk list's order (the highest level today first, then the newest), read backwards on SQLite.
            models.Index(fields=["organisation", "current_level", "id"], name="risk_org_level"),
            # The heat maps of a whole organisation count its open risks per cell: every column they read is in
            # this index, so the count never reads the (wide) risk rows.
            models.Index(
                fields=[
                    "organisation",
                    "status",
                    "node",
                    "matrix",
                    "current_likelihood",
                    "current_consequence",
                    "inherent_likelihood",
                    "inherent_consequence",
                    "residual_likelihood",
                    "residual_consequence",
                ],
                name="risk_org_open_cells",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def stage_values(self, stage: str) -> tuple[int | None, int | None, int | None]:
        """(likelihood, consequence, level index) of ``stage``."""
        return (
            getattr(self, f"{stage}_likelihood"),
            getattr(self, f"{stage}_consequence"),
            getattr(self, f"{stage}_level"),
        )


class RiskAssessment(models.Model):
    """One judgement of a risk at one stage, with the matrix version it was made with."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="assessments")
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices)
    matrix = models.ForeignKey(RiskMatrix, on_delete=models.PROTECT, related_name="assessments")
    likelihood = models.PositiveSmallIntegerField(_("likelihood"), validators=[MinValueValidator(1)])
    people = models.PositiveSmallIntegerField(Dimension.PEOPLE.label, null=True, blank=True)
    operations = models.PositiveSmallIntegerField(Dimension.OPERATIONS.label, null=True, blank=True)
    property = models.PositiveSmallIntegerField(Dimension.PROPERTY.label, null=True, blank=True)
    economy = models.PositiveSmallIntegerField(Dimension.ECONOMY.label, null=True, blank=True)
    environment = models.PositiveSmallIntegerField(Dimension.ENVIRONMENT.label, null=True, blank=True)
    consequence = models.PositiveSmallIntegerField(_("consequence"))
    level = models.PositiveSmallIntegerField(_("risk level"))
    rationale = models.TextField(_("reasoning"), blank=True)
    assessed_at = models.DateTimeField(_("assessed"))
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    ACCESS_NODE_FIELD: ClassVar[str | None] = "risk__node"

    class Meta:
        verbose_name = _("risk assessment")
        verbose_name_plural = _("risk assessments")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["risk", "stage"], name="risk_assessment_stage_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.risk_id} {self.stage}"

    def consequences(self) -> dict[str, int | None]:
        return {d: getattr(self, d) for d in DIMENSIONS}


class MeasureType(models.TextChoices):
    """G1, G5: every measure eliminates a risk, prevents damage or limits the damage."""

    ELIMINATE = "eliminate", _("Eliminate the risk")
    PREVENT = "prevent", _("Prevent damage")
    LIMIT = "limit", _("Limit the damage")


class Priority(models.IntegerChoices):
    HIGH = 1, _("High")
    MEDIUM = 2, _("Medium")
    LOW = 3, _("Low")


class MeasureStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    DECIDED = "decided", _("Decided")
    DONE = "done", _("Carried out")
    REJECTED = "rejected", _("Not carried out")


class Measure(models.Model):
    """A proposed measure (åtgärd) against one or more risks of an analysis, with its cost and effect (K8)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="measures")
    analysis = models.ForeignKey(RiskAnalysis, on_delete=models.PROTECT, related_name="measures")
    node = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="measures")  # the analysis's node
    number = models.CharField(_("number"), max_length=20)
    measure_type = models.CharField(_("type of measure"), max_length=10, choices=MeasureType.choices)
    is_continuity = models.BooleanField(
        _("continuity measure"),
        default=False,
        help_text=_("Readiness to solve problems with premises or operations after a damage (K9)."),
    )
    title = models.CharField(_("measure"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    security_area = models.ForeignKey(
        SecurityArea, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("security area")
    )
    risks = models.ManyToManyField(Risk, related_name="measures", verbose_name=_("risks"))
    investment = models.DecimalField(
        _("investment (SEK)"), max_digits=12, decimal_places=0, default=Decimal(0), validators=[MinValueValidator(0)]
    )
    yearly_cost = models.DecimalField(
        _("yearly cost (SEK)"), max_digits=12, decimal_places=0, default=Decimal(0), validators=[MinValueValidator(0)]
    )
    lifetime_years = models.PositiveSmallIntegerField(
        _("lifetime (years)"), default=10, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    likelihood_reduction = models.PositiveSmallIntegerField(_("lowers the likelihood by (levels)"), default=0)
    consequence_reduction = models.PositiveSmallIntegerField(_("lowers the consequence by (levels)"), default=0)
    expected_reduction = models.DecimalField(
        _("expected reduction of damage cost (SEK per year)"),
        max_digits=12,
        decimal_places=0,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Leave empty to derive it from the damage history of the risks' linked incidents."),
    )
    effect_share = models.PositiveSmallIntegerField(
        _("share of the damage cost avoided (%)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("Used with the damage history when no expected reduction is entered."),
    )
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices, default=Priority.MEDIUM)
    financing = models.CharField(_("financing"), max_length=200, blank=True)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible"),
    )
    status = models.CharField(_("status"), max_length=10, choices=MeasureStatus.choices, default=MeasureStatus.PROPOSED)
    # The day it was carried out: set when the status becomes "carried out" (today unless given), cleared when it
    # changes back. The effect of the measure is measured from it (``risks/effect.py``).
    done_on = models.DateField(_("carried out on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    revision = models.PositiveIntegerField(default=1)
    history = HistoricalRecords(m2m_fields=[risks], excluded_fields=["revision"])

    ACCESS_NODE_FIELD: ClassVar[str | None] = "node"

    class Meta:
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        ordering: ClassVar = ["priority", "pk"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["organisation", "number"], name="measure_number_unique"),
        ]
        indexes: ClassVar = [
            models.Index(fields=["organisation", "status"], name="measure_org_status"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def annual_cost(self) -> Decimal:
        """Yearly cost plus the investment spread evenly over the lifetime (linear depreciation)."""
        return self.yearly_cost + (self.investment / Decimal(max(self.lifetime_years, 1)))


class PlannedAnalysis(models.Model):
    """An entry in the yearly plan of analyses that the security group keeps (G4, K6)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="planned_analyses")
    node = models.ForeignKey(Node, on_delete=models.PROTECT, related_name="planned_analyses", verbose_name=_("unit"))
    year = models.PositiveSmallIntegerField(_("year"))
    planned_for = models.DateField(_("planned for"))
    reason = models.CharField(
        _("reason"), max_length=30, choices=AnalysisTrigger.choices, default=AnalysisTrigger.YEARLY
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("responsible"),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    analysis = models.ForeignKey(
        RiskAnalysis, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("analysis")
    )
    reminded_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    revision = models.PositiveIntegerField(default=1)  # raised by every change; a stale form is refused
    history = HistoricalRecords(excluded_fields=["revision"])

    ACCESS_NODE_FIELD: ClassVar[str | None] = "node"

    class Meta:
        verbose_name = _("planned analysis")
        verbose_name_plural = _("planned analyses")
        ordering: ClassVar = ["planned_for", "pk"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["organisation", "node", "year"], name="planned_analysis_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.node_id} {self.planned_for}"
