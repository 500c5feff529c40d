"""An analysis as a printable document (PDF) and as a workbook (Excel): what it holds, read once.

Both are built from :func:`analysis_document`, so they show the same risks and measures. The
workbook goes through :func:`varna.core.exports.to_xlsx`, which neutralises text that a
spreadsheet could take for a formula.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from varna.core import pdf
from varna.core.exports import Column, Table, TableRow
from varna.core.models import Dimension, User
from varna.risks import costbenefit, heatmap
from varna.risks.models import DIMENSIONS, AnalysisStatus, Measure, Risk, RiskAnalysis, RiskAssessment, Stage

# The stored PDFs of adopted analyses (core/pdf.py): made by the worker when an analysis is adopted.
ANALYSIS_PDF = "risks.analysis"


def person(user: User | None) -> str:
    """A name in the document: never the name of a person with protected personal data."""
    if user is None:
        return ""
    if user.protected_identity:
        return _("Protected identity")
    return str(user.get_full_name() or user.username)


@dataclass
class StageCell:
    likelihood: int | None
    consequence: int | None
    label: str
    colour: str

    @property
    def text(self) -> str:
        if self.likelihood is None:
            return ""
        return f"{self.likelihood}x{self.consequence} {self.label}".strip()


@dataclass
class RiskLine:
    risk: Risk
    stages: dict[str, StageCell]
    judgements: dict[str, RiskAssessment]
    measures: list[str] = field(default_factory=list)


@dataclass
class AnalysisDocument:
    analysis: RiskAnalysis
    participants: list[str]
    security_areas: list[str]
    risks: list[RiskLine]
    measures: list[Measure]
    ranking: costbenefit.Ranking | None = None  # when the analysis has measures
    heat_maps: list[heatmap.HeatMap] = field(default_factory=list)
    created: datetime.datetime = field(default_factory=timezone.localtime)


def _stage_cell(risk: Risk, stage: str) -> StageCell:
    likelihood, consequence, level = risk.stage_values(stage)
    band = risk.matrix.level(level) or {}
    return StageCell(likelihood, consequence, str(band.get("label", "")), str(band.get("colour", "")))


def analysis_document(analysis: RiskAnalysis, *, today: datetime.date | None = None) -> AnalysisDocument:
    """Everything the document shows of ``analysis`` (already fetched with access checked): a fixed few queries."""
    risks = list(
        Risk.objects.filter(analysis_id=analysis.pk)
        .select_related("security_area", "matrix", "owner")
        .prefetch_related(Prefetch("assessments", queryset=RiskAssessment.objects.select_related("matrix")))
        .order_by("pk")
    )
    measures = list(
        Measure.objects.filter(analysis_id=analysis.pk)
        .select_related("security_area", "responsible")
        .prefetch_related("risks")
        .order_by("priority", "pk")
    )
    by_risk: dict[int, list[str]] = {}
    for measure in measures:
        for risk in measure.risks.all():
            by_risk.setdefault(risk.pk, []).append(measure.number)
    lines = [
        RiskLine(
            risk=r,
            stages={str(s): _stage_cell(r, s) for s in Stage.values},
            judgements={a.stage: a for a in r.assessments.all()},
            measures=by_risk.get(r.pk, []),
        )
        for r in risks
    ]
    participants = [person(u) for u in analysis.participants.order_by("last_name", "first_name", "pk")]
    document = AnalysisDocument(
        analysis=analysis,
        participants=participants,
        security_areas=[a.name for a in analysis.security_areas.all()],
        risks=lines,
        measures=measures,
    )
    if measures:
        document.ranking = costbenefit.rank_measures(analysis, today=today)
    if risks:
        maps = heatmap.analysis_heat_maps(analysis)
        document.heat_maps = [maps[key] for key in ("inherent", "current", "residual") if key in maps]
    return document


# --- the PDF and its stored copy -------------------------------------------------------------


def analysis_queryset() -> QuerySet[RiskAnalysis]:
    return RiskAnalysis.objects.select_related("node", "responsible", "adopted_by", "matrix", "facility")


def analysis_pdf(analysis: RiskAnalysis) -> pdf.Document:
    """The printable analysis (the same for every reader who may see the analysis)."""
    return pdf.Document("risks/analysis_pdf.html", {"doc": analysis_document(analysis)})


def made_analysis_pdf(object_id: int, actor: User | None) -> pdf.Made | None:
    """The worker's PDF of an adopted analysis (``None``: not adopted, or gone: nothing is kept)."""
    analysis = analysis_queryset().filter(pk=object_id, status=AnalysisStatus.ADOPTED).first()
    if analysis is None:
        return None
    return pdf.Made(analysis.organisation_id, analysis_pdf(analysis))


def adopted_analyses() -> Any:
    return RiskAnalysis.objects.filter(status=AnalysisStatus.ADOPTED).order_by("pk").values_list("pk", flat=True)


STORED_ANALYSES = pdf.Source(ANALYSIS_PDF, made_analysis_pdf, adopted_analyses)


# --- the workbook ----------------------------------------------------------------------


def _consequences(assessment: RiskAssessment | None) -> str:
    if assessment is None:
        return ""
    values = assessment.consequences()
    return ", ".join(f"{Dimension(d).label}: {values[d]}" for d in DIMENSIONS if values.get(d))


def tables(document: AnalysisDocument) -> list[Table]:
    """The sheets: the risks with their judgements, and the measures with their costs."""
    stage_columns = []
    for label in (_("Without controls"), _("Today"), _("After measures")):
        stage_columns += [
            Column(_("%(stage)s: likelihood") % {"stage": label}),
            Column(_("%(stage)s: consequence") % {"stage": label}),
            Column(_("%(stage)s: risk level") % {"stage": label}, "text"),
        ]
    risk_table = Table(
        "risks",
        _("Risks"),
        [
            Column(_("Number"), "text"),
            Column(_("Risk"), "text"),
            Column(_("Security area"), "text"),
            Column(_("Existing or future"), "text"),
            Column(_("Status"), "text"),
            Column(_("Threat or cause"), "text"),
            Column(_("Controls in place today"), "text"),
            Column(_("Risk owner"), "text"),
            *stage_columns,
            Column(_("Consequence per dimension today"), "text"),
            Column(_("Measures"), "text"),
        ],
    )
    for line in document.risks:
        r = line.risk
        cells: list[Any] = [
            r.number,
            r.title,
            r.security_area.name,
            r.get_timeframe_display(),
            r.get_status_display(),
            r.threat,
            r.current_controls,
            person(r.owner),
        ]
        for stage in (Stage.INHERENT, Stage.CURRENT, Stage.RESIDUAL):
            cell = line.stages[str(stage)]
            cells += [cell.likelihood, cell.consequence, cell.label]
        cells += [_consequences(line.judgements.get(Stage.CURRENT)), ", ".join(line.measures)]
        risk_table.rows.append(TableRow(tuple(cells)))

    ranks: dict[int, Any] = {}
    if document.ranking is not None:
        ranks = {row.measure.pk: row for row in document.ranking.rows}
    measure_table = Table(
        "measures",
        _("Measures"),
        [
            Column(_("Number"), "text"),
            Column(_("Measure"), "text"),
            Column(_("Type of measure"), "text"),
            Column(_("Continuity measure"), "text"),
            Column(_("Risks"), "text"),
            Column(_("Priority"), "text"),
            Column(_("Status"), "text"),
            Column(_("Investment (SEK)"), "money"),
            Column(_("Yearly cost (SEK)"), "money"),
            Column(_("Lifetime (years)")),
            Column(_("Annual cost (SEK)"), "money"),
            Column(_("Yearly benefit (SEK)"), "money"),
            Column(_("Rank by benefit per krona")),
            Column(_("Justified"), "text"),
            Column(_("Financing"), "text"),
            Column(_("Responsible"), "text"),
        ],
    )
    for m in document.measures:
        row = ranks.get(m.pk)
        justified = ""
        if row is not None and row.justified is not None:
            justified = _("Yes") if row.justified else _("No")
        measure_table.rows.append(
            TableRow(
                (
                    m.number,
                    m.title,
                    m.get_measure_type_display(),
                    _("Yes") if m.is_continuity else _("No"),
                    ", ".join(r.number for r in m.risks.all()),
                    m.get_priority_display(),
                    m.get_status_display(),
                    m.investment,
                    m.yearly_cost,
                    m.lifetime_years,
                    Decimal(m.annual_cost).quantize(Decimal(1)),
                    row.benefit if row is not None else None,
                    row.rank if row is not None else None,
                    justified,
                    m.financing,
                    person(m.responsible),
                )
            )
        )
    return [risk_table, measure_table]


def about(document: AnalysisDocument) -> list[tuple[str, str]]:
    """The first sheet: what the workbook holds."""
    a = document.analysis
    return [
        (_("Number"), a.number),
        (_("Unit"), a.node.name),
        (_("Date of the analysis"), a.analysed_on.isoformat()),
        (_("Status"), a.get_status_display()),
        (_("Reason for the analysis"), a.get_trigger_display()),
        (_("Responsible"), person(a.responsible)),
        (_("Participants"), ", ".join(document.participants)),
        (_("Other participants and their roles"), a.other_participants),
        (_("Affected staff"), a.affected_staff),
        (_("Security areas"), ", ".join(document.security_areas)),
        (_("Risk matrix"), str(a.matrix)),
        (_("Next review"), a.next_review.isoformat() if a.next_review else ""),
    ]
