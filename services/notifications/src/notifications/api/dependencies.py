"""What a route gets from the app's wiring (main.py puts the factories on app.state)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from notifications.api.sealed_responses import ResponseBox
from notifications.config import Settings
from notifications.service.ports import SubscriptionStore, UrlVetter
from notifications.service.replay import ReplayLimits
from servicekit.db import DbSession


def get_store(request: Request, session: DbSession) -> SubscriptionStore:
    """The store on the request's session (which carries an Idempotency-Key's claim)."""
    store: SubscriptionStore = request.app.state.store(session)
    return store


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_vetter(request: Request) -> UrlVetter:
    vet: UrlVetter = request.app.state.vet_url
    return vet


def get_box(request: Request) -> ResponseBox:
    box: ResponseBox = request.app.state.secret_box()
    return box


def get_replay_limits(request: Request) -> ReplayLimits:
    settings = get_settings(request)
    return ReplayLimits(
        per_hour=settings.webhook_replays_per_hour,
        maximum=settings.webhook_replay_max,
        page=settings.webhook_replay_page,
    )


Store = Annotated[SubscriptionStore, Depends(get_store)]
AppSettings = Annotated[Settings, Depends(get_settings)]
Vetter = Annotated[UrlVetter, Depends(get_vetter)]
Box = Annotated[ResponseBox, Depends(get_box)]
Limits = Annotated[ReplayLimits, Depends(get_replay_limits)]
