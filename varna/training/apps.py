from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "varna.training"
    label = "training"
    verbose_name = _("Training and information")

    def ready(self) -> None:
        # Each part registers its set-up hook, panels and importers here (see varna/insurance/apps.py).
        from varna.core import registry

        # --- courses: a new organisation gets the common courses and requirements; pages only read them.
        from varna.training.services import setup as training_setup

        registry.register_set_up("training.courses", training_setup.set_up_training)

        # --- information to staff (K24): the incident's case page shows what the staff were told after it.
        from varna.training.selectors import information as information_selectors

        registry.register_panel(
            registry.Panel(
                "incident",
                "training.information",
                "training/_incident_information.html",
                information_selectors.incident_information,
                order=50,
            )
        )

        # --- import of providers' lists: completed courses as an import kind on core's import page too.
        from varna.training import imports as record_import

        registry.register_importer(
            registry.Importer(
                record_import.KIND, record_import.KIND_LABEL, record_import.import_training_records, order=50
            )
        )

        # --- the register extract: a person's training records (core's extract, GDPR).
        from varna.training.selectors.people import person_training_rows

        registry.register_person_data(
            registry.PersonData("training.records", _("Training records"), person_training_rows, order=50)
        )
