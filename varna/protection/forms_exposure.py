"""Forms of the exposure (G11): the coordinator's override of a facility's level, and the protection each kind of
facility needs when its exposure is high. Thin: :mod:`varna.protection.services.exposure` decides what is valid."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from varna.protection.models import ExposureLevel, FacilityExposure, FacilityKind, SystemKind


class OverrideForm(forms.Form):
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)
    level = forms.ChoiceField(
        label=_("Exposure"),
        choices=[("", _("As derived (no level set by hand)")), *ExposureLevel.choices],
        required=False,
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why the level is set by hand, or why it goes back to the derived one. It is kept in the history."),
        error_messages={"required": _("Write why the exposure is set by hand or changed back.")},
    )

    def __init__(self, *args: Any, exposure: FacilityExposure | None = None, **kwargs: Any) -> None:
        if exposure is not None:
            kwargs.setdefault("initial", {"revision": exposure.revision, "level": exposure.override_level})
        super().__init__(*args, **kwargs)

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"level": data["level"], "reason": data["reason"], "revision": data.get("revision")}


class RequiredProtectionForm(forms.Form):
    """One group of check boxes per kind of facility: the kinds of system it needs when its exposure is high."""

    def __init__(self, *args: Any, required: dict[str, set[str]], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {kind: sorted(required.get(kind, set())) for kind in FacilityKind.values})
        super().__init__(*args, **kwargs)
        for kind, label in FacilityKind.choices:
            self.fields[kind] = forms.MultipleChoiceField(
                label=label, choices=SystemKind.choices, required=False, widget=forms.CheckboxSelectMultiple
            )

    def values(self) -> dict[str, set[str]]:
        return {kind: set(self.cleaned_data.get(kind) or []) for kind in FacilityKind.values}
