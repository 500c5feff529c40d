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
