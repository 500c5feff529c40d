"""Handling a case: workflow, handler, investigation, costs and kodsträng, Arbetsmiljöverket, reminders, the list."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail, management
from django.core.exceptions import PermissionDenied, ValidationError
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from tests.incidents.samples import fresh, sv
from tests.worker import run_tasks
from varna.core.models import Node, Organisation
from varna.core.services import StaleFormError
from varna.incidents.models import (
    OPEN_STATUSES,
    AccountingSegment,
    AccountingValue,
    CostLine,
    Incident,
    IncidentType,
    Status,
    TimelineEntry,
    TimelineKind,
)
from varna.incidents.selectors_handling import attention_counts, handler_candidates
from varna.incidents.services import (
    add_cost_line,
    add_note,
    assign_handler,
    change_status,
    delete_cost_line,
    ensure_accounting_defaults,
    ensure_defaults,
    record_authority_notified,
    reopen_case,
    report_incident,
    save_investigation,
    send_due_reminders,
    validate_accounting_code,
)
from varna.incidents.services.reminders import AUTHORITY_REMINDER

VALID_CODE = "2100-407-6420"
STALE = "Someone else has changed this meanwhile. Reload the page and try again."


@pytest.fixture
def types(persona) -> dict[str, IncidentType]:
    return {t.code: t for t in ensure_defaults(organisation=Organisation.objects.get(slug="exempelkommun"))}


def _report(persona, types, *, by: str = "anstalld", code: str = "vandalism", **extra: Any) -> Incident:
    incident, _ = report_incident(
        actor=persona(by),
        incident_type=types[code],
        occurred_at=timezone.now() - datetime.timedelta(hours=3),
        incident_node=Node.objects.get(name="Solrosens förskola"),
        description="Klotter på gaveln.",
        **extra,
    )
    return incident


# --- workflow ---------------------------------------------------------------------------


def test_manager_takes_a_case_from_reported_to_closed_and_the_timeline_records_who_and_when(persona, samples) -> None:
    chef = persona("chef.solrosen")
    case = samples["ordinary"]
    change_status(actor=chef, incident=case, to_status=Status.INVESTIGATING, revision=None)
    change_status(actor=chef, incident=case, to_status=Status.MEASURES_DECIDED, revision=None)
    change_status(actor=chef, incident=case, to_status=Status.CLOSED, revision=None)
    case = fresh(case)
    assert case.status == Status.CLOSED and case.closed_at is not None
    steps = list(TimelineEntry.objects.filter(incident=case, kind=TimelineKind.STATUS).order_by("at", "pk"))
    assert [(s.from_status, s.to_status) for s in steps] == [
        (Status.REPORTED, Status.INVESTIGATING),
        (Status.INVESTIGATING, Status.MEASURES_DECIDED),
        (Status.MEASURES_DECIDED, Status.CLOSED),
    ]
    assert all(s.actor_id == chef.pk and s.at is not None for s in steps)


def test_a_step_outside_the_workflow_is_refused(persona, samples) -> None:
    chef = persona("chef.solrosen")
    case = samples["ordinary"]
    change_status(actor=chef, incident=case, to_status=Status.REJECTED, revision=None)
    with pytest.raises(ValidationError):
        change_status(actor=chef, incident=case, to_status=Status.CLOSED, revision=None)
    assert fresh(case).status == Status.REJECTED


def test_reopening_a_closed_case_clears_the_closing_time(persona, samples) -> None:
    chef = persona("chef.solrosen")
    case = samples["ordinary"]
    change_status(actor=chef, incident=case, to_status=Status.CLOSED, revision=None)
    reopen_case(actor=chef, incident=case, revision=fresh(case).revision, reason="Nya uppgifter.")
    assert fresh(case).closed_at is None and fresh(case).status == Status.INVESTIGATING


def test_stale_status_form_changes_nothing(persona, samples) -> None:
    case = samples["ordinary"]
    seen = case.revision
    change_status(actor=persona("chef.solrosen"), incident=case, to_status=Status.INVESTIGATING, revision=seen)
    assert fresh(case).revision == seen + 1
    with pytest.raises(StaleFormError):
        change_status(actor=persona("ombud.solrosen"), incident=case, to_status=Status.REJECTED, revision=seen)
    assert fresh(case).status == Status.INVESTIGATING and fresh(case).revision == seen + 1
    assert TimelineEntry.objects.filter(incident=case, kind=TimelineKind.STATUS).count() == 1


def test_double_submitted_status_change_is_harmless_and_says_the_case_changed(client_for, samples) -> None:
    client = client_for("chef.solrosen")
    case = samples["ordinary"]
    url = reverse("incidents:transition", args=[case.pk])
    data = {"transition-revision": case.revision, "transition-to_status": Status.INVESTIGATING}
    first = client.post(url, data)
    second = client.post(url, data, follow=True)
    assert first.status_code == 302
    assert sv(STALE) in second.content.decode()
    assert fresh(case).status == Status.INVESTIGATING
    assert TimelineEntry.objects.filter(incident=case, kind=TimelineKind.STATUS).count() == 1


def test_closing_mails_the_reporter_that_the_case_is_closed(persona, samples) -> None:
    run_tasks()
    mail.outbox.clear()
    change_status(
        actor=persona("chef.solrosen"),
        incident=samples["ordinary"],
        to_status=Status.CLOSED,
        revision=None,
    )
    assert mail.outbox == []  # nothing is sent inside the service
    run_tasks()
    closed = [m for m in mail.outbox if persona("anstalld").email in m.to]
    assert len(closed) == 1
    assert samples["ordinary"].number in closed[0].subject


def test_a_duplicate_points_at_its_original(persona, samples, types) -> None:
    chef = persona("chef.solrosen")
    again = _report(persona, types, by="ombud.solrosen")
    change_status(
        actor=chef,
        incident=again,
        to_status=Status.DUPLICATE,
        revision=None,
        duplicate_of=samples["ordinary"],
    )
    assert fresh(again).duplicate_of_id == samples["ordinary"].pk
    # Reopened, back to reported: the pointer goes.
    reopen_case(actor=chef, incident=again, revision=None, reason="Inte samma händelse.")
    assert fresh(again).duplicate_of_id is None


def test_a_duplicate_cannot_point_at_another_organisation_an_invisible_case_or_itself(persona, samples) -> None:
    chef = persona("chef.solrosen")
    case = samples["ordinary"]
    for original in (samples["grannby"], samples["hemtjanst"], case):
        with pytest.raises(ValidationError):
            change_status(
                actor=chef,
                incident=case,
                to_status=Status.DUPLICATE,
                revision=None,
                duplicate_of=original,
            )
    assert fresh(case).status == Status.REPORTED


def test_duplicate_form_finds_the_original_by_case_number(client_for, samples, persona, types) -> None:
    again = _report(persona, types, by="ombud.solrosen")
    response = client_for("chef.solrosen").post(
        reverse("incidents:transition", args=[again.pk]),
        {
            "transition-revision": again.revision,
            "transition-to_status": Status.DUPLICATE,
            "transition-duplicate_number": samples["ordinary"].number,
        },
    )
    assert response.status_code == 302
    assert fresh(again).duplicate_of_id == samples["ordinary"].pk


def test_someone_outside_the_unit_cannot_handle_the_case(persona, samples) -> None:
    with pytest.raises(PermissionDenied):
        change_status(
            actor=persona("chef.hemtjanst"),
            incident=samples["ordinary"],
            to_status=Status.INVESTIGATING,
            revision=None,
        )


# --- handler ----------------------------------------------------------------------------


def test_manager_hands_the_case_to_a_named_handler_who_is_mailed_and_may_handle_it(persona, samples) -> None:
    handler = persona("ombud.solrosen")  # the unit's security representative
    run_tasks()
    mail.outbox.clear()
    assign_handler(actor=persona("chef.solrosen"), incident=samples["ordinary"], handler=handler, revision=None)
    assert mail.outbox == []  # nothing is sent inside the service
    run_tasks()
    assert fresh(samples["ordinary"]).handler_id == handler.pk
    assert any(handler.email in m.to and samples["ordinary"].number in m.subject for m in mail.outbox)
    assert TimelineEntry.objects.filter(incident=samples["ordinary"], kind=TimelineKind.HANDLER).count() == 1
    change_status(actor=handler, incident=samples["ordinary"], to_status=Status.INVESTIGATING, revision=None)


def test_a_threat_case_cannot_be_handed_to_someone_who_may_not_read_threats(persona, samples) -> None:
    with pytest.raises(ValidationError):
        assign_handler(
            actor=persona("chef.solrosen"), incident=samples["threat"], handler=persona("ombud.solrosen"), revision=None
        )
    assign_handler(
        actor=persona("chef.solrosen"), incident=samples["threat"], handler=persona("handlaggare.bou"), revision=None
    )
    assert fresh(samples["threat"]).handler_id == persona("handlaggare.bou").pk


def test_handler_can_be_chosen_by_user_name_in_the_form(client_for, samples, persona) -> None:
    response = client_for("chef.solrosen").post(
        reverse("incidents:assign", args=[samples["ordinary"].pk]),
        {"assign-other": "ombud.solrosen", "assign-revision": samples["ordinary"].revision},
    )
    assert response.status_code == 302
    assert fresh(samples["ordinary"]).handler_id == persona("ombud.solrosen").pk


def test_handler_candidates_never_list_a_person_with_protected_identity(client_for, samples, persona) -> None:
    colleague = persona("ombud.solrosen")
    colleague.protected_identity = True
    colleague.save()
    candidates = handler_candidates(samples["ordinary"])
    assert colleague not in candidates
    assert persona("chef.solrosen") in candidates


# --- threats and violence -----------------------------------------------------------------


def test_a_threat_case_cannot_be_closed_without_police_report_number_or_reason(persona, samples) -> None:
    chef = persona("chef.solrosen")
    threat = samples["threat"]
    with pytest.raises(ValidationError) as caught:
        change_status(actor=chef, incident=threat, to_status=Status.CLOSED, revision=None)
    assert "police" in caught.value.messages[0].lower() or "polis" in caught.value.messages[0].lower()
    assert fresh(threat).status == Status.REPORTED
    save_investigation(
        actor=chef,
        incident=threat,
        revision=None,
        police_not_contacted_reason="Den utsatta ville inte anmäla.",
        causes="Konflikt om hämtningstiden.",
        decided_measures="Två i personalen vid hämtningen.",
    )
    change_status(actor=chef, incident=threat, to_status=Status.CLOSED, revision=None)
    assert fresh(threat).status == Status.CLOSED


def test_closing_a_threat_case_in_the_ui_shows_the_police_message(client_for, samples) -> None:
    response = client_for("chef.solrosen").post(
        reverse("incidents:transition", args=[samples["threat"].pk]),
        {"transition-revision": samples["threat"].revision, "transition-to_status": Status.CLOSED},
        follow=True,
    )
    expected = sv(
        "A threat or violence case cannot be closed until the police report number, or the reason "
        "why the police were not contacted, has been recorded under Investigation."
    )
    assert expected in response.content.decode()
    assert fresh(samples["threat"]).status == Status.REPORTED


# --- investigation -----------------------------------------------------------------------


def test_investigation_records_causes_measures_and_follow_up_date(client_for, samples) -> None:
    follow_up = timezone.localdate() + datetime.timedelta(days=30)
    response = client_for("chef.solrosen").post(
        reverse("incidents:investigation", args=[samples["ordinary"].pk]),
        {
            "investigation-revision": samples["ordinary"].revision,
            "investigation-causes": "Dålig belysning vid gaveln.",
            "investigation-contributing_factors": "Ingen kamerabevakning.",
            "investigation-decided_measures": "Sätt upp belysning med rörelsevakt.",
            "investigation-follow_up_on": follow_up.isoformat(),
            "investigation-insurance_claim_reference": "LF-2025-123",
            "investigation-police_report_number": "",
        },
    )
    assert response.status_code == 302
    case = fresh(samples["ordinary"])
    assert case.causes == "Dålig belysning vid gaveln."
    assert case.decided_measures.startswith("Sätt upp")
    assert case.follow_up_on == follow_up
    assert case.insurance_claim_reference == "LF-2025-123"


# --- costs and the accounting code string -------------------------------------------------------


def test_default_accounting_segments_are_ansvar_verksamhet_konto_and_optional_projekt(persona) -> None:
    organisation = Organisation.objects.get(slug="exempelkommun")
    ensure_accounting_defaults(organisation=organisation)
    ensure_accounting_defaults(organisation=organisation)  # twice: nothing more
    segments = list(AccountingSegment.objects.filter(organisation=organisation).order_by("position"))
    assert [(s.code, s.required) for s in segments] == [
        ("ansvar", True),
        ("verksamhet", True),
        ("konto", True),
        ("projekt", False),
    ]
    assert all(len(v.value) == 4 for v in AccountingValue.objects.filter(segment=segments[0]))
    assert all(len(v.value) == 3 for v in AccountingValue.objects.filter(segment=segments[1]))
    assert all(len(v.value) == 4 for v in AccountingValue.objects.filter(segment=segments[2]))


def test_accounting_code_is_checked_segment_by_segment_naming_the_segment_and_the_bad_value(persona) -> None:
    organisation = Organisation.objects.get(slug="exempelkommun")
    ensure_accounting_defaults(organisation=organisation)
    assert validate_accounting_code(organisation_id=organisation.pk, code=" 2100 407 6420 ") == VALID_CODE
    assert validate_accounting_code(organisation_id=organisation.pk, code="2100-407-6420-P17") == VALID_CODE + "-P17"
    with pytest.raises(ValidationError) as caught:
        validate_accounting_code(organisation_id=organisation.pk, code="9999-407-1")
    messages = caught.value.messages
    assert any("Ansvar" in m and "9999" in m for m in messages)
    assert any("Konto" in m and "1" in m for m in messages)
    assert not any("Verksamhet" in m for m in messages)
    with pytest.raises(ValidationError) as missing:
        validate_accounting_code(organisation_id=organisation.pk, code="2100-407")
    assert any("Konto" in m for m in missing.value.messages)
    with pytest.raises(ValidationError):
        validate_accounting_code(organisation_id=organisation.pk, code="2100-407-6420-P1-X")


def test_cost_lines_keep_the_total_cost_equal_to_their_sum(persona, samples) -> None:
    chef = persona("chef.solrosen")
    case = samples["ordinary"]
    first = add_cost_line(
        actor=chef, incident=case, revision=None, amount=Decimal("1200.50"), accounting_code=VALID_CODE
    )
    add_cost_line(actor=chef, incident=case, revision=None, amount=Decimal("800"), accounting_code="1100-900-7690")
    assert fresh(case).total_cost == Decimal("2000.50")
    assert delete_cost_line(actor=chef, incident=case, line_id=first.pk, revision=None)
    assert not delete_cost_line(actor=chef, incident=case, line_id=first.pk, revision=None)  # a second click
    assert fresh(case).total_cost == Decimal("800.00")
    assert TimelineEntry.objects.filter(incident=case, kind=TimelineKind.COST).count() == 3


def test_cost_form_accepts_swedish_amounts_and_shows_the_bad_segment(client_for, samples) -> None:
    client = client_for("chef.solrosen")
    url = reverse("incidents:cost_add", args=[samples["ordinary"].pk])
    bad = client.post(
        url,
        {
            "cost-revision": samples["ordinary"].revision,
            "cost-amount": "1 200,50",
            "cost-accounting_code": "2100-999-6420",
        },
    )
    assert bad.status_code == 400
    assert "Verksamhet: 999" in bad.content.decode()
    assert not CostLine.objects.filter(incident=samples["ordinary"]).exists()
    good = client.post(
        url,
        {"cost-revision": samples["ordinary"].revision, "cost-amount": "1 200,50", "cost-accounting_code": VALID_CODE},
    )
    assert good.status_code == 302
    assert fresh(samples["ordinary"]).total_cost == Decimal("1200.50")


def test_double_submitted_cost_line_is_added_once(client_for, samples) -> None:
    client = client_for("chef.solrosen")
    url = reverse("incidents:cost_add", args=[samples["ordinary"].pk])
    data = {"cost-revision": samples["ordinary"].revision, "cost-amount": "500", "cost-accounting_code": VALID_CODE}
    client.post(url, data)
    second = client.post(url, data, follow=True)
    assert CostLine.objects.filter(incident=samples["ordinary"]).count() == 1
    assert sv(STALE) in second.content.decode()
    assert fresh(samples["ordinary"]).total_cost == Decimal("500.00")


# --- serious events and Arbetsmiljöverket ----------------------------------------------------------


def test_a_serious_event_mails_the_unit_manager_and_the_coordinator_at_report_time(persona, types) -> None:
    mail.outbox.clear()
    incident = _report(persona, types, code="accident", injured_count=4)
    assert incident.is_serious
    assert mail.outbox == []  # nothing is sent inside the service
    run_tasks()
    serious = [m for m in mail.outbox if "Arbetsmiljöverket" in m.subject]
    recipients = {a for m in serious for a in m.to}
    assert persona("chef.solrosen").email in recipients
    assert persona("samordnare").email in recipients
    assert TimelineEntry.objects.filter(incident=incident, kind=TimelineKind.NOTIFIED).count() == 1


def test_recording_that_arbetsmiljoverket_was_notified_shows_on_the_timeline_once(persona, types) -> None:
    incident = _report(persona, types, code="accident", injured_count=3)
    chef = persona("chef.solrosen")
    at = timezone.now() - datetime.timedelta(minutes=30)
    record_authority_notified(actor=chef, incident=incident, revision=None, at=at)
    record_authority_notified(actor=chef, incident=incident, revision=None)  # a second click keeps the first time
    assert fresh(incident).authority_notified_at == at
    assert TimelineEntry.objects.filter(incident=incident, kind=TimelineKind.AUTHORITY).count() == 1


def _reminders(incident: Incident) -> int:
    return TimelineEntry.objects.filter(incident=incident, kind=TimelineKind.NOTIFIED, note=AUTHORITY_REMINDER).count()


def test_reminders_remind_about_arbetsmiljoverket_once_a_day_until_it_is_recorded(persona, types) -> None:
    incident = _report(persona, types, code="accident", injured_count=3)
    run_tasks()
    mail.outbox.clear()
    management.call_command("incident_reminders", stdout=io.StringIO())
    run_tasks()
    reminders = [m for m in mail.outbox if incident.number in m.subject]
    assert {persona("chef.solrosen").email, persona("samordnare").email} <= {a for m in reminders for a in m.to}
    assert _reminders(incident) == 1
    send_due_reminders()  # the same day again: nothing twice
    assert _reminders(incident) == 1
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    send_due_reminders(now=tomorrow)
    assert _reminders(incident) == 2
    record_authority_notified(actor=persona("chef.solrosen"), incident=incident, revision=None)
    send_due_reminders(now=tomorrow + datetime.timedelta(days=1))
    assert _reminders(incident) == 2


def test_reminders_tell_the_handler_when_the_follow_up_date_has_come(persona, samples) -> None:
    chef = persona("chef.solrosen")
    case = samples["ordinary"]
    assign_handler(actor=chef, incident=case, handler=persona("ombud.solrosen"), revision=None)
    save_investigation(actor=chef, incident=case, revision=None, follow_up_on=timezone.localdate())
    run_tasks()
    mail.outbox.clear()
    assert send_due_reminders().follow_up >= 1
    run_tasks()
    assert [m.to for m in mail.outbox if case.number in m.subject] == [[persona("ombud.solrosen").email]]


def test_notes_are_added_once_even_when_sent_twice(persona, samples) -> None:
    chef = persona("chef.solrosen")
    add_note(actor=chef, incident=samples["ordinary"], revision=None, text="Pratat med fastighetsförvaltaren.")
    add_note(actor=chef, incident=samples["ordinary"], revision=None, text="Pratat med fastighetsförvaltaren.")
    assert TimelineEntry.objects.filter(incident=samples["ordinary"], kind=TimelineKind.NOTE).count() == 1


# --- the handler's list -------------------------------------------------------------------


def test_list_filters_by_status_type_node_date_and_number(client_for, samples, persona) -> None:
    client = client_for("samordnare")
    change_status(
        actor=persona("samordnare"),
        incident=samples["hemtjanst"],
        to_status=Status.INVESTIGATING,
        revision=None,
    )
    url = reverse("incidents:list")
    page = client.get(url).content.decode()
    assert samples["ordinary"].number in page and samples["threat"].number in page
    assert samples["grannby"].number not in page
    by_status = client.get(url, {"status": Status.INVESTIGATING}).content.decode()
    assert samples["hemtjanst"].number in by_status and samples["ordinary"].number not in by_status
    theft = samples["hemtjanst"].incident_type_id
    by_type = client.get(url, {"incident_type": theft}).content.decode()
    assert samples["hemtjanst"].number in by_type and samples["ordinary"].number not in by_type
    administration = Node.objects.get_parent(Node.objects.get(name="Solrosens förskola"))
    by_node = client.get(url, {"node": administration.pk}).content.decode()  # the subtree
    assert samples["ordinary"].number in by_node and samples["hemtjanst"].number not in by_node
    future = (timezone.localdate() + datetime.timedelta(days=2)).isoformat()
    assert samples["ordinary"].number not in client.get(url, {"date_from": future}).content.decode()
    by_number = client.get(url, {"q": samples["hemtjanst"].number}).content.decode()
    assert samples["hemtjanst"].number in by_number and samples["ordinary"].number not in by_number


def test_list_shows_serious_events_not_notified_and_passed_follow_ups(client_for, persona, types, samples) -> None:
    before = attention_counts(persona("chef.solrosen"))
    serious = _report(persona, types, code="accident", injured_count=3)
    save_investigation(
        actor=persona("chef.solrosen"),
        revision=None,
        incident=samples["ordinary"],
        follow_up_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    client = client_for("chef.solrosen")
    response = client.get(reverse("incidents:list"))
    assert response.context["attention"] == {"overdue": before["overdue"] + 1, "authority": before["authority"] + 1}
    rows = {i.number: i for i in response.context["page"].object_list}
    assert rows[serious.number].authority_due and not rows[serious.number].follow_up_overdue
    assert rows[samples["ordinary"].number].follow_up_overdue
    only = client.get(reverse("incidents:list"), {"status": "", "attention": "authority"})
    shown = [i.number for i in only.context["page"].object_list]
    assert serious.number in shown and samples["ordinary"].number not in shown


def test_list_is_paginated_newest_first_with_a_bounded_number_of_queries(
    client_for, persona, types, django_assert_max_num_queries
) -> None:
    reporter = persona("anstalld")
    node = Node.objects.get(name="Solrosens förskola")
    now = timezone.now()
    before = Incident.objects.filter(organisation__slug="exempelkommun", status__in=OPEN_STATUSES).count()
    for i in range(55):
        report_incident(
            actor=reporter,
            incident_type=types["vandalism" if i % 2 else "theft"],
            occurred_at=now - datetime.timedelta(hours=i + 1),
            incident_node=node,
            description=f"Händelse {i}",
        )
    client = client_for("samordnare")
    with django_assert_max_num_queries(20):
        response = client.get(reverse("incidents:list"))
    page = response.context["page"]
    assert len(page.object_list) == 50 and page.paginator.count == before + 55
    times = [i.occurred_at for i in page.object_list]  # newest first; the demo's own may be newer still
    assert times == sorted(times, reverse=True)
    with django_assert_max_num_queries(20):
        client.get(reverse("incidents:list"), {"page": 2})


def test_list_shows_protected_identity_instead_of_the_name(client_for, persona, samples) -> None:
    reporter = persona("anstalld")
    reporter.protected_identity = True
    reporter.last_name = "Skyddadsson"
    reporter.save()
    page = client_for("chef.solrosen").get(reverse("incidents:list")).content.decode()
    assert samples["ordinary"].number in page
    assert "Skyddadsson" not in page
    assert sv("Protected identity") in page


def test_handling_panel_shows_the_forms_and_the_timeline_to_the_manager(persona, samples) -> None:
    chef = persona("chef.solrosen")
    add_note(actor=chef, incident=samples["ordinary"], revision=None, text="Första anteckningen.")
    request = RequestFactory().get("/")
    request.user = chef
    html = Template('{% include "incidents/_handling_panel.html" %}').render(
        Context({"request": request, "incident": samples["ordinary"], "csrf_token": "x"})
    )
    assert reverse("incidents:transition", args=[samples["ordinary"].pk]) in html
    assert reverse("incidents:cost_add", args=[samples["ordinary"].pk]) in html
    assert "Första anteckningen." in html
    request.user = persona("chef.hemtjanst")
    html = Template('{% include "incidents/_handling_panel.html" %}').render(
        Context({"request": request, "incident": samples["ordinary"]})
    )
    assert html.strip() == ""


def test_case_page_of_a_handler_includes_the_handling_panel(client_for, samples) -> None:
    html = client_for("chef.solrosen").get(reverse("incidents:detail", args=[samples["ordinary"].pk])).content.decode()
    assert reverse("incidents:transition", args=[samples["ordinary"].pk]) in html
    reporter_view = client_for("anstalld").get(reverse("incidents:detail", args=[samples["ordinary"].pk]))
    assert reverse("incidents:transition", args=[samples["ordinary"].pk]) not in reporter_view.content.decode()


# --- accounting settings ---------------------------------------------------------------------


def test_administrator_configures_the_accounting_values(client_for) -> None:
    client = client_for("admin")
    assert client.get(reverse("incidents:accounting_settings")).status_code == 200
    konto = AccountingSegment.objects.get(organisation__slug="exempelkommun", code="konto")
    client.post(reverse("incidents:accounting_value_add"), {"segment": konto.pk, "value": "6999", "name": "Test"})
    assert AccountingValue.objects.filter(segment=konto, value="6999").exists()
    value = AccountingValue.objects.get(segment=konto, value="6999")
    client.post(reverse("incidents:accounting_value_delete"), {"id": value.pk})
    client.post(reverse("incidents:accounting_value_delete"), {"id": value.pk})  # twice: harmless
    assert not AccountingValue.objects.filter(segment=konto, value="6999").exists()
    client.post(reverse("incidents:accounting_segment_add"), {"code": "objekt", "name": "Objekt"})
    added = AccountingSegment.objects.get(organisation__slug="exempelkommun", code="objekt")
    assert added.position == 5 and not added.required


def test_only_the_administrator_may_configure_accounting(client_for) -> None:
    assert client_for("samordnare").get(reverse("incidents:accounting_settings")).status_code == 403
    assert client_for("chef.solrosen").post(reverse("incidents:accounting_segment_add"), {}).status_code == 403


def test_reminders_command_can_hand_the_work_to_the_task_worker(persona) -> None:
    out = io.StringIO()
    management.call_command("incident_reminders", "--enqueue", stdout=out)
    assert "Enqueued task" in out.getvalue()
    assert run_tasks() == 1


def test_stale_duplicate_form_after_the_case_was_closed_changes_nothing(client_for, persona, samples) -> None:
    case = samples["ordinary"]
    seen = case.revision
    change_status(actor=persona("chef.solrosen"), incident=case, to_status=Status.CLOSED, revision=seen)
    response = client_for("ombud.solrosen").post(
        reverse("incidents:transition", args=[case.pk]),
        {
            "transition-revision": seen,
            "transition-to_status": Status.DUPLICATE,
            "transition-duplicate_number": samples["hemtjanst"].number,
        },
        follow=True,
    )
    assert sv(STALE) in response.content.decode()
    assert fresh(case).status == Status.CLOSED and fresh(case).duplicate_of_id is None


def test_case_page_shows_costs_in_swedish_form_with_kronor(client_for, persona, samples) -> None:
    case = samples["ordinary"]
    chef = persona("chef.solrosen")
    add_cost_line(actor=chef, incident=case, revision=None, amount=Decimal("4500"), accounting_code=VALID_CODE)
    add_cost_line(actor=chef, incident=case, revision=None, amount=Decimal("1200.50"), accounting_code=VALID_CODE)
    page = client_for("chef.solrosen").get(reverse("incidents:detail", args=[case.pk])).content.decode()
    assert "4\u00a0500,00" in page and "1\u00a0200,50" in page  # grouped by thousands with a comma, not 4500.00
    assert "Totalt: 5\u00a0700,50 kr" in page
    assert "5700.50" not in page and "5700,50" not in page
