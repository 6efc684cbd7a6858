#!/usr/bin/env bash
# Throughput of `drydock dockerfile` over a generated corpus, on one core, against the lower
# bound of reading the same files (cat) and against dockerfilelint (npm), in one run; then the
# in-memory rate of parse plus every rule (build/release/bench/dockerfile_lint_bench, built with
# -DDRYDOCK_BENCH=ON). See bench/README.md.
#
#   bench/dockerfile-lint.sh [N]      N Dockerfiles (default 11200), 5 runs each, medians
#   DOCKERFILELINT=/tmp/dfl/node_modules/.bin/dockerfilelint bench/dockerfile-lint.sh
#     (`npm install dockerfilelint` in a temporary directory; else `dockerfilelint` on PATH;
#     without it the second ratio is not printed)
set -euo pipefail

n="${1:-11200}"
runs="${RUNS:-5}"
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
DRYDOCK="${DRYDOCK:-$root/build/release/drydock}"
BENCH="${BENCH:-$root/build/release/bench/dockerfile_lint_bench}"
DOCKERFILELINT="${DOCKERFILELINT:-$(command -v dockerfilelint || true)}"
[ -x "$DRYDOCK" ] || { echo "no drydock binary at $DRYDOCK (cmake --preset release && cmake --build --preset release)" >&2; exit 2; }

tmp="$(mktemp -d /tmp/drydock-dfbench-XXXXXX)"
trap 'rm -rf "$tmp"' EXIT

# A corpus of realistic Dockerfiles: multi-stage builds, long RUN chains with continuations,
# heredocs, ENV/ARG/LABEL, JSON and shell forms; varied so that nothing is cached by content.
awk -v n="$n" -v dir="$tmp/corpus" 'BEGIN {
  srand(42)
  for (i = 0; i < n; i++) {
    d = sprintf("%s/p%03d", dir, i % 100)
    if (i % 100 == i) system("mkdir -p " d)
    f = sprintf("%s/Dockerfile.%d", d, i)
    printf "# syntax=docker/dockerfile:1\nARG BASE=debian:12.%d\nFROM ${BASE} AS build\n", i % 9 > f
    printf "ARG VERSION=1.%d.%d\nENV APP_HOME=/srv/app PATH=/srv/app/bin:$PATH LANG=C.UTF-8\n", i % 7, i % 13 > f
    printf "LABEL org.opencontainers.image.title=\"service %d\" org.opencontainers.image.version=\"${VERSION}\"\n", i > f
    printf "RUN apt-get update \\\n    && apt-get install -y --no-install-recommends \\\n        ca-certificates=20230311 curl=7.88.1-10 git build-essential \\\n    && rm -rf /var/lib/apt/lists/*\n" > f
    printf "WORKDIR /src\nCOPY --chown=1000:1000 go.mod go.sum ./\nRUN --mount=type=cache,target=/root/.cache go mod download\n" > f
    printf "COPY . .\nRUN set -eux; \\\n    make build VERSION=${VERSION} TARGET=%d; \\\n    strip bin/app; \\\n    ls -la bin\n", i > f
    printf "RUN <<EOF\nset -e\necho building %d\nmkdir -p /out && cp bin/app /out/\nEOF\n", i > f
    printf "\nFROM gcr.io/distroless/static:nonroot\nCOPY --from=build /out/app /app\nUSER 65532:65532\nEXPOSE %d\n", 8000 + i % 1000 > f
    printf "HEALTHCHECK --interval=30s --timeout=3s CMD [\"/app\", \"health\"]\nENTRYPOINT [\"/app\"]\nCMD [\"serve\", \"--port\", \"%d\"]\n", 8000 + i % 1000 > f
    close(f)
  }
}'
bytes="$(find "$tmp/corpus" -type f -printf '%s\n' | awk '{ s += $1 } END { print s }')"
echo "corpus: $n Dockerfiles, $bytes bytes; $runs runs each, one core (taskset -c 0), interleaved" >&2

now() { echo "${EPOCHREALTIME/,/.}"; }
timed() { local name="$1" t0 t1; shift; t0="$(now)"; "$@" >/dev/null 2>&1 || true; t1="$(now)"; awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f\n", b - a }' >>"$tmp/$name.times"; }
median() { sort -g "$1" | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
read_all() { find "$tmp/corpus" -type f -exec cat {} + >/dev/null; }
lint() { "$DRYDOCK" dockerfile "$tmp/corpus" --format json --fail-on none >/dev/null; }
# dockerfilelint takes files, not directories; xargs gives it as many per process as fit.
dfl() { find "$tmp/corpus" -type f -print0 | xargs -0 "$DOCKERFILELINT" -o json >/dev/null; }

taskset -c 0 true 2>/dev/null && pin=(taskset -c 0) || pin=()
lint; read_all  # warm the page cache
for ((i = 1; i <= runs; i++)); do
  timed read "${pin[@]}" bash -c "$(declare -f read_all); tmp=$tmp; read_all"
  timed lint "${pin[@]}" "$DRYDOCK" dockerfile "$tmp/corpus" --format json --fail-on none
  timed text "${pin[@]}" "$DRYDOCK" dockerfile "$tmp/corpus" --fail-on none
  if [ -n "$DOCKERFILELINT" ]; then
    timed dfl "${pin[@]}" bash -c "$(declare -f dfl); tmp=$tmp; DOCKERFILELINT=$DOCKERFILELINT; dfl"
  fi
done
a="$(median "$tmp/read.times")"
b="$(median "$tmp/lint.times")"
c="$(median "$tmp/text.times")"
d=0
[ -s "$tmp/dfl.times" ] && d="$(median "$tmp/dfl.times")"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores" >&2
awk -v a="$a" -v b="$b" -v c="$c" -v d="$d" -v bytes="$bytes" -v n="$n" 'BEGIN {
  printf "%-44s %8.3f s\n", "lower bound (find | cat, read only)", a
  printf "%-44s %8.3f s  %6.1f MB/s, %.0f files/s\n", "drydock dockerfile DIR --format json", b, bytes / b / 1e6, n / b
  printf "%-44s %8.3f s  %6.1f MB/s, %.0f files/s\n", "drydock dockerfile DIR (text, findings only)", c, bytes / c / 1e6, n / c
  if (d > 0) printf "%-44s %8.3f s  %6.1f MB/s, %.0f files/s\n", "dockerfilelint -o json (npm)", d, bytes / d / 1e6, n / d
  printf "%-44s %8.2f   (target <= 3)\n", "ratio drydock json / lower bound", b / a
  if (d > 0) printf "%-44s %8.1f   (target >= 20)\n", "ratio dockerfilelint / drydock json", d / b
}'
if [ -x "$BENCH" ]; then
  "${pin[@]}" "$BENCH" "$tmp/corpus" "$runs"
else
  echo "(no $BENCH: cmake --preset release -DDRYDOCK_BENCH=ON && cmake --build build/release --target dockerfile_lint_bench)" >&2
fi
