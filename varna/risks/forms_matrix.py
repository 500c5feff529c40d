"""Forms for the risk matrix: a new version written as one line per level, and putting a shipped matrix in use.

The scales are written lowest level first, one level a line:
- likelihood: ``Label | definition``
- consequence: ``Label | definition | People: text | Operations: text ...`` (the per-dimension texts are optional)
- risk levels: ``Label | #rrggbb | lowest score | review interval in months``

The form only splits the lines; the rules (number of levels, rising thresholds, colours) are the
services' (``varna.risks.matrices``), and their messages are shown at the form.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from varna.core.models import Dimension
from varna.risks import matrices
from varna.risks.models import DIMENSIONS, Aggregation, RiskMatrix

SEPARATOR = "|"
MAX_LINES = 20


def _lines(text: str) -> list[tuple[int, list[str]]]:
    """Non-empty lines as (line number, stripped parts)."""
    out = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            out.append((number, [part.strip() for part in line.split(SEPARATOR)]))
    return out


def _dimension_keys() -> dict[str, str]:
    """Names a per-dimension text may start with: the code and the label in Swedish and English, lower case."""
    keys: dict[str, str] = {}
    for dimension in Dimension:
        keys[dimension.value] = dimension.value
        for language in ("sv", "en"):
            with override(language):
                keys[str(dimension.label).lower()] = dimension.value
    return keys


def scale_text(levels: list[dict[str, Any]], *, with_dimensions: bool = False) -> str:
    """A stored scale written back as lines, for the form's initial value."""
    lines = []
    for level in levels:
        parts = [str(level.get("label", "")), str(level.get("definition", ""))]
        if with_dimensions:
            dims = level.get("dimensions") or {}
            parts += [f"{Dimension(d).label}: {dims[d]}" for d in DIMENSIONS if dims.get(d)]
        lines.append(f" {SEPARATOR} ".join(parts).rstrip(f" {SEPARATOR}"))
    return "\n".join(lines)


def risk_levels_text(levels: list[dict[str, Any]]) -> str:
    return "\n".join(
        f" {SEPARATOR} ".join([str(lv["label"]), str(lv["colour"]), str(lv["min_score"]), str(lv["review_months"])])
        for lv in levels
    )


class MatrixForm(forms.Form):
    """A new version of the organisation's matrix."""

    name = forms.CharField(label=gettext_lazy("Name of the matrix"), max_length=120)
    likelihood = forms.CharField(
        label=gettext_lazy("Likelihood levels"),
        widget=forms.Textarea(attrs={"rows": 6, "cols": 80}),
        help_text=gettext_lazy("One level a line, the lowest first: Label | definition"),
    )
    consequence = forms.CharField(
        label=gettext_lazy("Consequence levels"),
        widget=forms.Textarea(attrs={"rows": 8, "cols": 80}),
        help_text=gettext_lazy(
            "One level a line, the lowest first: Label | definition | People: text | Operations: text | "
            "Property: text | Economy: text | Environment: text (the texts per dimension may be left out)"
        ),
    )
    risk_levels = forms.CharField(
        label=gettext_lazy("Risk levels"),
        widget=forms.Textarea(attrs={"rows": 5, "cols": 80}),
        help_text=gettext_lazy(
            "One level a line, the lowest first: Label | #colour | lowest score | review interval in months. "
            "The score is likelihood times consequence; the lowest level starts at 1."
        ),
    )
    aggregation = forms.ChoiceField(
        label=gettext_lazy("Consequence of a risk"),
        choices=Aggregation.choices,
        widget=forms.RadioSelect,
        initial=Aggregation.WORST,
    )
    based_on = forms.IntegerField(widget=forms.HiddenInput, required=False)

    @classmethod
    def initial_from(cls, matrix: RiskMatrix) -> dict[str, Any]:
        return {
            "name": matrix.name,
            "likelihood": scale_text(matrix.likelihood_levels),
            "consequence": scale_text(matrix.consequence_levels, with_dimensions=True),
            "risk_levels": risk_levels_text(matrix.risk_levels),
            "aggregation": matrix.aggregation,
            "based_on": matrix.version,
        }

    def _too_many(self, lines: list[tuple[int, list[str]]]) -> None:
        if len(lines) > MAX_LINES:
            raise forms.ValidationError(_("Write at most %(max)d lines.") % {"max": MAX_LINES})

    def clean_likelihood(self) -> list[dict[str, Any]]:
        lines = _lines(self.cleaned_data["likelihood"])
        self._too_many(lines)
        levels = []
        for number, parts in lines:
            if len(parts) > 2:
                raise forms.ValidationError(
                    _("Line %(number)d: write the label and the definition with one | between them.")
                    % {"number": number}
                )
            levels.append({"label": parts[0], "definition": parts[1] if len(parts) > 1 else ""})
        return levels

    def clean_consequence(self) -> list[dict[str, Any]]:
        lines = _lines(self.cleaned_data["consequence"])
        self._too_many(lines)
        keys = _dimension_keys()
        levels = []
        for number, parts in lines:
            dimensions: dict[str, str] = {}
            for part in parts[2:]:
                key, colon, text = part.partition(":")
                dimension = keys.get(key.strip().lower())
                if not colon or dimension is None:
                    raise forms.ValidationError(
                        _(
                            "Line %(number)d: after the definition, write each dimension's text as "
                            "'Dimension: text', for example 'People: several seriously injured'."
                        )
                        % {"number": number}
                    )
                if text.strip():
                    dimensions[dimension] = text.strip()
            levels.append(
                {"label": parts[0], "definition": parts[1] if len(parts) > 1 else "", "dimensions": dimensions}
            )
        return levels

    def clean_risk_levels(self) -> list[dict[str, Any]]:
        lines = _lines(self.cleaned_data["risk_levels"])
        self._too_many(lines)
        levels = []
        for number, parts in lines:
            if len(parts) != 4:
                raise forms.ValidationError(
                    _("Line %(number)d: write Label | #colour | lowest score | review interval in months.")
                    % {"number": number}
                )
            label, colour, min_score, review_months = parts
            levels.append({"label": label, "colour": colour, "min_score": min_score, "review_months": review_months})
        return levels

    def content(self) -> dict[str, Any]:
        """The keyword arguments for ``services.new_matrix_version`` (after ``is_valid``)."""
        data = self.cleaned_data
        return {
            "name": data["name"],
            "likelihood_levels": data["likelihood"],
            "consequence_levels": data["consequence"],
            "risk_levels": data["risk_levels"],
            "aggregation": data["aggregation"],
        }


class TemplateForm(forms.Form):
    """Put one of the shipped matrices in use."""

    template = forms.ChoiceField(choices=[(code, t.name) for code, t in matrices.TEMPLATES.items()])


def same_as(matrix: RiskMatrix | None, content: dict[str, Any]) -> bool:
    """Whether ``content`` (the arguments of a new version) would give ``matrix`` again: then no new version is made.

    Both sides go through the same cleaning as the services, so spacing and the order of keys do not matter.
    Content the services would refuse is never the same (the services then give their message).
    """
    if matrix is None:
        return False
    try:
        likelihood = matrices.clean_scale(content["likelihood_levels"], name="likelihood")
        consequence = matrices.clean_scale(content["consequence_levels"], name="consequence", with_dimensions=True)
        levels = matrices.clean_risk_levels(content["risk_levels"], max_score=len(likelihood) * len(consequence))
    except forms.ValidationError:
        return False
    return (
        str(content["name"]).strip()[:120] == matrix.name
        and likelihood == matrix.likelihood_levels
        and consequence == matrix.consequence_levels
        and levels == matrix.risk_levels
        and content["aggregation"] == matrix.aggregation
    )


def template_content(code: str) -> dict[str, Any]:
    t = matrices.TEMPLATES[code]
    return {
        "name": t.name,
        "likelihood_levels": t.likelihood_levels,
        "consequence_levels": t.consequence_levels,
        "risk_levels": t.risk_levels,
        "aggregation": t.aggregation,
    }
