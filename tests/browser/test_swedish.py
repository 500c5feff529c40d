"""Nothing English or raw reaches a Swedish user in the browser: every main-menu page, as Chromium shows it.

The same check as the crawl of tests/core/test_swedish_pages.py (the same list of English words and raw
Python values), but on the page the browser has built: after the scripts have run, through the production
settings and the real server, in a Swedish browser.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import login, nav_links
from tests.core.test_swedish_pages import problems_on

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("username", ["samordnare", "chef.solrosen"])
def test_every_main_menu_page_is_swedish_in_the_browser(page: Any, username: str) -> None:
    login(page, username)
    menu = [path for path in nav_links(page) if not path.startswith(("/logout", "/i18n"))]
    assert menu, f"{username} sees no main menu after logging in (at {page.url})"
    problems: list[str] = []
    for path in dict.fromkeys(menu):
        response = page.goto(path)
        if response is None or response.status != 200:
            problems.append(f"{path}: answered HTTP {response.status if response else None}, expected 200")
            continue
        page.wait_for_load_state("load")
        problems.extend(problems_on(urlsplit(page.url).path, page.content()))
    listing = "\n  ".join(dict.fromkeys(problems))
    assert not problems, f"{username}: {len(set(problems))} English or raw text(s) on {len(menu)} pages:\n  {listing}"
