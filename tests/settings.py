"""Settings for the test suite: production settings with test-only secrets and fast hashing."""

import os

os.environ.setdefault("VARNA_SECRET_KEY", "test-only-secret-key-that-is-long-enough-0123456789")
os.environ.setdefault("VARNA_HTTPS", "0")
os.environ.setdefault("VARNA_MANIFEST_STATIC", "0")

from varna.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only; production uses Argon2
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
# Tasks wait in the database, as in production: nothing runs inside the request. Tests run them with
# tests.worker.run_tasks(), the worker's step.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
# The tests never run collectstatic: whitenoise serves the apps' static folders through the finders instead of
# warning, once per request handler, that the collected folder (var/static) is missing.
# (Autorefresh looks files up per request, through the finders, and never scans the missing folder.)
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# A refused request (403, 404) is what the access tests ask for thousands of times: Django's warning with its
# traceback for each would only fill the output. Server errors are still logged.
LOGGING["loggers"] = {"axes": {"level": "WARNING"}, "django.request": {"level": "ERROR"}}  # noqa: F405
