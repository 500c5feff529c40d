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

The order of registration is the order of ``INSTALLED_APPS``; ``order`` sorts panels and importers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol, cast

if TYPE_CHECKING:
    from varna.core.imports.base import ImportReport
    from varna.core.models import Organisation, User

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
