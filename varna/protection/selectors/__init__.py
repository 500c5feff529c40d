"""Every read of the protection app that views and the API share, scoped by the access policy."""
