"""What the demo tests compare: a fingerprint of generated rows, and of a generation that is rolled back."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable

from django.db import transaction

from varna.demo.generator import generate


class _Rollback(Exception):
    pass


def fingerprint(*queries: Iterable[object]) -> str:
    """A SHA-256 over the rows of each query in turn (rows without database ids, in a fixed order)."""
    digest = hashlib.sha256()
    for query in queries:
        for row in query:
            digest.update(repr(row).encode())
    return digest.hexdigest()


def digest_of_generation(digest: Callable[[], str], *, scale: float, organisations: int = 1, seed: int = 1) -> str:
    """``digest()`` of what ``generate`` writes, inside a transaction that is then rolled back."""
    result = ""
    try:
        with transaction.atomic():
            generate(scale=scale, organisations=organisations, seed=seed)
            result = digest()
            raise _Rollback
    except _Rollback:
        pass
    return result
