"""A unit manager's damage becomes a claim, the insurer pays, the deductible fund pays the deductible, and the
unit's ledger and the fund's balance show it: issue 12's flow in a real browser, page by page.

The unit manager of Solrosens förskola reports a water damage with its cost; the insurance handler starts a
claim from the case page with the suggested policy and records the insurer's decision and payment; the unit
manager asks the fund to pay the deductible and sees the computation before sending; the coordinator approves
the request; the payout is on the unit's ledger and the fund's balance is lower by exactly the amount paid.
axe-core checks the claim form, the claim page, the payout request page, the requests waiting, the unit's ledger
and the fund page on the way, and the claim page must not scroll sideways on a phone.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import axe_violations, login

pytestmark = pytest.mark.browser

UNIT = "Solrosens förskola"
DAMAGE_COST = Decimal(150_000)  # well above any deductible of the demo's property policies

START_CLAIM = re.compile(r"Gör en skadeanmälan till försäkringsbolaget|Start a claim to the insurer")
SAVE_CLAIM = re.compile(r"^\s*(Spara skadeanmälan|Save the claim)\s*$")
PAYS_COMPENSATION = re.compile(r"^(Försäkringsbolaget betalar ersättning|The insurer pays compensation)$")
COMPENSATION = re.compile(r"^(Ersättning \(kr\)|Compensation \(kr\))")
SAVE_DECISION = re.compile(r"^\s*(Spara beslutet|Save the decision)\s*$")
AMOUNT_PAID = re.compile(r"^(Utbetalt belopp \(kr\)|Amount paid \(kr\))$")
SAVE_PAYMENT = re.compile(r"^\s*(Spara utbetalningen|Save the payment)\s*$")
ASK_FUND = re.compile(r"Ansök om utbetalning från självriskfonden|Ask the deductible fund to pay")
SHOW_COMPUTATION = re.compile(r"^\s*(Visa beräkningen|Show the computation)\s*$")
SEND_REQUEST = re.compile(r"^\s*(Skicka ansökan|Send the request)\s*$")
APPROVE = re.compile(r"^(Bevilja|Approve)$")
CLAIM_NUMBER = re.compile(r"S-\d{4}-\d{5}")
MONEY = re.compile(r"(?<![\d-])(-?\d{1,3}(?:[ \u00a0\u202f]\d{3})*(?:,\d{2})?)[ \u00a0\u202f]kr\b")


def kronor(text: str) -> Decimal:
    """``-1 234 567,50 kr`` (groups of digits split by no-break spaces, a decimal comma) as a Decimal."""
    found = MONEY.search(text.replace("\u2212", "-"))
    assert found, f"no amount in kronor in {text!r}"
    return Decimal(re.sub(r"[ \u00a0\u202f]", "", found.group(1)).replace(",", "."))


def _submit(page: Any, button: Any) -> None:
    with page.expect_navigation():
        button.click()


def _path(page: Any) -> str:
    return urlsplit(page.url).path


def _report_water_damage(page: Any) -> tuple[str, str]:
    """Report a water damage at the unit through the report form; return (case number, case path)."""
    page.goto("/incidents/report/")
    page.locator("select[name=incident_type]").select_option(label="Vattenskada")
    page.locator("select[name=facility]").select_option(label=UNIT)
    page.locator("[name=description]").fill("Ett rör brast i taket ovanför skötrummet. Golv och väggar är blöta.")
    page.locator("main details summary").click()  # the consequences, with the cost, are folded away
    page.locator("[name=estimated_cost]").fill("150 000")
    _submit(page, page.locator("form.report-form button[type=submit]"))
    number = page.locator(".case-number strong").inner_text().strip()
    href = page.locator("main a[href^='/incidents/'][href$='/']:not([href*='report'])").first.get_attribute("href")
    assert number and href and re.fullmatch(r"/incidents/\d+/", href), (number, href)
    return number, href


def _figure(page: Any, figures: str, term: str) -> str:
    """The value of the term matching ``term`` in a list of figures (``<dl>`` of ``<div><dt><dd>``)."""
    row = page.locator(f"{figures} > div", has=page.locator("dt", has_text=re.compile(term)))
    return str(row.locator("dd").inner_text())


def _fund_balance(page: Any) -> Decimal:
    page.goto("/insurance/fund/")
    return kronor(page.locator("#fund-balance").inner_text())


def test_a_damage_becomes_a_paid_claim_and_the_fund_pays_the_deductible(new_page: Any) -> None:
    problems: list[str] = []

    coordinator = new_page()
    login(coordinator, "samordnare")
    balance_before = _fund_balance(coordinator)

    # 1. The unit manager reports the damage.
    manager = new_page()
    login(manager, "chef.solrosen")
    number, case_path = _report_water_damage(manager)

    # 2. The insurance handler makes the claim from the case page, with the suggested policy.
    handler = new_page()
    login(handler, "forsakring")
    handler.goto(case_path)
    handler.get_by_role("link", name=START_CLAIM).click()
    handler.wait_for_url("**/insurance/claims/from-incident/*/")
    problems += axe_violations(handler)
    policy = handler.locator("main select[name=policy]")
    chosen = policy.locator("option:checked")
    assert policy.input_value(), "a policy is suggested"
    assert re.search(r"Egendom|Property", chosen.inner_text()), chosen.inner_text()
    assert Decimal(handler.locator("main [name=claimed_amount]").input_value()) == DAMAGE_COST  # the case's cost
    _submit(handler, handler.get_by_role("button", name=SAVE_CLAIM))
    assert re.fullmatch(r"/insurance/claims/\d+/", _path(handler)), handler.locator("main").inner_text()[:1500]
    claim_path = _path(handler)
    heading = handler.get_by_role("heading", level=1).inner_text()
    claim_number = CLAIM_NUMBER.search(heading)
    assert claim_number, heading
    deductible = kronor(_figure(handler, "#claim-figures", r"^(Självrisk|Deductible)$"))
    assert Decimal(0) < deductible < DAMAGE_COST
    problems += axe_violations(handler)

    # The insurer's decision: the damage less the deductible; then its payment.
    compensation = DAMAGE_COST - deductible
    handler.get_by_label(PAYS_COMPENSATION).check()
    handler.get_by_label(COMPENSATION).fill(str(compensation))
    _submit(handler, handler.get_by_role("button", name=SAVE_DECISION))
    assert _path(handler) == claim_path, handler.locator("main").inner_text()[:1500]
    handler.get_by_label(AMOUNT_PAID).fill(str(compensation))
    _submit(handler, handler.get_by_role("button", name=SAVE_PAYMENT))
    assert _path(handler) == claim_path, handler.locator("main").inner_text()[:1500]
    assert handler.locator("h1 .status-paid").count() == 1, handler.get_by_role("heading", level=1).inner_text()
    assert kronor(handler.locator("#payments tbody td.number").inner_text()) == compensation
    problems += axe_violations(handler)

    # 3. The unit manager asks the fund for the deductible and sees the computation before sending.
    manager.goto(case_path)
    assert claim_number.group(0) in manager.locator("main").inner_text()
    manager.get_by_role("link", name=ASK_FUND).click()
    manager.wait_for_url("**/insurance/fund/incidents/*/payout/")
    payout_path = _path(manager)
    claim_choice = manager.locator("main select[name=claim]")
    assert claim_number.group(0) in claim_choice.locator("option:checked").inner_text()
    _submit(manager, manager.get_by_role("button", name=SHOW_COMPUTATION))
    computation = manager.locator("#computation").inner_text()
    assert "Skadekostnad 150\u00a0000\u00a0kr." in computation, computation
    assert "Självrisk enligt försäkringen" in computation and "Enhetens egen andel" in computation, computation
    assert kronor(computation.split("Självrisk enligt försäkringen", 1)[1]) == deductible, computation
    pays = re.search(r"Fonden betalar (.+?kr)\.", computation)
    assert pays, computation
    payout = kronor(pays.group(1))
    assert Decimal(0) < payout <= deductible
    problems += axe_violations(manager)
    _submit(manager, manager.get_by_role("button", name=SEND_REQUEST))
    assert _path(manager) == payout_path
    assert manager.locator("main .status").first.inner_text().strip() in ("Väntar på beslut", "Requested")

    # 4. The coordinator approves the request from the list of requests waiting.
    coordinator.goto("/insurance/fund/requests/")
    problems += axe_violations(coordinator)
    row = coordinator.locator("#waiting-payouts tbody tr", has_text=number)
    assert kronor(row.inner_text()) == payout
    row.get_by_role("link", name=number).click()
    coordinator.wait_for_url(f"**{payout_path}")
    coordinator.get_by_label(APPROVE).check()
    _submit(coordinator, coordinator.get_by_role("button", name=SAVE_DECISION))
    assert _path(coordinator) == payout_path
    approved = coordinator.locator("main article", has_text=re.compile(r"Beviljad|Approved")).inner_text()
    assert kronor(approved.split("Utbetalt" if "Utbetalt" in approved else "Paid out", 1)[1]) == payout, approved

    # 5. The payout on the unit's ledger, and the fund's balance lowered by exactly that amount.
    manager.goto("/insurance/fund/")
    manager.locator("main table a", has_text=UNIT).first.click()
    manager.wait_for_url("**/insurance/fund/units/*/")
    # The entry names the incident (an entry's own number, in another series, can look the same).
    entry = manager.locator("table.fund-entries tbody tr", has_text=re.compile(rf"(Händelse|Incident) {number}"))
    assert entry.count() == 1, manager.locator("main").inner_text()[:2000]
    assert re.search(r"Utbetalning för skada|Payout for a damage", entry.inner_text()), entry.inner_text()
    assert kronor(entry.locator("td.number").inner_text()) == -payout
    problems += axe_violations(manager)

    assert _fund_balance(coordinator) == balance_before - payout
    problems += axe_violations(coordinator)

    # The claim page on a phone: no sideways scrolling.
    phone = new_page(width=390, height=844)
    login(phone, "forsakring")
    phone.goto(claim_path)
    scroll, inner = phone.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll <= inner, f"{claim_path} scrolls sideways on a phone ({scroll} > {inner})"

    assert problems == []
