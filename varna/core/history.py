"""Change history of business records, read from django-simple-history, as a person can read it.

- A field is named by its (translated) label; fields without one are bookkeeping (the status's timestamp,
  the matrix version, counters) and are left out: the entry already says who changed what, and when.
- A reference shows the name of what it points to, a choice its label, a moment the local time to the
  minute, an amount ``4 500 kr``; a many-to-many change lists the names added and removed.
- A parent's history also lists its children's changes (an analysis its risks, judgements and measures),
  each line saying which child: the caller names the children with :class:`Children`, so core knows no app.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from decimal import Decimal
from typing import Any, cast

from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.db import models
from django.db.models import Field
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from varna.core import formats
from varna.core.models import RoleAssignment, User

MAX_ENTRIES = 300

ACTIONS = {"+": _("Created"), "~": _("Changed"), "-": _("Deleted")}
# Amount fields are shown in kronor: those named with one of these words, and those a model lists in MONEY_FIELDS.
MONEY_WORDS = ("amount", "cost", "investment", "budget", "benefit")


@dataclass
class Change:
    field: str
    old: str
    new: str
    added: list[str] = dataclass_field(default_factory=list)
    removed: list[str] = dataclass_field(default_factory=list)


@dataclass
class Entry:
    when: datetime.datetime
    who: str
    action: str
    subject: str
    reason: str = ""
    changes: list[Change] = dataclass_field(default_factory=list)


@dataclass(frozen=True)
class Children:
    """Records whose history belongs in a parent's: ``Children(Risk, {"analysis_id": analysis.pk})``.

    ``lookup`` filters the child's history table, so deleted children are listed too. ``hidden`` names fields
    whose changes the reader may not see (an action's linked risks, for someone who may not see risks).
    """

    model: type[models.Model]
    lookup: dict[str, Any]
    hidden: tuple[str, ...] = ()


def history_model(model: type[models.Model]) -> type[models.Model] | None:
    """The model's django-simple-history table (its historical model), or ``None`` for a model without history."""
    attribute = getattr(model._meta, "simple_history_manager_attribute", None)
    if attribute is None:
        return None
    found: type[models.Model] = getattr(model, attribute).model
    return found


def _person(user: User) -> str:
    if user.protected_identity:
        return str(_("Protected identity"))
    return str(user)


class _Names:
    """Names of referenced records, each read once per history page."""

    def __init__(self) -> None:
        self._cache: dict[tuple[type[models.Model], Any], str] = {}

    def __call__(self, model: type[models.Model], pk: Any) -> str:
        key = (model, pk)
        if key not in self._cache:
            obj = model._default_manager.filter(pk=pk).first()
            if obj is None:
                self._cache[key] = str(_("%(thing)s (removed)") % {"thing": str(model._meta.verbose_name)})
            else:
                self._cache[key] = _person(obj) if isinstance(obj, User) else str(obj)
        return self._cache[key]


def _capitalised(text: object) -> str:
    words = str(text)
    return words[:1].upper() + words[1:]


def _labelled(model: type[models.Model], name: str) -> Field[Any, Any] | None:
    """The model's field of that name when it has a label of its own (a translated verbose name)."""
    try:
        f = cast(Field[Any, Any], model._meta.get_field(name))
    except FieldDoesNotExist:  # a field the model no longer has
        return None
    return f if isinstance(f.verbose_name, Promise) else None


def _display(model: type[models.Model], name: str, value: Any, names: _Names | None = None) -> str:
    if value is None or value == "":
        return "–"
    f = cast(Field[Any, Any], model._meta.get_field(name))
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if f.is_relation and f.related_model is not None and not isinstance(value, models.Model):
        return (names or _Names())(f.related_model, value)
    if isinstance(value, User):
        return _person(value)
    if isinstance(value, datetime.date):
        return formats.local_time(value)
    is_money = name in getattr(model, "MONEY_FIELDS", ()) or any(w in name for w in MONEY_WORDS)
    if isinstance(value, Decimal | float) or (isinstance(value, int) and is_money):
        places = getattr(f, "decimal_places", 0) or 0
        if is_money:
            # Whole kronor as 4 500 kr; öre only when there are any (4 500,50 kr).
            return formats.money(value, places if Decimal(str(value)) % 1 else 0)
        return formats.number(value, places)
    return str(value)


def _m2m_change(model: type[models.Model], name: str, old: Any, new: Any, names: _Names) -> Change:
    f = cast(models.ManyToManyField[Any, Any], model._meta.get_field(name))
    target = f.related_model
    key = f.m2m_reverse_field_name()

    def ids(rows: Any) -> set[Any]:
        return {row.get(key) for row in rows or () if isinstance(row, dict)}

    before, after = ids(old), ids(new)
    added = sorted(names(target, pk) for pk in after - before)
    removed = sorted(names(target, pk) for pk in before - after)
    return Change(_capitalised(f.verbose_name), "", "", added=added, removed=removed)


def _entries_for(
    records: Sequence[Any], model: type[models.Model], subject: str, names: _Names, hidden: tuple[str, ...] = ()
) -> list[Entry]:
    result = []
    previous = None
    m2m = {f.name for f in model._meta.many_to_many}
    for record in records:
        changes: list[Change] = []
        if previous is not None and record.history_type == "~":
            delta = record.diff_against(previous)
            for c in delta.changes:
                f = _labelled(model, c.field)
                if f is None or c.field in hidden:
                    continue
                if c.field in m2m:
                    change = _m2m_change(model, c.field, c.old, c.new, names)
                    if change.added or change.removed:
                        changes.append(change)
                    continue
                old, new = _display(model, c.field, c.old, names), _display(model, c.field, c.new, names)
                if old != new:  # a moment changed within the same minute reads the same
                    changes.append(Change(_capitalised(f.verbose_name), old, new))
        who = _person(record.history_user) if record.history_user_id else str(_("the system"))
        # A change of bookkeeping fields alone (a reminder's date, a counter) is not a change a person made.
        if record.history_type != "~" or changes or previous is None or record.history_change_reason:
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


def _child_subject(model: type[models.Model], record: Any) -> str:
    kind = str(model._meta.verbose_name)
    try:
        name = str(record.instance)
    except ObjectDoesNotExist:  # a child whose references are gone is named by its kind
        name = ""
    return f"{kind[:1].upper()}{kind[1:]}: {name}" if name else kind[:1].upper() + kind[1:]


def entries(obj: models.Model, *, children: Iterable[Children] = ()) -> list[Entry]:
    """The object's history, newest first, with its children's; for a person also the history of their roles."""
    model = type(obj)
    names = _Names()
    records = list(obj.history.select_related("history_user").order_by("history_date", "history_id")[:MAX_ENTRIES])  # type: ignore[attr-defined]
    verbose = str(model._meta.verbose_name)
    result = _entries_for(records, model, verbose[:1].upper() + verbose[1:], names)
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
            result.extend(_entries_for(rows, RoleAssignment, subject, names))
    for child in children:
        by_child: dict[Any, list[Any]] = {}
        child_records = (
            child.model.history.filter(**child.lookup)  # type: ignore[attr-defined]
            .select_related("history_user")
            .order_by("history_date", "history_id")[:MAX_ENTRIES]
        )
        for record in child_records:
            by_child.setdefault(getattr(record, child.model._meta.pk.attname), []).append(record)
        for rows in by_child.values():
            subject = _child_subject(child.model, rows[-1])
            result.extend(_entries_for(rows, child.model, subject, names, child.hidden))
    result.sort(key=lambda e: e.when, reverse=True)
    return result[:MAX_ENTRIES]
