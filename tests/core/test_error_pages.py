"""Error pages: the site's layout, the viewport, Swedish by default (English when chosen), a way on.

The tests run with DEBUG off (pytest-django's default), so Django renders the error templates. Two views that
fail on purpose are added to the project's URLs below (``@pytest.mark.urls`` points here).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.test import Client, RequestFactory
from django.urls import path, reverse

import varna.urls
from varna.core.errors import MethodNotAllowedPageMiddleware


def _fails(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a fault on purpose")


def _suspicious(request: HttpRequest) -> HttpResponse:
    raise SuspiciousOperation("a bad request on purpose")


urlpatterns = [path("test-fails/", _fails), path("test-suspicious/", _suspicious), *varna.urls.urlpatterns]
handler500 = varna.urls.handler500

# English texts of the layout that must never reach a Swedish page.
LAYOUT_ENGLISH = ("Skip to content", "systematic security work", "Go to the overview", "Log out")


def _english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _assert_swedish_page_in_layout(response: Any, *, status: int, heading: str) -> str:
    html = response.content.decode()
    assert response.status_code == status
    assert '<html lang="sv">' in html
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert 'class="site-header"' in html
    assert f"<h1>{heading}</h1>" in html
    assert '<a href="/">Gå till översikten</a>' in html
    for english in LAYOUT_ENGLISH:
        assert english not in html
    return html


def test_404_page_is_swedish_in_the_layout_with_the_menu(client_for: Callable[[str], Client]) -> None:
    response = client_for("anstalld").get("/no-such-page/")

    html = _assert_swedish_page_in_layout(response, status=404, heading="Sidan hittades inte")
    assert "Börja om från översikten" in html
    assert 'class="site-nav"' in html


def test_404_page_is_english_when_english_is_chosen(client_for: Callable[[str], Client]) -> None:
    response = _english(client_for("anstalld")).get("/no-such-page/")

    html = response.content.decode()
    assert response.status_code == 404
    assert '<html lang="en">' in html
    assert "<h1>The page was not found</h1>" in html
    assert '<a href="/">Go to the overview</a>' in html


def test_403_page_is_swedish_and_says_whom_to_contact(client_for: Callable[[str], Client]) -> None:
    response = client_for("anstalld").get(reverse("core:import"))

    html = _assert_swedish_page_in_layout(response, status=403, heading="Du har inte behörighet till sidan")
    assert "säkerhetssamordnare" in html


@pytest.mark.urls("tests.core.test_error_pages")
def test_400_page_is_swedish_in_the_layout(client_for: Callable[[str], Client]) -> None:
    response = client_for("anstalld").get("/test-suspicious/")

    _assert_swedish_page_in_layout(response, status=400, heading="Det du skickade kunde inte tas emot")


def test_wrong_method_gets_a_swedish_405_page_and_keeps_the_allow_header(client_for: Callable[[str], Client]) -> None:
    response = client_for("samordnare").get(reverse("core:role_end", args=[1]))

    html = _assert_swedish_page_in_layout(response, status=405, heading="Sidan kan inte öppnas så här")
    assert response["Allow"] == "POST"
    assert "Ingenting har ändrats" in html


def test_405_page_is_english_when_english_is_chosen(db: None) -> None:
    response = _english(Client()).get(reverse("core:role_end", args=[1]))

    assert response.status_code == 405
    assert "<h1>The page cannot be opened this way</h1>" in response.content.decode()


def test_api_keeps_its_own_405(rf: RequestFactory) -> None:
    bare = HttpResponseNotAllowed(["POST"])
    middleware = MethodNotAllowedPageMiddleware(lambda request: bare)

    response = middleware(rf.get("/api/v1/incidents/"))

    assert response.status_code == 405
    assert response.content == b""


@pytest.mark.urls("tests.core.test_error_pages")
def test_500_page_is_swedish_in_the_layout_without_touching_the_database(
    client_for: Callable[[str], Client], django_assert_num_queries: Callable[..., object]
) -> None:
    client = client_for("anstalld")
    client.raise_request_exception = False

    with django_assert_num_queries(0):  # type: ignore[attr-defined]
        response = client.get("/test-fails/")

    html = _assert_swedish_page_in_layout(response, status=500, heading="Något gick fel")
    assert "kontakta din säkerhetssamordnare" in html
    assert 'class="site-nav"' not in html
    assert "Logga ut" not in html


@pytest.mark.urls("tests.core.test_error_pages")
def test_500_page_is_english_when_english_is_chosen(db: None) -> None:
    client = _english(Client())
    client.raise_request_exception = False

    response = client.get("/test-fails/")

    assert response.status_code == 500
    assert "<h1>Something went wrong</h1>" in response.content.decode()
