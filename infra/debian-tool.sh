#!/usr/bin/env bash
# Prints the path of a tool from a Debian package, installing the package (apt-get) first when
# the tool is missing. Used by chromium.sh and promtool.sh.
#   infra/debian-tool.sh NAME ENV_VAR "PACKAGES" COMMAND [COMMAND...]
# $ENV_VAR, when set, names the binary to use instead (it must exist); otherwise the first
# COMMAND on the PATH; otherwise PACKAGES are installed and the COMMANDs looked for again.
set -euo pipefail
NAME="$1" VAR="$2" PACKAGES="$3"
shift 3

GIVEN="${!VAR:-}"
if [ -n "$GIVEN" ]; then
  [ -x "$GIVEN" ] && { echo "$GIVEN"; exit 0; }
  echo "$NAME: $VAR=$GIVEN is not executable" >&2
  exit 1
fi

find_tool() {
  local cmd
  for cmd in "$@"; do
    command -v "$cmd" 2>/dev/null && return 0
  done
  return 1
}

if BIN="$(find_tool "$@")"; then
  echo "$BIN"
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "$NAME: root (or sudo) is needed to apt-get install $PACKAGES" >&2; exit 1; }
  SUDO="sudo"
fi
echo "$NAME: installing Debian's $PACKAGES (one-off)" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >&2
# shellcheck disable=SC2086  # a list of packages
$SUDO apt-get install -y -qq --no-install-recommends $PACKAGES >&2
BIN="$(find_tool "$@")" || { echo "$NAME: still missing after apt-get install $PACKAGES" >&2; exit 1; }
echo "$BIN"
