"""The stored coverage figures: counted in full, and kept current by the writes between two counts.

Counting coverage live takes one ``GROUP BY`` per required course over all staff, seconds at the size of a
large municipality, so the pages read :class:`~varna.training.models.CoverageFigure` rows instead:

- :func:`refresh_coverage` counts everything (``selectors.coverage.tree``) and replaces the rows: each night
  (the training task), after a change of courses or requirements, and when someone asks for it on the page.
- :func:`keeping_coverage` wraps every write of records (the one record writer): it counts the people the write
  touches before and after it and moves the stored figures by the difference, in the same transaction, under
  the organisation's coverage lock. Figures counted on an earlier day (a course may have run out since) and a
  write that touches more than :data:`MAX_INCREMENTAL` people (a provider's whole list) are instead counted
  afresh by the worker (:func:`request_recount`), so that the person's write never waits seconds for a count.
- A change of courses or requirements (who needs what) asks the worker for a count the same way.

Changes outside training (a new employee, a new manager, a facility of another kind) reach the figures at the
next count; the page says when that was.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Collection, Iterator
from contextlib import contextmanager

from django.db import transaction
from django.utils import timezone

from varna.training.models import CoverageFigure, CoverageState
from varna.training.selectors.coverage import STEP, Counts, NodeFigures, keyed_counts, tree

MAX_INCREMENTAL = 2000  # a write touching more people than this counts everything again
BATCH = 2000


def _locked_state(organisation_id: int) -> CoverageState | None:
    return CoverageState.objects.select_for_update().filter(organisation_id=organisation_id).first()


@transaction.atomic
def refresh_coverage(*, organisation_id: int, today: datetime.date | None = None) -> CoverageState:
    """Count the organisation's coverage in full and store it, replacing what was stored."""
    day = today or timezone.localdate()
    state = _locked_state(organisation_id)
    if state is None:
        state, _created = CoverageState.objects.get_or_create(
            organisation_id=organisation_id, defaults={"counted_on": day, "counted_at": timezone.now()}
        )
        state = _locked_state(organisation_id) or state
    counted = tree(organisation_id, day)
    rows: list[CoverageFigure] = []
    for path, subtree in counted.nodes.items():
        if subtree.is_empty:
            continue
        own = counted.own.get(path) or NodeFigures(subtree.node)
        own_by_key = dict(keyed_counts(own))
        for key, counts in keyed_counts(subtree):
            mine = own_by_key.get(key) or Counts()
            rows.append(
                CoverageFigure(
                    organisation_id=organisation_id,
                    node_id=subtree.node.pk,
                    key=key,
                    own_covered=mine.covered,
                    own_due=mine.due,
                    own_gaps=mine.gaps,
                    covered=counts.covered,
                    due=counts.due,
                    gaps=counts.gaps,
                )
            )
    CoverageFigure.objects.filter(organisation_id=organisation_id).delete()
    CoverageFigure.objects.bulk_create(rows, batch_size=BATCH)
    state.counted_on = day
    state.counted_at = timezone.now()
    state.recount_pending = False
    state.save(update_fields=["counted_on", "counted_at", "recount_pending"])
    return state


def request_recount(organisation_id: int, state: CoverageState | None = None) -> None:
    """Ask the worker for a full count, in the caller's transaction (once: not again while one is pending).

    Nothing is asked before the first count: until then the pages count live.
    """
    from varna.training.tasks import recount_coverage

    state = state or _locked_state(organisation_id)
    if state is None or state.recount_pending:
        return
    CoverageState.objects.filter(pk=state.pk).update(recount_pending=True)
    state.recount_pending = True
    recount_coverage.enqueue(organisation_id)


@contextmanager
def keeping_coverage(organisation_id: int, person_ids: Collection[int]) -> Iterator[None]:
    """Around a write of these people's records, inside its transaction: the stored figures follow the write."""
    day = timezone.localdate()
    state = _locked_state(organisation_id)
    ids = sorted(set(person_ids))
    if not ids:
        yield
        return
    if state is None or state.recount_pending:  # counted live, or a count is coming that will include the write
        yield
        return
    if state.counted_on != day or len(ids) > MAX_INCREMENTAL:
        yield
        request_recount(organisation_id, state)
        return
    before = tree(organisation_id, day, person_ids=ids)
    yield
    after = tree(organisation_id, day, person_ids=ids)
    _apply(organisation_id, before.own, after.own, {p: f.node.pk for p, f in after.nodes.items()})


def _apply(
    organisation_id: int,
    before: dict[str, NodeFigures],
    after: dict[str, NodeFigures],
    pk_by_path: dict[str, int],
) -> None:
    """Move the stored figures by ``after - before`` (the own counts of the people written, by their unit)."""
    deltas: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0] * 6)
    for path in set(before) | set(after):
        old = dict(keyed_counts(before[path])) if path in before else {}
        new = dict(keyed_counts(after[path])) if path in after else {}
        for key in set(old) | set(new):
            o, n = old.get(key) or Counts(), new.get(key) or Counts()
            change = (n.covered - o.covered, n.due - o.due, n.gaps - o.gaps)
            if not any(change):
                continue
            own = deltas[(pk_by_path[path], key)]
            for i, step in enumerate(change):
                own[i] += step
            for end in range(STEP, len(path) + 1, STEP):
                above = pk_by_path.get(path[:end])
                if above is None:
                    continue
                row = deltas[(above, key)]
                for i, step in enumerate(change):
                    row[3 + i] += step
    if not deltas:
        return
    stored = {
        (f.node_id, f.key): f
        for f in CoverageFigure.objects.filter(
            organisation_id=organisation_id, node_id__in={node_id for node_id, _key in deltas}
        )
    }
    changed: list[CoverageFigure] = []
    created: list[CoverageFigure] = []
    for (node_id, key), delta in deltas.items():
        figure = stored.get((node_id, key))
        if figure is None:
            figure = CoverageFigure(organisation_id=organisation_id, node_id=node_id, key=key)
            created.append(figure)
        else:
            changed.append(figure)
        figure.own_covered += delta[0]
        figure.own_due += delta[1]
        figure.own_gaps += delta[2]
        figure.covered += delta[3]
        figure.due += delta[4]
        figure.gaps += delta[5]
    fields = ["own_covered", "own_due", "own_gaps", "covered", "due", "gaps"]
    CoverageFigure.objects.bulk_update(changed, fields, batch_size=BATCH)
    CoverageFigure.objects.bulk_create(created, batch_size=BATCH)
