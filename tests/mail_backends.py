"""Mail backends for tests: one that always fails, as a mail server that is down."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.mail.backends.base import BaseEmailBackend


class MailServerDown(ConnectionRefusedError):
    pass


class AlwaysFailingBackend(BaseEmailBackend):
    """Every send raises, as SMTP to a host where no mail server listens."""

    def send_messages(self, email_messages: Sequence[Any]) -> int:
        raise MailServerDown(111, "Connection refused (the test's mail server is down)")
