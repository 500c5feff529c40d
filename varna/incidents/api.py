"""API for incidents and damage statistics."""

from ninja import Router

router = Router(tags=["incidents"])
