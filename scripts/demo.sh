#!/usr/bin/env bash
# The main job on the bundled example province (called by `make demo`).
set -euo pipefail
cd "$(dirname "$0")/.."
NETAUTO=.venv/bin/netauto
echo "== validate"; $NETAUTO validate
