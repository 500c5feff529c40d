"""Forms of the insurance programme. Thin: they turn input into values; the services decide what is valid.

Amounts are read as text, so that ``12 500,50`` and ``0,5`` work as Swedish people write them; the service
checks them and answers in Swedish.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from varna.core.forms import RevisionMixin
from varna.core.models import User
from varna.insurance.models import CoverLine, DeductibleKind, InsurancePolicy, Procurement
from varna.insurance.selectors import programme as selectors
from varna.insurance.services.programme import MAX_REMINDER_MONTHS, price_base_years_open

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
AMOUNT = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})


def amount_text(value: Decimal | None) -> str:
    """``Decimal("12500.00")`` → ``12500``, ``Decimal("0.50")`` → ``0,5``: how the form shows an amount."""
    if value is None:
        return ""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


class CoverLineChoiceField(forms.ModelChoiceField[CoverLine]):
    def label_from_instance(self, obj: CoverLine) -> str:
        return obj.name if obj.is_active else str(_("%(name)s (retired)") % {"name": obj.name})


class PolicyForm(RevisionMixin):
    cover_line = CoverLineChoiceField(label=_("Cover line"), queryset=CoverLine.objects.none())
    insurer = forms.CharField(
        label=_("Insurer"), max_length=200, help_text=_("The insurance company, or the municipality's own captive.")
    )
    is_captive = forms.BooleanField(label=_("The municipality's own captive"), required=False)
    policy_number = forms.CharField(label=_("Policy number"), max_length=60)
    valid_from = forms.DateField(label=_("Valid from"), widget=DATE)
    valid_to = forms.DateField(label=_("Valid to"), widget=DATE)
    premium = forms.CharField(label=_("Premium per year (kr)"), max_length=40, widget=AMOUNT)
    sum_insured = forms.CharField(
        label=_("Sum insured or limit (kr, optional)"), required=False, max_length=40, widget=AMOUNT
    )
    deductible_kind = forms.ChoiceField(
        label=_("The deductible is given"), choices=DeductibleKind.choices, widget=forms.RadioSelect
    )
    deductible_amount = forms.CharField(
        label=_("Deductible in kronor"),
        required=False,
        max_length=40,
        widget=AMOUNT,
        help_text=_("When the deductible is given in kronor."),
    )
    deductible_price_base = forms.CharField(
        label=_("Deductible in price base amounts"),
        required=False,
        max_length=20,
        widget=AMOUNT,
        help_text=_("When the deductible is given in price base amounts, for example 0,5."),
    )
    conditions = forms.CharField(
        label=_("Conditions that matter for prevention (optional)"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For example: theft is covered only where the premises have an approved intrusion alarm."),
    )
    units = forms.CharField(
        label=_("Units covered (optional)"),
        required=False,
        max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line, by code or name. Leave it empty when the policy covers the whole organisation."),
    )
    facilities = forms.CharField(
        label=_("Facilities covered (optional)"),
        required=False,
        max_length=100_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line, by name. Where several facilities share a name, write “name / unit code”."),
    )
    note = forms.CharField(
        label=_("Note (optional)"), required=False, max_length=10_000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, user: User, policy: InsurancePolicy | None = None, **kwargs: Any) -> None:
        if policy is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_for(policy)
        kwargs.setdefault("initial", {"deductible_kind": DeductibleKind.AMOUNT})
        super().__init__(*args, **kwargs)
        self.user = user
        field = self.fields["cover_line"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101 - declared above
        field.queryset = selectors.cover_line_choices(user, policy.cover_line if policy else None)
        field.empty_label = _("Choose a cover line")

    @staticmethod
    def initial_for(policy: InsurancePolicy) -> dict[str, Any]:
        units, facilities = selectors.covered_text(policy)
        return {
            "cover_line": policy.cover_line_id,
            "insurer": policy.insurer,
            "is_captive": policy.is_captive,
            "policy_number": policy.policy_number,
            "valid_from": policy.valid_from,
            "valid_to": policy.valid_to,
            "premium": amount_text(policy.premium),
            "sum_insured": amount_text(policy.sum_insured),
            "deductible_kind": policy.deductible_kind,
            "deductible_amount": amount_text(policy.deductible_amount),
            "deductible_price_base": amount_text(policy.deductible_price_base),
            "conditions": policy.conditions,
            "units": units,
            "facilities": facilities,
            "note": policy.note,
            "revision": policy.revision,
        }

    def clean_units(self) -> Any:
        nodes, problems = selectors.resolve_units(self.user, self.cleaned_data.get("units", ""))
        if problems:
            raise forms.ValidationError(_("Check the units: %(problems)s.") % {"problems": "; ".join(problems)})
        return nodes

    def clean_facilities(self) -> Any:
        facilities, problems = selectors.resolve_facilities(self.user, self.cleaned_data.get("facilities", ""))
        if problems:
            raise forms.ValidationError(_("Check the facilities: %(problems)s.") % {"problems": "; ".join(problems)})
        return facilities

    def values(self) -> dict[str, Any]:
        """The service's keyword arguments (``revision`` apart)."""
        data = self.cleaned_data
        return {
            "cover_line": data["cover_line"],
            "insurer": data["insurer"],
            "is_captive": data["is_captive"],
            "policy_number": data["policy_number"],
            "valid_from": data["valid_from"],
            "valid_to": data["valid_to"],
            "premium": data["premium"],
            "sum_insured": data["sum_insured"],
            "deductible_kind": data["deductible_kind"],
            "deductible_amount": data["deductible_amount"],
            "deductible_price_base": data["deductible_price_base"],
            "conditions": data["conditions"],
            "note": data["note"],
            "nodes": data["units"],
            "facilities": data["facilities"],
        }

    def shown_revision(self) -> int | None:
        value = self.cleaned_data.get("revision")
        return int(value) if value is not None else None


class CoverLineForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    order = forms.IntegerField(
        label=_("Order (optional)"),
        required=False,
        min_value=0,
        max_value=32_767,
        help_text=_("Lines are listed by this number, lowest first. Empty: last."),
    )


class CoverLineEditForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    order = forms.IntegerField(
        label=_("Order"), min_value=0, max_value=32_767, help_text=_("Lines are listed by this number, lowest first.")
    )
    is_active = forms.BooleanField(
        label=_("In use"),
        required=False,
        help_text=_("A retired line keeps its policies and claims but is not offered for new policies."),
    )

    @staticmethod
    def initial_for(line: CoverLine) -> dict[str, Any]:
        return {"name": line.name, "order": line.order, "is_active": line.is_active}


class PriceBaseAmountForm(forms.Form):
    year = forms.IntegerField(label=_("Year"))
    amount = forms.CharField(label=_("Prisbasbelopp (kr)"), max_length=20, widget=AMOUNT)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        first, last = price_base_years_open()
        self.fields["year"].widget.attrs.update(min=first, max=last)


class ProcurementForm(RevisionMixin):
    cover_lines = forms.ModelMultipleChoiceField(
        label=_("Cover lines procured"),
        queryset=CoverLine.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    decided_on = forms.DateField(label=_("Date of the award decision"), widget=DATE)
    insurer = forms.CharField(label=_("Insurer chosen"), max_length=200)
    contract_from = forms.DateField(label=_("Contract from"), widget=DATE)
    contract_to = forms.DateField(label=_("Contract to"), widget=DATE)
    next_procurement_on = forms.DateField(
        label=_("Next procurement (optional)"),
        required=False,
        widget=DATE,
        help_text=_("The date by which the next procurement must be decided."),
    )
    reminder_months = forms.IntegerField(
        label=_("Remind this many months before"),
        min_value=0,
        max_value=MAX_REMINDER_MONTHS,
        initial=6,
        help_text=_("Those who keep the insurance programme get a mail this many months before the date."),
    )
    note = forms.CharField(
        label=_("Note (optional)"), required=False, max_length=10_000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, user: User, procurement: Procurement | None = None, **kwargs: Any) -> None:
        if procurement is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_for(procurement)
        super().__init__(*args, **kwargs)
        field = self.fields["cover_lines"]
        assert isinstance(field, forms.ModelMultipleChoiceField)  # noqa: S101 - declared above
        chosen = [line.pk for line in procurement.cover_lines.all()] if procurement else []
        field.queryset = selectors.cover_lines(user).filter(Q(is_active=True) | Q(pk__in=chosen))

    @staticmethod
    def initial_for(procurement: Procurement) -> dict[str, Any]:
        return {
            "cover_lines": [line.pk for line in procurement.cover_lines.all()],
            "decided_on": procurement.decided_on,
            "insurer": procurement.insurer,
            "contract_from": procurement.contract_from,
            "contract_to": procurement.contract_to,
            "next_procurement_on": procurement.next_procurement_on,
            "reminder_months": procurement.reminder_months,
            "note": procurement.note,
            "revision": procurement.revision,
        }

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "cover_lines": list(data["cover_lines"]),
            "decided_on": data["decided_on"],
            "insurer": data["insurer"],
            "contract_from": data["contract_from"],
            "contract_to": data["contract_to"],
            "next_procurement_on": data["next_procurement_on"],
            "reminder_months": data["reminder_months"],
            "note": data["note"],
        }

    def shown_revision(self) -> int | None:
        value = self.cleaned_data.get("revision")
        return int(value) if value is not None else None


class ExposureYearForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["year"]
        assert isinstance(field, forms.TypedChoiceField)  # noqa: S101 - declared above
        field.choices = [(y, str(y)) for y in years]
