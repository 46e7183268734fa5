"""Service settings from the environment."""

from __future__ import annotations

import pytest

from servicekit.settings import DEV_AUTH_SECRET, ServiceSettings

ENV_NAMES = [
    "SERVICE_NAME",
    "PORT",
    "DATABASE_URL",
    "AUTH_SECRET",
    "KAFKA_TOPIC_PREFIX",
    "MAX_BODY_BYTES",
    "LOG_JSON",
    "IDEMPOTENCY_TTL_HOURS",
]


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)


def test_defaults() -> None:
    settings = ServiceSettings()
    assert settings.auth_secret.get_secret_value() == DEV_AUTH_SECRET
    assert settings.kafka_topic_prefix == ""
    assert settings.max_body_bytes == 1_048_576
    assert settings.idempotency_ttl_hours == 24


def test_environment_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SERVICE_NAME", "dealreg")
    monkeypatch.setenv("PORT", "8101")
    monkeypatch.setenv("AUTH_SECRET", "s3cret-from-env")
    monkeypatch.setenv("KAFKA_TOPIC_PREFIX", "t1.")
    monkeypatch.setenv("LOG_JSON", "false")
    monkeypatch.setenv("MAX_BODY_BYTES", "2048")
    settings = ServiceSettings()
    assert (settings.service_name, settings.port, settings.kafka_topic_prefix) == ("dealreg", 8101, "t1.")
    assert settings.auth_secret.get_secret_value() == "s3cret-from-env"
    assert settings.log_json is False
    assert settings.max_body_bytes == 2048


def test_secret_is_not_shown_in_repr(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUTH_SECRET", "s3cret-from-env")
    settings = ServiceSettings()
    assert "s3cret-from-env" not in repr(settings)
    assert "s3cret-from-env" not in str(settings.model_dump())


def test_bad_number_in_environment_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORT", "eighty")
    with pytest.raises(ValueError):
        ServiceSettings()


def test_asyncpg_dsn_drops_the_driver_name() -> None:
    settings = ServiceSettings(database_url="postgresql+asyncpg://u:p@db:5432/dealreg")
    assert settings.asyncpg_dsn == "postgresql://u:p@db:5432/dealreg"
