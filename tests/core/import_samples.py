"""Helpers for the import tests: CSV and Excel files, a small tree, people with a role, and what to check."""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Sequence
from pathlib import Path

import openpyxl

from varna.core.imports import ImportReport
from varna.core.models import Node, NodeKind, Organisation, RoleAssignment, User

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
TODAY = datetime.date(2020, 1, 1)


def make_csv(rows: list[list[str]], *, delimiter: str = ";", encoding: str = "utf-8") -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode(encoding)


def make_xlsx(rows: Sequence[Sequence[object]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


NODE_HEADER = ["kod", "namn", "typ", "överordnad"]
PEOPLE_HEADER = [
    "anställningsnummer",
    "förnamn",
    "efternamn",
    "e-post",
    "användarnamn",
    "enhet",
    "befattning",
    "roller",
]


def people_csv(*rows: list[str], header: list[str] = PEOPLE_HEADER) -> bytes:
    return make_csv([header, *rows])


def add_child(parent: Node, code: str, name: str, kind: str = NodeKind.UNIT) -> Node:
    return Node.objects.add_child(
        Node.objects.get(pk=parent.pk),
        create_kwargs={"organisation": parent.organisation, "kind": kind, "name": name, "code": code},
    )


def person(org: Organisation, username: str, role: str | None, node: Node | None) -> User:
    user = User.objects.create_user(username=username, organisation=org, first_name=username.title())
    if role and node:
        RoleAssignment.objects.create(organisation=org, user=user, role=role, node=node, valid_from=TODAY)
    return user


def codes_under(code: str, org: Organisation) -> list[str]:
    node = Node.objects.get(organisation=org, code=code)
    return [n.code for n in Node.objects.filter(organisation=org, path__startswith=node.path).order_by("path")]


def parent_code(code: str, org: Organisation) -> str | None:
    node = Node.objects.get(organisation=org, code=code)
    parent = Node.objects.filter(path=node.path[: -Node.steplen]).first()
    return parent.code if parent else None


def assert_tree_consistent() -> None:
    problems = Node.objects.find_problems()
    assert all(not p for p in problems), problems


def messages(report: ImportReport) -> list[str]:
    return [e.message for e in report.errors]
