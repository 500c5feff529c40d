"""Import of the node tree (varna.core.imports.nodes): loops, moves, history, all or nothing."""

from __future__ import annotations

import pytest

from tests.core.import_samples import (
    NODE_HEADER,
    add_child,
    assert_tree_consistent,
    codes_under,
    make_csv,
    messages,
    parent_code,
)
from varna.core.imports import import_nodes
from varna.core.models import Node, NodeKind, Organisation, User

pytestmark = pytest.mark.usefixtures("english", "media_root")


def test_a_file_with_one_bad_row_writes_nothing(org: Organisation, admin: User, tree: dict[str, Node]) -> None:
    history_before = Node.history.count()
    nodes_before = list(Node.objects.order_by("path").values_list("code", "name", "path"))
    data = make_csv(
        [
            NODE_HEADER,
            ["2103", "Förskolan Ängen", "enhet", "2100"],
            ["2101", "Solrosens förskola (ny)", "enhet", "2100"],
            ["2104", "Skolan", "enhet", "1109"],
        ]
    )
    report = import_nodes(organisation=org, actor=admin, file_name="noder.csv", data=data)
    assert messages(report) == ["Row 4: the parent unit “1109” does not exist in the organisation or in the file."]
    assert list(Node.objects.order_by("path").values_list("code", "name", "path")) == nodes_before
    assert Node.history.count() == history_before


def test_unknown_parent_names_row_and_column(org: Organisation, admin: User) -> None:
    data = make_csv(
        [["Kod", "Namn", "Typ", "Överordnad"], ["2000", "Nämnden", "nämnd", "1000"], ["2101", "A", "enhet", "9"]]
    )
    report = import_nodes(organisation=org, actor=admin, file_name="noder.csv", data=data)
    assert [(e.row, e.column) for e in report.errors] == [(3, "Överordnad")]


def test_a_loop_of_parents_is_an_error_on_each_row_of_the_loop(org: Organisation, admin: User, root: Node) -> None:
    data = make_csv(
        [
            NODE_HEADER,
            ["2000", "A", "nämnd", "2200"],
            ["2100", "B", "förvaltning", "2000"],
            ["2200", "C", "enhet", "2100"],
            ["3000", "D", "enhet", "2200"],
        ]
    )
    report = import_nodes(organisation=org, actor=admin, file_name="noder.csv", data=data)
    assert sorted(e.row or 0 for e in report.errors) == [2, 3, 4]
    assert "(2000 → 2200 → 2100 → 2000)" in messages(report)[0]
    assert Node.objects.filter(organisation=org).count() == 1


def test_moving_a_unit_below_its_own_descendant_is_a_loop(
    org: Organisation, admin: User, tree: dict[str, Node]
) -> None:
    data = make_csv([NODE_HEADER, ["2000", "Barn- och utbildningsnämnden", "nämnd", "2101"]])
    report = import_nodes(organisation=org, actor=admin, file_name="noder.csv", data=data)
    assert report.error_count == 1 and report.errors[0].row == 2
    assert parent_code("2000", org) == "1000"


def test_a_unit_cannot_be_its_own_parent(org: Organisation, admin: User) -> None:
    report = import_nodes(
        organisation=org, actor=admin, file_name="n.csv", data=make_csv([NODE_HEADER, ["2000", "A", "nämnd", "2000"]])
    )
    assert report.error_count == 1 and "2000" in report.errors[0].message


def test_duplicate_code_in_the_file_is_an_error(org: Organisation, admin: User) -> None:
    data = make_csv([NODE_HEADER, ["2000", "A", "nämnd", "1000"], ["2000", "B", "nämnd", "1000"]])
    report = import_nodes(organisation=org, actor=admin, file_name="noder.csv", data=data)
    assert messages(report) == ["Row 3: the code “2000” appears again; it is already on row 2."]


def test_unknown_node_type_lists_the_valid_types(org: Organisation, admin: User) -> None:
    data = make_csv([NODE_HEADER, ["2000", "A", "avdelning", "1000"]])
    report = import_nodes(organisation=org, actor=admin, file_name="noder.csv", data=data)
    assert "avdelning" in report.errors[0].message and "kommunalförbund" in report.errors[0].message


def test_only_an_empty_organisation_gets_a_new_top_unit(org: Organisation, admin: User) -> None:
    data = make_csv([NODE_HEADER, ["9000", "Ny topp", "kommunfullmäktige", ""]])
    report = import_nodes(organisation=org, actor=admin, file_name="noder.csv", data=data)
    assert report.error_count == 1 and "1000" in report.errors[0].message


def test_an_empty_organisation_imports_its_whole_tree(db: None) -> None:
    org = Organisation.objects.create(name="Nyby", slug="nyby")
    data = make_csv([NODE_HEADER, ["2", "KS", "kommunstyrelse", "1"], ["1", "KF", "kommunfullmäktige", ""]])
    report = import_nodes(organisation=org, actor=None, file_name="noder.csv", data=data)
    assert report.ok, messages(report)
    assert codes_under("1", org) == ["1", "2"]
    assert_tree_consistent()


def test_two_top_units_in_one_file_are_refused(db: None) -> None:
    org = Organisation.objects.create(name="Nyby", slug="nyby")
    data = make_csv([NODE_HEADER, ["1", "KF", "kommunfullmäktige", ""], ["2", "KF2", "kommunfullmäktige", ""]])
    report = import_nodes(organisation=org, actor=None, file_name="noder.csv", data=data)
    assert [e.row for e in report.errors] == [3]


def test_existing_units_are_renamed_and_moved_with_their_subtree(
    org: Organisation, admin: User, tree: dict[str, Node]
) -> None:
    other = add_child(tree["1000"], "3000", "Socialnämnden", NodeKind.COMMITTEE)
    add_child(tree["2101"], "2111", "Avdelning Blå")
    data = make_csv(
        [
            NODE_HEADER,
            ["2101", "Solrosens förskola och fritids", "enhet", "3000"],
            ["2102", "Norrskolan", "enhet", "2100"],  # unchanged
        ]
    )
    report = import_nodes(organisation=org, actor=admin, file_name="flytt.csv", data=data)
    assert report.ok, messages(report)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    assert codes_under("3000", org) == ["3000", "2101", "2111"]
    assert codes_under("2100", org) == ["2100", "2102"]
    moved = Node.objects.get(code="2101")
    assert moved.name == "Solrosens förskola och fritids" and moved.depth == 3
    assert Node.objects.get(pk=other.pk).numchild == 1
    record = moved.history.latest()
    assert record.history_user == admin
    assert record.history_change_reason == "import: flytt.csv"
    assert record.path == moved.path
    assert_tree_consistent()


def test_moves_that_swap_a_parent_and_child_are_done_in_a_safe_order(
    org: Organisation, admin: User, tree: dict[str, Node]
) -> None:
    # Today 2000 > 2100. After: 2100 directly under 1000, and 2000 below 2100.
    data = make_csv(
        [NODE_HEADER, ["2000", "Nämnden", "nämnd", "2100"], ["2100", "Förvaltningen", "förvaltning", "1000"]]
    )
    report = import_nodes(organisation=org, actor=admin, file_name="noder.csv", data=data)
    assert report.ok, messages(report)
    assert parent_code("2100", org) == "1000" and parent_code("2000", org) == "2100"
    assert_tree_consistent()


def test_dry_run_counts_but_writes_nothing(org: Organisation, admin: User, tree: dict[str, Node]) -> None:
    data = make_csv([NODE_HEADER, ["2103", "Ängen", "enhet", "2100"], ["2101", "Nytt namn", "enhet", "2100"]])
    report = import_nodes(organisation=org, actor=admin, file_name="noder.csv", data=data, dry_run=True)
    assert report.ok and (report.created, report.updated) == (1, 1)
    assert not Node.objects.filter(code="2103").exists()
    assert Node.objects.get(code="2101").name == "Solrosens förskola"


def test_new_nodes_have_history_naming_the_importer(org: Organisation, admin: User) -> None:
    data = make_csv([NODE_HEADER, ["2000", "Nämnden", "nämnd", "1000"]])
    import_nodes(organisation=org, actor=admin, file_name="noder.csv", data=data)
    record = Node.objects.get(code="2000").history.get()
    assert record.history_type == "+" and record.history_user == admin


def test_codes_of_other_organisations_are_not_seen(org: Organisation, admin: User) -> None:
    grannby = Organisation.objects.create(name="Grannby", slug="grannby")
    Node.objects.add_root(create_kwargs={"organisation": grannby, "kind": NodeKind.COUNCIL, "name": "KF", "code": "77"})
    data = make_csv([NODE_HEADER, ["2000", "Nämnden", "nämnd", "77"]])
    report = import_nodes(organisation=org, actor=admin, file_name="noder.csv", data=data)
    assert report.error_count == 1
