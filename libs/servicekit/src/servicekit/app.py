"""The service application factory: every service gets the same defaults from here.

Problems (RFC 9457), bearer auth, /healthz /readyz /metrics, request metrics,
body-size limit, Idempotency-Key, tracing and JSON logs, the database engine, and
supervised background workers (outbox relay, consumers, schedulers) that restart
after a crash instead of dying silently.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import structlog
from fastapi import APIRouter, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from events.envelope import set_public_base_url
from events.outbox import OutboxRelay
from events.retrying import STARTUP, STARTUP_PATIENCE, WORKER_RESTART, any_error, retrying
from events.topics import TopicNames
from servicekit.auth import TokenVerifier, check_auth_settings
from servicekit.db import make_engine, make_raw_pool, make_session_factory
from servicekit.event_schemas import event_schemas_router
from servicekit.health import ReadinessProbe, health_router
from servicekit.http_metrics import HttpMetricsMiddleware, metrics_router
from servicekit.idempotency import IdempotencyMiddleware, IdempotencyStore
from servicekit.limits import BodySizeLimitMiddleware
from servicekit.openapi import operation_id, problems_in_openapi
from servicekit.problems import install_problem_handlers
from servicekit.ratelimit import RateLimitMiddleware, limits_from_settings
from servicekit.settings import DEV_AUTH_SECRET, ServiceSettings
from servicekit.telemetry import setup_logging, setup_tracing

log = structlog.get_logger("servicekit.app")


@dataclass(frozen=True)
class ServiceContext:
    """What background workers get: the service's settings, database and topic names."""

    settings: ServiceSettings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    topics: TopicNames


Worker = Callable[[ServiceContext], Awaitable[None]]


class _WorkerRanWell(Exception):
    """A worker that had been running for a while ended: restart it from the shortest backoff."""


# A worker that ran at least this long before it ended was healthy: its restart backoff starts over.
_HEALTHY_RUN_SECONDS = 60.0


async def _supervise(name: str, worker: Worker, ctx: ServiceContext) -> None:
    """Run a worker forever: after a crash (or a return) start it again, backing off with jitter."""

    async def once() -> None:
        started = time.monotonic()
        try:
            await worker(ctx)
            ended: BaseException = RuntimeError("worker returned")
        except Exception as exc:
            ended = exc
        if time.monotonic() - started >= _HEALTHY_RUN_SECONDS:
            log.warning("worker ended; restarting", worker=name, error=repr(ended), exc_info=ended)
            raise _WorkerRanWell from ended
        raise ended

    def crashed(exc: BaseException) -> bool:
        return any_error(exc) and not isinstance(exc, _WorkerRanWell)

    while True:
        with contextlib.suppress(_WorkerRanWell):
            await retrying(WORKER_RESTART, what="worker", retry_on=crashed, worker=name, log_traceback=True)(once)


def _awaiting(task: asyncio.Task[None]) -> str:
    """Where a task is suspended: its await chain, innermost last, for the operator."""
    where: list[str] = []
    step: Any = task.get_coro()
    while step is not None and len(where) < 60:
        frame = getattr(step, "cr_frame", None) or getattr(step, "gi_frame", None)
        if frame is not None:
            where.append(f"{frame.f_code.co_filename}:{frame.f_lineno} {frame.f_code.co_name}")
        step = getattr(step, "cr_await", None) or getattr(step, "gi_yieldfrom", None)
    return " <- ".join(reversed(where))


def outbox_relay_worker(ctx: ServiceContext) -> Awaitable[None]:
    relay = OutboxRelay(
        dsn=ctx.settings.asyncpg_dsn,
        bootstrap_servers=ctx.settings.kafka_bootstrap_servers,
        service=ctx.settings.service_name,
        security=ctx.settings.kafka_security,
        batch_size=ctx.settings.outbox_batch_size,
        poll_interval=ctx.settings.outbox_poll_interval,
    )
    return relay.run()


async def _purge_idempotency_keys(ctx: ServiceContext) -> None:
    store = IdempotencyStore(ctx.engine, timedelta(hours=ctx.settings.idempotency_ttl_hours))
    while True:
        with contextlib.suppress(Exception):
            await store.purge_expired()
        await asyncio.sleep(3600)


def create_service_app(
    *,
    settings: ServiceSettings,
    title: str,
    description: str,
    routers: Sequence[APIRouter],
    workers: dict[str, Worker] | None = None,
    publishes_events: bool = True,
    configure: Callable[[FastAPI], None] | None = None,
    raw_pool: bool = False,
    webhooks: APIRouter | None = None,
    openapi_tags: list[dict[str, Any]] | None = None,
) -> FastAPI:
    all_workers: dict[str, Worker] = dict(workers or {})
    if publishes_events:
        all_workers["outbox-relay"] = outbox_relay_worker
    all_workers["idempotency-purge"] = _purge_idempotency_keys

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if settings.auth_secret.get_secret_value() == DEV_AUTH_SECRET and not settings.auth_jwks_url:
            log.warning("AUTH_SECRET is the development default (ENVIRONMENT=development only)")
        engine = make_engine(settings)
        sessions = make_session_factory(engine)
        ctx = ServiceContext(settings, engine, sessions, TopicNames(settings.kafka_topic_prefix))
        app.state.engine = engine
        app.state.sessions = sessions
        app.state.topics = ctx.topics
        app.state.idempotency = IdempotencyStore(engine, timedelta(hours=settings.idempotency_ttl_hours))
        app.state.context = ctx
        app.state.readiness = ReadinessProbe(
            engine, settings.kafka_bootstrap_servers, client_options=settings.kafka_security.client_options()
        )
        # app.state.pg_pool: plain asyncpg connections for a service's hot path (see db.make_raw_pool).
        app.state.pg_pool = (
            await retrying(STARTUP, what="database at start-up", give_up_after=STARTUP_PATIENCE)(
                make_raw_pool, settings
            )
            if raw_pool
            else None
        )
        tasks = [asyncio.create_task(_supervise(n, w, ctx), name=n) for n, w in all_workers.items()]
        # Everything loaded so far (modules, models, compiled SQL) lives as long as the process: keep
        # it out of the collector's full passes, which would otherwise stall requests and events.
        gc.freeze()
        log.info("service started", port=settings.port, workers=sorted(all_workers))
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            # Bounded: a worker stuck in a driver call must not keep the process from stopping.
            _, stuck = await asyncio.wait(tasks, timeout=15)
            for task in stuck:
                log.warning("worker did not stop in time", worker=task.get_name(), where=_awaiting(task))
            app.state.readiness.close()
            with contextlib.suppress(Exception):
                async with asyncio.timeout(10):
                    await engine.dispose()
            if app.state.pg_pool is not None:
                with contextlib.suppress(Exception):
                    async with asyncio.timeout(10):
                        await app.state.pg_pool.close()

    check_auth_settings(settings)  # before anything starts: a production service on the dev secret stops here
    setup_logging(settings.service_name, settings.log_level, settings.log_json)
    setup_tracing(settings.service_name)
    # The base of this service's events' `dataschema` URLs (served by event_schemas_router).
    set_public_base_url(settings.service_name, settings.public_base_url or f"http://127.0.0.1:{settings.port}")
    app = FastAPI(
        title=title,
        description=description,
        version="1.0.0",
        lifespan=lifespan,
        generate_unique_id_function=operation_id,
        webhooks=webhooks,
        openapi_tags=openapi_tags,
    )
    app.state.settings = settings
    app.state.token_verifier = TokenVerifier.from_settings(settings)
    install_problem_handlers(app)
    problems_in_openapi(app)
    app.include_router(health_router)
    app.include_router(metrics_router)
    app.include_router(event_schemas_router(settings.service_name))
    for router in routers:
        app.include_router(router)
    # Added innermost first: metrics wraps everything, then rate limit, size limit, idempotency.
    app.add_middleware(IdempotencyMiddleware)
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(RateLimitMiddleware, limits=limits_from_settings(settings))
    if settings.dashboard_origin:
        # Only the dashboard's origin may call from a browser; tokens travel in headers, never cookies.
        app.add_middleware(
            CORSMiddleware,
            allow_origins=[settings.dashboard_origin],
            allow_methods=["GET", "POST", "PUT", "DELETE"],
            allow_headers=["Authorization", "Content-Type", "Idempotency-Key", "If-Match"],
            allow_credentials=False,
            max_age=600,
        )
    app.add_middleware(HttpMetricsMiddleware)
    if configure is not None:
        configure(app)

    from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

    # No child spans per ASGI send/receive message: they cost CPU on every request and say nothing
    # the server span does not.
    FastAPIInstrumentor.instrument_app(app, excluded_urls="healthz,readyz,metrics", exclude_spans=["receive", "send"])
    return app
