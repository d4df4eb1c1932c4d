#!/usr/bin/env bash
# The main job on the bundled example province (called by `make demo`):
# validate → plan → render → lab up → push (dry-run, then commit) → verify → report.
# The lab is torn down at the end unless KEEP_LAB=1.
set -euo pipefail
cd "$(dirname "$0")/.."
NETAUTO=.venv/bin/netauto
OUT=build/demo
export NETAUTO_STATE_DIR="${NETAUTO_STATE_DIR:-$OUT/state}"
export NETAUTO_LAB_PREFIX="${NETAUTO_LAB_PREFIX:-na-}"
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

if [ "$(id -u)" -ne 0 ]; then
    echo "make demo runs the virtual lab (network namespaces): run it as root" >&2
    exit 2
fi
cleanup() {
    if [ "${KEEP_LAB:-0}" != 1 ]; then
        step "lab down"; $NETAUTO lab down || true
    else
        echo "The lab is still up: .venv/bin/netauto lab status; make lab-down removes it."
    fi
}
trap cleanup EXIT

step "validate the source of truth (inventory/)"; $NETAUTO validate
step "inventory"; $NETAUTO inventory | tail -n 3
step "plan (ledger inventory/allocations.yml)"; $NETAUTO plan | tail -n 12
step "render"; $NETAUTO render -o "$OUT/configs" -q
step "lab up"; $NETAUTO lab up
step "push (dry-run: what would change)"; $NETAUTO push --configs "$OUT/configs" | tail -n 4
step "push --commit (staged rollout with post-checks)"
$NETAUTO push --configs "$OUT/configs" --commit --batch 20 | tail -n 6
step "push --vms --commit (data-centre VMs through ansible-runner)"
$NETAUTO push --vms --commit | tail -n 8
step "verify (once routing has converged)"; $NETAUTO verify --wait 60 --junit "$OUT/verify.xml" || echo "(verification found failures: see the report)"
step "report"; $NETAUTO report
echo
echo "Auditor's report: $(ls -t "$NETAUTO_STATE_DIR"/reports/*.html | head -n 1)"
echo "JUnit: $OUT/verify.xml; audit log: $NETAUTO_STATE_DIR/audit.jsonl"
