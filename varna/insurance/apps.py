from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsuranceConfig(AppConfig):
    name = "varna.insurance"
    label = "insurance"
    verbose_name = _("Insurance and the deductible fund")

    def ready(self) -> None:
        from varna.core import registry
        from varna.insurance.services import setup

        # A new organisation gets the cover lines, its fund, the fund rules and the settings; pages only read them.
        registry.register_set_up("insurance.programme", setup.set_up_insurance)

        # The exposure import (insured values per unit and facility and year) on core's import page.
        from varna.insurance import imports as exposure_import

        registry.register_importer(
            registry.Importer(
                exposure_import.KIND, exposure_import.KIND_LABEL, exposure_import.import_insured_values, order=40
            )
        )

        # The incident's case page lists its claims to the insurer and offers to start one.
        from varna.insurance.selectors import claims as claim_selectors

        registry.register_panel(
            registry.Panel(
                "incident", "insurance", "insurance/_incident_panel.html", claim_selectors.incident_claims, order=30
            )
        )

        # The deductible fund: its balance and what waits for a decision on the coordinator's overview page, and
        # on an incident's case page what the fund has been asked to pay for it.
        from varna.insurance.selectors import fund as fund_selectors

        registry.register_panel(
            registry.Panel(
                "dashboard",
                "insurance.fund",
                "insurance/_dashboard.html",
                lambda user, _obj: fund_selectors.dashboard_figures(user),
                order=40,
            )
        )
        registry.register_panel(
            registry.Panel(
                "incident",
                "insurance.fund",
                "insurance/fund_incident_panel.html",
                fund_selectors.incident_panel,
                order=35,
            )
        )

        # An open claim holds its incident from gallring until the claim is settled (core/retention.py).
        from varna.insurance.models import OPEN_CLAIM_STATUSES, Claim

        registry.register_hold_source(
            registry.HoldSource(
                "insurance.open_claims",
                ("incidents.ordinary", "incidents.threat", "incidents.injury"),
                lambda org: Claim.objects.filter(organisation_id=org, status__in=OPEN_CLAIM_STATUSES).values(
                    "incident_id"
                ),
                _("An open insurance claim"),
            )
        )
