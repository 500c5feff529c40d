from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.followup.world import World, build
from varna.core.models import User


@pytest.fixture
def world(persona: Callable[[str], User]) -> World:
    return build(persona("samordnare"))
