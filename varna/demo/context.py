"""What the demo generator's steps share: the run and, per municipality, its context."""

from __future__ import annotations

import datetime
import random
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from django.db import models
from simple_history.utils import bulk_create_with_history

if TYPE_CHECKING:
    from varna.core.models import Organisation, User
    from varna.demo.units import Profile

BATCH_SIZE = 2000
VALID_FROM = datetime.date(2020, 1, 1)  # role assignments: fixed, so that the data does not depend on today
CHANGE_REASON = "Demodata"
DATE_JOINED = datetime.datetime(2020, 1, 1, 8, 0, tzinfo=datetime.UTC)


@dataclass(eq=False)
class NodeSpec:
    """A node planned in memory before it is written; ``node`` is set once it is."""

    name: str
    kind: str  # NodeKind value
    profile: Profile | None = None  # None: no staff of its own (council, boards, committees, holding company)
    code: str = ""  # explicit for the levels above the units; generated below them
    sectors: tuple[str, ...] = ()  # administrations and companies: which kinds of unit they run
    security_officer: bool = True  # administrations and companies: whether one is appointed
    head_title: str = ""  # overrides the profile's manager title
    office: str = ""  # administrations and companies: the name of their office building
    area: str = ""  # area units: the prefix they group ("Förskoleområde")
    children: list[NodeSpec] = field(default_factory=list)
    parent: NodeSpec | None = None
    path: str = ""
    depth: int = 0
    node: Any = None  # varna.core.models.Node once written

    def add(self, child: NodeSpec) -> NodeSpec:
        child.parent = self
        self.children.append(child)
        return child

    def walk(self) -> Iterable[NodeSpec]:
        """This node and its descendants, depth first (tree order)."""
        stack = [self]
        while stack:
            spec = stack.pop()
            yield spec
            stack.extend(reversed(spec.children))


class Writer(Protocol):
    def write(self, message: str, /) -> Any: ...


@dataclass
class Run:
    """One call of :func:`varna.demo.generator.generate`."""

    scale: float
    seed: int
    stdout: Writer | None
    history: frozenset[str]  # model labels written with simple_history's bulk_create_with_history
    unusable_password: str
    persona_password: str
    history_date: datetime.datetime

    def log(self, message: str) -> None:
        if self.stdout is not None:
            self.stdout.write(message + "\n")
            flush = getattr(self.stdout, "flush", None)
            if flush is not None:
                flush()


@dataclass
class OrgContext:
    """One demo municipality while it is being generated."""

    run: Run
    index: int  # 0: Exempelkommun, 1: Grannby, 2 ...: further municipalities
    slug: str
    name: str
    city: str
    size: float  # share of the run's scale
    postal_prefix: str
    phone_prefix: str
    org_number: str
    root_position: int
    organisation: Organisation | None = None
    root: NodeSpec | None = None
    specs: list[NodeSpec] = field(default_factory=list)  # tree order
    by_name: dict[str, NodeSpec] = field(default_factory=dict)
    staff: dict[NodeSpec, list[User]] = field(default_factory=dict)  # by employment node
    holders: dict[tuple[str, NodeSpec], list[User]] = field(default_factory=dict)  # active positions
    ordinary: dict[NodeSpec, list[User]] = field(default_factory=dict)  # staff holding no position
    personas: dict[str, User] = field(default_factory=dict)
    counts: Counter[str] = field(default_factory=Counter)
    emails: Counter[str] = field(default_factory=Counter)
    employee_seq: int = 10000

    @property
    def domain(self) -> str:
        return f"{self.slug}.se"

    @property
    def username_prefix(self) -> str:
        return "" if self.index == 0 else f"{self.slug}."

    @property
    def scale(self) -> float:
        return self.run.scale * self.size

    def random(self, step: str) -> random.Random:
        """A random generator of its own for each step, so that adding a step changes nothing before it."""
        return random.Random(f"{self.run.seed}:{self.slug}:{step}")

    def email(self, local: str) -> str:
        self.emails[local] += 1
        n = self.emails[local]
        return f"{local}@{self.domain}" if n == 1 else f"{local}{n}@{self.domain}"

    def holder(self, role: str, spec: NodeSpec | None) -> User | None:
        if spec is None:
            return None
        people = self.holders.get((role, spec))
        return people[0] if people else None

    def save(self, model: type[models.Model], objs: list[Any]) -> list[Any]:
        """Insert ``objs`` in batches, with history rows when the run keeps history for ``model``."""
        if not objs:
            return objs
        label = model._meta.label
        if label in self.run.history:
            created: list[Any] = bulk_create_with_history(
                objs,
                model,
                batch_size=BATCH_SIZE,
                default_change_reason=CHANGE_REASON,
                default_date=self.run.history_date,
            )
        else:
            created = model._default_manager.bulk_create(objs, batch_size=BATCH_SIZE)
        if created and created[0].pk is None:
            raise RuntimeError("the database did not return primary keys from a bulk insert")
        self.counts[model._meta.model_name or label] += len(created)
        return created
