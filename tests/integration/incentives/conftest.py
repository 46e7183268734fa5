"""incentives integration fixtures: the operator's headers and a vendor of the test's own."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from incentives_helpers import new_vendor


@pytest.fixture
def admin(token: Callable[..., dict[str, str]]) -> dict[str, str]:
    """The operator's headers (`token("admin", sub="ops")`)."""
    return token("admin", sub="ops")


@pytest.fixture
def vendor() -> str:
    """A vendor no other test uses (new_vendor)."""
    return new_vendor()
