"""The risk services behind the analysis pages: matrix versions, levels, status rules, locks and numbering."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.incidents.samples import make_sample_incidents
from tests.risks.analysis_samples import area, make_analysis, solrosen_node
from varna.core.models import CaseCounter, User
from varna.risks import services
from varna.risks.models import AnalysisStatus, MeasureType, RiskAssessment, Stage


def test_analysis_keeps_its_matrix_version_when_the_matrix_changes(persona: Callable[[str], User]) -> None:
    sample = make_analysis("chef.solrosen", solrosen_node())
    first = sample.analysis.matrix
    newer = services.use_matrix_template(actor=persona("samordnare"), code="internal-control-4x4")
    assert newer.version == first.version + 1

    services.assess_risk(
        actor=persona("chef.solrosen"), risk=sample.risk, stage=Stage.RESIDUAL, likelihood=5, consequences={"people": 5}
    )
    sample.analysis.refresh_from_db()
    assert sample.analysis.matrix_id == first.pk
    assert RiskAssessment.objects.get(risk=sample.risk, stage=Stage.RESIDUAL).matrix_id == first.pk
    later = services.create_analysis(
        actor=persona("chef.solrosen"), node=solrosen_node(), title="Ny", analysed_on=timezone.localdate()
    )
    assert later.matrix_id == newer.pk


def test_risk_level_comes_from_the_worst_dimension(persona: Callable[[str], User]) -> None:
    sample = make_analysis("chef.solrosen", solrosen_node())
    risk = sample.risk
    matrix = sample.analysis.matrix
    # likelihood 3, people 4 and property 2: the worst dimension (4) decides, score 12 is "Hög"
    assert risk.current_consequence == 4
    assert risk.current_level == matrix.level_index(3, 4)
    assert matrix.level(risk.current_level)["label"] == "Hög"  # type: ignore[index]


def test_analysis_cannot_be_done_without_judged_risks_and_adopting_needs_the_right(
    persona: Callable[[str], User],
) -> None:
    chef = persona("chef.solrosen")
    empty = services.create_analysis(actor=chef, node=solrosen_node(), title="Tom", analysed_on=timezone.localdate())
    with pytest.raises(ValidationError):
        services.change_analysis_status(actor=chef, analysis=empty, status=AnalysisStatus.DONE, revision=None)

    sample = make_analysis("chef.solrosen", solrosen_node())
    unjudged = services.add_risk(actor=chef, analysis=sample.analysis, security_area=area("exempelkommun"), title="X")
    with pytest.raises(ValidationError):
        services.change_analysis_status(actor=chef, analysis=sample.analysis, status=AnalysisStatus.DONE, revision=None)
    services.delete_risk(actor=chef, risk=unjudged)

    done = services.change_analysis_status(
        actor=chef, analysis=sample.analysis, status=AnalysisStatus.DONE, revision=None
    )
    assert done.next_review is not None
    with pytest.raises(PermissionDenied):  # the security representative may write, not adopt
        services.change_analysis_status(
            actor=persona("ombud.solrosen"), analysis=done, status=AnalysisStatus.ADOPTED, revision=None
        )
    with pytest.raises(ValidationError):  # done -> draft is not a transition
        services.change_analysis_status(actor=chef, analysis=done, status=AnalysisStatus.DRAFT, revision=None)
    adopted = services.change_analysis_status(actor=chef, analysis=done, status=AnalysisStatus.ADOPTED, revision=None)
    assert adopted.adopted_by == chef


def test_adopted_analysis_refuses_edits(persona: Callable[[str], User]) -> None:
    chef = persona("chef.solrosen")
    sample = make_analysis("chef.solrosen", solrosen_node())
    services.change_analysis_status(actor=chef, analysis=sample.analysis, status=AnalysisStatus.DONE, revision=None)
    services.change_analysis_status(actor=chef, analysis=sample.analysis, status=AnalysisStatus.ADOPTED, revision=None)
    with pytest.raises(ValidationError) as refused:
        services.add_risk(actor=chef, analysis=sample.analysis, security_area=area("exempelkommun"), title="Ny")
    assert refused.value.code == "adopted"
    with pytest.raises(ValidationError):
        services.update_measure(actor=chef, measure=sample.measure, revision=None, title="Ändrad")
    with pytest.raises(ValidationError):
        services.clear_assessment(actor=chef, risk=sample.risk, stage=Stage.CURRENT)


def test_measure_needs_a_risk_of_the_same_analysis(persona: Callable[[str], User]) -> None:
    chef = persona("chef.solrosen")
    one = make_analysis("chef.solrosen", solrosen_node(), title="Ett")
    other = make_analysis("chef.solrosen", solrosen_node(), title="Två")
    with pytest.raises(ValidationError):
        services.add_measure(
            actor=chef, analysis=one.analysis, measure_type=MeasureType.LIMIT, title="Larm", risks=[other.risk]
        )
    with pytest.raises(ValidationError):
        services.add_measure(actor=chef, analysis=one.analysis, measure_type=MeasureType.LIMIT, title="Larm", risks=[])


def test_unit_manager_of_hemtjanst_cannot_write_solrosens_analysis(persona: Callable[[str], User]) -> None:
    sample = make_analysis("chef.solrosen", solrosen_node())
    outsider = persona("chef.hemtjanst")
    with pytest.raises(PermissionDenied):
        services.add_risk(actor=outsider, analysis=sample.analysis, security_area=area("exempelkommun"), title="X")
    with pytest.raises(PermissionDenied):
        services.update_analysis(actor=outsider, analysis=sample.analysis, revision=None, title="Kapad")
    with pytest.raises(PermissionDenied):
        services.create_analysis(actor=outsider, node=solrosen_node(), title="X", analysed_on=timezone.localdate())


def test_numbering_uses_the_counter_and_never_reuses_a_number(persona: Callable[[str], User]) -> None:
    chef = persona("chef.solrosen")
    sample = make_analysis("chef.solrosen", solrosen_node())
    year = timezone.localdate().year
    counter = CaseCounter.objects.get(organisation=sample.analysis.organisation, series="risk", year=year)
    first_number = sample.risk.number
    services.delete_risk(actor=chef, risk=sample.risk)
    again = services.add_risk(actor=chef, analysis=sample.analysis, security_area=area("exempelkommun"), title="Ny")
    assert again.number != first_number
    assert again.number == f"R-{year}-{counter.last + 1:05d}"


def test_a_repeated_create_gives_back_the_first_analysis(persona: Callable[[str], User]) -> None:
    chef = persona("chef.solrosen")
    node, today = solrosen_node(), timezone.localdate()
    first = services.create_analysis(actor=chef, once=True, node=node, title="Dubbel", analysed_on=today)
    with pytest.raises(services.AlreadySaved) as again:
        services.create_analysis(actor=chef, once=True, node=node, title="Dubbel", analysed_on=today)
    assert again.value.record.pk == first.pk


def test_relinking_incidents_keeps_links_the_editor_cannot_see(persona: Callable[[str], User]) -> None:
    incidents = make_sample_incidents()
    sample = make_analysis("chef.solrosen", solrosen_node())
    chef = persona("chef.solrosen")
    services.link_incidents(actor=chef, risk=sample.risk, incidents=[incidents["threat"], incidents["ordinary"]])
    # the security representative may not read threats and violence
    services.link_incidents(actor=persona("ombud.solrosen"), risk=sample.risk, incidents=[])
    assert set(sample.risk.incidents.values_list("pk", flat=True)) == {incidents["threat"].pk}


def test_a_risk_with_a_wrong_judgement_is_not_saved_at_all(persona: Callable[[str], User]) -> None:
    sample = make_analysis("chef.solrosen", solrosen_node())
    before = sample.analysis.risks.count()
    with pytest.raises(ValidationError):
        services.add_risk(
            actor=persona("chef.solrosen"),
            analysis=sample.analysis,
            judgements={Stage.CURRENT: services.Judgement(likelihood=9, consequences={"people": 1})},
            security_area=area("exempelkommun"),
            title="Halvfärdig",
        )
    assert sample.analysis.risks.count() == before
