"""The archive package: the records the retention schedule says to preserve (bevara), once their time in Värna has
run out, as a BagIt bag (RFC 8493) in a zip, the layout e-archives ingest (``docs/guide/gallring.md``)::

    bagit.txt                        BagIt version and encoding
    bag-info.txt                     who delivered it, when, how many files and bytes (Payload-Oxum)
    data/package.json                the organisation, the rules applied (years, decision) and the records
    data/<kind>/<id>/record.json     one record's metadata (the kind's ``describe``)
    data/<kind>/<id>/files/<name>    its attachments
    manifest-sha256.txt              SHA-256 of every file under data/ (``<checksum>  <path>``)
    tagmanifest-sha256.txt           SHA-256 of bagit.txt, bag-info.txt and manifest-sha256.txt

Producing a package is logged (``RecordLog``: what, when, who, its SHA-256); records stay in Värna until gallrade.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import posixpath
import re
import zipfile
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from varna.core import access, registry, selectors_retention
from varna.core.access import Perm
from varna.core.models import Organisation, RecordLog, RecordLogKind, RetentionAction, User

MANIFEST = "manifest-sha256.txt"


@dataclass(frozen=True)
class Package:
    content: bytes
    filename: str
    records: int
    sha256: str


def _safe(name: str) -> str:
    base = posixpath.basename(name.replace("\\", "/"))
    return re.sub(r"[^A-Za-z0-9._-]+", "_", base).strip("._") or "fil"


def _json(data: Any) -> bytes:
    return json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2, sort_keys=True).encode()


def build(organisation: Organisation, today: datetime.date | None = None) -> Package:
    """The package of every record due for delivery (rule: preserve; time run out; not held). Reads only."""
    payload: dict[str, bytes] = {}
    kinds_meta = []
    rules = selectors_retention.rules(organisation.pk)
    total = 0
    for kind in registry.record_kinds():
        rule = rules.get(kind.key)
        if rule is None or rule.action != RetentionAction.PRESERVE:
            continue
        records = selectors_retention.due_records(organisation.pk, kind, rule, today).order_by("pk")
        ids = []
        for record in records.iterator(chunk_size=200):
            folder = f"data/{kind.key}/{record.pk}"
            describe = kind.describe or registry.describe_fields
            files = kind.files(record) if kind.files else []
            names = []
            for n, stored in enumerate(files, start=1):
                if not stored.name:
                    continue
                with default_storage.open(stored.name, "rb") as handle:
                    name = f"{n}-{_safe(stored.name)}"
                    payload[f"{folder}/files/{name}"] = handle.read()
                names.append(f"files/{name}")
            meta = {"kind": kind.key, "kind_label": str(kind.label), "id": record.pk, "files": names}
            meta["record"] = describe(record)
            payload[f"{folder}/record.json"] = _json(meta)
            ids.append(record.pk)
        total += len(ids)
        kinds_meta.append(
            {
                "kind": kind.key,
                "label": str(kind.label),
                "years": rule.years,
                "counted_from": str(kind.clock_label),
                "decision": rule.decision,
                "records": ids,
            }
        )
    made = timezone.now()
    payload["data/package.json"] = _json(
        {
            "organisation": {"name": organisation.name, "org_number": organisation.org_number},
            "created": made.isoformat(),
            "producer": "Värna",
            "kinds": kinds_meta,
        }
    )
    manifest = "".join(f"{hashlib.sha256(data).hexdigest()}  {path}\n" for path, data in sorted(payload.items()))
    size = sum(len(d) for d in payload.values())
    tags = {
        "bagit.txt": b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n",
        "bag-info.txt": (
            f"Source-Organization: {organisation.name}\n"
            f"Bagging-Date: {timezone.localdate(made).isoformat()}\n"
            f"Payload-Oxum: {size}.{len(payload)}\n"
            f"External-Description: Värna: handlingar att bevara ({total} st)\n"
        ).encode(),
        MANIFEST: manifest.encode(),
    }
    tagmanifest = "".join(f"{hashlib.sha256(data).hexdigest()}  {path}\n" for path, data in sorted(tags.items()))
    tags["tagmanifest-sha256.txt"] = tagmanifest.encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, data in sorted({**tags, **payload}.items()):
            archive.writestr(path, data)
    content = buffer.getvalue()
    filename = f"arkivpaket-{organisation.slug}-{timezone.localdate(made).isoformat()}.zip"
    return Package(content, filename, total, hashlib.sha256(content).hexdigest())


@transaction.atomic
def deliver(*, actor: User, today: datetime.date | None = None) -> Package:
    """Produce the archive package for the actor's organisation and log it (who, when, how many, its SHA-256)."""
    if not access.has_perm(actor, Perm.MANAGE_RETENTION) or actor.organisation is None:
        raise PermissionDenied
    package = build(actor.organisation, today)
    if package.records == 0:
        raise ValidationError(_("Nothing is due for delivery to the archive."))
    RecordLog.objects.create(
        organisation=actor.organisation,
        kind=RecordLogKind.ARCHIVE_DELIVERY,
        detail=f"{package.records} handlingar, SHA-256 {package.sha256}",
        produced_by=actor,
    )
    return package
