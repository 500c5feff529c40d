"""Import of the staff list: people by employee number, their unit and their roles."""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.hashers import make_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from varna.core import access
from varna.core.access import Perm
from varna.core.dates import parse_day
from varna.core.imports.base import BATCH, ImportKind, ImportReport, reason_for, run_all_or_nothing
from varna.core.imports.files import Column, Table, norm, read_for, too_long_message
from varna.core.models import Node, Organisation, Role, RoleAssignment, User

PEOPLE_COLUMNS = (
    Column("anställningsnummer", ("anställningsnr", "anstnr", "anst nr", "anst.nr", "employee number", "employee no")),
    Column("förnamn", ("first name", "firstname", "given name", "tilltalsnamn")),
    Column("efternamn", ("last name", "lastname", "surname", "family name")),
    Column("e-post", ("epost", "e-postadress", "epostadress", "e-mail", "email", "mail")),
    Column("användarnamn", ("username", "user name", "användar-id", "användarid", "user id"), required=False),
    Column("enhet", ("enhetskod", "unit", "unit code", "anställningsenhet")),
    Column("befattning", ("job title", "title", "titel"), required=False),
    Column("roller", ("roll", "roles", "role"), required=False),
    Column(
        "anställd från",
        (
            "anställningsdatum",
            "första anställningsdag",
            "anställd sedan",
            "startdatum",
            "employed from",
            "employment start",
            "start date",
        ),
        required=False,
    ),
)
EARLIEST_EMPLOYMENT = datetime.date(1940, 1, 1)  # an earlier first day is a typing error

ROLE_NAMES: dict[str, str] = {
    "säkerhetssamordnare": Role.SECURITY_COORDINATOR,
    "säkerhetshandläggare": Role.SECURITY_OFFICER,
    "förvaltningschef": Role.HEAD_OF_ADMINISTRATION,
    "enhetschef": Role.UNIT_MANAGER,
    "säkerhetsombud": Role.SECURITY_REPRESENTATIVE,
    "anställd": Role.EMPLOYEE,
    "förtroendevald": Role.ELECTED_OFFICIAL,
    "administratör": Role.ADMINISTRATOR,
    "hr-handläggare": Role.HR,
} | {r.value.replace("_", " "): r.value for r in Role}
ROLE_LIST = ", ".join(list(ROLE_NAMES)[:8])

_username_validator = UnicodeUsernameValidator()
LENGTHS = {
    "anställningsnummer": User._meta.get_field("employee_number").max_length or 40,
    "förnamn": User._meta.get_field("first_name").max_length or 150,
    "efternamn": User._meta.get_field("last_name").max_length or 150,
    "e-post": User._meta.get_field("email").max_length or 254,
    "användarnamn": User._meta.get_field("username").max_length or 150,
    "befattning": User._meta.get_field("job_title").max_length or 120,
}


@dataclass
class _PersonRow:
    row: int
    number: str
    first_name: str
    last_name: str
    email: str
    username: str
    unit_id: int
    job_title: str | None  # None: the column is not in the file, keep what the person has
    employed_from: datetime.date | None  # None: no column or an empty cell, keep what the person has
    roles: set[tuple[str, int]]


def import_people(
    *, organisation: Organisation, actor: User | None, file_name: str, data: bytes, dry_run: bool = False
) -> ImportReport:
    """Create or update people (matched by employee number) with their unit and roles."""
    report = ImportReport(ImportKind.PEOPLE, file_name, dry_run)
    table = read_for(report, data, PEOPLE_COLUMNS)
    if table is None:
        return report
    report.rows = len(table.rows)

    def plan_and_write(write: bool) -> None:
        is_admin = actor is None or (
            actor.organisation_id == organisation.pk and access.has_perm(actor, Perm.CONFIGURE)
        )
        people = _check_people(organisation, table, report, is_admin)
        if report.ok:
            _people_plan(organisation, people, report, actor, reason_for(file_name), write, table.labels, is_admin)

    return run_all_or_nothing(report, organisation, plan_and_write)


def _split_roles(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[;,]", text) if part.strip()]


def _check_people(organisation: Organisation, table: Table, report: ImportReport, is_admin: bool) -> list[_PersonRow]:
    col = table.labels
    units = dict(Node.objects.filter(organisation=organisation).values_list("code", "id"))
    seen: dict[str, int] = {}
    seen_usernames: dict[str, int] = {}
    people: list[_PersonRow] = []
    for number, values in table.rows:
        errors: list[tuple[str, str]] = []
        params = {"row": number}
        employee_number = values["anställningsnummer"]
        too_long = [(c, n) for c, n in LENGTHS.items() if len(values.get(c) or "") > n]
        for column, limit in too_long:
            errors.append((column, too_long_message(number, col.get(column, column), limit)))
        if not employee_number:
            errors.append(("anställningsnummer", _("Row %(row)s: the employee number is missing.") % params))
        elif employee_number in seen:
            errors.append(
                (
                    "anställningsnummer",
                    _("Row %(row)s: the employee number “%(number)s” appears again; it is already on row %(first)s.")
                    % {"row": number, "number": employee_number, "first": seen[employee_number]},
                )
            )
        else:
            seen[employee_number] = number
        for column in ("förnamn", "efternamn"):
            if not values[column]:
                errors.append((column, _("Row %(row)s: “%(column)s” is empty.") % {**params, "column": col[column]}))
        email = values["e-post"]
        try:
            if email:  # people without an address (such as some hourly staff) get no e-mail from Värna
                validate_email(email)
        except ValidationError:
            errors.append(
                ("e-post", _("Row %(row)s: “%(email)s” is not a valid e-mail address.") % {**params, "email": email})
            )
        username = values.get("användarnamn", "")
        if username:
            try:
                _username_validator(username)
            except ValidationError:
                errors.append(
                    (
                        "användarnamn",
                        _("Row %(row)s: the user name “%(username)s” may only hold letters, digits and @ . + - _.")
                        % {**params, "username": username},
                    )
                )
            if username in seen_usernames:
                errors.append(
                    (
                        "användarnamn",
                        _("Row %(row)s: the user name “%(username)s” is already on row %(first)s.")
                        % {**params, "username": username, "first": seen_usernames[username]},
                    )
                )
            seen_usernames.setdefault(username, number)
        unit_id = units.get(values["enhet"])
        if unit_id is None:
            message = (
                _("Row %(row)s: the unit “%(code)s” does not exist in the organisation.")
                if values["enhet"]
                else _("Row %(row)s: the unit is missing.")
            )
            errors.append(("enhet", message % {**params, "code": values["enhet"]}))
        job_title = values.get("befattning")
        employed_from = _employed_from(values.get("anställd från", ""), params, errors)
        roles: set[tuple[str, int]] = set()
        for token in _split_roles(values.get("roller", "")):
            name, _at, code = token.partition("@")
            role = ROLE_NAMES.get(norm(name))
            node_id = units.get(code.strip()) if code.strip() else unit_id
            if role is None:
                errors.append(
                    (
                        "roller",
                        _("Row %(row)s: “%(role)s” is not a role. Valid roles: %(roles)s.")
                        % {**params, "role": name.strip(), "roles": ROLE_LIST},
                    )
                )
            elif code.strip() and node_id is None:
                errors.append(
                    (
                        "roller",
                        _("Row %(row)s: the unit “%(code)s” in “%(role)s” does not exist in the organisation.")
                        % {**params, "code": code.strip(), "role": token},
                    )
                )
            elif role == Role.ADMINISTRATOR and not is_admin:
                errors.append(
                    ("roller", _("Row %(row)s: only an administrator may give the role administratör.") % params)
                )
            elif node_id is not None:
                roles.add((role, node_id))
        for column, message in errors:
            report.add_error(number, col.get(column, column), message)
        if errors or unit_id is None:
            continue
        roles.add((Role.EMPLOYEE, unit_id))
        people.append(
            _PersonRow(
                row=number,
                number=employee_number,
                first_name=values["förnamn"],
                last_name=values["efternamn"],
                email=BaseUserManager.normalize_email(email),
                username=username,
                unit_id=unit_id,
                job_title=job_title,
                employed_from=employed_from,
                roles=roles,
            )
        )
    return people


def _employed_from(text: str, params: dict[str, Any], errors: list[tuple[str, str]]) -> datetime.date | None:
    """The first day of employment in a cell (2024-03-15, 15/3/2024, 15 mars 2024 or an Excel date)."""
    if not text.strip():
        return None
    day = parse_day(text)
    if day is None or day < EARLIEST_EMPLOYMENT:
        errors.append(
            (
                "anställd från",
                _("Row %(row)s: “%(text)s” is not a first day of employment. Write the date as 2024-03-15.")
                % {**params, "text": text.strip()},
            )
        )
        return None
    return day


def _chunks[T](items: list[T]) -> Iterator[list[T]]:
    for start in range(0, len(items), BATCH):
        yield items[start : start + BATCH]


def _base_username(person: _PersonRow) -> str:
    raw = f"{person.first_name}.{person.last_name}".replace(" ", ".")
    ascii_only = unicodedata.normalize("NFKD", raw).encode("ascii", "ignore").decode().lower()
    base = re.sub(r"\.+", ".", re.sub(r"[^a-z0-9.\-]", "", ascii_only)).strip(".-")[:30]
    return base or f"anst{re.sub(r'[^A-Za-z0-9]', '', person.number)[:20].lower()}"


def _generate_usernames(people: list[tuple[User, _PersonRow]], used: set[str]) -> None:
    """first.last, and for the second Anna Lind anna.lind2, anna.lind3 ...: never one already in use."""
    bases = [_base_username(person) for _user, person in people]
    counts = Counter(bases)
    crowded = {base for base, n in counts.items() if n > 1} | {b for b in counts if b in used}
    for chunk in _chunks(sorted(counts)):
        crowded.update(User.objects.filter(username__in=chunk).values_list("username", flat=True))
    for base in crowded:
        used.update(User.objects.filter(username__startswith=base).values_list("username", flat=True))
    suffixes: dict[str, int] = {}  # the last suffix tried per base: no quadratic search for the 900th Anna Lind
    for (user, _person), base in zip(people, bases, strict=True):
        candidate, suffix = base, suffixes.get(base, 1)
        while candidate in used:
            suffix += 1
            candidate = f"{base}{suffix}"
        suffixes[base] = suffix
        user.username = candidate
        used.add(candidate)


def _people_plan(
    organisation: Organisation,
    people: list[_PersonRow],
    report: ImportReport,
    actor: User | None,
    reason: str,
    write: bool,
    labels: dict[str, str],
    is_admin: bool,
) -> None:
    """Count (and with ``write``, make) the changes.

    A user name that belongs to someone else is a row error, and so is a change to an administrator's
    details by someone who is not an administrator (an e-mail address is a way into an account).
    """
    known: dict[str, User] = {}
    for chunk in _chunks([p.number for p in people]):
        known.update(
            {u.employee_number: u for u in User.objects.filter(organisation=organisation, employee_number__in=chunk)}
        )
    taken: dict[str, int] = {}
    for chunk in _chunks([p.username for p in people if p.username]):
        taken.update(dict(User.objects.filter(username__in=chunk).values_list("username", "pk")))
    for person in people:
        owner = taken.get(person.username)
        mine = known.get(person.number)
        if person.username and owner is not None and (mine is None or owner != mine.pk):
            report.add_error(
                person.row,
                labels.get("användarnamn", "användarnamn"),
                _("Row %(row)s: the user name “%(username)s” belongs to someone else.")
                % {"row": person.row, "username": person.username},
            )
    if not report.ok:
        return

    active: set[tuple[int, str, int]] = set()
    for ids in _chunks([u.pk for u in known.values()]):
        active.update(RoleAssignment.objects.active().filter(user_id__in=ids).values_list("user_id", "role", "node_id"))
    administrators = {user_id for user_id, role, _node in active if role == Role.ADMINISTRATOR}
    used = set(taken) | {p.username for p in people if p.username}  # never generate one of these
    new: list[tuple[User, _PersonRow]] = []
    changed: list[User] = []
    changed_fields: set[str] = set()
    role_rows: list[tuple[_PersonRow, User | None, str, int]] = []
    unusable = make_password(None)  # one "!..." value for all: the same as set_unusable_password(), 45,000 times faster
    for person in people:
        user = known.get(person.number)
        wanted = {
            "first_name": person.first_name,
            "last_name": person.last_name,
            "email": person.email,
            "employment_node_id": person.unit_id,
        }
        if person.job_title is not None:
            wanted["job_title"] = person.job_title
        if person.employed_from is not None:
            wanted["employed_from"] = person.employed_from
        if person.username:
            wanted["username"] = person.username
        if user is None:
            user = User(organisation=organisation, employee_number=person.number, is_active=True, **wanted)
            user.password = unusable  # they log in once a password or single sign-on is set up
            new.append((user, person))
            report.created += 1
            role_rows.extend((person, None, role, node_id) for role, node_id in sorted(person.roles))
            continue
        diff = {name for name, value in wanted.items() if getattr(user, name) != value}
        missing = [(r, n) for r, n in sorted(person.roles) if (user.pk, r, n) not in active]
        role_rows.extend((person, user, role, node_id) for role, node_id in missing)
        if diff and user.pk in administrators and not is_admin:
            report.add_error(
                person.row,
                labels["anställningsnummer"],
                _("Row %(row)s: only an administrator may change the details of an administrator.")
                % {"row": person.row},
            )
        if diff:
            for name in diff:
                setattr(user, name, wanted[name])
            changed.append(user)
            changed_fields |= diff
        if diff or missing:
            report.updated += 1
        else:
            report.unchanged += 1
    report.roles_added = len(role_rows)
    if not write or not report.ok:
        return
    _generate_usernames([(user, person) for user, person in new if not user.username], used)

    if changed:
        bulk_update_with_history(
            changed, User, sorted(changed_fields), batch_size=BATCH, default_user=actor, default_change_reason=reason
        )
    created = (
        bulk_create_with_history(
            [u for u, _p in new], User, batch_size=BATCH, default_user=actor, default_change_reason=reason
        )
        if new
        else []
    )
    by_number = {u.employee_number: u for u in created}
    today = timezone.localdate()
    assignments = [
        RoleAssignment(
            organisation=organisation,
            user=user or by_number[person.number],
            role=role,
            node_id=node_id,
            valid_from=today,
        )
        for person, user, role, node_id in role_rows
    ]
    if assignments:
        bulk_create_with_history(
            assignments, RoleAssignment, batch_size=BATCH, default_user=actor, default_change_reason=reason
        )
