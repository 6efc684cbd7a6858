#!/usr/bin/env bash
# Benchmark `drydock host` against a lower bound: the same Engine API data, fetched with
# curl in two parallel stages. See bench/README.md.
#
#   bench/host-audit.sh [--created] [--keep] [--runs K] N [N2 N3 ...]
#
#   N ...      numbers of containers, ascending: the fixture grows to each size in turn
#              (labelled, removed at exit) and every size is measured; with several sizes a
#              table of time and peak memory per size ends the output
#   --created  only create them (stopped: no /top calls; use for large N), through the API
#   --keep     keep the fixture for the next run (label drydock.bench=kept): a run with --keep
#              starts from the kept containers and grows or shrinks them to each size, in
#              any order (descending saves re-creating a large fixture).
#              Use it on an engine of your own (DOCKER_HOST), where thousands of containers
#              disturb nobody; remove them with `docker rm` of label drydock.bench=kept
#   --runs K   measured runs of each contender, interleaved (default 5); medians reported
#
# Environment: DRYDOCK (binary; default build/release/drydock, else build/dev/drydock),
#              DOCKER_BENCH (optional docker-bench-security checkout, measured as well),
#              DOCKER_HOST (unix:// only; default /var/run/docker.sock).
set -euo pipefail

usage() { echo "usage: $0 [--created] [--runs K] N [N2 N3 ...]" >&2; exit 2; }

created=0
keep=0
runs=5
sizes=()
while [ $# -gt 0 ]; do
  case "$1" in
    --created) created=1 ;;
    --keep) keep=1 ;;
    --runs) shift; runs="${1:-}" ;;
    -h|--help) usage ;;
    *) [[ "$1" =~ ^[0-9]+$ ]] || usage; sizes+=("$1") ;;
  esac
  shift
done
[ ${#sizes[@]} -gt 0 ] || usage
for ((i = 1; i < ${#sizes[@]}; i++)); do
  [ "$keep" = 1 ] || [ "${sizes[i]}" -gt "${sizes[i - 1]}" ] || { echo "sizes must be ascending (or --keep)" >&2; usage; }
done
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || usage

here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
if [ -z "${DRYDOCK:-}" ]; then
  DRYDOCK="$root/build/release/drydock"
  [ -x "$DRYDOCK" ] || DRYDOCK="$root/build/dev/drydock"
fi

case "${DOCKER_HOST:-}" in
  "") sock=/var/run/docker.sock ;;
  unix://*) sock="${DOCKER_HOST#unix://}" ;;
  *) echo "DOCKER_HOST=$DOCKER_HOST: only unix sockets are supported by the curl lower bound" >&2; exit 2 ;;
esac

for tool in docker curl jq tar; do
  command -v "$tool" >/dev/null || { echo "$tool is required" >&2; exit 2; }
done
[ -x /bin/busybox ] || { echo "/bin/busybox (busybox-static) is required" >&2; exit 2; }
if [ ! -x /usr/bin/time ]; then
  echo "installing GNU time for the peak RSS measurement" >&2
  (apt-get install -y -qq time >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq time; }) >&2 || true
fi
if [ ! -x "$DRYDOCK" ]; then
  echo "warning: no drydock binary at $DRYDOCK; measuring the lower bound only" >&2
  DRYDOCK=""
fi
curl -sS --fail --unix-socket "$sock" http://docker/_ping >/dev/null ||
  { echo "the Docker Engine at $sock does not answer" >&2; exit 3; }

# ----------------------------------------------------------------------------------------
# Fixture: one imported busybox image, N labelled containers

fixture="$$"
[ "$keep" = 1 ] && fixture=kept
label="drydock.bench=$fixture"
image="drydock-bench/busybox:$fixture"
tmp="$(mktemp -d /tmp/drydock-bench-XXXXXX)"

cleanup() {
  local ids
  if [ "$keep" = 0 ]; then
    ids="$(docker ps -aq --filter "label=$label" 2>/dev/null || true)"
    # shellcheck disable=SC2086
    [ -z "$ids" ] || docker rm -f -v $ids >/dev/null 2>&1 || true
    docker rmi -f "$image" >/dev/null 2>&1 || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if ! docker image inspect "$image" >/dev/null 2>&1; then
  mkdir -p "$tmp/rootfs/bin"
  cp /bin/busybox "$tmp/rootfs/bin/busybox"
  for a in sh sleep true; do ln -s busybox "$tmp/rootfs/bin/$a"; done
  tar -C "$tmp/rootfs" -cf "$tmp/rootfs.tar" .
  docker import --change 'CMD ["sleep","3600"]' --change "LABEL $label" "$tmp/rootfs.tar" "$image" >/dev/null
fi

# ----------------------------------------------------------------------------------------
# (A) the lower bound: what drydock needs from the engine, fetched with curl

now() { echo "${EPOCHREALTIME/,/.}"; }

# Stage 1: ping (for the API version), version, info, the container, image and network lists.
# Stage 2: every container's inspect, every image in use and, with tops=1, every running
# container's processes (/top: what a client without access to /proc must ask for; drydock
# reads /proc instead when the engine is local); one curl, 8 transfers in flight.
lower_bound() {
  local tops="$1" d="$tmp/lb" v
  mkdir -p "$d"
  curl --no-progress-meter --fail --parallel --parallel-max 8 --unix-socket "$sock" \
    -D "$d/ping.h" -o /dev/null http://docker/_ping \
    -o "$d/version.json" http://docker/version \
    -o "$d/info.json" http://docker/info \
    -o "$d/containers.json" "http://docker/containers/json?all=1" \
    -o "$d/images.json" http://docker/images/json \
    -o /dev/null http://docker/networks
  local headers
  headers="$(<"$d/ping.h")"
  [[ "$headers" =~ [Aa]pi-[Vv]ersion:\ *([0-9.]+) ]] || { echo "no Api-Version header from /_ping" >&2; return 1; }
  v="${BASH_REMATCH[1]}"
  # awk, not jq: jq alone starts in ~45 ms, which would flatter the ratio. The list is
  # Docker's compact JSON, one object per container, "Id" first.
  awk -v b="http://docker/v$v" -v tops="$tops" '
    function get(u) { printf "url = \"%s%s\"\noutput = \"/dev/null\"\n", b, u }
    BEGIN { RS = "[{]\"Id\":\"" }
    NR > 1 {
      id = substr($0, 1, 64); get("/containers/" id "/json")
      if (tops && $0 ~ /"State":"running"/) get("/containers/" id "/top")
      if (match($0, /"ImageID":"[^"]+"/)) images[substr($0, RSTART + 11, RLENGTH - 12)] = 1
    }
    END { for (i in images) get("/images/" i "/json") }
  ' "$d/containers.json" >"$d/stage2.curlrc"
  curl --no-progress-meter --fail --parallel --parallel-max 8 --unix-socket "$sock" -K "$d/stage2.curlrc"
}

drydock_run() { "$DRYDOCK" host --format json >/dev/null 2>"$tmp/drydock.err" || [ $? -eq 1 ]; }

docker_bench_run() {
  (cd "$DOCKER_BENCH" && sh ./docker-bench-security.sh -c container_runtime -l "$tmp/dbs.log" >/dev/null 2>&1) || true
}

timed() {  # timed NAME CMD...: appends the wall time to $tmp/NAME.times
  local name="$1" t0 t1
  shift
  t0="$(now)"
  "$@"
  t1="$(now)"
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f\n", b - a }' >>"$tmp/$name.times"
}

median() { sort -g "$1" | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

lower_top() { lower_bound 1; }
lower_api() { lower_bound 0; }

have="$(docker ps -aq --filter "label=$label" | wc -l)"
shrink_to() {  # shrink_to N: removes containers N+1 .. have (a kept fixture is numbered from 1)
  [ "$1" -lt "$have" ] || return 0
  echo "removing containers $(($1 + 1)) to $have ..." >&2
  seq $(($1 + 1)) "$have" | awk -v f="$fixture" -v sock="$sock" '
    { printf "%surl = \"http://docker/containers/drydock-bench-%s-%d?v=1\"\n", (NR > 1 ? "next\n" : ""), f, $1
      printf "unix-socket = \"%s\"\nrequest = \"DELETE\"\noutput = \"/dev/null\"\n", sock }
  ' >"$tmp/remove.curlrc"
  curl --no-progress-meter --parallel --parallel-max 8 -K "$tmp/remove.curlrc"
  have="$(docker ps -aq --filter "label=$label" | wc -l)"
  [ "$have" -eq "$1" ] || { echo "the fixture has $have containers, not $1" >&2; exit 1; }
}
grow_to() {  # grow_to N: creates containers have+1 .. N
  [ "$1" -gt "$have" ] || return 0
  if [ "$created" = 1 ]; then
    # Through the API, 8 at a time: `docker create` costs ~0.1 s of CPU per container in
    # the CLI alone, which makes a fixture of thousands slow to build.
    echo "creating containers $((have + 1)) to $1 (POST /containers/create) ..." >&2
    printf '{"Image":"%s","Labels":{"drydock.bench":"%s"}}' "$image" "$fixture" >"$tmp/create.json"
    # `next` resets every option: each transfer repeats them.
    seq $((have + 1)) "$1" | awk -v f="$fixture" -v body="$tmp/create.json" -v sock="$sock" '
      { printf "%surl = \"http://docker/containers/create?name=drydock-bench-%s-%d\"\n", (NR > 1 ? "next\n" : ""), f, $1
        printf "unix-socket = \"%s\"\nheader = \"Content-Type: application/json\"\n", sock
        printf "data = \"@%s\"\noutput = \"/dev/null\"\nfail\n", body }
    ' >"$tmp/create.curlrc"
    curl --no-progress-meter --parallel --parallel-max 8 --unix-socket "$sock" -K "$tmp/create.curlrc"
    local now
    now="$(docker ps -aq --filter "label=$label" | wc -l)"
    [ "$now" -ge "$1" ] || { echo "created only $now of $1 containers" >&2; exit 1; }
  else
    echo "starting containers $((have + 1)) to $1 (docker run -d) ..." >&2
    seq $((have + 1)) "$1" | xargs -P 8 -I{} docker run -d --label "$label" --name "drydock-bench-$fixture-{}" "$image" >/dev/null
  fi
  have="$1"
}

peak_rss() {  # KiB, of one `drydock host --format json`
  /usr/bin/time -v -o "$tmp/rss" "$DRYDOCK" host --format json >/dev/null 2>&1 || true
  awk -F': ' '/Maximum resident set size/ { print $2 }' "$tmp/rss"
}

# measure N: one warm-up run of each contender, then $runs interleaved runs; prints the
# medians and ratios, and appends "N total lower strict drydock rss" to $tmp/table.
measure() {
  local n="$1" total running images urls a a2 b="" c rss=""
  grow_to "$n"
  [ "$keep" = 0 ] || shrink_to "$n"
  rm -f "$tmp"/*.times
  # Warm-up, not measured: page cache, engine caches, a first failure shows here.
  lower_bound 1
  if [ -n "$DRYDOCK" ]; then
    drydock_run || { echo "drydock failed:" >&2; cat "$tmp/drydock.err" >&2; exit 1; }
  fi

  total="$(jq length "$tmp/lb/containers.json")"
  running="$(jq '[.[] | select(.State == "running")] | length' "$tmp/lb/containers.json")"
  images="$(jq '[.[].ImageID] | unique | length' "$tmp/lb/containers.json")"
  urls="$(grep -c '^url = ' "$tmp/lb/stage2.curlrc")"
  [ "$urls" -eq $((total + running + images)) ] ||
    { echo "lower bound: stage 2 has $urls URLs, expected $((total + running + images))" >&2; exit 1; }
  echo "engine: $total containers ($running running), $images images in use; $runs runs each, interleaved" >&2

  for ((i = 1; i <= runs; i++)); do
    timed lower lower_top
    timed lowerapi lower_api
    [ -z "$DRYDOCK" ] || timed drydock drydock_run
    [ -z "${DOCKER_BENCH:-}" ] || timed dockerbench docker_bench_run
  done

  a="$(median "$tmp/lower.times")"
  a2="$(median "$tmp/lowerapi.times")"
  printf '%-44s %8.3f s   (runs: %s)\n' "lower bound (curl, with /top)" "$a" "$(tr '\n' ' ' <"$tmp/lower.times")"
  printf '%-44s %8.3f s   (runs: %s)\n' "strict lower bound (curl, drydock's requests)" "$a2" "$(tr '\n' ' ' <"$tmp/lowerapi.times")"
  if [ -n "$DRYDOCK" ]; then
    b="$(median "$tmp/drydock.times")"
    printf '%-44s %8.3f s   (runs: %s)\n' "drydock host --format json" "$b" "$(tr '\n' ' ' <"$tmp/drydock.times")"
    awk -v a="$a" -v b="$b" 'BEGIN { printf "%-44s %8.2f\n", "ratio drydock / lower bound (with /top)", b / a }'
    awk -v a="$a2" -v b="$b" 'BEGIN { printf "%-44s %8.2f\n", "ratio drydock / strict lower bound", b / a }'
  fi
  if [ -n "${DOCKER_BENCH:-}" ]; then
    c="$(median "$tmp/dockerbench.times")"
    printf '%-44s %8.3f s\n' "docker-bench-security -c container_runtime" "$c"
    [ -z "$DRYDOCK" ] || awk -v b="$b" -v c="$c" 'BEGIN { printf "%-44s %8.1f\n", "docker-bench-security / drydock", c / b }'
  fi
  if [ -n "$DRYDOCK" ] && [ -x /usr/bin/time ]; then
    rss="$(peak_rss)"
    printf '%-44s %8s KiB\n' "drydock peak RSS" "${rss:-?}"
  fi
  echo "$n $total $a $a2 ${b:-0} ${rss:-0}" >>"$tmp/table"
}

for n in "${sizes[@]}"; do
  [ ${#sizes[@]} -eq 1 ] || echo "== $n containers"
  measure "$n"
done

# Several sizes: does drydock grow linearly, and does its ratio to the lower bound stay flat?
# Per-container cost is the slope between consecutive sizes, so fixed costs (process start,
# /info, /version) do not hide in it.
if [ ${#sizes[@]} -gt 1 ] && [ -n "$DRYDOCK" ]; then
  echo
  awk '
    BEGIN { printf "%8s %10s %10s %10s %7s %10s %14s %14s\n", "created", "engine", "strict lb", "drydock", "ratio", "RSS KiB", "ms/100 (slope)", "KiB/ctr (slope)" }
    {
      slope_t = "-"; slope_m = "-"
      if (NR > 1 && $2 > pn) {
        slope_t = sprintf("%.1f", ($5 - pt) / ($2 - pn) * 100000)
        slope_m = sprintf("%.1f", ($6 - pm) / ($2 - pn))
      }
      printf "%8d %10d %9.3fs %9.3fs %7.2f %10d %14s %14s\n", $1, $2, $4, $5, $5 / $4, $6, slope_t, slope_m
      pn = $2; pt = $5; pm = $6
    }' <(sort -n "$tmp/table")
fi
