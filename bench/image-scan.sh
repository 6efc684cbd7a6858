#!/usr/bin/env bash
# `drydock image` on a large image against the lower bound of listing its layers with tar.
# See bench/README.md.
#
#   bench/image-scan.sh [SIZE_MB]     an image of about SIZE_MB (default 1024) of this machine's /usr
#
# Builds (docker import) an image of real files, saves it (plain layers), and makes an OCI
# layout tarball of the same image with gzip layers. Then, RUNS times each (default 5),
# interleaved, medians:
#   plain: tar -xOf x.tar '*/layer.tar' | tar -tvi   (every layer listed, data read, no digest)
#          the same with openssl dgst -sha256 on a tee (the digest drydock verifies)
#          drydock image x.tar
#   gzip:  for each blob: gzip -dc blob | tar -tv
#          drydock image oci.tar
# and the peak RSS of drydock (/usr/bin/time -v).
set -euo pipefail

size_mb="${1:-1024}"
runs="${RUNS:-5}"
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
DRYDOCK="${DRYDOCK:-$root/build/release/drydock}"
[ -x "$DRYDOCK" ] || { echo "no drydock binary at $DRYDOCK (cmake --preset release && cmake --build --preset release)" >&2; exit 2; }
for t in docker tar gzip openssl python3 /usr/bin/time; do command -v "$t" >/dev/null || { echo "needs $t" >&2; exit 2; }; done

tmp="$(mktemp -d /tmp/drydock-imgbench-XXXXXX)"
tag="drydock-bench/usr:$$"
cleanup() { docker rmi -f "$tag" >/dev/null 2>&1 || true; rm -rf "$tmp"; }
trap cleanup EXIT

# Real files: directories of /usr, largest first, until about SIZE_MB; two layers.
mapfile -t dirs < <(du -sm /usr/* 2>/dev/null | sort -rn | awk -v max="$size_mb" '{ if (s + $1 <= max * 1.1) { s += $1; print $2 } }')
[ "${#dirs[@]}" -gt 0 ] || { echo "nothing under /usr to use" >&2; exit 2; }
half=$(( (${#dirs[@]} + 1) / 2 ))
tar -C / -cf "$tmp/l1.tar" --exclude='*/.wh.*' "${dirs[@]:0:$half}" 2>/dev/null || true
docker import -c "LABEL drydock.bench=$$" "$tmp/l1.tar" "$tag" >/dev/null
rm -f "$tmp/l1.tar"
if [ "${#dirs[@]}" -gt "$half" ]; then
  mkdir -p "$tmp/ctx"
  printf 'FROM %s\nADD rest.tar /\n' "$tag" >"$tmp/ctx/Dockerfile"
  tar -C / -cf "$tmp/ctx/rest.tar" "${dirs[@]:$half}" 2>/dev/null || true
  docker build -q -t "$tag" "$tmp/ctx" >/dev/null
  rm -rf "$tmp/ctx"
fi
docker save -o "$tmp/x.tar" "$tag"

# The same image as an OCI layout with gzip layers (what registries and Docker 25+ write).
python3 - "$tmp/x.tar" "$tmp/oci.tar" <<'PY'
import gzip, hashlib, json, sys, tarfile, io, shutil, os
src, dst = sys.argv[1], sys.argv[2]
work = os.path.dirname(dst) + "/oci"
os.makedirs(work + "/blobs/sha256", exist_ok=True)
def put(data):
    d = hashlib.sha256(data).hexdigest()
    open(f"{work}/blobs/sha256/{d}", "wb").write(data)
    return "sha256:" + d, len(data)
with tarfile.open(src) as t:
    m = json.load(t.extractfile("manifest.json"))[0]
    cfg = t.extractfile(m["Config"]).read()
    layers = []
    for name in m["Layers"]:
        raw = t.extractfile(name)
        h = hashlib.sha256()
        tmpname = f"{work}/layer.gz"
        with open(tmpname, "wb") as out, gzip.GzipFile(fileobj=out, mode="wb", compresslevel=1, mtime=0) as gz:
            shutil.copyfileobj(raw, gz, 1 << 20)
        data = open(tmpname, "rb").read()
        os.remove(tmpname)
        d, n = put(data)
        layers.append({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": d, "size": n})
cd, cn = put(cfg)
man = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                  "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": cd, "size": cn},
                  "layers": layers}).encode()
md, mn = put(man)
json.dump({"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": md, "size": mn}]},
          open(work + "/index.json", "w"))
open(work + "/oci-layout", "w").write('{"imageLayoutVersion":"1.0.0"}')
with tarfile.open(dst, "w") as out:
    for f in ["oci-layout", "index.json"] + ["blobs/sha256/" + b for b in os.listdir(work + "/blobs/sha256")]:
        out.add(f"{work}/{f}", arcname=f)
shutil.rmtree(work)
PY
mkdir -p "$tmp/blobs"
tar -C "$tmp/blobs" -xf "$tmp/oci.tar" blobs

bytes="$(tar -xOf "$tmp/x.tar" --wildcards '*/layer.tar' | wc -c)"
entries="$(tar -xOf "$tmp/x.tar" --wildcards '*/layer.tar' | tar -ti | wc -l)"
echo "image: $(( bytes / 1048576 )) MiB uncompressed, $entries entries; x.tar $(( $(stat -c %s "$tmp/x.tar") / 1048576 )) MiB," \
  "oci.tar (gzip) $(( $(stat -c %s "$tmp/oci.tar") / 1048576 )) MiB; $runs runs each, interleaved" >&2

now() { echo "${EPOCHREALTIME/,/.}"; }
timed() { local name="$1" t0 t1; shift; t0="$(now)"; "$@" >/dev/null 2>&1 || true; t1="$(now)"; awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f\n", b - a }' >>"$tmp/$name.times"; }
median() { sort -g "$1" | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

export tmp
plain_list() { tar -xOf "$tmp/x.tar" --wildcards '*/layer.tar' | tar -tvi >/dev/null; }
plain_list_sha() { tar -xOf "$tmp/x.tar" --wildcards '*/layer.tar' | tee >(openssl dgst -sha256 >/dev/null) | tar -tvi >/dev/null; }
gzip_list() { for b in "$tmp"/blobs/blobs/sha256/*; do if [ "$(head -c2 "$b" | od -An -tx1 | tr -d ' ')" = 1f8b ]; then gzip -dc "$b" | tar -tv >/dev/null; fi; done; }
export -f plain_list plain_list_sha gzip_list

"$DRYDOCK" image "$tmp/x.tar" --quiet --fail-on none >/dev/null; plain_list  # warm the page cache
for ((i = 1; i <= runs; i++)); do
  timed plain_tar bash -c plain_list
  timed plain_tar_sha bash -c plain_list_sha
  timed plain_drydock "$DRYDOCK" image "$tmp/x.tar" --format json --quiet --fail-on none
  timed gzip_tar bash -c gzip_list
  timed gzip_drydock "$DRYDOCK" image "$tmp/oci.tar" --format json --quiet --fail-on none
done
rss() { /usr/bin/time -v "$DRYDOCK" image "$1" --format json --quiet --fail-on none 2>&1 >/dev/null | awk -F: '/Maximum resident/ { gsub(/ /, "", $2); print $2 }'; }
rss_plain="$(rss "$tmp/x.tar")"
rss_gzip="$(rss "$tmp/oci.tar")"

a="$(median "$tmp/plain_tar.times")"; s="$(median "$tmp/plain_tar_sha.times")"; b="$(median "$tmp/plain_drydock.times")"
c="$(median "$tmp/gzip_tar.times")"; d="$(median "$tmp/gzip_drydock.times")"
awk -v a="$a" -v s="$s" -v b="$b" -v c="$c" -v d="$d" -v r1="$rss_plain" -v r2="$rss_gzip" 'BEGIN {
  printf "%-52s %8.3f s\n", "plain: tar -xO layers | tar -tv (lower bound)", a
  printf "%-52s %8.3f s\n", "plain: the same + openssl sha256 (digest bound)", s
  printf "%-52s %8.3f s   peak RSS %d MiB\n", "plain: drydock image x.tar", b, r1 / 1024
  printf "%-52s %8.2f (vs digest lower bound %.2f)\n", "plain: ratio drydock / tar", b / a, b / s
  printf "%-52s %8.3f s\n", "gzip:  gzip -dc blob | tar -tv (lower bound)", c
  printf "%-52s %8.3f s   peak RSS %d MiB\n", "gzip:  drydock image oci.tar", d, r2 / 1024
  printf "%-52s %8.2f\n", "gzip:  ratio drydock / gzip | tar", d / c
}'
