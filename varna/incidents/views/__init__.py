"""The incident pages, one module per part of the app: ``report`` (the report form, the receipt, my
reports, the case page and its attachments), ``handling`` (the handler's list, the workflow actions, the
confidential log, the accounting settings), ``history`` (a case's change history) and ``statistics``
(damage statistics and where a risk analysis is due)."""
