from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate, post_save
from django.utils.translation import gettext_lazy as _


def _set_up_new_organisation(sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if created and not raw:  # not while loading a fixture: its rows come with what it needs
        from varna.core.services import set_up_organisation

        set_up_organisation(instance)


def _set_up_existing_organisations(sender: AppConfig, **kwargs: Any) -> None:
    from varna.core.services import set_up_all_organisations

    set_up_all_organisations()


class CoreConfig(AppConfig):
    name = "varna.core"
    label = "core"
    verbose_name = _("Organisation and access")

    def ready(self) -> None:
        from varna.core import registry
        from varna.core.imports import register_core_importers
        from varna.core.models import Organisation
        from varna.core.services import ensure_security_areas
        from varna.core.widgets import use_translated_empty_choice

        use_translated_empty_choice()
        register_core_importers()
        registry.register_set_up("core.security_areas", lambda org: ensure_security_areas(organisation=org))
        # The life of records: core's own kinds and person data; every app's kinds get a rule (dokumenthanteringsplan).
        from varna.core import records, retention

        records.register()
        registry.register_set_up("core.retention", lambda org: retention.ensure_schedule(organisation=org))
        # An organisation is set up when it is created, wherever that happens (the demo, the shell, the admin) …
        post_save.connect(_set_up_new_organisation, sender=Organisation, dispatch_uid="varna.set_up_organisation")
        # … and, after every migrate, the organisations that exist get what a newly installed app needs.
        post_migrate.connect(_set_up_existing_organisations, sender=self, dispatch_uid="varna.set_up_all_organisations")
