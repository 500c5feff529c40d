"""The registry that lets later apps add to earlier apps' pages: hooks and panels."""

from __future__ import annotations

from typing import Any

import pytest

from varna.core import registry
from varna.core.models import User

GREETING: registry.Hook[str] = registry.Hook("tests.greeting")


@pytest.fixture
def empty_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    """The registry without what the installed apps registered (restored after the test)."""
    monkeypatch.setattr(registry, "_hooks", {})
    monkeypatch.setattr(registry, "_panels", {})


def test_a_hook_is_none_until_an_app_provides_it(empty_registry: None) -> None:
    assert registry.hook(GREETING) is None
    registry.register_hook(GREETING, "hej")
    assert registry.hook(GREETING) == "hej"
    registry.register_hook(GREETING, "hallå")  # registering again replaces
    assert registry.hook(GREETING) == "hallå"


def test_panels_are_shown_in_order_and_only_with_something_to_show(empty_registry: None) -> None:
    person = User(username="someone")
    seen: list[Any] = []

    def shows(user: User, obj: Any) -> dict[str, Any] | None:
        seen.append((user, obj))
        return {"obj": obj}

    registry.register_panel(registry.Panel("page", "second", "b.html", shows, order=20))
    registry.register_panel(registry.Panel("page", "first", "a.html", shows, order=10))
    registry.register_panel(registry.Panel("page", "empty", "c.html", lambda user, obj: None, order=5))
    registry.register_panel(registry.Panel("other", "elsewhere", "d.html", shows))

    shown = registry.panels("page", person, "the object")

    assert [(p.key, p.template, p.data) for p in shown] == [
        ("first", "a.html", {"obj": "the object"}),
        ("second", "b.html", {"obj": "the object"}),
    ]
    assert seen == [(person, "the object")] * 2  # the other page's panel is not asked


def test_the_apps_register_what_they_add_to_the_risk_and_incident_pages() -> None:
    from varna.risks.selectors import MEASURE_FOLLOW_UP

    follow_up = registry.hook(MEASURE_FOLLOW_UP)
    assert follow_up is not None and follow_up.status_template == "plans/_measure_actions.html"
    incident_panels = sorted(key for (slot, key) in registry._panels if slot == "incident")
    assert incident_panels == ["insurance", "insurance.fund", "plans", "risks", "training.information"]
