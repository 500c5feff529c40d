"""Reads never write: no GET of the access-matrix crawl writes to the database, except a few named tables.

Every page and API operation that answers GET is visited as an anonymous user and as each persona of the
demo, with the same URLs and objects as the access matrix (``tests.core.crawl``). Each request runs under a
database execute wrapper that records every INSERT, UPDATE and DELETE; any statement on a table that is not
in ``ALLOWED`` fails the test with the URL, the persona and the table.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.contrib.sessions.models import Session
from django.db import connection

from tests.core.crawl import (
    API_OPERATIONS,
    HTML_ROUTES,
    ApiOperation,
    Route,
    api_visits,
    page_method,
    page_visits,
    request,
)
from varna.core.models import ApiToken
from varna.incidents.models import ConfidentialRead

# The only writes a GET may make: table -> the statements allowed on it.
ALLOWED: dict[str, frozenset[str]] = {
    # The confidential read log: every read of a confidential report is recorded, by an explicit call in the view.
    ConfidentialRead._meta.db_table: frozenset({"INSERT"}),
    # The session: logging in, the language choice and consumed messages are kept in the database session.
    Session._meta.db_table: frozenset({"INSERT", "UPDATE", "DELETE"}),
    # The API token's last use: authentication bookkeeping like the session, at most one UPDATE per token and
    # minute (core.api.LAST_USED_RESOLUTION), so that an administrator sees which tokens are still in use.
    ApiToken._meta.db_table: frozenset({"UPDATE"}),
}

_WRITE = re.compile(
    r"""^\s*(?:
        (?P<insert>INSERT)\s+(?:OR\s+\w+\s+)?INTO
      | (?P<update>UPDATE)
      | (?P<delete>DELETE)\s+FROM
    )\s+["`]?(?P<table>[\w.]+)""",
    re.IGNORECASE | re.VERBOSE,
)


def write_of(sql: str) -> tuple[str, str] | None:
    """(statement, table) of an INSERT, UPDATE or DELETE; None for any other statement."""
    found = _WRITE.match(sql)
    if found is None:
        return None
    statement = next(k for k in ("insert", "update", "delete") if found.group(k)).upper()
    return statement, found.group("table")


@contextmanager
def recorded_writes() -> Iterator[list[tuple[str, str, str]]]:
    """Every write not in ``ALLOWED`` while the block runs, as (statement, table, SQL)."""
    writes: list[tuple[str, str, str]] = []

    def record(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
        write = write_of(sql)
        if write is not None and write[0] not in ALLOWED.get(write[1], frozenset()):
            writes.append((*write, sql))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        yield writes


def test_the_write_detector_sees_the_statements_django_writes() -> None:
    assert write_of('INSERT INTO "incidents_incident" ("a") VALUES (%s)') == ("INSERT", "incidents_incident")
    assert write_of('INSERT OR IGNORE INTO "core_node" ("a") VALUES (%s)') == ("INSERT", "core_node")
    assert write_of('UPDATE "core_apitoken" SET "last_used_at" = %s') == ("UPDATE", "core_apitoken")
    assert write_of(' DELETE FROM "django_session" WHERE 1') == ("DELETE", "django_session")
    assert write_of('SELECT "x" FROM "core_node" FOR UPDATE') is None
    assert write_of('SAVEPOINT "s1"') is None


def _failures(who: str, method: str, url: str, writes: list[tuple[str, str, str]]) -> list[str]:
    return [f"{who} {method} {url}: {statement} {table}  ({sql[:160]})" for statement, table, sql in writes]


GET_ROUTES = [r for r in HTML_ROUTES if r.requirement is not None and page_method(r) == "GET"]
GET_OPERATIONS = [o for o in API_OPERATIONS if o.requirement is not None and o.method == "GET"]


@pytest.mark.parametrize("route", GET_ROUTES, ids=lambda r: r.route or "/")
def test_a_page_get_writes_nothing_for_any_persona(route: Route, demo: None) -> None:
    failures: list[str] = []
    for visit in page_visits(route):
        with recorded_writes() as writes:
            request(visit.client, "GET", visit.url)
        failures += _failures(visit.who, "GET", visit.url, writes)
    assert failures == [], "GET requests that wrote:\n" + "\n".join(failures)


@pytest.mark.parametrize("op", GET_OPERATIONS, ids=lambda o: f"{o.method} {o.path}")
def test_an_api_get_writes_nothing_for_any_persona(op: ApiOperation, demo: None) -> None:
    failures: list[str] = []
    for visit in api_visits(op):
        with recorded_writes() as writes:
            request(visit.client, "GET", visit.url, **visit.headers)
        failures += _failures(visit.who, "GET", visit.url, writes)
    assert failures == [], "GET requests that wrote:\n" + "\n".join(failures)
