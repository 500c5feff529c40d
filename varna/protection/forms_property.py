"""The form of a piece of theft-prone property (K13). Thin: the services decide what is valid."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from varna.core.forms import RevisionMixin
from varna.protection.models import AssetKind, Marking, TheftProneAsset

FIELDS = ("kind", "make", "serial_number", "marking", "value", "note")


class AssetForm(RevisionMixin):
    kind = forms.ChoiceField(label=gettext_lazy("Kind of property"), choices=AssetKind.choices)
    make = forms.CharField(
        label=gettext_lazy("Make and model (optional)"),
        max_length=200,
        required=False,
        help_text=gettext_lazy("For example Epson EB-W49."),
    )
    serial_number = forms.CharField(label=gettext_lazy("Serial number (optional)"), max_length=100, required=False)
    marking = forms.ChoiceField(
        label=gettext_lazy("Marking"),
        choices=Marking.choices,
        widget=forms.RadioSelect,
        help_text=gettext_lazy(
            "Marked property carries the municipality's theft marking (for example DNA or engraving)."
        ),
    )
    value = forms.DecimalField(
        label=gettext_lazy("Value in kronor (optional)"),
        required=False,
        min_value=0,
        max_value=999_999_999,
        decimal_places=2,
    )
    note = forms.CharField(
        label=gettext_lazy("Note (optional)"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, asset: TheftProneAsset | None = None, **kwargs: Any) -> None:
        if asset is not None and "initial" not in kwargs:
            kwargs["initial"] = {name: getattr(asset, name) for name in (*FIELDS, "revision")}
        kwargs.setdefault("initial", {"marking": Marking.UNMARKED})
        super().__init__(*args, **kwargs)

    def values(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in FIELDS}
