"""Import of the staff list (varna.core.imports.people): people, their units and roles, all or nothing."""

from __future__ import annotations

import pytest
from django.db import DatabaseError

from tests.core.import_samples import EXAMPLES, PEOPLE_HEADER, make_xlsx, messages, people_csv, person
from varna.core.imports import import_nodes, import_people
from varna.core.models import Node, Organisation, Role, RoleAssignment, User

pytestmark = pytest.mark.usefixtures("english", "media_root")


def test_people_are_created_with_their_unit_and_roles(org: Organisation, admin: User, tree: dict[str, Node]) -> None:
    data = people_csv(
        ["501", "Åsa", "Öberg", "asa.oberg@example.se", "", "2101", "Förskolechef", "enhetschef; säkerhetsombud@2100"],
        ["502", "Åsa", "Öberg", "asa.oberg2@example.se", "", "2102", "", ""],
        ["503", "Per", "Lind", "per.lind@example.se", "plind", "2101", "Förskollärare", "Säkerhetsombud, anställd"],
    )
    report = import_people(organisation=org, actor=admin, file_name="personal.csv", data=data)
    assert report.ok, messages(report)
    assert (report.created, report.roles_added) == (3, 6)
    first = User.objects.get(employee_number="501")
    assert (first.username, first.job_title, first.employment_node) == ("asa.oberg", "Förskolechef", tree["2101"])
    assert User.objects.get(employee_number="502").username == "asa.oberg2"
    assert User.objects.get(employee_number="503").username == "plind"
    assert not first.has_usable_password()
    held = set(RoleAssignment.objects.active().filter(user=first).values_list("role", "node__code"))
    assert held == {(Role.EMPLOYEE, "2101"), (Role.UNIT_MANAGER, "2101"), (Role.SECURITY_REPRESENTATIVE, "2100")}
    assert first.history.get().history_user == admin
    assert RoleAssignment.history.filter(user_id=first.pk, history_user=admin).count() == 3


def test_people_import_again_changes_nothing_and_keeps_other_roles(
    org: Organisation, admin: User, tree: dict[str, Node]
) -> None:
    data = people_csv(["501", "Åsa", "Öberg", "asa@example.se", "", "2101", "", "enhetschef"])
    import_people(organisation=org, actor=admin, file_name="personal.csv", data=data)
    again = import_people(organisation=org, actor=admin, file_name="personal.csv", data=data)
    assert (again.created, again.updated, again.unchanged, again.roles_added) == (0, 0, 1, 0)
    moved = people_csv(["501", "Åsa", "Öberg-Lind", "asa@example.se", "", "2102", "", ""])
    report = import_people(organisation=org, actor=admin, file_name="personal.csv", data=moved)
    assert (report.updated, report.roles_added) == (1, 1)
    user = User.objects.get(employee_number="501")
    assert (user.last_name, user.employment_node) == ("Öberg-Lind", tree["2102"])
    held = set(RoleAssignment.objects.active().filter(user=user).values_list("role", "node__code"))
    assert held == {(Role.EMPLOYEE, "2101"), (Role.UNIT_MANAGER, "2101"), (Role.EMPLOYEE, "2102")}


def test_unknown_role_lists_the_valid_role_names(org: Organisation, admin: User, tree: dict[str, Node]) -> None:
    data = people_csv(["501", "Åsa", "Öberg", "asa@example.se", "", "2101", "", "brandchef"])
    report = import_people(organisation=org, actor=admin, file_name="personal.csv", data=data)
    assert [(e.row, e.column) for e in report.errors] == [(2, "roller")]
    assert "brandchef" in report.errors[0].message and "säkerhetssamordnare" in report.errors[0].message
    assert not User.objects.filter(employee_number="501").exists()


def test_bad_rows_are_each_reported_and_nothing_is_written(
    org: Organisation, admin: User, tree: dict[str, Node]
) -> None:
    users_before = User.objects.count()
    data = people_csv(
        ["501", "Åsa", "Öberg", "asa@example.se", "", "2101", "", ""],
        ["502", "Per", "Lind", "inte-en-adress", "", "2101", "", ""],
        ["503", "Eva", "Ek", "eva@example.se", "", "1109", "", ""],
        ["501", "Bo", "Al", "bo@example.se", "", "2101", "", ""],
        ["504", "", "Al", "al@example.se", "", "2101", "", "enhetschef@9999"],
    )
    report = import_people(organisation=org, actor=admin, file_name="personal.csv", data=data)
    assert [(e.row, e.column) for e in report.errors] == [
        (3, "e-post"),
        (4, "enhet"),
        (5, "anställningsnummer"),
        (6, "förnamn"),
        (6, "roller"),
    ]
    assert "Row 4: the unit “1109” does not exist in the organisation." in messages(report)
    assert User.objects.count() == users_before


def test_an_empty_e_mail_address_is_allowed(org: Organisation, admin: User, tree: dict[str, Node]) -> None:
    data = people_csv(["501", "Åsa", "Öberg", "", "", "2101", "Timanställd", ""])
    report = import_people(organisation=org, actor=admin, file_name="personal.csv", data=data)
    assert report.ok, messages(report)
    assert User.objects.get(employee_number="501").email == ""


def test_a_failure_while_writing_leaves_nothing_behind(
    org: Organisation, admin: User, tree: dict[str, Node], monkeypatch: pytest.MonkeyPatch
) -> None:
    from simple_history.utils import bulk_create_with_history as real

    from varna.core.imports import people as people_module

    def fail_on_roles(objs: list[object], model: type, **kwargs: object) -> object:
        if model is RoleAssignment:
            raise DatabaseError("disk full")
        return real(objs, model, **kwargs)

    monkeypatch.setattr(people_module, "bulk_create_with_history", fail_on_roles)
    users_before, history_before = User.objects.count(), User.history.count()
    data = people_csv(["501", "Åsa", "Öberg", "asa@example.se", "", "2101", "", ""])
    report = import_people(organisation=org, actor=admin, file_name="personal.csv", data=data)
    assert not report.ok and report.errors[0].row is None
    assert (User.objects.count(), User.history.count()) == (users_before, history_before)


def test_a_user_name_held_by_someone_else_is_an_error(org: Organisation, admin: User, tree: dict[str, Node]) -> None:
    data = people_csv(["501", "Åsa", "Öberg", "asa@example.se", "admin", "2101", "", ""])
    report = import_people(organisation=org, actor=admin, file_name="personal.csv", data=data)
    assert report.error_count == 1 and "admin" in report.errors[0].message


def test_only_an_administrator_may_give_the_administrator_role(org: Organisation, tree: dict[str, Node]) -> None:
    coordinator = person(org, "samordnare", Role.SECURITY_COORDINATOR, tree["1000"])
    data = people_csv(["501", "Åsa", "Öberg", "asa@example.se", "", "2101", "", "administratör@1000"])
    report = import_people(organisation=org, actor=coordinator, file_name="personal.csv", data=data)
    assert report.error_count == 1 and report.errors[0].column == "roller"


def test_only_an_administrator_may_change_an_administrators_details(org: Organisation, tree: dict[str, Node]) -> None:
    coordinator = person(org, "samordnare", Role.SECURITY_COORDINATOR, tree["1000"])
    it_admin = person(org, "it.admin", Role.ADMINISTRATOR, tree["1000"])
    User.objects.filter(pk=it_admin.pk).update(employee_number="900", email="it@example.se")
    takeover = people_csv(["900", "It", "Admin", "attacker@example.net", "", "2101", "", ""])
    report = import_people(organisation=org, actor=coordinator, file_name="p.csv", data=takeover)
    assert [(e.row, e.column) for e in report.errors] == [(2, "anställningsnummer")]
    assert User.objects.get(pk=it_admin.pk).email == "it@example.se"
    by_admin = import_people(organisation=org, actor=it_admin, file_name="p.csv", data=takeover)
    assert by_admin.ok, messages(by_admin)


def test_people_file_without_optional_columns_keeps_job_titles(
    org: Organisation, admin: User, tree: dict[str, Node]
) -> None:
    header = ["Anställningsnummer", "Förnamn", "Efternamn", "E-post", "Enhet"]
    import_people(
        organisation=org,
        actor=admin,
        file_name="p.csv",
        data=people_csv(
            ["501", "Åsa", "Öberg", "asa@example.se", "2101", "Rektor", ""], header=[*header, "Befattning", "Roller"]
        ),
    )
    report = import_people(
        organisation=org,
        actor=admin,
        file_name="p.csv",
        data=people_csv(["501", "Åsa", "Öberg", "asa@example.se", "2101"], header=header),
    )
    assert report.ok and report.unchanged == 1
    assert User.objects.get(employee_number="501").job_title == "Rektor"


def test_people_from_an_xlsx_with_numeric_employee_numbers(
    org: Organisation, admin: User, tree: dict[str, Node]
) -> None:
    data = make_xlsx([PEOPLE_HEADER, [501.0, "Åsa", "Öberg", "asa@example.se", None, 2101, None, "enhetschef"]])
    report = import_people(organisation=org, actor=admin, file_name="personal.xlsx", data=data)
    assert report.ok, messages(report)
    assert User.objects.get(employee_number="501").employment_node == tree["2101"]


def test_the_example_files_in_the_guide_import_cleanly(db: None) -> None:
    org = Organisation.objects.create(name="Exempelkommun", slug="exempelkommun")
    nodes = import_nodes(
        organisation=org, actor=None, file_name="noder.csv", data=(EXAMPLES / "noder.csv").read_bytes()
    )
    assert nodes.ok, messages(nodes)
    people = import_people(
        organisation=org, actor=None, file_name="personal.csv", data=(EXAMPLES / "personal.csv").read_bytes()
    )
    assert people.ok, messages(people)
    assert people.created == 9
    karin = User.objects.get(username="karin.ek")
    assert RoleAssignment.objects.filter(user=karin, role=Role.SECURITY_COORDINATOR, node__code="1000").exists()


def test_the_first_day_of_employment_is_read_and_an_empty_cell_or_no_column_keeps_it(
    org: Organisation, admin: User, tree: dict[str, Node]
) -> None:
    header = ["Anställningsnummer", "Förnamn", "Efternamn", "E-post", "Enhet", "Anställningsdatum"]
    first = people_csv(
        ["501", "Åsa", "Öberg", "asa@example.se", "2101", "2024-03-15"],
        ["502", "Per", "Lind", "per@example.se", "2101", "1 december 2026"],
        header=header,
    )
    report = import_people(organisation=org, actor=admin, file_name="p.csv", data=first)
    assert report.ok, messages(report)
    started = dict(User.objects.filter(organisation=org).values_list("employee_number", "employed_from"))
    assert (str(started["501"]), str(started["502"])) == ("2024-03-15", "2026-12-01")
    empty_cell = people_csv(["501", "Åsa", "Öberg", "asa@example.se", "2101", ""], header=header)
    no_column = people_csv(["501", "Åsa", "Öberg", "asa@example.se", "2101"], header=header[:-1])
    for data in (empty_cell, no_column):
        again = import_people(organisation=org, actor=admin, file_name="p.csv", data=data)
        assert again.ok and again.unchanged == 1
    assert str(User.objects.get(employee_number="501").employed_from) == "2024-03-15"


def test_a_first_day_that_is_not_a_date_is_a_row_error_and_nothing_is_written(
    org: Organisation, admin: User, tree: dict[str, Node]
) -> None:
    header = ["Anställningsnummer", "Förnamn", "Efternamn", "E-post", "Enhet", "Anställd från"]
    data = people_csv(
        ["501", "Åsa", "Öberg", "asa@example.se", "2101", "2024-03-15"],
        ["502", "Per", "Lind", "per@example.se", "2101", "31/2/2024"],
        ["503", "Eva", "Berg", "eva@example.se", "2101", "1899-01-01"],
        header=header,
    )
    report = import_people(organisation=org, actor=admin, file_name="p.csv", data=data)
    assert [(e.row, e.column) for e in report.errors] == [(3, "Anställd från"), (4, "Anställd från")]
    assert "31/2/2024" in report.errors[0].message and "2024-03-15" in report.errors[0].message
    assert not User.objects.filter(employee_number__in=["501", "502", "503"]).exists()
