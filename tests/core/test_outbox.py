"""The outbox: no action fails because mail is down, nothing is sent inside the request, and a failed
send is visible to the administrator, who can send it again."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.incidents.samples import make_sample_incidents
from tests.incidents.test_api import Api, _report_body
from tests.incidents.test_report_views import REPORT_URL, _form
from tests.risks.schedule_samples import clear_risk_data
from tests.worker import queued_tasks, run_tasks
from varna.core import outbox
from varna.core.models import MailStatus, Node, Organisation, OutboxMail, User
from varna.incidents.models import Incident, IncidentType, Status
from varna.incidents.services import assign_handler, change_status, ensure_defaults
from varna.risks.services import schedule as services_schedule

FAILING = "tests.mail_backends.AlwaysFailingBackend"
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"
DUMMY = "django.core.mail.backends.dummy.EmailBackend"

Clients = Callable[[str], Client]


class MailServer:
    """The test's mail server: down (every send raises) until it :meth:`comes_back`."""

    def __init__(self, settings: Any) -> None:
        self.settings = settings
        settings.MAILERS = {"default": {"BACKEND": FAILING}}

    def comes_back(self) -> None:
        self.settings.MAILERS = {"default": {"BACKEND": LOCMEM}}


@pytest.fixture
def mail_down(settings: Any) -> MailServer:
    return MailServer(settings)


@pytest.fixture
def types(persona: Callable[[str], User]) -> dict[str, IncidentType]:
    return {t.code: t for t in ensure_defaults(organisation=_org(persona))}


def _org(persona: Callable[[str], User]) -> Organisation:
    return Organisation.objects.get(slug="exempelkommun")


def _mails_to(user: User) -> list[OutboxMail]:
    return [m for m in OutboxMail.objects.order_by("pk") if user.email in m.recipients]


def _delivered_to(user: User) -> list[mail.EmailMessage]:
    return [m for m in mail.outbox if user.email in m.to]


def test_report_on_the_web_with_mail_down_shows_the_receipt_and_the_mail_goes_out_later(
    client_for: Clients, persona: Callable[[str], User], types: dict[str, IncidentType], mail_down: MailServer
) -> None:
    client = client_for("anstalld")
    data = _form(client, types)
    response = client.post(REPORT_URL, data)
    incident = Incident.objects.get(idempotency_key=data["idempotency_key"])
    assert response.status_code == 302
    receipt_page = client.get(response["Location"])
    assert receipt_page.status_code == 200 and incident.number in receipt_page.content.decode()
    [queued] = _mails_to(persona("anstalld"))
    assert queued.status == MailStatus.QUEUED and incident.number in queued.subject
    assert mail.outbox == []

    run_tasks()  # the worker tries while the server is still down
    queued.refresh_from_db()
    assert queued.status == MailStatus.QUEUED and queued.attempts == 1
    assert "Connection refused" in queued.last_error
    assert queued.next_attempt_at is not None and queued.next_attempt_at > timezone.now()
    assert run_tasks() == 0  # the next attempt waits for its delay

    mail_down.comes_back()
    run_tasks(later_too=True)  # the delay has passed
    queued.refresh_from_db()
    assert queued.status == MailStatus.SENT and queued.attempts == 2 and queued.sent_at is not None
    [receipt] = _delivered_to(persona("anstalld"))
    assert incident.number in receipt.subject


def test_report_over_the_api_with_mail_down_answers_201_and_the_mail_goes_out_later(
    persona: Callable[[str], User], types: dict[str, IncidentType], mail_down: MailServer
) -> None:
    status, body = Api(persona("anstalld")).post("/incidents", _report_body())
    assert status == 201
    [queued] = _mails_to(persona("anstalld"))
    assert body["number"] in queued.subject
    run_tasks()
    assert mail.outbox == []
    mail_down.comes_back()
    run_tasks(later_too=True)
    assert [body["number"] in m.subject for m in _delivered_to(persona("anstalld"))] == [True]


def test_assigning_a_handler_with_mail_down_succeeds_and_the_handler_is_mailed_later(
    persona: Callable[[str], User], mail_down: MailServer
) -> None:
    case = make_sample_incidents()["ordinary"]
    handler = persona("ombud.solrosen")
    before = len(_mails_to(handler))
    assign_handler(actor=persona("chef.solrosen"), incident=case, handler=handler, revision=case.revision)
    assert Incident.objects.get(pk=case.pk).handler_id == handler.pk
    [queued] = _mails_to(handler)[before:]
    run_tasks()
    assert _delivered_to(handler) == []
    mail_down.comes_back()
    run_tasks(later_too=True)
    queued.refresh_from_db()
    assert queued.status == MailStatus.SENT
    assert any(m.subject == queued.subject and case.number in m.subject for m in _delivered_to(handler))


def test_closing_a_case_with_mail_down_succeeds_and_the_reporter_is_mailed_later(
    persona: Callable[[str], User], mail_down: MailServer
) -> None:
    case = make_sample_incidents()["ordinary"]
    run_tasks()  # the report's own mails are tried (and fail) first
    before = len(_mails_to(persona("anstalld")))
    change_status(actor=persona("chef.solrosen"), incident=case, to_status=Status.CLOSED, revision=case.revision)
    assert Incident.objects.get(pk=case.pk).status == Status.CLOSED
    closing = _mails_to(persona("anstalld"))[before:]
    assert len(closing) == 1 and closing[0].status == MailStatus.QUEUED
    mail_down.comes_back()
    run_tasks(later_too=True)
    closing[0].refresh_from_db()
    assert closing[0].status == MailStatus.SENT
    assert any(case.number in m.subject for m in _delivered_to(persona("anstalld")))


def test_a_reminder_command_with_mail_down_succeeds_and_the_reminder_goes_out_later(
    persona: Callable[[str], User], mail_down: MailServer
) -> None:
    chef = persona("chef.solrosen")
    today = timezone.localdate()
    clear_risk_data()
    services_schedule.add_to_plan(
        actor=persona("samordnare"),
        node=Node.objects.get(name="Solrosens förskola"),
        year=today.year,
        planned_for=today,
    )
    call_command("risk_reminders", stdout=io.StringIO())  # does not raise
    assert _mails_to(chef), "the reminder is in the outbox"
    run_tasks()
    assert mail.outbox == []
    mail_down.comes_back()
    run_tasks(later_too=True)
    assert _delivered_to(chef)
    assert not OutboxMail.objects.filter(status=MailStatus.QUEUED).exists()


def test_a_rolled_back_change_leaves_no_mail_in_the_outbox(persona: Callable[[str], User]) -> None:
    org = _org(persona)
    before = queued_tasks()
    with pytest.raises(RuntimeError), transaction.atomic():
        outbox.queue_mail(organisation_id=org.pk, recipients=["a@example.se"], subject="Prov", body="Text")
        raise RuntimeError
    assert not OutboxMail.objects.filter(subject="Prov").exists()
    assert queued_tasks() == before


def _failed_mail(org: Organisation) -> OutboxMail:
    queued = outbox.queue_mail(organisation_id=org.pk, recipients=["a@example.se"], subject="Kvitto", body="Text")
    assert queued is not None
    run_tasks(later_too=True)  # every attempt, each after its delay
    queued.refresh_from_db()
    return queued


def test_a_mail_that_keeps_failing_is_marked_failed_after_the_last_attempt(
    persona: Callable[[str], User], mail_down: MailServer
) -> None:
    failed = _failed_mail(_org(persona))
    assert failed.status == MailStatus.FAILED
    assert failed.attempts == outbox.MAX_ATTEMPTS
    assert "Connection refused" in failed.last_error
    assert queued_tasks() == 0  # no more attempts


def test_administrator_sees_the_failed_mail_with_its_error_and_sends_it_again(
    client_for: Clients, persona: Callable[[str], User], mail_down: MailServer
) -> None:
    failed = _failed_mail(_org(persona))
    admin = client_for("admin")
    dashboard = admin.get(reverse("core:dashboard"))
    assert dashboard.context["failed_mail_count"] == 1
    page = admin.get(reverse("core:outbox"), {"status": "failed"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "Kvitto" in html and "Connection refused" in html and "Försök igen" in html
    mail_down.comes_back()
    response = admin.post(reverse("core:outbox_retry", args=[failed.pk]))
    assert response.status_code == 302
    failed.refresh_from_db()
    assert failed.status == MailStatus.QUEUED and failed.attempts == 0
    assert mail.outbox == []  # the retry is sent by the worker, not by the button
    run_tasks()
    failed.refresh_from_db()
    assert failed.status == MailStatus.SENT
    assert [m.subject for m in mail.outbox] == ["Kvitto"]
    assert admin.get(reverse("core:dashboard")).context["failed_mail_count"] == 0


def test_retry_of_a_mail_that_is_not_failed_says_so_and_changes_nothing(
    client_for: Clients, persona: Callable[[str], User]
) -> None:
    queued = outbox.queue_mail(organisation_id=_org(persona).pk, recipients=["a@example.se"], subject="S", body="B")
    assert queued is not None
    response = client_for("admin").post(reverse("core:outbox_retry", args=[queued.pk]), follow=True)
    assert "Bara ett utskick som inte kunde skickas kan skickas igen." in response.content.decode()
    assert OutboxMail.objects.get(pk=queued.pk).attempts == 0


def test_outbox_page_is_for_the_administrator_only(client_for: Clients) -> None:
    assert client_for("samordnare").get(reverse("core:outbox")).status_code == 403
    assert client_for("anstalld").get(reverse("core:dashboard")).context["failed_mail_count"] is None


def test_receipt_page_promises_mail_only_when_mail_is_turned_on(
    client_for: Clients, persona: Callable[[str], User], types: dict[str, IncidentType], settings: Any
) -> None:
    client = client_for("anstalld")
    response = client.post(REPORT_URL, _form(client, types))
    email = persona("anstalld").email
    promise = f"Ett kvitto med ärendenumret skickas till {email}."
    assert promise in client.get(response["Location"]).content.decode()
    settings.MAILERS = {"default": {"BACKEND": DUMMY}}
    assert email not in client.get(response["Location"]).content.decode()
