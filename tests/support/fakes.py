"""Each service's in-memory stores live in tests/unit/<service>/fakes.py; four files of one
name cannot all be imported as `fakes`, so each is loaded under `<service>_fakes`."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType


def service_fakes(test_file: str) -> ModuleType:
    """The fakes.py beside `test_file`, imported once as `<service>_fakes`."""
    path = Path(test_file).with_name("fakes.py")
    name = f"{path.parent.name}_fakes"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module
