#!/usr/bin/env bash
# `make test`: every check CI runs, one step after the other, with the wall time of each step printed at the end
# (also when a step fails). Each step is a make target, so a developer can run any one of them alone.
#
#   sync          the virtual environment matches uv.lock
#   lint          ruff check, ruff format --check, mypy
#   project       migrations are complete, the translations compile, Chromium is installed
#   test-sqlite   the whole pytest suite on SQLite: pure-Python, database and browser tests (both cores)
#   pg-test       the tests that use the database, once more on a temporary PostgreSQL cluster (both cores)
set -uo pipefail
cd "$(dirname "$0")/.."

names=()
seconds=()
started=$(date +%s)

summary() {
    local total=$(($(date +%s) - started))
    printf '\n==> Wall time of each step\n'
    for i in "${!names[@]}"; do
        printf '    %-14s %4d min %02d s\n' "${names[$i]}" $((seconds[i] / 60)) $((seconds[i] % 60))
    done
    printf '    %-14s %4d min %02d s\n' "total" $((total / 60)) $((total % 60))
}

step() {
    local name=$1
    shift
    local start=$(date +%s)
    "$@"
    local status=$?
    names+=("$name")
    seconds+=($(($(date +%s) - start)))
    if [ "$status" -ne 0 ]; then
        summary
        printf '\n==> FAILED: %s (exit code %d)\n' "$name" "$status" >&2
        exit "$status"
    fi
}

step sync make --no-print-directory sync
step lint make --no-print-directory lint
step project make --no-print-directory check-project
step test-sqlite make --no-print-directory test-sqlite
step pg-test make --no-print-directory pg-test
summary
