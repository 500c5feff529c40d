"""What risks register for the life of records (``core/retention.py``): adopted risk analyses."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy

from varna.core import registry, retention
from varna.risks.exports import ANALYSIS_PDF
from varna.risks.models import Measure, Risk, RiskAnalysis


def erase_analyses(records: QuerySet[Any]) -> int:
    """Delete analyses for real with their measures and risks (which protect the analysis from a plain delete)."""
    ids = list(records.values_list("pk", flat=True))
    retention.erase(Measure.objects.filter(analysis_id__in=ids))
    retention.erase(Risk.objects.filter(analysis_id__in=ids))
    return retention.erase(RiskAnalysis.objects.filter(pk__in=ids))


def describe_analysis(analysis: RiskAnalysis) -> dict[str, Any]:
    data = registry.describe_fields(analysis)
    data["node_name"] = analysis.node.name
    data["risks"] = [
        {**registry.describe_fields(risk), "measures": [registry.describe_fields(m) for m in risk.measures.all()]}
        for risk in analysis.risks.all()
    ]
    return data


def register() -> None:
    registry.register_record_kind(
        registry.RecordKind(
            key="risks.analysis",
            label=gettext_lazy("Risk analyses"),
            records=lambda org: RiskAnalysis.objects.filter(organisation_id=org),
            clock="adopted_at",
            clock_label=gettext_lazy("after adoption"),
            default_years=10,
            default_action="preserve",
            default_basis=gettext_lazy(
                "Risk and vulnerability analyses show how the municipality judged its risks: they are preserved "
                "for posterity."
            ),
            erase=erase_analyses,
            stored_pdf=ANALYSIS_PDF,
            describe=describe_analysis,
            label_of=lambda a: f"{a.number} {a.title}",
            order=20,
        )
    )
