#!/bin/sh
# Installs the SARIF validator of the tests: ajv (from package-lock.json) and two SARIF 2.1.0
# JSON schemas, each taken from the npm package that ships it and checked against its SHA-256
# (README.md says where they come from). Idempotent; run by `scripts/install-deps test` and by
# the SARIF unit test. Needs node and npm.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
# Test processes may run in parallel: one installs, the others wait for it.
exec 9>"$here/.install.lock"
flock 9

if [ ! -f node_modules/.drydock-installed ] || [ package-lock.json -nt node_modules/.drydock-installed ]; then
  npm ci --no-audit --no-fund --ignore-scripts --loglevel=error >&2
  touch node_modules/.drydock-installed
fi

# name|npm package@version|file in its tarball|sha256
schemas='sarif-schema-2.1.0.json|@datadog/datadog-ci@2.48.0|package/dist/commands/sarif/json-schema/sarif-schema-2.1.0.json|10666d46649b52e262001e70d43e6c52f7c0279ca3dbdfe9a7dc2e4071556454
sarif-2.1.0-rtm.5.json|@microsoft/jest-sarif@1.0.0-beta.0|package/lib/schemas/sarif-2.1.0-rtm.5.json|2d99159ae54a3eea97f81781cff48780548657c35949f4b7f25e99a2ba4de4f8'

mkdir -p schemas
echo "$schemas" | while IFS='|' read -r name spec member sum; do
  if [ -f "schemas/$name" ] && echo "$sum  schemas/$name" | sha256sum -c --status; then continue; fi
  tmp=$(mktemp -d)
  # Only the package's own tarball: its dependencies are not needed for one JSON file.
  (cd "$tmp" && npm pack --silent "$spec" >/dev/null && tar -xzf ./*.tgz "$member")
  cp "$tmp/$member" "schemas/$name.tmp"
  rm -rf "$tmp"
  if ! echo "$sum  schemas/$name.tmp" | sha256sum -c --status; then
    echo "install.sh: $spec gave a $name whose SHA-256 is not the one reviewed" >&2
    rm -f "schemas/$name.tmp"
    exit 1
  fi
  mv "schemas/$name.tmp" "schemas/$name"
done
