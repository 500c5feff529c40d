"""Forms of the risk analysis pages. Thin: they offer the right choices and shape the input; the services decide.

People are offered from the analysed node's subtree only (never the whole municipality), incidents
from the node's subtree over the last five years, and every judgement uses the analysis's own
matrix version.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from varna.core import selectors as core_selectors
from varna.core.access import Perm
from varna.core.models import Dimension, Node, SecurityArea, User
from varna.core.widgets import FastSelect
from varna.incidents.models import Incident
from varna.protection.models import Facility
from varna.risks import selectors
from varna.risks.models import (
    DIMENSIONS,
    AnalysisStatus,
    AnalysisTrigger,
    MeasureStatus,
    MeasureType,
    Priority,
    Risk,
    RiskAnalysis,
    RiskAssessment,
    RiskMatrix,
    RiskStatus,
    Stage,
    Timeframe,
)
from varna.risks.services import Judgement

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DEFAULT_METHOD = _("Coarse analysis with a risk matrix")

MEASURE_TYPE_HELP = {
    MeasureType.ELIMINATE: _("The risk disappears, for example by removing what causes it."),
    MeasureType.PREVENT: _("The damage becomes less likely to happen, for example a lock, a routine or training."),
    MeasureType.LIMIT: _(
        "The damage becomes smaller if it happens anyway, for example a fire alarm, a sprinkler or a backup."
    ),
}


def _choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared by the form
    return field


def _model_field(form: forms.BaseForm, name: str) -> forms.ModelChoiceField[Any]:
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - declared by the form
    return field


def _person_label(person: User) -> str:
    title = f", {person.job_title}" if person.job_title else ""
    return f"{person.get_full_name() or person.username}{title}"


def _offer_people(form: forms.BaseForm, name: str, node: Node, selected: list[int], *, multiple: bool) -> None:
    """Accept anyone of the node's subtree in ``name``; list only a bounded number of them."""
    field = _model_field(form, name)
    field.queryset = selectors.staff_of(node)
    listed = [(p.pk, _person_label(p)) for p in selectors.staff_to_list(node, selected)]
    field.widget.choices = listed if multiple else [("", _("No one chosen")), *listed]


def parse_whole_amount(value: Any) -> Decimal | None:
    """An amount in whole kronor as people write it (``12 000``, ``12000 kr``); empty gives ``None``."""
    text = str(value or "").replace("\u00a0", "").replace(" ", "").replace("kr", "").replace(",", ".")
    if not text:
        return None
    try:
        amount = Decimal(text)
    except InvalidOperation as exc:
        raise forms.ValidationError(_("Write the amount in whole kronor, for example 12 000.")) from exc
    if not amount.is_finite() or amount < 0:
        raise forms.ValidationError(_("The amount cannot be negative."))
    if amount != amount.to_integral_value() or amount >= Decimal("1000000000000"):
        raise forms.ValidationError(_("Write the amount in whole kronor, for example 12 000."))
    return amount


class AmountField(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric"}))
        super().__init__(**kwargs)

    def clean(self, value: Any) -> Decimal | None:
        super().clean(value)
        return parse_whole_amount(value)


# --- analyses ----------------------------------------------------------------------


class AnalysisFilterForm(forms.Form):
    q = forms.CharField(label=_("Title or number"), required=False, max_length=100)
    node = forms.TypedChoiceField(
        label=_("Unit (with units below)"), required=False, coerce=int, empty_value=None, widget=FastSelect
    )
    status = forms.ChoiceField(label=_("Status"), required=False)
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    trigger = forms.ChoiceField(label=_("Reason"), required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice_field(self, "node").choices = [
            ("", _("All units")),
            *core_selectors.node_choices(
                user, Perm.VIEW_RISKS, for_filter=True, selected=core_selectors.selected_node(self)
            ),
        ]
        _choice_field(self, "status").choices = [("", _("All")), *AnalysisStatus.choices]
        this_year = timezone.localdate().year
        _choice_field(self, "year").choices = [("", _("All years"))] + [
            (y, str(y)) for y in range(this_year + 1, this_year - 11, -1)
        ]
        _choice_field(self, "trigger").choices = [("", _("All reasons")), *AnalysisTrigger.choices]


class AnalysisForm(forms.Form):
    """The details of an analysis. ``node`` only when it is created; ``participants`` only once it exists."""

    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)
    node = forms.TypedChoiceField(label=_("Unit analysed"), coerce=int)
    title = forms.CharField(label=_("Title"), max_length=200)
    analysed_on = forms.DateField(label=_("Date of the analysis"), widget=DATE)
    trigger = forms.ChoiceField(label=_("Reason for the analysis"), choices=AnalysisTrigger.choices)
    facility = forms.ModelChoiceField(
        label=_("Premises"),
        queryset=Facility.objects.none(),
        required=False,
        help_text=_(
            "Required when the analysis is made before building work or an installation of technical protection."
        ),
    )
    scope = forms.CharField(
        label=_("Scope"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the analysis covers, for example the whole preschool or the kitchen."),
    )
    method = forms.CharField(label=_("Method"), required=False, max_length=200)
    security_areas = forms.ModelMultipleChoiceField(
        label=_("Security areas"),
        queryset=SecurityArea.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    responsible = forms.ModelChoiceField(label=_("Responsible"), queryset=User.objects.none(), required=False)
    participants = forms.ModelMultipleChoiceField(
        label=_("Participants"), queryset=User.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    participant_other = forms.CharField(
        label=_("Add a participant who is not listed: user name, e-mail or employee number"),
        required=False,
        max_length=150,
    )
    other_participants = forms.CharField(
        label=_("Other participants and their roles"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example the safety representative or the property manager."),
    )
    affected_staff = forms.CharField(
        label=_("Affected staff"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )
    next_review = forms.DateField(
        label=_("Next review"),
        required=False,
        widget=DATE,
        help_text=_("Leave empty to have it proposed from the risk levels when the analysis is done."),
    )

    def __init__(
        self,
        *args: Any,
        user: User,
        analysis: RiskAnalysis | None = None,
        prefill: Mapping[str, str] | None = None,
        **kwargs: Any,
    ) -> None:
        if analysis is not None:
            kwargs.setdefault("initial", _analysis_initial(analysis))
        else:
            initial = {"analysed_on": timezone.localdate(), "method": DEFAULT_METHOD}
            kwargs.setdefault("initial", initial | _prefilled(user, prefill or {}))
        super().__init__(*args, **kwargs)
        self.user = user
        self.analysis = analysis
        self.fields["facility"].queryset = selectors.facilities_for(user)  # type: ignore[attr-defined]
        self.fields["security_areas"].queryset = selectors.security_areas(user.organisation_id)  # type: ignore[attr-defined]
        if analysis is None:
            del self.fields["revision"], self.fields["participants"], self.fields["participant_other"]
            del self.fields["responsible"]
            _choice_field(self, "node").choices = [
                ("", _("Choose a unit")),
                *core_selectors.node_choices(user, Perm.MANAGE_RISKS),
            ]
        else:
            del self.fields["node"]
            selected = [int(pk) for pk in self.initial.get("participants", [])]
            _offer_people(self, "participants", analysis.node, selected, multiple=True)
            responsible = [analysis.responsible_id] if analysis.responsible_id else []
            _offer_people(self, "responsible", analysis.node, responsible, multiple=False)

    def clean_node(self) -> Node:
        node = core_selectors.node_in_scope(self.user, Perm.MANAGE_RISKS, self.cleaned_data["node"])
        if node is None:
            raise forms.ValidationError(_("Choose a unit where you may make risk analyses."))
        return node

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("trigger") in (AnalysisTrigger.PREMISES, AnalysisTrigger.TECHNICAL_PROTECTION) and not data.get(
            "facility"
        ):
            self.add_error(
                "facility",
                _("An analysis before building work or installing technical protection must name the premises."),
            )
        start, review = data.get("analysed_on"), data.get("next_review")
        if start and review and review <= start:
            self.add_error("next_review", _("The next review must come after the date of the analysis."))
        other = data.get("participant_other", "")
        if other and self.analysis is not None:
            person = selectors.find_staff(self.analysis.node, other)
            if person is None:
                self.add_error(
                    "participant_other",
                    _("No active person employed in the unit or below has that user name, e-mail or employee number."),
                )
            else:
                data["participants"] = [*data.get("participants", []), person]
        return data

    def values(self) -> dict[str, Any]:
        """Keyword arguments for the services."""
        names = [n for n in self.fields if n not in ("revision", "participant_other")]
        return {name: self.cleaned_data[name] for name in names}


def _prefilled(user: User, prefill: Mapping[str, str]) -> dict[str, Any]:
    """A new analysis started from another page (a flagged facility's link: ``node``, ``facility``, ``trigger``);
    what does not fit is left out, and the form's own checks still apply when it is sent."""
    found: dict[str, Any] = {}
    if str(prefill.get("node", "")).isdigit():
        found["node"] = int(prefill["node"])
    if prefill.get("trigger") in AnalysisTrigger.values:
        found["trigger"] = prefill["trigger"]
    if str(prefill.get("facility", "")).isdigit():
        facility = selectors.facilities_for(user).filter(pk=int(prefill["facility"])).first()
        if facility is not None:
            found["facility"] = facility.pk
            found["title"] = _("Risk analysis of %(facility)s") % {"facility": facility.name}
    return found


def _analysis_initial(analysis: RiskAnalysis) -> dict[str, Any]:
    return {
        "revision": analysis.revision,
        "title": analysis.title,
        "analysed_on": analysis.analysed_on,
        "trigger": analysis.trigger,
        "facility": analysis.facility_id,
        "scope": analysis.scope,
        "method": analysis.method,
        "security_areas": list(analysis.security_areas.values_list("pk", flat=True)),
        "responsible": analysis.responsible_id,
        "participants": list(analysis.participants.values_list("pk", flat=True)),
        "other_participants": analysis.other_participants,
        "affected_staff": analysis.affected_staff,
        "next_review": analysis.next_review,
    }


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=AnalysisStatus.choices)
    revision = forms.IntegerField(widget=forms.HiddenInput)


class ConfirmDeleteForm(forms.Form):
    confirm = forms.BooleanField(label=_("Yes, remove it"), required=True)


# --- judgements --------------------------------------------------------------------


class JudgementForm(forms.Form):
    """One judgement of a risk on the analysis's matrix: likelihood and consequence per dimension."""

    likelihood = forms.TypedChoiceField(
        label=_("Likelihood"), required=False, coerce=int, empty_value=None, widget=forms.RadioSelect
    )
    rationale = forms.CharField(
        label=_("Reasoning (optional)"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, matrix: RiskMatrix, stage: str, required: bool = False, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", stage)
        super().__init__(*args, **kwargs)
        self.matrix = matrix
        self.stage = stage
        self.is_required = required
        _choice_field(self, "likelihood").choices = [
            *([] if required else [("", _("Not judged"))]),
            *[
                (n, f"{n} {level['label']}" + (f" - {level['definition']}" if level.get("definition") else ""))
                for n, level in enumerate(matrix.likelihood_levels, start=1)
            ],
        ]
        labels = dict(Dimension.choices)
        for dimension in DIMENSIONS:
            options: list[tuple[Any, Any]] = [("", _("Not judged"))]
            for n, level in enumerate(matrix.consequence_levels, start=1):
                text = (level.get("dimensions") or {}).get(dimension) or level.get("definition") or ""
                options.append((n, f"{n} {level['label']}" + (f" - {text}" if text else "")))
            self.fields[dimension] = forms.TypedChoiceField(
                label=labels[dimension], required=False, coerce=int, empty_value=None, choices=options
            )
        self.order_fields(["likelihood", *DIMENSIONS, "rationale"])

    @property
    def title(self) -> str:
        return str(Stage(self.stage).label)

    def dimension_fields(self) -> list[forms.BoundField]:
        return [self[d] for d in DIMENSIONS]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        judged = [d for d in DIMENSIONS if data.get(d)]
        if data.get("likelihood") and not judged:
            self.add_error(None, _("Judge the consequence for at least one dimension."))
        elif (judged or self.is_required) and not data.get("likelihood"):
            self.add_error("likelihood", _("Choose a likelihood."))
        return data

    def judgement(self) -> Judgement | None:
        data = self.cleaned_data
        if not data.get("likelihood"):
            return None
        return Judgement(
            likelihood=data["likelihood"],
            consequences={d: data.get(d) for d in DIMENSIONS},
            rationale=data.get("rationale", "").strip(),
        )


def judgement_initial(assessment: RiskAssessment | None) -> dict[str, Any]:
    if assessment is None:
        return {}
    return {"likelihood": assessment.likelihood, "rationale": assessment.rationale} | assessment.consequences()


def judgement_forms(
    data: Any, matrix: RiskMatrix, assessments: dict[str, RiskAssessment] | None = None
) -> dict[str, JudgementForm]:
    assessments = assessments or {}
    return {
        stage: JudgementForm(data, matrix=matrix, stage=stage, initial=judgement_initial(assessments.get(stage)))
        for stage in (Stage.CURRENT, Stage.INHERENT, Stage.RESIDUAL)
    }


# --- risks -------------------------------------------------------------------------


def _incident_label(incident: Incident) -> str:
    cost = f"{incident.total_cost:,.0f}".replace(",", "\u00a0")
    return f"{incident.occurred_on:%Y-%m-%d} · {incident.incident_type.name} · {cost} kr · {incident.number}"


class RiskForm(forms.Form):
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)
    security_area = forms.ModelChoiceField(label=_("Security area"), queryset=SecurityArea.objects.none())
    title = forms.CharField(label=_("Risk"), max_length=200, help_text=_("Describe the risk in a few words."))
    description = forms.CharField(
        label=_("Description"), required=False, max_length=8000, widget=forms.Textarea(attrs={"rows": 3})
    )
    threat = forms.CharField(
        label=_("Threat or cause"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )
    timeframe = forms.ChoiceField(
        label=_("Existing or future"), choices=Timeframe.choices, initial=Timeframe.EXISTING, widget=forms.RadioSelect
    )
    current_controls = forms.CharField(
        label=_("Controls in place today"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )
    owner = forms.ModelChoiceField(label=_("Risk owner"), queryset=User.objects.none(), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=RiskStatus.choices, initial=RiskStatus.OPEN)
    incidents = forms.ModelMultipleChoiceField(
        label=_("Linked incidents"),
        queryset=Incident.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Incidents in the unit over the last five years that show the risk is real (the newest 100)."),
    )

    def __init__(
        self, *args: Any, user: User, analysis: RiskAnalysis, risk: Risk | None = None, can_link: bool, **kwargs: Any
    ) -> None:
        linked: list[int] = []
        if risk is not None:
            linked = list(risk.incidents.values_list("pk", flat=True))
            kwargs.setdefault(
                "initial",
                {
                    "revision": risk.revision,
                    "security_area": risk.security_area_id,
                    "title": risk.title,
                    "description": risk.description,
                    "threat": risk.threat,
                    "timeframe": risk.timeframe,
                    "current_controls": risk.current_controls,
                    "owner": risk.owner_id,
                    "status": risk.status,
                    "incidents": linked,
                },
            )
        super().__init__(*args, **kwargs)
        self.fields["security_area"].queryset = selectors.security_areas(user.organisation_id)  # type: ignore[attr-defined]
        _offer_people(self, "owner", analysis.node, [risk.owner_id] if risk and risk.owner_id else [], multiple=False)
        if risk is None:
            del self.fields["revision"], self.fields["status"]
        if not can_link:
            del self.fields["incidents"]
            return
        candidates = selectors.incidents_for_linking(user, analysis.node, include=linked)
        field = _model_field(self, "incidents")
        field.queryset = candidates
        shown = list(candidates[: selectors.INCIDENT_LIMIT])
        shown_ids = {i.pk for i in shown}
        missing = [pk for pk in linked if pk not in shown_ids]
        if missing:  # linked earlier, still visible, but beyond the newest 100
            shown += list(candidates.filter(pk__in=missing))
        field.widget.choices = [(i.pk, _incident_label(i)) for i in shown]
        self.has_incidents = bool(shown)

    def values(self) -> dict[str, Any]:
        names = [n for n in self.fields if n not in ("revision", "incidents")]
        return {name: self.cleaned_data[name] for name in names}


class RiskFilterForm(forms.Form):
    q = forms.CharField(label=_("Risk"), required=False, max_length=100)
    node = forms.TypedChoiceField(
        label=_("Unit (with units below)"), required=False, coerce=int, empty_value=None, widget=FastSelect
    )
    security_area = forms.TypedChoiceField(label=_("Security area"), required=False, coerce=int, empty_value=None)
    level = forms.TypedChoiceField(label=_("Risk level today"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(label=_("Status"), required=False)
    timeframe = forms.ChoiceField(label=_("Existing or future"), required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice_field(self, "node").choices = [
            ("", _("All units")),
            *core_selectors.node_choices(
                user, Perm.VIEW_RISKS, for_filter=True, selected=core_selectors.selected_node(self)
            ),
        ]
        areas = selectors.security_areas(user.organisation_id).values_list("pk", "name")
        _choice_field(self, "security_area").choices = [("", _("All areas")), *areas]
        _choice_field(self, "level").choices = [("", _("All levels")), *selectors.level_choices(user)]
        _choice_field(self, "status").choices = [("", _("All")), *RiskStatus.choices]
        _choice_field(self, "timeframe").choices = [("", _("Both")), *Timeframe.choices]


# --- measures ----------------------------------------------------------------------


def _risk_label(risk: Any) -> str:
    return f"{risk.number} {risk.title}"


class MeasureForm(forms.Form):
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)
    measure_type = forms.ChoiceField(label=_("Type of measure"), choices=MeasureType.choices, widget=forms.RadioSelect)
    is_continuity = forms.BooleanField(
        label=_("Continuity measure"),
        required=False,
        help_text=_("Readiness to solve problems with premises or operations after a damage (K9)."),
    )
    title = forms.CharField(label=_("Measure"), max_length=200, help_text=_("Describe the measure in a few words."))
    description = forms.CharField(
        label=_("Description"), required=False, max_length=8000, widget=forms.Textarea(attrs={"rows": 3})
    )
    risks = forms.ModelMultipleChoiceField(
        label=_("Risks the measure is for"),
        queryset=Risk.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one risk that the measure is for.")},
    )
    investment = AmountField(label=_("Investment (SEK)"), required=False)
    yearly_cost = AmountField(label=_("Yearly cost (SEK)"), required=False)
    lifetime_years = forms.IntegerField(label=_("Lifetime (years)"), min_value=1, max_value=100, initial=10)
    likelihood_reduction = forms.IntegerField(
        label=_("Lowers the likelihood by (levels)"), min_value=0, max_value=10, initial=0
    )
    consequence_reduction = forms.IntegerField(
        label=_("Lowers the consequence by (levels)"), min_value=0, max_value=10, initial=0
    )
    expected_reduction = AmountField(
        label=_("Expected reduction of damage cost (SEK per year)"),
        required=False,
        help_text=_("Leave empty to derive it from the damage history of the risks' linked incidents."),
    )
    effect_share = forms.IntegerField(
        label=_("Share of the damage cost avoided (%)"),
        required=False,
        min_value=0,
        max_value=100,
        help_text=_("Used with the damage history when no expected reduction is entered."),
    )
    priority = forms.TypedChoiceField(
        label=_("Priority"), choices=Priority.choices, coerce=int, initial=Priority.MEDIUM
    )
    financing = forms.CharField(label=_("Financing"), required=False, max_length=200)
    responsible = forms.ModelChoiceField(label=_("Responsible"), queryset=User.objects.none(), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=MeasureStatus.choices, initial=MeasureStatus.PROPOSED)
    done_on = forms.DateField(
        label=_("Carried out on"),
        required=False,
        widget=DATE,
        help_text=_("When the status is carried out. Leave it empty for today. The effect is measured from this day."),
    )

    def __init__(self, *args: Any, analysis: RiskAnalysis, measure: Any = None, **kwargs: Any) -> None:
        if measure is not None:
            kwargs.setdefault(
                "initial",
                {
                    "revision": measure.revision,
                    "measure_type": measure.measure_type,
                    "is_continuity": measure.is_continuity,
                    "title": measure.title,
                    "description": measure.description,
                    "risks": list(measure.risks.values_list("pk", flat=True)),
                    "investment": f"{measure.investment:.0f}",
                    "yearly_cost": f"{measure.yearly_cost:.0f}",
                    "lifetime_years": measure.lifetime_years,
                    "likelihood_reduction": measure.likelihood_reduction,
                    "consequence_reduction": measure.consequence_reduction,
                    "expected_reduction": ""
                    if measure.expected_reduction is None
                    else f"{measure.expected_reduction:.0f}",
                    "effect_share": measure.effect_share,
                    "priority": measure.priority,
                    "financing": measure.financing,
                    "responsible": measure.responsible_id,
                    "status": measure.status,
                    "done_on": measure.done_on,
                },
            )
        super().__init__(*args, **kwargs)
        if measure is None:
            del self.fields["revision"]
        risks = _model_field(self, "risks")
        risks.queryset = Risk.objects.filter(analysis=analysis).order_by("pk")
        risks.label_from_instance = _risk_label  # type: ignore[method-assign,assignment]
        chosen = [measure.responsible_id] if measure is not None and measure.responsible_id else []
        _offer_people(self, "responsible", analysis.node, chosen, multiple=False)
        self.type_help = MEASURE_TYPE_HELP

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("revision", None)
        for name in ("investment", "yearly_cost"):
            data[name] = data[name] or Decimal(0)
        return data
