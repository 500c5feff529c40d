from tests.browser.conftest import login, nav_links
from tests.browser.test_accessibility import DETAIL_LINK_SELECTORS, HISTORY_LINK, _first_new_link
import pytest
@pytest.mark.parametrize("u", ["samordnare", "anstalld", "politiker", "admin"])
def test_x(page, u):
    login(page, u); menu = nav_links(page); visited=set(); skip=set(menu)
    for path in menu:
        page.goto(path); visited.add(path)
        d = _first_new_link(page, DETAIL_LINK_SELECTORS, skip|visited)
        h = None
        if d:
            page.goto(d); visited.add(d)
            h = _first_new_link(page, HISTORY_LINK, skip|visited)
            if h: visited.add(h)
        print(u, path, "->", d, "->", h)
