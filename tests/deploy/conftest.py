"""Fixtures of the offline deployment checks: the pinned kustomize and the rendered overlays."""

from __future__ import annotations

import pytest
from deploy_manifests import K8S, OVERLAYS, Manifest, build, kustomize_path


@pytest.fixture(scope="session")
def kustomize() -> str:
    return kustomize_path()


@pytest.fixture(params=OVERLAYS)
def overlay(request: pytest.FixtureRequest, kustomize: str) -> tuple[str, list[Manifest]]:
    """(name, manifests) of each overlay after kustomize rendering."""
    name: str = request.param
    return name, build(kustomize, K8S / "overlays" / name)
