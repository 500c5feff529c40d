"""Every read of the insurance app that pages and the API share, scoped by the access policy.

One module per part: programme, claims, fund, allocation.
"""
