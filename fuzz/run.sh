#!/usr/bin/env bash
# Runs each fuzz target for a fixed time, one after the other, one process
# each (the machine may be shared), and prints what each did: executions,
# seconds, corpus size and findings. Not part of CI's default run (CI only
# builds the targets): run it by hand before a release or after changing a
# parser.
#
#   fuzz/run.sh                      # every target, 60 s each (7 minutes)
#   FUZZ_SECONDS=300 fuzz/run.sh     # 5 minutes each
#   fuzz/run.sh json_reader config   # only these
#   FUZZ_BUILD=0 fuzz/run.sh         # the targets as last built (no rebuild)
#
# Needs the nightly toolchain and cargo-fuzz (`cargo install cargo-fuzz`).
# The committed seeds in fuzz/corpus/TARGET/ are only read; what libFuzzer
# adds goes to fuzz/work/TARGET/ and a crashing input to
# fuzz/artifacts/TARGET/ (neither committed). Reproduce a finding with
# `cargo +nightly fuzz run TARGET fuzz/artifacts/TARGET/crash-...`, then
# make it a unit test in the library before fixing it.
set -uo pipefail
cd "$(dirname "$0")"

seconds=${FUZZ_SECONDS:-60}
if [ $# -gt 0 ]; then
  targets=("$@")
else
  mapfile -t targets < <(cargo +nightly fuzz list)
fi

# Built once, then each target's binary is run as it is (`cargo fuzz run`
# would check the build again before each one).
if [ "${FUZZ_BUILD:-1}" != 0 ]; then
  cargo +nightly fuzz build || exit 2
fi
bin=target/x86_64-unknown-linux-gnu/release
# As cargo-fuzz runs them.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_odr_violation=0}

mkdir -p work artifacts
summary=()
found=0
for target in "${targets[@]}"; do
  mkdir -p "work/$target" "corpus/$target" "artifacts/$target"
  before=$(find "artifacts/$target" -type f | wc -l)
  log="work/$target.log"
  echo "fuzz: $target for ${seconds}s"
  # One child process at a time (-fork=1) that goes on after a finding, so
  # each target gets its whole time and every distinct finding is kept in
  # artifacts/; an input that takes 10 s is a finding (a hang), not a wait.
  start=$(date +%s)
  "$bin/$target" -artifact_prefix="artifacts/$target/" \
    -max_total_time="$seconds" -timeout=10 -fork=1 \
    -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
    "work/$target" "corpus/$target" >"$log" 2>&1
  status=$?
  took=$(($(date +%s) - start))
  # The parent's last progress line: "#EXECS: cov: ... corp: N ...".
  execs=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#')
  corpus=$(find "work/$target" -type f | wc -l)
  after=$(find "artifacts/$target" -type f | wc -l)
  new=$((after - before))
  if [ "$status" -ne 0 ] && [ "$new" -eq 0 ]; then
    # A failure without an artifact (a build problem, say): say so.
    new=1
  fi
  if [ "$new" -gt 0 ]; then
    found=$((found + new))
    echo "fuzz: $target FOUND $new: see fuzz/$log and fuzz/artifacts/$target/"
    grep -E 'panicked at' "$log" | sort | uniq -c | sort -rn | head -5 | sed 's/^/  /'
  fi
  summary+=("$(printf '%-14s %12s execs %6ss  corpus %6s  findings %s' \
    "$target" "${execs:-?}" "${took:-?}" "$corpus" "$new")")
done

echo
echo "fuzz: ${#targets[@]} target(s), ${seconds}s each"
printf '  %s\n' "${summary[@]}"
[ "$found" -eq 0 ]
