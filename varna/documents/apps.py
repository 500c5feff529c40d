from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "varna.documents"
    label = "documents"
    verbose_name = _("Governing documents")

    def ready(self) -> None:
        from varna.core import registry
        from varna.documents import selectors

        # The risk analysis page and the action plan page show the documents their risks, measures and
        # actions are linked to, and offer to link one (risks and plans never import documents).
        registry.register_panel(
            registry.Panel("risk_analysis", "documents", "documents/_links_panel.html", selectors.analysis_links)
        )
        registry.register_panel(
            registry.Panel("action_plan", "documents", "documents/_links_panel.html", selectors.plan_links)
        )

        # The life of records: governing documents are a kind in the retention schedule (core/retention.py).
        from varna.documents import retention

        retention.register()
