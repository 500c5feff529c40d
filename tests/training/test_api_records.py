"""The training API: the course catalogue and requirements, records scoped like the pages (a manager their subtree,
HR everyone, an employee their own) with filters and pages, and a learning platform's bulk create: all or nothing,
each wrong item named in a 422, idempotent."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tests.training.record_samples import RecordWorld, build_record_world, record, records
from varna.core.models import User
from varna.core.tokens import issue_token
from varna.training.models import Audience, CourseRequirement, RecordSource, TrainingRecord
from varna.training.schemas import MAX_BULK

DAY = datetime.date(2025, 3, 14)


@pytest.fixture
def rw(db: None) -> RecordWorld:
    return build_record_world()


def api(user: User) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {issue_token(user=user, actor=None)}", HTTP_ACCEPT_LANGUAGE="sv")


def post(user: User, body: Any) -> Any:
    return api(user).post("/api/v1/training/records", json.dumps(body), content_type="application/json")


def item(number: str, course: str = "imp-brand", day: str = "2025-03-14") -> dict[str, str]:
    return {"employee_number": number, "course": course, "completed_on": day}


def test_everyone_sees_the_organisations_courses_and_requirements(rw: RecordWorld) -> None:
    CourseRequirement.objects.create(organisation=rw.org, course=rw.fire, within_days=90)
    CourseRequirement.objects.create(
        organisation=rw.org, course=rw.cpr, audience=Audience.MANAGERS, node=rw.w.social_admin, within_days=30
    )
    courses = api(rw.w.employee).get("/api/v1/training/courses").json()
    assert [c["code"] for c in courses["items"]] == ["imp-brand", "imp-hlr", "imp-intro"]
    assert courses["items"][0] | {"id": 0} == {
        "id": 0,
        "code": "imp-brand",
        "name": "Grundläggande brandskydd",
        "description": "",
        "format": "classroom",
        "provider": "",
        "validity_months": 36,
        "is_active": True,
    }
    assert api(rw.w.outsider).get("/api/v1/training/courses").json()["items"][0]["name"] == "Brandskydd i Grannby"
    requirements = api(rw.w.employee).get("/api/v1/training/requirements").json()["items"]
    assert [(r["course"]["code"], r["audience"], r["node"] and r["node"]["code"]) for r in requirements] == [
        ("imp-brand", "everyone", None),
        ("imp-hlr", "managers", "SOC"),
    ]
    assert requirements[0]["role"] is None and requirements[0]["within_days"] == 90
    assert Client().get("/api/v1/training/courses").status_code == 401


def test_records_are_scoped_a_manager_sees_the_unit_hr_everyone_an_employee_their_own(rw: RecordWorld) -> None:
    for person in (rw.w.manager, rw.w.employee, rw.w.carer, rw.w.moon_teacher):
        record(rw.hr, person, rw.fire, DAY)

    def people(user: User, **query: Any) -> list[str]:
        data = api(user).get("/api/v1/training/records", query).json()
        return sorted(r["person"]["employee_number"] for r in data["items"])

    assert people(rw.hr) == ["1001", "1002", "1004", "2001"]
    assert people(rw.w.manager) == ["1001", "1002"]  # Solskolan (the ended role at Månskolan counts no more)
    assert people(rw.w.employee) == ["1002"]
    assert people(rw.w.carer) == ["2001"]
    assert people(rw.w.outsider) == []
    assert people(rw.w.officer) == ["1001", "1002", "1004"]  # a security officer views the school administration


def test_records_are_filtered_by_person_course_node_and_time_and_paged(rw: RecordWorld) -> None:
    record(rw.hr, rw.w.manager, rw.fire, DAY)
    record(rw.hr, rw.w.manager, rw.cpr, DAY)
    record(rw.hr, rw.w.carer, rw.cpr, datetime.date(2024, 1, 2))
    before = timezone.now()
    record(rw.hr, rw.w.employee, rw.intro, DAY)
    hr = api(rw.hr)

    def get(**query: Any) -> dict[str, Any]:
        response = hr.get("/api/v1/training/records", query)
        assert response.status_code == 200, response.content
        data: dict[str, Any] = response.json()
        return data

    assert get(person=rw.w.manager.pk)["count"] == 2
    assert {r["person"]["id"] for r in get(course="IMP-HLR")["items"]} == {rw.w.manager.pk, rw.w.carer.pk}
    assert [r["person"]["id"] for r in get(node=rw.w.social_admin.pk)["items"]] == [rw.w.carer.pk]
    assert get(node=rw.w.other_unit.pk)["count"] == 0
    since = get(changed_since=before.isoformat())["items"]
    assert [(r["person"]["id"], r["course"]["code"]) for r in since] == [(rw.w.employee.pk, "imp-intro")]
    page = get(limit=2, offset=1)
    assert page["count"] == 4 and len(page["items"]) == 2
    one = get(person=rw.w.carer.pk)["items"][0]
    assert one["completed_on"] == "2024-01-02"
    assert one["expires_on"] == "2025-01-02"
    assert one["source"] == "manual"
    assert one["person"]["first_name"] == "Karl"
    assert hr.get("/api/v1/training/records", {"course": "not a code!"}).status_code == 422
    assert hr.get("/api/v1/training/records", {"changed_since": "1200-01-01T00:00:00"}).status_code == 422


def test_a_protected_identitys_record_carries_no_name(rw: RecordWorld) -> None:
    record(rw.hr, rw.w.protected, rw.fire, DAY)
    person = api(rw.hr).get("/api/v1/training/records").json()["items"][0]["person"]
    assert person == {"id": rw.w.protected.pk, "first_name": None, "last_name": None, "employee_number": "1003"}


def test_a_learning_platform_records_a_list_and_sending_it_again_changes_nothing(rw: RecordWorld) -> None:
    body = [item("1001"), item("1002", "IMP-HLR"), item("2001", "Introduktion för nyanställda")]
    response = post(rw.hr, body)
    assert response.status_code == 201, response.content
    assert response.json() == {"created": 3, "already_recorded": 0}
    assert records() == {
        ("maja.chef", "imp-brand", DAY),
        ("erik.anstalld", "imp-hlr", DAY),
        ("karl.vardare", "imp-intro", DAY),
    }
    assert set(TrainingRecord.objects.values_list("source", flat=True)) == {RecordSource.API}
    again = post(rw.hr, [*body, item("1004")])
    assert again.status_code == 201
    assert again.json() == {"created": 1, "already_recorded": 3}
    same = post(rw.hr, body)
    assert same.status_code == 200
    assert same.json() == {"created": 0, "already_recorded": 3}
    assert TrainingRecord.objects.count() == 4


def test_a_list_with_wrong_items_records_nothing_and_names_each_item(rw: RecordWorld) -> None:
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = post(
        rw.w.manager,
        [item("1001"), item("2001"), item("1002", "okänd"), item("1002", day=tomorrow), item("1002", day="1985-05-05")],
    )
    assert response.status_code == 422
    data = response.json()
    assert data["detail"] == "4 genomförda kurser är felaktiga. Inget har registrerats."
    assert data["errors"] == [
        {
            "index": 1,
            "field": "employee_number",
            "message": "Anställningsnumret “2001” finns inte bland dem du kan registrera utbildning för.",
        },
        {
            "index": 2,
            "field": "course",
            "message": "Det finns ingen kurs med koden eller namnet “okänd”. Kurser: imp-brand, imp-hlr, imp-intro.",
        },
        {"index": 3, "field": "completed_on", "message": f"Datumet {tomorrow} ligger i framtiden."},
        {"index": 4, "field": "completed_on", "message": "Datumet 1985-05-05 är före 1990."},
    ]
    assert not TrainingRecord.objects.exists()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "De genomförda kurserna kunde inte läsas"),
        ("[]", "Listan med genomförda kurser är tom."),
        ('{"employee_number": "1001"}', "De genomförda kurserna kunde inte läsas"),
        ('[{"employee_number": "1001", "course": "imp-brand", "completed_on": "14/3"}]', "completed_on"),
        ('[{"employee_number": "", "course": "imp-brand", "completed_on": "2025-03-14"}]', "employee_number"),
    ],
)
def test_a_body_that_is_not_a_list_of_completions_is_a_422_in_swedish(rw: RecordWorld, body: str, message: str) -> None:
    response = api(rw.hr).post("/api/v1/training/records", body, content_type="application/json")
    assert response.status_code == 422
    assert message in response.json()["detail"]
    assert not TrainingRecord.objects.exists()


def test_at_most_max_bulk_completions_in_one_request(rw: RecordWorld) -> None:
    response = post(rw.hr, [item("1001")] * (MAX_BULK + 1))
    assert response.status_code == 422
    assert response.json()["detail"] == f"Skicka högst {MAX_BULK} genomförda kurser i ett anrop."


def test_only_those_who_may_record_training_post_records(rw: RecordWorld) -> None:
    for user in (rw.w.employee, rw.w.officer):
        assert post(user, [item("1002")]).status_code == 403
    assert post(rw.w.outsider, [item("1001")]).status_code == 422  # Grannby's coordinator: not their people
    assert Client().post("/api/v1/training/records", "[]", content_type="application/json").status_code == 401
    assert not TrainingRecord.objects.exists()


def test_the_openapi_schema_lists_the_training_operations_with_the_bulk_body() -> None:
    from varna.api import api as ninja_api

    schema = ninja_api.get_openapi_schema()
    paths = schema["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/training/records"])
    assert "get" in paths["/api/v1/training/courses"]
    assert "get" in paths["/api/v1/training/requirements"]
    body = paths["/api/v1/training/records"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body["type"] == "array" and body["maxItems"] == MAX_BULK
    assert set(body["items"]["required"]) == {"employee_number", "course", "completed_on"}
    assert {201, 200, 422} <= {int(code) for code in paths["/api/v1/training/records"]["post"]["responses"]}
