#!/usr/bin/env bash
# Make sure uv is available and the virtual environment (.venv) matches uv.lock exactly.
#
# uv is always called as `python3 -m uv`, with the Python 3.12 that .python-version selects.
# uv must never download an interpreter of its own.
set -euo pipefail
cd "$(dirname "$0")/.."

export UV_PYTHON_DOWNLOADS=never

if ! python3 -m uv --version >/dev/null 2>&1; then
    echo "==> Installing uv for $(python3 --version)"
    PIP_ROOT_USER_ACTION=ignore python3 -m pip install --quiet uv
fi

echo "==> Syncing .venv with uv.lock ($(python3 -m uv --version))"
python3 -m uv sync --frozen
