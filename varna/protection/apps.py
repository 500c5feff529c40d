from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProtectionConfig(AppConfig):
    name = "varna.protection"
    label = "protection"
    verbose_name = _("Technical protection")

    def ready(self) -> None:
        from varna.core import registry

        # --- false alarms (K12): a new organisation gets the default causes and the rule of repeated alarms.
        from varna.protection.services.setup import set_up_protection

        registry.register_set_up("protection.false_alarms", set_up_protection)

        # --- imports on core's import page: the alarm receiving centre's list, and theft-prone property (K13).
        from varna.protection.imports import false_alarms as alarm_import
        from varna.protection.imports import property as property_import
        from varna.protection.imports import register as register_import

        registry.register_importer(
            registry.Importer(alarm_import.KIND, alarm_import.KIND_LABEL, alarm_import.import_false_alarms, order=60)
        )
        registry.register_importer(
            registry.Importer(
                property_import.KIND, property_import.KIND_LABEL, property_import.import_property, order=61
            )
        )
        registry.register_importer(  # the facility register (G11), as the property companies keep it
            registry.Importer(
                register_import.KIND, register_import.KIND_LABEL, register_import.import_register, order=59
            )
        )

        # --- the facility's page: its false alarms and flags, and its theft-prone property (before other apps').
        from varna.protection import panels

        registry.register_panel(
            registry.Panel(
                "facility",
                "protection.false_alarms",
                "protection/_facility_false_alarms.html",
                panels.false_alarms,
                order=1,
            )
        )
        registry.register_panel(
            registry.Panel(
                "facility", "protection.property", "protection/_facility_property.html", panels.property_panel, order=2
            )
        )

        # Evacuation checks and self-inspection rounds: a new organisation gets the default checklists (pages
        # only read them), and a facility's page shows its rounds, the unit's latest check and the QR sign.
        from varna.protection.services.rounds import ensure_default_checklists

        registry.register_set_up("protection.checklists", lambda org: ensure_default_checklists(organisation=org))
        registry.register_panel(
            registry.Panel(
                "facility", "protection_rounds", "protection/_facility_rounds.html", panels.facility_rounds, order=5
            )
        )

        # Exposure (G11): a new organisation gets the default required protection and its facilities' exposure; a
        # facility's page shows its exposure, why, and the flag when it lacks what its kind needs.
        from varna.protection.services.exposure import set_up_exposure

        registry.register_set_up("protection.exposure", set_up_exposure)
        registry.register_panel(
            registry.Panel(
                "facility", "protection.exposure", "protection/_facility_exposure.html", panels.exposure_panel, order=0
            )
        )
