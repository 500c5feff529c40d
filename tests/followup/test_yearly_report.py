"""The security group's yearly report to kommunstyrelsen (K4): generation and progress, frozen content, versions,
comments and proposals, fixing and the PDF, failure, who may read it, and the API."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from tests.core.crawl import token_for
from tests.followup.world import World
from tests.incidents.statistics_data import add_incidents
from tests.worker import run_tasks
from varna.core.models import Node, StoredDocument, User
from varna.core.services import StaleFormError
from varna.followup import figures, report, report_services, services
from varna.followup.models_report import PROPOSALS, REPORT_STEPS, ReportStatus, YearlyReport

pytestmark = pytest.mark.django_db


def _request(world: World, capture: Any, newer_than: int = 0) -> YearlyReport:
    with capture(execute=True):
        return report_services.request_report(actor=world.coordinator, year=world.year, newer_than=newer_than)


def _generated(world: World, capture: Any, newer_than: int = 0) -> YearlyReport:
    found = _request(world, capture, newer_than)
    run_tasks()
    found.refresh_from_db()
    assert found.status == ReportStatus.DONE, found.failed_step
    return found


def _years(found: YearlyReport) -> dict[int, int]:
    return {y["year"]: y["count"] for y in found.content["municipality"]["damage"]["years"]}


def test_generation_runs_every_step_in_order_and_records_the_progress(
    world: World, django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    found = _request(world, django_capture_on_commit_callbacks)
    assert (found.status, found.step) == (ReportStatus.QUEUED, 0)
    seen: list[tuple[str, int]] = []
    original = report._progress

    def recording(report_id: int, **fields: Any) -> None:
        original(report_id, **fields)
        row = YearlyReport.objects.get(pk=report_id)
        seen.append((row.status, row.step))

    monkeypatch.setattr(report, "_progress", recording)
    run_tasks()
    assert seen == [(ReportStatus.RUNNING, i) for i in range(1, len(REPORT_STEPS) + 1)]
    found.refresh_from_db()
    assert found.status == ReportStatus.DONE and found.step == found.steps == len(REPORT_STEPS)
    assert found.generated_at is not None
    assert set(found.content) >= {"municipality", "committees", "effect", "modules", "summary"}


def test_the_content_is_the_figures_of_the_follow_up_and_the_damage_statistics(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    namnd = Node.objects.get(organisation=world.coordinator.organisation, name="Barn- och utbildningsnämnden")
    follow_up = services.generate(actor=world.coordinator, node=namnd, year=world.year)
    services.fix(actor=world.coordinator, follow_up=follow_up, revision=follow_up.revision)
    found = _generated(world, django_capture_on_commit_callbacks)
    root = Node.objects.get(organisation=world.coordinator.organisation, depth=1)
    assert found.content["municipality"]["damage"] == figures.damage_section(world.coordinator, root, world.year)
    assert _years(found)[world.year] == 6  # the world's six incidents are the only ones
    bou = next(c for c in found.content["committees"] if c["id"] == namnd.pk)
    assert bou["follow_up"] == {"id": follow_up.pk, "version": 1}
    follow_up.refresh_from_db()
    assert bou["figures"] == follow_up.figures  # the fixed follow-up's figures, not new ones
    assert "Testförvaltningen" in [a["name"] for a in bou["administrations"]]
    others = [c for c in found.content["committees"] if c["id"] != namnd.pk]
    assert others and all(c["follow_up"] is None for c in others if c["kind"] == "committee")
    for c in others:  # the coverage counted once for the whole report is each nämnd's own
        assert c["figures"]["training"] == figures.training_section(Node.objects.get(pk=c["id"]))
    counts = found.content["effect"]["counts"]
    assert set(counts) == {"fewer", "more", "no_clear_change", "too_few", "too_early"}
    assert sum(counts.values()) == found.content["effect"]["measures"]


def test_a_generated_report_keeps_its_figures_when_the_data_changes_and_a_new_version_has_todays(
    world: World, django_capture_on_commit_callbacks: Any, client_for: Callable[[str], Client]
) -> None:
    first = _generated(world, django_capture_on_commit_callbacks)
    add_incidents(world.unit, reporter=world.coordinator, on=datetime.date(world.year, 8, 1), n=10, total=100)
    first.refresh_from_db()
    assert _years(first)[world.year] == 6
    page = client_for("samordnare").get(reverse("followup:report_detail", args=[first.pk])).content.decode()
    assert ">6<" in page.split('id="report-years"')[1].split("</table>")[0]
    dimensions = page.split('id="report-dimensions"')[1].split("</table>")[0]
    assert "Människor" in dimensions and "Miljö" in dimensions  # every dimension has its row, with zeros too
    second = _generated(world, django_capture_on_commit_callbacks, newer_than=first.version)
    assert second.version == first.version + 1 and _years(second)[world.year] == 16
    listed = client_for("samordnare").get(reverse("followup:report_list")).content.decode()
    for r in (first, second):
        assert reverse("followup:report_detail", args=[r.pk]) in listed


def test_comments_and_proposals_are_revision_checked_and_carried_to_a_new_version(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    found = _generated(world, django_capture_on_commit_callbacks)
    comment = found.comments.get(section="effect")
    report_services.save_comment(actor=world.coordinator, comment=comment, text="Larmen hjälper.", revision=1)
    with pytest.raises(StaleFormError):
        report_services.save_comment(actor=world.coordinator, comment=comment, text="Gammalt", revision=1)
    proposals = found.comments.get(section=PROPOSALS)
    report_services.save_comment(actor=world.coordinator, comment=proposals, text="Mer pengar till larm.", revision=1)
    second = _generated(world, django_capture_on_commit_callbacks, newer_than=found.version)
    texts = {c.section: c.text for c in second.comments.all()}
    assert texts["effect"] == "Larmen hjälper." and texts[PROPOSALS] == "Mer pengar till larm."


def test_a_comment_cannot_be_written_before_the_figures_are_ready(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    found = _request(world, django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError):
        report_services.save_comment(
            actor=world.coordinator, comment=found.comments.get(section="summary"), text="För tidigt", revision=1
        )


def test_fixing_freezes_the_report_and_the_worker_keeps_its_pdf(
    world: World, django_capture_on_commit_callbacks: Any, client_for: Callable[[str], Client]
) -> None:
    found = _generated(world, django_capture_on_commit_callbacks)
    client = client_for("samordnare")
    response = client.post(reverse("followup:report_fix", args=[found.pk]), {"revision": found.revision})
    assert response.status_code == 302
    found.refresh_from_db()
    assert found.status == ReportStatus.FIXED and found.fixed_by == world.coordinator
    run_tasks()
    assert StoredDocument.objects.filter(source=report_services.REPORT_PDF, object_id=found.pk).exists()
    download = client.get(reverse("followup:report_pdf", args=[found.pk]))
    assert download["Content-Type"] == "application/pdf" and download.content.startswith(b"%PDF")
    with pytest.raises(ValidationError):
        report_services.save_comment(
            actor=world.coordinator, comment=found.comments.get(section="summary"), text="Efteråt", revision=1
        )
    with pytest.raises(ValidationError):
        report_services.fix_report(actor=world.coordinator, found=found, revision=None)


def test_a_failing_step_leaves_the_report_failed_with_a_swedish_message(
    world: World,
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
    client_for: Callable[[str], Client],
) -> None:
    def broken(*_args: Any) -> Any:
        raise RuntimeError("the database went away")

    monkeypatch.setitem(report.STEP_FUNCTIONS, "effect", broken)
    found = _request(world, django_capture_on_commit_callbacks)
    run_tasks()
    found.refresh_from_db()
    assert found.status == ReportStatus.FAILED and found.failed_step == "effect" and found.content == {}
    page = client_for("samordnare").get(reverse("followup:report_detail", args=[found.pk]))
    assert page.status_code == 200
    assert "Årsrapporten kunde inte skapas" in page.content.decode()
    assert "Åtgärdernas effekt" in page.content.decode()
    monkeypatch.undo()
    again = _generated(world, django_capture_on_commit_callbacks, newer_than=found.version)  # after a failure
    assert again.version == found.version + 1


def test_asking_twice_gives_the_report_already_queued(world: World, django_capture_on_commit_callbacks: Any) -> None:
    first = _request(world, django_capture_on_commit_callbacks)
    assert _request(world, django_capture_on_commit_callbacks).pk == first.pk


def test_the_progress_page_polls_while_pending_and_reloads_when_ready(
    world: World, django_capture_on_commit_callbacks: Any, client_for: Callable[[str], Client]
) -> None:
    found = _request(world, django_capture_on_commit_callbacks)
    client = client_for("samordnare")
    page = client.get(reverse("followup:report_detail", args=[found.pk])).content.decode()
    assert 'hx-get="' + reverse("followup:report_progress", args=[found.pk]) in page
    assert 'id="report-summary"' not in page
    run_tasks()
    fragment = client.get(reverse("followup:report_progress", args=[found.pk]), headers={"HX-Request": "true"})
    assert fragment["HX-Refresh"] == "true"
    page = client.get(reverse("followup:report_detail", args=[found.pk])).content.decode()
    assert 'id="report-summary"' in page and "hx-get" not in page


def test_only_the_coordinator_may_generate_the_report(persona: Callable[[str], User]) -> None:
    with pytest.raises(PermissionDenied):
        report_services.request_report(actor=persona("handlaggare.bou"), year=2025)


def test_the_politician_reads_fixed_reports_only_and_sees_them_on_the_start_page(
    world: World, django_capture_on_commit_callbacks: Any, client_for: Callable[[str], Client]
) -> None:
    draft = _generated(world, django_capture_on_commit_callbacks)
    fixed = YearlyReport.objects.filter(organisation=draft.organisation, status=ReportStatus.FIXED)
    assert fixed.count() == 2  # the demo's two years
    client = client_for("politiker")
    listed = client.get(reverse("followup:report_list")).content.decode()
    assert reverse("followup:report_detail", args=[draft.pk]) not in listed
    assert client.get(reverse("followup:report_detail", args=[draft.pk])).status_code == 404
    newest = fixed.order_by("-year").first()
    assert newest is not None
    page = client.get(reverse("followup:report_detail", args=[newest.pk])).content.decode()
    assert (
        'id="report-proposals"' in page
        and "<form"
        not in page.split("<main")[1]
        .split("</main>")[0]
        .replace('action="/i18n/setlang/"', "")
        .split('id="report-versions"')[0]
        .split("</h1>")[1]
    )
    start = client.get(reverse("core:dashboard")).content.decode()
    assert reverse("followup:report_detail", args=[newest.pk]) in start.split('id="overview-reports"')[1]
    assert client.post(reverse("followup:report_generate"), {"year": world.year}).status_code == 403


def test_small_counts_are_suppressed_in_the_report(
    world: World, django_capture_on_commit_callbacks: Any, client_for: Callable[[str], Client]
) -> None:
    found = _generated(world, django_capture_on_commit_callbacks)
    years = found.content["municipality"]["damage"]["years"]
    assert years[0]["count"] == 0 and years[1]["count"] == 2  # the world's two incidents the year before
    table = client_for("samordnare").get(reverse("followup:report_detail", args=[found.pk])).content.decode()
    rows = table.split('id="report-years"')[1].split("</table>")[0]
    assert "färre än 3" in rows and "1\xa0000\xa0kr" not in rows and "1 000 kr" not in rows


def test_the_api_lists_the_reports_with_their_pdf_and_hides_what_is_not_fixed(
    world: World, django_capture_on_commit_callbacks: Any, persona: Callable[[str], User]
) -> None:
    draft = _generated(world, django_capture_on_commit_callbacks)
    politician = Client(headers={"Authorization": f"Bearer {token_for(persona('politiker'))}"})
    listed = politician.get("/api/v1/yearly-reports").json()
    assert listed and all(r["status"] == "fixed" and r["pdf"] for r in listed)
    assert draft.pk not in [r["id"] for r in listed]
    assert politician.get(f"/api/v1/yearly-reports/{draft.pk}").status_code == 404
    one = politician.get(f"/api/v1/yearly-reports/{listed[0]['id']}").json()
    assert one["steps"] == len(REPORT_STEPS) and one["fixed_at"]
    download = politician.get(f"/api/v1/yearly-reports/{listed[0]['id']}/pdf")
    assert download.status_code == 200 and download.content.startswith(b"%PDF")
    coordinator = Client(headers={"Authorization": f"Bearer {token_for(world.coordinator)}"})
    mine = coordinator.get(f"/api/v1/yearly-reports/{draft.pk}").json()
    assert mine["status"] == "done" and mine["pdf"] is None
    assert coordinator.get(f"/api/v1/yearly-reports/{draft.pk}/pdf").status_code == 404
