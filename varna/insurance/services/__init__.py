"""Every write of the insurance app, one module per part: ``setup``, ``programme`` (policies, procurement,
exposure), ``claims``, ``fund`` (the ledger, payouts and grants) and ``allocation``."""
