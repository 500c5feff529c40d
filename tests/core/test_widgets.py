"""The fast select renders the same choices as Django's own, escaped, with the chosen one selected."""

from __future__ import annotations

import re

from django import forms

from varna.core.widgets import FastSelect


class _Form(forms.Form):
    node = forms.TypedChoiceField(
        label="Enhet",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "Alla"), (1, "Nämnd"), (2, "\u00a0\u00a0<Förskola & skola>")],
        widget=FastSelect,
    )


def _options(html: str) -> list[tuple[str, bool, str]]:
    return [(v, bool(s), t) for v, s, t in re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', html)]


def test_fast_select_marks_the_chosen_node_and_escapes_names() -> None:
    html = str(_Form({"node": "2"})["node"])
    assert 'id="id_node"' in html and 'name="node"' in html
    assert _options(html) == [
        ("", False, "Alla"),
        ("1", False, "Nämnd"),
        ("2", True, "\u00a0\u00a0&lt;Förskola &amp; skola&gt;"),
    ]


def test_fast_select_offers_the_same_options_as_djangos_select() -> None:
    fast = _options(str(_Form()["node"]))
    plain_form = _Form()
    plain_form.fields["node"].widget = forms.Select(choices=plain_form.fields["node"].choices)  # type: ignore[attr-defined]
    plain = re.findall(r'<option value="([^"]*)"', str(plain_form["node"]))
    assert [v for v, _s, _t in fast] == plain
