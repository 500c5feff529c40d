"""The risk matrix page: the version in use, its history, shipped matrices and new versions from the form."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from tests.risks import overview_data as data
from varna.risks.forms_matrix import MatrixForm
from varna.risks.heatmap import analysis_heat_maps
from varna.risks.models import RiskAnalysis, RiskMatrix

pytestmark = pytest.mark.django_db


def _versions() -> list[tuple[int, bool]]:
    return list(
        RiskMatrix.objects.filter(organisation__slug="exempelkommun")
        .order_by("version")
        .values_list("version", "is_active")
    )


def _active() -> RiskMatrix:
    return RiskMatrix.objects.get(organisation__slug="exempelkommun", is_active=True)


def _after(versions: list[tuple[int, bool]], added: int) -> list[tuple[int, bool]]:
    """``versions`` with ``added`` new versions, the last one in use."""
    top = max(v for v, _ in versions)
    return [(v, False) for v, _ in versions] + [(top + i, i == added) for i in range(1, added + 1)]


def _form_data(matrix: RiskMatrix, **changes: str) -> dict[str, str]:
    initial = MatrixForm.initial_from(matrix)
    return {k: str(v) for k, v in initial.items()} | changes


def test_matrix_page_shows_the_version_in_use_and_how_many_analyses_use_each(
    demo: None, client_for: Callable[[str], Client]
) -> None:
    client = client_for("samordnare")
    client.get(reverse("risks:matrix"))
    active = _active()
    used = RiskAnalysis.objects.filter(matrix=active).count()
    data.analysis("Solrosens förskola")
    response = client.get(reverse("risks:matrix"))
    assert response.status_code == 200
    assert response.context["matrix"] == active
    counts = {v.version: v.analysis_count for v in response.context["versions"]}
    assert counts[active.version] == used + 1
    assert sorted(counts) == [v for v, _ in _versions()]
    html = response.content.decode()
    assert active.likelihood_levels[-1]["label"] in html and active.consequence_levels[-1]["label"] in html
    assert f'data-version="{active.version}"' in html
    assert 'role="img"' in html


def test_only_people_who_configure_the_matrix_reach_it(demo: None, client_for: Callable[[str], Client]) -> None:
    assert client_for("chef.solrosen").get(reverse("risks:matrix")).status_code == 403
    assert client_for("chef.solrosen").post(reverse("risks:matrix"), {"template": "msb-5x5"}).status_code == 403
    assert client_for("handlaggare.bou").get(reverse("risks:matrix_edit")).status_code == 403
    assert client_for("admin").get(reverse("risks:matrix")).status_code == 200


def test_shipped_matrix_becomes_a_new_version_and_old_analyses_keep_theirs(
    demo: None, client_for: Callable[[str], Client]
) -> None:
    old = data.analysis("Solrosens förskola")
    data.risk(old, current=(5, 5))
    before = _versions()
    client = client_for("samordnare")

    response = client.post(reverse("risks:matrix"), {"template": "internal-control-4x4"})

    assert response.status_code == 302
    assert _versions() == _after(before, 1)
    old_matrix = old.matrix
    old.refresh_from_db()
    assert old.matrix == old_matrix
    assert analysis_heat_maps(old)["current"].matrix.consequence_count == 5
    new = data.analysis("Solrosens förskola", title="Ny")
    assert new.matrix == _active() and new.matrix.consequence_count == 4


def test_the_same_shipped_matrix_twice_makes_one_version(demo: None, client_for: Callable[[str], Client]) -> None:
    client = client_for("samordnare")
    client.get(reverse("risks:matrix"))
    before = _versions()
    client.post(reverse("risks:matrix"), {"template": "internal-control-4x4"})
    client.post(reverse("risks:matrix"), {"template": "internal-control-4x4"})
    assert _versions() == _after(before, 1)
    client.post(reverse("risks:matrix"), {"template": "msb-5x5"})
    assert client.post(reverse("risks:matrix"), {"template": "msb-5x5"}).status_code == 302
    assert _versions() == _after(before, 2)


def test_unknown_shipped_matrix_is_refused(demo: None, client_for: Callable[[str], Client]) -> None:
    client = client_for("samordnare")
    client.get(reverse("risks:matrix"))
    before = _versions()
    assert client.post(reverse("risks:matrix"), {"template": "9x9"}).status_code == 400
    assert client.post(reverse("risks:matrix"), {}).status_code == 400
    assert _versions() == before


def test_form_starts_from_the_version_in_use(demo: None, client_for: Callable[[str], Client]) -> None:
    client = client_for("samordnare")
    client.post(reverse("risks:matrix"), {"template": "msb-5x5"})  # the 5x5 MSB matrix in use, whatever came before
    response = client.get(reverse("risks:matrix_edit"))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["likelihood"].splitlines()[0] == "Mycket låg | Mer sällan än en gång per 1000 år"
    assert form.initial["risk_levels"].splitlines()[-1] == "Mycket hög | #c62828 | 17 | 6"
    assert "Människor: Flera dödsfall" in form.initial["consequence"].splitlines()[-1]
    assert form.initial["based_on"] == _active().version


def test_edited_matrix_becomes_a_new_version_once(demo: None, client_for: Callable[[str], Client]) -> None:
    client = client_for("samordnare")
    client.get(reverse("risks:matrix_edit"))
    active = _active()
    before = _versions()
    levels = "Låg | #2e7d32 | 1 | 36\nMedel | #f9a825 | 6 | 24\nHög | #c62828 | 12 | 12"
    post = _form_data(active, name="Vår matris", risk_levels=levels)

    assert client.post(reverse("risks:matrix_edit"), post).status_code == 302
    assert client.post(reverse("risks:matrix_edit"), post).status_code == 302  # a double submit

    assert _versions() == _after(before, 1)
    new = _active()
    assert new.name == "Vår matris"
    assert [lv["min_score"] for lv in new.risk_levels] == [1, 6, 12]
    assert new.consequence_levels == active.consequence_levels  # the per-dimension texts survive the round trip
    assert new.likelihood_levels == active.likelihood_levels


def test_unchanged_form_makes_no_new_version(demo: None, client_for: Callable[[str], Client]) -> None:
    client = client_for("samordnare")
    client.get(reverse("risks:matrix_edit"))
    before = _versions()
    assert client.post(reverse("risks:matrix_edit"), _form_data(_active())).status_code == 302
    assert _versions() == before


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("risk_levels", "Låg | #2e7d32 | 1", "risk_levels"),
        ("likelihood", "Bara en nivå", None),
        ("risk_levels", "Låg | grön | 1 | 36\nHög | #c62828 | 10 | 12", None),
        ("risk_levels", "Låg | #2e7d32 | 1 | 36\nHög | #c62828 | 1 | 12", None),
        ("consequence", "Liten | Små följder | Färg: blå\nStor | Stora följder", "consequence"),
        ("name", "", "name"),
    ],
)
def test_form_shows_why_a_matrix_is_refused(
    demo: None, client_for: Callable[[str], Client], field: str, value: str, expected: str | None
) -> None:
    client = client_for("samordnare")
    client.get(reverse("risks:matrix_edit"))
    before = _versions()

    response = client.post(reverse("risks:matrix_edit"), _form_data(_active(), **{field: value}))

    assert response.status_code == 400
    form = response.context["form"]
    if expected:
        assert expected in form.errors
    else:
        assert form.non_field_errors()  # the services' own message
    assert 'class="error-summary"' in response.content.decode()
    assert _versions() == before


def test_form_based_on_an_older_version_is_refused(demo: None, client_for: Callable[[str], Client]) -> None:
    client = client_for("samordnare")
    client.get(reverse("risks:matrix_edit"))
    shown = _active()
    client.post(reverse("risks:matrix"), {"template": "internal-control-4x4"})  # meanwhile, by someone else
    before = _versions()
    response = client.post(reverse("risks:matrix_edit"), _form_data(shown, name="Gammal grund"))
    assert response.status_code == 400
    assert response.context["form"].non_field_errors()
    assert _versions() == before


def test_analyses_keep_their_version_after_a_new_version_from_the_form(
    demo: None, client_for: Callable[[str], Client]
) -> None:
    old = data.analysis("Solrosens förskola")
    client = client_for("samordnare")
    active = _active()
    assert client.post(reverse("risks:matrix_edit"), _form_data(active, name="Ändrad")).status_code == 302
    assert RiskAnalysis.objects.get(pk=old.pk).matrix_id == active.pk
    assert _active().version == active.version + 1
