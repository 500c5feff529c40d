"""The rows the migrations add to an empty database are the rows every test database starts with.

One xdist worker builds its test database through the migrations, the other from the models
(``tests/conftest.py``: ``django_db_use_migrations``), and that one adds the migrations' rows by calling the
functions listed in ``SEEDING_MIGRATIONS``. These tests keep that list true whichever worker runs them: each data
migration's forward function is run on a database with every row deleted (inside the test's transaction); the
listed ones must add rows, and every other one must add none.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from typing import Any

import pytest
from django.apps import apps
from django.db import connection, migrations

from tests.conftest import SEEDING_MIGRATIONS, _row_counts, _tables
from tests.database import delete_rows


def _data_migrations() -> list[tuple[str, Callable[..., Any]]]:
    """Every ``RunPython`` forward function in the project's migrations, read from the files themselves (the
    worker that skips the migrations has Django's migration loader switched off)."""
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("varna."):
            continue
        try:
            package = importlib.import_module(f"{config.name}.migrations")
        except ModuleNotFoundError:
            continue
        for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            migration = getattr(module, "Migration", None)
            for operation in getattr(migration, "operations", []):
                if isinstance(operation, migrations.RunPython):
                    found.append((module.__name__, operation.code))
    return found


def _rows() -> dict[str, int]:
    return _row_counts(_tables())


class _Editor:
    """What a data migration uses of its schema editor: the connection, and ``execute``."""

    connection = connection

    @staticmethod
    def execute(sql: str, params: Any = ()) -> None:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


def _empty_everything() -> None:
    delete_rows(_tables())


@pytest.mark.django_db
def test_the_seeding_list_names_functions_of_data_migrations() -> None:
    listed = {(module, name) for module, name in SEEDING_MIGRATIONS}
    known = {(module, code.__name__) for module, code in _data_migrations()}
    assert listed <= known, f"SEEDING_MIGRATIONS names functions no migration runs: {sorted(listed - known)}"


@pytest.mark.django_db
def test_only_the_listed_data_migrations_add_rows_to_an_empty_database() -> None:
    listed = set(SEEDING_MIGRATIONS)
    functions = _data_migrations()
    assert functions, "no data migration found: the search for them is broken"
    for module, code in functions:
        _empty_everything()
        before = _rows()
        code(apps, _Editor())
        added = {table: n - before[table] for table, n in _rows().items() if n != before[table]}
        if (module, code.__name__) in listed:
            assert added, f"{module}.{code.__name__} is listed in SEEDING_MIGRATIONS but adds no rows"
        else:
            assert not added, (
                f"{module}.{code.__name__} adds rows to an empty database ({added}): list it in "
                "tests/conftest.py SEEDING_MIGRATIONS so the worker built from the models gets them too"
            )
