"""The claim API: the list and one claim in the caller's scope, a claim made from an incident (422 with a Swedish
message on bad input), and the policies for those who keep the insurance programme."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tests.incidents.samples import make_sample_incidents
from tests.insurance.claim_samples import make_policy
from varna.core.models import User
from varna.core.tokens import issue_token
from varna.incidents.models import Incident
from varna.insurance.models import Claim
from varna.insurance.services import claims as services

pytestmark = pytest.mark.usefixtures("demo")


def _api(username: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {issue_token(user=User.objects.get(username=username), actor=None)}")


def _post(username: str, path: str, body: Any) -> Any:
    return _api(username).post(path, json.dumps(body), content_type="application/json")


@pytest.fixture
def incidents() -> dict[str, Incident]:
    return make_sample_incidents()


def _claim(incident: Incident, number: str = "P-api") -> Claim:
    return services.create_claim(
        actor=User.objects.get(
            username="samordnare.grannby" if incident.organisation.slug == "grannby" else "samordnare"
        ),
        incident=incident,
        policy=make_policy(incident.organisation, number=number),
        claimed_amount=Decimal(12000),
    )


def test_list_and_one_claim_are_scoped(incidents: dict[str, Incident]) -> None:
    solrosen = _claim(incidents["ordinary"])
    hemtjanst = _claim(incidents["hemtjanst"], number="P-api-2")
    grannby = _claim(incidents["grannby"])
    manager = _api("chef.solrosen")
    data = manager.get("/api/v1/insurance/claims", {"incident": incidents["ordinary"].pk}).json()
    assert [c["number"] for c in data["items"]] == [solrosen.number]
    assert manager.get("/api/v1/insurance/claims", {"incident": incidents["hemtjanst"].pk}).json()["count"] == 0
    assert manager.get(f"/api/v1/insurance/claims/{hemtjanst.pk}").status_code == 404
    one = manager.get(f"/api/v1/insurance/claims/{solrosen.pk}").json()
    assert one["deductible"] in ("10000.00", 10000.0, "10000")
    assert one["payments"] == []
    coordinator = _api("samordnare")
    assert coordinator.get(f"/api/v1/insurance/claims/{hemtjanst.pk}").status_code == 200
    assert coordinator.get(f"/api/v1/insurance/claims/{grannby.pk}").status_code == 404
    assert _api("anstalld").get("/api/v1/insurance/claims").status_code == 403


def test_claim_made_from_an_incident_takes_its_cost_and_the_policys_deductible(incidents: dict[str, Incident]) -> None:
    incident = incidents["ordinary"]
    Incident.objects.filter(pk=incident.pk).update(total_cost=Decimal(18500))
    policy = make_policy(incident.organisation, number="P-api-new", deductible=Decimal(5000))
    body = {"policy": policy.pk, "insurer_reference": "LF-123", "third_party_involved": True}
    response = _post("samordnare", f"/api/v1/incidents/{incident.pk}/claims", body)
    assert response.status_code == 201, response.content
    data = response.json()
    assert Decimal(str(data["claimed_amount"])) == Decimal(18500)
    assert Decimal(str(data["deductible"])) == Decimal(5000)
    assert data["incident"]["id"] == incident.pk
    assert data["number"].startswith(f"S-{timezone.localdate().year}-")
    again = _post("samordnare", f"/api/v1/incidents/{incident.pk}/claims", body)
    assert again.status_code == 200
    assert again.json()["id"] == data["id"]


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"policy": 2_000_000_000}, "Det finns ingen försäkring"),
        ({"policy": "x"}, "kunde inte läsas"),
        ({}, "kunde inte läsas"),
        ({"policy": 0, "claimed_amount": -1}, "kunde inte läsas"),
    ],
)
def test_bad_input_is_422_in_swedish(incidents: dict[str, Incident], body: dict[str, Any], words: str) -> None:
    response = _post("samordnare", f"/api/v1/incidents/{incidents['ordinary'].pk}/claims", body)
    assert response.status_code == 422
    assert words in response.json()["detail"]
    assert not Claim.objects.filter(incident=incidents["ordinary"]).exists()


def test_a_policy_out_of_force_is_422_and_saves_nothing(incidents: dict[str, Incident]) -> None:
    incident = incidents["ordinary"]
    old = make_policy(
        incident.organisation,
        number="P-2020",
        valid_from=datetime.date(2020, 1, 1),
        valid_to=datetime.date(2020, 12, 31),
    )
    response = _post("samordnare", f"/api/v1/incidents/{incident.pk}/claims", {"policy": old.pk, "claimed_amount": 10})
    assert response.status_code == 422
    assert "omfattade inte skadedagen" in response.json()["detail"]
    assert not Claim.objects.filter(incident=incident).exists()


def test_unit_manager_may_not_make_a_claim_and_grannby_cannot_reach_the_incident(
    incidents: dict[str, Incident],
) -> None:
    incident = incidents["ordinary"]
    policy = make_policy(incident.organisation, number="P-api-x")
    assert _post("chef.solrosen", f"/api/v1/incidents/{incident.pk}/claims", {"policy": policy.pk}).status_code == 403
    response = _post("samordnare.grannby", f"/api/v1/incidents/{incident.pk}/claims", {"policy": policy.pk})
    assert response.status_code == 404


def test_policies_for_those_who_keep_the_programme(incidents: dict[str, Incident]) -> None:
    incident = incidents["ordinary"]
    policy = make_policy(incident.organisation, number="P-api-list", line="motor")
    query: dict[str, str | int] = {"cover_line": "motor", "limit": 500}
    data = _api("samordnare").get("/api/v1/insurance/policies", query).json()
    numbers = [p["policy_number"] for p in data["items"]]
    assert policy.policy_number in numbers
    assert all(p["cover_line"]["code"] == "motor" for p in data["items"])
    assert _api("chef.solrosen").get("/api/v1/insurance/policies").status_code == 403
    grannby = _api("samordnare.grannby").get("/api/v1/insurance/policies", {"limit": 500}).json()
    assert policy.policy_number not in [p["policy_number"] for p in grannby["items"]] or all(
        p["id"] != policy.pk for p in grannby["items"]
    )
