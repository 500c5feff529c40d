"""The action plan API: lists in scope, one plan with its actions, adding actions and changing status."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tests.plans.helpers import make_action, make_measure, make_plan, node, this_year, user
from varna.core.tokens import issue_token
from varna.plans.models import Action, ActionStatus

pytestmark = pytest.mark.usefixtures("demo")


def _api(username: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {issue_token(user=user(username), actor=None)}")


def _post(username: str, path: str, body: Any) -> Any:
    return _api(username).post(path, json.dumps(body), content_type="application/json")


def _patch(username: str, path: str, body: Any) -> Any:
    return _api(username).patch(path, json.dumps(body), content_type="application/json")


def _new_action(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "what": "Byt brandvarnare",
        "how": "Byt alla brandvarnare i lokalerna.",
        "due": (timezone.localdate() + datetime.timedelta(days=20)).isoformat(),
        "responsible": user("chef.solrosen").pk,
        "budget": 3000,
    }
    body.update(overrides)
    return body


def test_list_is_scoped_and_filtered() -> None:
    solrosen = make_plan("chef.solrosen", "Solrosens förskola")
    hemtjanst = make_plan("chef.hemtjanst", "Hemtjänst Centrum")
    make_plan("chef.solrosen", "Solrosens förskola", year=this_year() - 1)
    client = _api("chef.solrosen")
    data = client.get("/api/v1/action-plans", {"year": this_year()}).json()
    assert [p["id"] for p in data["items"]] == [solrosen.pk]
    client = _api("samordnare")
    data = client.get("/api/v1/action-plans", {"node": node("Hemtjänst Centrum").pk}).json()
    assert [p["id"] for p in data["items"]] == [hemtjanst.pk]
    data = client.get("/api/v1/action-plans").json()
    assert data["count"] == 3
    client = _api("anstalld")
    assert client.get("/api/v1/action-plans").status_code == 403


def test_one_plan_with_its_actions_and_404_outside_scope() -> None:
    plan = make_plan("chef.solrosen", "Solrosens förskola")
    action = make_action("chef.solrosen", plan)
    client = _api("politiker")
    data = client.get(f"/api/v1/action-plans/{plan.pk}").json()
    assert data["node"]["name"] == "Solrosens förskola"
    assert data["adopted"] is False
    assert [a["id"] for a in data["actions"]] == [action.pk]
    assert data["actions"][0]["overdue"] is False
    client = _api("chef.hemtjanst")
    assert client.get(f"/api/v1/action-plans/{plan.pk}").status_code == 404


def test_add_action_through_the_api() -> None:
    measure = make_measure("chef.solrosen", "Solrosens förskola")
    plan = make_plan("chef.solrosen", "Solrosens förskola")
    response = _post("chef.solrosen", f"/api/v1/action-plans/{plan.pk}/actions", _new_action(measures=[measure.pk]))
    assert response.status_code == 201
    body = response.json()
    assert body["measures"] == [{"id": measure.pk, "number": measure.number}]
    again = _post("chef.solrosen", f"/api/v1/action-plans/{plan.pk}/actions", _new_action(measures=[measure.pk]))
    assert again.json()["id"] == body["id"]
    assert Action.objects.filter(plan=plan).count() == 1


def test_add_action_errors() -> None:
    plan = make_plan("chef.solrosen", "Solrosens förskola")
    path = f"/api/v1/action-plans/{plan.pk}/actions"
    outsider = user("samordnare.grannby").pk
    assert _post("chef.solrosen", path, _new_action(responsible=outsider)).status_code == 422
    assert _post("chef.solrosen", path, _new_action(measures=[2_000_000])).status_code == 422
    assert _post("chef.solrosen", path, _new_action(what="")).status_code == 422
    assert _post("chef.hemtjanst", path, _new_action()).status_code == 404
    assert _post("politiker", path, _new_action()).status_code == 403
    client = _api("chef.solrosen")
    assert client.post(path).status_code in (400, 422)
    assert not Action.objects.filter(plan=plan).exists()


def test_patch_status_and_stale_revision_is_409() -> None:
    plan = make_plan("chef.solrosen", "Solrosens förskola")
    action = make_action("chef.solrosen", plan)
    path = f"/api/v1/actions/{action.pk}"
    response = _patch("chef.solrosen", path, {"status": "in_progress", "revision": 1})
    assert response.status_code == 200
    assert response.json()["status"] == "in_progress"
    assert response.json()["revision"] == 2
    assert _patch("chef.solrosen", path, {"status": "done", "revision": 1}).status_code == 409
    assert _patch("chef.solrosen", path, {"status": "cancelled", "revision": 2}).status_code == 422
    assert _patch("chef.hemtjanst", path, {"status": "done", "revision": 2}).status_code == 404
    done = _patch("chef.solrosen", path, {"status": "done", "revision": 2}).json()
    assert done["completed_on"] == timezone.localdate().isoformat()
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE
