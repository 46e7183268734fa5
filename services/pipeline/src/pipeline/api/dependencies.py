"""What pipeline's routes get injected: the store on the request's session, the topics, If-Match."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request

from events.topics import TopicNames
from pipeline.service.ports import PipelineStore
from servicekit.db import DbSession


def get_store(request: Request, session: DbSession) -> PipelineStore:
    """The store the app wiring put on app.state (main.py), on this request's session: an
    Idempotency-Key's claim and the use case's writes commit together."""
    store: PipelineStore = request.app.state.store(session)
    return store


def get_topics(request: Request) -> TopicNames:
    topics: TopicNames = request.app.state.topics
    return topics


Store = Annotated[PipelineStore, Depends(get_store)]
Topics = Annotated[TopicNames, Depends(get_topics)]
IfMatch = Annotated[
    str | None, Header(alias="If-Match", description="The version you last read; 412 if it is no longer current.")
]
