#!/usr/bin/env bash
# Prints the node_modules folder holding the pinned npm tools (@asyncapi/parser, openapi-typescript,
# typescript), installing them first when missing or when their lock changed: `npm ci` from the npm
# registry into .cache/node (git-ignored), exactly tools/node/package-lock.json, no install scripts.
#   infra/node-tools.sh            -> /path/to/.cache/node/node_modules
# Settings: NODE_TOOLS_DIR (.cache/node).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="${NODE_TOOLS_DIR:-$ROOT/.cache/node}"
LOCK="$ROOT/tools/node/package-lock.json"
STAMP="$DIR/.installed-$(sha256sum "$LOCK" | cut -c1-16)"

if [ -f "$STAMP" ] && [ -d "$DIR/node_modules" ]; then
  echo "$DIR/node_modules"
  exit 0
fi
command -v npm >/dev/null || { echo "node-tools.sh: Node.js 20 and npm are needed (AsyncAPI validation, TypeScript types)" >&2; exit 1; }
mkdir -p "$DIR"
echo "node-tools.sh: installing tools/node's packages into $DIR (one-off)" >&2
cp "$ROOT/tools/node/package.json" "$LOCK" "$DIR/"
(cd "$DIR" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2)
rm -f "$DIR"/.installed-*
touch "$STAMP"
echo "$DIR/node_modules"
