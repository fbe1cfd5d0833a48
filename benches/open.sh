#!/usr/bin/env bash
# Open and reopen: how soon the console shows a day of history, in a real
# terminal (tmux), measured from the moment tmux starts it to the moment its
# screen says "loaded N message(s)" (the loader's last word; the newest
# screen is drawn with it).
#   1. first start over a journal day of N messages with no index beside it
#      (as a journal written before the index, or one whose index was
#      lost): the index is built on both cores, then read;
#   2. reopen: the same day again, its index now on disk;
#   3. `wpconsole open` of a foreign capture of about 1 GB (no index):
#      bytes indexed a second;
#   4. keys while the console exports the whole day (`x`): how long an
#      arrow key takes to change the screen, against the same keys with
#      no export running (the console draws at most 30 frames a second:
#      two frames are 67 ms).
# References in the same run: the harness itself (tmux starting a shell
# that prints a word, polled the same way), and `wc -l` and `grep -c`
# reading the same files from the page cache.
#
# Usage: benches/open.sh [N]    (default 1000000 messages of 600 B, ~790 MB)
#        CAPTURE_MB=1024 benches/open.sh   (size of the foreign capture)
#        WPCONSOLE_BIN=path/to/wpconsole benches/open.sh  (a release binary built already)
# Needs: tmux, python3.
set -euo pipefail

N=${1:-1000000}
CAPTURE_MB=${CAPTURE_MB:-1024}
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
socket=wpconsole-open-bench
cleanup() {
  tmux -L "$socket" kill-server 2>/dev/null || true
  tmux -L "$socket-keys" kill-server 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

for tool in tmux python3; do
  command -v "$tool" >/dev/null || { echo "open.sh: $tool is missing" >&2; exit 2; }
done
if [ -n "${WPCONSOLE_BIN:-}" ]; then
  # Absolute: the keys step runs the console from another directory.
  bin=$(realpath "$WPCONSOLE_BIN")
else
  echo "building wpconsole (release)…" >&2
  cargo build --release --quiet --manifest-path "$root/Cargo.toml"
  bin="$root/target/release/wpconsole"
fi

# Nothing of the user's: settings, data and cache live in the work dir.
export XDG_CONFIG_HOME=$work/config XDG_DATA_HOME=$work/data XDG_CACHE_HOME=$work/cache HOME=$work/home
mkdir -p "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$XDG_CACHE_HOME" "$HOME"
day=$(date -u +%F)
journal_dir=$work/journal/127.0.0.1_1/BENCH
mkdir -p "$journal_dir"

# A journal day: N records of 600 B payloads over 20 VINs, spread over today
# (UTC) up to now; and a foreign capture of CAPTURE_MB from the same lines.
python3 - "$journal_dir/$day.jsonl" "$N" "$work/capture.jsonl" "$CAPTURE_MB" <<'PY'
import datetime, sys
path, n, capture, capture_mb = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
now = datetime.datetime.now(datetime.timezone.utc)
midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
span = max((now - midnight).total_seconds() - 2, 1)
def lines(count, first):
    for i in range(count):
        at = first + datetime.timedelta(seconds=span * i / count)
        vin = "VF3BENCH%09d" % (i % 20)
        head = '{"content":{"type":"telemetry","action":"vehicleStatus","params":{"seq":%d,"speed":%d,"pad":"' % (i, i % 200)
        payload = head + "x" * (596 - len(head)) + '"}}}'
        yield ('{"received_at":"%s","vin":"%s","topic":"psa/OVIPPartners-Dev/to/uid/BENCH/opa/%s/","bytes":%d,"kind":"content","dir":"in","payload":%s}\n'
               % (at.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (at.microsecond // 1000), vin, vin, len(payload), payload))
with open(path, "w") as f:
    f.writelines(lines(n, midnight + datetime.timedelta(seconds=1)))
line = len(next(lines(1, midnight)))
with open(capture, "w") as f:
    f.writelines(lines(capture_mb * 1024 * 1024 // line + 1, midnight - datetime.timedelta(days=3)))
PY
journal_bytes=$(stat -c %s "$journal_dir/$day.jsonl")
capture_bytes=$(stat -c %s "$work/capture.jsonl")
capture_lines=$(wc -l <"$work/capture.jsonl")

# until_shown PATTERN CMD: seconds from starting CMD in tmux to PATTERN on
# its screen (polled as fast as tmux answers), then the session is ended.
until_shown() {
  python3 - "$socket" "$1" "$2" <<'PY'
import re, subprocess, sys, time
socket, pattern, command = sys.argv[1], sys.argv[2], sys.argv[3]
began = time.monotonic()
subprocess.run(["tmux", "-L", socket, "new-session", "-d", "-s", "b", "-x", "160", "-y", "45", command], check=True)
while True:
    screen = subprocess.run(["tmux", "-L", socket, "capture-pane", "-p", "-t", "b"],
                            capture_output=True, text=True).stdout
    if re.search(pattern, screen):
        took = time.monotonic() - began
        break
    if time.monotonic() - began > 300:
        print("never shown: " + pattern, file=sys.stderr)
        print(screen, file=sys.stderr)
        took = float("nan")
        break
    time.sleep(0.002)
subprocess.run(["tmux", "-L", socket, "kill-server"], capture_output=True)
print(f"{took:.3f}")
PY
}
# seconds CMD...: wall seconds of a command (its output read through a pipe:
# GNU grep stops at the first match when its output is /dev/null).
seconds() {
  python3 -c 'import subprocess, sys, time; t = time.monotonic(); subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, check=True); print(f"{time.monotonic() - t:.3f}")' "$@"
}

cat "$journal_dir/$day.jsonl" "$work/capture.jsonl" >/dev/null # into the page cache
console="$bin --broker mqtt://127.0.0.1:1 --uid BENCH --journal $work/journal --history-days 1"
loaded="loaded [0-9,]+ message"
harness=$(until_shown "ready" "echo ready; sleep 60")
wc_journal=$(seconds wc -l "$journal_dir/$day.jsonl")
grep_journal=$(seconds grep -c vehicleStatus "$journal_dir/$day.jsonl")
first=$(until_shown "$loaded" "$console")
[ -s "$journal_dir/$day.jsonl.idx" ] || echo "open.sh: no index was written beside the journal" >&2
reopen=$(until_shown "$loaded" "$console")
reopen2=$(until_shown "$loaded" "$console")
# Keys: an arrow key at a time, the time to a changed screen, 30 keys
# before the export and as many as the export lasts (at most 200).
mkdir -p "$work/exports"
# A server of its own: the one just killed may still be going away.
keys=$(cd "$work/exports" && python3 - "$socket-keys" "$console" <<'PY'
import re, statistics, subprocess, sys, time
socket, command = sys.argv[1], sys.argv[2]
tmux = lambda *a: subprocess.run(["tmux", "-L", socket, *a], capture_output=True, text=True).stdout
tmux("new-session", "-d", "-s", "k", "-x", "160", "-y", "45", command)
screen = lambda: tmux("capture-pane", "-p", "-t", "k")
began = time.monotonic()
while not re.search(r"loaded [0-9,]+ message", screen()):
    if time.monotonic() - began > 120:
        sys.exit("never loaded:\n" + screen())
    time.sleep(0.01)
def answered(key):
    before = screen()
    sent = time.monotonic()
    tmux("send-keys", "-t", "k", key)
    while screen() == before:
        if time.monotonic() - sent > 5:
            break
    return time.monotonic() - sent
# The log first (Tab until its title is marked focused is not visible in
# text: the keys move whichever list has focus; both redraw).
idle = [answered("Up" if n % 2 else "Down") for n in range(30)]
tmux("send-keys", "-t", "k", "x")
while "exporting" not in screen():
    time.sleep(0.005)
started = time.monotonic()
busy = []
while "exporting" in screen() and len(busy) < 200:
    busy.append(answered("Up" if len(busy) % 2 else "Down"))
took = time.monotonic() - started
tmux("kill-server")
ms = lambda xs: f"{statistics.median(xs) * 1e3:.0f} ms median, {max(xs) * 1e3:.0f} ms worst"
print(f"keys with no export: {ms(idle)} ({len(idle)} keys); during the export ({took:.1f} s): {ms(busy)} ({len(busy)} keys)")
PY
)
wc_capture=$(seconds wc -l "$work/capture.jsonl")
grep_capture=$(seconds grep -c vehicleStatus "$work/capture.jsonl")
foreign=$(until_shown "$loaded" "$bin open $work/capture.jsonl")

python3 - "$N" "$journal_bytes" "$capture_lines" "$capture_bytes" "$harness" "$wc_journal" "$grep_journal" \
  "$first" "$reopen" "$reopen2" "$wc_capture" "$grep_capture" "$foreign" <<'PY'
import sys
n, jb, cl, cb = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
harness, wc_j, grep_j, first, reopen, reopen2, wc_c, grep_c, foreign = map(float, sys.argv[5:])
mb = lambda b, s: b / 1e6 / s if s > 0 else float("inf")
print(f"open and reopen in a 160x45 tmux (seconds from start to 'loaded N message(s)' on screen; the harness alone: {harness:.3f} s)")
print(f"{'':44} {'seconds':>8} {'MB/s':>8} {'vs wc -l':>9}")
print(f"{'journal day: ' + format(n, ',') + ' messages, ' + format(jb / 1e6, '.0f') + ' MB':44}")
print(f"{'  wc -l (reference)':44} {wc_j:8.3f} {mb(jb, wc_j):8.0f} {1:9.2f}")
print(f"{'  grep -c (reference)':44} {grep_j:8.3f} {mb(jb, grep_j):8.0f} {grep_j / wc_j:9.2f}")
print(f"{'  console, first start (index built)':44} {first:8.3f} {mb(jb, first):8.0f} {first / wc_j:9.2f}")
print(f"{'  console, reopen (index on disk)':44} {reopen:8.3f} {mb(jb, reopen):8.0f} {reopen / wc_j:9.2f}")
print(f"{'  console, reopen again':44} {reopen2:8.3f} {mb(jb, reopen2):8.0f} {reopen2 / wc_j:9.2f}")
print(f"{'foreign capture: ' + format(cl, ',') + ' lines, ' + format(cb / 1e6, '.0f') + ' MB':44}")
print(f"{'  wc -l (reference)':44} {wc_c:8.3f} {mb(cb, wc_c):8.0f} {1:9.2f}")
print(f"{'  grep -c (reference)':44} {grep_c:8.3f} {mb(cb, grep_c):8.0f} {grep_c / wc_c:9.2f}")
print(f"{'  wpconsole open, first (index built)':44} {foreign:8.3f} {mb(cb, foreign):8.0f} {foreign / wc_c:9.2f}")
PY
echo "$keys"
