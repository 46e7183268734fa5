#!/usr/bin/env bash
# Prints the path of Debian's chromium, installing it (apt-get) first when it is missing.
# The dashboard's browser test drives this binary; nothing ever downloads a browser
# build of its own (no `playwright install`).
#   infra/chromium.sh            -> /usr/bin/chromium
# Settings: CHROMIUM_BIN (use this binary instead; it must exist).
set -euo pipefail

find_chromium() {
  if [ -n "${CHROMIUM_BIN:-}" ]; then
    [ -x "$CHROMIUM_BIN" ] && { echo "$CHROMIUM_BIN"; return 0; }
    echo "chromium.sh: CHROMIUM_BIN=$CHROMIUM_BIN is not executable" >&2
    exit 1
  fi
  command -v chromium 2>/dev/null || command -v chromium-browser 2>/dev/null || return 1
}

if BIN="$(find_chromium)"; then
  echo "$BIN"
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "chromium.sh: root (or sudo) is needed to apt-get install chromium" >&2; exit 1; }
  SUDO="sudo"
fi
echo "chromium.sh: installing Debian's chromium (one-off)" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >&2
$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >&2
BIN="$(find_chromium)" || { echo "chromium.sh: chromium is still missing after apt-get" >&2; exit 1; }
echo "$BIN"
