"""Forms of the deductible fund: a booking, the rules, a payout request, a grant application and a decision.

Thin: they turn input into objects and figures; the services decide what is allowed.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from varna.core import selectors as core_selectors
from varna.core.access import Perm
from varna.core.forms import RevisionMixin
from varna.core.models import User
from varna.core.widgets import FastSelect
from varna.incidents.models import Incident
from varna.insurance.fund_rules import kr
from varna.insurance.models import Claim, FundEntryKind
from varna.insurance.selectors import fund as selectors
from varna.insurance.services.fund import MAX_TEXT
from varna.insurance.services.fund_requests import MAX_MOTIVATION, MAX_REASON

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MAX_AMOUNT = Decimal("999999999999.99")
BOOKABLE = (FundEntryKind.CONTRIBUTION, FundEntryKind.INTEREST, FundEntryKind.CORRECTION)
NO_CLAIM = "none"


class KronorField(forms.CharField):
    """An amount in kronor as people write it: ``12 000``, ``4 500,50``, ``12000 kr`` (``signed``: ``-4 500``)."""

    def __init__(self, *, signed: bool = False, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault("widget", forms.TextInput(attrs={} if signed else {"inputmode": "decimal"}))
        super().__init__(**kwargs)
        self.signed = signed

    def clean(self, value: Any) -> Decimal | None:
        text = super().clean(value)
        raw = re.sub(r"[\s\u00a0]|kr|sek|:-", "", str(text or ""), flags=re.IGNORECASE)
        raw = raw.replace("\u2212", "-").replace(",", ".")
        if not raw:
            return None
        message = (
            _("Write the amount in kronor, for example 4 500, -4 500 or 4 500,50.")
            if self.signed
            else _("Write the amount in kronor, for example 4 500 or 4 500,50.")
        )
        try:
            amount = Decimal(raw)
        except InvalidOperation as exc:
            raise forms.ValidationError(message) from exc
        if not amount.is_finite() or abs(amount) > MAX_AMOUNT or amount != amount.quantize(Decimal("0.01")):
            raise forms.ValidationError(message)
        if amount < 0 and not self.signed:
            raise forms.ValidationError(_("The amount cannot be negative."))
        return amount.quantize(Decimal("0.01"))


def as_input(amount: Decimal | None) -> str:
    """An amount as the form shows it for editing: ``10000`` or ``4500,50`` (empty for none)."""
    if amount is None:
        return ""
    text = f"{amount:.2f}".replace(".", ",")
    return text[:-3] if text.endswith(",00") else text


def money_field(label: Any, *, required: bool = True, help_text: Any = "", signed: bool = False) -> KronorField:
    """An amount in kronor with at most öre, within the columns (``signed``: a minus sign is allowed)."""
    return KronorField(label=label, required=required, help_text=help_text, signed=signed)


def _choice(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared on the form
    return field


# --- the ledger ----------------------------------------------------------------------------


class EntryForm(forms.Form):
    """A contribution, interest or a correction booked by the coordinator. Payouts and grants are booked by
    the decisions on the requests, never typed in here."""

    kind = forms.ChoiceField(label=_("Kind of entry"), choices=[])
    amount = money_field(
        _("Amount (SEK)"),
        signed=True,
        help_text=_(
            "A contribution or interest: the amount paid in. A correction: what sets the entry right, with a "
            "minus sign when it takes from the fund."
        ),
    )
    booked_on = forms.DateField(label=_("Date"), widget=DATE)
    node = forms.TypedChoiceField(
        label=_("Unit"),
        required=False,
        coerce=int,
        empty_value=None,
        widget=FastSelect,
        help_text=_("The unit that pays the contribution. A correction concerns the unit of the entry it corrects."),
    )
    corrects = forms.CharField(
        label=_("Entry corrected (its number)"),
        required=False,
        max_length=20,
        help_text=_("Only for a correction, for example 2026-00042."),
    )
    text = forms.CharField(label=_("Text"), max_length=MAX_TEXT, help_text=_("What the entry is for."))

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"booked_on": timezone.localdate(), "kind": FundEntryKind.CONTRIBUTION})
        super().__init__(*args, **kwargs)
        self.user = user
        _choice(self, "kind").choices = [(k.value, k.label) for k in BOOKABLE]
        _choice(self, "node").choices = [("", _("No unit")), *core_selectors.node_choices(user, Perm.APPROVE_FUND)]

    def clean_node(self) -> Any:
        pk = self.cleaned_data.get("node")
        if pk is None:
            return None
        node = core_selectors.node_in_scope(self.user, Perm.APPROVE_FUND, pk)
        if node is None:
            raise forms.ValidationError(_("Choose a unit of the organisation."))
        return node

    def clean_corrects(self) -> Any:
        number = self.cleaned_data.get("corrects", "")
        if not number:
            return None
        entry = selectors.entry_by_number(self.user, number)
        if entry is None:
            raise forms.ValidationError(_("There is no entry with that number in the fund."))
        return entry

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == FundEntryKind.CORRECTION and not data.get("corrects") and "corrects" not in self.errors:
            self.add_error("corrects", _("Write the number of the entry the correction sets right."))
        return data


class EntryFilterForm(forms.Form):
    node = forms.TypedChoiceField(
        label=_("Unit (with units below)"), required=False, coerce=int, empty_value=None, widget=FastSelect
    )
    kind = forms.ChoiceField(label=_("Kind of entry"), required=False, choices=[])
    date_from = forms.DateField(label=_("From"), required=False, widget=DATE)
    date_to = forms.DateField(label=_("To"), required=False, widget=DATE)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice(self, "kind").choices = [("", _("All kinds")), *FundEntryKind.choices]
        _choice(self, "node").choices = [
            ("", _("All units")),
            *core_selectors.node_choices(
                user, Perm.VIEW_INSURANCE, for_filter=True, selected=core_selectors.selected_node(self)
            ),
        ]


# --- the rules -----------------------------------------------------------------------------


class RulesForm(RevisionMixin):
    own_share = money_field(
        _("The unit's own share of each damage (SEK)"),
        help_text=_("The unit pays this much of each damage itself; the fund pays what lies above it."),
    )
    pays_uninsured = forms.BooleanField(label=_("The fund also pays uninsured damage"), required=False)
    cap_per_event = money_field(
        _("At most per event (SEK, optional)"), required=False, help_text=_("Leave empty for no cap.")
    )
    cap_per_year = money_field(
        _("At most per unit and year (SEK, optional)"), required=False, help_text=_("Leave empty for no cap.")
    )
    floor = money_field(
        _("Lowest balance of the fund (SEK)"),
        help_text=_("No payout or grant may take the fund below this balance."),
    )


# --- payout requests and grant applications ------------------------------------------------


class PayoutRequestForm(forms.Form):
    """A unit asks the fund to pay for a damage: under a claim (its deductible) or, without one, uninsured."""

    claim = forms.ChoiceField(label=_("Claim to the insurer"), choices=[])
    damage_cost = money_field(
        _("Cost of the damage (SEK)"), help_text=_("What the damage has cost the unit in all, before any compensation.")
    )

    def __init__(self, *args: Any, incident: Incident, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.claims = {str(c.pk): c for c in selectors.incident_claims(incident)}
        _choice(self, "claim").choices = [
            *[
                (
                    pk,
                    _("%(number)s, %(line)s: deductible %(deductible)s")
                    % {"number": c.number, "line": c.policy.cover_line.name, "deductible": kr(c.deductible)},
                )
                for pk, c in self.claims.items()
            ],
            (NO_CLAIM, _("No claim: the damage is not insured")),
        ]

    def clean_claim(self) -> Claim | None:
        value = self.cleaned_data["claim"]
        return None if value == NO_CLAIM else self.claims[value]

    def clean_damage_cost(self) -> Decimal:
        cost: Decimal = self.cleaned_data["damage_cost"]
        if cost <= 0:
            raise forms.ValidationError(_("Give the cost of the damage in kronor."))
        return cost


class GrantApplicationForm(forms.Form):
    amount = money_field(_("Amount applied for (SEK)"))
    motivation = forms.CharField(
        label=_("How the measure prevents damage"),
        max_length=MAX_MOTIVATION,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For example which damage it prevents and what such damage has cost before."),
    )

    def clean_amount(self) -> Decimal:
        amount: Decimal = self.cleaned_data["amount"]
        if amount <= 0:
            raise forms.ValidationError(_("Give the amount applied for in kronor."))
        return amount


class DecisionForm(RevisionMixin):
    """The coordinator's decision on a payout request or a grant application."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=MAX_REASON,
        help_text=_("Required when the request is rejected."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "reject" and not str(data.get("reason") or "").strip():
            self.add_error("reason", _("Write why the request is rejected."))
        return data


class GrantDecisionForm(DecisionForm):
    granted_amount = money_field(
        _("Amount granted (SEK)"), required=False, help_text=_("Leave empty to grant the amount applied for.")
    )
