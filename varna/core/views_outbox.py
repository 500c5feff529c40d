"""The outbox page ("Utskick"): queued, sent and failed mail, and "Försök igen" for a failed one."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from varna.core import access, outbox, selectors_outbox
from varna.core.access import Perm
from varna.core.models import MailStatus, OutboxMail

PAGE_SIZE = 50


@access.require(Perm.CONFIGURE)
def outbox_list(request: HttpRequest) -> HttpResponse:
    user = access.actor(request)
    status = request.GET.get("status", "")
    status = status if status in MailStatus.values else ""
    rows = selectors_outbox.outbox_mails(user, status=status)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "status": status,
        "statuses": MailStatus.choices,
        "counts": selectors_outbox.outbox_counts(user),
        "mail_enabled": outbox.mail_enabled(),
    }
    return render(request, "core/outbox.html", context)


@access.require(Perm.CONFIGURE, model=OutboxMail, methods=("POST",))
def outbox_retry(request: HttpRequest, pk: int) -> HttpResponse:
    user = access.actor(request)
    mail = selectors_outbox.outbox_mail_for(user, pk)
    try:
        outbox.retry(actor=user, mail=mail)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The mail is queued again and will be sent in a moment."))
    return redirect("core:outbox")
