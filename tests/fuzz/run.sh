#!/usr/bin/env bash
# Runs libFuzzer targets of a build tree, each for SECONDS, starting from the seed corpora of
# tests/fuzz/seeds.sh and the corpus grown by earlier runs, and replays the inputs of earlier
# crashes (tests/data/fuzz-regressions/<target>/). Fails when any target finds a crash, a leak,
# a timeout or runs out of memory, and prints how to reproduce it.
#   tests/fuzz/run.sh BUILD SECONDS [TARGET...]      (TARGET as "dockerfile"; default: all)
# Targets run side by side, FUZZ_JOBS at a time (default: one per core).
# Everything written stays under BUILD/fuzz/: seeds/, corpus/ (grown, kept between runs),
# artifacts/ (crashing inputs) and logs/.
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:?usage: run.sh BUILD SECONDS [TARGET...]}" && pwd)
seconds=${2:?usage: run.sh BUILD SECONDS [TARGET...]}
shift 2
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for f in "$src"/tests/fuzz/*_fuzz.cpp; do
    t=$(basename "$f" .cpp)
    targets+=("${t%_fuzz}")
  done
fi

# Inputs larger than this are cut; archives and YAML databases need room, text parsers little.
max_len() {
  case "$1" in
    image_archive) echo 262144 ;;
    secdb | compose | dockerfile | osv | engine) echo 65536 ;;
    *) echo 16384 ;;
  esac
}

work="$build/fuzz"
rm -rf "$work/seeds"
sh "$src/tests/fuzz/seeds.sh" "$work/seeds" >/dev/null
mkdir -p "$work/corpus" "$work/artifacts" "$work/logs"
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:check_initialization_order=1:strict_init_order=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
export LSAN_OPTIONS="${LSAN_OPTIONS:-suppressions=$src/tests/fuzz/lsan.supp}"

# One target per core at a time (FUZZ_JOBS to choose): each is one process, and a smoke run of
# every target one after the other took minutes of CI. Each target writes its row and its failure
# report to its own files; they are printed in the order of the targets.
jobs=${FUZZ_JOBS:-$(nproc)}
for t in "${targets[@]}"; do
  bin="$build/tests/fuzz/${t}_fuzz"
  [ -x "$bin" ] || { echo "run.sh: no fuzz target $bin (build it: cmake --build $build --target fuzz_targets)" >&2; exit 2; }
done

# fuzz_one TARGET: replays its regressions, fuzzes it; writes logs/TARGET.row (the table's row)
# and, when it failed, logs/TARGET.failed (what to print); never exits non-zero.
fuzz_one() {
  local t=$1 bin="$build/tests/fuzz/${1}_fuzz" corpus="$work/corpus/$1" artifacts="$work/artifacts/$1"
  local log="$work/logs/$1.log" row="$work/logs/$1.row" report="$work/logs/$1.failed" rc=0
  rm -rf "$artifacts" "$row" "$report"  # what is listed after a failure is what this run found
  mkdir -p "$corpus" "$artifacts"
  # The crashes found before must stay fixed: each input runs once.
  local regressions="$src/tests/data/fuzz-regressions/$t"
  if [ -d "$regressions" ] && [ -n "$(ls -A "$regressions")" ]; then
    "$bin" -timeout=30 "$regressions"/* >"$log.regressions" 2>&1 || rc=$?
    if [ $rc -ne 0 ]; then
      { echo "FAIL $t: an input of $regressions crashes again; log: $log.regressions"; tail -n 40 "$log.regressions"; } >"$report"
      printf '%-15s %10s\n' "$t" "regression" >"$row"
      return 0
    fi
  fi
  "$bin" -max_total_time="$seconds" -max_len="$(max_len "$t")" -timeout=30 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$artifacts/" "$corpus" "$work/seeds/$t" >"$log" 2>&1 || rc=$?
  local execs speed last cov ft
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
  last=$(grep -E '^#[0-9]+' "$log" | tail -n 1 || true)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
  printf '%-15s %10s %8s %7s %7s %7s\n' "$t" "${execs:--}" "${speed:--}" "${cov:--}" "${ft:--}" "$(ls "$corpus" | wc -l)" >"$row"
  if [ $rc -ne 0 ]; then
    {
      echo "FAIL $t (exit $rc); log: $log"
      grep -E -A 30 '^==[0-9]+==ERROR|runtime error|^SUMMARY' "$log" | head -n 60 || tail -n 40 "$log"
      for a in "$artifacts"/*; do
        [ -e "$a" ] || continue
        echo "  reproduce: $bin $a"
      done
      echo "  keep it as a regression: cp INPUT $src/tests/data/fuzz-regressions/$t/ and add a unit test reading it"
    } >"$report"
  fi
  return 0
}

running=0
for t in "${targets[@]}"; do
  if [ "$running" -ge "$jobs" ]; then
    wait -n
    running=$((running - 1))
  fi
  fuzz_one "$t" &
  running=$((running + 1))
done
wait

failed=()
printf '%-15s %10s %8s %7s %7s %7s\n' target execs exec/s cov ft corpus
for t in "${targets[@]}"; do
  if [ -f "$work/logs/$t.row" ]; then cat "$work/logs/$t.row"; else printf '%-15s %10s\n' "$t" "no result"; failed+=("$t"); fi
  if [ -f "$work/logs/$t.failed" ]; then
    cat "$work/logs/$t.failed" >&2
    failed+=("$t")
  fi
done
if [ ${#failed[@]} -ne 0 ]; then
  echo "run.sh: fuzz targets failed: ${failed[*]}" >&2
  exit 1
fi
