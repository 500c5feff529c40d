"""API for risks."""

from ninja import Router

router = Router(tags=["risks"])
