"""What the protection imports share: yes and no as people write them, and finding a facility by its name."""

from __future__ import annotations

from django.utils.translation import gettext as _

from varna.core import access
from varna.core.access import Perm
from varna.core.imports.base import ImportReport
from varna.core.imports.files import norm
from varna.core.models import Organisation, User
from varna.protection.models import Facility

YES = frozenset({"ja", "j", "x", "1", "yes", "y", "true", "sant", "utryckning", "märkt"})
NO = frozenset({"", "nej", "n", "0", "no", "false", "falskt", "-", "ingen", "omärkt", "ej märkt", "inte märkt"})


def yes_no(value: str) -> bool | None:
    """``True`` for ja, x, 1 …, ``False`` for nej, 0 or an empty cell, ``None`` for anything else."""
    key = norm(value)
    if key in YES:
        return True
    if key in NO:
        return False
    return None


def may_import(report: ImportReport, organisation: Organisation, actor: User | None) -> bool:
    """Whether ``actor`` may import into the organisation's facilities; otherwise the report says why."""
    if actor is None:
        report.add_error(
            None, "", _("Give the user name of someone who keeps the facilities: the import is made in their name.")
        )
        return False
    if actor.organisation_id != organisation.pk or not access.has_perm(actor, Perm.MANAGE_PROTECTION):
        report.add_error(
            None,
            "",
            _("Only those who keep the facilities (the security coordinator, a unit manager) may import this list."),
        )
        return False
    return True


class Facilities:
    """The facilities ``actor`` keeps (``MANAGE_PROTECTION``), by name and by number, read in one query."""

    def __init__(self, actor: User) -> None:
        rows = access.scope(actor, Perm.MANAGE_PROTECTION, Facility.objects.select_related("node"))
        self.by_pk: dict[int, Facility] = {}
        self.by_name: dict[str, list[Facility]] = {}
        for facility in rows.order_by("pk"):
            self.by_pk[facility.pk] = facility
            self.by_name.setdefault(norm(facility.name), []).append(facility)

    def find(self, name: str, number: str, row: int) -> Facility | str:
        """The facility named ``name`` (or numbered ``number``), or the row's message for the user."""
        if number.strip():
            if number.strip().isdigit() and int(number) in self.by_pk:
                return self.by_pk[int(number)]
            return _("Row %(row)s: no facility you keep has the number %(value)s.") % {
                "row": row,
                "value": number.strip(),
            }
        found = self.by_name.get(norm(name), [])
        params = {"row": row, "name": name.strip()}
        if not name.strip():
            return _("Row %(row)s: the facility is missing.") % params
        if not found:
            return _("Row %(row)s: no facility you keep is named “%(name)s”.") % params
        if len(found) > 1:
            return (
                _(
                    "Row %(row)s: several facilities are named “%(name)s”. Write the facility's number (shown on "
                    "its page) in the column “lokal-id”."
                )
                % params
            )
        return found[0]
