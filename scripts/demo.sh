#!/usr/bin/env bash
# The main job on the bundled example province (called by `make demo`), as a province runs it:
# the province already runs IPv4 (a legacy lab, configured by hand), netauto imports it,
# plans IPv6 beside it, renders, checks the diff keeps every IPv4 line, pushes with the
# traffic guard (IPv4 probes from every commune judged wave by wave), configures the
# data-centre VMs, verifies both families and writes the auditor's reports.
# The bundled inventory/ is never changed: the demo works on a copy in build/demo/.
# The lab is torn down at the end unless KEEP_LAB=1. DEMO_HUBS=N limits the lab to N hubs.
set -euo pipefail
cd "$(dirname "$0")/.."
NETAUTO=.venv/bin/netauto
OUT=build/demo
INV="$OUT/inventory"
export NETAUTO_STATE_DIR="${NETAUTO_STATE_DIR:-$OUT/state}"
export NETAUTO_LAB_PREFIX="${NETAUTO_LAB_PREFIX:-na-}"
SUBSET=()
[ -n "${DEMO_HUBS:-}" ] && SUBSET=(--hubs "$DEMO_HUBS")
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

rm -rf "$OUT" && mkdir -p "$OUT" && cp -r inventory "$INV" && rm -f "$INV/allocations.yml"
step "validate the source of truth (a copy of inventory/ in $INV)"; $NETAUTO -i "$INV" validate
step "the province as it runs today: IPv4 only, configured by hand (lab up --legacy)"
$NETAUTO -i "$INV" lab up --legacy "${SUBSET[@]}"
step "import the running network (every IPv4 address kept; static routes, descriptions, filters recorded)"
$NETAUTO -i "$INV" import --target lab --write | tail -n 3
step "plan IPv6 beside the imported IPv4 (ledger $INV/allocations.yml)"; $NETAUTO -i "$INV" plan | tail -n 4
step "render"; $NETAUTO -i "$INV" render -o "$OUT/configs" -q
step "diff: what each router gets (IPv4 lines removed or changed must be 0)"
$NETAUTO -i "$INV" diff --configs "$OUT/configs" -q | tail -n 4
step "push --vms --commit (first the data-centre VMs get IPv6, through ansible-runner)"
$NETAUTO -i "$INV" push --vms --commit | tail -n 8
step "push --commit --guard (waits for a clean baseline, then canary and batches; every commune probes the data centre all along)"
$NETAUTO -i "$INV" push --configs "$OUT/configs" --commit --guard --batch 20 -f json > "$OUT/push.json"
python3 - "$OUT/push.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
guard, devices = doc["guard"], doc["devices"]
waves = guard["waves"]
sent4, lost4 = sum(w["ipv4"]["sent"] for w in waves), sum(w["ipv4"]["lost"] for w in waves)
after = guard["after"] or {"ipv4": {"sent": 0, "lost": 0}, "ipv6": {"sent": 0, "lost": 0}}
print(f"{sum(d['outcome'] == 'committed' for d in devices)} routers committed in {len(waves)} waves, "
      f"{sum(c['rolled_back'] for c in guard['communes'])} communes rolled back")
print(f"IPv4 probes during the rollout: {sent4} sent, {lost4} lost")
print(f"after the rollout: IPv4 {after['ipv4']['sent']} sent, {after['ipv4']['lost']} lost; "
      f"IPv6 {after['ipv6']['sent']} sent, {after['ipv6']['lost']} lost")
PY
step "verify both families (once routing has converged)"
$NETAUTO -i "$INV" verify --wait 90 --junit "$OUT/verify.xml" | tail -n 8 \
    || echo "(verification found failures: see the report)"
step "reports: the migration and the verification"
$NETAUTO -i "$INV" report --run 1 -o "$OUT/migration.html"
$NETAUTO -i "$INV" report --run 1 --format md | grep -E "^- (Communes|IPv4|IPv6|Waves)" || true
$NETAUTO -i "$INV" report -o "$OUT/verify.html"
echo
echo "Migration report: $OUT/migration.html; verification report: $OUT/verify.html"
echo "JUnit: $OUT/verify.xml; audit log: $NETAUTO_STATE_DIR/audit.jsonl; imported SoT: $INV/imported.yml"
