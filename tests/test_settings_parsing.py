"""The settings read the environment strictly.

Each case loads ``varna.settings`` in a fresh Python process with an environment we control, so the
settings already loaded for the test run are not disturbed.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
PRODUCTION_SECRET_KEY = "kX3vQ9-pL2mZ7_rT5wY8nB4cF6hJ1dG0sA-eU9iO3qW7tR2yP5"  # 50 characters, as `check --deploy` wants
PRODUCTION_HOST = "varna.example.se"


@pytest.fixture
def clean_env(tmp_path: Path) -> dict[str, str]:
    """The current environment without any Värna, database or Django settings, and with data kept in tmp_path."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("VARNA_") and key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "PORT"}
    }
    env["VARNA_DATA_DIR"] = str(tmp_path)
    return env


@pytest.fixture
def production_env(clean_env: dict[str, str]) -> dict[str, str]:
    """What an operator sets in production: a long secret key and the host name. Everything else is default."""
    return {**clean_env, "VARNA_SECRET_KEY": PRODUCTION_SECRET_KEY, "VARNA_ALLOWED_HOSTS": PRODUCTION_HOST}


def run_python(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603
        [sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def load_settings(env: dict[str, str], *, show: str = "") -> subprocess.CompletedProcess[str]:
    """Import the settings as ``s`` in a fresh process, and print the expression ``show`` if given."""
    code = "import varna.settings as s"
    if show:
        code += f"; print({show})"
    return run_python(["-c", code], env)


def assert_improperly_configured(result: subprocess.CompletedProcess[str], *, mentioning: str) -> None:
    assert result.returncode != 0, result.stdout
    assert "django.core.exceptions.ImproperlyConfigured" in result.stderr, result.stderr
    assert mentioning in result.stderr, result.stderr


def test_settings_load_with_only_secret_key_and_allowed_hosts(production_env: dict[str, str]) -> None:
    result = load_settings(production_env, show="s.ALLOWED_HOSTS")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str([PRODUCTION_HOST])


def test_debug_defaults_to_false(production_env: dict[str, str]) -> None:
    result = load_settings(production_env, show="s.DEBUG")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_https_protections_default_to_on(production_env: dict[str, str]) -> None:
    secure = "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS"
    result = load_settings(production_env, show=f"({secure})")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "(True, True, True, 31536000)"


@pytest.mark.parametrize("name", ["VARNA_DEBUG", "VARNA_HTTPS", "VARNA_AXES_ENABLED"])
@pytest.mark.parametrize("value", ["maybe", "2", "ja", "truee"])
def test_bad_boolean_value_is_rejected(production_env: dict[str, str], name: str, value: str) -> None:
    result = load_settings({**production_env, name: value})

    assert_improperly_configured(result, mentioning=name)


@pytest.mark.parametrize("name", ["VARNA_SESSION_SECONDS", "VARNA_EMAIL_PORT", "VARNA_DB_CONN_MAX_AGE"])
@pytest.mark.parametrize("value", ["eight", "", "1.5", "8h"])
def test_bad_integer_value_is_rejected(production_env: dict[str, str], name: str, value: str) -> None:
    result = load_settings({**production_env, name: value})

    assert_improperly_configured(result, mentioning=name)


def test_integer_below_its_minimum_is_rejected(production_env: dict[str, str]) -> None:
    result = load_settings({**production_env, "VARNA_SESSION_SECONDS": "10"})

    assert_improperly_configured(result, mentioning="VARNA_SESSION_SECONDS")


def test_missing_secret_key_without_debug_is_rejected(clean_env: dict[str, str]) -> None:
    result = load_settings(clean_env)

    assert_improperly_configured(result, mentioning="VARNA_SECRET_KEY")


def test_empty_secret_key_without_debug_is_rejected(clean_env: dict[str, str]) -> None:
    result = load_settings({**clean_env, "VARNA_SECRET_KEY": ""})

    assert_improperly_configured(result, mentioning="VARNA_SECRET_KEY")


def test_short_secret_key_without_debug_is_rejected(clean_env: dict[str, str]) -> None:
    result = load_settings({**clean_env, "VARNA_SECRET_KEY": "too-short"})

    assert_improperly_configured(result, mentioning="VARNA_SECRET_KEY")


def test_unparsable_database_url_is_rejected(production_env: dict[str, str]) -> None:
    result = load_settings({**production_env, "DATABASE_URL": "nosuchdb://somewhere/varna"})

    assert_improperly_configured(result, mentioning="DATABASE_URL")


def test_deploy_check_passes_with_production_environment(production_env: dict[str, str]) -> None:
    env = {**production_env, "DJANGO_SETTINGS_MODULE": "varna.settings"}
    result = run_python(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env)
    output = result.stdout + result.stderr

    assert result.returncode == 0, output
    assert "WARNINGS" not in output, output
    assert "ERRORS" not in output, output


CHECKOUT_SECRET_KEY = "checkout-key-written-by-make-run-0123456789-abcdefghij"


def test_secret_key_is_read_from_the_data_directory_when_the_variable_is_unset(
    clean_env: dict[str, str], tmp_path: Path
) -> None:
    (tmp_path / "secret_key").write_text(CHECKOUT_SECRET_KEY + "\n", encoding="utf-8")

    result = load_settings(clean_env, show="s.SECRET_KEY")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == CHECKOUT_SECRET_KEY


def test_secret_key_variable_wins_over_the_file(production_env: dict[str, str], tmp_path: Path) -> None:
    (tmp_path / "secret_key").write_text(CHECKOUT_SECRET_KEY, encoding="utf-8")

    result = load_settings(production_env, show="s.SECRET_KEY")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == PRODUCTION_SECRET_KEY


def test_missing_secret_key_and_missing_file_names_both(clean_env: dict[str, str], tmp_path: Path) -> None:
    result = load_settings(clean_env)

    assert_improperly_configured(result, mentioning=str(tmp_path / "secret_key"))


def test_empty_secret_key_file_is_rejected(clean_env: dict[str, str], tmp_path: Path) -> None:
    (tmp_path / "secret_key").write_text("\n", encoding="utf-8")

    result = load_settings(clean_env)

    assert_improperly_configured(result, mentioning="is empty")


def test_varna_command_works_after_make_run_with_no_variables_set(clean_env: dict[str, str], tmp_path: Path) -> None:
    """`make run` leaves var/secret_key behind; `varna token …` in the same checkout needs nothing else."""
    (tmp_path / "secret_key").write_text(CHECKOUT_SECRET_KEY + "\n", encoding="utf-8")
    varna = ["-c", "import sys; from varna.cli import main; sys.exit(main(sys.argv[1:]))"]

    migrate = run_python([*varna, "manage", "migrate", "--no-input", "--verbosity=0"], clean_env)
    assert migrate.returncode == 0, migrate.stderr
    create_person = (
        "import os, django; os.environ['DJANGO_SETTINGS_MODULE'] = 'varna.settings'; django.setup(); "
        "from varna.core.models import Organisation, User; "
        "org = Organisation.objects.create(name='Exempelkommun', slug='exempel'); "
        "User.objects.create(username='samordnare', organisation=org)"
    )
    create = run_python(["-c", create_person], clean_env)
    assert create.returncode == 0, create.stderr
    token = run_python([*varna, "token", "samordnare"], clean_env)

    assert token.returncode == 0, token.stderr
    assert len(token.stdout.strip()) >= 32, token.stdout
    assert (tmp_path / "varna.sqlite3").is_file()


def test_file_mail_backend_without_a_folder_stops_with_a_clear_error(production_env: dict[str, str]) -> None:
    env = {**production_env, "VARNA_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend"}
    assert_improperly_configured(load_settings(env), mentioning="set VARNA_EMAIL_FILE_PATH to a folder")
    blank = load_settings({**env, "VARNA_EMAIL_FILE_PATH": "  "})
    assert_improperly_configured(blank, mentioning="VARNA_EMAIL_FILE_PATH")


def test_file_mail_backend_writes_to_the_folder_given(production_env: dict[str, str], tmp_path: Path) -> None:
    env = {
        **production_env,
        "VARNA_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "VARNA_EMAIL_FILE_PATH": str(tmp_path / "mail"),
    }
    result = load_settings(env, show="s.MAILERS['default']['OPTIONS']['file_path']")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str((tmp_path / "mail").resolve())
