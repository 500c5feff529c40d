"""What the domain apps add to core's pages and services, so that core never imports them.

Each app registers its parts in its ``AppConfig.ready``:

- a **set-up hook** (:func:`register_set_up`): what a new organisation needs from the app (default
  event types, the risk matrix …). :func:`varna.core.services.set_up_organisation` runs every hook.
- a **panel** (:func:`register_panel`) on a page of another app: the dashboard's sections, or the
  risk and plan work that builds on an incident shown on its case page. The page asks
  :func:`panels` for what to show and includes each panel's template with ``data`` set to its context.
- an **importer** (:func:`register_importer`) on the import page and for ``varna manage import_data``.
- a **hook** (:func:`register_hook`): something an app asks for and a later app provides, so that the
  earlier app never imports the later one. The asking app defines the typed :class:`Hook` and reads it with
  :func:`hook` (``None`` while nothing is registered); the providing app imports the hook and registers its
  answer. Risks asks this way for what the action plans show beside a measure.
- a **document source** (:func:`register_document_source`): a kind of object whose PDF the worker makes and keeps
  (:class:`varna.core.pdf.Source`: an adopted risk analysis, an adopted action plan).
- a **record kind** (:func:`register_record_kind`): a kind of record the retention schedule (dokumenthanteringsplan)
  covers: which rows, the date its clock starts from (closing or adoption), the default rule, and how it is
  deleted for real and described for the archive (``core/retention.py``, ``docs/guide/gallring.md``).
  A kind whose records hold personal data in free text says where (:class:`FreeText`): the schedule may then have
  it pseudonymised after some years (``core/pseudonymise.py``).
- a **hold source** (:func:`register_hold_source`): records another app holds from disposal (an open insurance
  claim holds its incident).
- **person data** (:func:`register_person_data`): what an app stores about one person, for the register extract.

The order of registration is the order of ``INSTALLED_APPS``; ``order`` sorts panels and importers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, cast

if TYPE_CHECKING:
    from django.db.models import Model, QuerySet
    from django.db.models.fields.files import FieldFile

    from varna.core.imports.base import ImportReport
    from varna.core.models import Organisation, User
    from varna.core.pdf import Source as DocumentSource

SetUpHook = Callable[["Organisation"], object]
PanelContext = Callable[["User", Any], "dict[str, Any] | None"]


class ImportRun(Protocol):
    def __call__(
        self, *, organisation: Organisation, actor: User | None, file_name: str, data: bytes, dry_run: bool = False
    ) -> ImportReport: ...


@dataclass(frozen=True)
class Panel:
    slot: str  # the page: "dashboard", "incident", "facility", "risk_analysis" or "action_plan"
    key: str
    template: str
    context: PanelContext  # (person, the page's object or None) → the template's ``data``; None: nothing to show
    order: int = 100


@dataclass(frozen=True)
class ShownPanel:
    key: str
    template: str
    data: dict[str, Any]


@dataclass(frozen=True)
class Importer:
    kind: str  # what the file holds, as a short code: "nodes", "people", "incidents" …
    label: Any  # for the import page's choice, e.g. gettext_lazy("Historic incidents from a previous system")
    run: ImportRun
    order: int = 100


_set_up: list[tuple[str, SetUpHook]] = []
_panels: dict[tuple[str, str], Panel] = {}
_importers: dict[str, Importer] = {}


def register_set_up(name: str, hook: SetUpHook) -> None:
    """Add ``hook`` to what setting up an organisation runs (registering a name twice replaces it)."""
    _set_up[:] = [(n, h) for n, h in _set_up if n != name]
    _set_up.append((name, hook))


def set_up_hooks() -> list[tuple[str, SetUpHook]]:
    return list(_set_up)


def register_panel(panel: Panel) -> None:
    _panels[(panel.slot, panel.key)] = panel


def panels(slot: str, user: User, obj: Any = None) -> list[ShownPanel]:
    """The panels registered for ``slot`` that have something to show this person, in order."""
    shown = []
    for panel in sorted((p for (s, _k), p in _panels.items() if s == slot), key=lambda p: (p.order, p.key)):
        data = panel.context(user, obj)
        if data is not None:
            shown.append(ShownPanel(panel.key, panel.template, data))
    return shown


def register_importer(importer: Importer) -> None:
    _importers[importer.kind] = importer


def importer(kind: str) -> Importer | None:
    return _importers.get(kind)


def importer_label(kind: str) -> str:
    found = _importers.get(kind)
    return str(found.label) if found else kind


def importers() -> list[Importer]:
    return sorted(_importers.values(), key=lambda i: (i.order, i.kind))


@dataclass(frozen=True)
class Hook[T]:
    """The typed name of what one app asks for and another may provide (``T``: what is registered).

    E.g. ``MEASURE_FOLLOW_UP: Hook[MeasureFollowUp] = Hook("risks.measure_follow_up")`` in the asking app.
    """

    name: str


_hooks: dict[str, object] = {}


def register_hook[T](key: Hook[T], value: T) -> None:
    """Provide ``value`` for ``key`` (registering again replaces it)."""
    _hooks[key.name] = value


def hook[T](key: Hook[T]) -> T | None:
    """What is registered for ``key``, or ``None`` when no installed app provides it."""
    return cast("T | None", _hooks.get(key.name))


_document_sources: dict[str, DocumentSource] = {}


def register_document_source(source: DocumentSource) -> None:
    _document_sources[source.name] = source


def document_source(name: str) -> DocumentSource | None:
    return _document_sources.get(name)


def document_sources() -> list[DocumentSource]:
    return sorted(_document_sources.values(), key=lambda s: s.name)


# --- the life of records ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordKind:
    """A kind of record in the retention schedule. Registering one (in the app's ``AppConfig.ready``) is all it
    takes for the schedule, the due list, gallring, holds and the archive package to cover it.

    - ``records(organisation_id)``: every record of the kind in the organisation (final ones only where it matters:
      an open case is never due, since its clock has not started);
    - ``clock``: the field (a path with ``__`` is allowed) of the date or time the retention period counts from,
      closing or adoption; a record where it is empty is never due. ``clock_label`` says which, for the pages;
    - ``default_years``, ``default_action`` (``"dispose"`` or ``"preserve"``) and ``default_basis`` (why: shown
      in the schedule and the guide) set up each organisation's schedule;
    - ``erase(queryset)``: deletes the records for real and returns how many; ``None``: ``core.retention.erase``,
      which deletes the rows, everything that cascades from them, their history rows and their files on disk (on
      commit). An app wraps it when more holds the content (the incidents' statistics summary);
      ``stored_pdf``: the ``core.pdf`` source whose stored documents of the records go with them;
    - ``describe(record)``: the record's metadata for the archive package (JSON-serialisable); ``None``: its fields;
    - ``files(record)``: the files delivered with it; ``None``: its own file fields;
    - ``label_of(record)``: how a hold names the record (``None``: ``str(record)``);
    - ``free_text``: where the records hold personal data in free text, and who is linked to them
      (:class:`FreeText`); ``None``: the kind is never pseudonymised. ``default_pseudonymise_years``: the schedule's
      default for it (``None``: never).
    """

    key: str  # "<app>.<kind>", e.g. "incidents.ordinary"
    label: Any  # lazy Swedish label
    records: Callable[[int], QuerySet[Any]]
    clock: str
    clock_label: Any
    default_years: int
    default_action: str
    default_basis: Any
    erase: Callable[[QuerySet[Any]], int] | None = None
    stored_pdf: str = ""
    describe: Callable[[Any], dict[str, Any]] | None = None
    files: Callable[[Any], list[FieldFile]] | None = None
    label_of: Callable[[Any], str] | None = None
    free_text: FreeText | None = None
    default_pseudonymise_years: int | None = None
    order: int = 100


@dataclass(frozen=True)
class TextPart:
    """Free text in rows that belong to a record (a case's notes): ``model``'s rows whose ``link`` (a foreign key)
    is the record, their ``fields``, the people they name by foreign key (``people``: the note's writer), and
    ``only``, a ``Q`` for the rows whose text is written by people (not the codes the system writes)."""

    model: Any
    link: str
    fields: tuple[str, ...]
    people: tuple[str, ...] = ()
    only: Any = None


@dataclass(frozen=True)
class FreeText:
    """Where a kind's records hold personal data in free text: the record's text ``fields`` (the same fields of
    its history rows are pseudonymised with them), the foreign keys to the people linked to it (``people``:
    reporter, person affected, handler; also those its history rows name) and the ``parts`` that belong to it."""

    fields: tuple[str, ...]
    people: tuple[str, ...] = ()
    parts: tuple[TextPart, ...] = ()


@dataclass(frozen=True)
class HoldSource:
    """Records of ``kinds`` that another app holds from disposal: ``held(organisation_id)`` gives their ids (a
    ``values("pk")``-style queryset or a list), ``reason`` says why (e.g. "an open insurance claim")."""

    key: str
    kinds: tuple[str, ...]
    held: Callable[[int], Any]
    reason: Any


@dataclass(frozen=True)
class PersonData:
    """What an app stores about one person, for the register extract: ``rows(person)`` gives one dict per record
    (column label → value, all strings), ``None`` or an empty list when there is nothing."""

    key: str
    label: Any
    rows: Callable[[User], list[dict[str, str]]]
    order: int = 100


_record_kinds: dict[str, RecordKind] = {}
_hold_sources: dict[str, HoldSource] = {}
_person_data: dict[str, PersonData] = {}


def register_record_kind(kind: RecordKind) -> None:
    if kind.default_action not in ("dispose", "preserve"):
        raise ValueError(f"unknown retention action {kind.default_action!r}")
    if kind.default_pseudonymise_years is not None and (
        kind.free_text is None
        or (kind.default_action == "dispose" and kind.default_pseudonymise_years >= kind.default_years)
    ):
        raise ValueError(f"{kind.key}: pseudonymisation needs free text and must come before disposal")
    _record_kinds[kind.key] = kind


def record_kinds() -> list[RecordKind]:
    return sorted(_record_kinds.values(), key=lambda k: (k.order, k.key))


def record_kind(key: str) -> RecordKind | None:
    return _record_kinds.get(key)


def register_hold_source(source: HoldSource) -> None:
    _hold_sources[source.key] = source


def hold_sources(kind: str) -> list[HoldSource]:
    return [s for s in _hold_sources.values() if kind in s.kinds]


def register_person_data(data: PersonData) -> None:
    _person_data[data.key] = data


def person_data() -> list[PersonData]:
    return sorted(_person_data.values(), key=lambda d: (d.order, d.key))


def describe_fields(record: Model) -> dict[str, Any]:
    """A record's concrete fields as JSON values (the archive's metadata when a kind says nothing else)."""
    out: dict[str, Any] = {}
    for field in record._meta.concrete_fields:
        value = getattr(record, field.attname)
        out[field.attname] = value if value is None or isinstance(value, (bool, int, str)) else str(value)
    return out
