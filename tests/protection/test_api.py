"""The protection API: facilities, systems and service visits read in the caller's scope, and a service visit
recorded (once, even when sent twice) by someone who keeps the facility."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client
from django.utils import timezone

from tests.protection.world import ProtectionWorld
from varna.core.models import User
from varna.core.tokens import issue_token
from varna.protection.models import ProtectionSystem, ServiceVisit


def api(user: User) -> tuple[Client, dict[str, Any]]:
    return Client(), {"HTTP_AUTHORIZATION": f"Bearer {issue_token(user=user, actor=None)}"}


def test_the_facility_list_is_scoped_to_the_callers_units(pw: ProtectionWorld) -> None:
    c, h = api(pw.w.manager)
    body = c.get("/api/v1/protection/facilities", **h).json()
    assert [f["name"] for f in body["items"]] == ["Solskolan"]
    c, h = api(pw.w.coordinator)
    assert body["count"] == 1 and c.get("/api/v1/protection/facilities", **h).json()["count"] == 2


def test_a_facility_gives_its_owner_and_the_units_using_it(pw: ProtectionWorld) -> None:
    c, h = api(pw.w.coordinator)
    body = c.get(f"/api/v1/protection/facilities/{pw.sun.pk}", **h).json()
    assert body["node"]["name"] == "Solskolan" and body["owner"]["kind"] == "" and body["user_nodes"] == []
    assert c.get(f"/api/v1/protection/facilities/{pw.other.pk}", **h).status_code == 404


def test_the_overdue_systems_are_listed_with_their_due_date(pw: ProtectionWorld) -> None:
    c, h = api(pw.w.manager)
    items = c.get("/api/v1/protection/systems?overdue=true", **h).json()["items"]
    assert [(i["id"], i["next_service_due"], i["facility"]) for i in items] == [
        (pw.sun_fire.pk, "2025-01-10", pw.sun.pk)
    ]
    c, h = api(pw.w.coordinator)
    ids = {i["id"] for i in c.get("/api/v1/protection/systems?overdue=true", **h).json()["items"]}
    assert pw.sun_fire.pk in ids and pw.other_fire.pk not in ids


def test_a_unit_manager_records_a_visit_and_the_due_date_moves(pw: ProtectionWorld) -> None:
    c, h = api(pw.w.manager)
    today = timezone.localdate()
    payload = json.dumps({"done_on": today.isoformat(), "result": "passed", "note": "Utan anmärkning."})
    url = f"/api/v1/protection/systems/{pw.sun_fire.pk}/services"
    response = c.post(url, payload, content_type="application/json", **h)
    assert response.status_code == 201, response.content
    assert response.json()["system"] == pw.sun_fire.pk
    again = c.post(url, payload, content_type="application/json", **h)
    assert again.status_code == 201 and again.json()["id"] == response.json()["id"]
    assert ServiceVisit.objects.count() == 1
    system = ProtectionSystem.objects.get(pk=pw.sun_fire.pk)
    assert system.next_service_due == today.replace(year=today.year + 1)
    listed = c.get(f"/api/v1/protection/services?system={pw.sun_fire.pk}", **h).json()["items"]
    assert [v["result"] for v in listed] == ["passed"]


def test_a_visit_outside_the_callers_units_is_a_404_and_a_bad_one_a_422(pw: ProtectionWorld) -> None:
    c, h = api(pw.w.manager)
    payload = json.dumps({"done_on": timezone.localdate().isoformat(), "result": "failed"})
    outside = c.post(
        f"/api/v1/protection/systems/{pw.care_fire.pk}/services", payload, content_type="application/json", **h
    )
    assert outside.status_code == 404
    bad = c.post(f"/api/v1/protection/systems/{pw.sun_fire.pk}/services", payload, content_type="application/json", **h)
    assert bad.status_code == 422  # a failed visit needs a note
    assert not ServiceVisit.objects.exists()


def test_a_security_representative_may_read_but_not_record(pw: ProtectionWorld) -> None:
    c, h = api(pw.w.protected)
    assert c.get(f"/api/v1/protection/systems/{pw.sun_fire.pk}", **h).status_code == 200
    payload = json.dumps({"done_on": timezone.localdate().isoformat(), "result": "passed"})
    url = f"/api/v1/protection/systems/{pw.sun_fire.pk}/services"
    assert c.post(url, payload, content_type="application/json", **h).status_code == 403
