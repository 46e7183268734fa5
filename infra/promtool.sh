#!/usr/bin/env bash
# Prints the path of promtool (Debian's `prometheus` package), installing it with apt-get
# when it is missing. tests/deploy checks deploy/observability's alert rules with it.
#   infra/promtool.sh            -> /usr/bin/promtool
# Settings: PROMTOOL_BIN (use this binary instead; it must exist).
set -euo pipefail
exec bash "$(dirname "$0")/debian-tool.sh" promtool.sh PROMTOOL_BIN prometheus promtool
