"""docs/asyncapi.yaml passes the AsyncAPI parser (@asyncapi/parser, npm, pinned; installed by the
bootstrap into .cache/node), and the same check refuses a broken document."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCUMENT = ROOT / "docs" / "asyncapi.yaml"
VALIDATE = ROOT / "tools" / "node" / "validate-asyncapi.cjs"


@pytest.fixture(scope="module")
def node_path() -> str:
    return subprocess.run(
        ["bash", str(ROOT / "infra" / "node-tools.sh")], check=True, capture_output=True, text=True
    ).stdout.strip()


def _validate(node_path: str, document: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["node", str(VALIDATE), str(document)],
        env={**os.environ, "NODE_PATH": node_path},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_committed_asyncapi_document_is_valid(node_path: str) -> None:
    result = _validate(node_path, DOCUMENT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().endswith("valid")


@pytest.mark.parametrize(
    ("change", "complaint"),
    [
        (("#/components/schemas/RewardData", "#/components/schemas/NoSuchSchema"), "invalid-ref"),
        (("action: receive", "action: consume"), "action"),
    ],
)
def test_a_broken_document_is_refused(node_path: str, tmp_path: Path, change: tuple[str, str], complaint: str) -> None:
    text = DOCUMENT.read_text(encoding="utf-8")
    assert change[0] in text
    broken = tmp_path / "asyncapi.yaml"
    broken.write_text(text.replace(change[0], change[1], 1), encoding="utf-8")
    result = _validate(node_path, broken)
    assert result.returncode == 1, result.stdout
    assert complaint in result.stdout
