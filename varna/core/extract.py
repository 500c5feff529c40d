"""The data subject's rights (GDPR): the register extract (registerutdrag) of everything Värna stores about one
person, as a PDF and as JSON, and the answer to a request for erasure.

Each app says what it stores about a person with :func:`varna.core.registry.register_person_data`; core reads the
registry. Producing an extract is logged (``RecordLog``: about whom, by whom, when, which format).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from varna.core import access, pdf, registry
from varna.core.access import Perm
from varna.core.formats import local_time
from varna.core.models import RecordLog, RecordLogKind, User


@dataclass(frozen=True)
class Section:
    key: str
    label: str
    rows: list[dict[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Extract:
    person: User
    made: str
    sections: list[Section]

    def as_json(self) -> bytes:
        data = {
            "person": {"username": self.person.username, "name": self.person.get_full_name()},
            "produced": self.made,
            "sections": [{"key": s.key, "label": s.label, "records": s.rows} for s in self.sections],
        }
        return json.dumps(data, ensure_ascii=False, indent=2).encode()


def person_for(user: User, text: str) -> User | None:
    """A person of the user's organisation (former staff too) by user name, e-mail or employee number."""
    from varna.core.selectors import find_person

    if user.organisation_id is None:
        return None
    return find_person(user.organisation_id, text, among=User.objects.filter(organisation_id=user.organisation_id))


def collect(person: User) -> Extract:
    """Everything the registered apps store about ``person``. Reads only."""
    sections = [Section(d.key, str(d.label), d.rows(person) or []) for d in registry.person_data()]
    return Extract(person, local_time(timezone.now()), sections)


@dataclass(frozen=True)
class ErasureAnswer:
    possible: bool
    message: str
    records: list[tuple[str, int]]  # the sections with records, and how many


def erasure(person: User) -> ErasureAnswer:
    """What a request for erasure can lead to: the person's details may go only when no record names them, since
    the records are public records that the retention schedule keeps until they are gallrade."""
    found = [(s.label, len(s.rows)) for s in collect(person).sections if s.rows and not s.key.startswith("core.")]
    if found:
        return ErasureAnswer(
            False,
            _(
                "The data cannot be erased now. The person is named in public records (allmänna handlingar) that "
                "the municipality must keep under the Archives Act and its retention schedule. They are erased "
                "when the records are disposed of (gallrade) at the end of their retention period, or delivered to "
                "the archive where the schedule says they are preserved. Wrong details are corrected in the "
                "ordinary forms."
            ),
            found,
        )
    return ErasureAnswer(
        True,
        _(
            "No record names the person any more. The administrator can end the person's account and remove their "
            "details; the history of the people register is disposed of under the retention schedule."
        ),
        [],
    )


@transaction.atomic
def produce(*, actor: User, person: User, fmt: str) -> tuple[bytes, str, str]:
    """The extract as ``fmt`` (``"pdf"`` or ``"json"``): content, content type and file name. Logged."""
    if not access.has_perm(actor, Perm.REGISTER_EXTRACT) or person.organisation_id != actor.organisation_id:
        raise PermissionDenied
    extract = collect(person)
    RecordLog.objects.create(
        organisation_id=actor.organisation_id or 0,
        kind=RecordLogKind.REGISTER_EXTRACT,
        subject=person,
        detail=fmt.upper(),
        produced_by=actor,
    )
    name = f"registerutdrag-{person.username}-{timezone.localdate().isoformat()}"
    if fmt == "json":
        return extract.as_json(), "application/json", f"{name}.json"
    content = pdf.render_pdf("core/register_extract_pdf.html", {"extract": extract})
    return content, "application/pdf", f"{name}.pdf"
