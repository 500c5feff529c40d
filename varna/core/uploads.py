"""Uploads are limited while they stream in: a file past the size limit is skipped before it is kept in memory or
on disk, and the form says so in a clear message instead of a crash, a full disk or a silent "choose a file".

Every view that takes files uses the same three parts:

- :func:`limit_uploads` on the view (it installs :class:`LimitedUploadHandler` before the body is read);
- :func:`upload_problems` to hand the skipped files to the form;
- :class:`UploadProblemsMixin` on the form, which shows them on the file field.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.forms.utils import ErrorList
from django.http import HttpRequest, HttpResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from varna.core.files import display_name


class LimitedUploadHandler(FileUploadHandler):
    """Skips a file as soon as it passes the size limit, and every file of a request too large in all.

    The other form fields are still read, so the form comes back with what the person wrote and a message per
    skipped file. Nothing oversized is kept in memory or on disk.
    """

    def __init__(self, request: HttpRequest | None = None, *, max_files: int = 1) -> None:
        super().__init__(request)
        self.max_bytes: int = settings.VARNA_ATTACHMENT_MAX_BYTES
        self.max_total = max_files * self.max_bytes + settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        self.too_large: list[str] = []  # names of files skipped for their size
        self.request_too_large = False
        self.received = 0

    def handle_raw_input(
        self, input_data: Any, META: dict[str, Any], content_length: int, boundary: Any, encoding: str | None = None
    ) -> None:
        self.request_too_large = content_length > self.max_total
        return None

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0
        if self.request_too_large:
            raise SkipFile

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > self.max_bytes:
            self.too_large.append(display_name(self.file_name))
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None

    def problems(self) -> list[str]:
        """What to tell the person about the files that were skipped."""
        limit = filesizeformat(self.max_bytes)
        if self.request_too_large:
            return [
                _("The files were too large together: at most %(total)s can be sent at once. Choose fewer files.")
                % {"total": filesizeformat(self.max_total)}
            ]
        return [
            _("“%(name)s” is too large. A file can be at most %(limit)s.") % {"name": name, "limit": limit}
            for name in self.too_large
        ]


def limit_uploads[V: Callable[..., HttpResponse]](*, max_files: int = 1) -> Callable[[V], V]:
    """Install :class:`LimitedUploadHandler` before the request body is read.

    The CSRF check reads the body, so it is done here, after the handler is in place: the pattern Django documents
    for changing upload handlers in a view.
    """

    def decorate(view: V) -> V:
        protected = csrf_protect(view)

        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method == "POST":
                handler = LimitedUploadHandler(request, max_files=max_files)
                request.upload_handlers.insert(0, handler)
                request._varna_upload_handler = handler  # type: ignore[attr-defined]
            return protected(request, *args, **kwargs)

        return csrf_exempt(wrapped)  # type: ignore[return-value]

    return decorate


def upload_problems(request: HttpRequest) -> list[str]:
    """The messages for the files :func:`limit_uploads` skipped in this request (none outside such a view)."""
    handler = getattr(request, "_varna_upload_handler", None)
    if not isinstance(handler, LimitedUploadHandler):
        return []
    request.POST  # noqa: B018 - make sure the body has been read, so the handler has seen every file
    return handler.problems()


class UploadProblemsMixin(forms.Form):
    """Shows the files the upload handler skipped (too large) as the errors of the form's file field.

    They replace the field's own errors: a skipped file is missing from the form, and "choose a file" would
    mislead the person who did.
    """

    upload_field = "file"

    def __init__(self, *args: Any, upload_problems: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.upload_problems = upload_problems or []

    def full_clean(self) -> None:
        super().full_clean()
        if self.is_bound and self.upload_problems:
            self.errors[self.upload_field] = ErrorList(self.upload_problems)
            self.cleaned_data.pop(self.upload_field, None)
