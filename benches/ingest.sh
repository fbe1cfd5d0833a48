#!/usr/bin/env bash
# Ingest benchmark: N QoS-0 messages of 600 bytes over 20 VINs, published
# with mosquitto_pub -l to a mosquitto on loopback, received by
#   1. mosquitto_sub (the reference),
#   2. wpconsole tail --json --count N,
#   3. the console itself (in tmux, until the status bar shows "rx N"),
# each on the same broker in the same run. Prints wall time (first publish
# to last message received), CPU seconds and peak RSS, and ratios to
# mosquitto_sub.
#
# Usage: benches/ingest.sh [N]        (default 1000000)
#        CONSOLE_ARGS="--cache-mb 16" benches/ingest.sh   (extra console options)
# Needs: mosquitto, mosquitto-clients, tmux, python3, GNU time.
set -euo pipefail

N=${1:-1000000}
VINS=20
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
broker_pid=""
cleanup() {
  [ -n "$broker_pid" ] && kill "$broker_pid" 2>/dev/null || true
  tmux -L wpconsole-ingest kill-server 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

for tool in mosquitto mosquitto_pub mosquitto_sub tmux python3 /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "ingest.sh: $tool is missing" >&2; exit 2; }
done

echo "building wpconsole (release)…" >&2
cargo build --release --quiet --manifest-path "$root/Cargo.toml"
bin="$root/target/release/wpconsole"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat > "$work/mosquitto.conf" <<CONF
listener $port 127.0.0.1
allow_anonymous true
persistence false
max_queued_messages 0
CONF
mosquitto -c "$work/mosquitto.conf" >"$work/mosquitto.log" 2>&1 &
broker_pid=$!
sleep 0.5

prefix="psa/OVIPPartners-Dev/to/uid/BENCH/opa"
python3 - "$work" "$N" "$VINS" <<'PY'
import sys
work, n, vins = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for v in range(vins):
    with open(f"{work}/vin{v}.txt", "w") as f:
        for i in range(v, n, vins):
            head = '{"content":{"type":"telemetry","action":"vehicleStatus","params":{"seq":%d,"pad":"' % i
            f.write(head + "x" * (600 - len(head) - 4) + '"}}}\n')
PY

vin() { printf 'VF3BENCH%09d' "$1"; }

publish() {
  local pids=()
  for v in $(seq 0 $((VINS - 1))); do
    mosquitto_pub -h 127.0.0.1 -p "$port" -t "$prefix/$(vin "$v")/" -l <"$work/vin$v.txt" &
    pids+=($!)
  done
  wait "${pids[@]}"
}

now() { date +%s.%N; }

# run NAME CMD...: a subscriber that exits after N messages.
run() {
  local name=$1; shift
  /usr/bin/time -f "%U %S %M" -o "$work/$name.time" "$@" >/dev/null 2>"$work/$name.err" &
  local pid=$!
  sleep 1.5
  local t0; t0=$(now)
  publish
  if ! timeout 600 tail --pid="$pid" -f /dev/null; then echo "$name: timed out" >&2; fi
  wait "$pid" || true
  local t1; t1=$(now)
  echo "$name $(python3 -c "print($t1 - $t0)") $(cat "$work/$name.time")" >>"$work/results"
}

run mosquitto_sub mosquitto_sub -h 127.0.0.1 -p "$port" -t "$prefix/#" -C "$N"
run wpconsole_tail "$bin" --broker "mqtt://127.0.0.1:$port" --uid BENCH --no-journal tail --json --count "$N"

# The console: in a real terminal, with its journal, until "rx N".
tmux -L wpconsole-ingest new-session -d -s c -x 160 -y 45 \
  "/usr/bin/time -f '%U %S %M' -o $work/console.time $bin --broker mqtt://127.0.0.1:$port --uid BENCH --journal $work/journal ${CONSOLE_ARGS:-}; sleep 30"
for _ in $(seq 100); do
  tmux -L wpconsole-ingest capture-pane -p -t c | grep -q "● connected" && break
  sleep 0.1
done
t0=$(now)
publish
deadline=$(( $(date +%s) + 600 ))
# Until every message is shown as received, or received plus dropped (the
# status bar counts what the console could not keep up with).
until tmux -L wpconsole-ingest capture-pane -p -t c | python3 -c '
import re, sys
screen = sys.stdin.read()
rx = re.search(r" rx (\d+) ", screen)
dropped = re.search(r" dropped (\d+) ", screen)
total = (int(rx.group(1)) if rx else 0) + (int(dropped.group(1)) if dropped else 0)
sys.exit(0 if total >= int(sys.argv[1]) else 1)' "$N"; do
  [ "$(date +%s)" -gt "$deadline" ] && { echo "console: never accounted for $N messages" >&2; break; }
  sleep 0.05
done
t1=$(now)
screen=$(tmux -L wpconsole-ingest capture-pane -p -t c)
tmux -L wpconsole-ingest send-keys -t c q
for _ in $(seq 100); do [ -s "$work/console.time" ] && break; sleep 0.1; done
echo "console $(python3 -c "print($t1 - $t0)") $(cat "$work/console.time")" >>"$work/results"
if grep -q "could not keep up" <<<"$screen"; then echo "console: dropped messages:" >&2; grep "could not keep up" <<<"$screen" >&2; fi
if grep -q "unwritten" <<<"$screen"; then echo "console: journal lines unwritten:" >&2; grep -o "journal: [0-9]* unwritten[^)]*)" <<<"$screen" >&2; fi

python3 - "$work/results" "$N" <<'PY'
import sys
rows = {}
for line in open(sys.argv[1]):
    name, wall, user, system, rss_kb = line.split()
    rows[name] = (float(wall), float(user) + float(system), int(rss_kb) / 1024)
ref = rows["mosquitto_sub"]
print(f"ingest of {int(sys.argv[2]):,} messages of 600 B over 20 VINs (QoS 0, mosquitto on loopback)")
print(f"{'':16} {'wall s':>8} {'cpu s':>8} {'peak MB':>8}   {'wall x':>7} {'cpu x':>7}")
for name, (wall, cpu, rss) in rows.items():
    print(f"{name:16} {wall:8.2f} {cpu:8.2f} {rss:8.1f}   {wall / ref[0]:7.2f} {cpu / max(ref[1], 1e-9):7.2f}")
PY
