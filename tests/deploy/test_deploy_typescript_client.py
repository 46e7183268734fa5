"""clients/typescript: types generated from the committed OpenAPI documents (`make sdk`), which an
integrator's code compiles against (`tsc --strict`, pinned in tools/node), and which refuse a
request body the API would refuse."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from devstack.sdk import TYPESCRIPT, TYPESCRIPT_SOURCES, document_hashes, node_modules

EXAMPLE = TYPESCRIPT / "examples" / "register.ts"


@pytest.fixture(scope="module")
def tsc() -> Path:
    return node_modules() / ".bin" / "tsc"


def _compile(tsc: Path, source: Path) -> subprocess.CompletedProcess[str]:
    options = ["--noEmit", "--strict", "--target", "es2022", "--module", "nodenext"]
    options += ["--moduleResolution", "nodenext", "--lib", "es2022,dom"]
    return subprocess.run([str(tsc), *options, str(source)], capture_output=True, text=True, timeout=300)


def test_the_types_were_generated_from_the_committed_documents() -> None:
    assert TYPESCRIPT_SOURCES.read_text(encoding="utf-8") == document_hashes(), "run `make sdk`"


def test_an_integrators_code_compiles_against_the_types(tsc: Path) -> None:
    result = _compile(tsc, EXAMPLE)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_body_the_api_refuses_does_not_compile(tsc: Path, tmp_path: Path) -> None:
    shutil.copytree(TYPESCRIPT / "src", tmp_path / "src")
    (tmp_path / "examples").mkdir()
    broken = tmp_path / "examples" / "register.ts"
    text = EXAMPLE.read_text(encoding="utf-8")
    assert "quantity: 10," in text
    broken.write_text(text.replace("quantity: 10,", 'quantity: "ten",'), encoding="utf-8")
    result = _compile(tsc, broken)
    assert result.returncode != 0
    assert "register.ts(13," in result.stdout and "not assignable to type 'number'" in result.stdout
