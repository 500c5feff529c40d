"""Pseudonymisation of personal data in the free text of old records that are kept (``core/pseudonymise.py``).

Small hand-built data (``tests/core/world.py``), not the demo: a few closed incidents of Exempelkommun whose texts
name the reporter, the person affected and the handler, with personal identity numbers, e-mail addresses and phone
numbers. The schedule's default pseudonymises ordinary incidents two years after closing and disposes of them
after five.
"""

from __future__ import annotations

import datetime
import json
import re
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.core.world import World, add_role, build_world
from varna.core import retention
from varna.core.models import (
    DisposalBatch,
    DisposalRecord,
    PseudonymisedRecord,
    RetentionRule,
    Role,
    User,
)
from varna.core.pseudonymise import Replacer, Spelling
from varna.incidents import services
from varna.incidents.models import (
    CostLine,
    Incident,
    IncidentCategory,
    IncidentType,
    Status,
    TimelineEntry,
    TimelineKind,
)
from varna.incidents.retention import INCIDENT_TEXT
from varna.incidents.services import summary

DECISION = "Kommunstyrelsen 2025-03-11 § 42, dnr KS 2025/77"


@pytest.fixture
def w(db: None) -> World:
    world = build_world()
    services.ensure_defaults(organisation=world.org)
    RetentionRule.objects.filter(organisation=world.org).update(decision=DECISION)
    return world


def _type(w: World, category: str = IncidentCategory.ORDINARY) -> IncidentType:
    return IncidentType.objects.filter(organisation=w.org, category=category, active=True).order_by("pk").first()  # type: ignore[return-value]


def _case(
    w: World,
    years_ago: int,
    description: str,
    *,
    reporter: User | None = None,
    victim: User | None = None,
    handler: User | None = None,
    later: dict[str, str] | None = None,
    note: str = "",
    cost: str = "",
) -> Incident:
    """A closed ordinary incident: reported with ``description``, then (one more history row) ``later``'s texts
    and the handler, a note on the timeline and a cost line; closed ``years_ago`` years ago."""
    reporter = reporter or w.employee
    incident, _created = services.report_incident(
        actor=reporter,
        incident_type=_type(w),
        occurred_at=timezone.now() - datetime.timedelta(days=365 * years_ago + 30),
        incident_node=w.sun_school,
        description=description,
        victim=victim,
    )
    if later or handler:
        for field, text in (later or {}).items():
            setattr(incident, field, text)
        incident.handler = handler
        incident.save()  # a second history row
    if note:
        TimelineEntry.objects.create(
            organisation=w.org,
            incident=incident,
            at=timezone.now(),
            actor=handler or reporter,
            kind=TimelineKind.NOTE,
            note=note,
        )
    if cost:
        with summary.keeping_summary([incident.pk]):
            CostLine.objects.create(
                organisation=w.org,
                incident=incident,
                amount=Decimal(4500),
                accounting_code="1234-5678",
                description=cost,
                created_by=w.coordinator,
            )
    closed = timezone.now() - datetime.timedelta(days=365 * years_ago + 10)
    with summary.keeping_summary([incident.pk]):
        Incident.objects.filter(pk=incident.pk).update(status=Status.CLOSED, closed_at=closed)
    incident.refresh_from_db()
    return incident


def _approve(w: World) -> list[DisposalRecord]:
    batch = retention.propose_batch(organisation=w.org)
    assert batch is not None
    return retention.approve_batch(actor=w.coordinator, batch=batch)


def _texts(incident: Incident) -> list[str]:
    """Every registered text of the incident: its row, its history rows, its notes and cost lines."""
    fields = list(INCIDENT_TEXT.fields)
    out = [str(v) for v in Incident.objects.filter(pk=incident.pk).values_list(*fields).get()]
    for row in Incident.history.filter(id=incident.pk).values_list(*fields):
        out += [str(v) for v in row]
    out += list(TimelineEntry.objects.filter(incident=incident).values_list("note", flat=True))
    out += list(CostLine.objects.filter(incident=incident).values_list("description", flat=True))
    out += list(CostLine.history.filter(incident_id=incident.pk).values_list("description", flat=True))
    return out


# --- what is replaced ---------------------------------------------------------------------------------------


def test_names_personnummer_email_and_phone_are_replaced_in_the_row_its_history_and_its_notes(w: World) -> None:
    incident = _case(
        w,
        3,
        "Erik Anstalld såg Mona Larare bli knuffad. Mona har personnummer 850101-1234.",
        victim=w.moon_teacher,
        handler=w.officer,
        later={"description": "Mona Larare knuffades; ring henne på 070-123 45 67 eller mona@hemma.se."},
        note="Olle Handlaggare har pratat med Mona, 19850101-1234.",
        cost="Ersättning till Larare för glasögon",
    )
    _approve(w)
    incident.refresh_from_db()
    assert incident.description == "[Person 2] knuffades; ring henne på [telefon] eller [e-post]."
    history = list(Incident.history.filter(id=incident.pk).order_by("history_id").values_list("description", flat=True))
    assert history[0] == "[Person 1] såg [Person 2] bli knuffad. [Person 2] har personnummer [personnummer]."
    assert history[-1] == incident.description
    note = TimelineEntry.objects.get(incident=incident, kind=TimelineKind.NOTE).note
    assert note == "[Person 3] har pratat med [Person 2], [personnummer]."
    assert CostLine.objects.get(incident=incident).description == "Ersättning till [Person 2] för glasögon"
    assert set(CostLine.history.filter(incident_id=incident.pk).values_list("description", flat=True)) == {
        "Ersättning till [Person 2] för glasögon"
    }
    for text in _texts(incident):
        assert "Mona" not in text and "Larare" not in text and "1234" not in text


def test_the_same_person_gets_the_same_placeholder_within_one_record_and_others_another(w: World) -> None:
    first = _case(w, 3, "Mona Larare ringde Erik. Sedan ringde Erik Anstalld Mona igen.", victim=w.moon_teacher)
    second = _case(w, 3, "Mona Larare anmälde själv.", reporter=w.moon_teacher)
    _approve(w)
    first.refresh_from_db()
    second.refresh_from_db()
    # The reporter is Person 1, the person affected Person 2: the order of the record's links, not of the text.
    assert first.description == "[Person 2] ringde [Person 1]. Sedan ringde [Person 1] [Person 2] igen."
    assert second.description == "[Person 1] anmälde själv."


def test_a_person_is_found_by_a_name_they_had_before(w: World) -> None:
    w.moon_teacher.last_name = "Svensson"  # married: the people register's history keeps "Larare"
    w.moon_teacher.save()
    incident = _case(w, 3, "Mona Larare (numera Svensson) blev hotad.", victim=w.moon_teacher)
    _approve(w)
    incident.refresh_from_db()
    assert incident.description == "[Person 2] (numera [Person 2]) blev hotad."


def test_what_is_not_personal_data_is_left_as_it_was() -> None:
    replace = Replacer([[Spelling("Anna", "Berg", "")], [Spelling("Anna", "Lind", "")]])
    text = "Ärende 2024-00042 den 2024-01-15 kostade 4 500 kr; berget rasade, Berg såg det. Annas väska."
    assert replace(text) == (
        "Ärende 2024-00042 den 2024-01-15 kostade 4 500 kr; berget rasade, [Person 1] såg det. [Person]s väska."
    )
    assert replace("ANNA LIND och Gustav Granne") == "[Person 2] och Gustav Granne"  # only linked people
    assert (
        replace("Ring 08-123 45 67, +46 70 111 22 33 eller 0701234567.") == "Ring [telefon], [telefon] eller [telefon]."
    )
    assert replace("Samordningsnummer 850161-1234, 8501011234, 19850101+1234.") == (
        "Samordningsnummer [personnummer], [personnummer], [personnummer]."
    )


# --- what is not touched ------------------------------------------------------------------------------------


def test_a_held_record_is_untouched(w: World) -> None:
    text = "Erik Anstalld, 850101-1234, halkade."
    incident = _case(w, 3, text)
    retention.place_hold(actor=w.coordinator, kind="incidents.ordinary", reference=incident.number, reason="Tvist")
    batch = retention.propose_batch(organisation=w.org)
    assert batch is None or incident.pk not in batch.pseudonymise.get("incidents.ordinary", [])
    if batch is not None:
        retention.approve_batch(actor=w.coordinator, batch=batch)
    incident.refresh_from_db()
    assert incident.description == text
    assert not PseudonymisedRecord.objects.filter(object_id=incident.pk).exists()


def test_a_record_younger_than_the_rule_is_untouched_and_one_due_for_gallring_is_disposed_of(w: World) -> None:
    young = _case(w, 1, "Erik Anstalld halkade.")
    old = _case(w, 3, "Erik Anstalld snubblade.")
    gone = _case(w, 7, "Erik Anstalld föll.")
    batch = retention.propose_batch(organisation=w.org)
    assert batch is not None
    assert batch.pseudonymise == {"incidents.ordinary": [old.pk]}
    assert batch.items == {"incidents.ordinary": [gone.pk]}
    retention.approve_batch(actor=w.coordinator, batch=batch)
    young.refresh_from_db()
    old.refresh_from_db()
    assert young.description == "Erik Anstalld halkade."
    assert old.description == "[Person 1] snubblade."
    assert not Incident.objects.filter(pk=gone.pk).exists()


def test_a_rule_that_says_never_pseudonymises_nothing(w: World) -> None:
    RetentionRule.objects.filter(organisation=w.org, kind="incidents.ordinary").update(pseudonymise_after_years=None)
    incident = _case(w, 3, "Erik Anstalld halkade.")
    assert retention.propose_batch(organisation=w.org) is None
    incident.refresh_from_db()
    assert incident.description == "Erik Anstalld halkade."


def test_running_twice_changes_nothing_the_second_time(w: World) -> None:
    incident = _case(w, 3, "Erik Anstalld, erik@example.se, halkade.", handler=w.officer)
    _approve(w)
    before = _texts(incident)
    revision = Incident.objects.get(pk=incident.pk).revision
    assert retention.propose_batch(organisation=w.org) is None  # nothing due any more
    batch = DisposalBatch.objects.create(organisation=w.org, pseudonymise={"incidents.ordinary": [incident.pk]})
    assert retention.approve_batch(actor=w.coordinator, batch=batch) == []
    assert _texts(incident) == before
    assert Incident.objects.get(pk=incident.pk).revision == revision


# --- the record of it, the schedule, the pages ---------------------------------------------------------------


def test_the_log_holds_kind_count_decision_and_who_but_no_content(w: World) -> None:
    incidents = [_case(w, 3, f"Erik Anstalld halkade i trappan {n}.") for n in range(2)]
    done = _approve(w)
    assert len(done) == 1
    record = done[0]
    assert (record.operation, record.kind, record.count, record.years) == ("pseudonymised", "incidents.ordinary", 2, 2)
    assert (record.decision, record.approved_by) == (DECISION, w.coordinator)
    stored = json.dumps(list(DisposalRecord.objects.filter(pk=record.pk).values()), default=str)
    stored += json.dumps(list(DisposalBatch.objects.filter(pk=record.batch_id).values()), default=str)
    for incident in incidents:
        assert incident.number not in stored
    assert "Erik" not in stored and "trappan" not in stored
    assert DisposalBatch.objects.get(pk=record.batch_id).pseudonymise == {}


def test_the_schedule_refuses_pseudonymisation_that_does_not_come_before_gallring(w: World) -> None:
    rule = RetentionRule.objects.get(organisation=w.org, kind="incidents.ordinary")
    assert (rule.years, rule.pseudonymise_after_years) == (5, 2)
    with pytest.raises(ValidationError, match=r"före gallringen|before gallring"):
        retention.update_rule(
            actor=w.coordinator, rule=rule, years=5, action="dispose", pseudonymise_after_years=5, decision="KS § 1"
        )
    retention.update_rule(
        actor=w.coordinator, rule=rule, years=5, action="preserve", pseudonymise_after_years=8, decision="KS § 1"
    )
    outbox = RetentionRule.objects.get(organisation=w.org, kind="core.outbox")
    with pytest.raises(ValidationError):
        retention.update_rule(
            actor=w.coordinator, rule=outbox, years=1, action="dispose", pseudonymise_after_years=0, decision="KS"
        )


def test_the_rule_form_explains_in_swedish_why_the_years_are_refused(w: World) -> None:
    client = Client()
    client.force_login(w.coordinator)
    rule = RetentionRule.objects.get(organisation=w.org, kind="incidents.threat")
    url = f"/retention/{rule.pk}/"
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="sv")
    assert "Pseudonymisera personuppgifter i fritext efter" in page.content.decode()
    data = {"years": 10, "action": "dispose", "pseudonymise_after_years": 12, "decision": "KS § 3"}
    response = client.post(url, {**data, "revision": rule.revision}, HTTP_ACCEPT_LANGUAGE="sv")
    assert "Pseudonymiseringen måste ske före gallringen" in response.content.decode()
    assert RetentionRule.objects.get(pk=rule.pk).pseudonymise_after_years == 5
    response = client.post(url, {**data, "pseudonymise_after_years": "", "revision": rule.revision})
    assert response.status_code == 302
    assert RetentionRule.objects.get(pk=rule.pk).pseudonymise_after_years is None


def test_the_dry_run_lists_what_would_be_pseudonymised_and_writes_nothing(w: World) -> None:
    incident = _case(w, 3, "Erik Anstalld halkade.")
    out = StringIO()
    call_command("gallra", "--dry-run", stdout=out)
    assert "Händelser och skador (övriga): personuppgifter i fritext i 1 handlingar ska pseudonymiseras" in (
        out.getvalue()
    )
    assert not DisposalBatch.objects.exists()
    incident.refresh_from_db()
    assert incident.description == "Erik Anstalld halkade."


def test_the_coordinator_sees_and_approves_the_pseudonymisation_on_the_gallring_page(w: World) -> None:
    incident = _case(w, 3, "Erik Anstalld halkade.")
    batch = retention.propose_batch(organisation=w.org)
    assert batch is not None
    client = Client()
    client.force_login(w.coordinator)
    page = client.get("/retention/due/", HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert "Pseudonymisering av personuppgifter i fritext" in page
    assert "Godkänn pseudonymiseringen" in page
    response = client.post(
        "/retention/approve/", {"batch": batch.pk, "revision": batch.revision}, follow=True, HTTP_ACCEPT_LANGUAGE="sv"
    )
    assert "Personuppgifterna i fritexten i 1 handlingar har pseudonymiserats." in response.content.decode()
    incident.refresh_from_db()
    assert incident.description == "[Person 1] halkade."


def test_disposing_of_a_pseudonymised_record_removes_its_mark(w: World) -> None:
    incident = _case(w, 3, "Erik Anstalld halkade.")
    _approve(w)
    assert PseudonymisedRecord.objects.filter(kind="incidents.ordinary", object_id=incident.pk).exists()
    with summary.keeping_summary([incident.pk]):
        Incident.objects.filter(pk=incident.pk).update(closed_at=timezone.now() - datetime.timedelta(days=365 * 6))
    _approve(w)
    assert not Incident.objects.filter(pk=incident.pk).exists()
    assert not PseudonymisedRecord.objects.filter(object_id=incident.pk).exists()


# --- the property ---------------------------------------------------------------------------------------------

POOL = (("Ingrid", "Holmqvist"), ("Bertil", "Åkesson"), ("Fatima", "Nilsson"), ("Jonas", "Lindgren"))
FILLER = ("bilen", "dörren", "gick", "sönder", "på", "förmiddagen", "eleven", "slog", "i", "korridoren", "och", "hot")
PHONES = ("070-123 45 67", "08-123 45 67", "+46 70 111 22 33", "0701234567", "031-12 34 56")


class Rollback(Exception):
    """Ends one example: everything it wrote is rolled back."""


@st.composite
def person_numbers(draw: st.DrawFn) -> str:
    day = draw(st.dates(datetime.date(1930, 1, 1), datetime.date(2009, 12, 31)))
    serial = draw(st.integers(0, 9999))
    coordination = draw(st.booleans())
    dd = day.day + 60 if coordination else day.day
    style = draw(st.sampled_from(["short", "long", "bare", "plus"]))
    if style == "long":
        return f"{day:%Y%m}{dd:02d}{draw(st.sampled_from(['', '-']))}{serial:04d}"
    if style == "bare" and day.year >= 1940 and day.year < 2000:  # ten bare digits from 0 look like a phone
        return f"{day:%y%m}{dd:02d}{serial:04d}"
    return f"{day:%y%m}{dd:02d}{'+' if style == 'plus' else '-'}{serial:04d}"


# One piece of text: (what is written, what it becomes); ``None`` as the second: a linked person's name, resolved
# per record (the first of the pair is the pool index and the form of the name).
Piece = tuple[Any, Any]
pieces = st.one_of(
    st.sampled_from(FILLER).map(lambda word: (word, word)),
    person_numbers().map(lambda pnr: (pnr, "[personnummer]")),
    st.sampled_from(PHONES).map(lambda phone: (phone, "[telefon]")),
    st.tuples(st.from_regex(r"[a-z]{1,8}(\.[a-z]{1,8})?", fullmatch=True), st.sampled_from(["kommun.se", "x.nu"])).map(
        lambda p: (f"{p[0]}@{p[1]}", "[e-post]")
    ),
    st.tuples(st.integers(0, len(POOL) - 1), st.sampled_from(["full", "first", "last", "genitive", "upper"])).map(
        lambda p: (p, None)
    ),
)


@st.composite
def records(draw: st.DrawFn) -> dict[str, Any]:
    people = draw(st.lists(st.integers(0, len(POOL) - 1), min_size=1, max_size=3, unique=True))
    return {
        "people": people,  # reporter, then the person affected and the handler where drawn
        "years_ago": draw(st.sampled_from([1, 3])),
        "held": draw(st.booleans()),
        "texts": draw(st.lists(st.lists(pieces, min_size=1, max_size=8), min_size=4, max_size=4)),
    }


def _render(pieces_: list[Piece], linked: list[int], replace: bool) -> str:
    """The text the pieces make, as written or (``replace``) as pseudonymised for a record linked to ``linked``."""
    out = []
    skip = False
    for at, (written, becomes) in enumerate(pieces_):
        if skip:
            skip = False
            continue
        if becomes is not None:
            out.append(becomes if replace else written)
            continue
        index, form = written
        first, last = POOL[index]
        text = {
            "full": f"{first} {last}",
            "first": first,
            "last": last,
            "genitive": f"{first}s",
            "upper": f"{first} {last}".upper(),
        }[form]
        if replace and index in linked:
            text = f"[Person {linked.index(index) + 1}]" + ("s" if form == "genitive" else "")
            following = pieces_[at + 1][0] if at + 1 < len(pieces_) else None
            if form == "first" and following in ((index, "last"), (index, "genitive_last")):
                skip = True  # "Ingrid" then "Holmqvist" is the full name: one placeholder
        out.append(text)
    return " ".join(out)


def _others(incident: Incident) -> dict[str, Any]:
    """Everything of the incident that is not registered free text (nor the revision a rewrite raises)."""
    values = Incident.objects.filter(pk=incident.pk).values().get()
    return {k: v for k, v in values.items() if k not in INCIDENT_TEXT.fields and k not in ("revision", "updated_at")}


@pytest.fixture
def pool(w: World) -> list[User]:
    people = []
    for n, (first, last) in enumerate(POOL):
        person = User.objects.create_user(
            username=f"pool{n}", organisation=w.org, employment_node=w.sun_school, first_name=first, last_name=last
        )
        add_role(person, Role.EMPLOYEE, w.sun_school)
        people.append(person)
    return people


@given(made=st.lists(records(), min_size=1, max_size=4))
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
def test_after_the_run_no_linked_name_or_number_remains_and_nothing_else_changes(
    w: World, pool: list[User], made: list[dict[str, Any]]
) -> None:
    try:
        with transaction.atomic():
            cases = []
            for spec in made:
                people = [pool[i] for i in spec["people"]]
                reporter, victim, handler = [*people, None, None][:3]
                first, later, note, causes = spec["texts"]
                incident = _case(
                    w,
                    spec["years_ago"],
                    _render(first, [], False),
                    reporter=reporter,
                    victim=victim,
                    handler=handler,
                    later={"description": _render(later, [], False), "causes": _render(causes, [], False)},
                    note=_render(note, [], False),
                )
                if spec["held"]:
                    retention.place_hold(
                        actor=w.coordinator, kind="incidents.ordinary", reference=incident.number, reason="Tvist"
                    )
                cases.append((incident, spec, _others(incident)))
            batch = retention.propose_batch(organisation=w.org)
            if batch is not None:
                retention.approve_batch(actor=w.coordinator, batch=batch)
            for incident, spec, others in cases:
                due = spec["years_ago"] >= 2 and not spec["held"]
                linked = spec["people"]
                first, later, note, causes = spec["texts"]
                row = Incident.objects.get(pk=incident.pk)
                assert row.description == _render(later, linked, due)
                assert row.causes == _render(causes, linked, due)
                history = [h.description for h in Incident.history.filter(id=incident.pk).order_by("history_id")]
                expected = [_render(first, linked, due), _render(later, linked, due)]
                assert (history[0], history[-1]) == (expected[0], expected[1])
                assert set(history) <= set(expected)
                assert TimelineEntry.objects.get(incident=incident, kind=TimelineKind.NOTE).note == _render(
                    note, linked, due
                )
                assert _others(incident) == others
                if due:
                    for text in _texts(incident):
                        for index in linked:
                            assert POOL[index][0] not in text and POOL[index][1] not in text
                        assert not re.search(r"\d", re.sub(r"\[Person \d+\]", "", text))
            raise Rollback
    except Rollback:
        pass
