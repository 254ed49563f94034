#!/usr/bin/env bash
# Set up, then start the workbench on the default database (filled with the demo county on first start).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/perfbudget "$@"
