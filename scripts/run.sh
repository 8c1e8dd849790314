#!/usr/bin/env bash
# The main job on example data: set up, then `cyberins run` (options pass through, e.g. --lang en).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
.venv/bin/cyberins run "$@"
echo "Next / 下一步: source .venv/bin/activate, then / 然后 cyberins --help (or / 或 .venv/bin/cyberins --help)"
