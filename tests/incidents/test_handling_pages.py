"""The handler's list and the handling panel on the case page (selectors_handling.py, views/handling.py)."""

from __future__ import annotations

import datetime

from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.incidents.samples import report_at_solrosen, sv
from varna.core.models import Node
from varna.incidents.models import (
    OPEN_STATUSES,
    AccountingSegment,
    ConfidentialRead,
    Incident,
    Status,
)
from varna.incidents.selectors_handling import attention_counts, handling_panel
from varna.incidents.services import (
    add_note,
    change_status,
    report_incident,
    save_investigation,
)
from varna.incidents.views.handling import handling_forms


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
    assert administration is not None
    by_node = client.get(url, {"node": administration.pk}).content.decode()  # the subtree
    assert samples["ordinary"].number in by_node and samples["hemtjanst"].number not in by_node
    future = (timezone.localdate() + datetime.timedelta(days=2)).isoformat()
    assert samples["ordinary"].number not in client.get(url, {"date_from": future}).content.decode()
    by_number = client.get(url, {"q": samples["hemtjanst"].number}).content.decode()
    assert samples["hemtjanst"].number in by_number and samples["ordinary"].number not in by_number


def test_list_shows_serious_events_not_notified_and_passed_follow_ups(client_for, persona, types, samples) -> None:
    before = attention_counts(persona("chef.solrosen"))
    serious = report_at_solrosen(types, code="accident", injured_count=3)
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


# --- the handling panel ---------------------------------------------------------------------------


def test_handling_panel_shows_the_forms_and_the_timeline_to_the_manager(persona, samples) -> None:
    chef = persona("chef.solrosen")
    case = samples["ordinary"]
    add_note(actor=chef, incident=case, revision=None, text="Första anteckningen.")
    panel = handling_panel(chef, case)
    assert panel is not None
    html = render_to_string(
        "incidents/_handling_panel.html",
        {"incident": case, "handling": panel, "handling_forms": handling_forms(chef, case, panel), "csrf_token": "x"},
    )
    assert reverse("incidents:transition", args=[case.pk]) in html
    assert reverse("incidents:cost_add", args=[case.pk]) in html
    assert "Första anteckningen." in html
    assert handling_panel(persona("chef.hemtjanst"), case) is None


def test_case_page_of_a_handler_includes_the_handling_panel(client_for, samples) -> None:
    html = client_for("chef.solrosen").get(reverse("incidents:detail", args=[samples["ordinary"].pk])).content.decode()
    assert reverse("incidents:transition", args=[samples["ordinary"].pk]) in html
    reporter_view = client_for("anstalld").get(reverse("incidents:detail", args=[samples["ordinary"].pk]))
    assert reverse("incidents:transition", args=[samples["ordinary"].pk]) not in reporter_view.content.decode()


def _writes(queries: CaptureQueriesContext) -> list[str]:
    return [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]


def test_the_case_page_of_a_handler_writes_only_the_confidential_read_log(client_for, samples) -> None:
    AccountingSegment.objects.filter(organisation__slug="exempelkommun").delete()  # no chart of accounts yet
    client = client_for("chef.solrosen")
    for case in (samples["ordinary"], samples["threat"]):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("incidents:detail", args=[case.pk]))
        assert response.status_code == 200
        assert reverse("incidents:cost_add", args=[case.pk]) in response.content.decode()
        table = ConfidentialRead._meta.db_table
        assert [sql for sql in _writes(queries) if table not in sql] == []
        assert len(_writes(queries)) == (1 if case.is_confidential else 0)
    assert not AccountingSegment.objects.filter(organisation__slug="exempelkommun").exists()


def test_the_report_page_only_reads_the_event_types(client_for) -> None:
    client = client_for("anstalld")
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("incidents:report")).status_code == 200
    assert _writes(queries) == []
