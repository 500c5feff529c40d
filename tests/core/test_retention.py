"""The life of records: the retention schedule, holds, the dry run, gallring's record, the archive package, the
register extract, the pages and the API."""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import zipfile
from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone

from tests.core.test_retention_properties import Spec, World, _make, make_world
from tests.database import quote
from tests.insurance.claim_samples import make_sample_claims
from varna.core import archive, extract, registry, retention, selectors_retention
from varna.core.models import (
    DisposalBatch,
    DisposalRecord,
    Organisation,
    RecordLog,
    RetentionHold,
    RetentionRule,
    User,
)
from varna.core.tokens import issue_token
from varna.incidents.models import Attachment, Incident, Status
from varna.incidents.services import summary

pytestmark = pytest.mark.usefixtures("media_root")


@pytest.fixture
def media_root(settings: pytest.FixtureRequest, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"  # type: ignore[attr-defined]
    return tmp_path / "media"


@pytest.fixture
def world(persona: Callable[[str], User]) -> World:
    return make_world(persona)


def _approve(w: World) -> list[DisposalRecord]:
    batch = retention.propose_batch(organisation=w.org)
    assert batch is not None
    return retention.approve_batch(actor=w.actor, batch=batch)


# --- the schedule -------------------------------------------------------------------------------------------


def test_a_new_organisation_gets_a_rule_for_every_registered_kind(db: None) -> None:
    org = Organisation.objects.create(name="Nykommun", slug="nykommun")
    rules = {r.kind: r for r in RetentionRule.objects.filter(organisation=org)}
    assert set(rules) == {k.key for k in registry.record_kinds()}
    assert rules["incidents.ordinary"].years == 5
    assert rules["incidents.ordinary"].action == "dispose"
    assert rules["incidents.injury"].action == "preserve"
    assert rules["risks.analysis"].action == "preserve"


def test_a_rule_needs_its_decision_and_refuses_a_stale_form(world: World) -> None:
    rule = RetentionRule.objects.get(organisation=world.org, kind="incidents.ordinary")
    with pytest.raises(ValidationError):
        retention.update_rule(
            actor=world.actor, rule=rule, years=3, action="dispose", pseudonymise_after_years=None, decision="  "
        )
    retention.update_rule(
        actor=world.actor,
        rule=rule,
        years=3,
        action="dispose",
        pseudonymise_after_years=None,
        decision="KS § 1",
        revision=rule.revision,
    )
    rule.refresh_from_db()
    assert (rule.years, rule.decision) == (3, "KS § 1")
    with pytest.raises(ValidationError):
        retention.update_rule(
            actor=world.actor,
            rule=rule,
            years=4,
            action="dispose",
            pseudonymise_after_years=None,
            decision="KS § 2",
            revision=1,
        )


# --- due, holds, the dry run, the record of gallring --------------------------------------------------------


def test_a_held_record_is_never_disposed_of_until_the_hold_is_lifted(world: World) -> None:
    incident = _make(world, Spec("ordinary", 7, False, False, False, True), 1)
    assert retention.propose_batch(organisation=world.org) is None or not _proposed(world, incident)
    hold = RetentionHold.objects.get(object_id=incident.pk)
    retention.lift_hold(actor=world.actor, hold=hold)
    assert _proposed(world, incident)
    _approve(world)
    assert not Incident.objects.filter(pk=incident.pk).exists()


def _proposed(w: World, incident: Incident) -> bool:
    batch = retention.propose_batch(organisation=w.org)
    return batch is not None and incident.pk in batch.items.get("incidents.ordinary", [])


def test_a_hold_placed_after_the_proposal_still_stops_the_disposal(world: World) -> None:
    incident = _make(world, Spec("ordinary", 7, False, False, False, False), 1)
    batch = retention.propose_batch(organisation=world.org)
    assert batch is not None
    retention.place_hold(actor=world.actor, kind="incidents.ordinary", reference=incident.number, reason="Rättsfall")
    retention.approve_batch(actor=world.actor, batch=batch)
    assert Incident.objects.filter(pk=incident.pk).exists()


def test_an_open_insurance_claim_holds_its_incident(world: World) -> None:
    claim = make_sample_claims()["ordinary"]
    closed = timezone.now() - datetime.timedelta(days=365 * 8)
    with summary.keeping_summary([claim.incident_id]):
        Incident.objects.filter(pk=claim.incident_id).update(status=Status.CLOSED, closed_at=closed)
    kind = registry.record_kind("incidents.ordinary")
    assert kind is not None
    rule = RetentionRule.objects.get(organisation=world.org, kind=kind.key)
    due = selectors_retention.due_records(world.org.pk, kind, rule)
    assert not due.filter(pk=claim.incident_id).exists()
    counts = {row.kind.key: row for row in selectors_retention.due_for(world.org.pk)}
    assert counts["incidents.ordinary"].held >= 1


def _all_rows() -> dict[str, int]:
    with connection.cursor() as cursor:
        counts = {}
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608 - names from introspection
            counts[table] = int(cursor.fetchone()[0])
        return counts


def test_the_dry_run_lists_what_is_due_in_swedish_and_writes_nothing(world: World) -> None:
    _make(world, Spec("ordinary", 7, False, False, False, False), 1)
    _make(world, Spec("threat", 12, False, False, False, True), 2)
    before = _all_rows()
    out = StringIO()
    call_command("gallra", "--dry-run", stdout=out)
    assert _all_rows() == before
    text = out.getvalue()
    assert "Exempelkommun" in text
    assert "att gallra" in text
    assert "Torrkörning: ingenting har ändrats." in text
    assert "stoppas av en spärr" in text


def test_the_command_proposes_a_batch_and_deletes_nothing(world: World) -> None:
    incident = _make(world, Spec("ordinary", 7, False, False, False, False), 1)
    call_command("gallra", stdout=StringIO())
    batch = DisposalBatch.objects.get(organisation=world.org, status="proposed")
    assert incident.pk in batch.items["incidents.ordinary"]
    assert Incident.objects.filter(pk=incident.pk).exists()


def test_what_was_disposed_of_is_recorded_without_the_content(world: World) -> None:
    incident = _make(world, Spec("ordinary", 7, True, False, False, False), 1)
    done = _approve(world)
    record = next(d for d in done if d.kind == "incidents.ordinary")
    assert (record.count, record.approved_by, record.years) == (1, world.actor, 5)
    assert record.decision == "KS 2025-01-14 § 7, dnr KS 2024/311"
    batch = DisposalBatch.objects.get(pk=record.batch_id)
    assert batch.status == "done"
    assert batch.items == {}  # not even the ids are kept
    stored = json.dumps(list(DisposalRecord.objects.filter(pk=record.pk).values()), default=str)
    assert incident.number not in stored
    assert "Provhändelse" not in stored


def test_the_preserved_kinds_are_never_disposed_of(world: World) -> None:
    incident = _make(world, Spec("injury", 12, True, False, False, False), 1)
    batch = retention.propose_batch(organisation=world.org)
    assert batch is None or "incidents.injury" not in batch.items
    assert Attachment.objects.filter(incident=incident).exists()


# --- the archive package ------------------------------------------------------------------------------------


def test_the_archive_package_carries_checksums_that_match_every_file(world: World) -> None:
    incident = _make(world, Spec("injury", 12, True, False, False, False), 1)
    _make(world, Spec("injury", 1, False, False, False, False), 2)  # not due yet
    package = archive.deliver(actor=world.actor)
    assert package.records >= 1
    with zipfile.ZipFile(io.BytesIO(package.content)) as bag:
        names = set(bag.namelist())
        assert {"bagit.txt", "bag-info.txt", "manifest-sha256.txt", "tagmanifest-sha256.txt"} <= names
        manifest = _manifest(bag.read("manifest-sha256.txt"))
        assert set(manifest) == {n for n in names if n.startswith("data/")}
        for path, checksum in manifest.items():
            assert hashlib.sha256(bag.read(path)).hexdigest() == checksum, path
        for path, checksum in _manifest(bag.read("tagmanifest-sha256.txt")).items():
            assert hashlib.sha256(bag.read(path)).hexdigest() == checksum, path
        meta = json.loads(bag.read(f"data/incidents.injury/{incident.pk}/record.json"))
        assert meta["record"]["number"] == incident.number
        assert len(meta["files"]) == 1
        assert bag.read(f"data/incidents.injury/{incident.pk}/{meta['files'][0]}") == b"1"
        package_meta = json.loads(bag.read("data/package.json"))
        injury = next(k for k in package_meta["kinds"] if k["kind"] == "incidents.injury")
        assert injury["records"] == [incident.pk]
    log = RecordLog.objects.get(kind="archive_delivery", organisation=world.org)
    assert package.sha256 in log.detail


def _manifest(text: bytes) -> dict[str, str]:
    rows = [line.split("  ", 1) for line in text.decode().splitlines() if line]
    return {path: checksum for checksum, path in rows}


# --- the register extract -----------------------------------------------------------------------------------


def test_the_extract_holds_the_persons_records_and_not_others(world: World, persona: Callable[[str], User]) -> None:
    mine = _make(world, Spec("ordinary", 1, False, False, False, False), 1)
    someone = persona("anstalld")
    theirs = Incident.objects.create(
        **{
            f.attname: getattr(mine, f.attname)
            for f in Incident._meta.concrete_fields
            if f.attname not in ("id", "number", "reporter_id", "idempotency_key", "description")
        },
        number="9999-00001",
        reporter=someone,
        description="Någon annans",
    )
    found = extract.collect(world.actor)
    text = json.loads(found.as_json())
    reported = next(s for s in text["sections"] if s["key"] == "incidents.reported")
    numbers = {r["Ärendenummer"] for r in reported["records"]}
    assert mine.number in numbers
    assert theirs.number not in numbers
    roles = next(s for s in text["sections"] if s["key"] == "core.roles")
    assert roles["records"]


def test_producing_an_extract_is_logged_and_gives_a_pdf_and_json(world: World) -> None:
    person = world.actor
    content, content_type, name = extract.produce(actor=world.actor, person=person, fmt="pdf")
    assert content.startswith(b"%PDF") and content_type == "application/pdf" and name.endswith(".pdf")
    content, content_type, _name = extract.produce(actor=world.actor, person=person, fmt="json")
    assert json.loads(content)["person"]["username"] == person.username
    assert RecordLog.objects.filter(kind="register_extract", subject=person, produced_by=world.actor).count() == 2


def test_erasure_is_refused_with_a_clear_message_while_records_name_the_person(world: World) -> None:
    _make(world, Spec("ordinary", 1, False, False, False, False), 1)
    answer = extract.erasure(world.actor)
    assert not answer.possible
    assert "allmänna handlingar" in answer.message
    assert "arkivlagen" in answer.message.lower() or "dokumenthanteringsplan" in answer.message


# --- pages and the API --------------------------------------------------------------------------------------


def test_the_coordinator_approves_the_proposal_on_the_page(
    world: World, client_for: Callable[[str], Client], django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    incident = _make(world, Spec("ordinary", 7, True, False, False, False), 1)
    name = Attachment.objects.get(incident=incident).file.name
    batch = retention.propose_batch(organisation=world.org)
    assert batch is not None
    client = client_for("samordnare")
    page = client.get("/retention/due/")
    assert page.status_code == 200
    assert "Förslag till gallring" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/retention/approve/", {"batch": batch.pk, "revision": batch.revision}, follow=True)
    assert "Gallringen är klar" in response.content.decode()
    assert not Incident.objects.filter(pk=incident.pk).exists()
    assert name and not default_storage.exists(name)


def test_the_pages_are_the_coordinators(client_for: Callable[[str], Client]) -> None:
    for url in ("/retention/", "/retention/due/", "/register-extract/"):
        assert client_for("samordnare").get(url).status_code == 200
        assert client_for("anstalld").get(url).status_code == 403
        assert client_for("admin").get(url).status_code == 403


def test_the_schedule_page_shows_the_rules_in_swedish(client_for: Callable[[str], Client]) -> None:
    text = client_for("samordnare").get("/retention/").content.decode()
    assert "Dokumenthanteringsplan" in text
    assert "Hot och våld" in text
    assert "Kommunstyrelsen 2024-05-14 § 88" in text


def test_the_extract_page_shows_what_is_stored_and_the_answer_to_erasure(
    client_for: Callable[[str], Client],
) -> None:
    text = client_for("samordnare").get("/register-extract/", {"person": "anstalld"}).content.decode()
    assert "Begäran om radering" in text
    assert "Roller" in text


def test_the_api_gives_the_schedule_and_what_is_due(world: World) -> None:
    key = issue_token(user=world.actor, actor=world.actor)
    client = Client(headers={"Authorization": f"Bearer {key}"})
    schedule = client.get("/api/v1/retention/schedule").json()
    assert {r["kind"] for r in schedule} == {k.key for k in registry.record_kinds()}
    _make(world, Spec("ordinary", 7, False, False, False, False), 1)
    due = {r["kind"]: r for r in client.get("/api/v1/retention/due").json()}
    assert due["incidents.ordinary"]["due"] >= 1
    employee = User.objects.get(username="anstalld")
    other = Client(headers={"Authorization": f"Bearer {issue_token(user=employee, actor=employee)}"})
    assert other.get("/api/v1/retention/due").status_code == 403


def test_an_attachment_file_without_the_incident_is_disposed_of_by_its_own_rule(world: World) -> None:
    incident = _make(world, Spec("threat", 7, True, False, False, False), 1)
    attachment = Attachment.objects.get(incident=incident)
    extra = Attachment.objects.create(
        organisation=world.org,
        incident=incident,
        file=ContentFile(b"x", name="extra.txt"),
        original_name="extra.txt",
        content_type="text/plain",
        size=1,
        uploaded_by=world.actor,
    )
    _approve(world)
    assert Incident.objects.filter(pk=incident.pk).exists()
    assert not Attachment.objects.filter(pk__in=[attachment.pk, extra.pk]).exists()


def test_the_attachments_of_a_preserved_incident_follow_the_incident(world: World) -> None:
    RetentionRule.objects.filter(organisation=world.org, kind="incidents.ordinary").update(action="preserve")
    incident = _make(world, Spec("ordinary", 7, True, False, False, False), 1)
    batch = retention.propose_batch(organisation=world.org)
    assert batch is None or not batch.items.get("incidents.attachments")
    assert Attachment.objects.filter(incident=incident).exists()
