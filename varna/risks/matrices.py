"""The risk matrices Värna ships, and the rules every matrix version must follow.

The texts are the organisation's own data once copied into a version, so they are written in
Swedish here, as a municipality would write them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from varna.risks.models import DIMENSIONS, Aggregation


@dataclass(frozen=True)
class MatrixTemplate:
    code: str
    name: str
    likelihood_levels: list[dict[str, Any]]
    consequence_levels: list[dict[str, Any]]
    risk_levels: list[dict[str, Any]]
    aggregation: str = Aggregation.WORST


def _consequence(label: str, definition: str, **dimensions: str) -> dict[str, Any]:
    return {"label": label, "definition": definition, "dimensions": dimensions}


MSB_5X5 = MatrixTemplate(
    code="msb-5x5",
    name="Riskmatris 5×5 (MSB)",
    likelihood_levels=[
        {"label": "Mycket låg", "definition": "Mer sällan än en gång per 1000 år"},
        {"label": "Låg", "definition": "En gång per 100–1000 år"},
        {"label": "Medelhög", "definition": "En gång per 10–100 år"},
        {"label": "Hög", "definition": "En gång per 1–10 år"},
        {"label": "Mycket hög", "definition": "Mer än en gång per år"},
    ],
    consequence_levels=[
        _consequence(
            "Begränsade",
            "Små och kortvariga följder",
            people="Enstaka lindrigt skadade, kortvarigt obehag",
            operations="Störningar under några timmar",
            property="Skador under 100 000 kr",
            economy="Kostnader under 100 000 kr",
            environment="Ingen eller obetydlig påverkan",
        ),
        _consequence(
            "Måttliga",
            "Märkbara följder som verksamheten klarar själv",
            people="Enstaka svårt skadade",
            operations="Verksamheten störs upp till ett dygn",
            property="Skador på 100 000 – 1 miljon kr",
            economy="Kostnader på 100 000 – 1 miljon kr",
            environment="Begränsad lokal påverkan som saneras snabbt",
        ),
        _consequence(
            "Betydande",
            "Allvarliga följder som kräver stöd utifrån",
            people="Flera svårt skadade",
            operations="Verksamheten störs upp till en vecka",
            property="Skador på 1–10 miljoner kr",
            economy="Kostnader på 1–10 miljoner kr",
            environment="Påverkan som tar några veckor att sanera",
        ),
        _consequence(
            "Allvarliga",
            "Mycket allvarliga följder för kommunen",
            people="Enstaka dödsfall och flera svårt skadade",
            operations="Verksamheten ligger nere upp till en månad",
            property="Skador på 10–100 miljoner kr",
            economy="Kostnader på 10–100 miljoner kr",
            environment="Omfattande påverkan som tar lång tid att sanera",
        ),
        _consequence(
            "Katastrofala",
            "Följder som hotar kommunens förmåga att fungera",
            people="Flera dödsfall",
            operations="Verksamheten ligger nere mer än en månad",
            property="Skador över 100 miljoner kr",
            economy="Kostnader över 100 miljoner kr",
            environment="Bestående skador på miljön",
        ),
    ],
    risk_levels=[
        {"label": "Låg", "colour": "#2e7d32", "min_score": 1, "review_months": 36},
        {"label": "Medel", "colour": "#f9a825", "min_score": 5, "review_months": 24},
        {"label": "Hög", "colour": "#ef6c00", "min_score": 10, "review_months": 12},
        {"label": "Mycket hög", "colour": "#c62828", "min_score": 17, "review_months": 6},
    ],
)

INTERNAL_CONTROL_4X4 = MatrixTemplate(
    code="internal-control-4x4",
    name="Riskmatris 4×4 (intern kontroll)",
    likelihood_levels=[
        {"label": "Osannolik", "definition": "Det är nästan otänkbart att det händer"},
        {"label": "Mindre sannolik", "definition": "Det kan hända, men det är inte troligt"},
        {"label": "Möjlig", "definition": "Det finns en reell risk att det händer"},
        {"label": "Sannolik", "definition": "Det är troligt att det händer, eller det har hänt förut"},
    ],
    consequence_levels=[
        _consequence("Försumbar", "Obetydliga följder som knappt märks"),
        _consequence("Lindrig", "Följder som märks men som verksamheten lätt hanterar"),
        _consequence("Kännbar", "Följder som påverkar verksamheten, ekonomin eller förtroendet tydligt"),
        _consequence("Allvarlig", "Följder som allvarligt skadar människor, verksamheten eller förtroendet"),
    ],
    risk_levels=[
        {"label": "Låg", "colour": "#2e7d32", "min_score": 1, "review_months": 36},
        {"label": "Medel", "colour": "#f9a825", "min_score": 4, "review_months": 24},
        {"label": "Hög", "colour": "#ef6c00", "min_score": 8, "review_months": 12},
        {"label": "Mycket hög", "colour": "#c62828", "min_score": 12, "review_months": 6},
    ],
)

TEMPLATES = {t.code: t for t in (MSB_5X5, INTERNAL_CONTROL_4X4)}

MIN_LEVELS, MAX_LEVELS = 2, 10
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


def _text(item: Any, key: str) -> str:
    value = item.get(key, "") if isinstance(item, dict) else ""
    return value.strip() if isinstance(value, str) else ""


def clean_scale(levels: Any, *, name: str, with_dimensions: bool = False) -> list[dict[str, Any]]:
    """A scale of ``MIN_LEVELS`` to ``MAX_LEVELS`` levels, each with a label; raises ``ValidationError``."""
    if not isinstance(levels, list) or not MIN_LEVELS <= len(levels) <= MAX_LEVELS:
        raise ValidationError(
            _("The %(scale)s scale must have between %(min)d and %(max)d levels.")
            % {"scale": name, "min": MIN_LEVELS, "max": MAX_LEVELS}
        )
    cleaned = []
    for number, item in enumerate(levels, start=1):
        label = _text(item, "label")
        if not label:
            raise ValidationError(
                _("Level %(number)d of the %(scale)s scale needs a name.") % {"number": number, "scale": name}
            )
        entry: dict[str, Any] = {"label": label[:80], "definition": _text(item, "definition")[:300]}
        if with_dimensions:
            dims = item.get("dimensions") if isinstance(item, dict) else None
            dims = dims if isinstance(dims, dict) else {}
            entry["dimensions"] = {d: str(dims.get(d, "")).strip()[:200] for d in DIMENSIONS if dims.get(d)}
        cleaned.append(entry)
    return cleaned


def clean_risk_levels(levels: Any, *, max_score: int) -> list[dict[str, Any]]:
    """Risk levels, lowest first, with rising thresholds that start at 1; raises ``ValidationError``."""
    if not isinstance(levels, list) or not 2 <= len(levels) <= 6:
        raise ValidationError(_("A matrix needs between 2 and 6 risk levels."))
    cleaned = []
    previous = 0
    for number, item in enumerate(levels, start=1):
        label = _text(item, "label")
        colour = _text(item, "colour")
        try:
            min_score = int(item.get("min_score"))
            review_months = int(item.get("review_months"))
        except (TypeError, ValueError, AttributeError):
            raise ValidationError(
                _("Risk level %(number)d needs a lowest score and a review interval in whole numbers.")
                % {"number": number}
            ) from None
        if not label:
            raise ValidationError(_("Risk level %(number)d needs a name.") % {"number": number})
        if not _COLOUR.match(colour):
            raise ValidationError(
                _("The colour of risk level %(number)d must be written as #rrggbb, for example #c62828.")
                % {"number": number}
            )
        if number == 1 and min_score != 1:
            raise ValidationError(_("The lowest risk level must start at score 1."))
        if min_score <= previous or min_score > max_score:
            raise ValidationError(
                _("The lowest score of risk level %(number)d must be higher than the level below and at most %(max)d.")
                % {"number": number, "max": max_score}
            )
        if not 1 <= review_months <= 120:
            raise ValidationError(
                _("The review interval of risk level %(number)d must be between 1 and 120 months.") % {"number": number}
            )
        previous = min_score
        cleaned.append(
            {"label": label[:60], "colour": colour.lower(), "min_score": min_score, "review_months": review_months}
        )
    return cleaned
