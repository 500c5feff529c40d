"""The training API: courses, requirements, records (read, and bulk create for a learning platform), coverage."""

from ninja import Router

router = Router(tags=["training"])
