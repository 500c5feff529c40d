from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    name = "varna.incidents"
    label = "incidents"
    verbose_name = _("Incidents and damage")

    def ready(self) -> None:
        from varna.core import registry
        from varna.incidents import imports, selectors

        registry.register_panel(
            registry.Panel(
                "dashboard",
                "incidents",
                "incidents/_dashboard.html",
                lambda user, _obj: selectors.dashboard_figures(user) or None,
                order=10,
            )
        )
        registry.register_importer(
            registry.Importer(imports.KIND, imports.KIND_LABEL, imports.import_incidents, order=30)
        )
        # A new organisation gets the default event types (and security areas); pages only read them.
        from varna.incidents.services import ensure_defaults

        registry.register_set_up("incidents.types", lambda org: ensure_defaults(organisation=org))

        # A facility's page (protection) lists the incidents that happened there.
        from varna.incidents import selectors_facility

        registry.register_panel(
            registry.Panel(
                "facility",
                "incidents",
                "incidents/_facility_panel.html",
                selectors_facility.facility_incidents,
                order=10,
            )
        )

        # The life of records: the incident kinds of the retention schedule and what the register extract shows.
        from varna.incidents import retention

        retention.register()
        # The list of unmarked property (protection, K13) shows the thefts and burglaries at each facility.
        from varna.protection.hooks import THEFT_COUNTS

        registry.register_hook(THEFT_COUNTS, selectors_facility.theft_counts)
        # A facility's exposure (protection, G11) is derived from the damage there.
        from varna.protection.hooks import DAMAGE_HISTORY

        registry.register_hook(DAMAGE_HISTORY, selectors_facility.damage_history)
