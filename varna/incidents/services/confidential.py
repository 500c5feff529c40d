"""The log of reads of confidential reports (threats and violence: G8, K11)."""

from __future__ import annotations

from varna.core.models import User
from varna.incidents.models import ConfidentialRead, Incident

WHAT_LENGTH = 40  # ConfidentialRead.what


def log_confidential_read(*, actor: User, incident: Incident, what: str = "page") -> None:
    """Log that ``actor`` read ``incident`` (how: ``what``) if it is confidential; nothing for other cases.

    The one write a page that only shows something makes: each view that shows a confidential case,
    one of its files or its history calls this after fetching it.
    """
    if incident.is_confidential:
        ConfidentialRead.objects.create(
            organisation_id=incident.organisation_id, incident=incident, user_id=actor.pk, what=what[:WHAT_LENGTH]
        )
