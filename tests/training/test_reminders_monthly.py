"""The monthly mail to each unit manager with their units' training gaps, through the outbox, once a month."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command

from tests.core.world import add_person, add_role
from tests.training.coverage_world import TODAY, TrainingWorld, build_training_world, record
from varna.core.models import OutboxMail, Role
from varna.training import reminders
from varna.training.models import CourseRequirement, GapMail

pytestmark = pytest.mark.django_db


@pytest.fixture
def tw() -> TrainingWorld:
    tw = build_training_world()
    record(tw.w.employee, tw.fire, TODAY - datetime.timedelta(days=4 * 365))  # expired
    return tw


def mails_to(address: str) -> list[OutboxMail]:
    return [m for m in OutboxMail.objects.order_by("pk") if address in m.recipients]


def test_the_unit_manager_gets_their_units_gaps_by_name(tw: TrainingWorld) -> None:
    counts = reminders.send_due_reminders(today=TODAY)
    assert counts.managers >= 1
    [mail] = mails_to(tw.w.manager.email)
    assert "Solskolan" in mail.body
    assert "Erik Anstalld" in mail.body
    assert "Grundläggande brandskydd" in mail.body
    assert "Hemlig" not in mail.body  # a protected identity is never named
    assert "Karl" not in mail.body  # another unit's staff
    assert "2026" in mail.subject


def test_the_mail_is_sent_once_a_month(tw: TrainingWorld) -> None:
    reminders.send_due_reminders(today=TODAY)
    again = reminders.send_due_reminders(today=TODAY + datetime.timedelta(days=5))
    assert again.mails == 0
    assert len(mails_to(tw.w.manager.email)) == 1
    assert GapMail.objects.filter(person=tw.w.manager).count() == 1
    next_month = reminders.send_due_reminders(today=datetime.date(2026, 4, 2))
    assert next_month.mails >= 1
    assert len(mails_to(tw.w.manager.email)) == 2


def test_no_mail_without_gaps_and_none_to_former_managers(tw: TrainingWorld) -> None:
    w = tw.w
    CourseRequirement.objects.filter(organisation=w.other_org).update(is_active=False)
    quiet = add_person(w.other_org, "lugn.chef", w.other_unit)  # Grannby: no requirements in use, no gaps
    add_role(quiet, Role.UNIT_MANAGER, w.other_unit)
    reminders.send_due_reminders(today=TODAY)
    assert mails_to(quiet.email) == []
    # maja.chef's role at Månskolan ended in 2021: Månskolan's gaps (mona.larare) are not in her mail
    [mail] = mails_to(w.manager.email)
    assert "Mona" not in mail.body


def test_a_long_list_points_to_the_gap_page_instead_of_names(
    tw: TrainingWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(reminders, "MAX_NAMED", 1)
    reminders.send_due_reminders(today=TODAY)
    [mail] = mails_to(tw.w.manager.email)
    assert "Erik Anstalld" not in mail.body
    assert "Excel" in mail.body


def test_the_command_runs_the_reminders(tw: TrainingWorld, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("training_reminders")
    assert "Training gap mails" in capsys.readouterr().out
