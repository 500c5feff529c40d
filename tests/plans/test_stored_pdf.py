"""An adopted action plan keeps a PDF made by the worker, made again when the plan changes (core/pdf.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from tests.plans.helpers import make_action, make_plan, user
from tests.worker import run_tasks
from varna.core import pdf
from varna.core.models import StoredDocument
from varna.plans import services
from varna.plans.models import ActionPlan, ActionStatus

pytestmark = pytest.mark.usefixtures("demo")

Clients = Callable[[str], Client]


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


def _adopt(plan: ActionPlan) -> ActionPlan:
    return services.record_adoption(
        actor=user("samordnare"),
        plan=plan,
        adopted_by_body="Barn- och utbildningsnämnden",
        adopted_on=timezone.localdate(),
        minute_paragraph="§ 12",
        registry_number="BUN 2026/7",
    )


def _asked() -> list[Any]:
    return [t.args_kwargs["args"] for t in DBTaskResult.objects.filter(task_path="varna.core.tasks.store_pdf")]


def test_a_plan_not_adopted_asks_for_no_stored_pdf() -> None:
    plan = make_plan("samordnare", "Barn- och utbildningsnämnden")
    make_action("samordnare", plan)
    assert _asked() == []


def test_the_adopted_plan_is_stored_by_the_worker_and_served_without_rendering(
    client_for: Clients, rendered: mock.MagicMock
) -> None:
    plan = make_plan("samordnare", "Barn- och utbildningsnämnden")
    make_action("samordnare", plan)
    _adopt(plan)
    assert _asked() == [[services.PLAN_PDF, plan.pk, user("samordnare").pk]]
    run_tasks()
    assert rendered.call_count == 1
    stored = StoredDocument.objects.get(source=services.PLAN_PDF, object_id=plan.pk)

    response = client_for("samordnare").get(reverse("plans:pdf", args=[plan.pk]))
    assert response.status_code == 200
    assert response.content == stored.file.read()
    assert rendered.call_count == 1  # served from storage


def test_a_changed_action_makes_the_worker_store_the_plan_again(
    client_for: Clients, rendered: mock.MagicMock, django_capture_on_commit_callbacks: Any
) -> None:
    plan = make_plan("samordnare", "Barn- och utbildningsnämnden")
    action = make_action("samordnare", plan)
    _adopt(plan)
    run_tasks()
    first = StoredDocument.objects.get(object_id=plan.pk, source=services.PLAN_PDF).fingerprint

    services.change_action_status(actor=user("samordnare"), action=action, status=ActionStatus.DONE, revision=None)
    client_for("samordnare").get(reverse("plans:pdf", args=[plan.pk]))
    assert rendered.call_count == 2  # stale until the worker has run: rendered for the download
    with django_capture_on_commit_callbacks(execute=True):
        run_tasks()
    assert StoredDocument.objects.get(object_id=plan.pk, source=services.PLAN_PDF).fingerprint != first
    client_for("samordnare").get(reverse("plans:pdf", args=[plan.pk]))
    assert rendered.call_count == 3  # the worker's render; the download was served from storage


def test_a_reader_who_sees_other_links_gets_a_document_of_their_own(
    client_for: Clients, rendered: mock.MagicMock
) -> None:
    plan = make_plan("samordnare", "Barn- och utbildningsnämnden")
    make_action("samordnare", plan)
    _adopt(plan)
    run_tasks()
    with mock.patch("varna.plans.selectors.today", return_value=timezone.localdate().replace(year=2099)):
        client_for("samordnare").get(reverse("plans:pdf", args=[plan.pk]))  # only its printed date differs
    assert rendered.call_count == 1
    # A document whose content differs is never served from the stored copy.
    with mock.patch("varna.plans.documents.selectors.plan_actions", return_value=[]):
        client_for("samordnare").get(reverse("plans:pdf", args=[plan.pk]))
    assert rendered.call_count == 2
