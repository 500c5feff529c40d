#!/usr/bin/env bash
# Make sure Debian's Chromium is installed at /usr/bin/chromium for the browser tests.
#
# Playwright drives this system Chromium; we never run `playwright install`.
set -euo pipefail

CHROMIUM=/usr/bin/chromium

if [ ! -x "$CHROMIUM" ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "error: $CHROMIUM is missing and only root can install it." >&2
        echo "       Run as root: apt-get update && apt-get install -y chromium" >&2
        exit 1
    fi
    echo "==> Installing Chromium with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update
    apt-get install -y chromium
fi

echo "==> Chromium: $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"
