#!/usr/bin/env bash
# drydock watch: idle CPU, and the time from `docker run` to the first transition line.
#   bench/watch.sh [--runs N] [--idle SECONDS]        (defaults: 20 runs, 60 s idle)
# Starts a dockerd of its own (data root, exec root, pidfile and socket under a temporary
# directory; no bridge, no iptables, in a network namespace of its own: `dockerd --bridge=none`
# deletes any docker0 it sees, the machine's engine's included), so that other work on the machine's engine neither
# disturbs the idle measure nor is disturbed; DOCKER_HOST=unix://... uses that engine instead.
# Needs root, dockerd, docker, busybox-static; DRYDOCK=path/to/drydock (default build/release).
#
# Prints:
#   idle CPU: the watch process's user+system time over the idle window, as % of one core
#             (from /proc/PID/stat), after its first audit, with nothing happening on the engine;
#   run -> first line: wall time from just before `docker run -d --pid host` to the watch's
#             first line naming the new container (median, min, max of N runs);
#   engine event -> line: from the engine's own `create` event (its timeNano; the finding is there
#             from creation on) to that line: the part of the above that is drydock's
#             (coalescing, inspect, audit, output).
set -euo pipefail
runs=20
idle=60
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --idle) idle=$2; shift 2 ;;
    *) echo "usage: $0 [--runs N] [--idle SECONDS]" >&2; exit 2 ;;
  esac
done
here=$(cd "$(dirname "$0")/.." && pwd)
drydock=${DRYDOCK:-$here/build/release/drydock}
[ -x "$drydock" ] || { echo "no drydock at $drydock (build it, or set DRYDOCK)" >&2; exit 2; }
work=$(mktemp -d /tmp/dd-watch-bench.XXXXXX)
dockerd_pid=
watch_pid=
reader_pid=
cleanup() {
  [ -n "$watch_pid" ] && kill "$watch_pid" 2>/dev/null && wait "$watch_pid" 2>/dev/null || true
  [ -n "$reader_pid" ] && kill "$reader_pid" 2>/dev/null || true
  if [ -n "$dockerd_pid" ]; then
    docker -H "$host" ps -aq | xargs -r docker -H "$host" rm -f >/dev/null 2>&1 || true
    kill "$dockerd_pid" 2>/dev/null && wait "$dockerd_pid" 2>/dev/null || true
  else
    docker -H "$host" ps -aq --filter label=drydock.bench=watch-$$ | xargs -r docker -H "$host" rm -f >/dev/null 2>&1 || true
    docker -H "$host" rmi -f "dd-watch-bench:$$" >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

if [ -n "${DOCKER_HOST:-}" ]; then
  host=$DOCKER_HOST
  where="the engine at $host"
else
  host=unix://$work/docker.sock
  echo '{}' >"$work/daemon.json"
  unshare --net dockerd --data-root "$work/data" --exec-root "$work/exec" --pidfile "$work/docker.pid" -H "$host" \
    --config-file "$work/daemon.json" --bridge=none --iptables=false --ip-masq=false >"$work/dockerd.log" 2>&1 &
  dockerd_pid=$!
  for _ in $(seq 1 60); do docker -H "$host" version >/dev/null 2>&1 && break; sleep 0.5; done
  docker -H "$host" version >/dev/null || { tail "$work/dockerd.log" >&2; exit 1; }
  where="a dockerd of its own"
fi
mkdir -p "$work/root/bin" "$work/root/etc"
cp /bin/busybox "$work/root/bin/"
for a in sh sleep; do ln -s busybox "$work/root/bin/$a"; done
tar -C "$work/root" -cf "$work/root.tar" .
docker -H "$host" import --change 'CMD ["sleep","3600"]' "$work/root.tar" "dd-watch-bench:$$" >/dev/null

# The watch's lines, each stamped with the time it arrived.
mkfifo "$work/out"
"$drydock" watch -H "$host" --format ndjson --only runtime.host-pid >"$work/out" 2>"$work/watch.err" &
watch_pid=$!
while IFS= read -r line; do printf '%s %s\n' "$(date +%s.%N)" "$line"; done <"$work/out" >"$work/lines" &
reader_pid=$!
for _ in $(seq 1 600); do grep -q "following the engine" "$work/watch.err" && break; sleep 0.1; done
grep -q "following the engine" "$work/watch.err" || { cat "$work/watch.err" >&2; exit 1; }

ticks() { awk '{print $14 + $15}' "/proc/$watch_pid/stat"; }
hz=$(getconf CLK_TCK)
t0=$(ticks)
sleep "$idle"
t1=$(ticks)
idle_pct=$(awk -v a="$t0" -v b="$t1" -v hz="$hz" -v s="$idle" 'BEGIN { printf "%.3f", (b - a) / hz / s * 100 }')

median() { sort -g | awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.3f s (min %.3f, max %.3f)", m, v[1], v[NR] }'; }
: >"$work/total"
: >"$work/ours"
for i in $(seq 1 "$runs"); do
  before=$(date +%s.%N)
  id=$(docker -H "$host" run -d --pid host --network none --label "drydock.bench=watch-$$" "dd-watch-bench:$$")
  line_at=
  for _ in $(seq 1 1000); do
    line_at=$(awk -v id="$id" 'index($0, id) { print $1; exit }' "$work/lines")
    [ -n "$line_at" ] && break
    sleep 0.005
  done
  [ -n "$line_at" ] || { echo "no line for $id" >&2; cat "$work/watch.err" >&2; exit 1; }
  start_ns=$(docker -H "$host" events --since "$((${before%.*} - 1))" --until "$(($(date +%s) + 1))" --filter "container=$id" \
    --filter event=create --format '{{.TimeNano}}' | head -1)
  awk -v a="$before" -v b="$line_at" 'BEGIN { printf "%.6f\n", b - a }' >>"$work/total"
  awk -v a="$start_ns" -v b="$line_at" 'BEGIN { printf "%.6f\n", b - a / 1e9 }' >>"$work/ours"
  docker -H "$host" rm -f "$id" >/dev/null
  sleep 0.3
done

echo "drydock watch on $where ($(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg))"
echo "idle CPU over ${idle} s: ${idle_pct}% of one core"
echo "docker run -> first line, $runs runs: median $(median <"$work/total")"
echo "engine create event -> line, $runs runs: median $(median <"$work/ours")"
