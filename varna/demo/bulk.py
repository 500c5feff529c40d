"""Fast inserts for the demo's large tables (risks, measures, their judgements and links).

Django's ``bulk_create`` spends far more time building SQL than the database needs to store the
rows: for the 200,000 rows of risk management at scale 15 it is most of the step's time. Here the
primary keys are taken first (the sequence on PostgreSQL, the largest id on SQLite, where the
generator's transaction is the only writer), and the rows go in with ``COPY`` on PostgreSQL and
one ``executemany`` on SQLite, values converted once per field kind. History rows
(simple_history) are written the same way when the run keeps history for the model, with the
creator and creation time set on each object as ``_history_user`` and ``_history_date``.

Only plain values are supported: the objects must be fully built (foreign keys may be given as
saved objects), without custom ``save()`` logic, as the demo's models are.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models
from django.utils import timezone

from varna.demo.context import CHANGE_REASON, OrgContext


def insert(ctx: OrgContext, model: type[models.Model], objs: list[Any]) -> list[Any]:
    """Write ``objs`` (giving them primary keys), with history rows when the run keeps history for ``model``."""
    if not objs:
        return objs
    meta = model._meta
    fields = list(meta.concrete_fields)
    now = timezone.now()
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            for obj in objs:
                obj.__dict__[field.attname] = now
        elif field.is_relation:
            for obj in objs:  # a related object saved after it was assigned: take its key now
                if obj.__dict__.get(field.attname) is None:
                    related = obj._state.fields_cache.get(field.name)
                    if related is not None:
                        obj.__dict__[field.attname] = related.pk
    ids = _ids(meta.db_table, meta.pk.column or meta.pk.attname, len(objs))
    db = connections[DEFAULT_DB_ALIAS]
    for obj, pk in zip(objs, ids, strict=True):
        obj.pk = pk
        obj._state.adding, obj._state.db = False, db.alias
    _write(meta.db_table, fields, [[obj.__dict__[f.attname] for f in fields] for obj in objs])
    if meta.label in ctx.run.history:
        _history(ctx, model, objs)
    ctx.counts[meta.model_name or meta.label] += len(objs)
    return objs


def _history(ctx: OrgContext, model: type[models.Model], objs: list[Any]) -> None:
    historical: type[models.Model] = model.history.model  # type: ignore[attr-defined]
    meta = historical._meta
    fields = list(meta.concrete_fields)
    ids = _ids(meta.db_table, meta.pk.column or meta.pk.attname, len(objs))
    default_date = ctx.run.history_date
    rows = []
    for obj, history_id in zip(objs, ids, strict=True):
        values = obj.__dict__
        user = getattr(obj, "_history_user", None)
        special = {
            "history_id": history_id,
            "history_date": getattr(obj, "_history_date", default_date),
            "history_change_reason": CHANGE_REASON,
            "history_type": "+",
            "history_user_id": user.pk if user is not None else None,
        }
        rows.append([special[f.attname] if f.attname in special else values[f.attname] for f in fields])
    _write(meta.db_table, fields, rows)


def _ids(table: str, column: str, count: int) -> list[int]:
    db = connections[DEFAULT_DB_ALIAS]
    with db.cursor() as cursor:
        if db.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, column, count]
            )
            return [pk for (pk,) in cursor.fetchall()]
        quote = db.ops.quote_name
        cursor.execute(f"SELECT COALESCE(MAX({quote(column)}), 0) FROM {quote(table)}")  # noqa: S608 - names only
        (last,) = cursor.fetchone()
        return list(range(last + 1, last + 1 + count))


def _converters(fields: Sequence[models.Field[Any, Any]]) -> list[Callable[[Any], Any] | None]:
    """Per field, how a Python value becomes a database value (``None``: as it is)."""
    db = connections[DEFAULT_DB_ALIAS]
    result: list[Callable[[Any], Any] | None] = []
    for field in fields:
        if isinstance(field, models.JSONField):
            result.append(lambda v: None if v is None else json.dumps(v))
        elif isinstance(field, models.DateTimeField) and db.vendor != "postgresql":
            result.append(db.ops.adapt_datetimefield_value)
        else:
            result.append(None)
    return result


def _write(table: str, fields: Sequence[models.Field[Any, Any]], rows: list[list[Any]]) -> None:
    db = connections[DEFAULT_DB_ALIAS]
    converters = [(i, c) for i, c in enumerate(_converters(fields)) if c is not None]
    for row in rows:
        for i, convert in converters:
            if row[i] is not None:
                row[i] = convert(row[i])
    quote = db.ops.quote_name
    columns = ", ".join(quote(f.column or f.attname) for f in fields)
    with db.cursor() as cursor:
        if db.vendor == "postgresql":
            with cursor.copy(f"COPY {quote(table)} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(fields))
            cursor.executemany(f"INSERT INTO {quote(table)} ({columns}) VALUES ({marks})", rows)  # noqa: S608


def insert_links(ctx: OrgContext, through: type[models.Model], pairs: list[tuple[int, int]]) -> None:
    """Write the rows of a many-to-many table from (from id, to id) pairs, without building model objects."""
    if not pairs:
        return
    meta = through._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    if len(fields) != 2:
        raise ValueError(f"{meta.label} is not a plain many-to-many table")
    _write(meta.db_table, fields, [list(pair) for pair in pairs])
    ctx.counts[meta.model_name or meta.label] += len(pairs)
