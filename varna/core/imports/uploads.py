"""Validated uploads waiting under ``MEDIA_ROOT/imports/`` for the user to confirm them, once.

One upload is a few files named by a random token: ``<token>.data`` (the bytes),
``<token>.json`` (who uploaded what, and the checked counts) while it waits,
renamed to ``<token>.claimed`` while it runs (an atomic rename: of two
confirmations only one wins) and followed by ``<token>.done`` (the receipt).
Nothing here is served to the web; files older than a day are removed.
"""

from __future__ import annotations

import datetime
import json
import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone

from varna.core import registry
from varna.core.imports import import_file
from varna.core.imports.base import ImportReport
from varna.core.models import Organisation, User

PENDING, RUNNING, DONE = "pending", "running", "done"
KEPT_FOR = datetime.timedelta(days=1)


@dataclass
class StoredUpload:
    token: uuid.UUID
    kind: str
    file_name: str
    summary: dict[str, Any]
    state: str

    @property
    def kind_label(self) -> str:
        return registry.importer_label(self.kind)


def _folder() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


def _path(token: uuid.UUID, suffix: str) -> Path:
    return _folder() / f"{uuid.UUID(str(token))}.{suffix}"  # a UUID: never a path of the user's choosing


def _write_private(path: Path, content: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(content)


def purge_old_uploads(max_age: datetime.timedelta = KEPT_FOR) -> None:
    """Remove uploads nobody confirmed, and the receipts of done ones, after ``max_age``."""
    folder = _folder()
    if not folder.is_dir():
        return
    limit = timezone.now().timestamp() - max_age.total_seconds()
    for path in folder.iterdir():
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
        except OSError:
            continue  # another server removed it first


def stash_upload(*, report: ImportReport, organisation: Organisation, actor: User, data: bytes) -> uuid.UUID:
    """Keep a checked file until its uploader confirms it; return the token for that."""
    purge_old_uploads()
    _folder().mkdir(mode=0o700, parents=True, exist_ok=True)
    token = uuid.uuid4()
    _write_private(_path(token, "data"), data)
    record = {
        "kind": report.kind,
        "file_name": report.file_name,
        "organisation_id": organisation.pk,
        "user_id": actor.pk,
        "summary": report.summary(),
    }
    _write_private(_path(token, "json"), json.dumps(record).encode())
    return token


def find_upload(token: uuid.UUID, *, organisation: Organisation, actor: User) -> StoredUpload | None:
    """The person's own upload, in whatever state; ``None`` if it is someone else's or no longer kept."""
    for suffix, state in (("done", DONE), ("json", PENDING), ("claimed", RUNNING)):
        try:
            record = json.loads(_path(token, suffix).read_text())
        except (OSError, ValueError):
            continue
        if record.get("organisation_id") != organisation.pk or record.get("user_id") != actor.pk:
            return None
        return StoredUpload(token, record["kind"], record["file_name"], record["summary"], state)
    return None


def confirm_upload(token: uuid.UUID, *, organisation: Organisation, actor: User) -> ImportReport | None:
    """Run the person's stored upload for real, checking it again. ``None``: it was already confirmed."""
    upload = find_upload(token, organisation=organisation, actor=actor)
    if upload is None or upload.state != PENDING:
        return None
    claimed, blob = _path(token, "claimed"), _path(token, "data")
    try:
        os.rename(_path(token, "json"), claimed)  # atomic: of two confirmations, exactly one gets past here
    except OSError:
        return None
    try:
        report = import_file(
            kind=upload.kind, organisation=organisation, actor=actor, file_name=upload.file_name, data=blob.read_bytes()
        )
        if report.ok:
            receipt = {**json.loads(claimed.read_text()), "summary": report.summary()}
            _write_private(_path(token, "done"), json.dumps(receipt).encode())
        return report
    finally:
        blob.unlink(missing_ok=True)
        claimed.unlink(missing_ok=True)
