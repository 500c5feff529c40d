"""Run the queued background tasks as ``varna worker`` would, inside the test's transaction.

The tests use the database task backend (tests/settings.py), so an enqueued task waits in the
database until :func:`run_tasks` runs it, exactly as the worker does between two requests.
"""

from __future__ import annotations

from django.tasks import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

ROUNDS = 50


def run_tasks(*, later_too: bool = False) -> int:
    """Run every ready task, and the tasks they enqueue, until none is left; the number run.

    ``later_too`` also runs tasks waiting for a later time (a retry after its delay), as if that time had come.
    """
    worker = Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    for run in range(ROUNDS):
        ready = (
            DBTaskResult.objects.filter(status=TaskResultStatus.READY) if later_too else DBTaskResult.objects.ready()
        )
        task_result = ready.order_by("enqueued_at").first()
        if task_result is None:
            return run
        task_result.claim(worker.worker_id)
        worker.run_task(task_result)
        task_result.refresh_from_db()
        if task_result.status == TaskResultStatus.FAILED:
            raise AssertionError(f"task {task_result.task_path} failed:\n{task_result.traceback}")
    raise AssertionError(f"more than {ROUNDS} tasks: a task keeps enqueueing itself")


def queued_tasks() -> int:
    """Tasks waiting for the worker."""
    return DBTaskResult.objects.filter(status=TaskResultStatus.READY).count()
