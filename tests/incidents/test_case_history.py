"""A case's change history: the case with its cost lines and attachments, names not ids, local time, and as
protected as the case page."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from varna.core import formats
from varna.core.models import User
from varna.incidents.models import ConfidentialRead, CostLine, Incident
from varna.incidents.services import add_attachment, add_cost_line, assign_handler, report_incident

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 200
NBSP = "\u00a0"


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


def _history(client: Client, incident: Incident) -> str:
    response = client.get(reverse("incidents:history", args=[incident.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_case_history_lists_its_cost_lines_attachments_and_handler_by_name_in_local_time(
    persona: Callable[[str], User], client_for: Callable[[str], Client], samples: dict[str, Incident]
) -> None:
    case = samples["ordinary"]
    chef = persona("chef.solrosen")
    line = add_cost_line(
        actor=chef, incident=case, revision=None, amount=Decimal("1200.50"), accounting_code="2100-407-6420"
    )
    case.refresh_from_db()
    assign_handler(actor=chef, incident=case, handler=persona("ombud.solrosen"), revision=case.revision)
    add_attachment(actor=persona("anstalld"), incident=case, upload=SimpleUploadedFile("klotter.png", PNG, "image/png"))

    page = _history(client_for("samordnare"), case)

    assert f"Skapad: Kostnadsrad: 1{NBSP}200,50{NBSP}kr 2100-407-6420" in page  # the amount in words, not 1200.50
    assert f"Total kostnad (kr): 0{NBSP}kr → 1{NBSP}200,50{NBSP}kr" in page
    assert f"Händelseansvarig: – → {persona('ombud.solrosen').get_full_name()}" in page  # a name, not an id
    emma = persona("anstalld").get_full_name()
    assert re.search(rf"{emma}\s*</td>\s*<td>Skapad: Bilaga: klotter.png", page)  # the file, by who added it
    added = CostLine.history.get(id=line.pk, history_type="+").history_date
    assert formats.local_time(added) in page  # Europe/Stockholm, to the minute
    assert not re.search(r"\d{2}:\d{2}:\d{2}|\+00:00", page)


def test_case_page_links_its_history_for_those_who_handle_it_but_not_for_its_reporter(
    client_for: Callable[[str], Client], samples: dict[str, Incident]
) -> None:
    case = samples["ordinary"]
    link = reverse("incidents:history", args=[case.pk])
    assert link in client_for("chef.solrosen").get(reverse("incidents:detail", args=[case.pk])).content.decode()
    reporter_page = client_for("anstalld").get(reverse("incidents:detail", args=[case.pk]))
    assert reporter_page.status_code == 200
    assert link not in reporter_page.content.decode()


@pytest.mark.parametrize(
    ("outsider", "sample"),
    [("chef.hemtjanst", "ordinary"), ("samordnare.grannby", "ordinary"), ("handlaggare.bou", "hemtjanst")],
)
def test_outsider_gets_404_for_a_case_history(
    client_for: Callable[[str], Client], samples: dict[str, Incident], outsider: str, sample: str
) -> None:
    case = samples[sample]
    assert client_for(outsider).get(reverse("incidents:history", args=[case.pk])).status_code == 404


def test_a_reporter_who_may_see_cases_elsewhere_does_not_see_the_handling_history_of_their_own_report(
    persona: Callable[[str], User], client_for: Callable[[str], Client], samples: dict[str, Incident]
) -> None:
    """The case page shows its reporter the progress, not the handling: neither does the history."""
    solrosen_case = samples["ordinary"]
    own, _created = report_incident(
        actor=persona("chef.hemtjanst"),
        incident_type=solrosen_case.incident_type,
        occurred_at=solrosen_case.occurred_at,
        incident_node=solrosen_case.incident_node,
        address="Gården",
        description="Trasig grind vid besöket.",
    )
    client = client_for("chef.hemtjanst")
    assert client.get(reverse("incidents:detail", args=[own.pk])).status_code == 200
    assert client.get(reverse("incidents:history", args=[own.pk])).status_code == 404


def test_threat_case_history_is_as_protected_as_the_case_and_its_reading_is_logged(
    persona: Callable[[str], User], client_for: Callable[[str], Client], samples: dict[str, Incident]
) -> None:
    threat = samples["threat"]
    assert threat.is_confidential
    url = reverse("incidents:history", args=[threat.pk])
    assert client_for("ombud.solrosen").get(reverse("incidents:detail", args=[threat.pk])).status_code == 404
    assert client_for("ombud.solrosen").get(url).status_code == 404  # may read cases, not threats
    assert client_for("anstalld").get(url).status_code == 403  # the reporter reads only the case page

    assert client_for("chef.solrosen").get(url).status_code == 200
    assert ConfidentialRead.objects.filter(incident=threat, user=persona("chef.solrosen"), what="history").exists()
