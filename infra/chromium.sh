#!/usr/bin/env bash
# Prints the path of Debian's chromium, installing it (apt-get) first when it is missing.
# The dashboard's browser test drives this binary; nothing ever downloads a browser
# build of its own (no `playwright install`).
#   infra/chromium.sh            -> /usr/bin/chromium
# Settings: CHROMIUM_BIN (use this binary instead; it must exist).
set -euo pipefail
exec bash "$(dirname "$0")/debian-tool.sh" chromium.sh CHROMIUM_BIN "chromium fonts-dejavu-core" chromium chromium-browser
