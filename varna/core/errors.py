"""Error pages: 400, 403, 404, 405 and 500 in the site's layout, Swedish unless the person chose English.

The 400, 403 and 404 pages are Django's own handlers with our templates (they render with the request, so
the menu shows). The 500 page is rendered without the context processors: it must not touch the database,
which may be what failed, so it shows no user and no menu. Django's ``require_POST`` and friends answer a
wrong method with a bare ``HttpResponseNotAllowed``; :class:`MethodNotAllowedPageMiddleware` gives it a page.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseServerError
from django.middleware.csrf import get_token
from django.template import loader

# Paths whose callers read JSON, not pages (the API answers its own errors).
_NOT_PAGES = ("/api/",)


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 page: the layout without a user, a menu or any other database query."""
    template = loader.get_template("500.html")
    # No request argument: the context processors (user, menu, organisation) do not run.
    context = {"csrf_token": get_token(request)}
    return HttpResponseServerError(template.render(context))


class MethodNotAllowedPageMiddleware:
    """Render the 405 page, in the layout, for the empty ``HttpResponseNotAllowed`` of a view.

    The ``Allow`` header stays as the view set it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            isinstance(response, HttpResponseNotAllowed)
            and not response.content
            and not request.path.startswith(_NOT_PAGES)
        ):
            response.content = loader.render_to_string("405.html", request=request).encode()
            response["Content-Type"] = "text/html; charset=utf-8"
        return response
