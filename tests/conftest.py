"""Shared fixtures: the demo municipality at a small scale and its personas.

The demo is built once per test session (once per xdist worker) into the test database, right after the
migrations. Every test that touches the database runs inside a transaction that is rolled back, so each test
starts from the same state:

- a test that asks for ``demo`` (or ``persona``, ``client_for``) sees the demo municipality;
- any other database test sees the database as the migrations left it: the demo's rows are deleted inside the
  test's transaction, and come back with the rollback.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from tests.database import delete_rows, quote
from varna.core.models import User

TEST_SCALE = 0.02
# How many inputs schemathesis tries per API operation. PostgreSQL refuses what SQLite lets through (integers out
# of range, NUL characters in text, overlong strings), so the PostgreSQL pass tries more of them.
FUZZ_EXAMPLES = 25 if os.environ.get("DATABASE_URL", "").startswith("postgres") else 10

# Tables the migrations fill (content types, permissions): the demo's rows in them, if any, are kept apart.
_baseline: dict[str, int] = {}
# Tables the demo fills, deleted for a test that does not ask for the demo.
_demo_tables: list[str] = []


def _tables() -> list[str]:
    return [t for t in connection.introspection.table_names() if t != "django_migrations"]


def _row_counts(tables: Iterable[str]) -> dict[str, int]:
    with connection.cursor() as cursor:
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608 - table names from introspection
            counts[table] = int(cursor.fetchone()[0])
        return counts


@pytest.fixture(scope="session")
def django_db_use_migrations(request: pytest.FixtureRequest, worker_id: str) -> bool:
    """The first worker (or a run without xdist) builds its test database through the migrations, as production
    does, so both database passes run every migration. The other worker creates the tables straight from the
    models, which is the same schema (``makemigrations --check`` holds models and migrations equal) without the
    half minute of CPU the migrations take; :func:`_seed_as_the_migrations_do` adds the rows they would add.
    """
    if request.config.getvalue("nomigrations"):
        return False
    return worker_id in {"master", "gw0"}


# The migrations that add rows to an empty database, and the function in each that does it.
SEEDING_MIGRATIONS = [("varna.insurance.migrations.0002_price_base_amounts", "add_amounts")]


def _seed_as_the_migrations_do() -> None:
    from django.apps import apps

    for module, function in SEEDING_MIGRATIONS:
        getattr(importlib.import_module(module), function)(apps, None)


@pytest.fixture(scope="session")
def django_db_setup(
    django_db_setup: None, django_db_blocker: pytest.FixtureRequest, django_db_use_migrations: bool
) -> Iterator[None]:
    """Migrate (pytest-django), then build the demo municipality once into the test database."""
    from varna.demo.generator import generate

    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        if not django_db_use_migrations:
            _seed_as_the_migrations_do()
        before = _row_counts(_tables())
        generate(scale=TEST_SCALE, seed=1)
        after = _row_counts(_tables())
    _baseline.update({t: n for t, n in before.items() if n})
    changed = sorted(t for t in _baseline if after[t] != before[t])
    if changed:  # pragma: no cover - a guard for a future demo that writes to the migrations' own tables
        raise RuntimeError(f"The demo wrote to tables the migrations fill: {', '.join(changed)}")
    _demo_tables[:] = [t for t, n in after.items() if n and t not in _baseline]
    yield


def _uses_database(item: pytest.Item) -> bool:
    names = set(getattr(item, "fixturenames", ()))
    return bool(names & {"db", "transactional_db", "django_db_reset_sequences"}) or (
        item.get_closest_marker("django_db") is not None
    )


@pytest.fixture(autouse=True)
def _database_without_demo_unless_asked(request: pytest.FixtureRequest) -> None:
    """A database test that does not ask for the demo starts from the migrated, empty database."""
    if "demo" in request.fixturenames or not _uses_database(request.node):
        return
    request.getfixturevalue("_django_db_helper")
    delete_rows(_demo_tables)


@pytest.fixture
def demo(db: None) -> None:
    """The deterministic demo data (Exempelkommun and Grannby) at a small scale, built once per session."""


@pytest.fixture
def persona(demo: None) -> Callable[[str], User]:
    def get(username: str) -> User:
        return User.objects.get(username=username)

    return get


@pytest.fixture
def client_for(persona: Callable[[str], User]) -> Callable[[str], Client]:
    """A test client logged in as the named persona."""

    def make(username: str) -> Client:
        client = Client()
        client.force_login(persona(username))
        return client

    return make


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--database-tests-only",
        action="store_true",
        help="run only the tests that use the database (the second database pass skips the rest)",
    )


def _is_browser_test(item: pytest.Item) -> bool:
    return item.get_closest_marker("browser") is not None


BROWSER_TESTS = "tests/browser/"


def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """With xdist, the browser tests go to one worker: they share one gunicorn and one Chromium.

    xdist's own load scheduling, except that the first worker to ask gets every browser test in one go (they
    come first in the collection) and no other worker ever gets one; every other test goes, by its index, to
    whichever worker is free. (``--dist loadgroup`` cannot do this with pytest 9, which no longer lets a plugin
    rename a test's node id; and grouping by node id would merge the schemathesis tests, which share one.)
    """
    if config.getvalue("dist") != "load":
        return None
    from xdist.scheduler import LoadScheduling

    class BrowserTestsTogether(LoadScheduling):
        browser_sent = False

        def _send_tests(self, node: Any, num: int) -> None:
            if not self.browser_sent:
                self.browser_sent = True
                browser = [i for i in self.pending if self.collection[i].startswith(BROWSER_TESTS)]
                if browser:
                    chosen = set(browser)
                    self.pending[:] = [i for i in self.pending if i not in chosen]
                    self.node2pending[node].extend(browser)
                    node.send_runtest_some(browser)
                    return
            super()._send_tests(node, num)

    return BrowserTestsTogether(config, log)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """After the random shuffle and pytest-django's grouping: the browser tests first, or none at all.

    The browser tests share one server, started once per package: kept together (the random shuffle mixes
    modules), they start it once, and first, while another worker takes the rest. The order inside each group
    stays random. ``--database-tests-only`` keeps only the tests that
    use the database (the PostgreSQL pass): the rest ran in the SQLite pass already, and so did the ``wording``
    crawl, which reads what the pages say (the access matrix requests every page on PostgreSQL too).
    """
    if config.getoption("--database-tests-only"):
        kept = [
            item
            for item in items
            if _uses_database(item) and not _is_browser_test(item) and item.get_closest_marker("wording") is None
        ]
        kept_ids = {id(item) for item in kept}
        skipped = [item for item in items if id(item) not in kept_ids]
        if skipped:
            config.hook.pytest_deselected(items=skipped)
            items[:] = kept
    items.sort(key=lambda item: not _is_browser_test(item))
