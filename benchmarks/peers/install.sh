#!/usr/bin/env bash
# Installs the peer queues (graphile-worker, pg-boss) from npm into a temporary directory and prints
# that directory. Checks with `npm view` first that the versions exist. Nothing goes into the repo.
# Usage: benchmarks/peers/install.sh [target dir]   (default: $TMPDIR/valoratbot-bench-peers)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dir="${1:-${TMPDIR:-/tmp}/valoratbot-bench-peers}"
command -v npm >/dev/null || { echo "npm is needed for the side-by-side benchmark (Node 20+)" >&2; exit 1; }
for spec in "graphile-worker@0.18.x" "pg-boss@12.x"; do
  v="$(npm view "$spec" version 2>/dev/null | tail -1 | sed -E "s/.* '([^']+)'$/\1/")"
  [ -n "$v" ] || { echo "npm has no $spec" >&2; exit 1; }
  echo "  $spec -> $v" >&2
done
mkdir -p "$dir"
cp "$here/package.json" "$here/peer-worker.mjs" "$dir/"
(cd "$dir" && npm install --no-audit --no-fund --loglevel=error >&2)
echo "$dir"
