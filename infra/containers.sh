#!/usr/bin/env bash
# A container engine for the integration tests (testcontainers) and `make compose-check`:
# Debian's podman serving the Docker API on a socket under .cache/containers, and the local
# images the tests start, built from infra/images/ (no registry is needed).
#   infra/containers.sh ensure | start | stop | status | images | env
# ensure (make bootstrap): installs podman, runc and debootstrap when missing (apt-get, root),
#   starts the socket, builds the images whose inputs changed. Without root or apt (a laptop
#   with Docker), it does nothing: the tests then use DOCKER_HOST or Docker's default socket,
#   with postgres:16 and apache/kafka:4.1.1 unless PLATFORM_PG_IMAGE / PLATFORM_KAFKA_IMAGE say
#   otherwise.
# Images are tagged by a hash of their inputs (the Containerfile and its folder, the image it
# builds FROM, and for Kafka infra/kafka/pom.xml, whose jars it copies from .cache/kafka): a
# changed input builds a new tag, an unchanged one builds nothing. Their names are written to
# .cache/containers/images.env, which the tests read (devstack.containers).
# Settings: PLATFORM_CONTAINERS=0 skips all of it; DEBIAN_MIRROR (deb.debian.org).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="$ROOT/.cache/containers"
SOCK="$DIR/podman.sock"
PIDFILE="$DIR/podman.pid"
LOG="$DIR/podman.log"
IMAGES="$ROOT/infra/images"
KAFKA_HOME="${KAFKA_HOME:-$ROOT/.cache/kafka}"
MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
export CONTAINERS_CONF="$DIR/containers.conf"

# This VM's quirks, and harmless elsewhere: no CAP_SYS_RESOURCE, so containers may not raise
# their limits above our own hard ones (podman's default nofile is higher); a hybrid cgroup
# setup, which crun refuses and runc accepts; no systemd to manage cgroups or keep a journal.
write_conf() {
  mkdir -p "$DIR"
  local nofile nproc
  nofile=$(ulimit -Hn)
  nproc=$(ulimit -Hu)
  if [ "$nproc" = unlimited ] || [ "$nproc" -gt 32768 ]; then nproc=32768; fi
  if [ "$nofile" = unlimited ]; then nofile=1048576; fi
  cat > "$CONTAINERS_CONF.tmp" <<CONF
[containers]
default_ulimits = ["nofile=$nofile:$nofile", "nproc=$nproc:$nproc"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF
  mv "$CONTAINERS_CONF.tmp" "$CONTAINERS_CONF"
}

install() {
  local missing=()
  command -v podman >/dev/null || missing+=(podman)
  command -v runc >/dev/null || missing+=(runc)
  command -v debootstrap >/dev/null || missing+=(debootstrap)
  if [ ${#missing[@]} -eq 0 ]; then return 0; fi
  echo "containers.sh: installing Debian's ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null
}

answers() { [ -S "$SOCK" ] && curl -sf --max-time 2 --unix-socket "$SOCK" http://d/_ping >/dev/null; }

start() {
  write_conf
  if answers; then return 0; fi
  echo "containers.sh: starting podman's Docker API on unix://$SOCK (log: $LOG)"
  rm -f "$SOCK"
  # setsid: the service outlives the shell (make) that started it; `make stop` stops it. It must
  # not keep the caller's other descriptors open either (a CI pipe, a `flock` on the test run).
  (
    for fd in /proc/"$BASHPID"/fd/*; do
      fd=${fd##*/}
      if [ "$fd" -gt 2 ]; then eval "exec $fd>&-"; fi
    done
    exec setsid nohup podman system service --time=0 "unix://$SOCK" >>"$LOG" 2>&1 < /dev/null
  ) &
  echo $! > "$PIDFILE"
  for _ in $(seq 1 50); do
    if answers; then return 0; fi
    sleep 0.2
  done
  echo "containers.sh: podman's API did not answer; see $LOG" >&2; tail -5 "$LOG" >&2; exit 1
}

stop() {
  if [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
    kill "$(cat "$PIDFILE")"
    echo "containers.sh: podman's API stopped"
  fi
  rm -f "$PIDFILE" "$SOCK"
}

# The hash of an image's inputs: every file of its folder, plus the extra strings given.
input_hash() {
  local folder=$1; shift
  { (cd "$folder" && find . -type f | LC_ALL=C sort | xargs sha256sum); printf '%s\n' "$@"; } \
    | sha256sum | cut -c1-12
}

# build NAME TAG CONTEXT [podman build args...]: only when that tag is not there yet.
build() {
  local name=$1 tag=$2 context=$3; shift 3
  local image="localhost/platform-$name:$tag"
  if podman image exists "$image"; then echo "$image"; return 0; fi
  echo "containers.sh: building $image" >&2
  podman build -q --network host -t "$image" -f "$IMAGES/$name/Containerfile" "$@" "$context" >/dev/null
  # Older tags stay: another checkout of this machine may be on them, even running them.
  echo "$image"
}

images() {
  local base_tag base pg kafka kafka_tag context
  # Debian's bookworm from its packages: no registry is reachable here (its python3 is 3.11,
  # the project's version, which `make compose-check` builds the services on).
  base_tag=$(input_hash "$IMAGES/base" "$MIRROR")
  base="localhost/platform-base:$base_tag"
  if ! podman image exists "$base"; then
    context="$DIR/base-context"
    rm -rf "$context" && mkdir -p "$context/rootfs"
    echo "containers.sh: debootstrap bookworm from $MIRROR" >&2
    debootstrap --variant=minbase bookworm "$context/rootfs" "$MIRROR" >"$DIR/debootstrap.log" 2>&1 \
      || { tail -20 "$DIR/debootstrap.log" >&2; exit 1; }
    tar -C "$context/rootfs" -cf "$context/rootfs.tar" .
    rm -rf "$context/rootfs"
    base=$(build base "$base_tag" "$context")
    rm -rf "$context"
  fi
  pg=$(build postgres "$(input_hash "$IMAGES/postgres" "$base")" "$IMAGES/postgres" --build-arg "BASE=$base")
  # The broker's jars are the ones `make run` uses (infra/kafka.sh fetch, from Maven Central),
  # with its logging, and compose's start script (the tests mount it too: apache/kafka lacks it).
  bash "$ROOT/infra/kafka.sh" fetch
  local extra=("$ROOT/infra/kafka/pom.xml" "$ROOT/infra/kafka/log4j2.yaml" "$ROOT/deploy/compose/kafka/start.sh")
  # Contents only, not paths: every checkout of the same inputs shares the image.
  kafka_tag=$(input_hash "$IMAGES/kafka" "$base" "$(cat "${extra[@]}" | sha256sum)")
  context="$DIR/kafka-context"
  rm -rf "$context" && mkdir -p "$context"
  if ! podman image exists "localhost/platform-kafka:$kafka_tag"; then
    cp -r "$IMAGES/kafka/." "$context/"
    cp -r "$KAFKA_HOME/libs" "$context/libs"
    cp "${extra[@]:1}" "$context/"
  fi
  kafka=$(build kafka "$kafka_tag" "$context" --build-arg "BASE=$base")
  rm -rf "$context"
  cat > "$DIR/images.env.tmp" <<ENV
PLATFORM_BASE_IMAGE=$base
PLATFORM_PG_IMAGE=$pg
PLATFORM_KAFKA_IMAGE=$kafka
ENV
  mv "$DIR/images.env.tmp" "$DIR/images.env"
}

usable() { [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; }

case "${1:-}" in
  ensure)
    if [ "${PLATFORM_CONTAINERS:-1}" = 0 ]; then exit 0; fi
    if ! usable; then
      echo "containers.sh: not root with apt-get: the tests use Docker (DOCKER_HOST or its default socket) if it answers"
      exit 0
    fi
    install; start; images ;;
  start) start ;;
  stop) stop ;;
  status) if answers; then echo "up on unix://$SOCK"; else echo "down"; exit 1; fi ;;
  images) write_conf; images ;;
  env) echo "export DOCKER_HOST=unix://$SOCK CONTAINERS_CONF=$CONTAINERS_CONF" ;;
  *) echo "usage: $0 ensure|start|stop|status|images|env" >&2; exit 2 ;;
esac
