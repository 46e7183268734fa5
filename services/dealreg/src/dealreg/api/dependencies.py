"""How routes get their stores: factories the app wiring (main.py) puts on app.state.

The DealStore works in the request's session (which carries a keyed POST's idempotency claim,
so the effect and the stored answer commit together); registrations run on the raw pool.
The factories are `async def` although they do not await: FastAPI runs a plain `def` dependency in
its thread pool, and that hand-off cost about 6 % of dealreg's CPU per registration (py-spy).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from dealreg.service.ports import DealStore, Registrations
from servicekit.db import DbSession


async def get_store(request: Request, session: DbSession) -> DealStore:
    store: DealStore = request.app.state.deal_store(session)
    return store


async def get_registrations(request: Request) -> Registrations:
    registrations: Registrations = request.app.state.registrations(request.app.state.pg_pool)
    return registrations


Store = Annotated[DealStore, Depends(get_store)]
RegistrationsDep = Annotated[Registrations, Depends(get_registrations)]
