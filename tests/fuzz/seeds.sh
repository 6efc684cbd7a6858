#!/bin/sh
# Writes a seed corpus for every fuzz target from the test fixtures (tests/data, tests/golden):
#   sh tests/fuzz/seeds.sh OUT    -> OUT/<target>/ for each tests/fuzz/<target>_fuzz.cpp
# Targets that read several inputs take a selector byte first (see each target's comment):
# packages (0 dpkg, 1 apk, 2 os-release, 3 rpm database, 4 rpm header blob), engine,
# daemon_config, host_files, policy; events takes the size of its pieces first. secret_files inputs
# are "path\ncontent", version inputs "a\nb", audit_rules two rules files separated by NUL,
# seccomp_log a selector byte (even: audit and kernel logs, odd: strace -f output) then the file,
# package_sources "path\ncontent" like secret_files, cosign a selector byte (0 signatures file,
# 1 payload, 2 public key, 3 base64) then the input, podman_conf a selector byte (0 containers.conf
# or storage.conf, 1 registries.conf, 2 policy.json) then the file; fleet_log takes the size of its
# pieces first; notary NUL-separated role names and metadata files; content_trust a selector byte
# (even: a text file, odd: a NUL-separated process environment) then the bytes; notation a selector
# byte (0 JWS envelope, 1 payload, 2 trust store certificate file, 3 base64url) then the input.
set -eu
data=$(cd "$(dirname "$0")/../data" && pwd)
golden=$(cd "$(dirname "$0")/../golden" && pwd)
out=${1:?usage: seeds.sh OUT}
for t in dockerfile packages secret_files compose image_archive osv secdb version engine daemon_config \
         audit_rules host_files policy seccomp_log events package_sources cosign podman_conf fleet_log notary content_trust notation; do
  mkdir -p "$out/$t"
done
# with_selector BYTE FILE OUT: OUT is FILE's bytes after the selector byte (octal escape).
with_selector() { { printf "\\$1"; cat "$2"; } >"$3"; }

find "$data/dockerfiles" -type f -exec cp {} "$out/dockerfile/" \;
for f in "$data"/compose/*/*.yaml "$data"/compose/*/*.yml; do
  cp "$f" "$out/compose/$(basename "$(dirname "$f")")-$(basename "$f")"
done
# Two files merged, as compose_fuzz splits them.
{ cat "$data/compose/project/compose.yaml"; printf '\n--- next file ---\n'; cat "$data/compose/project/compose.override.yaml"; } \
  >"$out/compose/project-merged"
cp "$data"/image-fuzz/* "$out/image_archive/"
cp "$data"/vuln/*/*.json "$out/osv/"
for f in "$data"/alpine-secdb/*/*.yaml; do
  cp "$f" "$out/secdb/$(basename "$(dirname "$f")")-$(basename "$f")"
done
# Version pairs: consecutive versions of the package databases, for each scheme.
i=0
{ sed -n 's/^Version: //p' "$data/packages/dpkg-status"; sed -n 's/^V://p' "$data/packages/apk-installed"; } |
  while read -r a && read -r b; do
    i=$((i + 1))
    printf '%s\n%s' "$a" "$b" >"$out/version/pair-$i"
  done
printf '%s\n%s' 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' '1:2.38.1-5+deb12u3' >"$out/version/cvss"

e="$out/engine"
for f in "$data"/inspect/*.json; do
  name=$(basename "$f" .json)
  case "$name" in
    containers) sel=003 ;;
    images) sel=004 ;;
    version | info | info-*) continue ;;
    networks-*) sel=006 ;;
    top | top-*) sel=007 ;;
    exec-*) sel=010 ;;
    stats-*) sel=011 ;;
    image-*) sel=002 ;;
    *) sel=000 ;;
  esac
  with_selector "$sel" "$f" "$e/$name"
done
with_selector 001 "$data/inspect/hardened.json" "$e/document-hardened"
# The container inspect reader's own input is one object; the fixtures are `docker inspect`
# arrays of one: their brackets dropped. And documents of odd shapes and wrong fields.
for f in running mounts ports devices healthy; do
  { printf '\000'; sed '1d;$d' "$data/inspect/$f.json"; } >"$e/object-$f"
done
for f in "$data"/inspect-reader/*.json; do with_selector 001 "$f" "$e/reader-$(basename "$f" .json)"; done
with_selector 001 "$(cd "$data/../.." && pwd)/examples/insecure-containers.json" "$e/document-examples"
for info in "$data"/inspect/info*.json; do
  { printf '\005'; cat "$data/inspect/version.json"; printf '\000'; cat "$info"; } >"$e/engine-$(basename "$info" .json)"
done
with_selector 012 "$data/inspect/default.json" "$e/all-default"

d="$out/daemon_config"
for f in "$data"/daemon/*.json; do with_selector 000 "$f" "$d/$(basename "$f")"; done
with_selector 001 "$data/daemon/docker.service" "$d/docker.service"
with_selector 002 "$data/daemon/default-docker" "$d/default-docker"
printf '\003dockerd\000-H\000fd://\000--containerd=/run/containerd/containerd.sock\000--icc=false\000--tlsverify' \
  >"$d/cmdline"

a="$out/audit_rules"
h="$data/host-files"
cp "$h/docker.rules" "$h/auditctl-l" "$a/"
{ cat "$h/auditctl-l"; printf '\000'; cat "$h/docker.rules"; } >"$a/two-files"

sc="$out/seccomp_log"
with_selector 000 "$data/seccomp/audit.log" "$sc/audit.log"
with_selector 000 "$data/seccomp/kern.log" "$sc/kern.log"
{ printf '\000'; cat "$data/seccomp/audit.log" "$data/seccomp/kern.log"; } >"$sc/mixed.log"
with_selector 001 "$data/seccomp/strace-f.txt" "$sc/strace-f.txt"
with_selector 001 "$data/seccomp/strace-tty.txt" "$sc/strace-tty.txt"

h2="$out/host_files"
with_selector 000 "$h/tcp" "$h2/tcp"
with_selector 001 "$h/tcp6" "$h2/tcp6"
with_selector 002 "$h/unix" "$h2/unix"
with_selector 003 "$h/passwd" "$h2/passwd"
with_selector 004 "$h/group" "$h2/group"
with_selector 005 "$h/mounts" "$h2/mounts"
with_selector 005 "$h/fstab" "$h2/fstab"

with_selector 000 "$data/policy/drydock.yaml" "$out/policy/drydock.yaml"
# events: the first byte is the size of the pieces the stream is cut into.
with_selector 007 "$data/events/stream.ndjson" "$out/events/stream"
with_selector 000 "$data/events/stream.ndjson" "$out/events/stream-bytewise"
# fleet_log: the first byte is the size of the pieces; the task lines as raw text (a TTY's logs).
with_selector 011 "$data/fleet/task-lines.ndjson" "$out/fleet_log/task-lines"
with_selector 001 "$golden/report.json" "$out/policy/baseline-report.json"
with_selector 002 "$golden/report.json" "$out/policy/merge-report.json"

p="$out/packages"
{ printf '\000'; cat "$data/packages/dpkg-status"; } >"$p/dpkg-status"
{ printf '\000'; cat "$data/packages/dpkg-status-states"; } >"$p/dpkg-status-states"
{ printf '\000'; cat "$data/packages/status.d/libssl3"; } >"$p/dpkg-status.d"
{ printf '\001'; cat "$data/packages/apk-installed"; } >"$p/apk-installed"
{ printf '\002'; cat /etc/os-release; } >"$p/os-release"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The real database shrunk to its Packages table in 512-byte pages, kept in WAL mode as rpm does:
# small inputs keep the fuzzer fast.
cp "$data/packages/rpm/rpmdb.sqlite" "$tmp/small.sqlite"
tables=$(sqlite3 "$tmp/small.sqlite" "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('Packages', 'sqlite_sequence')")
for t in $tables; do sqlite3 "$tmp/small.sqlite" "DROP TABLE '$t'"; done
sqlite3 "$tmp/small.sqlite" 'PRAGMA journal_mode = DELETE; PRAGMA page_size = 512; VACUUM; PRAGMA journal_mode = WAL;' >/dev/null
{ printf '\003'; cat "$tmp/small.sqlite"; } >"$p/rpmdb.sqlite"
for hnum in $(sqlite3 "$data/packages/rpm/rpmdb.sqlite" 'SELECT hnum FROM Packages'); do
  sqlite3 "$data/packages/rpm/rpmdb.sqlite" "SELECT writefile('$tmp/blob', blob) FROM Packages WHERE hnum = $hnum" >/dev/null
  { printf '\004'; cat "$tmp/blob"; } >"$p/rpm-header-$hnum"
done
s="$out/secret_files"
for f in "$data"/secrets/keys/*; do
  { printf 'root/.ssh/%s\n' "$(basename "$f")"; cat "$f"; } >"$s/$(basename "$f")"
done
for f in .aws/credentials .docker/config.json .docker/config-credstore.json .npmrc .pypirc; do
  name=$(echo "$f" | tr '/.' '__')
  { printf 'root/%s\n' "$f" | sed 's/config-credstore/config/'; cat "$data/secrets/home/$f"; } >"$s/$name"
done

ps="$out/package_sources"
pd="$data/package-sources"
for pair in sources.list:/etc/apt/sources.list repo.sources:/etc/apt/sources.list.d/repo.sources \
            apt.conf:/etc/apt/apt.conf.d/99insecure epel.repo:/etc/yum.repos.d/epel.repo pip.conf:/etc/pip.conf \
            macros.verify:/etc/rpm/macros.verify; do
  { printf '%s\n' "${pair#*:}"; cat "$pd/${pair%%:*}"; } >"$ps/${pair%%:*}"
done

co="$out/cosign"
with_selector 000 "$data/cosign/signatures.json" "$co/signatures.json"
# The same with a Rekor bundle (its signed entry timestamp does not verify; a hashedrekord body).
body=$(printf '{"apiVersion":"0.0.1","kind":"hashedrekord","spec":{"data":{"hash":{"algorithm":"sha256","value":"00"}},"signature":{"content":"AA==","publicKey":{"content":"AA=="}}}}' | base64 -w0)
{ printf '\000'; sed "s|\"Bundle\":null|\"Bundle\":{\"SignedEntryTimestamp\":\"MEUCIQ==\",\"Payload\":{\"body\":\"$body\",\"integratedTime\":1796290200,\"logIndex\":7,\"logID\":\"00\"}}|" \
    "$data/cosign/signatures.json"; } >"$co/signatures-bundle.json"
with_selector 001 "$data/cosign/payload.json" "$co/payload.json"
with_selector 002 "$data/cosign/cosign.pub" "$co/cosign.pub"
{ printf '\003'; sed -n 's/.*"Base64Signature":"\([^"]*\)".*/\1/p' "$data/cosign/signatures.json" | tr -d '\n'; } >"$co/base64"
with_selector 000 "$data/podman/containers.conf" "$out/podman_conf/containers.conf"
with_selector 001 "$data/podman/registries.conf" "$out/podman_conf/registries.conf"
with_selector 002 "$data/podman/policy.json" "$out/podman_conf/policy.json"

# Notary v1 metadata skeletons (unsigned: the signatures do not verify) with a real P-256 key.
no="$out/notary"
key=$(sed -n '/BEGIN/,/END/{/-----/d;p}' "$data/cosign/cosign.pub" | tr -d '\n')
exp='"expires":"2027-01-01T00:00:00Z"'
sig='"signatures":[{"keyid":"k1","method":"ecdsa","sig":"AAAA"}]'
role='{"keyids":["k1"],"threshold":1}'
root="{\"signed\":{\"_type\":\"Root\",$exp,\"keys\":{\"k1\":{\"keytype\":\"ecdsa\",\"keyval\":{\"private\":null,\"public\":\"$key\"}}},\"roles\":{\"root\":$role,\"targets\":$role,\"snapshot\":$role,\"timestamp\":$role},\"version\":1},$sig}"
targets="{\"signed\":{\"_type\":\"Targets\",$exp,\"delegations\":{\"keys\":{},\"roles\":[{\"name\":\"targets/releases\",\"keyids\":[\"k1\"],\"threshold\":1,\"paths\":[\"\"]}]},\"targets\":{\"1.0\":{\"length\":10,\"hashes\":{\"sha256\":\"ERERERERERERERERERERERERERERERERERERERERERE=\"}}},\"version\":2},$sig}"
meta='{"length":10,"hashes":{"sha256":"ERERERERERERERERERERERERERERERERERERERERERE="}}'
snapshot="{\"signed\":{\"_type\":\"Snapshot\",$exp,\"meta\":{\"root\":$meta,\"targets\":$meta},\"version\":3},$sig}"
timestamp="{\"signed\":{\"_type\":\"Timestamp\",$exp,\"meta\":{\"snapshot\":$meta},\"version\":4},$sig}"
printf 'root\000%s' "$root" >"$no/root-only"
printf 'root\000%s\000timestamp\000%s\000snapshot\000%s\000targets\000%s\000targets/releases\000%s' \
  "$root" "$timestamp" "$snapshot" "$targets" "$targets" >"$no/repository"
# Nested delegations (targets/a/b below targets/a) with paths and path_hash_prefixes.
deleg() { printf '{"signed":{"_type":"Targets",%s,"delegations":{"keys":{"k1":{"keytype":"ecdsa","keyval":{"private":null,"public":"%s"}}},"roles":[%s]},"targets":{"1.0":{"length":10,"hashes":{"sha256":"ERERERERERERERERERERERERERERERERERERERERERE="}}},"version":2},%s}' "$exp" "$key" "$1" "$sig"; }
top=$(deleg '{"name":"targets/a","keyids":["k1"],"threshold":1,"paths":["1."]}')
mid=$(deleg '{"name":"targets/a/b","keyids":["k1"],"threshold":1,"path_hash_prefixes":["a3"]}')
low=$(deleg '{"name":"targets/x/y","keyids":["k1"],"threshold":1,"paths":[""],"path_hash_prefixes":["0"]}')
printf 'root\000%s\000targets\000%s\000targets/a\000%s\000targets/a/b\000%s' "$root" "$top" "$mid" "$low" >"$no/nested"

# Docker Content Trust switched on in a profile, a unit, a CI file and a process environment.
ct="$out/content_trust"
printf '\000export DOCKER_CONTENT_TRUST=1\nset -gx DOCKER_CONTENT_TRUST_SERVER https://notary.example:4443\n' >"$ct/profile"
printf '\000[Service]\nEnvironment="DOCKER_CONTENT_TRUST=1" "DOCKER_CONTENT_TRUST_ROOT_PASSPHRASE=x"\n' >"$ct/unit"
printf '\000env:\n  DOCKER_CONTENT_TRUST: "1"\nsteps:\n  - run: docker trust sign app:1.0\n' >"$ct/ci.yml"
printf '\001PATH=/usr/bin\000DOCKER_CONTENT_TRUST=true\000DOCKER_CONTENT_TRUST_SERVER=https://n\000' >"$ct/environ"

# Notation: the fixture envelope (openssl-made chain and PS256 signature), its payload, its root.
nt="$out/notation"
with_selector 000 "$data/notation/envelope.jws" "$nt/envelope.jws"
with_selector 001 "$data/notation/payload.json" "$nt/payload.json"
with_selector 002 "$data/notation/root.pem" "$nt/root.pem"
{ printf '\003'; sed -n 's/.*"signature":"\([^"]*\)".*/\1/p' "$data/notation/envelope.jws" | tr -d '\n'; } >"$nt/base64url"
