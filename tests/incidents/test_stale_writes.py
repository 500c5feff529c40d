"""No stale or malformed write wins: the case's revision on every handling form and on PATCH, strict API input."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.incidents.samples import fresh, sv
from varna.core.models import User
from varna.core.tokens import issue_token
from varna.incidents.models import CostLine, Incident, Status, TimelineEntry, TimelineKind

STALE = "Someone else has changed this meanwhile. Reload the page and try again."
VALID_CODE = "2100-407-6420"


def _patch(user: User, incident: Incident, body: Any) -> tuple[int, Any]:
    client = Client(headers={"Authorization": f"Bearer {issue_token(user=user, actor=user)}"})
    response = client.patch(f"/api/v1/incidents/{incident.pk}", json.dumps(body), content_type="application/json")
    return response.status_code, response.json()


def _post_report(user: User, body: dict[str, Any]) -> tuple[int, Any]:
    client = Client(headers={"Authorization": f"Bearer {issue_token(user=user, actor=user)}"})
    response = client.post("/api/v1/incidents", json.dumps(body), content_type="application/json")
    return response.status_code, response.json()


# --- the forms on the case page ---------------------------------------------------------------

FORMS: dict[str, tuple[str, dict[str, Any]]] = {
    "transition": ("incidents:transition", {"transition-to_status": Status.INVESTIGATING}),
    "assign": ("incidents:assign", {"assign-other": "chef.solrosen"}),
    "investigation": ("incidents:investigation", {"investigation-causes": "Gammal orsak."}),
    "cost": ("incidents:cost_add", {"cost-amount": "500", "cost-accounting_code": VALID_CODE}),
    "note": ("incidents:note", {"note-text": "Anteckning från ett gammalt formulär."}),
}


def _snapshot(case: Incident) -> tuple[Any, ...]:
    case = fresh(case)
    return (
        case.status,
        case.handler_id,
        case.causes,
        case.total_cost,
        case.revision,
        TimelineEntry.objects.filter(incident=case).count(),
        CostLine.objects.filter(incident=case).count(),
    )


@pytest.mark.parametrize("form", sorted(FORMS))
def test_every_handling_form_shown_before_someone_else_changed_the_case_is_refused_in_swedish(
    client_for, persona, samples, form
) -> None:
    case = samples["ordinary"]
    shown = case.revision
    client_for("ombud.solrosen").post(
        reverse("incidents:investigation", args=[case.pk]),
        {"investigation-revision": shown, "investigation-causes": "Ny orsak från en kollega."},
    )
    assert fresh(case).revision == shown + 1
    before = _snapshot(case)
    name, data = FORMS[form]
    prefix = next(iter(data)).split("-")[0]
    response = client_for("chef.solrosen").post(
        reverse(name, args=[case.pk]), {**data, f"{prefix}-revision": shown}, follow=True
    )
    assert sv(STALE) in response.content.decode()
    assert _snapshot(case) == before


@pytest.mark.parametrize("form", sorted(FORMS))
def test_a_handling_form_posted_without_the_revision_changes_nothing(client_for, samples, form) -> None:
    case = samples["ordinary"]
    before = _snapshot(case)
    name, data = FORMS[form]
    response = client_for("chef.solrosen").post(reverse(name, args=[case.pk]), data, follow=True)
    assert sv(STALE) in response.content.decode()
    assert _snapshot(case) == before


def test_removing_a_cost_from_a_stale_page_is_refused(client_for, persona, samples) -> None:
    case = samples["ordinary"]
    client = client_for("chef.solrosen")
    client.post(
        reverse("incidents:cost_add", args=[case.pk]),
        {"cost-revision": case.revision, "cost-amount": "500", "cost-accounting_code": VALID_CODE},
    )
    line = CostLine.objects.get(incident=case)
    stale = fresh(case).revision
    client.post(
        reverse("incidents:cost_add", args=[case.pk]),
        {"cost-revision": stale, "cost-amount": "300", "cost-accounting_code": VALID_CODE},
    )
    response = client.post(
        reverse("incidents:cost_delete", args=[case.pk]), {"revision": stale, "line": line.pk}, follow=True
    )
    assert sv(STALE) in response.content.decode()
    assert CostLine.objects.filter(pk=line.pk).exists()
    assert fresh(case).total_cost == 800


def test_a_double_submitted_note_is_kept_once_without_an_error(client_for, samples) -> None:
    case = samples["ordinary"]
    client = client_for("chef.solrosen")
    data = {"note-revision": case.revision, "note-text": "Ringt fastighetsskötaren."}
    client.post(reverse("incidents:note", args=[case.pk]), data)
    second = client.post(reverse("incidents:note", args=[case.pk]), data, follow=True)
    assert sv(STALE) not in second.content.decode()
    assert TimelineEntry.objects.filter(incident=case, kind=TimelineKind.NOTE).count() == 1


def test_every_change_raises_the_revision_and_history_does_not_list_it(persona, samples) -> None:
    from varna.incidents.services import save_investigation

    case = samples["ordinary"]
    saved = save_investigation(actor=persona("chef.solrosen"), incident=case, revision=case.revision, causes="Ny.")
    assert saved.revision == case.revision + 1 == fresh(case).revision
    assert not hasattr(case.history.model, "revision")


# --- PATCH ------------------------------------------------------------------------------------


def test_patch_without_the_revision_is_409_in_swedish_and_changes_nothing(persona, samples) -> None:
    case = samples["ordinary"]
    status, body = _patch(persona("chef.solrosen"), case, {"causes": "Utan revision."})
    assert status == 409
    assert body["detail"] == sv("Send the case's revision as you last read it (revision).")
    assert fresh(case).causes == ""


def test_patch_with_an_old_revision_is_409_in_swedish_and_changes_nothing(persona, samples) -> None:
    case = samples["ordinary"]
    chef = persona("chef.solrosen")
    status, body = _patch(chef, case, {"causes": "Första.", "revision": case.revision})
    assert status == 200 and body["revision"] == case.revision + 1
    status, body = _patch(chef, case, {"causes": "Andra.", "status": "rejected", "revision": case.revision})
    assert status == 409 and body["detail"] == sv(STALE)
    stored = fresh(case)
    assert stored.causes == "Första." and stored.status == Status.REPORTED and stored.revision == case.revision + 1


def test_the_api_returns_the_revision_to_send_back(persona, samples) -> None:
    client = Client(headers={"Authorization": f"Bearer {issue_token(user=persona('chef.solrosen'), actor=None)}"})
    detail = client.get(f"/api/v1/incidents/{samples['ordinary'].pk}").json()
    assert detail["revision"] == samples["ordinary"].revision
    listed = client.get("/api/v1/incidents", {"limit": 500}).json()["items"]
    assert all(isinstance(item["revision"], int) for item in listed)


# --- strict input -----------------------------------------------------------------------------


def _report_body(**extra: Any) -> dict[str, Any]:
    from varna.core.models import Node

    node = Node.objects.get(organisation__slug="exempelkommun", name="Solrosens förskola")
    occurred = (timezone.now() - datetime.timedelta(hours=1)).isoformat()
    return {
        "incident_type": "vandalism",
        "occurred_at": occurred,
        "incident_node": node.pk,
        "description": "Klotter på gaveln.",
        **extra,
    }


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"severities": "high"}, "severities"),
        ({"severities": ["high"]}, "severities"),
        ({"severities": 3}, "severities"),
        ({"severities": {"people": 4}}, "people"),
        ({"severities": {"people": -1}}, "people"),
        ({"severities": {"people": "2"}}, "people"),
        ({"severities": {"people": 1.5}}, "people"),
        ({"severities": {"feelings": 2}}, "feelings"),
        ({"injured_count": "3"}, "injured_count"),
        ({"death": "yes"}, "death"),
        ({"incident_node": "12"}, "incident_node"),
        ({"severity": {"people": 2}}, "severity"),
    ],
)
def test_malformed_structured_fields_of_a_report_are_422_naming_the_field(persona, extra, field) -> None:
    before = Incident.objects.count()
    status, body = _post_report(persona("anstalld"), _report_body(**extra))
    assert status == 422, body
    assert field in json.dumps(body)
    assert Incident.objects.count() == before


def test_valid_severities_are_saved_as_sent(persona) -> None:
    status, body = _post_report(persona("anstalld"), _report_body(severities={"people": 2, "property": 1}))
    assert status == 201, body
    assert body["severities"]["people"] == 2 and body["severities"]["property"] == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"handler": "5"}, "handler"),
        ({"handler": [5]}, "handler"),
        ({"revision": "1"}, "revision"),
        ({"duplicate_of": 1.5}, "duplicate_of"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_malformed_patches_are_422_naming_the_field(persona, samples, change, field) -> None:
    case = samples["ordinary"]
    status, body = _patch(persona("chef.solrosen"), case, {"revision": case.revision, **change})
    assert status == 422, body
    assert field in json.dumps(body)
    assert fresh(case).revision == case.revision
