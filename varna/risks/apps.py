from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RisksConfig(AppConfig):
    name = "varna.risks"
    label = "risks"
    verbose_name = _("Risk management")

    def ready(self) -> None:
        from varna.core import registry  # noqa: F401  (the risk app's set-up hook and panels are registered here)
