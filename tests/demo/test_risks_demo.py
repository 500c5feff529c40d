"""The demo's risk analyses and action plans: deterministic, sized by the scale, consistent, and where tests look."""

from __future__ import annotations

import datetime

import pytest
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from tests.conftest import TEST_SCALE
from tests.demo.fingerprint import digest_of_generation, fingerprint
from varna.core.models import CaseCounter, Node, NodeKind, Organisation, SecurityArea
from varna.demo import plans as demo_plans
from varna.demo import risks as demo_risks
from varna.demo.context import OrgContext
from varna.demo.generator import HISTORY_MODELS, generate
from varna.demo.personas import persona
from varna.plans import checklist
from varna.plans.models import Action, ActionPlan, ActionStatus, PlanReview
from varna.risks import services
from varna.risks.models import (
    AnalysisStatus,
    AnalysisTrigger,
    Measure,
    MeasureType,
    PlannedAnalysis,
    Risk,
    RiskAnalysis,
    RiskAssessment,
    RiskMatrix,
    Stage,
)

pytestmark = pytest.mark.django_db

MEDIUM = 0.5  # about 670 risks in Exempelkommun


def _digest() -> str:
    rows = [
        RiskAnalysis.objects.order_by("organisation__slug", "number").values_list(
            "organisation__slug",
            "number",
            "node__path",
            "title",
            "analysed_on",
            "trigger",
            "status",
            "matrix__version",
            "responsible__username",
            "next_review",
        ),
        Risk.objects.order_by("organisation__slug", "number").values_list(
            "number", "analysis__number", "title", "security_area__code", "current_level", "residual_level", "status"
        ),
        Measure.objects.order_by("organisation__slug", "number").values_list(
            "number", "title", "measure_type", "investment", "yearly_cost", "expected_reduction", "status"
        ),
        Action.objects.order_by("plan__node__path", "plan__year", "what", "due").values_list(
            "plan__node__path", "plan__year", "what", "due", "status", "responsible__username"
        ),
    ]
    return fingerprint(*rows)


def test_same_arguments_give_the_same_analyses_and_plans() -> None:
    first = digest_of_generation(_digest, scale=TEST_SCALE, organisations=3, seed=3)
    assert first == digest_of_generation(_digest, scale=TEST_SCALE, organisations=3, seed=3)
    assert first != digest_of_generation(_digest, scale=TEST_SCALE, organisations=3, seed=4)


def test_the_number_of_risks_follows_the_scale_and_there_are_about_two_measures_per_risk() -> None:
    generate(scale=MEDIUM, seed=1)
    for slug, size in (("exempelkommun", 1.0), ("grannby", 0.2)):
        risks = Risk.objects.filter(organisation__slug=slug).count()
        assert risks == round(demo_risks.RISKS_PER_SCALE * MEDIUM * size)
        measures = Measure.objects.filter(organisation__slug=slug).count()
        assert 1.8 * risks <= measures <= 2.4 * risks
    per_analysis = RiskAnalysis.objects.annotate(n=Count("risks")).values_list("n", flat=True)
    assert min(per_analysis) >= 1 and max(per_analysis) <= demo_risks.RISKS_PER_ANALYSIS[1]


def test_tiny_scale_gives_the_persona_units_their_analyses(demo: None) -> None:
    year = timezone.localdate().year
    solrosen = RiskAnalysis.objects.filter(node__name="Solrosens förskola")
    adopted = solrosen.get(analysed_on__year=year - 1, status=AnalysisStatus.ADOPTED)
    assert adopted.risks.count() >= 4 and adopted.measures.count() >= 4
    assert adopted.participants.filter(username__in=("chef.solrosen", "ombud.solrosen")).count() == 2
    assert adopted.adopted_at is not None and adopted.adopted_by is not None
    assert solrosen.filter(analysed_on__year=year, status=AnalysisStatus.IN_PROGRESS).exists()
    assert RiskAnalysis.objects.filter(node__name="Hemtjänst Centrum").exists()
    assert Risk.objects.filter(organisation__slug="grannby").exists()


def test_denormalised_levels_agree_with_the_assessments_and_the_matrix() -> None:
    generate(scale=0.3, seed=2, organisations=3)
    assessments = RiskAssessment.objects.select_related("risk", "matrix")
    assert assessments.count() > Risk.objects.count()
    for assessment in assessments:
        risk, matrix = assessment.risk, assessment.matrix
        consequence = matrix.aggregate(assessment.consequences())
        assert assessment.consequence == consequence
        assert assessment.level == matrix.level_index(assessment.likelihood, consequence)
        assert risk.stage_values(assessment.stage) == (assessment.likelihood, consequence, assessment.level)
        assert matrix.pk == risk.matrix_id
    stages = {stage: Risk.objects.filter(**{f"{stage}_level__isnull": False}).count() for stage in Stage.values}
    assert stages[Stage.CURRENT] == Risk.objects.count()
    assert 0 < stages[Stage.INHERENT] < stages[Stage.CURRENT]
    assert 0 < stages[Stage.RESIDUAL] < stages[Stage.CURRENT]
    for stage in Stage.values:  # a denormalised value without its assessment row would be a lie
        assert Risk.objects.filter(**{f"{stage}_level__isnull": False}).count() == (
            RiskAssessment.objects.filter(stage=stage).count()
        )
    assert not Risk.objects.exclude(matrix=F("analysis__matrix")).exists()
    assert not Risk.objects.exclude(node=F("analysis__node")).exists()


def test_each_municipality_keeps_an_older_matrix_version_used_by_its_older_analyses(demo: None) -> None:
    organisation = Organisation.objects.get(slug="exempelkommun")
    versions = list(RiskMatrix.objects.filter(organisation=organisation).order_by("version"))
    assert [(m.version, m.is_active) for m in versions] == [(1, False), (2, True)]
    assert versions[0].risk_levels != versions[1].risk_levels
    assert services.ensure_matrix(organisation=organisation) == versions[1]
    switch = datetime.date(timezone.localdate().year - 1, 1, 1)
    analyses = RiskAnalysis.objects.filter(organisation=organisation)
    assert not analyses.filter(analysed_on__lt=switch).exclude(matrix=versions[0]).exists()
    assert not analyses.filter(analysed_on__gte=switch).exclude(matrix=versions[1]).exists()
    assert analyses.filter(matrix=versions[1]).exists()


def test_service_calls_continue_the_case_numbers(demo: None) -> None:
    organisation = Organisation.objects.get(slug="exempelkommun")
    year = timezone.localdate().year
    manager = persona("chef.solrosen")
    analysis = RiskAnalysis.objects.get(
        node__name="Solrosens förskola", analysed_on__year=year, status=AnalysisStatus.IN_PROGRESS
    )

    def last(series: str) -> int:
        return CaseCounter.objects.get(organisation=organisation, series=series, year=year).last

    def highest(model: type[Risk] | type[Measure] | type[RiskAnalysis], prefix: str) -> int:
        numbers = model.objects.filter(organisation=organisation, number__startswith=f"{prefix}{year}-")
        return max(int(n.rsplit("-", 1)[1]) for n in numbers.values_list("number", flat=True))

    assert last("risk") == highest(Risk, "R-") and last("measure") == highest(Measure, "Å-")
    assert last("risk-analysis") == highest(RiskAnalysis, "RA-")
    before = {series: last(series) for series in ("risk", "measure", "risk-analysis")}
    area = SecurityArea.objects.get(organisation=organisation, code="fire-protection")
    risk = services.add_risk(actor=manager, analysis=analysis, security_area=area, title="Brand i förrådet")
    assert risk.number == f"R-{year}-{before['risk'] + 1:05d}"
    measure = services.add_measure(
        actor=manager, analysis=analysis, measure_type=MeasureType.PREVENT, title="Brandvarnare", risks=[risk]
    )
    assert measure.number == f"Å-{year}-{before['measure'] + 1:05d}"
    new = services.create_analysis(
        actor=manager, node=analysis.node, title="Extra analys", analysed_on=timezone.localdate()
    )
    assert new.number == f"RA-{year}-{before['risk-analysis'] + 1:05d}"


def test_statuses_dates_and_reviews_are_consistent() -> None:
    generate(scale=0.3, seed=2, organisations=3)
    today = timezone.localdate()
    analyses = RiskAnalysis.objects.all()
    assert not analyses.filter(analysed_on__gte=today).exists()
    adopted = analyses.filter(status=AnalysisStatus.ADOPTED)
    assert adopted.exists() and not adopted.filter(Q(adopted_at__isnull=True) | Q(adopted_by__isnull=True)).exists()
    assert not analyses.exclude(status=AnalysisStatus.ADOPTED).filter(adopted_at__isnull=False).exists()
    finished = analyses.filter(status__in=(AnalysisStatus.DONE, AnalysisStatus.ADOPTED))
    assert not finished.filter(Q(next_review__isnull=True) | Q(next_review__lte=F("analysed_on"))).exists()
    assert analyses.filter(status=AnalysisStatus.DRAFT, analysed_on__year=today.year).exists()
    assert not analyses.filter(
        trigger__in=(AnalysisTrigger.PREMISES, AnalysisTrigger.TECHNICAL_PROTECTION), facility__isnull=True
    ).exists()
    assert analyses.filter(trigger=AnalysisTrigger.DAMAGE).exists()
    assert not analyses.annotate(n=Count("security_areas")).filter(n=0).exists()
    continuity = Measure.objects.filter(is_continuity=True)
    assert continuity.exists() and Measure.objects.filter(measure_type=MeasureType.ELIMINATE).exists()
    assert Measure.objects.filter(expected_reduction__isnull=False).exists()
    assert Measure.objects.filter(effect_share__isnull=False).exists()


def test_risks_are_linked_only_to_earlier_visible_incidents_of_their_node_and_area() -> None:
    generate(scale=0.3, seed=2)
    links = Risk.incidents.through.objects.select_related("risk__analysis", "incident")
    assert links.count() > 20
    for link in links:
        risk, incident = link.risk, link.incident
        assert incident.incident_node_id == risk.node_id
        assert incident.security_area_id == risk.security_area_id
        assert incident.occurred_on < risk.analysis.analysed_on
        assert not incident.is_confidential


def test_every_namnd_and_administration_has_plans_for_last_year_and_this_year(demo: None) -> None:
    year = timezone.localdate().year
    kinds = (NodeKind.EXECUTIVE_BOARD, NodeKind.COMMITTEE, NodeKind.ADMINISTRATION)
    for node in Node.objects.filter(kind__in=kinds):
        plans = ActionPlan.objects.filter(node=node).order_by("year")
        assert [p.year for p in plans] == [year - 1, year], node.name
        last = plans[0]
        assert last.adopted_on is not None and last.adopted_on.year == year - 1
        assert last.minute_paragraph.startswith("§ ") and last.registry_number.endswith(
            tuple(f"{year - 1}/{n}" for n in range(40, 481))
        )
        for plan in plans:
            assert demo_plans.ACTIONS[0] <= plan.actions.count() <= demo_plans.ACTIONS[1]
    bun = ActionPlan.objects.get(
        node__name="Barn- och utbildningsnämnden", year=year - 1, node__organisation__slug="exempelkommun"
    )
    assert bun.adopted_by_body == "Barn- och utbildningsnämnden" and bun.registry_number.startswith("BUN ")
    cancelled = Action.objects.filter(status=ActionStatus.CANCELLED)
    assert cancelled.exists() and not cancelled.filter(status_reason="").exists()
    assert not Action.objects.filter(status=ActionStatus.DONE, completed_on__isnull=True).exists()
    assert Action.objects.filter(measures__isnull=False).exists()
    for action in Action.objects.filter(measures__isnull=False).prefetch_related("measures")[:50]:
        for measure in action.measures.all():
            assert measure.node.path.startswith(action.plan.node.path)


def test_barn_och_utbildning_has_an_overdue_action_in_this_years_plan(demo: None) -> None:
    today = timezone.localdate()
    for name in demo_plans.ALWAYS_OVERDUE:
        plan = ActionPlan.objects.get(node__name=name, year=today.year, node__organisation__slug="exempelkommun")
        overdue = plan.actions.filter(checklist.overdue_condition(today))
        assert overdue.exists(), name


def test_the_security_group_reviewed_most_namnder_last_year(demo: None) -> None:
    year = timezone.localdate().year - 1
    namnder = Node.objects.filter(kind__in=checklist.NAMND_KINDS)
    reviews = PlanReview.objects.filter(year=year)
    assert 0.5 * namnder.count() <= reviews.count() <= namnder.count()
    for review in reviews:
        assert set(review.checklist) == set(checklist.CODES)
        assert review.score == checklist.score(review.checklist)
        assert review.plan is not None and review.plan.node_id == review.node_id


def test_this_years_schedule_lists_the_nodes_that_are_due() -> None:
    generate(scale=0.3, seed=2)
    year = timezone.localdate().year
    planned = PlannedAnalysis.objects.filter(year=year)
    assert planned.exists() and not PlannedAnalysis.objects.exclude(year=year).exists()
    assert planned.filter(analysis__isnull=False).exists()
    for entry in planned.filter(analysis__isnull=False).select_related("analysis"):
        assert entry.analysis is not None
        assert entry.analysis.node_id == entry.node_id and entry.analysis.analysed_on.year == year
    for entry in planned.filter(reason=AnalysisTrigger.YEARLY, analysis__isnull=True)[:50]:
        latest = RiskAnalysis.objects.filter(node=entry.node).order_by("-analysed_on").first()
        assert latest is not None and latest.next_review is not None and latest.next_review.year <= year


@pytest.mark.skipif(
    not {"risks.Risk", "risks.Measure", "plans.Action"} <= HISTORY_MODELS, reason="the demo keeps no history for them"
)
def test_history_of_risks_measures_and_actions_starts_with_their_creation(demo: None) -> None:
    for model in (RiskAnalysis, Risk, RiskAssessment, Measure, PlannedAnalysis, ActionPlan, Action):
        rows = model.history.filter(history_type="+")
        assert rows.count() == model.objects.count(), model
    first = Risk.history.filter(number__startswith="R-").order_by("history_date").first()
    assert first is not None and first.history_user is not None
    analysis = RiskAnalysis.objects.get(number=first.analysis.number)
    assert timezone.localdate(first.history_date) == analysis.analysed_on


def _queries_of_risk_and_plan_steps(scale: float) -> list[int]:
    """The queries of the risks and plans steps of each municipality, in a generation that is rolled back."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from varna.demo import generator

    queries: list[int] = []

    def measured(step: generator.Step) -> generator.Step:
        def run(ctx: OrgContext) -> None:
            with CaptureQueriesContext(connection) as captured:
                step(ctx)
            queries.append(len(captured.captured_queries))

        return run

    original = list(generator.STEPS)
    generator.STEPS[:] = [(n, measured(s) if n in ("risks", "plans") else s) for n, s in original]
    try:
        with transaction.atomic():
            generate(scale=scale, seed=1)
            transaction.set_rollback(True)
    finally:
        generator.STEPS[:] = original
    return queries


def test_the_risk_and_plan_steps_make_a_fixed_number_of_queries_whatever_the_scale() -> None:
    small = _queries_of_risk_and_plan_steps(0.2)
    assert len(small) == 4  # two steps in two municipalities
    assert small == _queries_of_risk_and_plan_steps(0.6)  # no query per row: a lazy foreign key would show
