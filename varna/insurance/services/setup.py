"""What a new organisation gets from the insurance app: the cover lines, the fund, its rules and settings."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from varna.core.models import Organisation
from varna.insurance.models import CoverLine, DeductibleFund, FundRules, InsuranceSettings

# The common lines of a municipality's insurance programme; each organisation may rename, add or retire lines.
DEFAULT_COVER_LINES = (
    ("property", _("Property")),
    ("interruption", _("Business interruption")),
    ("liability", _("Liability")),
    ("accident", _("Accident")),
    ("motor", _("Motor")),
    ("business_travel", _("Business travel")),
    ("crime", _("Crime (fidelity)")),
    ("directors", _("Directors' liability")),
    ("legal_expenses", _("Legal expenses")),
    ("other", _("Other")),
)


@transaction.atomic
def set_up_insurance(organisation: Organisation) -> None:
    """Create what is missing; running it again changes nothing. The names are written in Swedish, the
    language of the organisation's documents."""
    from django.utils import translation

    with translation.override("sv"):
        for order, (code, name) in enumerate(DEFAULT_COVER_LINES, start=1):
            CoverLine.objects.get_or_create(
                organisation=organisation, code=code, defaults={"name": str(name), "order": order * 10}
            )
        DeductibleFund.objects.get_or_create(organisation=organisation, defaults={"name": str(_("Deductible fund"))})
    FundRules.objects.get_or_create(organisation=organisation)
    InsuranceSettings.objects.get_or_create(organisation=organisation)
