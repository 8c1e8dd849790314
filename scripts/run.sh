#!/usr/bin/env bash
# The main job on example data: set up, then `cyberins run` (options pass through, e.g. --lang en).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec .venv/bin/cyberins run "$@"
