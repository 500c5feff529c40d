"""Shared fixtures: the demo municipality at a small scale and its personas."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from varna.core.models import User

TEST_SCALE = 0.02


@pytest.fixture
def demo(db: None) -> None:
    """The deterministic demo data (Exempelkommun and Grannby) at a small scale."""
    from varna.demo.generator import generate

    generate(scale=TEST_SCALE, seed=1)


@pytest.fixture
def persona(demo: None) -> Callable[[str], User]:
    def get(username: str) -> User:
        return User.objects.get(username=username)

    return get


@pytest.fixture
def client_for(persona: Callable[[str], User]) -> Callable[[str], Client]:
    """A test client logged in as the named persona."""

    def make(username: str) -> Client:
        client = Client()
        client.force_login(persona(username))
        return client

    return make
