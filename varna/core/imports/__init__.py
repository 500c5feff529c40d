"""Import of the node tree, the staff list and historic incidents from CSV and Excel files.

Swedish HR and finance systems export CSV (often semicolon-separated cp1252)
or Excel workbooks. :func:`read_table` turns any bytes into rows of text, or a
:class:`FileProblem` with a plain message; it never raises anything else.

:func:`import_nodes` and :func:`import_people` validate *every* row first and
collect the errors with the row number the user sees in the file (the header
is row 1). Only a file without errors is written, all or nothing in one
transaction, with history records naming the acting user. With
``dry_run=True`` nothing is written: the report says what would happen.

The web flow keeps a validated upload under ``MEDIA_ROOT/imports/`` until the
user confirms it (:mod:`varna.core.imports.uploads`). The parts: ``files`` reads
CSV and .xlsx, ``nodes`` and ``people`` validate and write, ``base`` holds the report.
Other apps register their importers with :func:`varna.core.registry.register_importer` (historic
incidents: ``varna.incidents.imports``), built from the same parts.
"""

from __future__ import annotations

from varna.core import registry
from varna.core.imports.base import ImportKind, ImportReport, RowError
from varna.core.imports.files import FileProblem, read_table
from varna.core.imports.nodes import NODE_COLUMNS, import_nodes
from varna.core.imports.people import PEOPLE_COLUMNS, import_people
from varna.core.models import Organisation, User

__all__ = [
    "NODE_COLUMNS",
    "PEOPLE_COLUMNS",
    "FileProblem",
    "ImportKind",
    "ImportReport",
    "RowError",
    "import_file",
    "import_nodes",
    "import_people",
    "read_table",
    "register_core_importers",
]


def import_file(
    *, kind: str, organisation: Organisation, actor: User | None, file_name: str, data: bytes, dry_run: bool = False
) -> ImportReport:
    """Run the importer registered for ``kind`` (core's nodes and people, and what the apps register)."""
    found = registry.importer(kind)
    if found is None:
        raise ValueError(f"No importer for {kind!r}")
    return found.run(organisation=organisation, actor=actor, file_name=file_name, data=data, dry_run=dry_run)


def register_core_importers() -> None:
    registry.register_importer(registry.Importer(ImportKind.NODES, ImportKind.NODES.label, import_nodes, order=10))
    registry.register_importer(registry.Importer(ImportKind.PEOPLE, ImportKind.PEOPLE.label, import_people, order=20))
