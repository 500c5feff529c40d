"""The workflow of a case (services/handling.py): statuses, reopening, duplicates, the case handler,
threats and violence, notes."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tests.incidents.samples import fresh, report_at_solrosen, sv
from tests.worker import run_tasks
from varna.core.services import StaleFormError
from varna.incidents.models import (
    Status,
    TimelineEntry,
    TimelineKind,
)
from varna.incidents.selectors_handling import handler_candidates
from varna.incidents.services import (
    add_note,
    assign_handler,
    change_status,
    reopen_case,
    save_investigation,
)

STALE = "Someone else has changed this meanwhile. Reload the page and try again."


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
    again = report_at_solrosen(types, by="ombud.solrosen")
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
    again = report_at_solrosen(types, by="ombud.solrosen")
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


# --- handler --------------------------------------------------------------------------------------


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


# --- threats and violence -------------------------------------------------------------------------


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


# --- notes ----------------------------------------------------------------------------------------


def test_notes_are_added_once_even_when_sent_twice(persona, samples) -> None:
    chef = persona("chef.solrosen")
    add_note(actor=chef, incident=samples["ordinary"], revision=None, text="Pratat med fastighetsförvaltaren.")
    add_note(actor=chef, incident=samples["ordinary"], revision=None, text="Pratat med fastighetsförvaltaren.")
    assert TimelineEntry.objects.filter(incident=samples["ordinary"], kind=TimelineKind.NOTE).count() == 1
