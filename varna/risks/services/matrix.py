"""Writes of the risk matrix: the matrix in use, a new version of it, a shipped matrix put in use.

An organisation gets the 5x5 MSB matrix when it is set up (the ``risks.matrix`` set-up hook); a new
version never changes the analyses made earlier: they keep the version they were made with.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from varna.core import access
from varna.core.access import Perm
from varna.core.models import Organisation, User
from varna.core.services import ensure_security_areas
from varna.risks import matrices
from varna.risks.models import Aggregation, RiskMatrix


@transaction.atomic
def ensure_matrix(*, organisation: Organisation) -> RiskMatrix:
    """The organisation's matrix in use; the 5x5 MSB matrix is put in use the first time."""
    matrix = RiskMatrix.objects.filter(organisation=organisation, is_active=True).first()
    if matrix is not None:
        return matrix
    Organisation.objects.select_for_update().get(pk=organisation.pk)
    matrix = RiskMatrix.objects.filter(organisation=organisation, is_active=True).first()
    if matrix is not None:
        return matrix
    t = matrices.MSB_5X5
    return _create_version(
        organisation=organisation,
        actor=None,
        name=t.name,
        likelihood_levels=t.likelihood_levels,
        consequence_levels=t.consequence_levels,
        risk_levels=t.risk_levels,
        aggregation=t.aggregation,
    )


def ensure_defaults(*, organisation: Organisation) -> RiskMatrix:
    """What risk management needs before the first analysis: security areas and a matrix."""
    ensure_security_areas(organisation=organisation)
    return ensure_matrix(organisation=organisation)


def _create_version(
    *,
    organisation: Organisation,
    actor: User | None,
    name: str,
    likelihood_levels: Any,
    consequence_levels: Any,
    risk_levels: Any,
    aggregation: str,
) -> RiskMatrix:
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("The matrix needs a name."))
    if aggregation not in Aggregation.values:
        raise ValidationError(_("Choose how a risk's consequence is drawn from its dimensions."))
    likelihood = matrices.clean_scale(likelihood_levels, name=_("likelihood"))
    consequence = matrices.clean_scale(consequence_levels, name=_("consequence"), with_dimensions=True)
    levels = matrices.clean_risk_levels(risk_levels, max_score=len(likelihood) * len(consequence))
    latest = RiskMatrix.objects.filter(organisation=organisation).aggregate(v=Max("version"))["v"] or 0
    RiskMatrix.objects.filter(organisation=organisation, is_active=True).update(is_active=False)
    return RiskMatrix.objects.create(
        organisation=organisation,
        name=name[:120],
        version=latest + 1,
        is_active=True,
        likelihood_levels=likelihood,
        consequence_levels=consequence,
        risk_levels=levels,
        aggregation=aggregation,
        created_by=actor,
    )


def _same_content(
    matrix: RiskMatrix, name: str, likelihood: Any, consequence: Any, risk_levels: Any, aggregation: str
) -> bool:
    try:
        cleaned_likelihood = matrices.clean_scale(likelihood, name="")
        cleaned_consequence = matrices.clean_scale(consequence, name="", with_dimensions=True)
        cleaned_levels = matrices.clean_risk_levels(
            risk_levels, max_score=len(cleaned_likelihood) * len(cleaned_consequence)
        )
    except ValidationError:
        return False  # invalid content is reported by _create_version
    return (
        matrix.name == (name or "").strip()[:120]
        and matrix.aggregation == aggregation
        and matrix.likelihood_levels == cleaned_likelihood
        and matrix.consequence_levels == cleaned_consequence
        and matrix.risk_levels == cleaned_levels
    )


@transaction.atomic
def new_matrix_version(
    *,
    actor: User,
    name: str,
    likelihood_levels: Any,
    consequence_levels: Any,
    risk_levels: Any,
    aggregation: str = Aggregation.WORST,
) -> RiskMatrix:
    """Put a new version of the matrix in use. Analyses made earlier keep the version they were made with."""
    if not access.has_perm(actor, Perm.CONFIGURE_RISK_MATRIX):
        raise PermissionDenied
    if actor.organisation_id is None:
        raise PermissionDenied
    organisation = Organisation.objects.select_for_update().get(pk=actor.organisation_id)
    active = RiskMatrix.objects.filter(organisation=organisation, is_active=True).first()
    if active is not None and _same_content(
        active, name, likelihood_levels, consequence_levels, risk_levels, aggregation
    ):
        return active  # the same content again (a double submit): no second identical version
    return _create_version(
        organisation=organisation,
        actor=actor,
        name=name,
        likelihood_levels=likelihood_levels,
        consequence_levels=consequence_levels,
        risk_levels=risk_levels,
        aggregation=aggregation,
    )


def use_matrix_template(*, actor: User, code: str) -> RiskMatrix:
    """Put one of the shipped matrices (5x5 MSB, 4x4 internal control) in use as a new version."""
    template = matrices.TEMPLATES.get(code)
    if template is None:
        raise ValidationError(_("There is no such matrix."))
    return new_matrix_version(
        actor=actor,
        name=template.name,
        likelihood_levels=template.likelihood_levels,
        consequence_levels=template.consequence_levels,
        risk_levels=template.risk_levels,
        aggregation=template.aggregation,
    )
