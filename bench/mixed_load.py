"""Locust scenario of the mixed load: the demo personas' daily pages, API reads and new reports.

Not meant to be run by hand: ``bench/mixed_load_run.py`` starts gunicorn, logs the personas in, writes the
plan this file reads (``MIXED_LOAD_PLAN``, a JSON file) and runs locust headless at fixed request rates.
By hand, against a server that the driver left a plan for::

    MIXED_LOAD_PLAN=var/bench/mixed-load-plan-8000.json MIXED_LOAD_RATE=10 \\
        .venv/bin/locust -f bench/mixed_load.py --headless -u 10 -r 10 -t 30s --host http://127.0.0.1:8000

The plan holds every request of the mix with its weight, already resolved by the driver:

- ``page``: a page read by one persona with their session cookie (70 % of the requests, spread evenly over the
  personas and, within a persona, evenly over their pages);
- ``api``: ``GET`` of the incident list, the damage statistics and the risk list with a bearer token (20 %);
- ``report``: ``POST /api/v1/incidents`` with an ``Idempotency-Key`` as the employee (10 %).

Each locust user sends ``MIXED_LOAD_RATE / users`` requests a second (``constant_throughput``), so the whole
swarm sends ``MIXED_LOAD_RATE`` requests a second as long as each answer comes within ``users / rate`` seconds.
Every answer (its start, duration, name and whether it failed) is written as a JSON line to
``MIXED_LOAD_SAMPLES`` when locust stops: the driver computes the percentiles from those, not from locust's
rounded histogram.
"""

from __future__ import annotations

import datetime
import json
import os
import random
import uuid
from typing import Any

import gevent
from locust import FastHttpUser, between, constant_throughput, events, task

PLAN: dict[str, Any] = {}
if os.environ.get("MIXED_LOAD_PLAN"):
    with open(os.environ["MIXED_LOAD_PLAN"], encoding="utf-8") as plan_file:
        PLAN = json.load(plan_file)
REQUESTS: list[dict[str, Any]] = PLAN.get("requests", [])
WEIGHTS: list[float] = [r["weight"] for r in REQUESTS]
RATE = float(os.environ.get("MIXED_LOAD_RATE", "0"))  # requests a second in all; 0: as fast as the users can
USERS = int(os.environ.get("MIXED_LOAD_USERS", "1"))
STOP_AFTER = int(os.environ.get("MIXED_LOAD_STOP_AFTER", "0"))  # stop after this many answers (0: at --run-time)
SAMPLES: list[tuple[float, float, str, str, bool]] = []  # (start, ms, kind, name, failed)
ENVIRONMENT: list[Any] = []


@events.init.add_listener
def _keep_environment(environment: Any, **_kwargs: Any) -> None:
    ENVIRONMENT.append(environment)


@events.request.add_listener
def _record(
    request_type: str, name: str, response_time: float, exception: BaseException | None, context: Any, **kwargs: Any
) -> None:
    start = kwargs.get("start_time") or 0.0
    kind = (context or {}).get("kind", "")
    SAMPLES.append((start, response_time, kind, name, exception is not None))
    if STOP_AFTER and len(SAMPLES) == STOP_AFTER and ENVIRONMENT and ENVIRONMENT[0].runner is not None:
        gevent.spawn(ENVIRONMENT[0].runner.quit)


@events.quitting.add_listener
def _write_samples(**_kwargs: Any) -> None:
    path = os.environ.get("MIXED_LOAD_SAMPLES")
    if not path:
        return
    with open(path, "w", encoding="utf-8") as out:
        for start, ms, kind, name, failed in SAMPLES:
            out.write(json.dumps([round(start, 4), round(ms, 2), kind, name, failed]) + "\n")


class Persona(FastHttpUser):
    """One simulated person at a time: each task is one request of the mix, drawn by its weight."""

    wait_time = constant_throughput(RATE / USERS) if RATE else between(0, 0)  # type: ignore[no-untyped-call]
    network_timeout = 60.0
    connection_timeout = 10.0

    @task
    def one_request(self) -> None:
        request = random.choices(REQUESTS, weights=WEIGHTS)[0]
        headers = dict(request.get("headers", {}))
        context = {"kind": request["kind"]}
        if request["kind"] == "report":
            body = dict(request["body"])
            body["occurred_at"] = datetime.datetime.now().astimezone().isoformat()
            headers["Idempotency-Key"] = str(uuid.uuid4())
            with self.client.post(
                request["path"], json=body, headers=headers, name=request["name"], context=context, catch_response=True
            ) as response:
                if response.status_code not in (200, 201):  # 200: a replay of the same key
                    response.failure(f"status {response.status_code}")
            return
        with self.client.get(
            request["path"], headers=headers, name=request["name"], context=context, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
