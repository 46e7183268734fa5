# The two commands a newcomer needs: `make run` (the whole platform) and `make test`.
# Both bootstrap what is missing: the virtualenv and packages, the Kafka jars (Maven),
# and PostgreSQL (Debian's package, installed with apt-get if absent).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PACKAGES := -e libs/events -e libs/servicekit -e tools/devstack -e tools/platformctl \
	-e services/dealreg -e services/incentives -e services/pipeline -e services/notifications -e clients/python
MANIFESTS := constraints.txt requirements-dev.txt $(wildcard libs/*/pyproject.toml services/*/pyproject.toml tools/*/pyproject.toml clients/*/pyproject.toml)

.PHONY: bootstrap containers compose-check run test test-fast lint token stop bench soak clean lock docs sdk

bootstrap: $(VENV)/.installed .cache/kafka/libs/.complete .cache/bin/kustomize .cache/chromium-path .cache/promtool-path .cache/node/.ready

$(VENV)/.installed: $(MANIFESTS)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -c constraints.txt $(PACKAGES) -r requirements-dev.txt
	touch $@

.cache/kafka/libs/.complete: infra/kafka/pom.xml
	bash infra/kafka.sh fetch

# Debian's chromium for the dashboard's browser test (installed with apt-get when missing).
.cache/chromium-path: infra/chromium.sh
	mkdir -p .cache && bash infra/chromium.sh > $@

# Debian's promtool (package prometheus) checks deploy/observability's alert rules (tests/deploy).
.cache/promtool-path: infra/promtool.sh
	mkdir -p .cache && bash infra/promtool.sh > $@

# kustomize (Go module proxy) renders the Kubernetes overlays that tests/deploy validates.
.cache/bin/kustomize: infra/kustomize.sh
	bash infra/kustomize.sh >/dev/null

# npm tools pinned by tools/node/package-lock.json: @asyncapi/parser validates docs/asyncapi.yaml in the
# tests; openapi-typescript and typescript make and check clients/typescript (make sdk, the tests).
.cache/node/.ready: tools/node/package-lock.json infra/node-tools.sh
	bash infra/node-tools.sh >/dev/null && touch $@

## make docs: the contract generated from the code: schemas/events/*.v1.json, docs/asyncapi.yaml,
## docs/openapi/<service>.json (the tests fail while a committed one differs from the code's).
docs: $(VENV)/.installed
	$(PY) -m devstack.apidocs

## make sdk: make docs, then the typed clients generated from docs/openapi/*.json: clients/python
## (openapi-python-client) and clients/typescript (openapi-typescript).
sdk: docs .cache/node/.ready
	$(PY) -m devstack.sdk

# The integration suite's container engine and images (infra/containers.sh: podman from Debian,
# images built only when their inputs changed; about 0.3 s when nothing did). Only `make test`
# needs it: `make run` and the e2e and reliability suites use local processes.
containers: .cache/kafka/libs/.complete
	bash infra/containers.sh ensure

## make compose-check: docker-compose.yml up for real on podman (local images, the services built
## FROM Debian's Python 3.11), a registration that earns its reward, then down; not part of make test.
compose-check: bootstrap
	bash infra/compose-check.sh

## make run: PostgreSQL, Kafka, migrations, the four services (supervised); Ctrl-C stops all.
run: bootstrap
	$(PY) -m devstack run

## make test: the same bootstrap, then lint and the whole suite (unit, integration, e2e, deploy);
## the integration suite on containers (testcontainers) when an engine answers.
test: bootstrap containers lint
	$(PY) -m pytest -q -p no:cacheprovider

test-fast: bootstrap
	$(PY) -m pytest -q tests/unit

lint: bootstrap
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy libs/events/src libs/servicekit/src tools/devstack/src tools/platformctl/src services/*/src clients/python/src
	$(VENV)/bin/lint-imports

## make token ROLE=partner CLAIMS='partner_id=p-100 sub=rep-7'
token: bootstrap
	@$(PY) -m devstack token $(or $(ROLE),admin) $(CLAIMS)

## make lock: requirements.lock, the images' hashed lock, from the pyprojects under constraints.txt.
lock: $(VENV)/.installed
	$(PY) deploy/lock.py

stop:
	-bash infra/containers.sh stop
	-bash infra/kafka.sh stop
	-bash infra/postgres.sh stop

## make soak: COUNT (default 10000) registrations, retried with their Idempotency-Key, through SIGKILLs of
## every service and restarts of Kafka and PostgreSQL (private servers, like tests/reliability); not part of make test.
soak: bootstrap
	$(PY) tests/reliability/soak.py --count $(or $(COUNT),10000)

## make bench: measures the stack against bare baselines on this machine (not part of make test).
bench: bootstrap
	$(PY) -m pip install -q -r requirements-bench.txt
	command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
	$(PY) -m bench

clean: stop
	rm -rf $(VENV) .cache
