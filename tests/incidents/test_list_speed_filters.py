"""The handler's list at the size of a large municipality (issue 11): a unit filter that does not grow with
the organisation, and the counts above the list in two queries that partial indexes serve."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.incidents.samples import report_at_solrosen
from varna.core import access
from varna.core.access import Perm
from varna.core.models import Node
from varna.incidents import selectors
from varna.incidents.models import Incident
from varna.incidents.selectors_handling import (
    AUTHORITY,
    OVERDUE,
    authority_condition,
    filter_node_choices,
    list_counts,
    overdue_condition,
)
from varna.incidents.services import save_investigation


def _offered(choices: list[tuple[int, str]]) -> set[int]:
    return {pk for pk, _label in choices}


def test_unit_filter_offers_the_organisation_and_its_forvaltningar_not_every_unit(persona) -> None:
    coordinator = persona("samordnare")
    nodes = Node.objects.filter(organisation_id=coordinator.organisation_id)
    offered = _offered(filter_node_choices(coordinator))
    assert offered == set(nodes.filter(depth__lte=2).values_list("pk", flat=True))
    assert nodes.filter(depth__gt=2).exists()  # the demo has deeper units, which are left out
    solrosen = Node.objects.get(name="Solrosens förskola")
    assert solrosen.pk not in offered


def test_choosing_a_unit_offers_the_units_above_and_the_level_below_it(persona) -> None:
    coordinator = persona("samordnare")
    solrosen = Node.objects.get(name="Solrosens förskola")
    parent = Node.objects.get_parent(solrosen)
    assert parent is not None
    offered = _offered(filter_node_choices(coordinator, parent.pk))
    assert solrosen.pk in offered  # the level below the chosen unit: one can go down the tree
    above = Node.objects.filter(path__in=parent.ancestor_paths())
    assert set(above.values_list("pk", flat=True)) <= offered
    deeper = _offered(filter_node_choices(coordinator, solrosen.pk))
    assert solrosen.pk in deeper and parent.pk in deeper  # a deep unit chosen stays in the list


def test_unit_filter_never_offers_a_unit_outside_the_persons_scope(persona) -> None:
    manager = persona("chef.solrosen")
    visible = access.scope(manager, Perm.VIEW_INCIDENTS, Node.objects.all())
    other = Node.objects.filter(organisation_id=manager.organisation_id).exclude(pk__in=visible.values("pk")).first()
    assert other is not None
    offered = _offered(filter_node_choices(manager, other.pk))
    assert offered and offered <= set(visible.values_list("pk", flat=True))
    assert other.pk not in offered


def test_list_page_filters_by_a_deep_unit_and_offers_it_in_the_select(client_for, samples) -> None:
    solrosen = Node.objects.get(name="Solrosens förskola")
    response = client_for("samordnare").get(reverse("incidents:list"), {"node": solrosen.pk, "status": ""})
    assert response.context["form"].is_valid()
    shown = {i.number for i in response.context["page"].object_list}
    assert samples["ordinary"].number in shown and samples["hemtjanst"].number not in shown
    html = response.content.decode()
    assert f'value="{solrosen.pk}" selected' in html
    assert 'id="id_node_helptext"' in html  # the hint on going down the tree, tied to the select


def test_list_counts_equal_the_counts_made_one_by_one(persona, types, samples) -> None:
    chef = persona("chef.solrosen")
    report_at_solrosen(types, code="accident", injured_count=3)  # serious, not notified
    save_investigation(
        actor=chef,
        revision=None,
        incident=samples["ordinary"],
        follow_up_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    for username in ("samordnare", "chef.solrosen", "chef.hemtjanst", "anstalld"):
        user = persona(username)
        rows = access.scope(user, Perm.VIEW_INCIDENTS, Incident.objects.all())
        counts = list_counts(user)
        assert counts.attention == {
            OVERDUE: rows.filter(overdue_condition()).count(),
            AUTHORITY: rows.filter(authority_condition()).count(),
        }, username
        # never below nought: a reporter sees their own confidential reports, outside any scope of statistics
        hidden = max(selectors.hidden_confidential_count(user, selectors.visible_incidents(user)), 0)
        assert counts.hidden_confidential == hidden, username
    assert list_counts(persona("chef.solrosen")).attention == {OVERDUE: 1, AUTHORITY: 1}


def test_list_page_counts_in_two_queries_for_the_coordinator_and_renders_a_short_select(client_for, samples) -> None:
    client = client_for("samordnare")
    client.get(reverse("incidents:list"))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("incidents:list"))
    counting = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    # the paginator's count and the attention box; the coordinator reads every confidential case, so none
    # is hidden and they are not counted
    assert len(counting) == 2, "\n".join(counting)
    assert response.context["hidden_confidential"] == 0
    options = response.content.decode().count("<option")
    organisation = response.context["user"].organisation_id
    assert options < Node.objects.filter(organisation_id=organisation).count()


def test_the_scope_places_a_unit_managers_cases_by_unit_ids_and_keeps_the_very_same_cases(persona, samples) -> None:
    """``access.scope`` adds ``incident_node_id IN (…) OR handler OR reporter`` (an index-friendly form of the
    same rule) for a person below the root: the rows are exactly those of the rule without it."""
    handled_elsewhere = samples["hemtjanst"]  # outside Solrosen: visible to its manager only as its handler
    handled_elsewhere.handler = persona("chef.solrosen")
    handled_elsewhere.save(update_fields=["handler"])
    personas = ("chef.solrosen", "chef.hemtjanst", "ombud.solrosen", "handlaggare.bou", "anstalld", "samordnare")
    for username in personas:
        user = persona(username)
        for perm, as_owner in (
            (Perm.VIEW_INCIDENTS, True),
            (Perm.VIEW_INCIDENTS, False),
            (Perm.HANDLE_INCIDENTS, True),
        ):
            narrowed = access.scope(user, perm, Incident.objects.all(), as_owner=as_owner)
            plain = access.scope(user, perm, Incident.objects.all(), as_owner=as_owner, narrow=False)
            assert set(narrowed) == set(plain), (username, perm, as_owner)
    manager = persona("chef.solrosen")
    rows = access.scope(manager, Perm.VIEW_INCIDENTS, Incident.objects.all())
    assert '"incident_node_id" IN (' in str(rows.query)  # the index-friendly form
    assert '"incident_node_id" IN (' not in str(
        access.scope(manager, Perm.VIEW_INCIDENTS, Incident.objects.all(), narrow=False).query
    )
    assert handled_elsewhere in rows
    coordinator = persona("samordnare")  # a role at the root: no node condition at all, so nothing to add
    assert '"incident_node_id" IN (' not in str(
        access.scope(coordinator, Perm.VIEW_INCIDENTS, Incident.objects.all()).query
    )


def test_the_scope_reads_the_unit_ids_once_per_request(persona) -> None:
    manager = persona("chef.solrosen")
    with CaptureQueriesContext(connection) as queries:
        for _ in range(3):
            list(access.scope(manager, Perm.VIEW_INCIDENTS, Incident.objects.all()))
    sql = [q["sql"] for q in queries.captured_queries]
    node_reads = [q for q in sql if 'FROM "core_node"' in q and "incidents_incident" not in q]
    assert len(node_reads) == 1, node_reads


def test_list_page_counts_its_cases_only_up_to_the_cap_and_says_more(client_for, samples, monkeypatch) -> None:
    """Counting every match of half a million cases cost more than the page: the count stops at the cap."""
    from varna.incidents.views import handling

    client = client_for("samordnare")
    full = client.get(reverse("incidents:list"), {"status": ""}).context["page"].paginator
    assert not full.capped and full.count > 3
    monkeypatch.setattr(handling, "COUNT_CAP", 3)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("incidents:list"), {"status": ""})
    paginator = response.context["page"].paginator
    assert paginator.capped and paginator.count == 3
    counting = next(q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper() and "LIMIT" in q["sql"])
    assert "LIMIT 4" in counting  # one past the cap, no more
    assert len(response.context["page"].object_list) == 3
