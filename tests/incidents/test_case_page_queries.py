"""The case page reads a bounded number of queries, whatever the case holds (issue 11: ≤ 15).

The page makes 15 on a second visit (it made 22-23, then 17): 3 for the session, the person and their grants
(which also bring the organisation's name for the header), 5 of the incidents app (the case with what the
page shows and whether the person may handle it, its files, its timeline, its cost lines, the accounting
code format), the handler candidates, and 6 by the panels of later apps (risks, action plans, insurance
claims, the fund, information to staff: one `access.can` and its rows; its second `access.can`, whether the
person may handle the case, is answered by what the case's query decided, `access.remember`).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from varna.incidents.services import add_attachments, add_cost_line, add_note, save_investigation

MAX_QUERIES = 15
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 200
VALID_CODE = "2100-407-6420"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path: Path) -> Path:
    """Files go to a temporary folder, never the real MEDIA_ROOT."""
    root = tmp_path / "media"
    settings.MEDIA_ROOT = root
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": root}},
    }
    return root


def _queries_of_the_case_page(client, pk: int) -> list[str]:
    url = reverse("incidents:detail", args=[pk])
    client.get(url)  # sessions and caches warm, as on a second visit
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return [q["sql"] for q in queries.captured_queries]


def test_case_page_queries_do_not_grow_with_costs_attachments_and_timeline(client_for, persona, samples) -> None:
    chef = persona("chef.solrosen")
    case = samples["ordinary"]
    bare = _queries_of_the_case_page(client_for("chef.solrosen"), case.pk)
    for amount in ("1200.50", "800", "99"):
        add_cost_line(actor=chef, incident=case, revision=None, amount=Decimal(amount), accounting_code=VALID_CODE)
    for i in range(3):
        add_note(actor=chef, incident=case, revision=None, text=f"Anteckning {i}.")
    add_attachments(
        actor=chef,
        incident=case,
        uploads=[SimpleUploadedFile(f"bild{i}.png", PNG, content_type="image/png") for i in range(3)],
    )
    save_investigation(actor=chef, incident=case, revision=None, causes="Klotter", decided_measures="Målat över")

    handler = _queries_of_the_case_page(client_for("chef.solrosen"), case.pk)
    assert len(handler) <= MAX_QUERIES, "\n".join(handler)
    assert len(handler) == len(bare), "\n".join(handler)
    coordinator = _queries_of_the_case_page(client_for("samordnare"), case.pk)
    assert len(coordinator) <= MAX_QUERIES, "\n".join(coordinator)


def test_case_page_asks_once_whether_the_person_may_handle_the_case(client_for, samples) -> None:
    """Whether the person may handle the case comes with the case itself (``selectors.case_for``): the page
    and its handling panel do not ask the database again, and the timeline is read once."""
    queries = _queries_of_the_case_page(client_for("chef.solrosen"), samples["ordinary"].pk)
    panels = next((i for i, q in enumerate(queries) if '"risks_' in q or '"plans_' in q), len(queries))
    own = queries[:panels]  # the panels of other apps come after the page's own reads, and ask on their own
    assert sum('FROM "incidents_incident"' in q for q in own) == 1, "\n".join(own)
    assert sum('FROM "incidents_timelineentry"' in q for q in queries) == 1


def test_case_page_of_a_confidential_case_stays_within_the_bound(client_for, samples) -> None:
    """A confidential case's page also logs the read: still within the bound."""
    queries = _queries_of_the_case_page(client_for("chef.solrosen"), samples["threat"].pk)
    assert len(queries) <= MAX_QUERIES + 1, "\n".join(queries)  # + the log of the read
