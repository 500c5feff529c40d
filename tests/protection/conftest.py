from __future__ import annotations

import pytest

from tests.protection.world import ProtectionWorld, build_protection_world


@pytest.fixture
def pw(db: None) -> ProtectionWorld:
    return build_protection_world()
