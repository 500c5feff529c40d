"""Forms for claims. Thin: the services decide; the forms turn input into objects."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from varna.core import formats
from varna.core.forms import RevisionMixin
from varna.core.models import User
from varna.incidents.models import Incident
from varna.insurance import deductibles
from varna.insurance.models import Claim, ClaimStatus, InsurancePolicy
from varna.insurance.selectors import claims as selectors
from varna.insurance.services.claims import MAX_DECISION, MAX_NOTE, MAX_PAYMENT_NOTE, MAX_REFERENCE

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
COVER_GROUPS = {
    selectors.COVERS_FACILITY: _("Policies that name the facility"),
    selectors.COVERS_NODE: _("Policies that cover the unit"),
    selectors.COVERS_NOTHING: _("Other policies in force on the day of the damage"),
}


def _choice(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)  # noqa: S101 - declared on the form
    return field


def policy_label(policy: InsurancePolicy, incident: Incident) -> str:
    """The policy with its deductible for the day of the damage, so the choice shows what it means."""
    try:
        deductible = deductibles.deductible_for(policy, incident.occurred_on)
    except deductibles.MissingPriceBaseAmount:
        return str(
            _("%(policy)s, deductible %(count)s prisbasbelopp (the prisbasbelopp of the year is not recorded)")
            % {"policy": policy, "count": formats.number(policy.deductible_price_base, 2)}
        )
    return str(_("%(policy)s, deductible %(amount)s") % {"policy": policy, "amount": formats.money(deductible)})


class ClaimForm(forms.Form):
    """A claim from an incident: the policy is suggested and the claimed amount is the incident's cost."""

    policy = forms.TypedChoiceField(label=_("Policy"), coerce=int)
    claimed_amount = forms.DecimalField(
        label=_("Claimed amount (kr)"), min_value=Decimal("0.01"), max_digits=14, decimal_places=2
    )
    deductible = forms.DecimalField(
        label=_("Deductible (kr, optional)"),
        required=False,
        min_value=Decimal(0),
        help_text=_("Leave it empty and the policy's deductible for the day of the damage is used."),
        max_digits=14,
        decimal_places=2,
    )
    insurer_reference = forms.CharField(
        label=_("The insurer's reference (optional)"), required=False, max_length=MAX_REFERENCE
    )
    third_party_involved = forms.BooleanField(
        label=_("Someone outside the municipality is involved (a third party)"),
        required=False,
        help_text=_("The municipality does not admit liability by filing the claim."),
    )
    submitted_on = forms.DateField(label=_("Submitted to the insurer on"), widget=DATE)
    note = forms.CharField(
        label=_("Note (optional)"), required=False, max_length=MAX_NOTE, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, incident: Incident, suggestion: selectors.PolicySuggestion, **kwargs: Any) -> None:
        suggested = suggestion.suggested
        kwargs.setdefault(
            "initial",
            {
                "policy": suggested.pk if suggested else None,
                "claimed_amount": selectors.default_claimed_amount(incident),
                "submitted_on": timezone.localdate(),
            },
        )
        super().__init__(*args, **kwargs)
        self.incident = incident
        self.policies = {p.pk: p for p in suggestion.policies}
        groups: dict[int, list[tuple[int, str]]] = {}
        for policy in suggestion.policies:
            cover = suggestion.covers.get(policy.pk, selectors.COVERS_NOTHING)
            groups.setdefault(cover, []).append((policy.pk, policy_label(policy, incident)))
        _choice(self, "policy").choices = [
            ("", _("Choose a policy")),
            *[(str(COVER_GROUPS[cover]), rows) for cover, rows in sorted(groups.items())],
        ]

    def clean_policy(self) -> InsurancePolicy:
        policy = self.policies.get(self.cleaned_data["policy"])
        if policy is None:  # pragma: no cover - the choice field only takes the listed policies
            raise forms.ValidationError(_("Choose a policy that was in force on the day of the damage."))
        return policy

    def values(self) -> dict[str, Any]:
        """The keyword arguments of ``services.claims.create_claim``."""
        data = self.cleaned_data
        return {
            "incident": self.incident,
            "policy": data["policy"],
            "claimed_amount": data["claimed_amount"],
            "deductible": data["deductible"],
            "insurer_reference": data["insurer_reference"],
            "third_party_involved": data["third_party_involved"],
            "submitted_on": data["submitted_on"],
            "note": data["note"],
        }


class DecisionForm(RevisionMixin):
    status = forms.ChoiceField(
        label=_("The insurer's decision"),
        choices=[
            (ClaimStatus.DECIDED, _("The insurer pays compensation")),
            (ClaimStatus.DENIED, _("The insurer denied the claim")),
        ],
        widget=forms.RadioSelect,
    )
    decided_on = forms.DateField(label=_("Date of the decision"), widget=DATE)
    compensation = forms.DecimalField(
        label=_("Compensation (kr)"),
        required=False,
        min_value=Decimal(0),
        help_text=_("What the insurer pays, after the deductible. Leave it empty when the claim was denied."),
        max_digits=14,
        decimal_places=2,
    )
    decision = forms.CharField(
        label=_("The decision in brief (optional)"),
        required=False,
        max_length=MAX_DECISION,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, claim: Claim, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "status": claim.status if claim.status == ClaimStatus.DENIED else ClaimStatus.DECIDED,
                "decided_on": claim.decided_on or timezone.localdate(),
                "compensation": claim.compensation,
                "decision": claim.decision,
                "revision": claim.revision,
            },
        )
        super().__init__(*args, **kwargs)


class PaymentForm(forms.Form):
    paid_on = forms.DateField(label=_("Paid on"), widget=DATE)
    amount = forms.DecimalField(label=_("Amount paid (kr)"), min_value=Decimal("0.01"), max_digits=14, decimal_places=2)
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=MAX_PAYMENT_NOTE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"paid_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class WithdrawForm(RevisionMixin):
    reason = forms.CharField(
        label=_("Why the claim is withdrawn (optional)"), required=False, max_length=MAX_PAYMENT_NOTE
    )

    def __init__(self, *args: Any, claim: Claim, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"revision": claim.revision})
        super().__init__(*args, **kwargs)


class ClaimFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)
    year = forms.TypedChoiceField(label=_("Year submitted"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice(self, "status").choices = [("", _("All statuses")), *ClaimStatus.choices]
        _choice(self, "year").choices = [("", _("All years")), *[(y, str(y)) for y in selectors.claim_years(user)]]
