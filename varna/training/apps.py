from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "varna.training"
    label = "training"
    verbose_name = _("Training and information")

    def ready(self) -> None:
        # Each part registers its set-up hook, panels and importers here (see varna/insurance/apps.py).
        pass
