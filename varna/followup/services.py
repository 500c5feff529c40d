"""Every write of the follow-up app: generate a draft, refresh its figures, comment, fix, make a new version."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from varna.core import access
from varna.core.access import Perm
from varna.core.models import Node, Organisation, User
from varna.core.services import (
    StaleFormError,
    check_revision,
    lock_actor,
    recent_duplicate,
    save_revision,
    stamp,
)
from varna.followup import figures
from varna.followup.models import (
    FIRST_YEAR,
    FOLLOW_UP_KINDS,
    LAST_YEAR,
    FollowUp,
    FollowUpComment,
    FollowUpStatus,
    KeyFigure,
    KeyFigureKind,
)

__all__ = [
    "StaleFormError",
    "fix",
    "generate",
    "new_version",
    "refresh",
    "save_comment",
    "save_key_figure",
    "set_up_key_figures",
]


def _check(actor: User, node: Node) -> None:
    if node.organisation_id != actor.organisation_id or not access.has_perm(actor, Perm.MANAGE_FOLLOW_UPS, node):
        raise PermissionDenied
    if node.kind not in FOLLOW_UP_KINDS:
        raise ValidationError(_("A follow-up is made for a nämnd, a förvaltning or a company, not for a unit."))


def _locked(follow_up: FollowUp) -> FollowUp:
    return FollowUp.objects.select_for_update().select_related("node").get(pk=follow_up.pk)


def _create(actor: User, node: Node, year: int, *, copy_from: FollowUp | None = None) -> FollowUp:
    now = timezone.now()
    last = FollowUp.objects.filter(organisation_id=node.organisation_id, node=node, year=year).aggregate(
        v=Max("version")
    )["v"]
    follow_up = FollowUp(
        organisation_id=node.organisation_id,
        node=node,
        year=year,
        version=(last or 0) + 1,
        figures=figures.compute(actor, node, year, today=timezone.localdate()),
        generated_at=now,
        created_by=actor,
    )
    stamp(follow_up, actor)
    follow_up.save()
    texts = {c.section: c.text for c in copy_from.comments.all()} if copy_from is not None else {}
    FollowUpComment.objects.bulk_create(
        [
            FollowUpComment(
                organisation_id=node.organisation_id,
                follow_up=follow_up,
                node=node,
                section=section,
                text=texts.get(section, ""),
                updated_by=actor if texts.get(section) else None,
            )
            for section in figures.SECTIONS
        ]
    )
    return follow_up


@transaction.atomic
def generate(*, actor: User, node: Node, year: int, newer_than: int = 0) -> FollowUp:
    """The node's follow-up of ``year``: its open draft (figures as they were), or a new draft with fresh figures.

    A node whose follow-up of the year is fixed gets a new version. A double submit gives the same follow-up:
    the open draft, or the one the person made within the window (of a version above ``newer_than``, the
    version a new one is asked after).
    """
    _check(actor, node)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError(
            _("Choose a year between %(first)s and %(last)s.") % {"first": FIRST_YEAR, "last": LAST_YEAR}
        )
    lock_actor(actor)
    same = FollowUp.objects.filter(organisation_id=node.organisation_id, node=node, year=year)
    draft = same.filter(status=FollowUpStatus.DRAFT).first()
    if draft is not None:
        return draft
    duplicate = recent_duplicate(same.filter(version__gt=newer_than), actor=actor)
    if duplicate is not None:
        return duplicate
    latest = same.order_by("-version").first()
    return _create(actor, node, year, copy_from=latest)


@transaction.atomic
def refresh(*, actor: User, follow_up: FollowUp, revision: int | None) -> FollowUp:
    """Compute a draft's figures again from today's data (a fixed follow-up is never recomputed)."""
    follow_up = _locked(follow_up)
    _check(actor, follow_up.node)
    if follow_up.is_fixed:
        raise ValidationError(_("A fixed follow-up keeps its figures. Make a new version to see today's figures."))
    check_revision(follow_up, revision)
    follow_up.figures = figures.compute(actor, follow_up.node, follow_up.year)
    follow_up.generated_at = timezone.now()
    save_revision(follow_up, actor, ["figures", "generated_at"])
    return follow_up


@transaction.atomic
def save_comment(*, actor: User, comment: FollowUpComment, text: str, revision: int | None) -> FollowUpComment:
    """Write the comment of one section of a draft."""
    follow_up = _locked(comment.follow_up)
    _check(actor, follow_up.node)
    if follow_up.is_fixed:
        raise ValidationError(_("The follow-up is fixed: its comments can no longer be changed."))
    comment = FollowUpComment.objects.select_for_update().get(pk=comment.pk)
    check_revision(comment, revision)
    if len(text) > 10_000:
        raise ValidationError(_("A comment can be at most 10,000 characters long."))
    comment.text = text.strip()
    comment.updated_by = actor
    save_revision(comment, actor, ["text", "updated_by"])
    return comment


@transaction.atomic
def fix(*, actor: User, follow_up: FollowUp, revision: int | None) -> FollowUp:
    """Fix a draft: from now on it is a document with its version, and its figures never change."""
    follow_up = _locked(follow_up)
    _check(actor, follow_up.node)
    if follow_up.is_fixed:
        raise ValidationError(_("The follow-up is already fixed."))
    check_revision(follow_up, revision)
    follow_up.status = FollowUpStatus.FIXED
    follow_up.fixed_at = timezone.now()
    follow_up.fixed_by = actor
    save_revision(follow_up, actor, ["status", "fixed_at", "fixed_by"])
    return follow_up


@transaction.atomic
def new_version(*, actor: User, follow_up: FollowUp) -> FollowUp:
    """A new draft after a fixed version: today's figures, the comments of the fixed one to start from."""
    follow_up = _locked(follow_up)
    _check(actor, follow_up.node)
    return generate(actor=actor, node=follow_up.node, year=follow_up.year, newer_than=follow_up.version)


# --- key figures (nyckeltal, P5) -------------------------------------------------------------

# (kind, name, Swedish definition, target, higher is better): every organisation's defaults.
DEFAULT_KEY_FIGURES: tuple[tuple[str, str, str, Decimal | None, bool], ...] = (
    (
        KeyFigureKind.DAMAGE_COST_PER_EMPLOYEE,
        "Skadekostnad per anställd",
        "Kostnaden för årets skador och händelser (kostnadsrader, annars uppskattad kostnad) delad med antalet "
        "anställda i verksamheten. Räknas i kronor.",
        Decimal(500),
        False,
    ),
    (
        KeyFigureKind.REPORTS_PER_100,
        "Rapporterade händelser per 100 anställda",
        "Antalet rapporterade skador, tillbud och andra händelser under året per 100 anställda. Fler rapporter "
        "kan betyda att fler rapporterar, inte att fler saker händer.",
        None,
        True,
    ),
    (
        KeyFigureKind.CURRENT_ANALYSIS_SHARE,
        "Andel enheter med aktuell riskanalys",
        "Andelen enheter som har en riskanalys som är gjord eller fastställd de senaste tolv månaderna, "
        "räknat vid årets slut. I procent.",
        Decimal(90),
        True,
    ),
    (
        KeyFigureKind.ACTIONS_ON_TIME_SHARE,
        "Andel aktiviteter klara i tid",
        "Av aktiviteterna i årets handlingsplaner som skulle vara klara: andelen som blev klara senast sitt "
        "datum. Strukna aktiviteter räknas inte. I procent.",
        Decimal(80),
        True,
    ),
    (
        KeyFigureKind.TRAINING_COVERAGE,
        "Utbildningstäckning",
        "Andelen av dem som behöver en utbildning som har den och där den fortfarande gäller. I procent.",
        Decimal(90),
        True,
    ),
)


def set_up_key_figures(organisation: Organisation) -> None:
    """Give the organisation the default key figures it does not have (the set-up hook; never from a read)."""
    have = set(KeyFigure.objects.filter(organisation=organisation).values_list("kind", flat=True))
    KeyFigure.objects.bulk_create(
        [
            KeyFigure(
                organisation=organisation,
                kind=kind,
                name=name,
                definition=definition,
                target=target,
                higher_is_better=higher,
                ordering=i,
            )
            for i, (kind, name, definition, target, higher) in enumerate(DEFAULT_KEY_FIGURES)
            if kind not in have
        ]
    )


@transaction.atomic
def save_key_figure(
    *,
    actor: User,
    figure: KeyFigure,
    name: str,
    definition: str,
    target: Decimal | None,
    higher_is_better: bool,
    active: bool,
    revision: int | None,
) -> KeyFigure:
    """Change a key figure's name, Swedish definition, target and whether it is in use."""
    figure = KeyFigure.objects.select_for_update().get(pk=figure.pk)
    if figure.organisation_id != actor.organisation_id or not access.can(actor, Perm.CONFIGURE_KEY_FIGURES, figure):
        raise PermissionDenied
    check_revision(figure, revision)
    if not name.strip() or not definition.strip():
        raise ValidationError(_("A key figure needs a name and a definition."))
    figure.name, figure.definition = name.strip(), definition.strip()
    figure.target, figure.higher_is_better, figure.active = target, higher_is_better, active
    save_revision(figure, actor, ["name", "definition", "target", "higher_is_better", "active"])
    return figure
