"""Reads never write: the detector of database writes that the access-matrix crawl runs every GET under.

Each GET of the crawl (``tests.core.test_access_matrix``) runs under a database execute wrapper that records every
INSERT, UPDATE and DELETE; any statement on a table that is not in ``ALLOWED`` fails the test with the URL, the
persona and the table.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.contrib.sessions.models import Session
from django.db import connection

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


def write_failures(who: str, method: str, url: str, writes: list[tuple[str, str, str]]) -> list[str]:
    return [f"{who} {method} {url}: {statement} {table}  ({sql[:160]})" for statement, table, sql in writes]
