#!/usr/bin/env bash
# The vulnerability database at scale: import rate of a generated osv.dev-style zip of N advisories
# (default 200,000), and match time of an image of 1,000 packages once the database is open.
# See bench/README.md.
#
#   bench/vuln-match.sh [N]
set -euo pipefail

n="${1:-200000}"
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
build="${BUILD:-$root/build/release}"
DRYDOCK="${DRYDOCK:-$build/drydock}"
BENCH="${BENCH:-$build/bench/vuln_match_bench}"
for b in "$DRYDOCK" "$BENCH"; do
  [ -x "$b" ] || { echo "no $b (cmake --preset release -DDRYDOCK_BENCH=ON && cmake --build build/release --target drydock vuln_match_bench)" >&2; exit 2; }
done
command -v python3 >/dev/null || { echo "needs python3 (to write the zip archive)" >&2; exit 2; }

tmp="$(mktemp -d /tmp/drydock-vulnbench-XXXXXX)"
trap 'rm -rf "$tmp"' EXIT

# 80% Debian:12 (10 advisories per source package, fixed at 1.0.0-1 .. 1.9.0-1, half with a CVSS
# vector), 20% Ubuntu:22.04:LTS; one <ID>.json per record, as osv.dev publishes them.
python3 - "$n" "$tmp/all.zip" "$tmp/packages.txt" <<'PY'
import json, sys, zipfile
n, path, packages = int(sys.argv[1]), sys.argv[2], sys.argv[3]
with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
    for i in range(n):
        debian = i % 5 != 4
        eco = "Debian:12" if debian else "Ubuntu:22.04:LTS"
        rec = {"id": f"GEN-{i}", "modified": "2024-05-01T00:00:00Z", "aliases": [f"CVE-2024-{i}"],
               "affected": [{"package": {"ecosystem": eco, "name": f"src{(i // 10) % 20000}"},
                             "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": f"1.{i % 10}.0-1"}]}]}]}
        if i % 2 == 0:
            rec["severity"] = [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N"}]
        z.writestr(f"GEN-{i}.json", json.dumps(rec))
# The image: 1,000 binaries of 800 source packages that the database knows, at 1.5.0-1.
with open(packages, "w") as f:
    for k in range(1000):
        src = (k % 800) * 25 % 20000
        f.write(f"bin{k} src{src} 1.5.0-1\n")
PY
bytes="$(stat -c %s "$tmp/all.zip")"
echo "generated: $n advisories, zip of $bytes bytes" >&2

now() { echo "${EPOCHREALTIME/,/.}"; }
t0="$(now)"; unzip -p "$tmp/all.zip" >/dev/null; t1="$(now)"
"$DRYDOCK" db import --db "$tmp/v.db" "$tmp/all.zip" >"$tmp/import.log"; t2="$(now)"
cat "$tmp/import.log" >&2
awk -v a="$t0" -v b="$t1" -v c="$t2" -v n="$n" 'BEGIN {
  printf "%-44s %10.3f s\n", "lower bound: unzip -p (inflate only)", b - a
  printf "%-44s %10.3f s  (%.0f advisories/s)\n", "drydock db import (zip, one transaction)", c - b, n / (c - b)
  printf "%-44s %10.2f\n", "ratio import / unzip", (c - b) / (b - a)
}'
ls -l "$tmp/v.db" | awk '{ printf "%-44s %10.1f MB\n", "database size", $5 / 1e6 }'
"$BENCH" "$tmp/v.db" "$tmp/packages.txt" debian 12
