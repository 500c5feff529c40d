"""The yearly evacuation check per unit (K14): recorded by the unit's manager, the coordinator's list of units
without a check this year, and the reminder through the outbox once a year."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from tests.protection.world import TODAY, ProtectionWorld
from varna.core.models import OutboxMail, User
from varna.protection import reminders_evacuation
from varna.protection.models import EvacuationCheck
from varna.protection.selectors import checks as selectors
from varna.protection.services.checks import record_evacuation_check

SEPTEMBER = datetime.date(TODAY.year, 9, 2)


def client(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


def _record(pw: ProtectionWorld, actor: User | None = None, **extra: Any) -> EvacuationCheck:
    values: dict[str, Any] = {
        "plan_checked": True,
        "drill_held": True,
        "staff_knowledge_checked": False,
        "findings": "Bra.",
    }
    values.update(extra)
    return record_evacuation_check(
        actor=actor or pw.w.manager,
        node=values.pop("node", pw.w.sun_school),
        checked_on=values.pop("checked_on", TODAY),
        today=TODAY,
        **values,
    )


def test_a_unit_manager_records_the_check_of_her_unit_once(pw: ProtectionWorld) -> None:
    check = _record(pw)
    assert check.node_id == pw.w.sun_school.pk and check.drill_held and not check.staff_knowledge_checked
    assert _record(pw).pk == check.pk  # a double submit


def test_a_check_outside_ones_units_or_of_an_administration_or_of_nothing_is_refused(pw: ProtectionWorld) -> None:
    with pytest.raises(PermissionDenied):
        _record(pw, node=pw.w.home_care)
    with pytest.raises(ValidationError):
        _record(pw, actor=pw.w.coordinator, node=pw.w.school_admin)
    with pytest.raises(ValidationError):
        _record(pw, plan_checked=False, drill_held=False)
    with pytest.raises(ValidationError):
        _record(pw, checked_on=TODAY + datetime.timedelta(days=1))
    assert not EvacuationCheck.objects.exists()


def test_the_units_without_a_check_this_year_are_listed_for_the_coordinator(pw: ProtectionWorld) -> None:
    _record(pw, checked_on=datetime.date(TODAY.year - 1, 5, 1))  # last year's does not count
    _record(pw, actor=pw.w.coordinator, node=pw.w.home_care)
    missing = list(selectors.units_without_check(pw.w.coordinator, year=TODAY.year))
    assert [n.name for n in missing] == ["Solskolan", "Månskolan"]
    assert missing[0].last_checked_on == datetime.date(TODAY.year - 1, 5, 1)  # type: ignore[attr-defined]
    assert selectors.unit_counts(pw.w.coordinator, year=TODAY.year) == (3, 1)
    assert [n.name for n in selectors.units_without_check(pw.w.manager, year=TODAY.year)] == ["Solskolan"]


def test_the_evacuation_page_lists_the_missing_units_and_records_a_check(pw: ProtectionWorld) -> None:
    c = client(pw.w.coordinator)
    page = c.get(reverse("protection:evacuation")).content.decode()
    assert "Solskolan" in page and "Hemtjänst Norr" in page
    response = c.post(
        reverse("protection:evacuation_new"),
        {"node": pw.w.home_care.pk, "checked_on": "", "plan_checked": "on"},
    )
    assert response.status_code == 400 and not EvacuationCheck.objects.exists()
    response = c.post(
        reverse("protection:evacuation_new"),
        {"node": pw.w.home_care.pk, "checked_on": "2026-01-15", "plan_checked": "on", "findings": "Ok"},
    )
    assert response.status_code == 302
    assert EvacuationCheck.objects.filter(node=pw.w.home_care).exists()


def test_a_unit_manager_is_offered_only_her_own_units_and_an_employee_may_not_record(pw: ProtectionWorld) -> None:
    page = client(pw.w.manager).get(reverse("protection:evacuation_new")).content.decode()
    assert "Solskolan" in page and "Hemtjänst Norr" not in page
    response = client(pw.w.manager).post(
        reverse("protection:evacuation_new"),
        {"node": pw.w.home_care.pk, "checked_on": "2026-01-15", "drill_held": "on"},
    )
    assert response.status_code == 400 and not EvacuationCheck.objects.exists()
    assert client(pw.w.employee).get(reverse("protection:evacuation_new")).status_code == 403


def test_the_reminder_goes_from_september_to_the_unit_manager_once_a_year(pw: ProtectionWorld) -> None:
    assert reminders_evacuation.send_evacuation_reminders(today=datetime.date(TODAY.year, 8, 31)).mails == 0
    _record(pw, actor=pw.w.coordinator, node=pw.w.home_care)
    counts = reminders_evacuation.send_evacuation_reminders(today=SEPTEMBER)
    # Solskolan has Maja; Månskolan's manager role has ended and nobody above is a unit manager; Hemtjänst is done.
    assert counts.units == 1 and counts.mails == 1
    queued = OutboxMail.objects.get()
    assert queued.recipients == [pw.w.manager.email] and "Solskolan" in queued.body
    assert reminders_evacuation.send_evacuation_reminders(today=SEPTEMBER).mails == 0
    assert mail.outbox == []  # nothing is sent inside the run: the worker sends the outbox
