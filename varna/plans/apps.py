from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlansConfig(AppConfig):
    name = "varna.plans"
    label = "plans"
    verbose_name = _("Action plans")

    def ready(self) -> None:
        from varna.core import registry
        from varna.plans import selectors

        registry.register_panel(
            registry.Panel(
                "dashboard",
                "plans",
                "plans/_dashboard.html",
                lambda user, _obj: selectors.dashboard_figures(user) or None,
                order=20,
            )
        )
