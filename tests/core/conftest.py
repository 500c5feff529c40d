"""Fixtures shared by the core tests: the API tests' world, and a small municipality for the import tests
(``tests/core/test_import_*.py``).

``english`` and ``media_root`` are not autouse here, so that they touch no other test of the folder: the import
modules ask for them with ``pytestmark = pytest.mark.usefixtures("english", "media_root")``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.utils import translation

from tests.core.import_samples import add_child, person
from tests.core.world import World, build_world
from varna.core.models import Node, NodeKind, Organisation, Role, User


@pytest.fixture
def english(settings: pytest.FixtureRequest) -> Iterator[None]:
    """Messages are checked in English, the source language, so the tests do not depend on the .po file."""
    with translation.override("en"):  # entered first, so that leaving it restores the real default
        settings.LANGUAGE_CODE = "en"  # type: ignore[attr-defined]
        yield


@pytest.fixture
def media_root(settings: pytest.FixtureRequest, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"  # type: ignore[attr-defined]
    return tmp_path / "media"


@pytest.fixture
def org(db: None) -> Organisation:
    return Organisation.objects.create(name="Testkommun", slug="testkommun")


@pytest.fixture
def root(org: Organisation) -> Node:
    return Node.objects.add_root(
        create_kwargs={"organisation": org, "kind": NodeKind.COUNCIL, "name": "Kommunfullmäktige", "code": "1000"}
    )


@pytest.fixture
def admin(org: Organisation, root: Node) -> User:
    return person(org, "admin", Role.ADMINISTRATOR, root)


@pytest.fixture
def tree(root: Node) -> dict[str, Node]:
    """1000 > 2000 (nämnd) > 2100 (förvaltning) > 2101, 2102 (enheter)."""
    committee = add_child(root, "2000", "Barn- och utbildningsnämnden", NodeKind.COMMITTEE)
    administration = add_child(committee, "2100", "Barn- och utbildningsförvaltningen", NodeKind.ADMINISTRATION)
    return {
        "1000": root,
        "2000": committee,
        "2100": administration,
        "2101": add_child(administration, "2101", "Solrosens förskola"),
        "2102": add_child(administration, "2102", "Norrskolan"),
    }


@pytest.fixture
def world(db: None) -> World:
    return build_world()
