"""Import and export of the facility register (lokalregistret, G11) as the property companies keep it in Excel.

The file has one row per facility and the columns of :data:`COLUMNS` (the first row names them; other columns are
ignored). The export (:func:`export_rows`) writes the same columns, so an exported file imported again changes
nothing, and an edited one changes what was edited.

Which facility a row is (the stable key):

1. ``Lokal-id``, Värna's number of the facility (shown on its page and written by the export), when the cell is
   filled: the row changes that facility, its name too;
2. otherwise the name and the street address (``Namn`` + ``Adress``, compared without regard to case and
   spacing; the name alone when the file has no ``Adress`` column): the one facility of the organisation with
   that name and address is changed; none: the row is a new facility; several: the row must give ``Lokal-id``.

The property companies' own object numbers are not kept by Värna (no field for them): such a column is ignored.
A column the file does not have leaves that field as it is; an empty cell empties the field, except ``Typ``
(kept, or Övrigt for a new facility) and ``Ansvarig enhet`` (kept; a new facility must have one). Units are
written by their code or their name, the other units separated by semicolons. The insured value is kept by the
insurance programme (its import of insured values), not in the register.

Read by core's machinery (:func:`~varna.core.imports.files.read_for`); every row is checked first and every
problem reported with its row number and column; only a file without errors is written, all or nothing in one
transaction (:func:`~varna.core.imports.base.run_all_or_nothing`). ``MANAGE_PROTECTION`` for every unit touched.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from varna.core import access
from varna.core.access import Perm
from varna.core.exports import FORMULA_STARTS
from varna.core.imports.base import ImportReport, reason_for, run_all_or_nothing
from varna.core.imports.files import Column, Table, norm, read_for, too_long_message
from varna.core.models import Node, Organisation, User
from varna.protection.imports.common import may_import
from varna.protection.models import Facility, FacilityKind, OwnerKind
from varna.protection.services.common import limit
from varna.protection.services.register import RegisterRow, save_register

KIND = "facility_register"  # the import kind, registered with core in ProtectionConfig.ready
KIND_LABEL = gettext_lazy("The facility register (the property companies' list of premises)")

ID, NAME, KIND_COLUMN, ADDRESS, POSTAL_CODE, CITY = "Lokal-id", "Namn", "Typ", "Adress", "Postnummer", "Ort"
UNIT, USERS, OWNER_KIND, OWNER, CONTACT, PHONE, EMAIL, NOTE = (
    "Ansvarig enhet",
    "Enheter som använder lokalen",
    "Ägarform",
    "Fastighetsägare",
    "Kontaktperson",
    "Telefon",
    "E-post",
    "Anteckning",
)
COLUMNS = (
    Column(ID, ("lokalid", "lokal id", "lokalnummer", "facility id"), required=False),
    Column(NAME, ("lokal", "lokalnamn", "anläggning", "byggnad", "benämning", "name")),
    Column(KIND_COLUMN, ("lokaltyp", "typ av lokal", "verksamhet", "kind", "type"), required=False),
    Column(ADDRESS, ("gatuadress", "besöksadress", "address", "street address"), required=False),
    Column(POSTAL_CODE, ("postnr", "post nr", "postal code"), required=False),
    Column(CITY, ("postort", "stad", "city"), required=False),
    Column(UNIT, ("enhet", "ansvarig", "responsible unit", "unit"), required=False),
    Column(USERS, ("övriga enheter", "andra enheter", "användande enheter", "other units"), required=False),
    Column(OWNER_KIND, ("ägartyp", "owner kind"), required=False),
    Column(OWNER, ("ägare", "fastighetsägare/ägare", "hyresvärd", "fastighetsbolag", "owner"), required=False),
    Column(CONTACT, ("kontakt", "förvaltare", "contact person"), required=False),
    Column(PHONE, ("telefonnummer", "tel", "tel nr", "phone"), required=False),
    Column(EMAIL, ("epost", "e-postadress", "mejl", "email", "e-mail"), required=False),
    Column(NOTE, ("anteckningar", "kommentar", "note"), required=False),
)
HEADERS = [c.name for c in COLUMNS]
TEXTS = {  # column -> the facility's text field
    ADDRESS: "street_address",
    POSTAL_CODE: "postal_code",
    CITY: "city",
    OWNER: "owner_name",
    CONTACT: "owner_contact",
    PHONE: "owner_phone",
    NOTE: "note",
}
KIND_SYNONYMS = {
    "grundskola": FacilityKind.SCHOOL,
    "gymnasium": FacilityKind.SCHOOL,
    "gymnasieskola": FacilityKind.SCHOOL,
    "äldreboende": FacilityKind.CARE_HOME,
    "vård- och omsorgsboende": FacilityKind.CARE_HOME,
    "lss-boende": FacilityKind.CARE_HOME,
    "idrottshall": FacilityKind.SPORTS,
    "sporthall": FacilityKind.SPORTS,
    "simhall": FacilityKind.SPORTS,
    "förråd": FacilityKind.DEPOT,
    "depå": FacilityKind.DEPOT,
    "vattenverk": FacilityKind.WATERWORKS,
    "reningsverk": FacilityKind.WATERWORKS,
    "kulturhus": FacilityKind.CULTURE,
    "bostad": FacilityKind.HOUSING,
    "annat": FacilityKind.OTHER,
}
OWNER_SYNONYMS = {
    "kommunalt bolag": OwnerKind.MUNICIPAL_COMPANY,
    "kommunens bolag": OwnerKind.MUNICIPAL_COMPANY,
    "privat": OwnerKind.LANDLORD,
    "hyresvärd": OwnerKind.LANDLORD,
    "kommunen": OwnerKind.OWN,
    "egen": OwnerKind.OWN,
}


def _words(choices: Any, synonyms: Mapping[str, str]) -> dict[str, str]:
    """The choice's values and labels in Swedish and English, and the synonyms, normalised."""
    words = {norm(value): value for value in choices.values}
    for language in ("en", "sv"):
        with translation.override(language):
            words |= {norm(str(label)): value for value, label in choices.choices}
    return words | {norm(word): value for word, value in synonyms.items()}


def restore(text: str) -> str:
    """A cell as it was before the export neutralised it (``'=…`` → ``=…``, ``'+46…`` → ``+46…``)."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_STARTS) else text


def import_register(
    *, organisation: Organisation, actor: User | None, file_name: str, data: bytes, dry_run: bool = False
) -> ImportReport:
    """Check a facility register and, if every row is valid, add its new facilities and change the others."""
    report = ImportReport(KIND, file_name, dry_run)
    if not may_import(report, organisation, actor):
        return report
    assert actor is not None  # noqa: S101 - may_import
    table = read_for(report, data, COLUMNS)
    if table is None:
        return report
    report.rows = len(table.rows)

    def plan_and_write(write: bool) -> None:
        rows = _Checker(organisation, actor, table, report).check()
        if not report.ok:
            report.created = report.updated = report.unchanged = 0
            return
        if write:
            save_register(actor=actor, rows=rows, reason=reason_for(file_name))

    return run_all_or_nothing(report, organisation, plan_and_write)


class _Units:
    """The organisation's units by code and by name (one query), and how the export writes one."""

    def __init__(self, organisation: Organisation) -> None:
        nodes = list(Node.objects.filter(organisation=organisation).order_by("path"))
        self.by_pk = {n.pk: n for n in nodes}
        self.codes = {norm(n.code): n for n in nodes if n.code}
        self.names: dict[str, list[Node]] = {}
        for node in nodes:
            self.names.setdefault(norm(node.name), []).append(node)

    def find(self, text: str, row: int) -> Node | str:
        key = norm(text)
        if key in self.codes:
            return self.codes[key]
        named = self.names.get(key, [])
        if len(named) == 1:
            return named[0]
        params = {"row": row, "value": text.strip()}
        if named:
            return _("Row %(row)s: several units are named “%(value)s”. Write the unit's code.") % params
        return _("Row %(row)s: no unit has the code or name “%(value)s”.") % params

    def label(self, node: Node) -> str:
        """The name, when it finds the unit again on import; else the code."""
        key = norm(node.name)
        unique = len(self.names.get(key, [])) == 1 and key not in self.codes
        return node.name if unique and ";" not in node.name else node.code


class _Checker:
    """Checks every row against the organisation's units and facilities, read in a few queries."""

    def __init__(self, organisation: Organisation, actor: User, table: Table, report: ImportReport) -> None:
        self.actor, self.table, self.report, self.labels = actor, table, report, table.labels
        self.units = _Units(organisation)
        self.kinds = _words(FacilityKind, KIND_SYNONYMS)
        self.owner_kinds = _words(OwnerKind, OWNER_SYNONYMS)
        rows = Facility.objects.filter(organisation=organisation).prefetch_related("user_nodes").order_by("pk")
        self.by_pk: dict[int, Facility] = {}
        self.by_key: dict[tuple[str, str], list[Facility]] = {}
        for facility in rows:
            facility.node = self.units.by_pk[facility.node_id]
            self.by_pk[facility.pk] = facility
            self.by_key.setdefault(self._key(facility.name, facility.street_address), []).append(facility)
        self.manages: dict[int, bool] = {}

    def _key(self, name: str, address: str) -> tuple[str, str]:
        return norm(name), norm(address) if ADDRESS in self.labels else ""

    def _may_manage(self, node: Node) -> bool:
        if node.pk not in self.manages:
            self.manages[node.pk] = access.has_perm(self.actor, Perm.MANAGE_PROTECTION, node)
        return self.manages[node.pk]

    def check(self) -> list[RegisterRow]:
        rows: list[RegisterRow] = []
        seen: dict[int | tuple[str, str], int] = {}
        for number, raw in self.table.rows:
            values = {column: restore(text).replace("\x00", "").strip() for column, text in raw.items()}
            errors: list[tuple[str, str]] = []
            facility = self._facility(values, number, errors)
            row = self._row(facility, values, number, errors)
            if facility is not None or row is not None:
                key: int | tuple[str, str] = (
                    facility.pk if facility is not None else self._key(values[NAME], values.get(ADDRESS, ""))
                )
                if key in seen:
                    message = _("Row %(row)s: the same facility is already on row %(first)s.")
                    errors.append((NAME, message % {"row": number, "first": seen[key]}))
                seen.setdefault(key, number)
            for column, message in errors:
                self.report.add_error(number, self.labels.get(column, column), message)
            if errors or row is None:
                continue
            if row.facility is None:
                self.report.created += 1
            elif row.changed or self._users_change(row):
                self.report.updated += 1
            else:
                self.report.unchanged += 1
            rows.append(row)
        return rows

    def _facility(self, values: dict[str, str], row: int, errors: list[tuple[str, str]]) -> Facility | None:
        """The facility the row is about (``None``: a new one, or an error in ``errors``)."""
        number = values.get(ID, "")
        if number:
            found = self.by_pk.get(int(number)) if number.isdigit() else None
            if found is None or not self._may_manage(found.node):
                message = _("Row %(row)s: no facility you keep has the number %(value)s.")
                errors.append((ID, message % {"row": row, "value": number}))
            return found
        if not values[NAME]:
            return None
        candidates = self.by_key.get(self._key(values[NAME], values.get(ADDRESS, "")), [])
        params = {"row": row, "name": values[NAME]}
        if len(candidates) > 1:
            message = _(
                "Row %(row)s: several facilities are named “%(name)s” at this address. Write the facility's number "
                "in the column “Lokal-id” (the exported register has it)."
            )
            errors.append((NAME, message % params))
            return None
        if candidates and not self._may_manage(candidates[0].node):
            message = _(
                "Row %(row)s: the facility “%(name)s” is already in the register, kept by a unit whose facilities "
                "you do not keep."
            )
            errors.append((NAME, message % params))
        return candidates[0] if candidates else None

    def _row(
        self, facility: Facility | None, values: dict[str, str], row: int, errors: list[tuple[str, str]]
    ) -> RegisterRow | None:
        new: dict[str, Any] = {}
        if not values[NAME]:
            errors.append((NAME, _("Row %(row)s: the name of the facility is missing.") % {"row": row}))
        elif len(values[NAME]) > limit(Facility, "name"):
            errors.append((NAME, too_long_message(row, self.labels[NAME], limit(Facility, "name"))))
        else:
            new["name"] = values[NAME]
        self._kind(facility, values, row, errors, new)
        for column, name in TEXTS.items():
            if column not in values:
                continue
            if len(values[column]) > limit(Facility, name):
                errors.append((column, too_long_message(row, self.labels[column], limit(Facility, name))))
            else:
                new[name] = values[column]
        if EMAIL in values:
            self._email(values[EMAIL], row, errors, new)
        if OWNER_KIND in values:
            owner_kind = self.owner_kinds.get(norm(values[OWNER_KIND]))
            if owner_kind is None:
                message = _(
                    "Row %(row)s: “%(value)s” is not a kind of owner. Write kommunalt fastighetsbolag, privat "
                    "hyresvärd or kommunen själv, or leave the cell empty."
                )
                errors.append((OWNER_KIND, message % {"row": row, "value": values[OWNER_KIND]}))
            else:
                new["owner_kind"] = owner_kind
        self._unit(facility, values, row, errors, new)
        users = self._users(values, row, errors) if USERS in values else None
        if errors:
            return None
        if facility is None:
            return RegisterRow(None, new, users)
        changed = [name for name, value in new.items() if getattr(facility, name) != value]
        return RegisterRow(facility, new, users, changed)

    def _kind(
        self,
        facility: Facility | None,
        values: dict[str, str],
        row: int,
        errors: list[tuple[str, str]],
        new: dict[str, Any],
    ) -> None:
        text = values.get(KIND_COLUMN, "")
        if not text:
            new["kind"] = facility.kind if facility is not None else FacilityKind.OTHER
            return
        kind = self.kinds.get(norm(text))
        if kind is None:
            message = _(
                "Row %(row)s: “%(value)s” is not a kind of facility. Write skola, förskola, särskilt boende, kontor, "
                "idrottsanläggning, bibliotek, förråd, reningsverk, kulturlokal, bostäder or övrigt."
            )
            errors.append((KIND_COLUMN, message % {"row": row, "value": text}))
        else:
            new["kind"] = kind

    def _email(self, text: str, row: int, errors: list[tuple[str, str]], new: dict[str, Any]) -> None:
        if text and (len(text) > limit(Facility, "owner_email") or not _is_email(text)):
            message = _("Row %(row)s: “%(value)s” is not an e-mail address. Write it in full, as namn@bolag.se.")
            errors.append((EMAIL, message % {"row": row, "value": text[:100]}))
            return
        new["owner_email"] = text

    def _unit(
        self,
        facility: Facility | None,
        values: dict[str, str],
        row: int,
        errors: list[tuple[str, str]],
        new: dict[str, Any],
    ) -> None:
        text = values.get(UNIT, "")
        if not text:
            if facility is not None:
                new["node"] = facility.node
            elif not values.get(ID):  # a row whose number is wrong has its error already
                message = _("Row %(row)s: the responsible unit is missing. A new facility must have one.")
                errors.append((UNIT, message % {"row": row}))
            return
        node = self.units.find(text, row)
        if isinstance(node, str):
            errors.append((UNIT, node))
        elif not self._may_manage(node):
            message = _("Row %(row)s: you do not keep the facilities of %(unit)s.")
            errors.append((UNIT, message % {"row": row, "unit": node.name}))
        else:
            new["node"] = node

    def _users(self, values: dict[str, str], row: int, errors: list[tuple[str, str]]) -> list[Node]:
        found: list[Node] = []
        for part in values[USERS].split(";"):
            if not part.strip():
                continue
            node = self.units.find(part, row)
            if isinstance(node, str):
                errors.append((USERS, node))
            elif node not in found:
                found.append(node)
        return found

    @staticmethod
    def _users_change(row: RegisterRow) -> bool:
        if row.user_nodes is None or row.facility is None:
            return False
        node_id = row.values["node"].pk
        return {n.pk for n in row.user_nodes if n.pk != node_id} != {n.pk for n in row.facility.user_nodes.all()}


# --- export ------------------------------------------------------------------------------------------------


def export_rows(organisation: Organisation, facilities: Iterable[Facility]) -> list[list[Any]]:
    """The register's rows for the file, in the columns of :data:`HEADERS` (Swedish words, whatever the language
    of the page, so that the file reads the same everywhere); ``facilities`` with their units prefetched."""
    units = _Units(organisation)
    rows = []
    with translation.override("sv"):
        kinds, owner_kinds = dict(FacilityKind.choices), dict(OwnerKind.choices)
        for f in facilities:
            others = sorted((n for n in f.user_nodes.all() if n.pk != f.node_id), key=lambda n: n.path)
            rows.append(
                [
                    f.pk,
                    f.name,
                    str(kinds.get(f.kind, f.kind)),
                    f.street_address,
                    f.postal_code,
                    f.city,
                    units.label(f.node),
                    "; ".join(units.label(n) for n in others),
                    str(owner_kinds[f.owner_kind]) if f.owner_kind else "",
                    f.owner_name,
                    f.owner_contact,
                    f.owner_phone,
                    f.owner_email,
                    f.note,
                ]
            )
    return rows


def _is_email(text: str) -> bool:
    try:
        validate_email(text)
    except ValidationError:
        return False
    return True
