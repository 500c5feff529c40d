"""The demo's evacuation checks and self-inspection rounds: most units have this year's check, some do not; some
facilities have a completed round with a few deviations."""

from __future__ import annotations

from django.utils import timezone

from varna.core.models import Node, NodeKind
from varna.protection.models import EvacuationCheck, InspectionRound, ItemResult, RoundItem


def test_most_units_have_this_years_evacuation_check_and_some_do_not(demo: None) -> None:
    year = timezone.localdate().year
    units = Node.objects.filter(kind=NodeKind.UNIT).count()
    checked = EvacuationCheck.objects.filter(checked_on__year=year).values("node").distinct().count()
    assert units / 2 < checked < units
    assert not EvacuationCheck.objects.filter(checked_on__gt=timezone.localdate()).exists()


def test_some_rounds_are_completed_with_deviations_that_have_a_note(demo: None) -> None:
    assert InspectionRound.objects.filter(completed_at__isnull=False).exists()
    deviations = RoundItem.objects.filter(result=ItemResult.DEVIATION)
    assert deviations.exists() and not deviations.filter(note="").exists()
    assert not RoundItem.objects.filter(result="").exists()
