"""False alarms (K12): recorded per system with cause, callout and cost; a system with repeated false alarms is
flagged in the same transaction (the rule's edge exactly), the follow-up closes the flag, and later alarms start
a new count; the set-up hook gives the Swedish causes and the rule."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.protection.world import ProtectionWorld
from varna.core.services import StaleFormError, set_up_organisation
from varna.protection.models import FalseAlarm, FalseAlarmCause, FalseAlarmSettings, RepeatedAlarmFlag
from varna.protection.services.false_alarms import record_false_alarm, record_follow_up, update_false_alarm
from varna.protection.services.setup import DEFAULT_CAUSES, create_cause, update_settings

NOW = datetime.datetime(2026, 6, 15, 10, 0, tzinfo=datetime.UTC)


def cause(pw: ProtectionWorld, name: str = "Matlagning (os eller rök)") -> FalseAlarmCause:
    return FalseAlarmCause.objects.get(organisation=pw.w.org, name=name)


def alarm(pw: ProtectionWorld, days_ago: float, *, actor=None, system=None, cost: object = 0) -> FalseAlarm:
    return record_false_alarm(
        actor=actor or pw.w.manager,
        system=system or pw.sun_fire,
        occurred_at=NOW - datetime.timedelta(days=days_ago),
        cause=cause(pw),
        callout=True,
        cost=cost,
        now=NOW,
    )


def open_flags(pw: ProtectionWorld) -> list[RepeatedAlarmFlag]:
    return list(RepeatedAlarmFlag.objects.filter(system=pw.sun_fire, closed_at__isnull=True))


def test_a_new_organisation_gets_the_swedish_causes_and_the_rule_three_in_ninety_days(pw: ProtectionWorld) -> None:
    names = set(FalseAlarmCause.objects.filter(organisation=pw.w.org).values_list("name", flat=True))
    assert names == set(DEFAULT_CAUSES)
    settings = FalseAlarmSettings.objects.get(organisation=pw.w.org)
    assert (settings.repeat_threshold, settings.repeat_days) == (3, 90)


def test_setting_up_again_adds_nothing_and_keeps_a_retired_cause_retired(pw: ProtectionWorld) -> None:
    FalseAlarmCause.objects.filter(organisation=pw.w.org, name="Djur eller insekter").update(is_active=False)
    set_up_organisation(pw.w.org)
    assert FalseAlarmCause.objects.filter(organisation=pw.w.org).count() == len(DEFAULT_CAUSES)
    assert not FalseAlarmCause.objects.get(organisation=pw.w.org, name="Djur eller insekter").is_active


def test_a_false_alarm_is_recorded_with_its_cause_callout_and_cost_and_history(pw: ProtectionWorld) -> None:
    recorded = alarm(pw, 1, cost="4500")
    assert (recorded.cause.name, recorded.callout, recorded.cost) == ("Matlagning (os eller rök)", True, Decimal(4500))
    assert recorded.history.get().history_user == pw.w.manager


def test_two_false_alarms_are_not_flagged_and_the_third_within_ninety_days_is(pw: ProtectionWorld) -> None:
    alarm(pw, 90)
    alarm(pw, 45)
    assert open_flags(pw) == []
    alarm(pw, 0)  # exactly 90 days after the first: within the rule
    (flag,) = open_flags(pw)
    assert flag.alarm_count == 3 and flag.first_alarm_at == NOW - datetime.timedelta(days=90)


def test_three_false_alarms_spread_over_more_than_ninety_days_are_not_flagged(pw: ProtectionWorld) -> None:
    alarm(pw, 91)
    alarm(pw, 45)
    alarm(pw, 0)
    assert open_flags(pw) == []


def test_a_later_alarm_joins_the_open_flag_rather_than_opening_another(pw: ProtectionWorld) -> None:
    for days in (10, 5, 3, 1):
        alarm(pw, days)
    (flag,) = open_flags(pw)
    assert flag.alarm_count == 4 and flag.last_alarm_at == NOW - datetime.timedelta(days=1)


def test_the_follow_up_closes_the_flag_and_only_new_alarms_count_after_it(pw: ProtectionWorld) -> None:
    for days in (10, 5, 3):
        alarm(pw, days)
    (flag,) = open_flags(pw)
    record_follow_up(
        actor=pw.w.manager,
        flag=flag,
        follow_up="Detektorn byttes mot en värmedetektor.",
        revision=flag.revision,
        now=NOW - datetime.timedelta(days=2),
    )
    flag.refresh_from_db()
    assert flag.closed_at is not None and flag.closed_by == pw.w.manager and "värmedetektor" in flag.follow_up
    alarm(pw, 1)
    alarm(pw, 0.5)
    assert open_flags(pw) == []  # two new ones: the three before the follow-up no longer count
    alarm(pw, 0.1)
    assert len(open_flags(pw)) == 1


def test_a_follow_up_needs_a_text_and_a_closed_flag_cannot_be_followed_up_again(pw: ProtectionWorld) -> None:
    for days in (10, 5, 3):
        alarm(pw, days)
    (flag,) = open_flags(pw)
    with pytest.raises(ValidationError):
        record_follow_up(actor=pw.w.manager, flag=flag, follow_up="  ", revision=None)
    record_follow_up(actor=pw.w.manager, flag=flag, follow_up="Åtgärdat.", revision=None)
    with pytest.raises(ValidationError):
        record_follow_up(actor=pw.w.manager, flag=flag, follow_up="Igen.", revision=None)


def test_a_stale_follow_up_changes_nothing(pw: ProtectionWorld) -> None:
    for days in (10, 5, 3):
        alarm(pw, days)
    (flag,) = open_flags(pw)
    with pytest.raises(StaleFormError):
        record_follow_up(actor=pw.w.manager, flag=flag, follow_up="Åtgärdat.", revision=flag.revision + 1)
    assert open_flags(pw) == [flag]


def test_the_organisations_own_rule_decides(pw: ProtectionWorld) -> None:
    update_settings(actor=pw.w.coordinator, repeat_threshold=2, repeat_days=30)
    alarm(pw, 20)
    alarm(pw, 0)
    assert len(open_flags(pw)) == 1


def test_a_rule_below_two_alarms_is_refused(pw: ProtectionWorld) -> None:
    with pytest.raises(ValidationError):
        update_settings(actor=pw.w.coordinator, repeat_threshold=1, repeat_days=30)
    with pytest.raises(PermissionDenied):
        update_settings(actor=pw.w.manager, repeat_threshold=5, repeat_days=30)


def test_the_same_false_alarm_sent_twice_is_kept_once(pw: ProtectionWorld) -> None:
    first = alarm(pw, 1)
    assert alarm(pw, 1) == first
    assert FalseAlarm.objects.filter(system=pw.sun_fire).count() == 1


def test_a_unit_manager_cannot_record_a_false_alarm_outside_their_units(pw: ProtectionWorld) -> None:
    with pytest.raises(PermissionDenied):
        alarm(pw, 1, system=pw.care_fire)
    with pytest.raises(PermissionDenied):
        alarm(pw, 1, actor=pw.w.outsider)


@pytest.mark.parametrize(
    ("field", "value"),
    [("occurred_at", None), ("occurred_at", "2026-01-01"), ("cost", "-5"), ("cost", "tusen"), ("cause", None)],
)
def test_bad_input_is_refused_in_swedish_and_nothing_is_written(pw: ProtectionWorld, field: str, value: object) -> None:
    values = {"occurred_at": NOW - datetime.timedelta(days=1), "cause": cause(pw), "cost": 0}
    values[field] = value
    with pytest.raises(ValidationError):
        record_false_alarm(actor=pw.w.manager, system=pw.sun_fire, now=NOW, **values)  # type: ignore[arg-type]
    assert not FalseAlarm.objects.exists()


def test_a_false_alarm_in_the_future_or_with_another_organisations_cause_is_refused(pw: ProtectionWorld) -> None:
    theirs = FalseAlarmCause.objects.filter(organisation=pw.w.other_org).first()
    with pytest.raises(ValidationError):
        record_false_alarm(actor=pw.w.manager, system=pw.sun_fire, occurred_at=NOW, cause=theirs, now=NOW)
    with pytest.raises(ValidationError):
        record_false_alarm(
            actor=pw.w.manager,
            system=pw.sun_fire,
            occurred_at=NOW + datetime.timedelta(hours=1),
            cause=cause(pw),
            now=NOW,
        )


def test_a_correction_keeps_a_retired_cause_and_checks_the_revision(pw: ProtectionWorld) -> None:
    recorded = alarm(pw, 1)
    FalseAlarmCause.objects.filter(pk=recorded.cause_id).update(is_active=False)
    recorded.refresh_from_db()
    changed = update_false_alarm(
        actor=pw.w.manager,
        alarm=recorded,
        revision=recorded.revision,
        occurred_at=recorded.occurred_at,
        cause=recorded.cause,
        callout=False,
        cost="1200",
        now=NOW,
    )
    assert (changed.callout, changed.cost, changed.revision) == (False, Decimal(1200), 2)
    with pytest.raises(StaleFormError):
        update_false_alarm(
            actor=pw.w.manager,
            alarm=recorded,
            revision=1,
            occurred_at=recorded.occurred_at,
            cause=recorded.cause,
            callout=True,
            cost=0,
            now=NOW,
        )


def test_a_cause_already_on_the_list_is_refused(pw: ProtectionWorld) -> None:
    with pytest.raises(ValidationError):
        create_cause(actor=pw.w.coordinator, name="okänd orsak")
    assert create_cause(actor=pw.w.coordinator, name="Fågel i lokalen").is_active
