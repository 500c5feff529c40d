from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProtectionConfig(AppConfig):
    name = "varna.protection"
    label = "protection"
    verbose_name = _("Technical protection")

    def ready(self) -> None:
        from varna.core import registry

        # Evacuation checks and self-inspection rounds: a new organisation gets the default checklists (pages
        # only read them), and a facility's page shows its rounds, the unit's latest check and the QR sign.
        from varna.protection import panels
        from varna.protection.services.rounds import ensure_default_checklists

        registry.register_set_up("protection.checklists", lambda org: ensure_default_checklists(organisation=org))
        registry.register_panel(
            registry.Panel(
                "facility", "protection_rounds", "protection/_facility_rounds.html", panels.facility_rounds, order=5
            )
        )
