"""The insurance forms, one module per part."""
