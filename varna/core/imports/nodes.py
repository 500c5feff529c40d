"""Import of the node tree: create or update nodes by code, move them to a new parent."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from varna.core.imports.base import ImportKind, ImportReport, reason_for, run_all_or_nothing
from varna.core.imports.files import Column, Table, norm, read_for, too_long_message
from varna.core.models import Node, NodeKind, Organisation, User
from varna.core.services import stamp

MAX_DEPTH = (Node._meta.get_field("path").max_length or 255) // Node.steplen
CODE_MAX = Node._meta.get_field("code").max_length or 40
NAME_MAX = Node._meta.get_field("name").max_length or 200

NODE_COLUMNS = (
    Column("kod", ("code", "nodkod", "enhetskod", "node code")),
    Column("namn", ("name", "benämning", "enhetsnamn")),
    Column("typ", ("kind", "type", "nodtyp")),
    Column("överordnad", ("parent", "överordnad kod", "parent code", "överordnad enhet")),
)

KIND_NAMES: dict[str, str] = {
    "kommunfullmäktige": NodeKind.COUNCIL,
    "kommunstyrelse": NodeKind.EXECUTIVE_BOARD,
    "kommunstyrelsen": NodeKind.EXECUTIVE_BOARD,
    "nämnd": NodeKind.COMMITTEE,
    "förvaltning": NodeKind.ADMINISTRATION,
    "bolag": NodeKind.COMPANY,
    "kommunalt bolag": NodeKind.COMPANY,
    "kommunalförbund": NodeKind.FEDERATION,
    "enhet": NodeKind.UNIT,
} | {k.value.replace("_", " "): k.value for k in NodeKind}
KIND_LIST = "kommunfullmäktige, kommunstyrelse, nämnd, förvaltning, bolag, kommunalförbund, enhet"


@dataclass
class _NodeRow:
    row: int
    code: str
    name: str
    kind: str
    parent: str  # "" for the top node
    valid: bool = True


def import_nodes(
    *, organisation: Organisation, actor: User | None, file_name: str, data: bytes, dry_run: bool = False
) -> ImportReport:
    """Create or update the organisation's nodes (matched by code) from a file."""
    report = ImportReport(ImportKind.NODES, file_name, dry_run)
    table = read_for(report, data, NODE_COLUMNS)
    if table is None:
        return report
    report.rows = len(table.rows)

    def plan_and_write(write: bool) -> None:
        plan = _plan_nodes(organisation, table, report)
        if write and report.ok:
            _write_nodes(organisation, plan, actor, reason_for(file_name))

    return run_all_or_nothing(report, organisation, plan_and_write)


def _plan_nodes(organisation: Organisation, table: Table, report: ImportReport) -> list[_NodeRow]:
    col = table.labels
    existing = {
        code: (path, name, kind)
        for code, path, name, kind in Node.objects.filter(organisation=organisation).values_list(
            "code", "path", "name", "kind"
        )
    }
    code_at = {path: code for code, (path, _n, _k) in existing.items()}
    step = Node.steplen
    parent_of: dict[str, str] = {code: code_at.get(path[:-step], "") for code, (path, _n, _k) in existing.items()}
    old_roots = [code for code, (path, _n, _k) in existing.items() if len(path) == step]

    rows: dict[str, _NodeRow] = {}
    for number, values in table.rows:
        code, name, kind_text, parent = values["kod"], values["namn"], values["typ"], values["överordnad"]
        item = _NodeRow(number, code, name, KIND_NAMES.get(norm(kind_text), ""), parent)

        def fail(column: str, message: str, item: _NodeRow = item) -> None:
            item.valid = False
            report.add_error(item.row, col[column], message)

        if not code:
            fail("kod", _("Row %(row)s: the code is missing.") % {"row": number})
            continue
        if len(code) > CODE_MAX:
            fail("kod", too_long_message(number, col["kod"], CODE_MAX))
        if code in rows:
            fail(
                "kod",
                _("Row %(row)s: the code “%(code)s” appears again; it is already on row %(first)s.")
                % {"row": number, "code": code, "first": rows[code].row},
            )
            continue
        rows[code] = item
        if not name:
            fail("namn", _("Row %(row)s: the name is missing.") % {"row": number})
        elif len(name) > NAME_MAX:
            fail("namn", too_long_message(number, col["namn"], NAME_MAX))
        if not item.kind:
            fail(
                "typ",
                _("Row %(row)s: “%(kind)s” is not a node type. Valid types: %(kinds)s.")
                % {"row": number, "kind": kind_text, "kinds": KIND_LIST},
            )

    new_root = ""
    for code, item in rows.items():
        if item.parent == code:
            item.valid = False
            report.add_error(
                item.row,
                col["överordnad"],
                _("Row %(row)s: the unit “%(code)s” cannot be its own parent.") % {"row": item.row, "code": code},
            )
        elif not item.parent:
            message = ""
            if code in existing and parent_of[code]:
                message = _("Row %(row)s: only the top unit may lack a parent. Give the parent of “%(code)s”.")
            elif code not in existing and old_roots:
                message = _("Row %(row)s: the organisation already has a top unit (“%(root)s”). Give the parent unit.")
            elif code not in existing and new_root:
                message = _("Row %(row)s: only one unit may lack a parent, and row %(first)s already does.")
            elif code not in existing:
                new_root = code
            if message:
                item.valid = False
                first = rows[new_root].row if new_root else 0
                params = {"row": item.row, "code": code, "root": old_roots[0] if old_roots else "", "first": first}
                report.add_error(item.row, col["överordnad"], message % params)
        elif item.parent not in rows and item.parent not in existing:
            item.valid = False
            report.add_error(
                item.row,
                col["överordnad"],
                _("Row %(row)s: the parent unit “%(code)s” does not exist in the organisation or in the file.")
                % {"row": item.row, "code": item.parent},
            )
        parent_of[code] = "\0" if item.parent == code else item.parent  # "\0": reported above

    depth = _final_depths(parent_of, rows, report, col["överordnad"])
    plan = []
    for code, item in rows.items():
        if code not in depth:
            continue
        if depth[code] > MAX_DEPTH:
            report.add_error(
                item.row,
                col["överordnad"],
                _("Row %(row)s: the unit “%(code)s” would lie %(depth)s levels deep; at most %(max)s are possible.")
                % {"row": item.row, "code": code, "depth": depth[code], "max": MAX_DEPTH},
            )
            continue
        if not item.valid:
            continue
        if code not in existing:
            report.created += 1
        else:
            path, name, kind = existing[code]
            moved = item.parent != code_at.get(path[:-step], "")
            if moved or name != item.name or kind != item.kind:
                report.updated += 1
            else:
                report.unchanged += 1
                continue
        plan.append(item)
    plan.sort(key=lambda r: (depth[r.code], r.row))  # parents before children, whatever the file order
    return plan


def _final_depths(
    parent_of: dict[str, str], rows: dict[str, _NodeRow], report: ImportReport, column: str
) -> dict[str, int]:
    """Depth of every node after the import; a loop of parents is an error on each of its rows."""
    depth: dict[str, int] = {}
    broken: set[str] = set()
    for start in rows:
        chain: list[str] = []
        code, looped = start, False
        while code and code not in depth:
            if code in broken or code not in parent_of:  # below an error already reported
                break
            if code in chain:
                looped = True
                break
            chain.append(code)
            code = parent_of[code]
        if looped:
            loop = chain[chain.index(code) :]
            for member in loop:
                if member in rows:
                    report.add_error(
                        rows[member].row,
                        column,
                        _("Row %(row)s: the parents form a loop (%(loop)s), so “%(code)s” would end up below itself.")
                        % {"row": rows[member].row, "loop": " → ".join([*loop, loop[0]]), "code": member},
                    )
        if code and code not in depth:
            broken.update(chain)
            continue
        base = depth[code] if code else 0
        for offset, member in enumerate(reversed(chain), start=1):
            depth[member] = base + offset
    return depth


def _write_nodes(organisation: Organisation, plan: list[_NodeRow], actor: User | None, reason: str) -> None:
    def get(code: str) -> Node:
        return Node.objects.get(organisation=organisation, code=code)  # fresh: moves rewrite paths

    for item in plan:
        existing = Node.objects.filter(organisation=organisation, code=item.code).first()
        if existing is None:
            node = Node(organisation=organisation, code=item.code, name=item.name, kind=item.kind)
            stamp(node, actor, reason)
            if item.parent:
                Node.objects.add_child(get(item.parent), instance=node)
            else:
                Node.objects.add_root(instance=node)
            continue
        if item.parent:
            parent = get(item.parent)
            if existing.path[: -Node.steplen] != parent.path:
                Node.objects.move(existing, parent, "last-child")
                existing.refresh_from_db()
        existing.name, existing.kind = item.name, item.kind
        stamp(existing, actor, reason)
        existing.save()
