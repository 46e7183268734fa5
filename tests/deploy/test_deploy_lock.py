"""Images install what was tested: requirements.lock (hashed) agrees with constraints.txt, covers
every runtime dependency, and every Dockerfile installs through it with the constraints."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest
from deploy_manifests import ROOT, SERVICES
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from test_deploy_dockerfiles import service_steps


def _lock_module() -> object:
    spec = importlib.util.spec_from_file_location("deploy_lock", ROOT / "deploy" / "lock.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["deploy_lock"] = module
    spec.loader.exec_module(module)
    return module


LOCK = _lock_module()


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9_.\-]+)==([^\s\\;]+)", line)
        if match:
            pins[canonicalize_name(match[1])] = match[2]
    return pins


def _locked() -> dict[str, tuple[str, list[str]]]:
    """name -> (version, hashes) of every entry in requirements.lock."""
    text = (ROOT / "requirements.lock").read_text()
    entries = {}
    for block in re.split(r"\n(?=[A-Za-z0-9])", re.sub(r"^#.*$", "", text, flags=re.M).strip()):
        head = re.match(r"^([A-Za-z0-9_.\-]+)==(\S+)", block.strip())
        assert head, f"an entry of requirements.lock is not name==version: {block[:80]!r}"
        entries[canonicalize_name(head[1])] = (head[2], re.findall(r"--hash=sha256:([0-9a-f]{64})", block))
    return entries


def test_every_locked_package_is_pinned_by_constraints_at_the_same_version() -> None:
    constraints = _pins(ROOT / "constraints.txt")
    locked = _locked()
    assert len(locked) > 20
    mismatched = {
        name: (version, constraints.get(name))
        for name, (version, _) in locked.items()
        if constraints.get(name) != version
    }
    assert mismatched == {}, "run `make lock` (and pin new packages in constraints.txt)"


def test_every_locked_package_has_hashes() -> None:
    assert [name for name, (_, hashes) in _locked().items() if not hashes] == []


def test_the_lock_covers_every_runtime_dependency_of_the_services() -> None:
    locked = _locked()
    for spec in LOCK.third_party_requirements():  # type: ignore[attr-defined]
        requirement = Requirement(spec)
        name = canonicalize_name(requirement.name)
        assert name in locked, f"{name} is not in requirements.lock: run `make lock`"
        assert requirement.specifier.contains(locked[name][0], prereleases=True), (spec, locked[name][0])


def test_the_locks_input_is_current() -> None:
    lines = (ROOT / "deploy" / "requirements.in").read_text().splitlines()
    assert "-c ../constraints.txt" in lines
    assert [line for line in lines if line and not line.startswith(("#", "-c"))] == LOCK.third_party_requirements()  # type: ignore[attr-defined]


@pytest.mark.parametrize("service", SERVICES)
def test_the_image_installs_only_locked_hashed_packages_under_the_constraints(service: str) -> None:
    steps = service_steps(service)
    pip_commands = [
        command.strip()
        for kw, args in steps
        if kw == "RUN"
        for command in re.split(r"&&|;", args)
        if re.search(r"\bpip (wheel|install)\b", command)
    ]
    assert len(pip_commands) == 3
    for command in pip_commands:
        assert re.search(r"(^|\s)-c \S*constraints\.txt(\s|$)", command), command
    third_party, ours, runtime = pip_commands
    assert "--require-hashes" in third_party and "-r requirements.lock" in third_party
    assert "--no-deps" in ours, "our wheels must not pull dependencies around the lock"
    assert "--no-index" in runtime
