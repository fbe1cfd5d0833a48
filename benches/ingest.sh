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
#        WPCONSOLE_BIN=path/to/wpconsole benches/ingest.sh   (a release binary built already)
#
# Sustained: benches/ingest.sh sustained
#   RATE messages a second (default 100000) for DURATION seconds (default 60: the
#   issue's 6,000,000), paced in 10 ms steps over the 20 VINs, to each
#   receiver in turn. Reports, per receiver, messages received against
#   sent, what the console counted lost and left unwritten, its journal's
#   lines, its log's title and its peak RSS. Scale it down on a shared
#   machine: RATE=20000 DURATION=20 benches/ingest.sh sustained
# Needs: mosquitto, mosquitto-clients, tmux, python3, GNU time.
set -euo pipefail

if [ "${1:-}" = sustained ]; then
  MODE=sustained
  RATE=${RATE:-100000}
  DURATION=${DURATION:-60}
  N=$((RATE * DURATION))
else
  MODE=burst
  N=${1:-1000000}
fi
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

if [ -n "${WPCONSOLE_BIN:-}" ]; then
  # A release binary built elsewhere (say which commit in what you report).
  bin=$WPCONSOLE_BIN
else
  echo "building wpconsole (release)…" >&2
  cargo build --release --quiet --manifest-path "$root/Cargo.toml"
  bin="$root/target/release/wpconsole"
fi

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat > "$work/mosquitto.conf" <<CONF
listener $port 127.0.0.1
allow_anonymous true
persistence false
max_queued_messages 0
sys_interval 1
CONF
mosquitto -c "$work/mosquitto.conf" >"$work/mosquitto.log" 2>&1 &
broker_pid=$!
sleep 0.5

prefix="psa/OVIPPartners-Dev/to/uid/BENCH/opa"
if [ "$MODE" = sustained ]; then
  # A paced publisher: RATE a second over 20 mosquitto_pub -l, in 10 ms
  # steps; says on stderr the rate it reached (a pipe that is full slows it).
  cat > "$work/pace.py" <<'PY'
import subprocess, sys, time
port, prefix, rate, seconds, vins = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
procs = [subprocess.Popen(["mosquitto_pub", "-h", "127.0.0.1", "-p", port, "-t",
                           f"{prefix}/VF3BENCH{v:09d}/", "-l"], stdin=subprocess.PIPE)
         for v in range(vins)]
head = '{"content":{"type":"telemetry","action":"vehicleStatus","params":{"seq":%d,"pad":"'
total, sent, step = rate * seconds, 0, 0.01
start = time.monotonic()
while sent < total:
    due = min(total, int((time.monotonic() - start + step) * rate))
    chunks = [[] for _ in range(vins)]
    for i in range(sent, due):
        h = head % i
        chunks[i % vins].append(h + "x" * (596 - len(h)) + '"}}}\n')
    for proc, chunk in zip(procs, chunks):
        if chunk:
            proc.stdin.write("".join(chunk).encode())
    for proc in procs:
        proc.stdin.flush()
    sent = due
    pause = start + sent / rate - time.monotonic()
    if pause > 0:
        time.sleep(pause)
for proc in procs:
    proc.stdin.close()
for proc in procs:
    proc.wait()
took = time.monotonic() - start
print(f"published {total} in {took:.1f} s ({total / took:,.0f} msg/s)", file=sys.stderr)
PY
  # What the broker says it received from publishers so far: a loaded
  # machine's mosquitto_pub -l can lose the tail of its queue when it
  # exits, so "sent" is what reached the broker, by its own count.
  broker_received() {
    mosquitto_sub -h 127.0.0.1 -p "$port" -C 1 -W 5 -t '$SYS/broker/publish/messages/received' 2>/dev/null || echo 0
  }
  publish_paced() {
    broker_before=$(broker_received)
    python3 "$work/pace.py" "$port" "$prefix" "$RATE" "$DURATION" "$VINS" 2>>"$work/paced"
  }
  # What reached the broker since publish_paced began (its $SYS figures
  # come every second, the retained one up to a second old).
  broker_got() {
    sleep 3
    echo $(( $(broker_received) - broker_before ))
  }
  # run_paced NAME CMD...: a subscriber given until 15 s after the last
  # publish; its stdout's lines are the messages it received.
  run_paced() {
    local name=$1; shift
    /usr/bin/time -f "%U %S %M" -o "$work/$name.time" "$@" >"$work/$name.out" 2>"$work/$name.err" &
    local pid=$!
    sleep 1.5
    local t0; t0=$(date +%s.%N)
    publish_paced
    # Until it exits (it has all N) or its output has not grown for 5 s:
    # the wall time ends at the last line it wrote.
    local t1; t1=$(date +%s.%N)
    local size=-1 still=0
    while kill -0 "$pid" 2>/dev/null && [ "$still" -lt 50 ]; do
      if [ "$(stat -c %s "$work/$name.out")" != "$size" ]; then
        size=$(stat -c %s "$work/$name.out"); t1=$(date +%s.%N); still=0
      else
        still=$((still + 1))
      fi
      sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null || t1=$(date +%s.%N)
    local got; got=$(broker_got)
    # GNU time ignores SIGINT while it waits: the subscriber, its child,
    # is told to stop; time then writes its line.
    local child; child=$(ps -o pid= --ppid "$pid" 2>/dev/null || true)
    [ -n "$child" ] && kill -INT $child 2>/dev/null || true
    wait "$pid" || true
    echo "$name $(wc -l <"$work/$name.out") $got - - - $(python3 -c "print($t1 - $t0)") $(tail -n 1 "$work/$name.time")" >>"$work/results"
    # 3.6 GB at the default run: gone before the next receiver writes.
    rm -f "$work/$name.out"
  }
  echo "sustained: $N messages at $RATE msg/s for $DURATION s, to each receiver in turn" >&2
  run_paced mosquitto_sub mosquitto_sub -h 127.0.0.1 -p "$port" -t "$prefix/#" -C "$N"
  run_paced wpconsole_tail "$bin" --broker "mqtt://127.0.0.1:$port" --uid BENCH --no-journal tail --json --count "$N"

  tmux -L wpconsole-ingest new-session -d -s c -x 160 -y 45 \
    "/usr/bin/time -f '%U %S %M' -o $work/console.time $bin --broker mqtt://127.0.0.1:$port --uid BENCH --journal $work/journal ${CONSOLE_ARGS:-}; sleep 30"
  for _ in $(seq 100); do
    tmux -L wpconsole-ingest capture-pane -p -t c | grep -q "● connected" && break
    sleep 0.1
  done
  t0=$(date +%s.%N)
  console_counts() {
    local screen; screen=$(tmux -L wpconsole-ingest capture-pane -p -t c)
    python3 -c '
import re, sys
s = sys.stdin.read()
num = lambda label: int(m.group(1).replace(",", "")) if (m := re.search(label + r" ([\d,]+) ", s)) else 0
print(num(" rx"), num(" lost"), num("journal:"))' <<<"$screen"
  }
  publish_paced
  # The counts as publishing ends, before the broker's count is asked.
  last=$(console_counts); t1=$(date +%s.%N)
  got=$(broker_got)
  # Until rx + lost reaches what the broker got, or nothing moved for 30 s
  # (a screen far behind files what the intake held in one piece: a while
  # without a frame). The wall time ends at the last change.
  still=0
  while :; do
    counts=$(console_counts)
    read -r rx lost unwritten <<<"$counts"
    if [ "$counts" = "$last" ]; then still=$((still + 1)); else still=0; last=$counts; t1=$(date +%s.%N); fi
    [ $((rx + lost)) -ge "$got" ] && break
    [ "$still" -ge 300 ] && { echo "console: stopped at rx $rx, lost $lost" >&2; break; }
    sleep 0.1
  done
  screen=$(tmux -L wpconsole-ingest capture-pane -p -t c)
  title=$(grep -o "Log ([^)]*)[^─]*" <<<"$screen" | head -1 || true)
  tmux -L wpconsole-ingest send-keys -t c q
  for _ in $(seq 100); do [ -s "$work/console.time" ] && break; sleep 0.1; done
  journaled=$(cat "$work"/journal/*/*/*.jsonl 2>/dev/null | grep -c '"dir":"in"' || true)
  gaps=$(cat "$work"/journal/*/*/*.jsonl 2>/dev/null | grep -c '"dir":"gap"' || true)
  echo "console $rx $got $lost $unwritten $journaled $(python3 -c "print($t1 - $t0)") $(cat "$work/console.time")" >>"$work/results"
  cat "$work/paced" >&2
  python3 - "$work/results" "$N" "$RATE" "$DURATION" "$title" "$gaps" <<'PY'
import sys
path, n, rate, seconds, title, gaps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6]
print(f"sustained: {n:,} messages of 600 B over 20 VINs at {rate:,} msg/s for {seconds} s (QoS 0, mosquitto on loopback)")
# wall: from the first publish to the last message received (the console:
# until its status bar shows rx + lost = N; polled every 0.1 s).
# broker got: what reached the broker from the publishers in that receiver's
# run, by the broker's own count ($SYS/broker/publish/messages/received).
print(f"{'':16} {'received':>10} {'broker got':>10} {'of it':>8} {'lost':>9} {'unwritten':>9} {'journaled':>10} {'wall s':>7} {'wall x':>7} {'cpu s':>7} {'peak MB':>8}")
rows = [line.split() for line in open(path)]
ref_wall = next(float(f[6]) for f in rows if f[0] == "mosquitto_sub")
for f in rows:
    name, received, got = f[0], int(f[1]), int(f[2])
    lost, unwritten, journaled, wall = f[3], f[4], f[5], float(f[6])
    user, system, rss_kb = float(f[-3]), float(f[-2]), int(f[-1])
    print(f"{name:16} {received:>10,} {got:>10,} {received / max(got, 1):8.2%} {lost:>9} {unwritten:>9} {journaled:>10} {wall:7.1f} {wall / ref_wall:7.2f} {user + system:7.1f} {rss_kb / 1024:8.1f}")
print(f"console log title: {title.strip()}; gap records in its journal: {gaps}")
PY
  exit 0
fi
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
