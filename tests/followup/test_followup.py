"""The yearly follow-up: its figures, fixing, versions, comments, the PDF and the API."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from tests.core.crawl import token_for
from tests.followup.world import World
from tests.incidents.statistics_data import add_incidents
from varna.core.models import Node, SecurityArea, User
from varna.followup import services
from varna.followup.models import FollowUp, FollowUpComment, FollowUpStatus
from varna.incidents import statistics
from varna.incidents.models import Incident, Severity

pytestmark = pytest.mark.django_db


def _generate(world: World) -> FollowUp:
    return services.generate(actor=world.coordinator, node=world.administration, year=world.year)


def _area_name(world: World, code: str) -> str:
    return SecurityArea.objects.get(organisation_id=world.administration.organisation_id, code=code).name


def test_generated_figures_equal_the_source_data(world: World) -> None:
    f = _generate(world).figures
    assert f["plan"]["exists"] and f["plan"]["adopted"]
    assert f["plan"]["adopted_on"] == f"{world.year}-02-01"
    assert f["plan"]["review_score"] is None  # a förvaltning is not reviewed: the nämnder are
    assert f["actions"] == {"total": 5, "done": 2, "struck": 1, "overdue": 1}
    assert f["analyses"] == {"planned": 2, "planned_done": 1, "done_in_year": 1}
    damage = f["damage"]
    assert damage["staff"] == 20
    assert damage["years"] == [
        {"year": world.year - 2, "count": 0, "cost": "0.00", "per_100": "0.0"},
        {"year": world.year - 1, "count": 2, "cost": "1000.00", "per_100": "10.0"},
        {"year": world.year, "count": 6, "cost": "4000.00", "per_100": "30.0"},
    ]
    areas = {a["name"]: a["years"] for a in damage["areas"]}
    vandalism = areas[_area_name(world, "crime-prevention")]
    assert vandalism[str(world.year)] == {"count": 4, "cost": "4000.00"}
    assert vandalism[str(world.year - 1)] == {"count": 2, "cost": "1000.00"}
    assert areas[_area_name(world, "burglary-protection")][str(world.year)] == {"count": 2, "cost": "0.00"}
    assert f["training"]["available"] and f["protection"]["available"] and f["insurance"]["available"]


def test_damage_is_counted_per_consequence_dimension_with_the_serious_ones(world: World, client_for) -> None:
    in_year = Incident.objects.filter(
        incident_node__path__startswith=world.administration.path, occurred_on__year=world.year
    ).order_by("pk")
    ids = list(in_year.values_list("pk", flat=True))
    assert len(ids) == 6
    Incident.objects.filter(pk__in=ids[:4]).update(people_severity=Severity.MINOR)
    Incident.objects.filter(pk__in=ids[:3]).update(
        people_severity=Severity.VERY_SERIOUS, property_severity=Severity.SERIOUS
    )
    Incident.objects.filter(pk=ids[5]).update(environment_severity=Severity.MINOR)
    follow_up = _generate(world)
    dims = {d["key"]: d["years"] for d in follow_up.figures["damage"]["dimensions"]}
    assert list(dims) == ["people", "operations", "property", "economy", "environment"]
    assert dims["people"][str(world.year)] == {"count": 4, "serious": 3}
    assert dims["property"][str(world.year)] == {"count": 3, "serious": 3}
    assert dims["environment"][str(world.year)] == {"count": 1, "serious": 0}
    assert dims["operations"][str(world.year)] == {"count": 0, "serious": 0}
    assert dims["people"][str(world.year - 1)] == {"count": 0, "serious": 0}
    page = client_for("samordnare").get(reverse("followup:detail", args=[follow_up.pk])).content.decode()
    table = page.split('class="damage-dimensions"')[1].split("</table>")[0]
    assert "Människor" in table and "varav allvarliga: 3" in table
    assert "färre än 3" in table  # the one incident with consequences for the environment


def test_damage_figures_are_those_of_the_damage_statistics(world: World) -> None:
    f = _generate(world).figures
    filters = statistics.StatisticsFilter.for_years(world.year - 2, world.year, node=world.administration)
    rows = statistics.aggregate(world.coordinator, group_by="year", filters=filters)
    assert {r.year: (r.count, str(r.cost)) for r in rows} == {
        y["year"]: (y["count"], y["cost"]) for y in f["damage"]["years"] if y["count"]
    }


def test_a_fixed_follow_up_keeps_its_figures_when_the_data_changes(world: World, client_for) -> None:
    follow_up = _generate(world)
    services.fix(actor=world.coordinator, follow_up=follow_up, revision=follow_up.revision)
    add_incidents(world.unit, reporter=world.coordinator, on=datetime.date(world.year, 8, 1), n=10, total=100)
    follow_up.refresh_from_db()
    assert follow_up.figures["damage"]["years"][-1]["count"] == 6
    with pytest.raises(ValidationError):
        services.refresh(actor=world.coordinator, follow_up=follow_up, revision=follow_up.revision)
    page = client_for("samordnare").get(reverse("followup:detail", args=[follow_up.pk])).content.decode()
    assert "4\xa0000\xa0kr" in page or "4 000 kr" in page
    assert "16" not in page.split('class="damage-years"')[1].split("</table>")[0]


def test_a_new_version_has_todays_figures_and_keeps_the_comments(world: World) -> None:
    first = _generate(world)
    comment = first.comments.get(section="damage")
    services.save_comment(actor=world.coordinator, comment=comment, text="Fler skador i år.", revision=1)
    first.refresh_from_db()
    services.fix(actor=world.coordinator, follow_up=first, revision=first.revision)
    add_incidents(world.unit, reporter=world.coordinator, on=datetime.date(world.year, 8, 1), n=10, total=100)
    second = services.new_version(actor=world.coordinator, follow_up=first)
    assert (second.version, second.status) == (2, FollowUpStatus.DRAFT)
    assert second.figures["damage"]["years"][-1]["count"] == 16
    assert second.comments.get(section="damage").text == "Fler skador i år."
    first.refresh_from_db()
    assert first.figures["damage"]["years"][-1]["count"] == 6 and first.is_fixed


def test_generating_again_opens_the_draft_rather_than_making_another(world: World, client_for) -> None:
    client = client_for("samordnare")
    data = {"node": world.administration.pk, "year": world.year}
    first = client.post(reverse("followup:generate"), data)
    second = client.post(reverse("followup:generate"), data)
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert FollowUp.objects.filter(node=world.administration).count() == 1


def test_a_stale_comment_form_is_refused_and_changes_nothing(world: World, client_for) -> None:
    follow_up = _generate(world)
    client = client_for("samordnare")
    url = reverse("followup:comment", args=[follow_up.pk, "actions"])
    ok = client.post(url, {"actions-text": "Första", "actions-revision": "1"})
    assert ok.status_code == 302
    stale = client.post(url, {"actions-text": "Andra", "actions-revision": "1"})
    assert stale.status_code == 400
    assert "Någon annan har ändrat" in stale.content.decode()
    assert FollowUpComment.objects.get(follow_up=follow_up, section="actions").text == "Första"


def test_comments_cannot_change_once_fixed(world: World, client_for) -> None:
    follow_up = _generate(world)
    client = client_for("samordnare")
    assert client.post(reverse("followup:fix", args=[follow_up.pk]), {"revision": "1"}).status_code == 302
    follow_up.refresh_from_db()
    assert follow_up.is_fixed
    response = client.post(
        reverse("followup:comment", args=[follow_up.pk, "plan"]), {"plan-text": "Sent", "plan-revision": "1"}
    )
    assert response.status_code == 400
    assert FollowUpComment.objects.get(follow_up=follow_up, section="plan").text == ""


def test_a_stale_fix_is_refused(world: World, client_for) -> None:
    follow_up = _generate(world)
    client = client_for("samordnare")
    client.post(reverse("followup:refresh", args=[follow_up.pk]), {"revision": "1"})
    client.post(reverse("followup:fix", args=[follow_up.pk]), {"revision": "1"})  # shown before the refresh
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.DRAFT and follow_up.revision == 2


def test_a_unit_gets_no_follow_up(world: World) -> None:
    with pytest.raises(ValidationError):
        services.generate(actor=world.coordinator, node=world.unit, year=world.year)


def test_pages_show_the_sections_comment_forms_and_versions(world: World, client_for) -> None:
    follow_up = _generate(world)
    client = client_for("samordnare")
    listing = client.get(reverse("followup:list")).content.decode()
    assert "Testförvaltningen" in listing and 'id="generate-form"' in listing
    page = client.get(reverse("followup:detail", args=[follow_up.pk])).content.decode()
    for key in ("plan", "actions", "analyses", "damage", "training", "protection", "insurance"):
        assert f'id="section-{key}"' in page
    assert 'name="damage-text"' in page and "Fastställ uppföljningen" in page
    assert "Version 1" in page


def test_two_incidents_are_shown_as_fewer_than_three(world: World, client_for) -> None:
    follow_up = _generate(world)
    page = client_for("samordnare").get(reverse("followup:detail", args=[follow_up.pk])).content.decode()
    years = page.split('class="damage-years"')[1].split("</table>")[0]
    assert "färre än 3" in years  # the year before: two incidents
    assert "1\xa0000\xa0kr" not in years and "1 000 kr" not in years  # nor their cost


def test_the_pdf_of_a_fixed_follow_up_and_none_of_a_draft(world: World, client_for) -> None:
    follow_up = _generate(world)
    client = client_for("samordnare")
    assert client.get(reverse("followup:pdf", args=[follow_up.pk])).status_code == 404
    services.fix(actor=world.coordinator, follow_up=follow_up, revision=follow_up.revision)
    response = client.get(reverse("followup:pdf", args=[follow_up.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_the_api_lists_and_gives_a_follow_up_with_small_groups_suppressed(world: World) -> None:
    follow_up = _generate(world)
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token_for(world.coordinator)}")
    listed = client.get("/api/v1/follow-ups", {"year": world.year}).json()
    assert follow_up.pk in [row["id"] for row in listed["items"]]
    detail = client.get(f"/api/v1/follow-ups/{follow_up.pk}").json()
    years = {y["year"]: y for y in detail["figures"]["damage"]["years"]}
    assert years[world.year]["count"] == 6 and not years[world.year]["suppressed"]
    assert years[world.year - 1] == {
        "year": world.year - 1,
        "count": None,
        "cost": None,
        "per_100": None,
        "suppressed": True,
    }
    assert set(detail["comments"]) == {"plan", "actions", "analyses", "damage", "training", "protection", "insurance"}


def test_a_draft_is_not_for_readers_who_cannot_work_on_it(world: World, persona: Callable[[str], User]) -> None:
    follow_up = _generate(world)
    client = Client()
    client.force_login(persona("politiker"))
    assert client.get(reverse("followup:detail", args=[follow_up.pk])).status_code == 404
    services.fix(actor=world.coordinator, follow_up=follow_up, revision=follow_up.revision)
    page = client.get(reverse("followup:detail", args=[follow_up.pk]))
    assert page.status_code == 200
    assert "<textarea" not in page.content.decode()
    assert client.post(reverse("followup:fix", args=[follow_up.pk]), {"revision": "2"}).status_code == 403


def test_a_security_officer_generates_only_for_their_administration(
    world: World, persona: Callable[[str], User]
) -> None:
    officer = persona("handlaggare.bou")
    other = Node.objects.get(organisation=officer.organisation, name="Vård- och omsorgsförvaltningen")
    client = Client()
    client.force_login(officer)
    this_year = world.year + 1  # the demo has fixed follow-ups of the years before
    response = client.post(reverse("followup:generate"), {"node": other.pk, "year": this_year})
    assert response.status_code == 400
    assert not FollowUp.objects.filter(node=other, year=this_year).exists()
    own = Node.objects.get(organisation=officer.organisation, name="Barn- och utbildningsförvaltningen")
    assert client.post(reverse("followup:generate"), {"node": own.pk, "year": this_year}).status_code == 302
    assert FollowUp.objects.get(node=own, year=this_year).created_by == officer


def test_money_in_the_figures_is_exact(world: World) -> None:
    f = _generate(world).figures
    assert Decimal(f["damage"]["years"][-1]["cost"]) == Decimal("4000.00")
