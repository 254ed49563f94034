#!/usr/bin/env bash
# The whole test suite: set-up, ruff, import-linter layer contracts, mypy on core and db, then pytest (Qt offscreen).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export QT_QPA_PLATFORM=offscreen
echo "== ruff"; .venv/bin/ruff check .
echo "== import-linter"; .venv/bin/lint-imports
echo "== mypy (core, db)"; .venv/bin/mypy
# The installed-package test: build the bundle and the .deb, unpack it, run selftest and a screenshot (~90 s).
echo "== package check"; bash scripts/package_check.sh
echo "== pytest"; .venv/bin/python -m pytest "$@"
