"""Every page each demo persona can reach passes axe-core's WCAG 2.1 A and AA rules.

The pages are found, not listed: each persona logs in, reads the main menu and
visits every link, then follows the first detail link on each of those pages
(a unit, a person, a group) and a change history where one is offered. New
pages in the menu are therefore checked without anyone remembering to add them.
Every page must answer; axe runs once per distinct page (see ``PAGE_MAKEUP_JS``): a
second persona's copy of a page made of the same elements is not checked twice.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest

from tests.browser.conftest import axe_violations, login, nav_links
from varna.demo.personas import PERSONAS as DEMO_PERSONAS

pytestmark = pytest.mark.browser

PERSONAS = [p.username for p in DEMO_PERSONAS]

# Where a list page keeps its entries: the first same-site link in one of these is its "detail".
DETAIL_LINK_SELECTORS = "main table tbody a[href], main ul a[href], main ol a[href]"
HISTORY_LINK = "main a[href$='/history/']"


def _same_site_path(page: Any, href: str | None) -> str | None:
    if not href or href.startswith(("mailto:", "tel:", "#", "javascript:")):
        return None
    absolute = urljoin(page.url, href)
    parts, here = urlsplit(absolute), urlsplit(page.url)
    if parts.netloc != here.netloc:
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _first_new_link(page: Any, selector: str, skip: set[str]) -> str | None:
    for href in page.locator(selector).evaluate_all("links => links.map(a => a.getAttribute('href'))"):
        path = _same_site_path(page, href)
        if path and path not in skip and not path.startswith("/logout"):
            return path
    return None


def _shape(path: str) -> str:
    return re.sub(r"\d+", "<id>", path)


# What a page is made of, text and repetition aside: each kind of element it shows (tag, role, type, classes and
# the names of its other attributes), with the page's language and width. Personas share most pages (the start
# page, the lists, the forms): a page whose route was checked before, with every kind of element it shows now and
# in the same language and width, would give axe nothing new, so only its answer (HTTP 200) is checked again.
PAGE_MAKEUP_JS = """() => {
    const kinds = new Set();
    for (const el of document.querySelectorAll('body *')) {
        const names = Array.from(el.attributes, a => a.name)
            .filter(n => !['id', 'href', 'value', 'for', 'action', 'src', 'content'].includes(n)).sort();
        kinds.add([el.tagName, el.getAttribute('role'), el.getAttribute('type'),
                   typeof el.className === 'string' ? el.className : '', names.join(' ')].join('|'));
    }
    return [document.documentElement.lang + ' ' + window.innerWidth, Array.from(kinds)];
}"""
# Per route (and language and width): the makeup of each page axe has checked in this run.
_checked: dict[str, list[frozenset[str]]] = {}


def _seen_before(page: Any, path: str) -> bool:
    """Whether axe has checked a page of this route made of everything this one is made of (and records it if not)."""
    where, kinds = page.evaluate(PAGE_MAKEUP_JS)
    route, makeup = f"{_shape(urlsplit(path).path)} {where}", frozenset(kinds)
    earlier = _checked.setdefault(route, [])
    if any(makeup <= checked for checked in earlier):
        return True
    earlier.append(makeup)
    return False


def _check(page: Any, path: str, problems: list[str], visited: set[str]) -> None:
    visited.add(path)
    response = page.goto(path)
    status = response.status if response else None
    if status != 200:
        problems.append(f"{page.url}: answered HTTP {status}, expected 200")
        return
    if not _seen_before(page, path):
        problems.extend(axe_violations(page))


def _report(who: str, problems: list[str], visited: set[str]) -> str:
    pages = "\n  ".join(sorted(visited))
    found = "\n  ".join(problems)
    return f"{who}: {len(problems)} accessibility problem(s):\n  {found}\n(pages checked:\n  {pages})"


@pytest.mark.parametrize("username", PERSONAS)
def test_every_page_a_persona_reaches_passes_axe(page: Any, username: str) -> None:
    login(page, username)
    menu = nav_links(page)
    assert menu, f"{username} sees no main menu after logging in (at {page.url})"
    problems: list[str] = []
    visited: set[str] = set()
    histories: set[str] = set()
    skip = set(menu)
    for path in menu:
        if path in visited:
            continue
        _check(page, path, problems, visited)
        detail = _first_new_link(page, DETAIL_LINK_SELECTORS, skip | visited)
        if detail is None:
            continue
        _check(page, detail, problems, visited)
        history = _first_new_link(page, HISTORY_LINK, skip | visited)
        # One change history of each kind (unit, person ...) is enough: they share one template.
        if history is not None and _shape(history) not in histories:
            histories.add(_shape(history))
            _check(page, history, problems, visited)
    assert not problems, _report(username, problems, visited)


# Pages outside the main menu that the crawl above does not reach, by the persona who may see them: the governing
# documents' forms and lists (issue 16). Each entry is a path, or a link text to follow from the page before.
DOCUMENT_PAGES: list[tuple[str, str]] = [
    ("samordnare", "/documents/?q=Rutin"),
    ("samordnare", "link:Rutin för hot och våld"),
    ("samordnare", "link:Registrera beslutet om version 2"),
    ("samordnare", "/documents/new/"),
    ("samordnare", "/documents/revision/"),
    ("samordnare", "/documents/preparedness/"),
    ("chef.hemtjanst", "/documents/?q=ensamarbete"),
    ("chef.hemtjanst", "link:Instruktion vid ensamarbete – Hemtjänst Centrum"),
    ("chef.hemtjanst", "link:Ändra utkastet"),
]


def test_document_pages_pass_axe(new_page: Any) -> None:
    problems: list[str] = []
    visited: set[str] = set()
    current, page = None, None
    for username, target in DOCUMENT_PAGES:
        if username != current:
            page = new_page()
            login(page, username)
            current = username
        assert page is not None
        if target.startswith("link:"):
            with page.expect_navigation():
                page.locator("main").get_by_role("link", name=target.removeprefix("link:"), exact=True).first.click()
            visited.add(page.url)
            problems.extend(axe_violations(page))
        else:
            _check(page, target, problems, visited)
    assert not problems, _report("governing documents", problems, visited)


def test_login_page_passes_axe(page: Any) -> None:
    page.goto("/login/")
    problems = axe_violations(page)
    assert not problems, _report("anonymous", problems, {"/login/"})


def test_wrong_password_and_forbidden_pages_pass_axe(page: Any) -> None:
    page.goto("/login/")
    login(page, "anstalld", "not-the-password")
    problems = axe_violations(page)
    login(page, "anstalld")
    response = page.goto("/people/")
    assert response is not None and response.status == 403
    problems += axe_violations(page)
    response = page.goto("/organisation/999999999/")
    assert response is not None and response.status == 404
    problems += axe_violations(page)
    pages = {"/login/", "/people/", "/organisation/999999999/"}
    assert not problems, _report("anstalld (error pages)", problems, pages)


def test_english_pages_pass_axe(page: Any) -> None:
    login(page, "samordnare")
    with page.expect_navigation():
        page.get_by_role("button", name="In English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    problems: list[str] = []
    visited: set[str] = set()
    for path in nav_links(page):
        if path not in visited:
            _check(page, path, problems, visited)
            assert page.locator("html").get_attribute("lang") == "en", f"{page.url} is not in English"
    assert not problems, _report("samordnare in English", problems, visited)


def test_phone_sized_pages_do_not_scroll_sideways_and_pass_axe(new_page: Any) -> None:
    page = new_page(width=390, height=844)
    login(page, "samordnare")
    problems: list[str] = []
    visited: set[str] = set()
    for path in ["/", *nav_links(page)]:
        if path in visited:
            continue
        _check(page, path, problems, visited)
        scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if scroll > inner:
            problems.append(f"{page.url}: scrolls sideways on a phone (scrollWidth {scroll} > innerWidth {inner})")
    assert not problems, _report("samordnare on a phone", problems, visited)


def test_skip_link_moves_focus_to_the_content(page: Any) -> None:
    login(page, "samordnare")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name=re.compile(r"Hoppa till innehållet|Skip to content"))
    assert skip.evaluate("el => el === document.activeElement"), "the first Tab stop is not the skip link"
    assert skip.is_visible(), "the skip link is not visible when it has focus"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_follow_up_draft_and_the_politicians_start_page_pass_axe(page: Any, new_page: Any) -> None:
    """Pages the menu crawl does not reach: a draft follow-up with its comment forms (the demo has only fixed
    ones), the page after a stale comment, and the elected official's start page with its figures."""
    login(page, "samordnare")
    page.goto("/followup/")
    page.get_by_label(re.compile(r"Nämnd eller förvaltning|Nämnd or förvaltning")).select_option(
        label="Barn- och utbildningsförvaltningen"
    )
    with page.expect_navigation():
        page.locator("#generate-form button[type=submit]").click()
    assert re.search(r"/followup/\d+/$", page.url), page.url
    problems = axe_violations(page)
    visited = {page.url}
    form = page.locator("#section-plan form")
    form.locator("textarea").fill("Planen är antagen.")
    page.evaluate("document.querySelector('#section-plan input[name$=revision]').value = '0'")  # a stale form
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    problems += axe_violations(page)
    politician = new_page()  # a browser of their own: the coordinator is still logged in above
    login(politician, "politiker")
    politician.goto("/")
    assert politician.locator("#elected-overview").count() == 1
    problems += axe_violations(politician)
    visited.add("/ (politiker)")
    assert not problems, _report("follow-up pages", problems, visited)
