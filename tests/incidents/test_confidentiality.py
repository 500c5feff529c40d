"""Threats and violence (G8, K11): who may see a report, the log of reads, counts instead of rows."""

from __future__ import annotations

import datetime

import pytest
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext

from varna.core.models import Node, Organisation
from varna.incidents import selectors
from varna.incidents.models import ConfidentialRead, Incident, Status
from varna.incidents.services import ensure_defaults, report_incident

MAY_READ = ["chef.solrosen", "handlaggare.bou", "samordnare"]
COLLEAGUES = ["ombud.solrosen"]


@pytest.fixture
def threat_by_representative(persona) -> Incident:
    """A threat reported by the security representative: ``anstalld`` is then a colleague, not the reporter."""
    types = {t.code: t for t in ensure_defaults(organisation=Organisation.objects.get(slug="exempelkommun"))}
    incident, _ = report_incident(
        actor=persona("ombud.solrosen"),
        incident_type=types["violence"],
        occurred_at=timezone.now() - datetime.timedelta(hours=1),
        incident_node=Node.objects.get(name="Solrosens förskola"),
        description="En förälder knuffade en kollega.",
    )
    return incident


def _handling_posts(pk: int) -> list[str]:
    return [
        reverse(f"incidents:{name}", args=[pk])
        for name in ("transition", "assign", "investigation", "cost_add", "cost_delete", "authority_notified", "note")
    ]


@pytest.mark.parametrize("username", COLLEAGUES)
def test_colleague_in_the_same_unit_cannot_see_a_threat_in_lists_nor_by_url(client_for, persona, samples, username):
    threat = samples["threat"]
    client = client_for(username)
    page = client.get(reverse("incidents:list"), {"status": ""}).content.decode()
    assert threat.number not in page
    assert samples["ordinary"].number in page  # the ordinary report from the same unit is there
    assert client.get(reverse("incidents:detail", args=[threat.pk])).status_code == 404
    for url in _handling_posts(threat.pk):
        assert client.post(url, {}).status_code == 404, url
    with pytest.raises(Http404):
        selectors.incident_for(persona(username), threat.pk)
    assert not ConfidentialRead.objects.filter(incident=threat, user=persona(username)).exists()


def test_employee_who_did_not_report_the_threat_cannot_open_it(client_for, threat_by_representative) -> None:
    client = client_for("anstalld")
    assert client.get(reverse("incidents:detail", args=[threat_by_representative.pk])).status_code == 404
    assert client.get(reverse("incidents:list")).status_code == 403  # no incident list for employees at all
    assert threat_by_representative.number not in client.get(reverse("incidents:mine")).content.decode()


def test_the_reporter_may_follow_their_own_threat_report(client_for, samples) -> None:
    assert client_for("anstalld").get(reverse("incidents:detail", args=[samples["threat"].pk])).status_code == 200


@pytest.mark.parametrize("username", MAY_READ)
def test_manager_security_officer_and_coordinator_see_the_threat(client_for, samples, username) -> None:
    threat = samples["threat"]
    client = client_for(username)
    page = client.get(reverse("incidents:list"), {"status": ""}).content.decode()
    assert threat.number in page
    response = client.get(reverse("incidents:detail", args=[threat.pk]))
    assert response.status_code == 200
    assert threat.description in response.content.decode()


@pytest.mark.parametrize("username", MAY_READ)
def test_every_read_of_a_threat_report_is_logged(client_for, persona, samples, username) -> None:
    threat = samples["threat"]
    client = client_for(username)
    client.get(reverse("incidents:detail", args=[threat.pk]))
    client.post(
        reverse("incidents:note", args=[threat.pk]), {"note-text": "Samtal med den utsatta."}
    )  # handling reads it too
    reads = ConfidentialRead.objects.filter(incident=threat, user=persona(username))
    assert reads.count() == 2
    assert {r.what for r in reads} >= {"page", "handling: note"}


def test_reads_of_ordinary_reports_are_not_logged(client_for, samples) -> None:
    client_for("chef.solrosen").get(reverse("incidents:detail", args=[samples["ordinary"].pk]))
    assert not ConfidentialRead.objects.filter(incident=samples["ordinary"]).exists()


def test_coordinator_sees_the_log_of_reads(client_for, persona, samples) -> None:
    client_for("chef.solrosen").get(reverse("incidents:detail", args=[samples["threat"].pk]))
    response = client_for("samordnare").get(reverse("incidents:confidential_log"))
    assert response.status_code == 200
    html = response.content.decode()
    assert samples["threat"].number in html
    assert persona("chef.solrosen").get_full_name() in html


@pytest.mark.parametrize("username", ["chef.solrosen", "handlaggare.bou", "ombud.solrosen", "admin"])
def test_only_the_coordinator_may_see_the_log_of_reads(client_for, username) -> None:
    assert client_for(username).get(reverse("incidents:confidential_log")).status_code == 403


def test_log_of_reads_never_names_a_person_with_protected_identity(client_for, persona, samples) -> None:
    chef = persona("chef.solrosen")
    chef.protected_identity = True
    chef.last_name = "Skyddadsson"
    chef.save()
    client_for("chef.solrosen").get(reverse("incidents:detail", args=[samples["threat"].pk]))
    html = client_for("samordnare").get(reverse("incidents:confidential_log")).content.decode()
    assert "Skyddadsson" not in html


def test_the_representative_sees_a_count_of_hidden_confidential_cases(client_for, persona, samples) -> None:
    user = persona("ombud.solrosen")
    hidden = selectors.hidden_confidential_count(user, selectors.visible_incidents(user))
    assert hidden >= 1
    response = client_for("ombud.solrosen").get(reverse("incidents:list"))
    assert response.context["hidden_confidential"] == hidden
    with translation.override("sv"):
        text = ngettext(
            "%(counter)s confidential case is not shown", "%(counter)s confidential cases are not shown", hidden
        ) % {"counter": hidden}
    assert text in response.content.decode()


def test_the_manager_has_no_hidden_confidential_cases_in_their_unit(client_for, persona, samples) -> None:
    response = client_for("chef.solrosen").get(reverse("incidents:list"))
    assert response.context["hidden_confidential"] == 0


def test_a_handled_threat_stays_hidden_from_the_representative(client_for, persona, samples) -> None:
    from varna.incidents.services import change_status

    change_status(
        actor=persona("chef.solrosen"),
        incident=samples["threat"],
        to_status=Status.INVESTIGATING,
        revision=None,
    )
    page = client_for("ombud.solrosen").get(reverse("incidents:list"), {"status": ""}).content.decode()
    assert samples["threat"].number not in page
