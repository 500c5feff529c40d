"""The investigation of a case and Arbetsmiljöverket's notification (services/handling.py)."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from tests.incidents.samples import fresh, report_at_solrosen
from varna.incidents.models import (
    TimelineEntry,
    TimelineKind,
)
from varna.incidents.services import (
    record_authority_notified,
)


def test_investigation_records_causes_measures_and_follow_up_date(client_for, samples) -> None:
    follow_up = timezone.localdate() + datetime.timedelta(days=30)
    response = client_for("chef.solrosen").post(
        reverse("incidents:investigation", args=[samples["ordinary"].pk]),
        {
            "investigation-revision": samples["ordinary"].revision,
            "investigation-causes": "Dålig belysning vid gaveln.",
            "investigation-contributing_factors": "Ingen kamerabevakning.",
            "investigation-decided_measures": "Sätt upp belysning med rörelsevakt.",
            "investigation-follow_up_on": follow_up.isoformat(),
            "investigation-insurance_claim_reference": "LF-2025-123",
            "investigation-police_report_number": "",
        },
    )
    assert response.status_code == 302
    case = fresh(samples["ordinary"])
    assert case.causes == "Dålig belysning vid gaveln."
    assert case.decided_measures.startswith("Sätt upp")
    assert case.follow_up_on == follow_up
    assert case.insurance_claim_reference == "LF-2025-123"


def test_recording_that_arbetsmiljoverket_was_notified_shows_on_the_timeline_once(persona, types) -> None:
    incident = report_at_solrosen(types, code="accident", injured_count=3)
    chef = persona("chef.solrosen")
    at = timezone.now() - datetime.timedelta(minutes=30)
    record_authority_notified(actor=chef, incident=incident, revision=None, at=at)
    record_authority_notified(actor=chef, incident=incident, revision=None)  # a second click keeps the first time
    assert fresh(incident).authority_notified_at == at
    assert TimelineEntry.objects.filter(incident=incident, kind=TimelineKind.AUTHORITY).count() == 1
