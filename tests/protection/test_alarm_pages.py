"""The false-alarm and property pages and API (K12, K13): recording a false alarm on the facility's page, the
coordinator's list and filters, the flag of repeated false alarms and its follow-up, the cost per facility and
year with its Excel file, the causes and rule, theft-prone property and the unmarked list with the thefts there."""

from __future__ import annotations

import datetime
import io
import json
from decimal import Decimal
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests.protection.world import ProtectionWorld
from varna.core.models import User
from varna.core.tokens import issue_token
from varna.protection.models import (
    FalseAlarm,
    FalseAlarmCause,
    FalseAlarmSettings,
    Marking,
    RepeatedAlarmFlag,
    TheftProneAsset,
)
from varna.protection.services.false_alarms import record_false_alarm
from varna.protection.services.property import add_asset


def client(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


def cause(pw: ProtectionWorld) -> FalseAlarmCause:
    return FalseAlarmCause.objects.get(organisation=pw.w.org, name="Okänd orsak")


def alarms(pw: ProtectionWorld, *days_ago: int, system=None, cost: str = "4500") -> None:
    for days in days_ago:
        record_false_alarm(
            actor=pw.w.coordinator,
            system=system or pw.sun_fire,
            occurred_at=timezone.now() - datetime.timedelta(days=days),
            cause=cause(pw),
            callout=True,
            cost=cost,
        )


def test_a_unit_manager_records_a_false_alarm_from_the_facility_page(pw: ProtectionWorld) -> None:
    c = client(pw.w.manager)
    page = c.get(reverse("protection:facility", args=[pw.sun.pk])).content.decode()
    url = reverse("protection:false_alarm_new", args=[pw.sun.pk])
    assert url in page
    moment = timezone.localtime() - datetime.timedelta(hours=3)
    data = {
        "system": pw.sun_fire.pk,
        "occurred_at": moment.strftime("%Y-%m-%dT%H:%M"),
        "cause": cause(pw).pk,
        "callout": "on",
        "cost": "2800",
    }
    response = c.post(url, data)
    assert response.status_code == 302
    c.post(url, data)  # sent twice: kept once
    recorded = FalseAlarm.objects.get()
    assert (recorded.system, recorded.callout, recorded.cost) == (pw.sun_fire, True, Decimal(2800))
    listed = c.get(reverse("protection:facility_false_alarms", args=[pw.sun.pk])).content.decode()
    assert "Okänd orsak" in listed and moment.strftime("%Y-%m-%d %H:%M") in listed


def test_a_false_alarm_form_with_a_bad_cost_says_so_in_swedish_and_writes_nothing(pw: ProtectionWorld) -> None:
    response = client(pw.w.manager).post(
        reverse("protection:false_alarm_new", args=[pw.sun.pk]),
        {"system": pw.sun_fire.pk, "occurred_at": "2026-01-01T10:00", "cause": cause(pw).pk, "cost": "-1"},
        HTTP_ACCEPT_LANGUAGE="sv",
    )
    assert response.status_code == 400 and not FalseAlarm.objects.exists()


def test_another_facilitys_system_cannot_be_chosen(pw: ProtectionWorld) -> None:
    response = client(pw.w.coordinator).post(
        reverse("protection:false_alarm_new", args=[pw.sun.pk]),
        {"system": pw.care_fire.pk, "occurred_at": "2026-01-01T10:00", "cause": cause(pw).pk},
    )
    assert response.status_code == 400 and not FalseAlarm.objects.exists()


def test_the_coordinators_list_filters_by_unit_and_callout(pw: ProtectionWorld) -> None:
    alarms(pw, 5)
    alarms(pw, 6, system=pw.care_fire)
    c = client(pw.w.coordinator)
    text = c.get(reverse("protection:false_alarms")).content.decode()
    assert "Solskolan" in text and "Hemtjänstens lokal" in text
    narrowed = c.get(reverse("protection:false_alarms"), {"node": pw.w.home_care.pk}).content.decode()
    assert "Hemtjänstens lokal" in narrowed and "Solskolan</a>" not in narrowed
    none = c.get(reverse("protection:false_alarms"), {"callout": "no"}).content.decode()
    assert "Hemtjänstens lokal</a>" not in none
    mine = client(pw.w.manager).get(reverse("protection:false_alarms")).content.decode()
    assert "Hemtjänstens lokal" not in mine


def test_repeated_false_alarms_are_listed_and_the_follow_up_closes_the_flag(pw: ProtectionWorld) -> None:
    alarms(pw, 30, 20, 10)
    flag = RepeatedAlarmFlag.objects.get()
    c = client(pw.w.manager)
    assert reverse("protection:flag", args=[flag.pk]) in c.get(reverse("protection:flags")).content.decode()
    assert (
        reverse("protection:flag", args=[flag.pk])
        in c.get(reverse("protection:facility", args=[pw.sun.pk])).content.decode()
    )
    response = c.post(
        reverse("protection:flag_follow_up", args=[flag.pk]),
        {"follow_up": "Detektorn flyttades från köket.", "revision": flag.revision},
    )
    assert response.status_code == 302
    flag.refresh_from_db()
    assert flag.closed_at is not None and flag.closed_by == pw.w.manager
    assert reverse("protection:flag", args=[flag.pk]) not in c.get(reverse("protection:flags")).content.decode()
    assert "Detektorn flyttades" in c.get(reverse("protection:flag", args=[flag.pk])).content.decode()


def test_a_security_representative_reads_the_flag_but_cannot_follow_it_up(pw: ProtectionWorld) -> None:
    alarms(pw, 30, 20, 10)
    flag = RepeatedAlarmFlag.objects.get()
    c = client(pw.w.protected)
    page = c.get(reverse("protection:flag", args=[flag.pk]))
    assert page.status_code == 200 and reverse("protection:flag_follow_up", args=[flag.pk]) not in page.content.decode()
    assert c.post(reverse("protection:flag_follow_up", args=[flag.pk]), {"follow_up": "x"}).status_code == 403


def test_the_cost_per_facility_and_year_and_its_excel_file_agree(pw: ProtectionWorld) -> None:
    alarms(pw, 1, 2)
    alarms(pw, 3, system=pw.care_fire, cost="1000")
    year = timezone.localdate().year
    c = client(pw.w.coordinator)
    text = c.get(reverse("protection:false_alarm_cost")).content.decode()
    assert "Solskolan" in text and "9\u00a0000" in text and "10\u00a0000" in text
    response = c.get(reverse("protection:false_alarm_cost_xlsx"), {"year_from": year - 1, "year_to": year})
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[1]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=3)]
    assert rows[0][:5] == ["Solskolan", "Solskolan", 0, 9000, 9000]
    assert rows[2][4] == 10000  # the total row
    bad = c.get(reverse("protection:false_alarm_cost"), {"year_from": "2030", "year_to": "2010"})
    assert bad.status_code == 200


def test_the_coordinator_changes_the_rule_and_adds_a_cause_and_a_unit_manager_may_not(pw: ProtectionWorld) -> None:
    c = client(pw.w.coordinator)
    url = reverse("protection:false_alarm_settings")
    assert c.post(url, {"form": "rule", "repeat_threshold": 4, "repeat_days": 60}).status_code == 302
    settings = FalseAlarmSettings.objects.get(organisation=pw.w.org)
    assert (settings.repeat_threshold, settings.repeat_days) == (4, 60)
    assert c.post(url, {"form": "cause", "name": "Fåglar", "order": 5}).status_code == 302
    assert FalseAlarmCause.objects.filter(organisation=pw.w.org, name="Fåglar").exists()
    assert c.post(url, {"form": "rule", "repeat_threshold": 1, "repeat_days": 60}).status_code == 400
    assert client(pw.w.manager).get(url).status_code == 403


def test_a_unit_manager_adds_property_and_marks_it(pw: ProtectionWorld) -> None:
    c = client(pw.w.manager)
    response = c.post(
        reverse("protection:asset_new", args=[pw.sun.pk]),
        {"kind": "projector", "make": "Epson EB-W49", "serial_number": "X1", "marking": "unmarked", "value": "8400"},
    )
    assert response.status_code == 302
    asset = TheftProneAsset.objects.get()
    assert (
        reverse("protection:asset_edit", args=[asset.pk])
        in c.get(reverse("protection:facility", args=[pw.sun.pk])).content.decode()
    )
    c.post(
        reverse("protection:asset_edit", args=[asset.pk]),
        {
            "kind": "projector",
            "make": "Epson EB-W49",
            "serial_number": "X1",
            "marking": "marked",
            "value": "8400",
            "revision": asset.revision,
        },
    )
    asset.refresh_from_db()
    assert asset.marking == Marking.MARKED and asset.revision == 2


def test_the_unmarked_list_shows_the_thefts_at_each_facility_to_those_who_see_incidents(pw: ProtectionWorld) -> None:
    from varna.incidents.services import ensure_defaults, report_incident

    add_asset(actor=pw.w.coordinator, facility=pw.sun, kind="computer", marking="unmarked", value="9000")
    add_asset(actor=pw.w.coordinator, facility=pw.sun, kind="computer", make="Dell", marking="marked", value="9000")
    add_asset(actor=pw.w.coordinator, facility=pw.care, kind="tablet", marking="marked")
    types = {t.code: t for t in ensure_defaults(organisation=pw.w.org)}
    for code in ("theft", "burglary", "vandalism"):
        report_incident(
            actor=pw.w.employee,
            incident_type=types[code],
            occurred_at=timezone.now() - datetime.timedelta(days=20),
            incident_node=pw.w.sun_school,
            description="Datorer stulna ur klassrummet.",
            facility=pw.sun,
        )
    text = client(pw.w.manager).get(reverse("protection:unmarked")).content.decode()
    assert "Solskolan" in text and "1 / 2" in text and "50 %" in text and '<span class="badge">2</span>' in text
    assert "Hemtjänstens lokal" not in client(pw.w.coordinator).get(reverse("protection:unmarked")).content.decode()


def api(user: User) -> tuple[Client, dict[str, Any]]:
    return Client(), {"HTTP_AUTHORIZATION": f"Bearer {issue_token(user=user, actor=None)}"}


def test_the_api_records_a_false_alarm_and_says_when_the_system_is_flagged(pw: ProtectionWorld) -> None:
    alarms(pw, 30, 20)
    c, h = api(pw.w.manager)
    body = {
        "occurred_at": (timezone.now() - datetime.timedelta(days=1)).isoformat(),
        "cause": cause(pw).pk,
        "callout": True,
        "cost": "4500",
    }
    url = f"/api/v1/protection/systems/{pw.sun_fire.pk}/false-alarms"
    response = c.post(url, json.dumps(body), content_type="application/json", **h)
    assert response.status_code == 201 and response.json()["flagged"] is True
    listed = c.get(f"/api/v1/protection/false-alarms?facility={pw.sun.pk}", **h).json()
    assert listed["count"] == 3
    outside = f"/api/v1/protection/systems/{pw.care_fire.pk}/false-alarms"
    assert c.post(outside, json.dumps(body), content_type="application/json", **h).status_code == 404
    bad = {**body, "cost": "-1"}
    assert c.post(url, json.dumps(bad), content_type="application/json", **h).status_code == 422
    assert c.get("/api/v1/protection/false-alarm-causes", **h).json()[0]["name"]


def test_the_api_lists_the_unmarked_property_in_the_callers_units(pw: ProtectionWorld) -> None:
    add_asset(actor=pw.w.coordinator, facility=pw.sun, kind="computer", marking="unmarked")
    add_asset(actor=pw.w.coordinator, facility=pw.care, kind="computer", marking="unmarked")
    c, h = api(pw.w.manager)
    items = c.get("/api/v1/protection/property?unmarked=true", **h).json()["items"]
    assert [i["facility"] for i in items] == [pw.sun.pk]
