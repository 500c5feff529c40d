"""The upload form for imports of the node tree and the staff list."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from varna.core.imports import ImportKind


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("What does the file hold?"), choices=ImportKind.choices, widget=forms.RadioSelect)
    file = forms.FileField(
        label=_("File"),
        help_text=_("A CSV file (separated by semicolons, commas or tabs) or an Excel workbook (.xlsx)."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.tsv,.xlsx"}),
    )

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        limit = settings.VARNA_IMPORT_MAX_BYTES
        if upload.size is not None and upload.size > limit:
            raise forms.ValidationError(
                _("The file is too large: at most %(size)s MB can be imported at once."),
                params={"size": round(limit / 1024 / 1024, 1)},
            )
        return upload

    def file_data(self) -> bytes:
        """The uploaded bytes (at most the import limit plus one byte, so the service can say it is too large)."""
        upload: UploadedFile = self.cleaned_data["file"]
        upload.seek(0)
        return upload.read(settings.VARNA_IMPORT_MAX_BYTES + 1)
