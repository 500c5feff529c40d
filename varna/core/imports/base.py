"""What every import shares: the report, its errors, and running all or nothing."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db import DatabaseError, models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from treebeard.exceptions import InvalidMoveToDescendant, PathOverflow

from varna.core import registry
from varna.core.models import Organisation

logger = logging.getLogger(__name__)

MAX_ERRORS_KEPT = 1_000  # errors listed in a report; the total is always counted
BATCH = 500


class ImportKind(models.TextChoices):
    """Core's own imports. The apps register theirs (:func:`varna.core.registry.register_importer`)."""

    NODES = "nodes", gettext_lazy("The organisation (node tree)")
    PEOPLE = "people", gettext_lazy("Staff with units and roles")


# --- reports -----------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    """One problem. ``row`` is ``None`` for a problem with the whole file."""

    row: int | None
    column: str
    message: str


@dataclass
class ImportReport:
    kind: str
    file_name: str
    dry_run: bool
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    roles_added: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0

    @property
    def kind_label(self) -> str:
        return registry.importer_label(self.kind)

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    @property
    def errors_left_off(self) -> int:
        return self.error_count - len(self.errors)

    def add_error(self, row: int | None, column: str, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS_KEPT:
            self.errors.append(RowError(row, column, message))

    def summary(self) -> dict[str, Any]:
        """The counts, for storing with an upload (no errors: only valid uploads are stored)."""
        data = asdict(self)
        data.pop("errors")
        return data


def reason_for(file_name: str) -> str:
    return f"import: {file_name}"[:250]


def run_all_or_nothing(
    report: ImportReport, organisation: Organisation, plan_and_write: Callable[[bool], None]
) -> ImportReport:
    """Run ``plan_and_write(write: bool)``; a write that fails leaves nothing behind."""
    if report.dry_run:
        plan_and_write(False)
        return report
    try:
        with transaction.atomic():
            Organisation.objects.select_for_update().filter(pk=organisation.pk).first()  # one import at a time
            plan_and_write(True)
    except (DatabaseError, PathOverflow, InvalidMoveToDescendant):
        logger.exception("Import of %s failed while writing", report.file_name)
        report.created = report.updated = report.roles_added = 0
        report.add_error(None, "", _("The import could not be written and nothing was changed. Try again."))
    return report
