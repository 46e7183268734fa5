#!/usr/bin/env bash
# Prints the path of a pinned kustomize, installing it first when it is missing.
# It is built from source through the Go module proxy (`go install`), into
# .cache/bin (git-ignored), so make test and CI need nothing but Go.
#   infra/kustomize.sh            -> /path/to/.cache/bin/kustomize
# Settings: KUSTOMIZE_VERSION (the pin below), KUSTOMIZE_BIN_DIR (.cache/bin).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VERSION="${KUSTOMIZE_VERSION:-v5.8.2}"
BIN_DIR="${KUSTOMIZE_BIN_DIR:-$ROOT/.cache/bin}"
BIN="$BIN_DIR/kustomize"
STAMP="$BIN_DIR/.kustomize-$VERSION"

if [ -x "$BIN" ] && [ -f "$STAMP" ]; then
  echo "$BIN"
  exit 0
fi
command -v go >/dev/null || { echo "kustomize.sh: Go is needed to build kustomize" >&2; exit 1; }
mkdir -p "$BIN_DIR"
echo "kustomize.sh: building kustomize $VERSION into $BIN_DIR (one-off)" >&2
GOBIN="$BIN_DIR" GOFLAGS=-mod=mod go install "sigs.k8s.io/kustomize/kustomize/v5@$VERSION" >&2
rm -f "$BIN_DIR"/.kustomize-*
touch "$STAMP"
echo "$BIN"
