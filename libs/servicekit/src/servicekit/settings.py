"""The settings every service reads from its environment; each service subclasses it."""

from __future__ import annotations

from datetime import timedelta

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from events.kafka import KafkaSecurity

DEV_AUTH_SECRET = "dev-only-secret-change-me-0123456789abcdef"


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", env_file=None)

    service_name: str = "service"
    host: str = "127.0.0.1"
    port: int = 8000
    database_url: str = "postgresql+asyncpg://platform:platform@127.0.0.1:55432/postgres"
    # The same 20 connections at most as before (10 + 10 overflow), all kept: an overflow connection
    # is closed when returned, and the next burst pays a backend fork, TLS, SCRAM and asyncpg's type
    # introspection again (61 connections opened in 15 s at 50 registrations/s, `make bench`).
    db_pool_size: int = 20
    db_max_overflow: int = 0
    kafka_bootstrap_servers: str = "127.0.0.1:9092"
    # Prefix for topic and consumer-group names: lets test runs share one broker in isolation.
    kafka_topic_prefix: str = ""
    # ENVIRONMENT=development (make run, the tests, compose's default) allows the development secret;
    # anything else is production: the service refuses to start on it (servicekit.auth.check_auth_settings).
    environment: str = "production"
    # How this service authenticates to Kafka: PLAINTEXT (none), SASL_PLAINTEXT (make run's
    # broker) or SASL_SSL (production, with the cluster's CA in KAFKA_SSL_CAFILE).
    kafka_security_protocol: str = "PLAINTEXT"
    kafka_sasl_mechanism: str = "SCRAM-SHA-512"
    kafka_username: str | None = None
    kafka_password: SecretStr | None = None
    kafka_ssl_cafile: str | None = None
    auth_secret: SecretStr = SecretStr(DEV_AUTH_SECRET)
    # RS256 tokens from an identity provider: its JWKS URL (AUTH_SECRET is then not used for tokens).
    auth_jwks_url: str | None = None
    # Checked when set: the token's iss must equal AUTH_ISSUER, its aud must contain AUTH_AUDIENCE.
    auth_issuer: str | None = None
    auth_audience: str | None = None
    # A token valid longer than this (exp - iat, or exp - now) is refused (ISO 8601 duration).
    auth_max_token_lifetime: timedelta = timedelta(hours=24)
    # Where integrators reach this service's API (scheme://host[:port], PUBLIC_BASE_URL): its events'
    # `dataschema` URLs point there. Unset: http://127.0.0.1:<PORT>, right for `make run` only.
    public_base_url: str | None = None
    log_level: str = "INFO"
    log_json: bool = True
    # How long Kafka may hold a consumer's fetch to fill a batch (CONSUMER_BATCH_WAIT_MS); 0: answer at once.
    consumer_batch_wait_ms: int = 0
    outbox_poll_interval: float = 1.0
    outbox_batch_size: int = 500
    max_body_bytes: int = 1_048_576
    idempotency_ttl_hours: int = 24
    # The pipeline dashboard's origin (scheme://host:port): the only origin allowed by CORS.
    dashboard_origin: str | None = None
    # Per caller (token's principal, else client address) and replica, by the caller's role:
    # "role=per_minute/burst", comma-separated; "anonymous" is a caller without a valid token.
    rate_limits: str = "anonymous=60/20,partner=300/30,vendor=300/30,aggregator=1200/120,admin=1200/120"
    # Set, these replace every role's limit (one machine's stacks, load tests); 0 turns limits off.
    rate_limit_per_minute: int | None = None
    rate_limit_burst: int | None = None
    # Addresses of the proxies whose X-Forwarded-For uvicorn trusts (comma-separated, CIDRs allowed;
    # uvicorn's FORWARDED_ALLOW_IPS): behind the Ingress each caller is then limited on its own address.
    forwarded_allow_ips: str = "127.0.0.1,::1"

    @property
    def is_development(self) -> bool:
        return self.environment.strip().lower() == "development"

    @property
    def kafka_security(self) -> KafkaSecurity:
        return KafkaSecurity(
            protocol=self.kafka_security_protocol,
            mechanism=self.kafka_sasl_mechanism,
            username=self.kafka_username,
            password=self.kafka_password.get_secret_value() if self.kafka_password else None,
            ssl_cafile=self.kafka_ssl_cafile,
        )

    @property
    def asyncpg_dsn(self) -> str:
        """The same database for a raw asyncpg connection (LISTEN/NOTIFY)."""
        return self.database_url.replace("postgresql+asyncpg://", "postgresql://", 1)
