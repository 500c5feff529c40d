"""The upload form for imports: the node tree, the staff list and what the apps register."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from varna.core import registry


def _kinds() -> list[tuple[str, str]]:
    return [(i.kind, i.label) for i in registry.importers()]


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("What does the file hold?"), choices=_kinds, widget=forms.RadioSelect)
    file = forms.FileField(
        label=_("File"),
        help_text=_("A CSV file (separated by semicolons, commas or tabs) or an Excel workbook (.xlsx)."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.tsv,.xlsx"}),
    )

    def clean_file(self) -> UploadedFile[bytes]:
        upload: UploadedFile[bytes] = self.cleaned_data["file"]
        limit = settings.VARNA_IMPORT_MAX_BYTES
        if upload.size is not None and upload.size > limit:
            raise forms.ValidationError(
                _("The file is too large: at most %(size)s MB can be imported at once."),
                params={"size": round(limit / 1024 / 1024, 1)},
            )
        return upload

    def file_data(self) -> bytes:
        """The uploaded bytes (at most the import limit plus one byte, so the service can say it is too large)."""
        upload: UploadedFile[bytes] = self.cleaned_data["file"]
        upload.seek(0)
        data: bytes = upload.read(settings.VARNA_IMPORT_MAX_BYTES + 1)
        return data
