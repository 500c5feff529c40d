from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupConfig(AppConfig):
    name = "varna.followup"
    label = "followup"
    verbose_name = _("Follow-up")

    def ready(self) -> None:
        from varna.core import registry
        from varna.followup import selectors, services

        registry.register_set_up("followup.key_figures", services.set_up_key_figures)

        # The elected officials' start page: the headline figures, the plans and the latest fixed follow-ups.
        registry.register_panel(
            registry.Panel("dashboard", "followup", "followup/_dashboard.html", selectors.overview_panel, order=5)
        )

        # The security group's yearly report (K4): its fixed PDF kept by the worker, and the latest fixed ones on
        # the elected officials' start page.
        from varna.followup import report_document, report_selectors

        registry.register_document_source(report_document.STORED_REPORTS)
        registry.register_panel(
            registry.Panel(
                "dashboard",
                "followup_reports",
                "followup/_report_dashboard.html",
                report_selectors.reports_panel,
                order=6,
            )
        )
