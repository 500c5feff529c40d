"""Swedish by default, English only when chosen."""

from django.test import Client


def test_pages_are_swedish_even_when_the_browser_asks_for_english(db) -> None:
    response = Client().get("/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="sv">' in response.content.decode()
    assert "Logga in" in response.content.decode()


def test_english_when_chosen(db) -> None:
    client = Client()
    client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    response = client.get("/login/")
    assert '<html lang="en">' in response.content.decode()
    assert "Log in to Värna" in response.content.decode()
