"""Nothing English or raw reaches a Swedish user: every page each persona reaches from the menu is Swedish.

The pages are found, not listed: each demo persona opens the start page, reads the main menu, visits every
menu page and every same-site page linked from those (one level deep, and a change history linked from
those; GET only; pages of the same shape,
``/risks/12/`` and ``/risks/13/``, are read once). Each page's visible text and the texts a screen reader or a
form shows (placeholders, titles, labels, button values, options) must hold no English interface word and no
raw Python value.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import Client

from varna.demo.personas import PERSONAS as DEMO_PERSONAS

PERSONAS = [p.username for p in DEMO_PERSONAS]

# English interface words that must never show in the Swedish interface (whole words, case as written).
ENGLISH_WORDS = [
    "Select",
    "Submit",
    "None",
    "True",
    "False",
    "changed by",
    "Save",
    "Cancel",
    "Search",
    "Delete",
    "Edit",
    "Back",
    "Yes",
    "Next",
    "Previous",
    "Created",
    "Changed",
    "Deleted",
    "optional",
    "Unknown",
    "Filter",
    "Download",
    "Log out",
    "Change history",
    "people",
    "operations",
    "property",
    "economy",
    "environment",
    "the system",
]
ENGLISH = re.compile(r"(?<![\w-])(" + "|".join(re.escape(w) for w in ENGLISH_WORDS) + r")(?![\w-])")
# Raw Python: a list or dict repr, a datetime with seconds and microseconds or a UTC offset, a signed decimal.
RAW = re.compile(r"\[\{|\{'|\d{2}:\d{2}:\d{2}\.\d+|\d{2}:\d{2}(:\d{2})?\+00:00|[+]\d+\.\d{2}\b")

ATTRIBUTES = {"placeholder", "title", "aria-label", "alt"}
SKIP_CONTENT = {"script", "style", "svg", "code", "pre"}


class _Page(HTMLParser):
    """The visible text of a page, its readable attributes, its menu links and its links in ``<main>``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.menu: list[str] = []
        self.links: list[str] = []
        self.labels: list[str] = []
        self._label: list[str] | None = None
        self._skip = 0
        self._in_menu = False
        self._in_main = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in SKIP_CONTENT:
            self._skip += 1
        if tag == "nav" and "site-nav" in (values.get("class") or ""):
            self._in_menu = True
        if tag == "main":
            self._in_main = True
        if tag == "label":
            self._label = []
        if tag == "a" and values.get("href"):
            if self._in_menu:
                self.menu.append(values["href"] or "")
            elif self._in_main:
                self.links.append(values["href"] or "")
        self.texts.extend(v for k, v in attrs if k in ATTRIBUTES and v)
        if tag == "input" and values.get("type") in {"submit", "button"} and values.get("value"):
            self.texts.append(values["value"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIP_CONTENT and self._skip:
            self._skip -= 1
        if tag == "nav":
            self._in_menu = False
        if tag == "main":
            self._in_main = False
        if tag == "label" and self._label is not None:
            self.labels.append(" ".join(self._label))
            self._label = None

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.texts.append(data.strip())
            if self._label is not None:
                self._label.append(data.strip())


def _read(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    page.close()
    return page


def _same_site(base: str, href: str) -> str | None:
    if href.startswith(("mailto:", "tel:", "#", "javascript:")):
        return None
    parts = urlsplit(urljoin(base, href))
    if parts.netloc not in {"", "testserver"}:
        return None
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    # Downloads (PDF, Excel, CSV) and the API are not pages; the log-out and language switch are posts.
    if re.search(r"/(api|logout|i18n|static|media)/|\.(pdf|xlsx|csv)$|/(pdf|xlsx|csv|export[^/]*)/?$", parts.path):
        return None
    return path


def _shape(path: str) -> str:
    """``/risks/12/?page=2`` and ``/risks/13/?page=3`` are the same page to read."""
    parts = urlsplit(path)
    keys = sorted({pair.split("=")[0] for pair in parts.query.split("&") if pair})
    return re.sub(r"\d+", "#", parts.path) + ("?" + "&".join(keys) if keys else "")


def problems_on(path: str, html: str) -> list[str]:
    found = []
    page = _read(html)
    for label in page.labels:
        if label.count("valfri") > 1 or label.count("optional") > 1:
            found.append(f"{path}: optional said twice in the label {label!r}")
    for text in page.texts:
        for match in ENGLISH.finditer(text):
            found.append(f"{path}: English word {match.group(0)!r} in {text[:120]!r}")
        for match in RAW.finditer(text):
            found.append(f"{path}: raw value {match.group(0)!r} in {text[:120]!r}")
    return found


def crawl(client: Client) -> tuple[list[str], set[str]]:
    """(problems, pages read): the menu pages and the pages linked from them, one level deep."""
    start = client.get("/", follow=True)
    assert start.status_code == 200
    menu = [p for p in (_same_site("/", h) for h in _read(start.content.decode()).menu) if p]
    problems: list[str] = []
    seen: set[str] = set()
    read: set[str] = set()

    def visit(path: str) -> _Page | None:
        if _shape(path) in seen:
            return None
        seen.add(_shape(path))
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            return None
        read.add(path)
        html = response.content.decode()
        problems.extend(problems_on(path, html))
        return _read(html)

    linked: list[str] = []
    for path in menu:
        page = visit(path)
        if page is not None:
            linked.extend(p for p in (_same_site(path, h) for h in page.links) if p)
    histories: list[str] = []
    for path in linked:
        page = visit(path)
        if page is not None:  # a record's change history, where one is offered, is read as well
            histories.extend(p for p in (_same_site(path, h) for h in page.links) if p and p.endswith("/history/"))
    for path in histories:
        visit(path)
    return problems, read


def test_the_checker_finds_english_words_and_raw_values() -> None:
    html = (
        "<main><p>fastställd av: – → 3</p><select><option>- Select an option -</option></select>"
        "<p>[{'riskanalysis': 267}]</p><p>2025-03-01 10:00:00.123456</p><p>status changed by</p></main>"
    )
    found = " ".join(problems_on("/x/", html))
    assert "'Select'" in found
    assert "'[{'" in found
    assert "'changed by'" in found
    assert ".123456" in found
    assert "twice" in " ".join(
        problems_on("/x/", "<main><label>Motivering (valfritt) <span>(valfritt)</span></label></main>")
    )
    assert problems_on("/x/", "<main><p>Ändrad av Karin Holm 2025-03-01 11:00</p><p>4 500 kr</p></main>") == []


@pytest.mark.wording
@pytest.mark.parametrize("username", PERSONAS)
def test_every_page_a_persona_reaches_is_swedish(client_for: Callable[[str], Client], username: str) -> None:
    problems, read = crawl(client_for(username))
    assert read, f"{username} reached no page"
    listing = "\n  ".join(sorted(set(problems)))
    assert not problems, f"{username}: {len(set(problems))} English or raw text(s):\n  {listing}"
