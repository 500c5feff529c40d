"""Reads never write: the detector the access-matrix crawl runs every GET under (``tests.core.writes``).

Every page and API operation that answers GET is visited as an anonymous user and as each persona of the demo by
the access matrix (``tests.core.test_access_matrix``), which checks for each visit both the status the policy
allows and that the request wrote nothing outside ``ALLOWED``: one crawl for both, since they make the same
requests. This file checks the detector itself.
"""

from __future__ import annotations

from tests.core.writes import write_of


def test_the_write_detector_sees_the_statements_django_writes() -> None:
    assert write_of('INSERT INTO "incidents_incident" ("a") VALUES (%s)') == ("INSERT", "incidents_incident")
    assert write_of('INSERT OR IGNORE INTO "core_node" ("a") VALUES (%s)') == ("INSERT", "core_node")
    assert write_of('UPDATE "core_apitoken" SET "last_used_at" = %s') == ("UPDATE", "core_apitoken")
    assert write_of(' DELETE FROM "django_session" WHERE 1') == ("DELETE", "django_session")
    assert write_of('SELECT "x" FROM "core_node" FOR UPDATE') is None
    assert write_of('SAVEPOINT "s1"') is None
