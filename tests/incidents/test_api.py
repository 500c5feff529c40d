"""The incidents API: scope, confidentiality, idempotent reports, handling through PATCH, statistics."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.db.models import Count
from django.test import Client
from django.utils import timezone

from tests.incidents.samples import sv
from varna.core.models import Node, User
from varna.core.tokens import issue_token
from varna.incidents.models import ConfidentialRead, Incident, IncidentType, Status, TimelineEntry, TimelineKind
from varna.incidents.services import report_incident


class Api:
    """A test client with a bearer token, speaking JSON."""

    def __init__(self, user: User) -> None:
        self.client = Client(headers={"Authorization": f"Bearer {issue_token(user=user, actor=user)}"})

    def get(self, path: str, **params: Any) -> tuple[int, Any]:
        response = self.client.get(f"/api/v1{path}", params)
        return response.status_code, response.json()

    def post(self, path: str, body: Any, **headers: str) -> tuple[int, Any]:
        response = self.client.post(
            f"/api/v1{path}", json.dumps(body), content_type="application/json", headers=headers
        )
        return response.status_code, response.json()

    def patch(self, path: str, body: Any) -> tuple[int, Any]:
        response = self.client.patch(f"/api/v1{path}", json.dumps(body), content_type="application/json")
        return response.status_code, response.json()


@pytest.fixture
def api(persona: Callable[[str], User]) -> Callable[[str], Api]:
    return lambda username: Api(persona(username))


def _rev(incident: Incident) -> int:
    """The case's revision as a client last read it."""
    return Incident.objects.get(pk=incident.pk).revision


def _all(client: Api, **params: Any) -> list[dict[str, Any]]:
    status, body = client.get("/incidents", limit=500, **params)
    assert status == 200, body
    assert body["count"] <= 500
    return list(body["items"])


def _node(name: str) -> Node:
    return Node.objects.get(organisation__slug="exempelkommun", name=name)


def _report_body(**extra: Any) -> dict[str, Any]:
    return {
        "incident_type": "vandalism",
        "occurred_at": (timezone.now() - datetime.timedelta(hours=1)).isoformat(),
        "incident_node": _node("Solrosens förskola").pk,
        "description": "Krossad ruta i entrén.",
        **extra,
    }


# --- scope --------------------------------------------------------------------------


def test_unit_manager_sees_incidents_of_their_own_subtree_only(api, samples) -> None:
    items = _all(api("chef.solrosen"))
    solrosen = _node("Solrosens förskola")
    assert items
    assert {item["node"]["id"] for item in items} == {solrosen.pk}
    assert samples["threat"].pk in {item["id"] for item in items}  # a unit manager reads threats
    assert samples["hemtjanst"].pk not in {item["id"] for item in items}


def test_security_officer_sees_the_whole_administration(api, samples) -> None:
    administration = _node("Barn- och utbildningsförvaltningen")
    items = _all(api("handlaggare.bou"))
    expected = Incident.objects.filter(incident_node__path__startswith=administration.path).count()
    assert len(items) == expected > 0


def test_a_colleague_without_the_right_to_read_threats_does_not_see_threat_reports(api, samples) -> None:
    client = api("ombud.solrosen")  # security representative: handles the unit's cases, not threats
    items = _all(client)
    assert items
    assert samples["ordinary"].pk in {item["id"] for item in items}
    assert not any(item["is_confidential"] for item in items)
    assert client.get(f"/incidents/{samples['threat'].pk}")[0] == 404


def test_employee_sees_only_their_own_reports(api, persona, samples) -> None:
    client = api("anstalld")
    items = _all(client)
    assert {item["reporter"]["id"] for item in items} == {persona("anstalld").pk}
    assert samples["threat"].pk in {item["id"] for item in items}  # one's own threat report
    assert client.get(f"/incidents/{samples['threat'].pk}")[0] == 200
    assert client.get(f"/incidents/{samples['hemtjanst'].pk}")[0] == 404


def test_another_municipality_gets_404_and_sees_nothing_of_ours(api, samples) -> None:
    client = api("samordnare.grannby")
    assert client.get(f"/incidents/{samples['ordinary'].pk}")[0] == 404
    items = _all(client)
    assert samples["grannby"].pk in {item["id"] for item in items}
    assert {item["node"]["id"] for item in items} <= set(
        Node.objects.filter(organisation__slug="grannby").values_list("pk", flat=True)
    )
    status, _body = client.patch(f"/incidents/{samples['ordinary'].pk}", {"causes": "x"})
    assert status == 404


def test_reading_a_confidential_case_through_the_api_is_logged(api, persona, samples) -> None:
    status, body = api("chef.solrosen").get(f"/incidents/{samples['threat'].pk}")
    assert status == 200 and body["is_confidential"]
    read = ConfidentialRead.objects.get(incident=samples["threat"])
    assert read.user == persona("chef.solrosen") and read.what == "api"


def test_list_never_names_a_person_with_protected_identity_but_the_case_does(api, persona) -> None:
    protected = User.objects.filter(organisation__slug="exempelkommun", protected_identity=False).first()
    assert protected is not None
    User.objects.filter(pk=protected.pk).update(protected_identity=True)
    protected.refresh_from_db()
    incident, _created = report_incident(
        actor=protected,
        incident_type=IncidentType.objects.get(organisation=protected.organisation, code="theft"),
        occurred_at=timezone.now() - datetime.timedelta(hours=1),
        incident_node=Node.objects.get(staff=protected),
        description="Plånbok stulen.",
    )
    coordinator = api("samordnare")
    listed = next(item for item in _all(coordinator) if item["id"] == incident.pk)
    assert listed["reporter"] == {"id": protected.pk, "first_name": None, "last_name": None}
    _status, case = coordinator.get(f"/incidents/{incident.pk}")
    assert case["reporter"]["last_name"] == protected.last_name


def test_list_filters_on_status_type_node_subtree_and_dates(api, samples) -> None:
    client = api("samordnare")
    everything = _all(client)
    assert {i["status"] for i in _all(client, status="reported")} == {"reported"}
    assert {i["type"]["code"] for i in _all(client, type="threat")} == {"threat"}
    assert _all(client, type="no-such-type") == []
    voo = _node("Vård- och omsorgsförvaltningen")
    in_voo = _all(client, node=voo.pk)
    assert 0 < len(in_voo) < len(everything)
    assert samples["hemtjanst"].pk in {i["id"] for i in in_voo}
    day = timezone.localdate(samples["hemtjanst"].occurred_at)  # the day in Sweden, as the filter reads it
    dated = _all(client, date_from=day.isoformat(), date_to=day.isoformat())
    assert samples["hemtjanst"].pk in {i["id"] for i in dated}
    assert all(i["occurred_at"][:4] == str(day.year) for i in dated)
    assert client.get("/incidents", status="no-such-status")[0] == 422


def test_list_is_paginated_newest_first(api, samples) -> None:
    client = api("samordnare")
    status, first = client.get("/incidents", limit=5)
    _status, second = client.get("/incidents", limit=5, offset=5)
    assert status == 200 and len(first["items"]) == 5
    assert first["count"] == second["count"] > 10
    times = [i["occurred_at"] for i in first["items"] + second["items"]]
    assert times == sorted(times, reverse=True)
    assert client.get("/incidents", limit=501)[0] == 422


def test_list_count_stops_at_the_cap_and_says_so(api, samples, monkeypatch) -> None:
    from varna.incidents import api as incidents_api

    monkeypatch.setattr(incidents_api, "COUNT_CAP", 5)
    status, body = api("samordnare").get("/incidents", limit=3)
    assert status == 200 and len(body["items"]) == 3
    assert body["count"] == 5 and body["count_capped"] is True
    _status, body = api("chef.solrosen").get("/incidents", limit=3, type="threat")
    assert body["count"] == len(body["items"]) and body["count_capped"] is False
    assert api("samordnare").get("/incidents", offset=10_001)[0] == 422


def test_a_coordinators_scope_needs_no_join_on_the_node_tree(persona) -> None:
    from varna.core import access
    from varna.core.access import Perm

    coordinator = access.scope(persona("samordnare"), Perm.VIEW_INCIDENTS, Incident.objects.all())
    manager = access.scope(persona("chef.solrosen"), Perm.VIEW_INCIDENTS, Incident.objects.all())
    assert "core_node" not in str(coordinator.query)
    assert "core_node" in str(manager.query)
    assert coordinator.filter(is_confidential=True).exists()


def test_list_uses_a_fixed_number_of_queries(api, samples, django_assert_max_num_queries) -> None:
    client = api("samordnare")
    with django_assert_max_num_queries(8):
        status, body = client.get("/incidents", limit=100)
    assert status == 200 and len(body["items"]) > 20


# --- reporting ----------------------------------------------------------------------


def test_report_creates_a_case_201_and_the_same_idempotency_key_gives_it_back_with_200(api, persona) -> None:
    client = api("anstalld")
    before = Incident.objects.count()
    status, first = client.post("/incidents", _report_body(), **{"Idempotency-Key": "4f1c-rapport"})
    again_status, again = client.post("/incidents", _report_body(), **{"Idempotency-Key": "4f1c-rapport"})
    assert (status, again_status) == (201, 200)
    assert again["id"] == first["id"] and again["number"] == first["number"]
    assert Incident.objects.count() == before + 1
    assert Incident.objects.get(pk=first["id"]).reporter == persona("anstalld")


def test_reports_without_a_key_are_separate_cases(api) -> None:
    client = api("anstalld")
    a = client.post("/incidents", _report_body())
    b = client.post("/incidents", _report_body())
    assert a[0] == b[0] == 201 and a[1]["id"] != b[1]["id"]


def test_a_threat_report_is_confidential(api) -> None:
    status, body = api("anstalld").post("/incidents", _report_body(incident_type="threat"))
    assert status == 201 and body["is_confidential"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"incident_type": "no-such-type"}, "Unknown type of event: %(code)s."),
        ({"incident_node": 2_000_000_000}, "There is no unit with that id in your organisation."),
        ({"facility": 2_000_000_000}, "There is no facility with that id in your organisation."),
        ({"occurred_at": "2099-01-01T10:00:00+01:00"}, "The time of the event cannot be in the future."),
    ],
)
def test_invalid_reports_are_422_with_a_message_and_create_nothing(api, change, message) -> None:
    before = Incident.objects.count()
    status, body = api("anstalld").post("/incidents", _report_body(**change))
    assert status == 422
    assert body["detail"] == sv(message) % {"code": "no-such-type"}
    assert Incident.objects.count() == before


@pytest.mark.parametrize(
    "change",
    [
        {"description": ""},
        {"description": "nul\x00"},
        {"occurred_at": "1800-01-01T10:00:00"},
        {"estimated_cost": "1e20"},
        {"estimated_cost": -5},
        {"severities": {"people": 7}},
        {"injured_count": 2**63},
    ],
)
def test_malformed_reports_are_422(api, change) -> None:
    assert api("anstalld").post("/incidents", _report_body(**change))[0] == 422


def test_a_report_in_another_municipalitys_unit_is_refused(api) -> None:
    grannby_unit = Node.objects.filter(organisation__slug="grannby").order_by("-depth").first()
    assert grannby_unit is not None
    status, _body = api("anstalld").post("/incidents", _report_body(incident_node=grannby_unit.pk))
    assert status == 422


def test_an_idempotency_key_longer_than_80_characters_is_422(api) -> None:
    status, _body = api("anstalld").post("/incidents", _report_body(), **{"Idempotency-Key": "k" * 81})
    assert status == 422


# --- handling -----------------------------------------------------------------------


def test_handler_records_investigation_assigns_and_closes_in_one_patch(api, persona, samples) -> None:
    ordinary = samples["ordinary"]
    status, body = api("chef.solrosen").patch(
        f"/incidents/{ordinary.pk}",
        {
            "revision": _rev(ordinary),
            "causes": "Dålig belysning.",
            "decided_measures": "Ny belysning.",
            "follow_up_on": "2030-01-15",
            "insurance_claim_reference": "LF-123",
            "handler": persona("ombud.solrosen").pk,
            "status": "closed",
        },
    )
    assert status == 200, body
    assert body["status"] == "closed" and body["closed_at"]
    assert body["causes"] == "Dålig belysning." and body["follow_up_on"] == "2030-01-15"
    assert body["handler"]["id"] == persona("ombud.solrosen").pk
    kinds = set(TimelineEntry.objects.filter(incident=ordinary).values_list("kind", flat=True))
    assert {TimelineKind.STATUS, TimelineKind.HANDLER} <= kinds


def test_a_step_outside_the_workflow_is_422_with_a_message(api, samples) -> None:
    ordinary = samples["ordinary"]
    status, body = api("chef.solrosen").patch(
        f"/incidents/{ordinary.pk}", {"status": "reported", "revision": _rev(ordinary)}
    )
    assert status == 200 and body["status"] == "reported"  # the same status is no change
    Incident.objects.filter(pk=ordinary.pk).update(status=Status.MEASURES_DECIDED)
    status, body = api("chef.solrosen").patch(
        f"/incidents/{ordinary.pk}", {"status": "rejected", "revision": _rev(ordinary)}
    )
    assert status == 422
    assert body["detail"]  # the workflow's own message, in Swedish
    assert Incident.objects.get(pk=ordinary.pk).status == Status.MEASURES_DECIDED


def test_a_refused_patch_leaves_the_investigation_unchanged(api, samples) -> None:
    ordinary = samples["ordinary"]
    Incident.objects.filter(pk=ordinary.pk).update(status=Status.MEASURES_DECIDED, causes="Tidigare orsak.")
    status, _body = api("chef.solrosen").patch(
        f"/incidents/{ordinary.pk}", {"causes": "Ny.", "status": "rejected", "revision": _rev(ordinary)}
    )
    assert status == 422
    assert Incident.objects.get(pk=ordinary.pk).causes == "Tidigare orsak."


def test_a_threat_case_cannot_be_closed_through_the_api_without_the_police_details(api, samples) -> None:
    status, body = api("chef.solrosen").patch(
        f"/incidents/{samples['threat'].pk}", {"status": "closed", "revision": _rev(samples["threat"])}
    )
    assert status == 422
    assert body["detail"] == sv(
        "A threat or violence case cannot be closed until the police report number, or the reason "
        "why the police were not contacted, has been recorded under Investigation."
    )
    assert Incident.objects.get(pk=samples["threat"].pk).status == Status.REPORTED


def test_duplicate_needs_an_original_case_the_handler_can_see(api, samples) -> None:
    client = api("chef.solrosen")
    path = f"/incidents/{samples['ordinary'].pk}"
    rev = _rev(samples["ordinary"])
    assert client.patch(path, {"status": "duplicate", "revision": rev})[0] == 422
    assert client.patch(path, {"status": "duplicate", "duplicate_of": samples["grannby"].pk, "revision": rev})[0] == 422
    status, body = client.patch(path, {"status": "duplicate", "duplicate_of": samples["threat"].pk, "revision": rev})
    assert status == 200 and body["duplicate_of"] == samples["threat"].pk


def test_handler_must_be_a_person_of_the_organisation(api, persona, samples) -> None:
    client = api("chef.solrosen")
    path = f"/incidents/{samples['ordinary'].pk}"
    rev = _rev(samples["ordinary"])
    assert client.patch(path, {"handler": persona("samordnare.grannby").pk, "revision": rev})[0] == 422
    assert client.patch(path, {"handler": 2_000_000_000, "revision": rev})[0] == 422
    assert client.patch(path, {"handler": None, "revision": rev})[0] == 422  # a handler cannot be removed, only changed


@pytest.mark.parametrize(
    "change",
    [{"status": "open"}, {"causes": "x" * 5001}, {"follow_up_on": "0001-01-01"}, {"insurance_claim_reference": "\x00"}],
)
def test_malformed_patches_are_422(api, samples, change) -> None:
    change = {**change, "revision": _rev(samples["ordinary"])}
    assert api("chef.solrosen").patch(f"/incidents/{samples['ordinary'].pk}", change)[0] == 422


def test_only_handlers_may_patch(api, samples) -> None:
    assert api("anstalld").patch(f"/incidents/{samples['ordinary'].pk}", {"causes": "x"})[0] == 403
    assert api("politiker").patch(f"/incidents/{samples['ordinary'].pk}", {"causes": "x"})[0] == 403
    assert api("chef.hemtjanst").patch(f"/incidents/{samples['ordinary'].pk}", {"causes": "x"})[0] == 404
    assert api("ombud.solrosen").patch(f"/incidents/{samples['threat'].pk}", {"causes": "x"})[0] == 404


# --- statistics ---------------------------------------------------------------------


def test_statistics_by_year_and_type_match_the_counted_incidents(api, samples) -> None:
    status, body = api("samordnare").get(
        "/statistics/incidents", group_by=["year", "type"], date_from="2000-01-01", date_to="2099-12-31"
    )
    assert status == 200, body
    expected = dict(
        Incident.objects.filter(organisation__slug="exempelkommun")
        .exclude(status__in=(Status.REJECTED, Status.DUPLICATE))
        .values_list("incident_type__name")
        .annotate(n=Count("pk"))
    )
    by_type: dict[str, int] = {}
    for row in body["rows"]:
        by_type[row["type_name"]] = by_type.get(row["type_name"], 0) + row["count"]
    assert by_type == expected
    assert body["count"] == sum(expected.values())


def test_statistics_by_node_for_a_unit_manager_cover_their_unit_only(api) -> None:
    status, body = api("chef.solrosen").get(
        "/statistics/incidents", group_by="node", node_level="unit", date_from="2000-01-01"
    )
    assert status == 200
    assert {row["node_name"] for row in body["rows"]} <= {"Solrosens förskola"}


def test_statistics_need_the_statistics_permission(api) -> None:
    assert api("anstalld").get("/statistics/incidents")[0] == 403
    assert api("politiker").get("/statistics/incidents")[0] == 200


def test_statistics_reject_unknown_groupings(api) -> None:
    assert api("samordnare").get("/statistics/incidents", group_by="colour")[0] == 422
