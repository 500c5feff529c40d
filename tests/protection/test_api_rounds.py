"""The protection API's evacuation checks and self-inspection rounds: listed in the caller's scope, created by
someone who keeps the unit or facility, and bad input refused in Swedish."""

from __future__ import annotations

import json
from typing import Any

from django.test import Client
from django.utils import timezone

from tests.protection.world import ProtectionWorld
from varna.core.models import User
from varna.core.tokens import issue_token
from varna.protection.models import EvacuationCheck, InspectionRound

CHECKS = "/api/v1/protection/evacuation-checks"


def api(user: User) -> tuple[Client, dict[str, Any]]:
    return Client(), {"HTTP_AUTHORIZATION": f"Bearer {issue_token(user=user, actor=None)}"}


def _post(c: Client, h: dict[str, Any], url: str, body: Any) -> Any:
    return c.post(url, data=json.dumps(body), content_type="application/json", **h)


def test_a_unit_manager_records_an_evacuation_check_and_lists_her_own(pw: ProtectionWorld) -> None:
    c, h = api(pw.w.manager)
    today = timezone.localdate().isoformat()
    response = _post(
        c,
        h,
        CHECKS,
        {"node": pw.w.sun_school.pk, "checked_on": today, "drill_held": True},
    )
    assert response.status_code == 201 and response.json()["node"]["name"] == "Solskolan"
    outside = _post(
        c,
        h,
        CHECKS,
        {"node": pw.w.home_care.pk, "checked_on": today, "drill_held": True},
    )
    assert outside.status_code == 404
    nothing = _post(c, h, CHECKS, {"node": pw.w.sun_school.pk, "checked_on": today})
    assert nothing.status_code == 422 and "Kryssa i" in nothing.json()["detail"]
    bad = _post(c, h, CHECKS, {"node": pw.w.sun_school.pk, "checked_on": "igår"})
    assert bad.status_code == 422
    assert EvacuationCheck.objects.count() == 1
    items = c.get(CHECKS, **h).json()["items"]
    assert [i["node"]["name"] for i in items] == ["Solskolan"]


def test_a_round_is_started_answered_and_read_through_the_api(pw: ProtectionWorld) -> None:
    c, h = api(pw.w.manager)
    response = _post(c, h, f"/api/v1/protection/facilities/{pw.sun.pk}/rounds", {})
    assert response.status_code == 201
    round_id = response.json()["id"]
    assert _post(c, h, f"/api/v1/protection/facilities/{pw.care.pk}/rounds", {}).status_code == 404
    detail = c.get(f"/api/v1/protection/rounds/{round_id}", **h).json()
    first = detail["items"][0]
    assert first["result"] is None and detail["completed"] is False
    refused = _post(c, h, f"/api/v1/protection/round-points/{first['id']}", {"result": "deviation", "note": ""})
    assert refused.status_code == 422 and "Beskriv avvikelsen" in refused.json()["detail"]
    answered = _post(c, h, f"/api/v1/protection/round-points/{first['id']}", {"result": "deviation", "note": "Kilad."})
    assert answered.status_code == 200 and answered.json()["result"] == "deviation"
    listed = c.get(f"/api/v1/protection/rounds?facility={pw.sun.pk}", **h).json()["items"]
    assert [r["id"] for r in listed] == [round_id]
    c2, h2 = api(pw.w.outsider)
    assert c2.get(f"/api/v1/protection/rounds/{round_id}", **h2).status_code == 404
    assert InspectionRound.objects.count() == 1
