"""Shared facts and helpers of the deployment checks (the fixtures are in conftest.py)."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "deploy" / "k8s"
OVERLAYS = ("dev", "prod")
SERVICES = {"dealreg": 8001, "incentives": 8002, "pipeline": 8003, "notifications": 8004}
# The Kafka topics and partition counts of CONTRACT.md / DESIGN.md.
TOPICS = {
    "deals.v1": 6,
    "incentives.v1": 6,
    "pipeline.v1": 6,
    "partners.v1": 6,
    "deals.v1.dlq": 3,
    "incentives.v1.dlq": 3,
    "pipeline.v1.dlq": 3,
    "partners.v1.dlq": 3,
}
# Services that consume deals.v1: more replicas than its partitions would sit idle.
CONSUMERS = ("incentives", "pipeline", "notifications")
# Kubernetes versions the manifests must validate against: the oldest still supported
# by the major clouds and the newest kubernetes-validate knows.
K8S_VERSIONS = ("1.30", "1.37")

Manifest = dict[str, Any]

_rendered: dict[str, list[Manifest]] = {}


def kustomize_path() -> str:
    """Path of the pinned kustomize (infra/kustomize.sh builds it into .cache/bin once)."""
    out = subprocess.run(["bash", str(ROOT / "infra" / "kustomize.sh")], check=True, capture_output=True, text=True)
    return out.stdout.strip().splitlines()[-1]


def build(kustomize: str, path: Path) -> list[Manifest]:
    """`kustomize build path`, parsed (cached per session)."""
    key = str(path)
    if key not in _rendered:
        out = subprocess.run([kustomize, "build", str(path)], check=True, capture_output=True, text=True)
        _rendered[key] = [doc for doc in yaml.safe_load_all(out.stdout) if doc]
    return _rendered[key]


def of_kind(manifests: list[Manifest], kind: str) -> list[Manifest]:
    return [m for m in manifests if m["kind"] == kind]


def named(manifests: list[Manifest], kind: str, name: str) -> Manifest:
    found = [m for m in of_kind(manifests, kind) if m["metadata"]["name"] == name]
    assert len(found) == 1, f"expected one {kind} {name}, found {len(found)}"
    return found[0]


def configmap(manifests: list[Manifest], prefix: str) -> Manifest:
    """A generated ConfigMap by its name before kustomize's hash suffix."""
    found = [m for m in of_kind(manifests, "ConfigMap") if m["metadata"]["name"].rsplit("-", 1)[0] == prefix]
    assert len(found) == 1, f"expected one ConfigMap {prefix}-<hash>, found {len(found)}"
    return found[0]
