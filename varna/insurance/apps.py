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
