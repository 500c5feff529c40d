"""The UI shell in a real browser: language, logging in and out, navigation, access, no outside requests."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.conftest import LOGOUT_BUTTON, MAIN_MENU, login, nav_links

pytestmark = pytest.mark.browser

ERROR_MESSAGE = re.compile(r"Användarnamnet eller lösenordet|user name or password", re.IGNORECASE)
STAFF_LINK = re.compile(r"^\s*(Personal|Staff)\s*$", re.IGNORECASE)


def _lang(page: Any) -> str | None:
    return page.locator("html").get_attribute("lang")


def test_swedish_by_default_and_the_language_can_be_switched(page: Any) -> None:
    page.goto("/login/")
    assert _lang(page) == "sv"

    with page.expect_navigation():
        page.get_by_role("button", name="In English").click()
    assert _lang(page) == "en"
    assert page.url.endswith("/login/")
    assert page.get_by_role("heading", level=1).inner_text() == "Log in to Värna"

    with page.expect_navigation():
        page.get_by_role("button", name="På svenska").click()
    assert _lang(page) == "sv"
    assert page.get_by_role("button", name="In English").is_visible()


def test_a_wrong_password_shows_an_error_and_stays_on_the_login_page(page: Any) -> None:
    login(page, "samordnare", "wrong-password")
    assert page.url.endswith("/login/")
    alert = page.get_by_role("alert")
    assert alert.is_visible()
    assert ERROR_MESSAGE.search(alert.inner_text())
    assert page.get_by_role("navigation", name=MAIN_MENU).count() == 0


def _full_name(new_page: Any, username: str) -> str:
    """The name a persona is shown by, read from the header after they log in themselves."""
    other = new_page()
    login(other, username)
    return other.locator(".user-name").inner_text().strip()


def test_the_coordinator_finds_the_security_roles_of_a_preschool(page: Any, new_page: Any) -> None:
    manager = _full_name(new_page, "chef.solrosen")
    assert manager and manager != "chef.solrosen", "the demo unit manager has no name"

    login(page, "samordnare")
    page.get_by_role("navigation", name=MAIN_MENU).get_by_role("link", name="Organisation").click()
    page.wait_for_url(re.compile(r"/organisation/$"))
    page.get_by_role("link", name="Solrosens förskola", exact=True).click()
    page.wait_for_url(re.compile(r"/organisation/\d+/$"))

    assert page.get_by_role("heading", level=1).inner_text() == "Solrosens förskola"
    roles = page.locator("main section", has=page.locator("#roles-h"))
    assert manager in roles.inner_text(), f"{manager!r} is not among the security roles of Solrosens förskola"


def test_an_employee_has_no_staff_link_and_is_refused_the_staff_list(page: Any) -> None:
    login(page, "anstalld")
    menu = page.get_by_role("navigation", name=MAIN_MENU)
    assert menu.count() == 1
    assert menu.get_by_role("link", name=STAFF_LINK).count() == 0
    assert not any(path.startswith("/people/") for path in nav_links(page))
    response = page.goto("/people/")
    assert response is not None
    assert response.status == 403


def test_logging_out_ends_the_session(page: Any) -> None:
    login(page, "chef.solrosen")
    assert not page.url.endswith("/login/")
    with page.expect_navigation():
        page.get_by_role("button", name=LOGOUT_BUTTON).click()
    assert "/login/" in page.url
    page.goto("/")
    assert "/login/" in page.url, "the overview is still shown after logging out"


def test_no_request_leaves_the_server(page: Any, base_url: str) -> None:
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)

    login(page, "samordnare")
    for path in nav_links(page):
        page.goto(path)
        page.wait_for_load_state("load")
    page.goto("/organisation/")
    with page.expect_navigation():
        page.get_by_role("link", name="Solrosens förskola", exact=True).click()
    with page.expect_navigation():
        page.get_by_role("button", name="In English").click()
    with page.expect_navigation():
        page.get_by_role("button", name=LOGOUT_BUTTON).click()

    assert requests, "no requests were recorded"
    outside = [url for url in requests if not url.startswith((base_url + "/", "data:", "about:", "blob:"))]
    assert not outside, f"requests left the server: {outside}"
    assert not errors, f"the browser reported errors (e.g. Content Security Policy): {errors}"
