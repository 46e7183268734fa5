"""The support scripts the containers run: topic creation, database creation and the
health probe. Run here against stand-ins for kafka-topics.sh and psql, which record
what they were asked to do."""

from __future__ import annotations

import http.server
import itertools
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from deploy_manifests import K8S, ROOT, SERVICES, TOPICS

RECORDER = """#!/bin/sh
printf '%s\\n' "$*" >> "$RECORD"
if [ -n "${RECORD_STDIN:-}" ]; then cat >> "$RECORD"; fi
"""


def recorder(tmp_path: Path, name: str) -> Path:
    path = tmp_path / name
    path.write_text(RECORDER)
    path.chmod(0o755)
    return path


def test_create_topics_creates_each_topic_with_its_partitions(tmp_path: Path) -> None:
    fake = recorder(tmp_path, "kafka-topics.sh")
    record = tmp_path / "calls"
    env = {
        "PATH": os.environ["PATH"],
        "RECORD": str(record),
        "KAFKA_TOPICS_BIN": str(fake),
        "KAFKA_BOOTSTRAP_SERVERS": "broker:9092",
        "TOPIC_REPLICATION_FACTOR": "3",
        "TOPIC_MIN_INSYNC_REPLICAS": "2",
    }
    subprocess.run(["sh", str(K8S / "base" / "kafka" / "create-topics.sh")], env=env, check=True, capture_output=True)
    creates = [line.split() for line in record.read_text().splitlines() if "--create" in line]
    created = {}
    for args in creates:
        opts = dict(itertools.pairwise(args))
        assert "--if-not-exists" in args
        assert opts["--bootstrap-server"] == "broker:9092"
        assert opts["--replication-factor"] == "3"
        assert opts["--config"] == "min.insync.replicas=2"
        created[opts["--topic"]] = int(opts["--partitions"])
    assert created == TOPICS


def test_create_topics_needs_the_bootstrap_address(tmp_path: Path) -> None:
    env = {"PATH": os.environ["PATH"], "KAFKA_TOPICS_BIN": str(recorder(tmp_path, "kafka-topics.sh"))}
    result = subprocess.run(
        ["sh", str(K8S / "base" / "kafka" / "create-topics.sh")], env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "KAFKA_BOOTSTRAP_SERVERS" in result.stderr


def test_postgres_init_makes_a_database_and_role_per_service(tmp_path: Path) -> None:
    recorder(tmp_path, "psql")
    record = tmp_path / "calls"
    env = {
        "PATH": f"{tmp_path}:{os.environ['PATH']}",
        "RECORD": str(record),
        "RECORD_STDIN": "1",
        "POSTGRES_USER": "postgres",
        "POSTGRES_DB": "postgres",
        "SERVICE_DB_PASSWORD": "s3cret",
    }
    subprocess.run(
        ["bash", str(ROOT / "deploy" / "compose" / "postgres" / "init-databases.sh")],
        env=env,
        check=True,
        capture_output=True,
    )
    calls = record.read_text()
    for service in SERVICES:
        assert f"-v service={service} -v password=s3cret" in calls
    # The names and the password reach SQL as psql variables, quoted by psql itself.
    assert calls.count('CREATE DATABASE :"service" OWNER :"service";') == len(SERVICES)
    assert calls.count("CREATE ROLE :\"service\" LOGIN PASSWORD :'password';") == len(SERVICES)
    assert calls.count('REVOKE ALL ON DATABASE :"service" FROM PUBLIC;') == len(SERVICES)


class _Health(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200 if self.path == "/healthz" else 503)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def health_server() -> Iterator[int]:
    server = http.server.HTTPServer(("127.0.0.1", 0), _Health)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(("path", "exit_code"), [("/healthz", 0), ("/readyz", 1)])
def test_healthcheck_passes_on_2xx_only(health_server: int, path: str, exit_code: int) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "deploy" / "docker" / "healthcheck.py"), path],
        env={**os.environ, "PORT": str(health_server)},
        capture_output=True,
        timeout=10,
    )
    assert result.returncode == exit_code


def test_healthcheck_fails_when_nothing_listens() -> None:
    with socket.socket() as probe:  # a port that was free a moment ago and is closed now
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = subprocess.run(
        [sys.executable, str(ROOT / "deploy" / "docker" / "healthcheck.py"), "/healthz"],
        env={**os.environ, "PORT": str(port)},
        capture_output=True,
        timeout=10,
    )
    assert result.returncode == 1
