"""Import of completed courses from a provider's list, in Excel or CSV, as providers send them.

The file is read by core's machinery (:func:`varna.core.imports.files.read_table`), every row is checked first
and every problem reported with the row number and column the user sees; only a file without errors is written,
all or nothing in one transaction (:func:`varna.core.imports.base.run_all_or_nothing`), through the one writer of
records. Importing the same file again changes nothing: the report says how many rows were new and how many were
recorded already.

Columns (the first row names them; other columns, a personal identity number among them, are ignored):

- the person: ``anställningsnummer`` (matched first), or the full name in ``namn`` ("Anna Berg" or "Berg, Anna")
  or in ``förnamn`` and ``efternamn``, among the people the importer may record training for;
- the course: ``kurs`` (its code or name, in any case) or ``kursnamn``;
- ``datum``: the day it was completed (2024-03-15, 15/3/2024, 15 mars 2024, or an Excel date), from 1990 to today.

Registered as an import kind on core's import page (``varna import training_records FILE --actor USER`` too);
the training app's own page is :mod:`varna.training.views.imports`.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from varna.core.imports.base import ImportReport, run_all_or_nothing
from varna.core.imports.files import Column, Table, read_for
from varna.core.models import Organisation, User
from varna.training.models import RecordSource
from varna.training.services.imports import CompletionChecker, already_recorded
from varna.training.services.records import Completion, record_completions

KIND = "training_records"  # the import kind, registered with core in TrainingConfig.ready
KIND_LABEL = gettext_lazy("Completed courses from a provider's list (training records)")

RECORD_COLUMNS = (
    Column(
        "anställningsnummer",
        (
            "anställningsnr",
            "anstnr",
            "anst nr",
            "anst.nr",
            "anst. nr",
            "personalnummer",
            "medarbetarnummer",
            "employee number",
            "employee no",
            "employee id",
        ),
        required=False,
    ),
    Column(
        "namn",
        ("name", "full name", "fullständigt namn", "deltagare", "deltagarens namn", "deltagarnamn", "medarbetare"),
        required=False,
    ),
    Column("förnamn", ("first name", "firstname", "given name", "tilltalsnamn"), required=False),
    Column("efternamn", ("last name", "lastname", "surname", "family name"), required=False),
    Column(
        "kurs", ("kurskod", "kurs-id", "kursid", "utbildningskod", "course", "course code", "course id"), required=False
    ),
    Column(
        "kursnamn",
        ("utbildning", "utbildningens namn", "utbildningsnamn", "kurstitel", "course name", "course title"),
        required=False,
    ),
    Column(
        "datum",
        (
            "genomförd",
            "genomfört",
            "genomförandedatum",
            "datum genomförd",
            "slutförd",
            "slutfört",
            "slutdatum",
            "avslutad",
            "godkänd",
            "godkänd datum",
            "kursdatum",
            "date",
            "completed",
            "completed on",
            "completion date",
        ),
    ),
)


def import_training_records(
    *, organisation: Organisation, actor: User | None, file_name: str, data: bytes, dry_run: bool = False
) -> ImportReport:
    """Check a provider's list and, if every row is valid, record the completions that are not recorded yet.

    ``report.created`` counts the new records, ``report.unchanged`` the rows recorded already (or twice in the
    file). ``actor`` is whose scope the people are looked for in; from the command line it must be given.
    """
    report = ImportReport(KIND, file_name, dry_run)
    if actor is None:
        report.add_error(
            None,
            "",
            _("Training records are imported in a person's name: give the user name of someone who may record them."),
        )
        return report
    checker = CompletionChecker(actor)
    if actor.organisation_id != organisation.pk or not checker.may_record:
        report.add_error(
            None,
            "",
            _(
                "Only those who may record training (unit managers, heads of administration, HR and the security "
                "coordinator) may import training records."
            ),
        )
        return report
    table = read_for(report, data, RECORD_COLUMNS)
    if table is None:
        return report
    missing = _missing_columns(table)
    if missing:
        report.add_error(None, "", missing)
        return report
    report.rows = len(table.rows)

    def plan_and_write(write: bool) -> None:
        completions = _check(checker, table, report)
        if not report.ok:
            return
        if write:
            result = record_completions(actor=actor, completions=completions, source=RecordSource.IMPORT, checked=True)
            report.created = len(result.created)
        else:
            report.created = len({(c.person.pk, c.course.pk, c.completed_on) for c in completions}) - already_recorded(
                completions
            )
        report.unchanged = report.rows - report.created

    return run_all_or_nothing(report, organisation, plan_and_write)


def _missing_columns(table: Table) -> str:
    """What the first row lacks to name the person, the course and the day; "" if nothing."""
    has = set(table.labels)
    wanted = []
    if not ({"anställningsnummer", "namn"} & has or {"förnamn", "efternamn"} <= has):
        wanted.append(_("“anställningsnummer” or “namn” (or “förnamn” and “efternamn”)"))
    if not {"kurs", "kursnamn"} & has:
        wanted.append(_("“kurs” (the course's code or name)"))
    if not wanted:
        return ""
    return _("The first row must hold the column names. Missing: %(columns)s.") % {"columns": "; ".join(wanted)}


def _check(checker: CompletionChecker, table: Table, report: ImportReport) -> list[Completion]:
    labels = table.labels
    completions = []
    for row, values in table.rows:
        number = values.get("anställningsnummer", "")
        name = values.get("namn", "") or f"{values.get('förnamn', '')} {values.get('efternamn', '')}"
        course = values.get("kurs", "") or values.get("kursnamn", "")
        checked = checker.check(number, name, course, values["datum"])
        if isinstance(checked, Completion):
            completions.append(checked)
            continue
        for problem in checked:
            report.add_error(
                row,
                _column(problem.field, labels, values),
                _("Row %(row)s: %(problem)s") % {"row": row, "problem": problem.message},
            )
    return completions


def _column(field: str, labels: dict[str, str], values: dict[str, str]) -> str:
    """The header, as written in the file, of the column a problem is in."""
    if field == "date":
        return labels["datum"]
    if field == "course":
        return labels["kurs"] if values.get("kurs") or "kursnamn" not in labels else labels["kursnamn"]
    for name in ("anställningsnummer", "namn", "efternamn", "förnamn"):
        if values.get(name, "").strip():
            return labels[name]
    return next((labels[n] for n in ("anställningsnummer", "namn", "efternamn", "förnamn") if n in labels), "")
