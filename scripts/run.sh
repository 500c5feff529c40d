#!/usr/bin/env bash
# `make run`: set up everything a local Värna needs, fill it with the demo municipality, and serve it
# on http://127.0.0.1:${PORT:-8000}/ with gunicorn, as production would.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/bootstrap.sh

# A secret key made once per checkout and kept in var/ (which git ignores), readable only by its owner.
mkdir -p var varna/locale
if [ ! -s var/secret_key ]; then
    echo "==> Generating var/secret_key"
    (umask 077 && .venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(50))' >var/secret_key)
fi
chmod 600 var/secret_key
VARNA_SECRET_KEY=$(cat var/secret_key)
export VARNA_SECRET_KEY
export VARNA_HTTPS=0  # plain HTTP on the local machine
export VARNA_ALLOWED_HOSTS=127.0.0.1,localhost
export DJANGO_SETTINGS_MODULE=varna.settings
# Mail is written as files under var/mail/ (one file per mail) unless VARNA_EMAIL_BACKEND says otherwise.
if [ -z "${VARNA_EMAIL_BACKEND:-}" ]; then
    export VARNA_EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend
    export VARNA_EMAIL_FILE_PATH="${VARNA_EMAIL_FILE_PATH:-$PWD/var/mail}"
fi

varna=.venv/bin/varna

echo "==> Compiling translations"
$varna manage compilemessages --ignore=.venv --ignore=var --verbosity=0
echo "==> Collecting static files"
$varna manage collectstatic --noinput --verbosity=0
echo "==> Migrating the database"
$varna manage migrate --no-input
echo "==> Demo data"
$varna demo --if-empty

# The worker sends the outbox's mail and runs the background tasks beside the server; it stops with it.
echo "==> Starting the task worker (mail: ${VARNA_EMAIL_FILE_PATH:-$VARNA_EMAIL_BACKEND})"
$varna worker --queue-name='*' &
worker_pid=$!
trap 'kill "$worker_pid" 2>/dev/null || true; wait "$worker_pid" 2>/dev/null || true' EXIT INT TERM

$varna serve
