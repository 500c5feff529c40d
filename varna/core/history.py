"""Change history of business records, read from django-simple-history."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from django.db import models
from django.db.models import Field
from django.utils.translation import gettext_lazy as _

from varna.core.models import RoleAssignment, User

MAX_ENTRIES = 300

ACTIONS = {"+": _("Created"), "~": _("Changed"), "-": _("Deleted")}


@dataclass
class Change:
    field: str
    old: str
    new: str


@dataclass
class Entry:
    when: datetime
    who: str
    action: str
    subject: str
    reason: str = ""
    changes: list[Change] = field(default_factory=list)


def _display(model: type[models.Model], name: str, value: Any) -> str:
    if value is None or value == "":
        return "–"
    f = cast(Field, model._meta.get_field(name))
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    return str(value)


def _entries_for(records: list[Any], model: type[models.Model], subject: str) -> list[Entry]:
    result = []
    previous = None
    for record in records:
        changes: list[Change] = []
        if previous is not None and record.history_type == "~":
            delta = record.diff_against(previous)
            for c in delta.changes:
                label = str(cast(Field, model._meta.get_field(c.field)).verbose_name)
                changes.append(Change(label, _display(model, c.field, c.old), _display(model, c.field, c.new)))
        who = str(record.history_user) if record.history_user_id else str(_("the system"))
        result.append(
            Entry(
                when=record.history_date,
                who=who,
                action=str(ACTIONS.get(record.history_type, record.history_type)),
                subject=subject,
                reason=record.history_change_reason or "",
                changes=changes,
            )
        )
        previous = record
    return result


def entries(obj: models.Model) -> list[Entry]:
    """The object's history, newest first; for a person also the history of their roles."""
    model = type(obj)
    records = list(obj.history.select_related("history_user").order_by("history_date", "history_id")[:MAX_ENTRIES])  # type: ignore[attr-defined]
    result = _entries_for(records, model, str(model._meta.verbose_name).capitalize())
    if isinstance(obj, User):
        by_assignment: dict[int, list[Any]] = {}
        role_records = (
            RoleAssignment.history.filter(user_id=obj.pk)
            .select_related("history_user")
            .order_by("history_date", "history_id")[:MAX_ENTRIES]
        )
        for record in role_records:
            by_assignment.setdefault(record.id, []).append(record)
        for rows in by_assignment.values():
            last = rows[-1]
            subject = str(_("Role: %(role)s") % {"role": _display(RoleAssignment, "role", last.role)})
            result.extend(_entries_for(rows, RoleAssignment, subject))
    result.sort(key=lambda e: e.when, reverse=True)
    return result[:MAX_ENTRIES]
