"""The insurance pages, one module per part: programme, claims, fund, allocation."""
