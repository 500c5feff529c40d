"""The demo incidents: deterministic, the right volume, seasonal, numbered, and present where tests look."""

from __future__ import annotations

import datetime
from collections import Counter

import pytest
from django.db.models import F, Max, Q
from django.utils import timezone

from tests.conftest import TEST_SCALE
from tests.demo.fingerprint import digest_of_generation, fingerprint
from varna.core.models import CaseCounter, Node, Organisation
from varna.demo import incidents as demo_incidents
from varna.demo.generator import generate
from varna.demo.personas import persona
from varna.incidents.models import CostLine, Incident, IncidentCategory, Status, TimelineEntry
from varna.incidents.services import report_incident
from varna.incidents.services.accounting import validate_accounting_code

pytestmark = pytest.mark.django_db

MEDIUM = 0.5  # about 1,450 incidents for Exempelkommun: enough for the seasons to show


def _digest() -> str:
    rows = Incident.objects.order_by("organisation__slug", "number").values_list(
        "organisation__slug",
        "number",
        "incident_type__code",
        "incident_node__path",
        "facility__name",
        "occurred_at",
        "reported_at",
        "reporter__username",
        "handler__username",
        "status",
        "closed_at",
        "total_cost",
        "estimated_cost",
        "is_confidential",
        "is_serious",
        "description",
    )
    cost_lines = CostLine.objects.order_by("incident__number", "pk").values_list("incident__number", "amount")
    return fingerprint(rows, cost_lines)


def test_same_arguments_give_the_same_incidents() -> None:
    first = digest_of_generation(_digest, scale=TEST_SCALE, organisations=3, seed=3)
    assert first == digest_of_generation(_digest, scale=TEST_SCALE, organisations=3, seed=3)
    assert first != digest_of_generation(_digest, scale=TEST_SCALE, organisations=3, seed=4)


def test_tiny_scale_gives_about_sixty_incidents(demo: None) -> None:
    per_org = Counter(Incident.objects.values_list("organisation__slug", flat=True))
    assert per_org["exempelkommun"] == round(demo_incidents.INCIDENTS_PER_SCALE * TEST_SCALE) == 58
    assert demo_incidents.MIN_OTHER <= per_org["grannby"] <= 5


def test_volume_follows_the_scale() -> None:
    generate(scale=MEDIUM, seed=1)
    exempel = Incident.objects.filter(organisation__slug="exempelkommun").count()
    assert exempel == round(demo_incidents.INCIDENTS_PER_SCALE * MEDIUM)
    grannby = Incident.objects.filter(organisation__slug="grannby").count()
    assert grannby == round(demo_incidents.INCIDENTS_PER_SCALE * MEDIUM * 0.2 * demo_incidents.OTHER_RATE)


def test_sample_units_have_an_ordinary_and_a_threat_report_and_grannby_one_at_its_deepest_node(demo: None) -> None:
    for name in demo_incidents.SAMPLE_UNITS:
        at_unit = Incident.objects.filter(incident_node__name=name, organisation__slug="exempelkommun")
        assert at_unit.filter(is_confidential=True, incident_type__category=IncidentCategory.THREAT_VIOLENCE).exists()
        assert at_unit.filter(is_confidential=False).exists()
    first_at_preschool = Incident.objects.filter(incident_node__name="Solrosens förskola").order_by("pk").first()
    assert first_at_preschool is not None and first_at_preschool.is_confidential
    deepest = Node.objects.filter(organisation__slug="grannby", depth__gte=2).order_by("-depth", "path").first()
    assert Incident.objects.filter(incident_node=deepest).exists()


def test_the_employee_persona_has_a_fresh_report_of_their_own(demo: None) -> None:
    mine = Incident.objects.filter(reporter=persona("anstalld"), status=Status.REPORTED)
    assert mine.exists()
    assert (timezone.localdate() - timezone.localdate(mine.latest("reported_at").reported_at)).days <= 2


def test_the_five_years_end_yesterday_and_nothing_lies_in_the_future(demo: None) -> None:
    span = Incident.objects.aggregate(last=Max("occurred_on"), reported=Max("reported_at"))
    assert span["last"] < timezone.localdate()
    assert span["reported"] <= timezone.now()
    oldest = Incident.objects.order_by("occurred_on").first()
    assert oldest is not None
    assert (timezone.localdate() - oldest.occurred_on).days <= 5 * 366
    assert not Incident.objects.filter(closed_at__lt=F("reported_at")).exists()


def test_case_numbers_are_unique_per_year_and_new_reports_continue_the_counter(demo: None) -> None:
    organisation = Organisation.objects.get(slug="exempelkommun")
    numbers = list(Incident.objects.filter(organisation=organisation).values_list("number", flat=True))
    assert len(numbers) == len(set(numbers))
    year = timezone.localdate().year
    this_year = [int(n.split("-")[1]) for n in numbers if n.startswith(f"{year}-")]
    counter = CaseCounter.objects.get(organisation=organisation, series="incident", year=year)
    assert counter.last == max(this_year) == len(this_year)
    employee = persona("anstalld")
    incident, _created = report_incident(
        actor=employee,
        incident_type=Incident.objects.filter(organisation=organisation).first().incident_type,  # type: ignore[union-attr]
        occurred_at=timezone.now() - datetime.timedelta(hours=1),
        incident_node=employee.employment_node,  # type: ignore[arg-type]
        description="Ny rapport efter demodata.",
    )
    assert incident.number == f"{year}-{counter.last + 1:05d}"


def test_old_cases_are_mostly_closed_and_recent_ones_mostly_open() -> None:
    generate(scale=MEDIUM, seed=1)
    today = timezone.localdate()
    old = Incident.objects.filter(occurred_on__lt=today - datetime.timedelta(days=365))
    recent = Incident.objects.filter(occurred_on__gte=today - datetime.timedelta(days=20))
    assert old.filter(status=Status.CLOSED).count() > 0.85 * old.count()
    assert recent.exclude(status__in=(Status.CLOSED, Status.REJECTED, Status.DUPLICATE)).count() > 0.5 * recent.count()
    assert not Incident.objects.filter(status=Status.CLOSED, closed_at__isnull=True).exists()
    assert not Incident.objects.filter(status=Status.REPORTED, handler__isnull=False).exists()


def test_seasons_show_fires_and_water_in_winter_and_break_ins_in_the_holidays() -> None:
    generate(scale=MEDIUM, seed=1)

    def count(codes: tuple[str, ...], months: tuple[int, ...]) -> int:
        return Incident.objects.filter(incident_type__code__in=codes, occurred_on__month__in=months).count()

    assert count(("fire", "water-damage"), (12, 1, 2)) > 1.5 * count(("fire", "water-damage"), (6, 7, 8))
    assert count(("vandalism", "burglary"), (7, 8, 10)) > 1.3 * count(("vandalism", "burglary"), (1, 2, 3))


def test_threats_happen_mostly_in_schools_care_and_social_services() -> None:
    generate(scale=MEDIUM, seed=1)
    threats = Incident.objects.filter(
        organisation__slug="exempelkommun", incident_type__category=IncidentCategory.THREAT_VIOLENCE
    )
    assert threats.exists() and not threats.filter(is_confidential=False).exists()
    sectors = Q()
    for name in ("Barn- och utbildningsförvaltningen", "Vård- och omsorgsförvaltningen", "Socialförvaltningen"):
        sectors |= Q(
            incident_node__path__startswith=Node.objects.get(organisation__slug="exempelkommun", name=name).path
        )
    assert threats.filter(sectors).count() > 0.75 * threats.count()


def test_costs_are_positive_and_recent_ones_have_valid_code_strings() -> None:
    generate(scale=MEDIUM, seed=1)
    assert not Incident.objects.filter(total_cost__lt=0).exists()
    costs = sorted(Incident.objects.filter(total_cost__gt=0).values_list("total_cost", flat=True))
    assert len(costs) > 300
    assert costs[len(costs) // 2] < costs[-1] / 10  # a long tail: a few large damages
    lines = list(CostLine.objects.select_related("incident")[:50])
    assert lines
    for line in lines:
        assert line.amount == line.incident.total_cost
        assert validate_accounting_code(organisation_id=line.organisation_id, code=line.accounting_code)
    assert Incident.objects.filter(is_serious=True).exists()
    assert TimelineEntry.objects.count() >= Incident.objects.count()
