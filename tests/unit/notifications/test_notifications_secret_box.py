"""The webhook-secret keys: rotation, and no start outside development without them."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet

from notifications.adapters.secret_box import (
    DEV_WEBHOOK_SECRET_KEY,
    SecretBox,
    SecretKeysMissing,
    SecretUnreadable,
    box_from_settings,
)
from notifications.config import Settings
from notifications.main import create_app

LONG_SECRET = "a-production-secret-0123456789abcdef-0123456789"


def test_the_first_key_encrypts_and_every_key_decrypts() -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    sealed_by_old = SecretBox([old]).seal("whsec_abc")
    rotated = SecretBox([new, old])
    assert rotated.reveal(sealed_by_old) == "whsec_abc"
    resealed = rotated.reseal(sealed_by_old)
    assert SecretBox([new]).reveal(resealed) == "whsec_abc"
    assert SecretBox([new]).reveal(rotated.seal("whsec_xyz")) == "whsec_xyz"
    with pytest.raises(SecretUnreadable):
        SecretBox([new]).reveal(sealed_by_old)
    assert "whsec_abc" not in sealed_by_old


def test_without_keys_only_development_gets_the_development_key() -> None:
    dev = box_from_settings(Settings(environment="development"))
    assert Fernet(DEV_WEBHOOK_SECRET_KEY.encode()).decrypt(dev.seal("s").encode()) == b"s"
    with pytest.raises(SecretKeysMissing):
        box_from_settings(Settings(environment="production", auth_secret=LONG_SECRET))
    with pytest.raises(SecretKeysMissing, match="not a Fernet key"):
        box_from_settings(Settings(environment="production", webhook_secret_keys="hunter2"))


def test_notifications_refuses_to_start_in_production_without_keys() -> None:
    with pytest.raises(SecretKeysMissing):
        create_app(Settings(environment="production", auth_secret=LONG_SECRET))
    create_app(
        Settings(environment="production", auth_secret=LONG_SECRET, webhook_secret_keys=Fernet.generate_key().decode())
    )
