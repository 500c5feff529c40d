"""Pseudonymisation of personal data in the free text of old records that are kept (the schedule says when).

A record kind says where its records hold personal data in free text (:class:`varna.core.registry.FreeText`): the
record's text fields, the people linked to it by foreign key (reporter, person affected, handler) and the rows that
belong to it (a case's notes). When a record's time for it has come (``RetentionRule.pseudonymise_after_years``
after its clock), the coordinator approves it in the gallring proposal and :func:`pseudonymise_records` replaces,
in the record's fields, the same fields of every one of its history rows and its parts:

- the names of the people linked to it, as stored on their rows now and in the people register's history (a
  changed surname), with ``[Person 1]``, ``[Person 2]`` …: the same person gets the same placeholder everywhere in
  one record. The full name is found whatever its case, a first or last name alone only as written on the row (so
  that "Berg" is found, not "berg"); a name alone that two linked people share becomes ``[Person]``;
- Swedish personal identity and co-ordination numbers (10 or 12 digits, with or without ``-`` or ``+``) with
  ``[personnummer]``, e-mail addresses with ``[e-post]`` and phone numbers with ``[telefon]``.

Names of people who are not linked to the record (a witness named only in the text) are not found: the guide says
so. The rewrite writes no new history row; the record is marked (:class:`~varna.core.models.PseudonymisedRecord`)
so that it is done once, and the batch is recorded with the gallring (kind, count, date, decision, who approved),
never the content.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import F, QuerySet

from varna.core import access
from varna.core.access import Perm
from varna.core.history import history_model
from varna.core.models import DisposalBatch, PseudonymisedRecord, User
from varna.core.registry import FreeText, RecordKind

PERSON_NUMBER = "[personnummer]"
EMAIL = "[e-post]"
PHONE = "[telefon]"
SOMEONE = "[Person]"  # a name alone that two linked people share

DIGIT_RE = re.compile(r"\d")
EMAIL_RE = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# YYMMDD or YYYYMMDD, then - or + or nothing, then four digits; the day of a co-ordination number is 61 to 91. Ten
# digits without - or + may be a phone number: phone numbers are found first, then these.
_DATE = r"(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]|6[1-9]|[78]\d|9[01])"
PERSON_NUMBER_RE = re.compile(rf"(?<![\w+])(?:(?:19|20)\d{{2}}{_DATE}[-+]?|\d{{2}}{_DATE}[-+])\d{{4}}(?!\d)")
PERSON_NUMBER_BARE_RE = re.compile(rf"(?<![\w+])\d{{2}}{_DATE}\d{{4}}(?!\d)")
# Swedish phone numbers: +46 or 0046 (then perhaps "(0)"), or 0, then 6 to 9 more digits in groups split by a space
# or a hyphen. A number ends where no further group follows; if a number is followed by another one, the longest
# that leaves a new number (starting with 0 or +) behind is taken, so "08-12 34 56 070-123 45 67" is two numbers.
_PHONE_START = r"(?:(?:\+46|0046)[ -]?(?:\(0\))?[ -]?[1-9]|0[1-9])"
PHONE_RE = re.compile(rf"(?<![\w+]){_PHONE_START}(?:(?:[ -]?\d){{5,8}}(?![ -]?[1-9])(?!\d)|(?:[ -]?\d){{5,8}}(?!\d))")
CHUNK = 500


def placeholder(number: int) -> str:
    return f"[Person {number}]"


@dataclass(frozen=True)
class Spelling:
    """How one linked person is written on a row of the people register (now, or before a change)."""

    first_name: str
    last_name: str
    phone: str = ""


def _alternatives(names: Iterable[str]) -> str:
    """``names`` as one alternation, longest first; the words of a name may be split by any whitespace."""
    found = sorted(set(names), key=lambda a: (-len(a), a))
    return "|".join(r"\s+".join(re.escape(part) for part in a.split()) for a in found)


def _names_pattern(full: Iterable[str], alone: Iterable[str]) -> re.Pattern[str] | None:
    """One pattern for the full names (whatever the case) and the names alone (as written), as whole words (a
    Swedish genitive ``s`` may follow); the group ``full`` or ``alone`` says which matched."""
    groups = []
    if full_names := _alternatives(full):
        groups.append(f"(?P<full>(?i:{full_names}))")
    if alone_names := _alternatives(alone):
        groups.append(f"(?P<alone>{alone_names})")
    if not groups:
        return None
    return re.compile(rf"(?<!\w)(?:{'|'.join(groups)})(?=s?(?!\w))")


def _parts(name: str) -> list[str]:
    """A name and, for a double name, its parts that start with a capital (not "von", "af")."""
    name = " ".join(name.split())
    out = [name] if len(name) >= 2 else []
    if " " in name:
        out += [p for p in name.split(" ") if len(p) >= 2 and p[0].isupper()]
    return out


class Replacer:
    """Replaces the personal data in the texts of one record. ``people``: each linked person's spellings, in the
    order of their placeholders (``[Person 1]`` is the first)."""

    def __init__(self, people: Sequence[Sequence[Spelling]]) -> None:
        full: dict[str, str] = {}
        alone: dict[str, set[int]] = defaultdict(set)
        phones: set[str] = set()
        for index, spellings in enumerate(people, start=1):
            for s in spellings:
                first, last = " ".join(s.first_name.split()), " ".join(s.last_name.split())
                if first and last:
                    full.setdefault(f"{first} {last}".casefold(), placeholder(index))
                for name in (first, last):
                    for part in _parts(name):
                        alone[part].add(index)
                if sum(c.isdigit() for c in s.phone) >= 6:
                    phones.add(s.phone.strip())
        self.full = full
        self.alone = {
            name: placeholder(next(iter(found))) if len(found) == 1 else SOMEONE for name, found in alone.items()
        }
        self.names_re = _names_pattern(full, self.alone)
        self.phone_re = (
            re.compile("|".join(re.escape(p) for p in sorted(phones, key=len, reverse=True))) if phones else None
        )

    def _name(self, match: re.Match[str]) -> str:
        if match.lastgroup == "full":
            return self.full[" ".join(match.group(0).split()).casefold()]
        return self.alone[" ".join(match.group(0).split())]

    def __call__(self, text: str) -> str:
        if "@" in text:
            text = EMAIL_RE.sub(EMAIL, text)
        if DIGIT_RE.search(text):
            text = PERSON_NUMBER_RE.sub(PERSON_NUMBER, text)
            if self.phone_re is not None:
                text = self.phone_re.sub(PHONE, text)
            text = PHONE_RE.sub(PHONE, text)
            text = PERSON_NUMBER_BARE_RE.sub(PERSON_NUMBER, text)
        if self.names_re is not None:
            text = self.names_re.sub(self._name, text)
        return text


def _attname(model: type[models.Model], name: str) -> str:
    return model._meta.get_field(name).attname  # type: ignore[union-attr]


def _linked_people(model: type[models.Model], spec: FreeText, ids: list[int]) -> dict[int, list[int]]:
    """Per record, the ids of the people linked to it in placeholder order: those its row names (in the order of
    ``spec.people``), then those only its history rows name, then the writers of its parts."""
    out: dict[int, list[int]] = defaultdict(list)

    def add(record_id: int, user_ids: Iterable[int | None]) -> None:
        for user_id in user_ids:
            if user_id is not None and user_id not in out[record_id]:
                out[record_id].append(user_id)

    pk = model._meta.pk.attname
    names = [_attname(model, f) for f in spec.people]
    if names:
        for row in model._default_manager.filter(pk__in=ids).order_by("pk").values_list(pk, *names):
            add(row[0], row[1:])
        history = history_model(model)
        if history is not None:
            rows = history._default_manager.filter(**{f"{pk}__in": ids}).order_by("history_date", "history_id")
            for row in rows.values_list(pk, *names):
                add(row[0], row[1:])
    for part in spec.parts:
        if not part.people:
            continue
        link = _attname(part.model, part.link)
        rows = part.model._default_manager.filter(**{f"{link}__in": ids})
        if part.only is not None:
            rows = rows.filter(part.only)
        for row in rows.order_by("pk").values_list(link, *[_attname(part.model, f) for f in part.people]):
            add(row[0], row[1:])
    return out


def _spellings(user_ids: set[int]) -> dict[int, list[Spelling]]:
    """Each person's name and phone as stored now, then as stored before (the people register's history)."""
    out: dict[int, list[Spelling]] = defaultdict(list)
    for pk, first, last, phone in User.objects.filter(pk__in=user_ids).values_list(
        "pk", "first_name", "last_name", "phone"
    ):
        out[pk].append(Spelling(first, last, phone))
    old = User.history.filter(id__in=user_ids).order_by("-history_date", "-history_id")
    for pk, first, last, phone in old.values_list("id", "first_name", "last_name", "phone"):
        spelling = Spelling(first, last, phone)
        if spelling not in out[pk]:
            out[pk].append(spelling)
    return out


def _rewrite(rows: QuerySet[Any], key: str, fields: Sequence[str], replacers: dict[int, Replacer]) -> list[Any]:
    """Pseudonymise ``fields`` of ``rows`` (each row's record is its ``key``); the pks of the rows changed."""
    model = rows.model
    limits = {f: getattr(model._meta.get_field(f), "max_length", None) for f in fields}
    changed = []
    for row in rows.only(model._meta.pk.name, key, *fields).order_by("pk"):
        replace = replacers[getattr(row, key)]
        touched = False
        for field in fields:
            old = getattr(row, field)
            if not old:
                continue
            new = replace(old)
            limit = limits[field]
            if limit is not None and len(new) > limit:
                new = new[: limit - 1] + "…"
            if new != old:
                setattr(row, field, new)
                touched = True
        if touched:
            changed.append(row)
    model._default_manager.bulk_update(changed, list(fields), batch_size=CHUNK)
    return [row.pk for row in changed]


def _pseudonymise_chunk(model: type[models.Model], spec: FreeText, ids: list[int]) -> None:
    linked = _linked_people(model, spec, ids)
    spellings = _spellings({u for users in linked.values() for u in users})
    replacers = {pk: Replacer([spellings.get(u, []) for u in linked.get(pk, [])]) for pk in ids}
    pk = model._meta.pk.attname
    fields = list(spec.fields)
    changed = _rewrite(model._default_manager.filter(pk__in=ids), pk, fields, replacers)
    if changed and any(f.name == "revision" for f in model._meta.concrete_fields):
        model._default_manager.filter(pk__in=changed).update(revision=F("revision") + 1)  # an open form is stale
    history = history_model(model)
    if history is not None:
        _rewrite(history._default_manager.filter(**{f"{pk}__in": ids}), pk, fields, replacers)
    for part in spec.parts:
        link = _attname(part.model, part.link)
        for rows_model in (part.model, history_model(part.model)):
            if rows_model is None:
                continue
            rows = rows_model._default_manager.filter(**{f"{link}__in": ids})
            if part.only is not None:
                rows = rows.filter(part.only)
            _rewrite(rows, link, part.fields, replacers)


@transaction.atomic
def pseudonymise_records(*, actor: User, kind: RecordKind, records: QuerySet[Any], batch: DisposalBatch) -> int:
    """Pseudonymise the free text of ``records`` of ``kind`` (their rows, history rows and parts) and mark them
    done in ``batch``; records already done are skipped. Returns how many were pseudonymised."""
    if not access.can(actor, Perm.MANAGE_RETENTION, batch):
        raise PermissionDenied
    spec = kind.free_text
    if spec is None:
        return 0
    done = PseudonymisedRecord.objects.filter(kind=kind.key).values("object_id")
    ids = list(records.exclude(pk__in=done).order_by("pk").values_list("pk", flat=True))
    model = records.model
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        _pseudonymise_chunk(model, spec, chunk)
        PseudonymisedRecord.objects.bulk_create(
            [
                PseudonymisedRecord(organisation_id=batch.organisation_id, kind=kind.key, object_id=pk, batch=batch)
                for pk in chunk
            ]
        )
    return len(ids)
