"""What the dashboard page needs to know from the environment."""

from __future__ import annotations

from urllib.parse import urlsplit

from pydantic import field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class DashboardSettings(BaseSettings):
    """INCENTIVES_PUBLIC_URL: where the browser reaches incentives (not where pipeline would)."""

    model_config = SettingsConfigDict(extra="ignore", env_file=None)

    incentives_public_url: str = "http://127.0.0.1:8002"

    @field_validator("incentives_public_url")
    @classmethod
    def _an_http_origin(cls, value: str) -> str:
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("INCENTIVES_PUBLIC_URL must be an http(s) URL such as http://127.0.0.1:8002")
        return value.strip().rstrip("/")

    @property
    def incentives_origin(self) -> str:
        """scheme://host[:port], what the page's Content-Security-Policy allows it to call."""
        parts = urlsplit(self.incentives_public_url)
        return f"{parts.scheme}://{parts.netloc}"
