#!/usr/bin/env bash
# Set up (idempotent) and run every check: ruff, mypy, the import contract, pytest.
# Usage: bash scripts/test.sh [extra pytest arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
echo "== ruff" >&2
.venv/bin/ruff check assistant tests scripts tools
echo "== mypy" >&2
.venv/bin/mypy
echo "== import contract" >&2
.venv/bin/lint-imports
echo "== pytest" >&2
exec .venv/bin/pytest "$@"
