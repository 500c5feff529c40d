"""The insurance pages under /insurance/: the programme, claims, the deductible fund and the allocation."""

from django.urls import URLPattern, path

app_name = "insurance"

urlpatterns: list[URLPattern] = []

# --- the programme (policies, cover lines, prisbasbelopp, procurement, exposure) ---
from varna.insurance.views import programme as programme_views  # noqa: E402 - each part imports its own views

urlpatterns += [
    path("policies/", programme_views.policy_list, name="policies"),
    path("policies/new/", programme_views.policy_new, name="policy_new"),
    path("policies/<int:pk>/", programme_views.policy_detail, name="policy"),
    path("policies/<int:pk>/edit/", programme_views.policy_edit, name="policy_edit"),
    path("cover-lines/", programme_views.cover_line_list, name="cover_lines"),
    path("cover-lines/<int:pk>/", programme_views.cover_line_edit, name="cover_line_edit"),
    path("price-base-amounts/", programme_views.price_base, name="price_base"),
    path("procurement/", programme_views.procurement_list, name="procurements"),
    path("procurement/new/", programme_views.procurement_new, name="procurement_new"),
    path("procurement/<int:pk>/", programme_views.procurement_edit, name="procurement_edit"),
    path("exposure/", programme_views.exposure, name="exposure"),
]

# --- claims ---
from varna.insurance.views import claims as claim_views  # noqa: E402 - each part imports its own views

urlpatterns += [
    path("claims/", claim_views.claim_list, name="claims"),
    path("claims/follow-up/", claim_views.claim_follow_up, name="claim_follow_up"),
    path("claims/from-incident/<int:pk>/", claim_views.claim_new, name="claim_new"),
    path("claims/<int:pk>/", claim_views.claim_detail, name="claim"),
    path("claims/<int:pk>/decision/", claim_views.claim_decision, name="claim_decision"),
    path("claims/<int:pk>/payment/", claim_views.claim_payment, name="claim_payment"),
    path("claims/<int:pk>/withdraw/", claim_views.claim_withdraw, name="claim_withdraw"),
]

# --- the deductible fund ---
from varna.insurance.views import fund as fund_views  # noqa: E402 - each part imports its own views

urlpatterns += [
    path("fund/", fund_views.fund_overview, name="fund"),
    path("fund/entries/", fund_views.fund_entries, name="fund_entries"),
    path("fund/entries/new/", fund_views.fund_entry_new, name="fund_entry_new"),
    path("fund/units/<int:pk>/", fund_views.fund_node, name="fund_node"),
    path("fund/rules/", fund_views.fund_rules, name="fund_rules"),
    path("fund/requests/", fund_views.fund_requests, name="fund_requests"),
    path("fund/incidents/<int:pk>/payout/", fund_views.fund_payout, name="fund_payout"),
    path("fund/incidents/<int:pk>/payout/decide/", fund_views.fund_payout_decide, name="fund_payout_decide"),
    path("fund/grants/", fund_views.fund_grants, name="fund_grants"),
    path("fund/measures/<int:pk>/grant/", fund_views.fund_grant, name="fund_grant"),
    path("fund/measures/<int:pk>/grant/decide/", fund_views.fund_grant_decide, name="fund_grant_decide"),
]

# --- the allocation and the statistics ---
from varna.insurance.views import allocation as allocation_views  # noqa: E402 - each part imports its own views
from varna.insurance.views import statistics as statistics_views  # noqa: E402

urlpatterns += [
    path("allocations/", allocation_views.allocation_list, name="allocations"),
    path("allocations/new/", allocation_views.allocation_new, name="allocation_new"),
    path("allocations/mine/", allocation_views.my_allocation, name="my_allocation"),
    path("allocations/<int:pk>/", allocation_views.allocation_detail, name="allocation"),
    path("allocations/<int:pk>/fix/", allocation_views.allocation_fix, name="allocation_fix"),
    path("allocations/<int:pk>/new-version/", allocation_views.allocation_new_version, name="allocation_new_version"),
    path("allocations/<int:pk>/discard/", allocation_views.allocation_discard, name="allocation_discard"),
    path("allocations/<int:pk>/xlsx/", allocation_views.allocation_xlsx, name="allocation_xlsx"),
    path("statistics/", statistics_views.statistics, name="statistics"),
    path("statistics/xlsx/", statistics_views.statistics_xlsx, name="statistics_xlsx"),
]
