#!/usr/bin/env bash
# Runs libFuzzer targets of a build tree, each for SECONDS, starting from the seed corpora of
# tests/fuzz/seeds.sh and the corpus grown by earlier runs, and replays the inputs of earlier
# crashes (tests/data/fuzz-regressions/<target>/). Fails when any target finds a crash, a leak,
# a timeout or runs out of memory, and prints how to reproduce it.
#   tests/fuzz/run.sh BUILD SECONDS [TARGET...]      (TARGET as "dockerfile"; default: all)
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

failed=()
printf '%-15s %10s %8s %7s %7s %7s\n' target execs exec/s cov ft corpus
for t in "${targets[@]}"; do
  bin="$build/tests/fuzz/${t}_fuzz"
  [ -x "$bin" ] || { echo "run.sh: no fuzz target $bin (build it: cmake --build $build --target fuzz_targets)" >&2; exit 2; }
  corpus="$work/corpus/$t"
  artifacts="$work/artifacts/$t"
  log="$work/logs/$t.log"
  rm -rf "$artifacts"  # what is listed after a failure is what this run found
  mkdir -p "$corpus" "$artifacts"
  rc=0
  # The crashes found before must stay fixed: each input runs once.
  regressions="$src/tests/data/fuzz-regressions/$t"
  if [ -d "$regressions" ] && [ -n "$(ls -A "$regressions")" ]; then
    "$bin" -timeout=30 "$regressions"/* >"$log.regressions" 2>&1 || rc=$?
    if [ $rc -ne 0 ]; then
      echo "FAIL $t: an input of $regressions crashes again; log: $log.regressions" >&2
      tail -n 40 "$log.regressions" >&2
      failed+=("$t")
      continue
    fi
  fi
  "$bin" -max_total_time="$seconds" -max_len="$(max_len "$t")" -timeout=30 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$artifacts/" "$corpus" "$work/seeds/$t" >"$log" 2>&1 || rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
  last=$(grep -E '^#[0-9]+' "$log" | tail -n 1 || true)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
  printf '%-15s %10s %8s %7s %7s %7s\n' "$t" "${execs:--}" "${speed:--}" "${cov:--}" "${ft:--}" "$(ls "$corpus" | wc -l)"
  if [ $rc -ne 0 ]; then
    failed+=("$t")
    echo "FAIL $t (exit $rc); log: $log" >&2
    grep -E -A 30 '^==[0-9]+==ERROR|runtime error|^SUMMARY' "$log" | head -n 60 >&2 || tail -n 40 "$log" >&2
    for a in "$artifacts"/*; do
      [ -e "$a" ] || continue
      echo "  reproduce: $bin $a" >&2
    done
    echo "  keep it as a regression: cp INPUT $src/tests/data/fuzz-regressions/$t/ and add a unit test reading it" >&2
  fi
done
if [ ${#failed[@]} -ne 0 ]; then
  echo "run.sh: fuzz targets failed: ${failed[*]}" >&2
  exit 1
fi
