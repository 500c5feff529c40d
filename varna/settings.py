"""Twelve-factor settings for Värna.

Every setting comes from the environment. Values are parsed strictly: a value
that cannot be understood raises ImproperlyConfigured instead of falling back.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of 1/0, true/false, yes/no, on/off; got {raw!r}")


def env_int(name: str, default: int, *, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer; got {raw!r}") from exc
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}; got {value}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = env_bool("VARNA_DEBUG", False)

DATA_DIR = Path(os.environ.get("VARNA_DATA_DIR", BASE_DIR / "var"))

# The secret key comes from VARNA_SECRET_KEY. Without it, the key `make run` keeps in the data directory
# (var/secret_key in a checkout) is used, so every `varna` command works in the same checkout afterwards.
# A missing variable and a missing file is an error: there is no silent fallback.
SECRET_KEY_FILE = DATA_DIR / "secret_key"
SECRET_KEY = os.environ.get("VARNA_SECRET_KEY", "")
if not SECRET_KEY and SECRET_KEY_FILE.is_file():
    try:
        SECRET_KEY = SECRET_KEY_FILE.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise ImproperlyConfigured(f"VARNA_SECRET_KEY is not set and {SECRET_KEY_FILE} cannot be read: {exc}") from exc
    if not SECRET_KEY:
        raise ImproperlyConfigured(f"VARNA_SECRET_KEY is not set and {SECRET_KEY_FILE} is empty.")
if not SECRET_KEY:
    if DEBUG:
        # Only a local development server may run with a throwaway key.
        SECRET_KEY = "insecure-development-key-only-used-with-VARNA_DEBUG"  # noqa: S105
    else:
        raise ImproperlyConfigured(
            f"VARNA_SECRET_KEY is not set and there is no {SECRET_KEY_FILE}. Set it to a long random value, "
            "run `make run` once in this checkout (it writes the file), or set VARNA_DEBUG=1 for local development."
        )
elif len(SECRET_KEY) < 32 and not DEBUG:
    raise ImproperlyConfigured("VARNA_SECRET_KEY must be at least 32 characters long.")

ALLOWED_HOSTS = env_list("VARNA_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("VARNA_CSRF_TRUSTED_ORIGINS", [])

MEDIA_ROOT = Path(os.environ.get("VARNA_MEDIA_ROOT", DATA_DIR / "files"))
STATIC_ROOT = Path(os.environ.get("VARNA_STATIC_ROOT", DATA_DIR / "static"))
STATIC_URL = "/static/"
# matplotlib (charts) keeps its font cache here rather than in the home directory.
os.environ.setdefault("MPLCONFIGDIR", str(DATA_DIR / "matplotlib"))
MEDIA_URL = None  # files are never served directly; they go through the access policy

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "treebeard",
    "simple_history",
    "axes",
    "django_tasks_db",
    "varna.core",
    "varna.protection",
    "varna.incidents",
    "varna.risks",
    "varna.plans",
    "varna.insurance",
    "varna.training",
    "varna.documents",
    "varna.followup",
    "varna.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "varna.core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    "varna.core.errors.MethodNotAllowedPageMiddleware",
]

ROOT_URLCONF = "varna.urls"
WSGI_APPLICATION = "varna.wsgi.application"
AUTH_USER_MODEL = "core.User"
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:dashboard"
LOGOUT_REDIRECT_URL = "core:login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "varna.core.context_processors.navigation",
            ],
        },
    },
]

_default_db = f"sqlite:///{DATA_DIR / 'varna.sqlite3'}"
DATABASE_URL = os.environ.get("DATABASE_URL", _default_db)
if "DATABASE_URL" not in os.environ:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
try:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("VARNA_DB_CONN_MAX_AGE", 60))}
except ValueError as exc:
    raise ImproperlyConfigured(f"DATABASE_URL could not be parsed: {exc}") from exc
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("VARNA_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env_int("VARNA_LOGIN_COOLOFF_MINUTES", 15, minimum=1) / 60
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "core/locked_out.html"
AXES_ENABLED = env_bool("VARNA_AXES_ENABLED", True)

LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "varna" / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": MEDIA_ROOT}},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG and env_bool("VARNA_MANIFEST_STATIC", True)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Mail is sent by the task worker from the outbox (core/outbox.py), never inside a request.
# VARNA_EMAIL_BACKEND picks Django's mail backend: SMTP by default; the file backend (as `make run` uses)
# writes each mail as a file under VARNA_EMAIL_FILE_PATH; the dummy backend sends nothing.
_email_backend = os.environ.get("VARNA_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
_email_options: dict[str, object] = {}
if _email_backend.endswith("smtp.EmailBackend"):
    _email_options = {"host": os.environ.get("VARNA_EMAIL_HOST", "localhost"), "port": env_int("VARNA_EMAIL_PORT", 25)}
elif _email_backend.endswith("filebased.EmailBackend"):
    _email_file_path = os.environ.get("VARNA_EMAIL_FILE_PATH", "").strip()
    if not _email_file_path:
        raise ImproperlyConfigured("VARNA_EMAIL_BACKEND is the file backend: set VARNA_EMAIL_FILE_PATH to a folder.")
    _email_options = {"file_path": str(Path(_email_file_path).resolve())}
MAILERS = {"default": {"BACKEND": _email_backend, "OPTIONS": _email_options}}
DEFAULT_FROM_EMAIL = os.environ.get("VARNA_FROM_EMAIL", "varna@localhost")

FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
VARNA_IMPORT_MAX_BYTES = env_int("VARNA_IMPORT_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)
VARNA_ATTACHMENT_MAX_BYTES = env_int("VARNA_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)

# Security headers. HTTPS settings are on unless explicitly turned off (e.g. behind a TLS proxy in a lab).
SECURE_HTTPS = env_bool("VARNA_HTTPS", not DEBUG)
SESSION_COOKIE_SECURE = SECURE_HTTPS
CSRF_COOKIE_SECURE = SECURE_HTTPS
SECURE_SSL_REDIRECT = SECURE_HTTPS and env_bool("VARNA_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = 31536000 if SECURE_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HTTPS
SECURE_HSTS_PRELOAD = SECURE_HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("VARNA_BEHIND_PROXY", False) else None
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("VARNA_SESSION_SECONDS", 8 * 3600, minimum=300)
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True

from django.utils.csp import CSP  # noqa: E402

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("VARNA_LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# Lock-out is per user name only: many municipal workplaces share one public address behind NAT,
# so an address-based lock-out would shut out a whole school after five typos.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
