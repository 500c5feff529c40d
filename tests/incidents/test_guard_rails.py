"""Guard rails on a case: who may handle it, a closed case is read-only until reopened with a reason,
and people harmed or threatened mean causes and measures (or why none) before closing (AFS 2023:1)."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from tests.incidents.samples import fresh, sv
from varna.core import access
from varna.core.access import Perm
from varna.core.models import Node, Organisation
from varna.core.tokens import issue_token
from varna.incidents.models import Incident, Status, TimelineEntry, TimelineKind
from varna.incidents.selectors_handling import handler_candidates
from varna.incidents.services import (
    CaseClosedError,
    add_note,
    assign_handler,
    change_status,
    ensure_defaults,
    reopen_case,
    report_incident,
    save_investigation,
)


def _accident(persona, **extra: Any) -> Incident:
    types = {t.code: t for t in ensure_defaults(organisation=Organisation.objects.get(slug="exempelkommun"))}
    incident, _ = report_incident(
        actor=persona("anstalld"),
        incident_type=types["accident"],
        occurred_at=timezone.now() - datetime.timedelta(hours=2),
        incident_node=Node.objects.get(name="Solrosens förskola"),
        description="Halkade i hallen.",
        **extra,
    )
    return incident


# --- who may handle ---------------------------------------------------------------------------


def test_handlers_offered_are_only_people_who_may_handle_incidents_at_the_unit(persona, samples) -> None:
    case = samples["ordinary"]
    candidates = set(handler_candidates(case))
    assert {persona("chef.solrosen"), persona("ombud.solrosen")} <= candidates
    assert persona("politiker") not in candidates  # an elected official is never offered
    assert persona("anstalld") not in candidates  # staff of the unit without a handling role
    assert persona("chef.hemtjanst") not in candidates  # a manager of another unit
    assert all(access.has_perm(p, Perm.HANDLE_INCIDENTS, case.incident_node) for p in candidates)


def test_holders_lists_the_people_with_a_permission_for_a_node(persona, samples) -> None:
    node = samples["ordinary"].incident_node
    holders = set(access.holders(Perm.HANDLE_INCIDENTS, node))
    assert persona("samordnare") in holders  # the coordinator, from the root
    assert persona("politiker") not in holders
    assert persona("samordnare.grannby") not in holders  # another municipality


def test_threat_case_handlers_offered_may_also_read_threats(persona, samples) -> None:
    candidates = set(handler_candidates(samples["threat"]))
    assert persona("chef.solrosen") in candidates
    assert persona("ombud.solrosen") not in candidates


@pytest.mark.parametrize("username", ["politiker", "anstalld", "chef.hemtjanst"])
def test_the_service_refuses_a_handler_who_may_not_handle_the_case(persona, samples, username) -> None:
    case = samples["ordinary"]
    with pytest.raises(ValidationError):
        assign_handler(actor=persona("chef.solrosen"), incident=case, handler=persona(username), revision=None)
    assert fresh(case).handler_id is None


def test_choosing_an_elected_official_by_user_name_gives_a_swedish_message(client_for, persona, samples) -> None:
    case = samples["ordinary"]
    response = client_for("chef.solrosen").post(
        reverse("incidents:assign", args=[case.pk]),
        {"assign-other": "politiker", "assign-revision": case.revision},
        follow=True,
    )
    politician = persona("politiker")
    expected = sv(
        "%(name)s may not handle incidents at %(unit)s. Choose a unit manager, security representative, "
        "security officer or coordinator for the unit."
    ) % {"name": politician.get_full_name() or politician.username, "unit": case.incident_node.name}
    assert expected in response.content.decode()
    assert fresh(case).handler_id is None


# --- a closed case is read-only -------------------------------------------------------------------


def test_a_closed_case_refuses_changes_and_shows_no_handling_forms(client_for, persona, samples) -> None:
    chef = persona("chef.solrosen")
    case = samples["ordinary"]
    change_status(actor=chef, incident=case, to_status=Status.CLOSED, revision=None)
    with pytest.raises(CaseClosedError):
        save_investigation(actor=chef, incident=case, revision=None, causes="Sent.")
    with pytest.raises(CaseClosedError):
        add_note(actor=chef, incident=case, revision=None, text="Sent.")
    with pytest.raises(CaseClosedError):
        assign_handler(actor=chef, incident=case, handler=persona("ombud.solrosen"), revision=None)
    with pytest.raises(CaseClosedError):
        change_status(actor=chef, incident=case, to_status=Status.INVESTIGATING, revision=None)
    assert fresh(case).causes == "" and fresh(case).status == Status.CLOSED
    html = client_for("chef.solrosen").get(reverse("incidents:detail", args=[case.pk])).content.decode()
    for name in ("incidents:investigation", "incidents:note", "incidents:assign", "incidents:cost_add"):
        assert reverse(name, args=[case.pk]) not in html
    assert reverse("incidents:reopen", args=[case.pk]) in html


def test_a_closed_case_posted_to_gives_a_swedish_message(client_for, persona, samples) -> None:
    case = samples["ordinary"]
    change_status(actor=persona("chef.solrosen"), incident=case, to_status=Status.CLOSED, revision=None)
    response = client_for("chef.solrosen").post(
        reverse("incidents:note", args=[case.pk]),
        {"note-revision": fresh(case).revision, "note-text": "Efter stängning."},
        follow=True,
    )
    assert sv("The case is closed and cannot be changed. Reopen it first, and write why.") in response.content.decode()
    assert not TimelineEntry.objects.filter(incident=case, kind=TimelineKind.NOTE).exists()


def test_a_closed_case_takes_no_new_files_until_reopened(client_for, persona, samples) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from varna.incidents.models import Attachment
    from varna.incidents.services import add_attachments

    case = samples["ordinary"]
    change_status(actor=persona("chef.solrosen"), incident=case, to_status=Status.CLOSED, revision=None)
    photo = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 200
    with pytest.raises(CaseClosedError):
        add_attachments(
            actor=persona("chef.solrosen"), incident=case, uploads=[SimpleUploadedFile("bild.jpg", photo, "image/jpeg")]
        )
    client = client_for("anstalld")  # the reporter, who may otherwise add files
    page = client.get(reverse("incidents:detail", args=[case.pk])).content.decode()
    assert reverse("incidents:attachment_add", args=[case.pk]) not in page  # no upload form on a closed case
    response = client.post(
        reverse("incidents:attachment_add", args=[case.pk]),
        {"attachments": SimpleUploadedFile("bild.jpg", photo, "image/jpeg")},
        follow=True,
    )
    assert sv("The case is closed and cannot be changed. Reopen it first, and write why.") in response.content.decode()
    assert not Attachment.objects.filter(incident=case).exists()


def test_reopening_needs_a_reason_which_goes_on_the_timeline(client_for, persona, samples) -> None:
    case = samples["ordinary"]
    change_status(actor=persona("chef.solrosen"), incident=case, to_status=Status.CLOSED, revision=None)
    client = client_for("chef.solrosen")
    url = reverse("incidents:reopen", args=[case.pk])
    empty = client.post(url, {"reopen-revision": fresh(case).revision, "reopen-reason": ""})
    assert empty.status_code == 400 and fresh(case).status == Status.CLOSED
    client.post(url, {"reopen-revision": fresh(case).revision, "reopen-reason": "Fler skador upptäcktes."})
    assert fresh(case).status == Status.INVESTIGATING
    entry = TimelineEntry.objects.filter(incident=case, kind=TimelineKind.STATUS).latest("at", "pk")
    assert (entry.from_status, entry.to_status, entry.note) == (
        Status.CLOSED,
        Status.INVESTIGATING,
        "Fler skador upptäcktes.",
    )


def test_only_someone_whose_role_handles_the_unit_may_reopen(persona, samples) -> None:
    case = samples["ordinary"]
    change_status(actor=persona("chef.solrosen"), incident=case, to_status=Status.CLOSED, revision=None)
    with pytest.raises(PermissionDenied):
        reopen_case(actor=persona("chef.hemtjanst"), incident=case, revision=None, reason="Vill ändra.")
    with pytest.raises(PermissionDenied):
        reopen_case(actor=persona("politiker"), incident=case, revision=None, reason="Vill ändra.")
    assert fresh(case).status == Status.CLOSED


def test_a_closed_case_is_reopened_through_the_api_only_with_a_reason(persona, samples) -> None:
    case = samples["ordinary"]
    change_status(actor=persona("chef.solrosen"), incident=case, to_status=Status.CLOSED, revision=None)
    client = Client(headers={"Authorization": f"Bearer {issue_token(user=persona('chef.solrosen'), actor=None)}"})

    def patch(body: dict[str, Any]) -> tuple[int, Any]:
        r = client.patch(f"/api/v1/incidents/{case.pk}", json.dumps(body), content_type="application/json")
        return r.status_code, r.json()

    rev = fresh(case).revision
    assert patch({"revision": rev, "causes": "Sent."})[0] == 422
    assert patch({"revision": rev, "status": "investigating"})[0] == 422
    status, body = patch({"revision": rev, "status": "investigating", "reason": "Ny information.", "causes": "Is."})
    assert status == 200, body
    assert body["status"] == "investigating" and body["causes"] == "Is."


# --- people harmed or threatened: causes and measures before closing ---------------------------------------


def test_a_case_with_people_injured_cannot_be_closed_without_causes_and_measures(persona) -> None:
    chef = persona("chef.solrosen")
    case = _accident(persona, injured_count=1)
    with pytest.raises(ValidationError) as caught:
        change_status(actor=chef, incident=case, to_status=Status.CLOSED, revision=None)
    assert caught.value.messages == [
        translation.gettext(
            "The case cannot be closed yet: people were harmed or threatened, so record the causes and the "
            "decided measures under Investigation, or write there why there are none."
        )
    ]
    save_investigation(actor=chef, incident=case, revision=None, causes="Vått golv.")
    with pytest.raises(ValidationError) as caught:
        change_status(actor=chef, incident=case, to_status=Status.CLOSED, revision=None)
    assert caught.value.messages == [
        translation.gettext(
            "The case cannot be closed yet: people were harmed or threatened, so record the decided measures "
            "under Investigation, or write there why there are none."
        )
    ]
    assert fresh(case).status == Status.REPORTED
    save_investigation(actor=chef, incident=case, revision=None, decided_measures="Halkskydd i hallen.")
    change_status(actor=chef, incident=case, to_status=Status.CLOSED, revision=None)
    assert fresh(case).status == Status.CLOSED


def test_a_written_reason_why_none_lets_a_harmed_case_close(persona) -> None:
    chef = persona("chef.solrosen")
    case = _accident(persona, severities={"people": 1})
    save_investigation(
        actor=chef, incident=case, revision=None, no_investigation_reason="Olyckan skedde utanför verksamheten."
    )
    change_status(actor=chef, incident=case, to_status=Status.CLOSED, revision=None)
    assert fresh(case).status == Status.CLOSED


def test_a_threat_case_needs_causes_and_measures_as_well_as_the_police_details(client_for, persona, samples) -> None:
    chef = persona("chef.solrosen")
    threat = samples["threat"]
    save_investigation(actor=chef, incident=threat, revision=None, police_report_number="5000-K1-26")
    response = client_for("chef.solrosen").post(
        reverse("incidents:transition", args=[threat.pk]),
        {"transition-revision": fresh(threat).revision, "transition-to_status": Status.CLOSED},
        follow=True,
    )
    assert (
        sv(
            "The case cannot be closed yet: people were harmed or threatened, so record the causes and the "
            "decided measures under Investigation, or write there why there are none."
        )
        in response.content.decode()
    )
    assert fresh(threat).status == Status.REPORTED


def test_a_case_without_people_harmed_closes_without_an_investigation(persona, samples) -> None:
    change_status(actor=persona("chef.solrosen"), incident=samples["ordinary"], to_status=Status.CLOSED, revision=None)
    assert fresh(samples["ordinary"]).status == Status.CLOSED
