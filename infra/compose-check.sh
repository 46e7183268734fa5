#!/usr/bin/env bash
# `make compose-check`: docker-compose.yml brought up for real with podman on this machine, and
# a registration that earns its reward, then everything removed again.
# No registry is reachable here, so the stack runs on the local images of infra/containers.sh:
# PostgreSQL and Kafka (which run compose's own start/setup/init scripts), and the services built
# by the root Dockerfile FROM a Debian Python 3.11 image (build argument PYTHON_IMAGE). The
# tracing pair (otel-collector, Jaeger) has no local image: it is left out, with OTEL_SDK_DISABLED.
# Host ports are moved (38001-38004, PostgreSQL 35432, Kafka 39094) so that a `make run` on this
# machine is not in the way.
# podman 4.3 cannot wait for a health condition (podman-compose skips those before podman 4.6)
# and runs no health checks without systemd: this script starts the stack in the order of the
# file's depends_on, and runs each container's health check itself until it passes.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="$ROOT/.cache/containers"
PY="$ROOT/.venv/bin/python"
PROJECT=compose-check
FILE="$DIR/compose-check.yml"
START=$(date +%s)

bash "$ROOT/infra/containers.sh" ensure >&2
set -a  # the image names, for the compose file's rewrite below
# shellcheck disable=SC1091
. "$DIR/images.env"
set +a
export CONTAINERS_CONF="$DIR/containers.conf"
# The machine's CA bundle goes into the image: pip in the builds must trust what the host trusts
# (here, an egress proxy's own CA as well as the public ones).
CA=/etc/ssl/certs/ca-certificates.crt
hash=$({ cat "$ROOT/infra/images/python/Containerfile" "$CA"; echo "$PLATFORM_BASE_IMAGE"; } | sha256sum | cut -c1-12)
PYTHON_IMAGE="localhost/platform-python:$hash"
if ! podman image exists "$PYTHON_IMAGE"; then
  echo "compose-check: building $PYTHON_IMAGE" >&2
  rm -rf "$DIR/python-context" && mkdir -p "$DIR/python-context"
  cp "$ROOT/infra/images/python/Containerfile" "$DIR/python-context/"
  cp "$CA" "$DIR/python-context/ca-certificates.crt"
  podman build -q --network host -t "$PYTHON_IMAGE" --build-arg "BASE=$PLATFORM_BASE_IMAGE" \
    "$DIR/python-context" >/dev/null
  rm -rf "$DIR/python-context"
fi
"$PY" -m pip install -q podman-compose==1.6.0
# Compose's services find each other by name: on podman 4.3's CNI networks that takes the
# dnsname plugin (Debian package).
if [ ! -x /usr/lib/cni/dnsname ]; then
  echo "compose-check: installing Debian's CNI dnsname plugin" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq golang-github-containernetworking-plugin-dnsname >/dev/null
fi

# The compose file as it is, but for the images, the host ports and the tracing pair.
PYTHON_IMAGE="$PYTHON_IMAGE" "$PY" - "$ROOT/docker-compose.yml" "$FILE" <<'PYCODE'
import os, sys, yaml
source, target = sys.argv[1:3]
compose = yaml.safe_load(open(source))
services = compose["services"]
for name in ("otel-collector", "jaeger"):
    services.pop(name)
moved = {"8001": "38001", "8002": "38002", "8003": "38003", "8004": "38004", "15432": "35432", "9094": "39094"}
for name, service in services.items():
    if name in ("kafka", "kafka-topics"):
        service["image"] = os.environ["PLATFORM_KAFKA_IMAGE"]
    elif name == "postgres":
        service["image"] = os.environ["PLATFORM_PG_IMAGE"]
    if "build" in service:
        service["build"]["context"] = os.path.dirname(source)
        service["build"]["args"]["PYTHON_IMAGE"] = os.environ["PYTHON_IMAGE"]
        service["image"] = service["image"].replace("partner-platform/", "localhost/compose-check-")
    depends = service.get("depends_on", {})
    for gone in ("otel-collector", "jaeger"):
        depends.pop(gone, None)
    if "environment" in service and "OTEL_EXPORTER_OTLP_ENDPOINT" in service["environment"]:
        service["environment"]["OTEL_SDK_DISABLED"] = "true"
    ports = []
    for port in service.get("ports", []):
        address, host, inside = port.split(":")
        ports.append(f"{address}:{moved.get(host, host)}:{inside}")
    if ports:
        service["ports"] = ports
for name, service in services.items():
    for path in ("volumes",):
        service[path] = [v.replace("./", os.path.dirname(source) + "/", 1) if v.startswith("./") else v
                         for v in service.get(path, [])]
yaml.safe_dump(compose, open(target, "w"), sort_keys=False)
PYCODE

compose() { "$ROOT/.venv/bin/podman-compose" -p "$PROJECT" -f "$FILE" "$@"; }
cleanup() { compose down -v >/dev/null 2>&1 || true; }
trap cleanup EXIT
cleanup

container() { podman ps -a --filter "label=com.docker.compose.project=$PROJECT" \
                --filter "label=com.docker.compose.service=$1" --format '{{.Names}}' | head -1; }

healthy() {  # healthy SERVICE...: runs their health checks until each passes (3 min at most)
  local name c deadline=$(( $(date +%s) + 180 ))
  for name in "$@"; do
    c=$(container "$name")
    until podman healthcheck run "$c" >/dev/null 2>&1; do
      if [ "$(date +%s)" -gt "$deadline" ]; then
        echo "compose-check: $name not healthy in time" >&2; podman logs --tail 30 "$c" >&2; exit 1
      fi
      sleep 2
    done
    echo "compose-check: $name healthy ($(( $(date +%s) - START )) s)" >&2
  done
}

completed() {  # completed SERVICE...: waits for each to exit 0
  local name c code
  for name in "$@"; do
    c=$(container "$name")
    code=$(podman wait "$c")
    if [ "$code" != 0 ]; then
      echo "compose-check: $name exited $code" >&2; podman logs --tail 30 "$c" >&2; exit 1
    fi
    echo "compose-check: $name completed ($(( $(date +%s) - START )) s)" >&2
  done
}

# The four images, one after the other (they share the builder stage's layers), on the host's
# network: parallel builds on podman's bridge lost their DNS lookups to PyPI here.
SERVICES=(dealreg incentives pipeline notifications)
port=8001
for service in "${SERVICES[@]}"; do
  echo "compose-check: building localhost/compose-check-$service:local" >&2
  podman build -q --network host --format docker -t "localhost/compose-check-$service:local" \
    --build-arg "SERVICE=$service" --build-arg "PORT=$port" --build-arg "PYTHON_IMAGE=$PYTHON_IMAGE" \
    "$ROOT" >/dev/null
  port=$((port + 1))
done
echo "compose-check: images ready ($(( $(date +%s) - START )) s)" >&2
compose up -d --no-build --no-deps kafka postgres >/dev/null
healthy kafka postgres
compose up -d --no-build --no-deps kafka-topics "${SERVICES[@]/%/-migrate}" >/dev/null
completed kafka-topics "${SERVICES[@]/%/-migrate}"
compose up -d --no-build --no-deps "${SERVICES[@]}" >/dev/null
healthy "${SERVICES[@]}"

# The README's tour, steps 1 to 4: enrol, a program, a registration, its reward.
TOKEN=$("$PY" -m devstack token admin)
PARTNER=$("$PY" -m devstack token partner partner_id=p-100 sub=rep-7)
curl -sf -X PUT 127.0.0.1:38001/v1/partners/p-100 -H "Authorization: Bearer $TOKEN" \
  -H 'Content-Type: application/json' \
  -d '{"name":"Initech","tier":2,"territory":"west","region":"NA","channel_manager":"cm-1","vendor_ids":["acme"]}' >/dev/null
today=$(date -u +%F)
curl -sf -X POST 127.0.0.1:38002/v1/programs -H "Authorization: Bearer $TOKEN" \
  -H 'Content-Type: application/json' \
  -d '{"vendor_id":"acme","name":"compose check","currency":"USD","starts_on":"'"$today"'","ends_on":"2099-12-31",
       "registration_reward_pct":"25","tier_multipliers":{"1":"1.0","2":"1.25","3":"1.5"}}' >/dev/null
curl -sf -X POST 127.0.0.1:38001/v1/deals -H "Authorization: Bearer $PARTNER" \
  -H 'Content-Type: application/json' -H 'Idempotency-Key: compose-check-1' \
  -d '{"vendor_id":"acme","customer":{"name":"Globex Corporation","domain":"globex.com","country":"US"},
       "products":[{"sku":"FW-500","quantity":10,"unit_price":"1200.00"}],
       "currency":"USD","margin_pct":"25","expected_close_date":"2099-02-15"}' >/dev/null
for _ in $(seq 1 60); do
  earnings=$(curl -sf 127.0.0.1:38002/v1/reps/rep-7/earnings -H "Authorization: Bearer $PARTNER" || true)
  if grep -q '937.50' <<<"$earnings"; then
    echo "compose-check: the registration earned its reward (937.50 USD) in $(( $(date +%s) - START )) s in all"
    exit 0
  fi
  sleep 1
done
echo "compose-check: no reward after 60 s: $earnings" >&2
for name in dealreg incentives; do podman logs --tail 20 "$(container "$name")" >&2; done
exit 1
