"""The risk management pages, one module per part: analyses, their risks and measures, the overview and
the matrix, the schedule of analyses, and the exports of an analysis. The URLs are in ``risks/urls.py``."""
