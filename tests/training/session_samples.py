"""Course sessions for the access-matrix crawl: the demo data in the test database has none.

One session at each of the crawl's sample nodes (``tests.core.crawl.SAMPLE_NODES``) and at Grannby's deepest
node, of the organisation's first course, a week ago.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from varna.core.models import Node
from varna.training.models import Course, CourseSession


def make_sample_sessions(node_names: list[str]) -> None:
    nodes = list(Node.objects.filter(name__in=node_names)) + list(
        Node.objects.filter(organisation__slug="grannby", depth__gte=2).order_by("-depth", "path")[:1]
    )
    starts_at = timezone.now() - datetime.timedelta(days=7)
    for node in nodes:
        course = Course.objects.filter(organisation_id=node.organisation_id).order_by("pk").first()
        if course is None:
            continue
        CourseSession.objects.create(
            organisation_id=node.organisation_id, course=course, node=node, starts_at=starts_at, place="Aulan"
        )
