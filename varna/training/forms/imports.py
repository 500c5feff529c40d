"""The upload form of the training import: a provider's list of completed courses."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from varna.core.forms_import import ImportForm


class RecordImportForm(ImportForm):
    """Core's upload form (size limit, file types) without the choice of kind: the file holds training records."""

    kind = None  # type: ignore[assignment]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["file"].label = _("The provider's list")
