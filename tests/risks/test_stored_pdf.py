"""An adopted analysis keeps a PDF made by the worker, served while it is current (core/pdf.py)."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tests.risks.schedule_samples import add_measure, make_analysis, user
from tests.worker import run_tasks
from varna.core import pdf
from varna.core.models import Node, StoredDocument
from varna.risks import services
from varna.risks.exports import ANALYSIS_PDF
from varna.risks.models import AnalysisStatus, RiskAnalysis

pytestmark = pytest.mark.usefixtures("no_demo_analyses")


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    """Stored files go to a temporary folder, never the real MEDIA_ROOT."""
    root = tmp_path / "media"
    settings.MEDIA_ROOT = root
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": root}},
    }
    return root


@pytest.fixture
def rendered() -> Iterator[mock.MagicMock]:
    """Counts the PDFs laid out by WeasyPrint (each still made for real)."""
    with mock.patch("varna.core.pdf.html_to_pdf", side_effect=pdf.html_to_pdf) as spy:
        yield spy


def _adopted() -> RiskAnalysis:
    """An adopted analysis with one judged risk and one measure (so with heat maps and a cost-benefit table)."""
    analysis = make_analysis(
        analysed_on=timezone.localdate() - datetime.timedelta(days=3), status=AnalysisStatus.IN_PROGRESS
    )
    add_measure(analysis)
    for status in (AnalysisStatus.DONE, AnalysisStatus.ADOPTED):
        analysis = services.change_analysis_status(
            actor=user("samordnare"), analysis=analysis, status=status, revision=None
        )
    return analysis


def _download(client: Client, analysis: RiskAnalysis) -> bytes:
    response = client.get(reverse("risks:analysis_pdf", args=[analysis.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return bytes(response.content)


def _stored_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.pdf")) if root.exists() else []


def test_adopting_an_analysis_asks_the_worker_for_its_pdf() -> None:
    analysis = _adopted()
    asked = [t.args_kwargs["args"] for t in DBTaskResult.objects.filter(task_path="varna.core.tasks.store_pdf")]
    assert asked == [[ANALYSIS_PDF, analysis.pk, user("samordnare").pk]]
    assert not StoredDocument.objects.exists()  # nothing is rendered inside the person's request


def test_the_worker_stores_the_pdf_and_the_download_serves_it_without_rendering(
    client_for: Callable[[str], Client], media_root: Path, rendered: mock.MagicMock
) -> None:
    analysis = _adopted()
    run_tasks()
    stored = StoredDocument.objects.get(source=ANALYSIS_PDF, object_id=analysis.pk)
    assert stored.organisation_id == analysis.organisation_id
    assert rendered.call_count == 1
    files = _stored_files(media_root)
    assert len(files) == 1

    content = _download(client_for("chef.solrosen"), analysis)
    assert content == files[0].read_bytes()
    assert rendered.call_count == 1  # served from storage: WeasyPrint did not run for the download


def test_a_change_makes_the_stored_pdf_stale_so_the_download_renders_it_afresh(
    client_for: Callable[[str], Client], rendered: mock.MagicMock
) -> None:
    analysis = _adopted()
    run_tasks()
    Node.objects.filter(pk=analysis.node_id).update(name="Solrosens förskola och fritids")  # shown in the PDF
    before = list(StoredDocument.objects.values_list("fingerprint", "file"))

    _download(client_for("chef.solrosen"), analysis)
    assert rendered.call_count == 2  # the stored copy no longer shows what the analysis says: rendered again
    assert list(StoredDocument.objects.values_list("fingerprint", "file")) == before  # a GET never writes


def test_the_fingerprint_leaves_out_the_printed_stamp_only() -> None:
    page = "<p><!--printed-->Utskriven från Värna {}<!--/printed--></p><td>{}</td>"
    assert pdf.fingerprint(page.format("2026-12-07 10:00", "A")) == pdf.fingerprint(
        page.format("2026-12-08 09:00", "A")
    )
    assert pdf.fingerprint(page.format("2026-12-07 10:00", "A")) != pdf.fingerprint(
        page.format("2026-12-07 10:00", "B")
    )


def test_storing_again_replaces_the_file_and_deletes_the_old_one(
    media_root: Path, django_capture_on_commit_callbacks: Any
) -> None:
    analysis = _adopted()
    run_tasks()
    first = _stored_files(media_root)
    Node.objects.filter(pk=analysis.node_id).update(name="Solrosens förskola och fritids")
    with django_capture_on_commit_callbacks(execute=True):
        assert pdf.store(ANALYSIS_PDF, analysis.pk) == "stored"
    assert pdf.store(ANALYSIS_PDF, analysis.pk) == "current"  # nothing changed since: not rendered again
    second = _stored_files(media_root)
    assert len(first) == len(second) == 1
    assert first != second
    assert StoredDocument.objects.filter(source=ANALYSIS_PDF, object_id=analysis.pk).count() == 1


def test_reopening_the_analysis_removes_its_stored_pdf(
    media_root: Path, django_capture_on_commit_callbacks: Any
) -> None:
    analysis = _adopted()
    run_tasks()
    services.change_analysis_status(
        actor=user("samordnare"), analysis=analysis, status=AnalysisStatus.IN_PROGRESS, revision=None
    )
    with django_capture_on_commit_callbacks(execute=True):
        run_tasks()
    assert not StoredDocument.objects.exists()
    assert _stored_files(media_root) == []


def test_a_failing_render_in_the_worker_never_fails_the_adoption(client_for: Callable[[str], Client]) -> None:
    with mock.patch("varna.core.pdf.html_to_pdf", side_effect=OSError("pango is missing")):
        analysis = _adopted()
        run_tasks()  # the task ends normally (it would raise if the task failed)
    assert RiskAnalysis.objects.get(pk=analysis.pk).status == AnalysisStatus.ADOPTED
    assert not StoredDocument.objects.exists()
    assert DBTaskResult.objects.filter(task_path="varna.core.tasks.store_pdf").get().return_value == "failed"
    assert _download(client_for("chef.solrosen"), analysis).startswith(b"%PDF")  # rendered as before


def test_store_pdfs_command_fills_the_adopted_analyses(rendered: mock.MagicMock) -> None:
    adopted = _adopted()
    draft = make_analysis(
        analysed_on=timezone.localdate(), status=AnalysisStatus.DONE, title="Inte antagen", risk_title="Halka"
    )
    call_command("store_pdfs", "--source", ANALYSIS_PDF)
    assert set(StoredDocument.objects.values_list("object_id", flat=True)) == {adopted.pk}
    assert draft.pk != adopted.pk
    call_command("store_pdfs", "--source", ANALYSIS_PDF)
    assert rendered.call_count == 1  # the second night finds it current
