"""Webhook secrets at rest: Fernet-encrypted with keys from the environment.

WEBHOOK_SECRET_KEYS is a comma-separated list of Fernet keys (``Fernet.generate_key()``).
The first encrypts; every one decrypts, so a key is rotated by putting the new one first
and keeping the old one after it while rows sealed with it remain (a row moves to the new
key whenever it is written, e.g. by rotate-secret; ``SecretBox.reseal`` moves one at once).
Without WEBHOOK_SECRET_KEYS only ENVIRONMENT=development gets a key: the published
development key below.

The database sees only ciphertext: the subscriptions' columns are ``SealedText`` (the ORM
encrypts on write and decrypts on read); raw SQL that reads them calls ``reveal``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from sqlalchemy import Text
from sqlalchemy.types import TypeDecorator

# Published in the repository: for a developer's machine and the tests only.
DEV_WEBHOOK_SECRET_KEY = "_RMtb-ZFdQN6LNN-0NDCHgFzK95k30tYdrghZEAZsxM="


class SecretKeysMissing(RuntimeError):
    """Outside development, notifications needs WEBHOOK_SECRET_KEYS: it refuses to start without them."""


class SecretUnreadable(RuntimeError):
    """Stored ciphertext no configured key decrypts (a key was dropped too early)."""


class SecretBox:
    def __init__(self, keys: Sequence[str]) -> None:
        if not keys:
            raise SecretKeysMissing("no webhook secret keys")
        try:
            self._fernet = MultiFernet([Fernet(key.strip().encode()) for key in keys])
        except ValueError:
            raise SecretKeysMissing("WEBHOOK_SECRET_KEYS holds a value that is not a Fernet key") from None

    def seal(self, plain: str) -> str:
        return self._fernet.encrypt(plain.encode()).decode("ascii")

    def reveal(self, sealed: str) -> str:
        try:
            return self._fernet.decrypt(sealed.encode()).decode()
        except InvalidToken:
            raise SecretUnreadable("a stored webhook secret cannot be decrypted with WEBHOOK_SECRET_KEYS") from None

    def reseal(self, sealed: str) -> str:
        """The same secret under the first (newest) key."""
        try:
            return self._fernet.rotate(sealed.encode()).decode("ascii")
        except InvalidToken:
            raise SecretUnreadable("a stored webhook secret cannot be decrypted with WEBHOOK_SECRET_KEYS") from None

    def is_sealed(self, value: str) -> bool:
        try:
            self._fernet.decrypt(value.encode())
        except InvalidToken:
            return False
        return True


def box_from_settings(settings: Any) -> SecretBox:
    raw = getattr(settings, "webhook_secret_keys", None)
    value = raw.get_secret_value() if raw is not None else ""
    keys = [k.strip() for k in value.split(",") if k.strip()]
    if not keys:
        if not settings.is_development:
            raise SecretKeysMissing(
                "WEBHOOK_SECRET_KEYS is not set: webhook secrets are stored encrypted with it "
                "(ENVIRONMENT=development uses a published development key)"
            )
        keys = [DEV_WEBHOOK_SECRET_KEY]
    return SecretBox(keys)


_box: SecretBox | None = None


def configure(box: SecretBox) -> None:
    """The process's box (set when the app or a migration starts)."""
    global _box
    _box = box


def current() -> SecretBox:
    if _box is None:
        from notifications.config import Settings

        configure(box_from_settings(Settings()))
    assert _box is not None
    return _box


def reveal(sealed: str | None) -> str | None:
    return None if sealed is None else current().reveal(sealed)


class CurrentBox:
    """The process's box, whichever is configured when it is used (a SecretOpener for the worker)."""

    def seal(self, plain: str) -> str:
        return current().seal(plain)

    def reveal(self, sealed: str) -> str:
        return current().reveal(sealed)


class SealedText(TypeDecorator[str]):
    """A text column holding Fernet ciphertext; Python sees the plain value."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Any) -> str | None:
        return None if value is None else current().seal(value)

    def process_result_value(self, value: str | None, dialect: Any) -> str | None:
        return reveal(value)
