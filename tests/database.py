"""Deleting rows inside a test's transaction: the rollback at the end of the test brings them back."""

from __future__ import annotations

from collections.abc import Iterable

from django.apps import apps
from django.db import connection
from django.db.models import Model


def quote(table: str) -> str:
    return connection.ops.quote_name(table)


def delete_rows(tables: Iterable[str]) -> None:
    """Delete every row of the tables inside the test's transaction (the rollback brings them back).

    Foreign keys are deferred on both databases, so the order does not matter; at the end of the test nothing
    points at a deleted row, because every table that refers to the deleted ones is deleted too.
    """
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"DELETE FROM {quote(table)}")  # noqa: S608 - table names from introspection


def app_tables(*labels: str) -> list[str]:
    """Every table of the named apps, their history and many-to-many tables included."""
    tables: list[str] = []
    for label in labels:
        models: Iterable[type[Model]] = apps.get_app_config(label).get_models(include_auto_created=True)
        tables.extend(model._meta.db_table for model in models)
    return tables
