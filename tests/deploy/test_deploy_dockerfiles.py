"""The one service Dockerfile (a build argument names the service) and .dockerignore, read
statically (no Docker engine here)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from deploy_manifests import ROOT, SERVICES


def instructions(dockerfile: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, with continuation lines joined and comments dropped."""
    text = re.sub(r"\\\n", " ", dockerfile.read_text())
    pairs = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            pairs.append((keyword.upper(), rest.strip()))
    return pairs


def service_steps(service: str) -> list[tuple[str, str]]:
    """The root Dockerfile's steps as `--build-arg SERVICE=<svc> --build-arg PORT=<port>` makes them."""
    args = {"SERVICE": service, "PORT": str(SERVICES[service])}
    return [
        (kw, re.sub(r"\$\{(SERVICE|PORT)\}", lambda m: args[m.group(1)], rest))
        for kw, rest in instructions(ROOT / "Dockerfile")
    ]


def test_one_dockerfile_for_every_service() -> None:
    assert not list((ROOT / "services").glob("*/Dockerfile")), "one parameterised Dockerfile, at the root"
    steps = instructions(ROOT / "Dockerfile")
    assert [a for kw, a in steps if kw == "ARG"].count("SERVICE") == 2, "both stages take the service's name"


def dockerignore_excludes(path: str) -> bool:
    """Whether the root .dockerignore keeps `path` out of the build context (last match wins)."""
    excluded = False
    for raw in (ROOT / ".dockerignore").read_text().splitlines():
        pattern = raw.strip()
        if not pattern or pattern.startswith("#"):
            continue
        negate = pattern.startswith("!")
        pattern = pattern.lstrip("!").strip("/")
        # A pattern also matches everything below a matching directory.
        parts = path.split("/")
        prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
        regex = re.escape(pattern).replace(r"\*\*/", "(.*/)?").replace(r"\*", "[^/]*").replace(r"\?", "[^/]")
        if any(re.fullmatch(regex, p) for p in prefixes):
            excluded = not negate
    return excluded


@pytest.mark.parametrize("service", SERVICES)
def test_dockerfile_builds_wheels_then_a_slim_non_root_runtime(service: str) -> None:
    steps = service_steps(service)
    froms = [args for kw, args in steps if kw == "FROM"]
    assert len(froms) == 2, "builder and runtime stages"
    args = dict(a.split("=", 1) for kw, a in steps if kw == "ARG" and "=" in a)
    assert args["PYTHON_IMAGE"] == "python:3.11-slim"
    assert froms[0] == "${PYTHON_IMAGE} AS builder"
    assert froms[1].startswith("${PYTHON_IMAGE}")
    runs = " ".join(a for kw, a in steps if kw == "RUN")
    assert f"pip wheel --wheel-dir /wheels libs/events libs/servicekit services/{service}" in runs
    assert f"pip install --no-index --find-links /wheels {service}" in runs
    runtime = steps[[i for i, (kw, _) in enumerate(steps) if kw == "FROM"][1] :]
    user = [a for kw, a in runtime if kw == "USER"]
    assert len(user) == 1
    assert re.fullmatch(r"[1-9]\d*:[1-9]\d*", user[0]), "a numeric non-root user (runAsNonRoot can verify it)"
    assert ("EXPOSE", str(SERVICES[service])) in runtime
    env = " ".join(a for kw, a in runtime if kw == "ENV")
    assert "HOST=0.0.0.0" in env
    assert f"PORT={SERVICES[service]}" in env


@pytest.mark.parametrize("service", SERVICES)
def test_dockerfile_checks_health_with_python_and_serves(service: str) -> None:
    steps = service_steps(service)
    healthcheck = [a for kw, a in steps if kw == "HEALTHCHECK"]
    assert len(healthcheck) == 1
    command = json.loads(healthcheck[0].split("CMD", 1)[1])
    assert command == ["python", "/usr/local/bin/healthcheck.py", "/healthz"]
    cmd = [a for kw, a in steps if kw == "CMD"]
    assert [json.loads(c) for c in cmd] == [["sh", "-c", 'exec "$SERVICE" serve']]
    env = " ".join(a for kw, a in steps if kw == "ENV")
    assert f"SERVICE={service}" in env  # the console script `<service> serve`, as `python -m <service> serve`


@pytest.mark.parametrize("service", SERVICES)
def test_everything_the_dockerfile_copies_is_in_the_build_context(service: str) -> None:
    steps = service_steps(service)
    for keyword, args in steps:
        if keyword != "COPY" or "--from=" in args:
            continue
        source = next(a for a in args.split() if not a.startswith("--"))
        assert (ROOT / source).exists(), source
        assert not dockerignore_excludes(source), f"{source} is excluded by .dockerignore"


@pytest.mark.parametrize(
    ("path", "excluded"),
    [
        (".venv/bin/python", True),
        (".cache/kafka/libs/x.jar", True),
        ("tests/deploy/test_deploy_compose.py", True),
        ("libs/events/src/events/__pycache__/x.cpython-311.pyc", True),
        ("services/dealreg/src/dealreg.egg-info/PKG-INFO", True),
        ("deploy/k8s/base/kustomization.yaml", True),
        ("deploy/docker/healthcheck.py", False),
        ("services/dealreg/src/dealreg/main.py", False),
        ("libs/servicekit/pyproject.toml", False),
    ],
)
def test_dockerignore_keeps_the_context_small(path: str, excluded: bool) -> None:
    assert dockerignore_excludes(path) is excluded
