"""`python -m bench`: the platform measured against the limits of this machine (issue 11)."""

import sys
from pathlib import Path

# The benchmarks build their requests and events with the tests' own builders (tests/support).
_TESTS = str(Path(__file__).resolve().parents[1] / "tests")
if _TESTS not in sys.path:
    sys.path.insert(0, _TESTS)
