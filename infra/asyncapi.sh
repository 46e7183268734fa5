#!/usr/bin/env bash
# Prints the node_modules folder holding the pinned AsyncAPI parser, installing it first when it
# is missing or its lock changed. `npm ci` from the npm registry into .cache/asyncapi (git-ignored),
# exactly the versions of tools/asyncapi/package-lock.json, with no install scripts.
#   infra/asyncapi.sh            -> /path/to/.cache/asyncapi/node_modules
# Settings: ASYNCAPI_DIR (.cache/asyncapi).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="${ASYNCAPI_DIR:-$ROOT/.cache/asyncapi}"
LOCK="$ROOT/tools/asyncapi/package-lock.json"
STAMP="$DIR/.installed-$(sha256sum "$LOCK" | cut -c1-16)"

if [ -f "$STAMP" ] && [ -d "$DIR/node_modules/@asyncapi/parser" ]; then
  echo "$DIR/node_modules"
  exit 0
fi
command -v npm >/dev/null || { echo "asyncapi.sh: Node.js 20 and npm are needed to validate docs/asyncapi.yaml" >&2; exit 1; }
mkdir -p "$DIR"
echo "asyncapi.sh: installing @asyncapi/parser into $DIR (one-off)" >&2
cp "$ROOT/tools/asyncapi/package.json" "$LOCK" "$DIR/"
(cd "$DIR" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2)
rm -f "$DIR"/.installed-*
touch "$STAMP"
echo "$DIR/node_modules"
