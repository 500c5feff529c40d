"""The insurance API under /api/v1/: policies, claims, the fund's ledger and balance, and the allocation."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["insurance"])
