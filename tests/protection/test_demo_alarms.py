"""The demo's false alarms and property (K12, K13): false alarms for a share of the alarm systems, open flags at
the demo log-ins' units that follow the services' rule, and an inventory with unmarked property."""

from __future__ import annotations

from varna.protection.models import FalseAlarm, FalseAlarmCause, Marking, RepeatedAlarmFlag, TheftProneAsset
from varna.protection.services.false_alarms import repeated_stretch, rule_for


def test_a_share_of_the_systems_have_false_alarms_with_causes_and_costs(demo: None) -> None:
    assert FalseAlarmCause.objects.exists()
    alarms = FalseAlarm.objects.all()
    assert alarms.filter(callout=True, cost__gt=0).exists() and alarms.filter(callout=False, cost=0).exists()


def test_the_demo_units_have_an_open_flag_that_the_rule_would_open(demo: None) -> None:
    flags = RepeatedAlarmFlag.objects.filter(closed_at__isnull=True, system__facility__node__name="Solrosens förskola")
    flag = flags.select_related("system").first()
    assert flag is not None
    moments = list(
        FalseAlarm.objects.filter(system=flag.system, occurred_at__gte=flag.first_alarm_at)
        .order_by("occurred_at")
        .values_list("occurred_at", flat=True)
    )
    assert repeated_stretch(moments, rule_for(flag.organisation_id)) is not None
    assert flag.alarm_count == len(moments)
    assert not RepeatedAlarmFlag.objects.filter(closed_at__isnull=False, follow_up="").exists()


def test_there_is_property_and_some_of_it_is_unmarked(demo: None) -> None:
    assets = TheftProneAsset.objects.all()
    assert assets.filter(marking=Marking.UNMARKED).exists() and assets.filter(marking=Marking.MARKED).exists()
