from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RisksConfig(AppConfig):
    name = "varna.risks"
    label = "risks"
    verbose_name = _("Risk management")

    def ready(self) -> None:
        from varna.core import registry
        from varna.risks import exports, selectors
        from varna.risks.services import ensure_matrix

        # A new organisation gets the 5x5 MSB matrix (its security areas come from core's hook).
        registry.register_set_up("risks.matrix", lambda org: ensure_matrix(organisation=org))
        registry.register_panel(
            registry.Panel("incident", "risks", "risks/_incident_panel.html", selectors.incident_risks, order=10)
        )
        # An adopted analysis keeps a PDF made by the worker (core/pdf.py).
        registry.register_document_source(exports.STORED_ANALYSES)

        # The life of records: the retention schedule's kind (core/retention.py).
        from varna.risks import retention

        retention.register()

        # A flagged facility (protection, G11) links to its risk analysis, or to starting one (G3, K12).
        from varna.protection.hooks import ANALYSIS_LINKS
        from varna.risks import selectors_facility

        registry.register_hook(ANALYSIS_LINKS, selectors_facility.analysis_links)
