from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "varna.core"
    label = "core"
    verbose_name = _("Organisation and access")

    def ready(self) -> None:
        from varna.core.widgets import use_translated_empty_choice

        use_translated_empty_choice()
