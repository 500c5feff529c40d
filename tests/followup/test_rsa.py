"""The RSA draft (MSBFS 2015:5): generation, edits that survive regeneration, the draft marking, access and the API.

A small world inside the demo's Exempelkommun: one done analysis at Solrosens förskola with a crisis-preparedness
risk (with a measure and an action in a plan) and a fire risk, and one critical service; the draft is generated
for a mandate period the demo has none for.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.risks.analysis_samples import area, solrosen_node
from varna.core.models import User
from varna.core.pdf import render_pdf
from varna.followup import rsa, selectors_rsa, services_rsa
from varna.followup.models import RSA_CRISIS_AREA, CriticalService, RsaDraft, RsaHeading, RsaSection
from varna.plans import services as plan_services
from varna.risks import services as risk_services
from varna.risks.models import AnalysisStatus, Measure, MeasureType, Risk, RiskStatus, Stage

PERIOD = 2031  # the demo has a draft of the next period only


@dataclass
class Small:
    coordinator: User
    crisis: Risk
    fire: Risk
    measure: Measure
    action_what: str
    service: CriticalService


@pytest.fixture
def small(persona: Callable[[str], User]) -> Small:
    coordinator = persona("samordnare")
    node = solrosen_node()
    analysis = risk_services.create_analysis(
        actor=coordinator, node=node, title="Krisberedskap i förskolan", analysed_on=timezone.localdate()
    )
    crisis = risk_services.add_risk(
        actor=coordinator,
        analysis=analysis,
        security_area=area("exempelkommun", RSA_CRISIS_AREA),
        title="Värmebölja utan svalt rum",
    )
    fire = risk_services.add_risk(
        actor=coordinator, analysis=analysis, security_area=area("exempelkommun"), title="Brand i förrådet"
    )
    for risk in (crisis, fire):
        risk_services.assess_risk(
            actor=coordinator, risk=risk, stage=Stage.CURRENT, likelihood=3, consequences={"people": 4}
        )
    for status in (AnalysisStatus.DONE,):
        analysis.refresh_from_db()
        risk_services.change_analysis_status(actor=coordinator, analysis=analysis, status=status, revision=None)
    measure = risk_services.add_measure(
        actor=coordinator, analysis=analysis, measure_type=MeasureType.LIMIT, title="Ett svalt rum", risks=[crisis]
    )
    plan = plan_services.create_plan(
        actor=coordinator, node=node, year=timezone.localdate().year + 3, title="Solrosens handlingsplan"
    )
    plan_services.add_action(
        actor=coordinator,
        plan=plan,
        what="Installera kyla i vilrummet",
        how="Beställ via fastighetsbolaget",
        due=timezone.localdate() + datetime.timedelta(days=60),
        responsible=coordinator,
        measures=[measure],
    )
    service = services_rsa.create_service(
        actor=coordinator,
        data=services_rsa.ServiceData(
            node=node,
            name="Barnomsorg för samhällsviktig personal",
            dependencies="El, vatten, personal",
            acceptable_downtime_hours=48,
        ),
    )
    crisis.refresh_from_db()
    fire.refresh_from_db()
    return Small(coordinator, crisis, fire, measure, "Installera kyla i vilrummet", service)


def _draft(small: Small) -> RsaDraft:
    return services_rsa.generate(actor=small.coordinator, period_start=PERIOD)


def _section(draft: RsaDraft, key: str) -> RsaSection:
    return draft.sections.get(key=key)


def _cells(section: RsaSection, table: int = 0, column: int = 0) -> list[str]:
    return [row[column] for row in section.tables[table]["rows"]]


def test_the_draft_has_the_seven_headings_of_the_regulation_in_order(small: Small) -> None:
    draft = _draft(small)
    assert [(s.number, s.key) for s in draft.sections.order_by("number")] == [
        (i, key) for i, key in enumerate(RsaHeading.values, start=1)
    ]
    assert _section(draft, "critical_services").heading == (
        "Identifierad samhällsviktig verksamhet inom kommunens geografiska område"
    )


def test_generation_takes_only_the_crisis_preparedness_risks_with_their_judgement(small: Small) -> None:
    risks = _section(_draft(small), "risks")
    numbers = _cells(risks)
    assert small.crisis.number in numbers
    assert small.fire.number not in numbers
    expected = set(
        Risk.objects.filter(
            organisation=small.coordinator.organisation,
            security_area__code=RSA_CRISIS_AREA,
            status__in=[RiskStatus.OPEN, RiskStatus.ACCEPTED],
        )
        .exclude(analysis__status=AnalysisStatus.DRAFT)
        .values_list("number", flat=True)
    )
    assert set(numbers) == expected
    row = next(r for r in risks.tables[0]["rows"] if r[0] == small.crisis.number)
    matrix = small.crisis.matrix
    assert row[3] == matrix.likelihood_label(3)
    assert row[4] == matrix.consequence_label(4)


def test_generation_lists_the_critical_services_and_the_measures_and_actions_with_status(small: Small) -> None:
    draft = _draft(small)
    services = _section(draft, "critical_services")
    assert small.service.name in _cells(services)
    row = next(r for r in services.tables[0]["rows"] if r[0] == small.service.name)
    assert row[3] == "2 dygn"
    assert "El, vatten, personal" in [r[1] for r in _section(draft, "dependencies").tables[0]["rows"]]
    measures = _section(draft, "measures")
    measure_row = next(r for r in measures.tables[0]["rows"] if r[0] == small.measure.number)
    assert measure_row[-1] == "Föreslagen"
    action_row = next(r for r in measures.tables[1]["rows"] if r[0] == small.action_what)
    assert action_row[3] == "Planerad"


def test_a_draft_is_marked_as_a_draft_on_the_page(small: Small, client_for: Callable[[str], Client]) -> None:
    draft = _draft(small)
    page = client_for("samordnare").get(reverse("followup:rsa_detail", args=[draft.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="draft-mark"' in html and "UTKAST" in html


def test_the_pdf_says_utkast_on_every_page(small: Small, client_for: Callable[[str], Client]) -> None:
    from weasyprint import HTML

    draft = _draft(small)
    response = client_for("handlaggare.bou").get(reverse("followup:rsa_pdf", args=[draft.pk]))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    context = {"draft": draft, "sections": selectors_rsa.sections(draft), "printed_at": timezone.localdate()}
    from django.template.loader import render_to_string

    document = HTML(string=render_to_string("followup/rsa_pdf.html", context)).render()
    assert len(document.pages) >= 2
    for page in document.pages:
        texts = [box.text for box in page._page_box.descendants() if hasattr(box, "text")]
        assert any("UTKAST" in t for t in texts), "a page without the draft marking"
    assert render_pdf("followup/rsa_pdf.html", context).startswith(b"%PDF")


def test_an_edit_survives_regenerating_another_section_and_the_whole_draft(small: Small) -> None:
    draft = _draft(small)
    first = _section(draft, "municipality")
    services_rsa.save_section(actor=small.coordinator, section=first, text="Vår egen text.", revision=first.revision)
    risks = _section(draft, "risks")
    services_rsa.regenerate_section(actor=small.coordinator, section=risks, revision=risks.revision)
    assert _section(draft, "municipality").text == "Vår egen text."
    draft.refresh_from_db()
    done = services_rsa.regenerate(actor=small.coordinator, draft=draft, revision=draft.revision)
    assert [s.key for s in done.kept] == ["municipality"]
    first = _section(draft, "municipality")
    assert first.text == "Vår egen text."
    assert first.tables  # the tables follow the data all the same


def test_regenerating_an_edited_section_keeps_the_text_unless_asked_to_replace_it(small: Small) -> None:
    draft = _draft(small)
    section = _section(draft, "risks")
    services_rsa.save_section(actor=small.coordinator, section=section, text="Egen", revision=section.revision)
    section.refresh_from_db()
    done = services_rsa.regenerate_section(actor=small.coordinator, section=section, revision=section.revision)
    assert done.kept and _section(draft, "risks").text == "Egen"
    section.refresh_from_db()
    services_rsa.regenerate_section(
        actor=small.coordinator, section=section, replace_edits=True, revision=section.revision
    )
    section.refresh_from_db()
    assert section.text == section.generated_text and not section.is_edited


def test_a_stale_edit_is_refused_with_a_swedish_message(small: Small, client_for: Callable[[str], Client]) -> None:
    draft = _draft(small)
    section = _section(draft, "method")
    old = section.revision
    services_rsa.save_section(actor=small.coordinator, section=section, text="Först", revision=old)
    response = client_for("samordnare").post(
        reverse("followup:rsa_section", args=[section.pk]),
        {f"s{section.pk}-text": "Sen", f"s{section.pk}-revision": old},
    )
    assert response.status_code == 400
    assert "Någon annan har ändrat" in response.content.decode()
    assert _section(draft, "method").text == "Först"


def test_saving_a_section_from_the_page_keeps_its_history(small: Small, client_for: Callable[[str], Client]) -> None:
    draft = _draft(small)
    section = _section(draft, "vulnerabilities")
    client = client_for("samordnare")
    response = client.post(
        reverse("followup:rsa_section", args=[section.pk]),
        {f"s{section.pk}-text": "Bristerna är dessa.", f"s{section.pk}-revision": section.revision},
    )
    assert response.status_code == 302
    assert _section(draft, "vulnerabilities").text == "Bristerna är dessa."
    history = client.get(reverse("followup:rsa_history", args=[draft.pk])).content.decode()
    assert "Bristerna är dessa." in history and "Karin Holm" in history


def test_generating_twice_gives_the_same_draft(small: Small) -> None:
    assert _draft(small).pk == _draft(small).pk


@pytest.mark.parametrize(
    ("username", "reads", "writes"),
    [
        ("samordnare", True, True),
        ("handlaggare.bou", True, False),
        ("politiker", False, False),
        ("chef.solrosen", False, False),
    ],
)
def test_the_coordinator_writes_the_security_group_reads_and_politicians_see_no_draft(
    small: Small, client_for: Callable[[str], Client], username: str, reads: bool, writes: bool
) -> None:
    draft = _draft(small)
    client = client_for(username)
    assert client.get(reverse("followup:rsa_detail", args=[draft.pk])).status_code == (200 if reads else 403)
    assert client.get(reverse("followup:rsa_list")).status_code == (200 if reads else 403)
    section = _section(draft, "method")
    response = client.post(
        reverse("followup:rsa_section", args=[section.pk]),
        {f"s{section.pk}-text": "Ändrat", f"s{section.pk}-revision": section.revision},
    )
    assert response.status_code == (302 if writes else 403)
    if not writes:
        user = User.objects.get(username=username)
        with pytest.raises(PermissionDenied):
            services_rsa.save_section(actor=user, section=section, text="x", revision=None)


def test_another_municipality_cannot_read_the_draft(small: Small, client_for: Callable[[str], Client]) -> None:
    draft = _draft(small)
    assert client_for("samordnare.grannby").get(reverse("followup:rsa_detail", args=[draft.pk])).status_code == 404


def test_the_api_gives_the_draft_with_its_sections_to_the_security_group(
    small: Small, client_for: Callable[[str], Client]
) -> None:
    from tests.core.crawl import token_for

    draft = _draft(small)
    officer = User.objects.get(username="handlaggare.bou")
    auth = f"Bearer {token_for(officer)}"
    client = Client()
    found = client.get(f"/api/v1/rsa-drafts/{draft.pk}", HTTP_AUTHORIZATION=auth)
    assert found.status_code == 200
    body = found.json()
    assert body["is_draft"] is True
    assert [s["key"] for s in body["sections"]] == list(RsaHeading.values)
    risks = next(s for s in body["sections"] if s["key"] == "risks")
    assert small.crisis.number in [row[0] for row in risks["tables"][0]["rows"]]
    listed = client.get("/api/v1/critical-services", HTTP_AUTHORIZATION=auth).json()
    assert small.service.name in [s["name"] for s in listed["items"]]
    politician = User.objects.get(username="politiker")
    denied = Client().get(f"/api/v1/rsa-drafts/{draft.pk}", HTTP_AUTHORIZATION=f"Bearer {token_for(politician)}")
    assert denied.status_code == 403


def test_a_critical_service_needs_a_unique_name_and_a_sensible_downtime(small: Small) -> None:
    data = services_rsa.ServiceData(node=small.service.node, name=small.service.name.upper())
    with pytest.raises(ValidationError, match="redan en verksamhet"):
        services_rsa.update_service(
            actor=small.coordinator,
            service=CriticalService.objects.create(
                organisation=small.service.organisation,
                node=small.service.node,
                name="Annat",
                created_by=small.coordinator,
            ),
            data=data,
            revision=None,
        )
    too_long = services_rsa.ServiceData(node=small.service.node, name="Ny", acceptable_downtime_hours=24 * 366)
    with pytest.raises(ValidationError, match="högst ett år"):
        services_rsa.create_service(actor=small.coordinator, data=too_long)


def test_the_critical_services_page_adds_changes_and_removes_a_service(
    small: Small, client_for: Callable[[str], Client]
) -> None:
    client = client_for("samordnare")
    node = small.service.node
    response = client.post(
        reverse("followup:rsa_service_new"),
        {"name": "Vattenverket", "node": node.pk, "acceptable_downtime_hours": "8", "operation": "water_and_sewage"},
    )
    assert response.status_code == 302
    service = CriticalService.objects.get(name="Vattenverket")
    page = client.get(reverse("followup:rsa_services")).content.decode()
    assert "Vattenverket" in page and "Vatten och avlopp" in page
    response = client.post(
        reverse("followup:rsa_service_edit", args=[service.pk]),
        {"name": "Vattenverket Norr", "node": node.pk, "revision": service.revision},
    )
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.name == "Vattenverket Norr" and service.acceptable_downtime_hours is None
    client.post(reverse("followup:rsa_service_delete", args=[service.pk]), {"revision": service.revision})
    assert not CriticalService.objects.filter(pk=service.pk).exists()


def test_the_mandate_period_starts_the_year_after_an_election() -> None:
    assert selectors_rsa.next_period_start(datetime.date(2026, 12, 7)) == 2027
    assert selectors_rsa.next_period_start(datetime.date(2027, 3, 1)) == 2027
    assert selectors_rsa.next_period_start(datetime.date(2028, 3, 1)) == 2031


def test_the_demo_has_a_draft_for_exempelkommun_with_an_edited_first_section(demo: None) -> None:
    draft = RsaDraft.objects.get(organisation__slug="exempelkommun")
    first = draft.sections.get(key="municipality")
    assert first.is_edited and "ligger vid kusten" in first.text
    assert CriticalService.objects.filter(organisation__slug="exempelkommun").count() >= 4
    assert rsa.FILL_IN in draft.sections.get(key="risks").text
