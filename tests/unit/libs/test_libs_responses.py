"""orjson-rendered responses carry the same bytes and headers clients got from JSONResponse."""

from __future__ import annotations

import pytest
from starlette.responses import JSONResponse

from servicekit.responses import FastJSONResponse

DEAL = {
    "id": "3f1c0b7e-8d7c-4c1e-9a57-1b0f4c2d9e11",
    "customer": {"name": "Société Générale Ñandú", "domain": "sg.example"},
    "products": [{"sku": "FW-500", "quantity": 3, "unit_price": "4000.00"}],
    "amount": "12000.00",
    "conflict": False,
    "conflict_reasons": [],
    "protection_expires_at": None,
    "version": 1,
}


@pytest.mark.parametrize("content", [DEAL, {"results": [DEAL] * 3}, [], {"next_cursor": None}])
def test_same_body_and_headers_as_json_response(content) -> None:
    fast = FastJSONResponse(content, status_code=201, headers={"ETag": '"1"'})
    plain = JSONResponse(content, status_code=201, headers={"ETag": '"1"'})
    assert fast.body == plain.body
    assert fast.headers.items() == plain.headers.items()
    assert fast.status_code == 201


def test_non_json_content_is_refused_rather_than_guessed() -> None:
    from decimal import Decimal

    with pytest.raises(TypeError):
        FastJSONResponse({"amount": Decimal("1.00")})
