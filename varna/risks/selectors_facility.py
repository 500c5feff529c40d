"""The risks app's answer to protection's question (:data:`varna.protection.hooks.ANALYSIS_LINKS`): where the risk
analysis of a flagged facility is (G3, K10, K12: installing technical protection is preceded by a risk analysis).

For each facility: the newest analysis of the facility (its premises) that the person may see, else the newest of
the facility's unit; without one, the form to start an analysis of the unit for the facility, with the reason
"installation of technical protection", when the person may make analyses there. Two queries whatever the count.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from varna.core import access
from varna.core.access import Perm
from varna.core.models import Node, User
from varna.protection.hooks import AnalysisLink
from varna.protection.models import Facility
from varna.risks.models import AnalysisTrigger, RiskAnalysis


def new_analysis_url(facility: Facility) -> str:
    """The form of a new analysis, filled in with the facility's unit, the facility and the reason."""
    query = urlencode(
        {"node": facility.node_id, "facility": facility.pk, "trigger": AnalysisTrigger.TECHNICAL_PROTECTION.value}
    )
    return f"{reverse('risks:analysis_new')}?{query}"


def analysis_links(user: User, facilities: list[Facility]) -> dict[int, AnalysisLink]:
    if not facilities or not access.has_perm(user, Perm.VIEW_RISKS):
        return {}
    facility_ids = [f.pk for f in facilities]
    node_ids = {f.node_id for f in facilities}
    rows = list(
        access.scope(user, Perm.VIEW_RISKS, RiskAnalysis.objects.all())
        .filter(Q(facility_id__in=facility_ids) | Q(node_id__in=node_ids))
        .order_by()
        .values_list("pk", "number", "title", "facility_id", "node_id", "analysed_on")
    )
    rows.sort(key=lambda r: (r[5], r[0]), reverse=True)  # newest first
    by_facility: dict[int, tuple[int, str, str]] = {}
    by_node: dict[int, tuple[int, str, str]] = {}
    for pk, number, title, facility_id, node_id, _day in rows:
        if facility_id is not None:
            by_facility.setdefault(facility_id, (pk, number, title))
        by_node.setdefault(node_id, (pk, number, title))
    may_start = {n.pk for n in access.scope(user, Perm.MANAGE_RISKS, Node.objects.filter(pk__in=node_ids)).only("pk")}
    links: dict[int, AnalysisLink] = {}
    for facility in facilities:
        found = by_facility.get(facility.pk) or by_node.get(facility.node_id)
        if found is not None:
            pk, number, title = found
            links[facility.pk] = AnalysisLink(
                reverse("risks:analysis", args=[pk]),
                _("Risk analysis %(number)s: %(title)s") % {"number": number, "title": title},
                exists=True,
            )
        elif facility.node_id in may_start:
            links[facility.pk] = AnalysisLink(
                new_analysis_url(facility), _("Start a risk analysis of the premises"), exists=False
            )
    return links
