#!/bin/sh
# Rebuilds rpm/rpmdb.sqlite from the specs beside this script with Debian's rpm (4.18, whose
# default database backend is sqlite): see ../README.md. Usage: sh make-rpmdb.sh OUT_DIR
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: make-rpmdb.sh OUT_DIR}
top=$(mktemp -d)
trap 'rm -rf "$top"' EXIT
for spec in "$here"/drydock-hello.spec "$here"/drydock-zero.spec; do
  rpmbuild --quiet --define "_topdir $top" -bb "$spec"
done
rpmbuild --quiet --define "_topdir $top" --target x86_64 -bb "$here"/drydock-epoch.spec
mkdir -p "$out"
rpm --dbpath "$out" --define '_db_backend sqlite' --initdb
rpm --dbpath "$out" --define '_db_backend sqlite' -i --nodeps --justdb --ignorearch --ignoreos \
  $(find "$top/RPMS" -name '*.rpm')
# A key imported with `rpm --import` appears as a gpg-pubkey entry, as in every RHEL image.
export GNUPGHOME="$top/gnupg"
mkdir -m 700 "$GNUPGHOME"
gpg --batch --passphrase '' --quick-gen-key 'drydock fixture <fixture@drydock.invalid>' rsa2048 sign never
gpg --armor --export >"$top/key.asc"
rpm --dbpath "$out" --define '_db_backend sqlite' --import "$top/key.asc"
rpm --dbpath "$out" -qa --qf '%{NAME} %{EPOCH} %{VERSION} %{RELEASE} %{ARCH} %{SOURCERPM}\n'
