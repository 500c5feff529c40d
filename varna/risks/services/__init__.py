"""Every write of risk management, one function per action, each checking the access policy itself.

- :mod:`.matrix`: the matrix in use and its versions (``ensure_matrix`` is the organisation's set-up hook);
- :mod:`.analyses`: an analysis, its details and statuses; what the writes of an analysis's risks and
  measures share (:func:`editable_analysis`, :class:`AlreadySaved`);
- :mod:`.risks`: a risk with its judgements and linked incidents;
- :mod:`.measures`: the measures against the risks;
- :mod:`.schedule`: the yearly plan of analyses (K6).

``from varna.risks import services; services.add_risk(...)`` reaches each of them.
"""

from varna.risks.services.analyses import (
    ANALYSIS_FIELDS,
    DEFAULT_REVIEW_MONTHS,
    AlreadySaved,
    change_analysis_status,
    create_analysis,
    editable_analysis,
    suggested_next_review,
    update_analysis,
)
from varna.risks.services.matrix import ensure_defaults, ensure_matrix, new_matrix_version, use_matrix_template
from varna.risks.services.measures import MEASURE_FIELDS, add_measure, delete_measure, update_measure
from varna.risks.services.risks import (
    RISK_FIELDS,
    Judgement,
    add_risk,
    assess_risk,
    clear_assessment,
    delete_risk,
    link_incidents,
    update_risk,
)
from varna.risks.services.schedule import (
    add_all_suggestions,
    add_to_plan,
    default_responsible,
    remove_from_plan,
    update_plan_entry,
)

__all__ = [
    "ANALYSIS_FIELDS",
    "DEFAULT_REVIEW_MONTHS",
    "MEASURE_FIELDS",
    "RISK_FIELDS",
    "AlreadySaved",
    "Judgement",
    "add_all_suggestions",
    "add_measure",
    "add_risk",
    "add_to_plan",
    "assess_risk",
    "change_analysis_status",
    "clear_assessment",
    "create_analysis",
    "default_responsible",
    "delete_measure",
    "delete_risk",
    "editable_analysis",
    "ensure_defaults",
    "ensure_matrix",
    "link_incidents",
    "new_matrix_version",
    "remove_from_plan",
    "suggested_next_review",
    "update_analysis",
    "update_measure",
    "update_plan_entry",
    "update_risk",
    "use_matrix_template",
]
