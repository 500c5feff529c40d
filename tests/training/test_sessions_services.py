"""Course sessions: plan one, sign people up from the arranging node's subtree, and mark attendance in one step
(RECORD_TRAINING, scoped to the session's node)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.core.world import add_person, add_role
from tests.training.course_world import CourseWorld, build_course_world
from varna.core.models import Role
from varna.core.services import StaleFormError
from varna.training.models import CourseSession, RecordSource, SessionParticipant, TrainingRecord
from varna.training.services import sessions as services


@pytest.fixture
def cw(db: None) -> CourseWorld:
    return build_course_world()


def past_session(cw: CourseWorld, days_ago: int = 3) -> CourseSession:
    return services.create_session(
        actor=cw.w.manager,
        node=cw.w.sun_school,
        course=cw.course("brand-repetition"),
        starts_at=timezone.now() - datetime.timedelta(days=days_ago),
        place="Aulan",
        teacher="Räddningstjänsten",
    )


def test_a_unit_manager_plans_a_session_for_the_unit(cw: CourseWorld) -> None:
    session = past_session(cw)
    assert (session.node, session.place, session.teacher) == (cw.w.sun_school, "Aulan", "Räddningstjänsten")
    assert session.history.get().history_user == cw.w.manager


def test_a_session_sent_twice_is_planned_once(cw: CourseWorld) -> None:
    starts_at = timezone.now() + datetime.timedelta(days=7)
    values = {"node": cw.w.sun_school, "course": cw.course("hlr"), "starts_at": starts_at, "place": "", "teacher": ""}
    first = services.create_session(actor=cw.w.manager, **values)  # type: ignore[arg-type]
    again = services.create_session(actor=cw.w.manager, **values)  # type: ignore[arg-type]
    assert first.pk == again.pk


def test_a_unit_manager_may_not_arrange_a_session_for_another_unit(cw: CourseWorld) -> None:
    with pytest.raises(PermissionDenied):
        services.create_session(
            actor=cw.w.manager,
            node=cw.w.moon_school,
            course=cw.course("hlr"),
            starts_at=timezone.now(),
            place="",
            teacher="",
        )


def test_a_security_officer_who_only_sees_training_may_not_arrange_sessions(cw: CourseWorld) -> None:
    with pytest.raises(PermissionDenied):
        services.create_session(
            actor=cw.w.officer,
            node=cw.w.school_admin,
            course=cw.course("hlr"),
            starts_at=timezone.now(),
            place="",
            teacher="",
        )


def test_people_from_the_subtree_are_signed_up_once(cw: CourseWorld) -> None:
    session = past_session(cw)
    assert services.add_participants(actor=cw.w.manager, session=session, people=[cw.w.employee, cw.w.manager]) == 2
    assert services.add_participants(actor=cw.w.manager, session=session, people=[cw.w.employee]) == 0
    assert set(session.participants.values_list("person_id", flat=True)) == {cw.w.employee.pk, cw.w.manager.pk}


def test_someone_employed_outside_the_arranging_node_cannot_be_signed_up(cw: CourseWorld) -> None:
    session = past_session(cw)
    with pytest.raises(ValidationError) as exc:
        services.add_participants(actor=cw.w.manager, session=session, people=[cw.w.employee, cw.w.moon_teacher])
    assert exc.value.code == "outside"
    assert not session.participants.exists()


def test_marking_attendance_records_the_course_for_those_present_in_one_step(cw: CourseWorld) -> None:
    session = past_session(cw)
    services.add_participants(actor=cw.w.manager, session=session, people=[cw.w.employee, cw.w.manager])
    session.refresh_from_db()
    result = services.mark_attendance(
        actor=cw.w.manager, session=session, present={cw.w.employee.pk}, revision=session.revision
    )
    assert [r.person for r in result.created] == [cw.w.employee]
    record = TrainingRecord.objects.get(person=cw.w.employee)
    assert (record.course, record.source, record.session, record.completed_on, record.recorded_by) == (
        cw.course("brand-repetition"),
        RecordSource.SESSION,
        session,
        timezone.localdate(session.starts_at),
        cw.w.manager,
    )
    assert record.expires_on is not None
    attended = dict(session.participants.values_list("person_id", "attended"))
    assert attended == {cw.w.employee.pk: True, cw.w.manager.pk: False}
    session.refresh_from_db()
    assert session.attendance_marked_at is not None


def test_a_second_submit_of_the_same_attendance_changes_nothing(cw: CourseWorld) -> None:
    session = past_session(cw)
    services.add_participants(actor=cw.w.manager, session=session, people=[cw.w.employee, cw.w.manager])
    session.refresh_from_db()
    shown = session.revision
    present = {cw.w.employee.pk, cw.w.manager.pk}
    services.mark_attendance(actor=cw.w.manager, session=session, present=present, revision=shown)
    session.refresh_from_db()
    marked_at = session.attendance_marked_at
    history = (TrainingRecord.history.count(), SessionParticipant.history.count())
    again = services.mark_attendance(actor=cw.w.manager, session=session, present=present, revision=shown)
    assert (again.created, again.already_recorded) == ([], 2)
    assert TrainingRecord.objects.count() == 2
    assert (TrainingRecord.history.count(), SessionParticipant.history.count()) == history
    session.refresh_from_db()
    assert session.attendance_marked_at == marked_at


def test_someone_marked_absent_after_all_loses_the_record_of_the_session(cw: CourseWorld) -> None:
    session = past_session(cw)
    services.add_participants(actor=cw.w.manager, session=session, people=[cw.w.employee, cw.w.manager])
    session.refresh_from_db()
    both = {cw.w.employee.pk, cw.w.manager.pk}
    services.mark_attendance(actor=cw.w.manager, session=session, present=both, revision=session.revision)
    services.mark_attendance(actor=cw.w.manager, session=session, present={cw.w.manager.pk}, revision=None)
    assert list(TrainingRecord.objects.values_list("person_id", flat=True)) == [cw.w.manager.pk]
    deleted = TrainingRecord.history.get(person_id=cw.w.employee.pk, history_type="-")
    assert deleted.history_user == cw.w.manager and deleted.history_change_reason


def test_attendance_cannot_be_marked_before_the_session_starts(cw: CourseWorld) -> None:
    session = services.create_session(
        actor=cw.w.manager,
        node=cw.w.sun_school,
        course=cw.course("hlr"),
        starts_at=timezone.now() + datetime.timedelta(days=2),
        place="",
        teacher="",
    )
    services.add_participants(actor=cw.w.manager, session=session, people=[cw.w.employee])
    with pytest.raises(ValidationError) as exc:
        services.mark_attendance(actor=cw.w.manager, session=session, present={cw.w.employee.pk})
    assert exc.value.code == "future"
    assert not TrainingRecord.objects.exists()


def test_an_attendance_form_shown_before_someone_was_added_is_refused(cw: CourseWorld) -> None:
    session = past_session(cw)
    services.add_participants(actor=cw.w.manager, session=session, people=[cw.w.employee])
    session.refresh_from_db()
    shown = session.revision
    services.add_participants(actor=cw.w.manager, session=session, people=[cw.w.manager])
    with pytest.raises(StaleFormError):
        services.mark_attendance(actor=cw.w.manager, session=session, present={cw.w.employee.pk}, revision=shown)
    assert not TrainingRecord.objects.exists()


def test_only_participants_can_be_marked_present(cw: CourseWorld) -> None:
    session = past_session(cw)
    services.add_participants(actor=cw.w.manager, session=session, people=[cw.w.employee])
    with pytest.raises(ValidationError) as exc:
        services.mark_attendance(actor=cw.w.manager, session=session, present={cw.w.carer.pk})
    assert exc.value.code == "unknown"


def test_someone_who_moved_away_cannot_be_marked_present_and_nothing_is_written(cw: CourseWorld) -> None:
    session = past_session(cw)
    services.add_participants(actor=cw.w.manager, session=session, people=[cw.w.employee, cw.w.manager])
    cw.w.employee.employment_node = cw.w.home_care
    cw.w.employee.save()
    with pytest.raises(ValidationError) as exc:
        services.mark_attendance(actor=cw.w.manager, session=session, present={cw.w.employee.pk, cw.w.manager.pk})
    assert exc.value.code == "outside"
    assert not TrainingRecord.objects.exists()
    assert not session.participants.filter(attended__isnull=False).exists()


def test_a_participant_marked_present_is_not_taken_off_but_an_absent_one_is(cw: CourseWorld) -> None:
    session = past_session(cw)
    services.add_participants(actor=cw.w.manager, session=session, people=[cw.w.employee, cw.w.manager])
    services.mark_attendance(actor=cw.w.manager, session=session, present={cw.w.employee.pk})
    with pytest.raises(ValidationError):
        services.remove_participant(actor=cw.w.manager, session=session, person=cw.w.employee)
    services.remove_participant(actor=cw.w.manager, session=session, person=cw.w.manager)
    assert list(session.participants.values_list("person_id", flat=True)) == [cw.w.employee.pk]


def test_a_head_of_administration_arranges_for_the_whole_administration(cw: CourseWorld) -> None:
    head = add_person(cw.w.org, "hedda.chef", cw.w.school_admin)
    add_role(head, Role.HEAD_OF_ADMINISTRATION, cw.w.school_admin)
    session = services.create_session(
        actor=head,
        node=cw.w.school_admin,
        course=cw.course("hlr"),
        starts_at=timezone.now() - datetime.timedelta(hours=2),
        place="",
        teacher="",
    )
    services.add_participants(actor=head, session=session, people=[cw.w.employee, cw.w.moon_teacher])
    result = services.mark_attendance(actor=head, session=session, present={cw.w.employee.pk, cw.w.moon_teacher.pk})
    assert len(result.created) == 2


def test_the_time_of_a_marked_session_cannot_be_changed(cw: CourseWorld) -> None:
    session = past_session(cw)
    services.add_participants(actor=cw.w.manager, session=session, people=[cw.w.employee])
    services.mark_attendance(actor=cw.w.manager, session=session, present={cw.w.employee.pk})
    session.refresh_from_db()
    values = {"course": session.course, "place": "Nya aulan", "teacher": session.teacher}
    with pytest.raises(ValidationError):
        services.update_session(
            actor=cw.w.manager,
            session=session,
            revision=session.revision,
            starts_at=session.starts_at - datetime.timedelta(days=1),
            **values,
        )
    services.update_session(
        actor=cw.w.manager, session=session, revision=session.revision, starts_at=session.starts_at, **values
    )
    session.refresh_from_db()
    assert session.place == "Nya aulan"
