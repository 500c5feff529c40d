from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "varna.plans"
    label = "plans"
    verbose_name = _("Action plans")

    def ready(self) -> None:
        from varna.core import registry
        from varna.plans import documents, selectors
        from varna.risks.selectors import MEASURE_FOLLOW_UP, MeasureFollowUp

        registry.register_panel(
            registry.Panel(
                "dashboard",
                "plans",
                "plans/_dashboard.html",
                lambda user, _obj: selectors.dashboard_figures(user) or None,
                order=20,
            )
        )
        registry.register_panel(
            registry.Panel("incident", "plans", "plans/_incident_panel.html", selectors.incident_actions, order=20)
        )
        # The risk pages show each measure's actions in the plans and offer the plans it may be added to.
        registry.register_hook(
            MEASURE_FOLLOW_UP,
            MeasureFollowUp(
                prefetch=selectors.measure_actions_prefetch,
                status_template="plans/_measure_actions.html",
                offer_template="plans/_measure_offers.html",
                footer_template="plans/_analysis_no_plan.html",
                context=selectors.analysis_follow_up,
            ),
        )
        # A deviation found on a self-inspection round (protection) becomes an action in the unit's plan.
        from varna.plans.deviations import DEVIATION_ANSWER
        from varna.protection.hooks import DEVIATION_ACTION

        registry.register_hook(DEVIATION_ACTION, DEVIATION_ANSWER)
        # An adopted plan keeps a PDF made by the worker (core/pdf.py).
        registry.register_document_source(documents.STORED_PLANS)

        # The life of records: the retention schedule's kind (core/retention.py).
        from varna.plans import retention

        retention.register()
