# syntax=docker/dockerfile:1
# One image recipe for every service: the build argument SERVICE names it (dealreg, incentives,
# pipeline, notifications) and PORT its port. The same packages as `make run`
# (libs/events, libs/servicekit, services/$SERVICE), built as wheels in one stage and
# installed into a clean slim runtime in the next.
# Build from the repository root:
#   docker build --build-arg SERVICE=dealreg --build-arg PORT=8001 -t partner-platform/dealreg .
ARG PYTHON_IMAGE=python:3.11-slim

FROM ${PYTHON_IMAGE} AS builder
ARG SERVICE
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1
WORKDIR /src
# Third-party packages: exactly the lock's versions (made by `make lock` under constraints.txt,
# the pins the tests ran with), every file checked against its hash.
COPY constraints.txt requirements.lock ./
RUN pip wheel --wheel-dir /wheels --require-hashes --no-deps -r requirements.lock -c constraints.txt \
 && cp constraints.txt /wheels/constraints.txt
COPY libs/events libs/events
COPY libs/servicekit libs/servicekit
COPY services/${SERVICE} services/${SERVICE}
# Naming the local libraries next to the service makes pip take them from here rather
# than look for packages called "events" or "servicekit" on the index. --no-deps: every
# dependency is already in /wheels, from the lock.
RUN test -n "${SERVICE}" \
 && pip wheel --wheel-dir /wheels libs/events libs/servicekit services/${SERVICE} --no-deps -c constraints.txt

FROM ${PYTHON_IMAGE} AS runtime
ARG SERVICE
ARG PORT
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    SERVICE=${SERVICE} \
    HOST=0.0.0.0 \
    PORT=${PORT} \
    OTEL_SERVICE_NAME=${SERVICE}
# A fixed numeric id, so Kubernetes' runAsNonRoot can verify it without a passwd lookup.
RUN groupadd --system --gid 10001 app \
 && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
    --shell /usr/sbin/nologin app
# Bind-mount the wheels so they never end up in an image layer; --no-index: only these
# (a dependency missing from the lock fails the build instead of being fetched unpinned).
RUN --mount=type=bind,from=builder,source=/wheels,target=/wheels \
    pip install --no-index --find-links /wheels ${SERVICE} -c /wheels/constraints.txt
COPY --chmod=0755 deploy/docker/healthcheck.py /usr/local/bin/healthcheck.py
WORKDIR /app
USER 10001:10001
EXPOSE ${PORT}
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "/usr/local/bin/healthcheck.py", "/healthz"]
# The service's console script (each service's pyproject names one after the service).
CMD ["sh", "-c", "exec \"$SERVICE\" serve"]
