"""The printable sign of a facility: a QR code made on the server that opens the report form with the facility
filled in; the report form takes the facility from the address."""

from __future__ import annotations

import re

from django.test import Client
from django.urls import reverse

from tests.protection.world import ProtectionWorld
from varna.core.models import User


def client(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_the_sign_shows_a_qr_code_of_the_report_form_with_the_facility(pw: ProtectionWorld) -> None:
    response = client(pw.w.manager).get(reverse("protection:facility_sign", args=[pw.sun.pk]))
    assert response.status_code == 200
    text = response.content.decode()
    assert re.search(r"<svg[^>]*class=\"qr-code\"", text) and "<path" in text
    assert f"http://testserver/incidents/report/?facility={pw.sun.pk}" in text
    assert "http" not in text.split("<svg", 1)[1].split("</svg>", 1)[0].replace("http://www.w3.org", "")


def test_another_units_sign_is_a_404(pw: ProtectionWorld) -> None:
    assert client(pw.w.manager).get(reverse("protection:facility_sign", args=[pw.care.pk])).status_code == 404


def test_the_report_form_opens_with_the_facility_of_the_sign_chosen(pw: ProtectionWorld) -> None:
    c = client(pw.w.employee)
    text = c.get(reverse("incidents:report"), {"facility": pw.sun.pk}).content.decode()
    assert re.search(rf'<option value="{pw.sun.pk}" selected>', text)
    other = c.get(reverse("incidents:report"), {"facility": pw.other.pk}).content.decode()
    assert f'value="{pw.other.pk}" selected' not in other
    assert c.get(reverse("incidents:report"), {"facility": "x' or 1=1"}).status_code == 200


def test_the_facility_name_is_escaped_in_the_codes_title(pw: ProtectionWorld) -> None:
    from varna.protection.services.facilities import update_facility

    update_facility(
        actor=pw.w.coordinator, facility=pw.sun, revision=None, name="<b>Sol & Måne</b>", node=pw.w.sun_school
    )
    text = client(pw.w.manager).get(reverse("protection:facility_sign", args=[pw.sun.pk])).content.decode()
    assert "<b>Sol" not in text and "&lt;b&gt;Sol &amp; Måne&lt;/b&gt;" in text
