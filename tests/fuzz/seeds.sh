#!/bin/sh
# Writes seed corpora for packages_fuzz and secret_files_fuzz from the test fixtures:
#   sh tests/fuzz/seeds.sh OUT    -> OUT/packages/, OUT/secret_files/
# packages_fuzz inputs are one selector byte (0 dpkg, 1 apk, 2 os-release, 3 rpm database,
# 4 rpm header blob) and the bytes; secret_files_fuzz inputs are "path\ncontent".
set -eu
data=$(cd "$(dirname "$0")/../data" && pwd)
out=${1:?usage: seeds.sh OUT}
mkdir -p "$out/packages" "$out/secret_files"
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
